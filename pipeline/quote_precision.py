"""Quote precision: of the quotes shown for the held-out glassdoor.fr employers, the share whose unit the
independent held-out annotation labels with the theme and polarity it is quoted under.

The 209 saved pages are imported into a throwaway warehouse (tagged by the packaged model), and each quote from
a held-out review is looked up by its unit (review, section, span) in models/evaluation: the units the held-out
F1 is measured on (heldout_*.jsonl) and the other units of the same reviews the model tags, annotated blind for
this check (quote_units_glassdoor_heldout.jsonl). Two sets of quotes are scored: those the employers' reports
show (under their concerns and strengths, few: these employers have 5 to 40 reviews each), and those the
reports would show under every theme that 3 reviews or more raise with a polarity (the same choice of quotes,
for every theme that could become a concern or a strength). `python -m revint.pipeline.quote_precision` prints
both; `make bench` too.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from revint.models.train.heldout import EVALUATION
from revint.pipeline.importing import import_paths
from revint.pipeline.insights.evidence import MIN_RAISING
from revint.pipeline.insights.quotes import Quote, choose_quotes
from revint.pipeline.insights.report import company_report, quote_candidates, quotes_wanted
from revint.pipeline.insights.scope import Scope, counts
from revint.pipeline.training import GLASSDOOR_PAGES, heldout_glassdoor_reviews
from revint.pipeline.warehouse.db import connect
from revint.settings import Settings

DATASET: Final = "glassdoor-heldout"
ANNOTATIONS: Final = ("heldout_glassdoor_and_graphql.jsonl", "quote_units_glassdoor_heldout.jsonl")


@dataclass(frozen=True)
class Scored:
    """Quotes looked up in the annotation: right or wrong per kind (concern or strength)."""

    right: Counter[str]
    wrong: Counter[str]
    unannotated: int  # quotes from held-out reviews whose unit no annotation covers (expected: 0)

    def precision(self, kind: str | None = None) -> float:
        kinds = [kind] if kind else ["concern", "strength"]
        right = sum(self.right[k] for k in kinds)
        total = right + sum(self.wrong[k] for k in kinds)
        return right / total if total else float("nan")

    def line(self) -> str:
        def part(kind: str) -> str:
            return f"{kind}s {self.right[kind]}/{self.right[kind] + self.wrong[kind]}"

        return f"{self.precision():.3f} ({part('concern')}, {part('strength')}; {self.unannotated} unannotated)"


@dataclass(frozen=True)
class QuotePrecision:
    reports: int
    concerns: int
    strengths: int
    shown: Scored  # the quotes the reports show
    every_theme: Scored  # the quotes they would show under every theme 3 reviews or more raise

    def lines(self) -> list[str]:
        return [
            f"quote precision, held-out glassdoor.fr employers ({self.reports} reports, {self.concerns} concerns, "
            f"{self.strengths} strengths):",
            f"  {'quotes the reports show':32} {self.shown.line()}",
            f"  {'quotes under every theme raised':32} {self.every_theme.line()}",
        ]


def _annotations() -> dict[tuple[str, str, int, int], set[tuple[str, str]]]:
    labels = {}
    for name in ANNOTATIONS:
        for line in (EVALUATION / name).read_text(encoding="utf-8").splitlines():
            ref = json.loads(line)
            if ref["dataset"] == DATASET:
                key = (ref["review_id"], ref["section"], ref["start"], ref["end"])
                labels[key] = {(theme, polarity) for theme, polarity in ref["labels"]}
    return labels


def _score(
    quoted: list[tuple[str, str, str, Quote]], held: set[str], labels: dict[Any, set[tuple[str, str]]]
) -> Scored:
    """(kind, theme, polarity, quote) looked up in the annotation; quotes of reviews not held out are skipped."""
    right: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    unannotated = 0
    for kind, theme, polarity, quote in quoted:
        if quote.review_id not in held:
            continue  # a review of a training employer that shares the company's name
        unit = labels.get((quote.review_id, quote.section, quote.start_char, quote.end_char))
        if unit is None:
            unannotated += 1
        else:
            (right if (theme, polarity) in unit else wrong)[kind] += 1
    return Scored(right, wrong, unannotated)


def quote_precision(settings: Settings) -> QuotePrecision:
    held = heldout_glassdoor_reviews()  # the other held-out sets are not parsed: no report reads them
    labels = _annotations()
    shown: list[tuple[str, str, str, Quote]] = []
    every: list[tuple[str, str, str, Quote]] = []
    concerns = strengths = 0
    with tempfile.TemporaryDirectory() as scratch:
        local = replace(settings, data_dir=Path(scratch), db_path=Path(scratch) / "quotes.duckdb")
        import_paths(local, "glassdoor", [GLASSDOOR_PAGES])
        con = connect(local.db_path, read_only=True)
        companies = sorted({record.company_id for record in held.values()})
        for company in companies:
            report = company_report(con, company, by_id=True)
            concerns, strengths = concerns + len(report.concerns), strengths + len(report.strengths)
            for kind, findings in (("concern", report.concerns), ("strength", report.strengths)):
                shown += [(kind, f.theme, f.polarity, q) for f in findings for q in f.quotes]
            scope = Scope([company])
            raised = [
                (theme, polarity)
                for theme, raising in counts(con, scope).themes.items()
                for polarity in ("negative", "positive")
                if raising[polarity] >= MIN_RAISING
            ]
            for (theme, polarity), pool in quote_candidates(con, scope, raised).items():
                kind = "concern" if polarity == "negative" else "strength"
                every += [(kind, theme, polarity, q) for q in choose_quotes(pool, quotes_wanted(polarity, 3), set())]
        con.close()
    return QuotePrecision(
        len(companies), concerns, strengths, _score(shown, set(held), labels), _score(every, set(held), labels)
    )


def main() -> None:
    print("\n".join(quote_precision(Settings.from_env()).lines()))


if __name__ == "__main__":
    main()

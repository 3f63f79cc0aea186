"""Quote precision: of the quotes the reports of the held-out glassdoor.fr employers show, the share whose unit
the independent held-out annotation labels with the finding's theme and polarity.

The 209 saved pages are imported into a throwaway warehouse (tagged by the packaged model), each held-out
employer gets its report, and each quote from a held-out review is looked up by its unit (review, section,
span) in models/evaluation: the units the held-out F1 is measured on (heldout_*.jsonl) and the other units of
the same reviews the model tags, annotated blind for this check (quote_units_glassdoor_heldout.jsonl).
`python -m revint.pipeline.quote_precision` prints it; `make bench` too.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from revint.models.train.heldout import EVALUATION
from revint.pipeline.importing import import_paths
from revint.pipeline.insights.report import company_report
from revint.pipeline.training import GLASSDOOR_PAGES, heldout_reviews
from revint.pipeline.warehouse.db import connect
from revint.settings import Settings

DATASET: Final = "glassdoor-heldout"
ANNOTATIONS: Final = ("heldout_glassdoor_and_graphql.jsonl", "quote_units_glassdoor_heldout.jsonl")


@dataclass(frozen=True)
class QuotePrecision:
    reports: int
    concerns: int
    strengths: int
    scored: Counter[tuple[str, bool]]  # (concern or strength, the annotation agrees) → quotes
    unannotated: int  # quotes from held-out reviews whose unit no annotation covers (expected: 0)

    def precision(self, kind: str | None = None) -> float:
        kinds = [kind] if kind else ["concern", "strength"]
        right = sum(self.scored[k, True] for k in kinds)
        total = right + sum(self.scored[k, False] for k in kinds)
        return right / total if total else 0.0

    def lines(self) -> list[str]:
        def part(kind: str) -> str:
            right, wrong = self.scored[kind, True], self.scored[kind, False]
            return f"{kind}s {right}/{right + wrong} = {self.precision(kind):.3f}"

        return [
            f"quote precision on the held-out glassdoor.fr employers: {self.precision():.3f} "
            f"({part('concern')}, {part('strength')})",
            f"  {self.reports} reports, {self.concerns} concerns, {self.strengths} strengths; "
            f"{self.unannotated} quotes of held-out reviews without annotation",
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


def quote_precision(settings: Settings) -> QuotePrecision:
    held = heldout_reviews()[DATASET]
    labels = _annotations()
    scored: Counter[tuple[str, bool]] = Counter()
    unannotated = concerns = strengths = 0
    with tempfile.TemporaryDirectory() as scratch:
        local = replace(settings, data_dir=Path(scratch), db_path=Path(scratch) / "quotes.duckdb")
        import_paths(local, "glassdoor", [GLASSDOOR_PAGES])
        con = connect(local.db_path, read_only=True)
        companies = sorted({record.company_id for record in held.values()})
        for company in companies:
            report = company_report(con, company, entity=company)
            concerns, strengths = concerns + len(report.concerns), strengths + len(report.strengths)
            for kind, findings in (("concern", report.concerns), ("strength", report.strengths)):
                for finding in findings:
                    for quote in finding.quotes:
                        if quote.review_id not in held:
                            continue  # a review of a training employer that shares the company's name
                        unit = labels.get((quote.review_id, quote.section, quote.start_char, quote.end_char))
                        if unit is None:
                            unannotated += 1
                        else:
                            scored[kind, (finding.theme, finding.polarity) in unit] += 1
        con.close()
    return QuotePrecision(len(companies), concerns, strengths, scored, unannotated)


def main() -> None:
    print("\n".join(quote_precision(Settings.from_env()).lines()))


if __name__ == "__main__":
    main()

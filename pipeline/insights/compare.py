"""Companies side by side, for a candidate choosing between offers: each theme's share of complaints in each
company against the reference, where they differ most, and the questions worth asking each one because of it.

Two companies "differ" on a theme when the worse one's share is above the better one's beyond chance at the
comparison-wide bar (pipeline/insights/evidence.py: both an exact binomial and a two-proportion test, at 0.05
shared among the 11 themes and the pairs of companies). A company with fewer than 10 reviews is shown but
compared with nothing, as its report says "not enough reviews yet".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import duckdb

from revint.errors import UsageError
from revint.pipeline.insights.evidence import (
    ALPHA_CLAIM,
    MIN_RAISING,
    MIN_REVIEWS,
    Count,
    Standing,
    binomial_tail,
    z_score,
)
from revint.pipeline.insights.evidence import standing as standing_of
from revint.pipeline.insights.lookup import find_companies
from revint.pipeline.insights.questions import Question, pick_questions
from revint.pipeline.insights.report import quote_candidates
from revint.pipeline.insights.scope import Counts, Reference, Scope, counts, reference, sector_of
from revint.taxonomy import THEMES, theme_label


class CannotCompare(UsageError, ValueError):
    """Not two or three different companies."""


@dataclass(frozen=True)
class Side:
    """One company's figure for one theme."""

    count: Count  # reviews criticising the theme, of the company's reviews
    reference: Count | None  # the same among the other companies' reviews (the sector's when it has enough)
    standing: Standing | None  # None: not compared (too few reviews here, or elsewhere)


@dataclass(frozen=True)
class Difference:
    """A theme on which `worse` is criticised more often than `better` beyond chance."""

    theme: str
    label: str
    worse: str  # company id
    better: str
    worse_count: Count
    better_count: Count

    @property
    def gap(self) -> float:
        return self.worse_count.share - self.better_count.share


@dataclass(frozen=True)
class Comparison:
    companies: list[tuple[str, str, int]]  # (company id, name, reviews)
    lang: str
    themes: dict[str, list[Side]]  # theme → one side per company, in the companies' order
    differences: list[Difference]  # largest gap first
    questions: dict[str, list[tuple[str, Question]]] = field(default_factory=dict)  # company id → (theme, question)

    def to_json_dict(self) -> dict[str, Any]:
        def counted(count: Count) -> dict[str, int]:
            return {"raising": count.raising, "reviews": count.reviews}

        return {
            "companies": [{"company_id": c, "name": n, "reviews": r} for c, n, r in self.companies],
            "lang": self.lang,
            "themes": [
                {
                    "theme": theme,
                    "label": theme_label(theme, self.lang),
                    "by_company": [
                        {
                            "company_id": company_id,
                            "negative": counted(side.count),
                            "share": round(side.count.share, 3),
                            "reference_share": round(side.reference.share, 3) if side.reference else None,
                            "standing": side.standing,
                        }
                        for (company_id, _, _), side in zip(self.companies, sides, strict=True)
                    ],
                }
                for theme, sides in self.themes.items()
            ],
            "differences": [
                {
                    "theme": d.theme,
                    "worse": d.worse,
                    "better": d.better,
                    "worse_negative": counted(d.worse_count),
                    "better_negative": counted(d.better_count),
                    "gap": round(d.gap, 3),
                }
                for d in self.differences
            ],
            "questions": {
                company_id: [{"theme": theme, **q.to_json_dict()} for theme, q in asked]
                for company_id, asked in self.questions.items()
            },
        }


def _differ(worse: Count, better: Count, pairs: int) -> bool:
    alpha = ALPHA_CLAIM / pairs
    return (
        min(worse.reviews, better.reviews) >= MIN_REVIEWS
        and worse.raising >= MIN_RAISING
        and z_score(worse, better) >= NormalDist().inv_cdf(1 - alpha)
        and binomial_tail(worse.raising, worse.reviews, better.share) <= alpha
    )


def compare(con: duckdb.DuckDBPyConnection, queries: list[str], lang: str = "fr") -> Comparison:
    """Two or three companies (each named as `revint questions` names one; a group counts as one company)."""
    if not 2 <= len(queries) <= 3:
        raise CannotCompare("compare takes two or three companies")
    companies: list[tuple[str, str, int]] = []
    sides_of: list[tuple[list[str], Counts, Reference | None]] = []
    for query in queries:
        match = find_companies(con, query)
        ids = match.company_ids
        if any(set(ids) & set(other) for other, _, _ in sides_of):
            raise CannotCompare(f"{query!r} covers a company already compared: compare different companies")
        company = counts(con, Scope(ids))
        against = reference(con, company, sector_of(con, ids), None, len(ids))
        if company.reviews < MIN_REVIEWS:
            against = None  # as the report: not enough reviews yet
        companies.append(("+".join(ids), ", ".join(e.name for e in match.entities), company.reviews))
        sides_of.append((ids, company, against))
    themes: dict[str, list[Side]] = {}
    for theme in THEMES:
        sides = []
        for _, company, against in sides_of:
            count = company.count(theme, "negative")
            compared = against.shares.count(theme, "negative") if against else None
            sides.append(Side(count, compared, standing_of(count, compared) if compared else None))
        if any(side.count.raising for side in sides):
            themes[theme] = sides
    differences = []
    for theme, sides in themes.items():
        ranked = sorted(range(len(sides)), key=lambda i: -sides[i].count.share)
        worst, best = ranked[0], ranked[-1]
        if _differ(sides[worst].count, sides[best].count, pairs=len(sides) * (len(sides) - 1) // 2):
            label = theme_label(theme, lang)
            ids = [company_id for company_id, _, _ in companies]
            differences.append(Difference(theme, label, ids[worst], ids[best], sides[worst].count, sides[best].count))
    differences.sort(key=lambda d: (-d.gap, d.theme))
    questions: dict[str, list[tuple[str, Question]]] = {}
    for (company_id, _, _), (ids, _, _) in zip(companies, sides_of, strict=True):
        worse = [d.theme for d in differences if d.worse == company_id]
        pool = quote_candidates(con, Scope(ids), [(theme, "negative") for theme in worse])  # one query per company
        questions[company_id] = [
            (theme, pick_questions(theme, [q.text for q in pool[theme, "negative"]], lang, 1)[0]) for theme in worse
        ]
    return Comparison(companies, lang, themes, differences, questions)

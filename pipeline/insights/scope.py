"""The reviews a report counts (its scope) and what it compares them with (its reference).

A scope is a set of companies (one, or a group's entities), optionally narrowed to the job titles of one job
family or to a place. The reference is the same theme among the other companies' reviews: the same job family
elsewhere for a role, the sector's other companies when the directory gives a sector with enough of them, else
all other companies. The scope's own reviews are always taken out of the reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final

import duckdb

from revint.pipeline.insights.evidence import Count
from revint.pipeline.insights.roles import JobFamily, family_of, fold_title

SQL_DIR: Final = Path(__file__).parent / "sql"
MIN_SECTOR_REVIEWS: Final = 300  # other companies' reviews a sector needs to be the reference
MIN_SECTOR_COMPANIES: Final = 2  # other companies in the sector
MIN_REFERENCE_REVIEWS: Final = 30  # other reviews needed to compare with at all (and for a role's reference)
_THEME_COUNTS: Final = tuple(
    f"{period}{polarity}" for period in ("", "recent_", "earlier_") for polarity in ("negative", "positive")
)

Key = tuple[str, str]  # (theme, polarity)


@cache
def insight_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Scope:
    """The SQL parameters that select a report's reviews."""

    company_ids: list[str]
    titles: list[str] | None = None  # job titles as reviews give them: one job family's
    location: str | None = None  # folded words the review's location must hold

    def parameters(self) -> dict[str, Any]:
        return {
            "company_ids": self.company_ids,
            "first_id": min(self.company_ids),
            "last_id": max(self.company_ids),
            "titles": self.titles,
            "location": self.location,
        }


@dataclass(frozen=True)
class Counts:
    """A scope's reviews: how many, their period, and per theme and polarity how many raise it."""

    scope: Scope
    reviews: int
    first: date | None
    last: date | None
    unscored: int  # reviews with a mention that has no calibrated evidence score (constants.RAW_EVIDENCE_VERSIONS)
    recent_reviews: int  # in the twelve months up to `last`
    earlier_reviews: int
    themes: dict[str, dict[str, int]]  # theme → negative, positive, recent_negative, …

    def count(self, theme: str, polarity: str, period: str = "") -> Count:
        reviews = {"": self.reviews, "recent_": self.recent_reviews, "earlier_": self.earlier_reviews}[period]
        return Count(self.themes.get(theme, {}).get(f"{period}{polarity}", 0), reviews)


def counts(con: duckdb.DuckDBPyConnection, scope: Scope) -> Counts:
    cursor = con.execute(insight_sql("scope_themes"), scope.parameters())
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    first = rows[0]
    return Counts(
        scope=scope,
        reviews=first["reviews"],
        first=first["first_date"],
        last=first["last_date"],
        unscored=first["unscored_reviews"] or 0,
        recent_reviews=first["recent_reviews"] or 0,
        earlier_reviews=first["earlier_reviews"] or 0,
        themes={row["theme"]: {k: int(row[k]) for k in _THEME_COUNTS} for row in rows if row["theme"]},
    )


def narrowed(
    con: duckdb.DuckDBPyConnection, company_ids: list[str], family: JobFamily | None, location: str | None
) -> Scope:
    """The scope of a job family's reviews (the titles of it that any review gives) and of a place's."""
    titles = None
    if family is not None:
        rows = con.execute("SELECT DISTINCT job_title FROM mart_title_theme").fetchall()
        titles = sorted(title for (title,) in rows if family_of(title) == family.family_id)
    return Scope(company_ids, titles, fold_title(location) or None if location else None)


def sector_of(con: duckdb.DuckDBPyConnection, company_ids: list[str]) -> str | None:
    """The companies' sector when they all have the same one; None when unknown or mixed (a group)."""
    rows = con.execute("SELECT DISTINCT sector FROM companies WHERE list_contains(?, company_id)", [company_ids])
    sectors = rows.fetchall()
    return sectors[0][0] if len(sectors) == 1 else None


@dataclass(frozen=True)
class Shares:
    """Reviews raising each (theme, polarity) among `reviews` reviews."""

    reviews: int
    raising: dict[Key, int]

    def count(self, theme: str, polarity: str) -> Count:
        return Count(self.raising.get((theme, polarity), 0), self.reviews)


@dataclass(frozen=True)
class Reference:
    """What a scope's counts are compared with."""

    name: str  # "other companies", "sector" or "same role elsewhere"
    shares: Shares
    others: Shares  # all other companies' (shown beside a sector's or a role's)


def _without(rows: list[tuple[Any, ...]], own: Counts) -> Shares:
    """(theme, reviews, negative, positive) rows once the scope's own reviews are taken out."""
    raising = {}
    for theme, _, negative, positive, *_ in rows:
        raising[theme, "negative"] = negative - own.count(theme, "negative").raising
        raising[theme, "positive"] = positive - own.count(theme, "positive").raising
    return Shares((rows[0][1] if rows else 0) - own.reviews, raising)


def _role_rows(con: duckdb.DuckDBPyConnection, titles: list[str]) -> list[tuple[Any, ...]]:
    """(theme, reviews, negative, positive) over every company's reviews that give one of these titles."""
    return con.execute(
        """
        WITH family AS (SELECT * FROM mart_title_theme WHERE list_contains(?, job_title))
        SELECT theme, (SELECT sum(reviews) FROM (SELECT any_value(reviews) AS reviews FROM family GROUP BY job_title)),
               sum(reviews_negative), sum(reviews_positive)
        FROM family WHERE theme IS NOT NULL GROUP BY theme
        """,
        [titles],
    ).fetchall()


def reference(
    con: duckdb.DuckDBPyConnection, company: Counts, sector: str | None, role: Counts | None, entities: int
) -> Reference | None:
    """The reference for a scope (see the module's docstring); None when too few other reviews to compare with.
    `company` counts the scope's companies whole, `role` their reviews of the scope's job family (if any)."""
    rows = con.execute("SELECT theme, reviews, reviews_negative, reviews_positive FROM mart_theme_baseline").fetchall()
    if not rows or rows[0][1] - company.reviews < MIN_REFERENCE_REVIEWS:
        return None
    others = _without(rows, company)
    if role is not None and role.scope.titles:
        same_role = _without(_role_rows(con, role.scope.titles), role)
        if same_role.reviews >= MIN_REFERENCE_REVIEWS:
            return Reference("same role elsewhere", same_role, others)
    query = (
        "SELECT theme, reviews, reviews_negative, reviews_positive, companies FROM mart_sector_theme WHERE sector = ?"
    )
    sector_rows = con.execute(query, [sector]).fetchall() if sector else []
    if sector_rows and (
        sector_rows[0][1] - company.reviews >= MIN_SECTOR_REVIEWS
        and sector_rows[0][4] - entities >= MIN_SECTOR_COMPANIES
    ):
        return Reference("sector", _without(sector_rows, company), others)
    return Reference("other companies", others, others)

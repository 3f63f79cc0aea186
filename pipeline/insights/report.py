"""A company's report: the themes its reviews raise more often than elsewhere (concerns), with evidence a
candidate can check and questions to ask, what its employees praise more than elsewhere (strengths), and what
they raise about as often as elsewhere.

The scope is one company, a group of entities ("Altran"), or the reviews of one job family or place within
them. Each theme's share of the scope's reviews is compared with the other companies' (or the sector's) share
through an interval (pipeline/insights/evidence.py); quotes come from `mart_quotes` (pipeline/insights/quotes.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final

import duckdb

from revint.errors import ReportedError
from revint.pipeline.insights.evidence import MIN_RAISING, MIN_REVIEWS, Count, Standing, excess, standing, trend
from revint.pipeline.insights.lookup import CompanyMatch, CompanyNotFound, Entity, find_companies, find_company
from revint.pipeline.insights.questions import Question, pick_questions, question_bank
from revint.pipeline.insights.quotes import Quote, choose_quotes
from revint.pipeline.insights.roles import JobFamily, family_of, find_family
from revint.taxonomy import THEMES

INSIGHTS_DIR: Final = Path(__file__).parent
MIN_SECTOR_REVIEWS: Final = 100  # other companies' reviews a sector needs to be the reference
MIN_SECTOR_COMPANIES: Final = 2  # other companies in the sector
MIN_REFERENCE_REVIEWS: Final = 30  # other companies' reviews needed to compare with at all
STRENGTHS: Final = 3

__all__ = [
    "CompanyNotFound",
    "CompanyReport",
    "Quote",
    "ThemeFinding",
    "company_report",
    "find_company",
    "insight_sql",
    "pick_questions",
    "question_bank",
]


class UnknownRole(ReportedError, ValueError):
    exit_status = 2


@cache
def insight_sql(name: str) -> str:
    return (INSIGHTS_DIR / "sql" / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class ThemeFinding:
    """One theme with one polarity in a report's scope, against its reference."""

    theme: str
    label: str
    polarity: str
    count: Count  # reviews raising the theme with this polarity, of the scope's reviews
    opposite: Count  # reviews raising it with the other polarity
    reference_share: float  # what the share is compared with: the sector's other companies', or all others'
    reference: str  # "other companies" or "sector"
    others_share: float  # all other companies' share
    standing: Standing
    excess: float  # at least this much above the reference share (lower bound; negative when not above)
    recent: Count  # in the twelve months up to the scope's latest review
    earlier: Count
    company: Count | None = None  # company-wide, when the scope is one job family or place
    trend: str | None = None  # rising, falling, or None when the evidence does not say
    quotes: list[Quote] = field(default_factory=list)
    quotes_wanted: int = 0
    questions: list[Question] = field(default_factory=list)

    @property
    def reviews_raising(self) -> int:
        return self.count.raising

    @property
    def share(self) -> float:
        return self.count.share

    @property
    def divided(self) -> bool:
        """Many reviews say the opposite: at least MIN_RAISING, and half as many as say this."""
        return self.opposite.raising >= max(MIN_RAISING, self.count.raising / 2)


@dataclass(frozen=True)
class CompanyReport:
    company_id: str
    company_name: str
    entities: list[Entity]
    others: list[Entity]  # related entities the report does not cover
    sector: str | None
    reviews: int  # in scope
    first_review: date | None
    last_review: date | None
    lang: str
    role: str | None = None  # the job family's label, when the scope is one
    location: str | None = None
    notes: list[str] = field(default_factory=list)  # what the reader must know about the scope
    enough: bool = True  # False: "not enough reviews yet", no finding
    concerns: list[ThemeFinding] = field(default_factory=list)
    strengths: list[ThemeFinding] = field(default_factory=list)
    as_elsewhere: list[ThemeFinding] = field(default_factory=list)  # raised, but not more than elsewhere

    def to_json_dict(self) -> dict[str, Any]:
        def finding(f: ThemeFinding) -> dict[str, Any]:
            return {
                "theme": f.theme,
                "label": f.label,
                "polarity": f.polarity,
                "reviews_raising": f.count.raising,
                "reviews": f.count.reviews,
                "share": round(f.share, 3),
                "all_companies_share": round(f.others_share, 3),  # the other companies'
                "reference": f.reference,
                "reference_share": round(f.reference_share, 3),
                "standing": f.standing,
                "excess_at_least": round(f.excess, 3),
                "reviews_opposite": f.opposite.raising,
                "divided": f.divided,
                "company_share": round(f.company.share, 3) if f.company else None,
                "trend": f.trend,
                "recent": {"raising": f.recent.raising, "reviews": f.recent.reviews},
                "earlier": {"raising": f.earlier.raising, "reviews": f.earlier.reviews},
                "quotes": [
                    {
                        "text": q.text,
                        "date": q.review_date.isoformat() if q.review_date else None,
                        "role": q.role,
                        "current_employee": q.is_current,
                        "source": q.source,
                        "review_id": q.review_id,
                    }
                    for q in f.quotes
                ],
                "quotes_clearing_the_bar": len(f.quotes),
                "questions": [q.text for q in f.questions],
                "question_guide": [q.to_json_dict() for q in f.questions],
            }

        return {
            "company_id": self.company_id,
            "company": self.company_name,
            "entities": [{"company_id": e.company_id, "name": e.name, "reviews": e.reviews} for e in self.entities],
            "other_entities": [{"company_id": e.company_id, "name": e.name, "reviews": e.reviews} for e in self.others],
            "sector": self.sector,
            "reviews": self.reviews,
            "period": [d.isoformat() if d else None for d in (self.first_review, self.last_review)],
            "lang": self.lang,
            "role": self.role,
            "location": self.location,
            "notes": self.notes,
            "enough_reviews": self.enough,
            "concerns": [finding(f) for f in self.concerns],
            "strengths": [finding(f) for f in self.strengths],
            "as_elsewhere": [finding(f) for f in self.as_elsewhere],
        }


@dataclass(frozen=True)
class _Scope:
    """The SQL parameters that select a report's reviews."""

    company_ids: list[str]
    titles: list[str] | None = None
    location: str | None = None

    def parameters(self) -> dict[str, Any]:
        return {
            "company_ids": self.company_ids,
            "first_id": min(self.company_ids),
            "last_id": max(self.company_ids),
            "titles": self.titles,
            "location": self.location,
        }


@dataclass
class _Counts:
    reviews: int
    first: date | None
    last: date | None
    recent_reviews: int
    earlier_reviews: int
    themes: dict[str, dict[str, int]]  # theme → negative, positive, recent_negative, …

    def count(self, theme: str, polarity: str, period: str = "") -> Count:
        reviews = {"": self.reviews, "recent_": self.recent_reviews, "earlier_": self.earlier_reviews}[period]
        return Count(self.themes.get(theme, {}).get(f"{period}{polarity}", 0), reviews)


_THEME_COUNTS: Final = tuple(
    f"{period}{polarity}" for period in ("", "recent_", "earlier_") for polarity in ("negative", "positive")
)


def _counts(con: duckdb.DuckDBPyConnection, scope: _Scope) -> _Counts:
    cursor = con.execute(insight_sql("scope_themes"), scope.parameters())
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    first = rows[0]
    themes = {row["theme"]: {k: int(row[k]) for k in _THEME_COUNTS} for row in rows if row["theme"]}
    return _Counts(
        reviews=first["reviews"],
        first=first["first_date"],
        last=first["last_date"],
        recent_reviews=first["recent_reviews"] or 0,
        earlier_reviews=first["earlier_reviews"] or 0,
        themes=themes,
    )


@dataclass(frozen=True)
class _Reference:
    """What a scope's shares are compared with: (theme, polarity) → share."""

    name: str  # "other companies", or "sector" when the sector's other companies are enough to compare with
    shares: dict[tuple[str, str], float]
    others: dict[tuple[str, str], float]  # all other companies', shown beside a sector's


def _shares_without(rows: list[tuple[Any, ...]], company: _Counts) -> dict[tuple[str, str], float]:
    """Shares of (theme, reviews, negative, positive) rows once the company's own reviews are taken out."""
    shares = {}
    for theme, reviews, negative, positive, *_ in rows:
        for polarity, raising in (("negative", negative), ("positive", positive)):
            shares[theme, polarity] = (Count(raising, reviews) - company.count(theme, polarity)).share
    return shares


def _references(
    con: duckdb.DuckDBPyConnection, company: _Counts, sector: str | None, entities: int
) -> _Reference | None:
    """The other companies' shares, and the sector's other companies' when there are enough of them; None when
    there are too few other reviews to compare with."""
    rows = con.execute("SELECT theme, reviews, reviews_negative, reviews_positive FROM mart_theme_baseline").fetchall()
    if not rows or rows[0][1] - company.reviews < MIN_REFERENCE_REVIEWS:
        return None
    others = _shares_without(rows, company)
    sector_rows = con.execute(
        "SELECT theme, reviews, reviews_negative, reviews_positive, companies FROM mart_sector_theme WHERE sector = ?",
        [sector],
    ).fetchall()
    if sector_rows and (
        sector_rows[0][1] - company.reviews >= MIN_SECTOR_REVIEWS
        and sector_rows[0][4] - entities >= MIN_SECTOR_COMPANIES
    ):
        return _Reference("sector", _shares_without(sector_rows, company), others)
    return _Reference("other companies", others, others)


def _finding(
    theme: str, polarity: str, scope: _Counts, company: _Counts | None, reference: _Reference, lang: str
) -> ThemeFinding:
    opposite = "positive" if polarity == "negative" else "negative"
    count = scope.count(theme, polarity)
    reference_share = reference.shares.get((theme, polarity), 0.0)
    recent, earlier = scope.count(theme, polarity, "recent_"), scope.count(theme, polarity, "earlier_")
    return ThemeFinding(
        theme=theme,
        label=THEMES[theme][0 if lang == "fr" else 1],
        polarity=polarity,
        count=count,
        opposite=scope.count(theme, opposite),
        reference_share=reference_share,
        reference=reference.name,
        others_share=reference.others.get((theme, polarity), 0.0),
        standing=standing(count, reference_share),
        excess=excess(count, reference_share),
        recent=recent,
        earlier=earlier,
        company=company.count(theme, polarity) if company else None,
        trend=trend(recent, earlier),
    )


def _scope_for(
    con: duckdb.DuckDBPyConnection, company_ids: list[str], family: JobFamily | None, location: str | None
) -> _Scope:
    titles = None
    if family is not None:
        rows = con.execute(
            "SELECT DISTINCT job_title FROM mart_review_theme "
            "WHERE list_contains(?, company_id) AND job_title IS NOT NULL",
            [company_ids],
        ).fetchall()
        titles = [title for (title,) in rows if family_of(title) == family.family_id]
    folded = " ".join(location.lower().split()) if location else None
    if folded:
        folded = con.execute("SELECT strip_accents(?)", [folded]).fetchone()[0]  # type: ignore[index]
    return _Scope(company_ids, titles, folded)


def _with_quotes(
    con: duckdb.DuckDBPyConnection, scope: _Scope, findings: list[ThemeFinding], quotes: int, lang: str
) -> list[ThemeFinding]:
    """The findings with their quotes (a review quoted once in a report when others exist) and, for concerns,
    the questions their quotable complaints call for."""
    wanted = [f"{f.theme}/{f.polarity}" for f in findings]
    candidates: dict[str, list[Quote]] = defaultdict(list)
    if wanted:
        rows = con.execute(
            insight_sql("theme_quotes"),
            scope.parameters() | {"wanted": wanted, "candidates": 8 * max(quotes, 1)},
        ).fetchall()
        for theme, polarity, *quote in rows:
            candidates[f"{theme}/{polarity}"].append(Quote(*quote))
    taken: set[str] = set()
    done = []
    for f in findings:
        pool = candidates[f"{f.theme}/{f.polarity}"]
        wanted_here = quotes if f.polarity == "negative" else 1
        chosen = choose_quotes(pool, wanted_here, taken)
        taken.update(q.review_id for q in chosen)
        questions = pick_questions(f.theme, [q.text for q in pool], lang) if f.polarity == "negative" else []
        done.append(replace(f, quotes=chosen, quotes_wanted=wanted_here, questions=questions))
    return done


def company_report(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    entity: str | None = None,
    role: str | None = None,
    location: str | None = None,
    top: int = 3,
    lang: str = "fr",
    quotes: int = 3,
) -> CompanyReport:
    match = find_companies(con, query, entity)
    ids = match.company_ids
    sectors = {
        s for (s,) in con.execute("SELECT sector FROM companies WHERE list_contains(?, company_id)", [ids]).fetchall()
    }
    sector = next(iter(sectors)) if len(sectors) == 1 else None
    try:
        family = find_family(role) if role else None
    except ValueError as error:
        raise UnknownRole(str(error)) from None
    company_scope = _Scope(ids)
    company = _counts(con, company_scope)
    scope, counts, notes = company_scope, company, []
    role_label = family.label(lang) if family else None
    if family or location:
        narrow = _scope_for(con, ids, family, location)
        narrowed = _counts(con, narrow)
        if narrowed.reviews >= MIN_REVIEWS:
            scope, counts = narrow, narrowed
        else:
            notes.append("too_few_in_scope")
            role_label = None
            location = None
    base = _base_report(match, sector, counts, lang, role_label, location, notes)
    if counts.reviews < MIN_REVIEWS:
        return replace(base, enough=False, notes=[*notes, "not_enough_reviews"])
    reference = _references(con, company, sector, len(ids))
    if reference is None:
        return replace(base, enough=False, notes=[*notes, "nothing_to_compare_with"])
    beside = company if scope is not company_scope else None
    negative = [_finding(t, "negative", counts, beside, reference, lang) for t in counts.themes]
    positive = [_finding(t, "positive", counts, beside, reference, lang) for t in counts.themes]
    by_excess = lambda f: (-f.excess, -f.count.raising, f.theme)  # noqa: E731
    concerns = sorted((f for f in negative if f.standing == "above"), key=by_excess)[:top]
    concern_themes = {f.theme for f in concerns}
    strengths = sorted((f for f in positive if f.standing == "above" and f.theme not in concern_themes), key=by_excess)[
        :STRENGTHS
    ]
    as_elsewhere = sorted(
        (f for f in negative if f.theme not in concern_themes and f.count.raising >= MIN_RAISING),
        key=lambda f: (-f.count.raising, f.theme),
    )
    quoted = _with_quotes(con, scope, [*concerns, *strengths], quotes, lang)
    return replace(
        base,
        concerns=quoted[: len(concerns)],
        strengths=quoted[len(concerns) :],
        as_elsewhere=as_elsewhere,
    )


def _base_report(
    match: CompanyMatch,
    sector: str | None,
    counts: _Counts,
    lang: str,
    role: str | None,
    location: str | None,
    notes: list[str],
) -> CompanyReport:
    entities = list(match.entities)
    return CompanyReport(
        company_id="+".join(e.company_id for e in entities),
        company_name=", ".join(e.name for e in entities),
        entities=entities,
        others=list(match.others),
        sector=sector,
        reviews=counts.reviews,
        first_review=counts.first,
        last_review=counts.last,
        lang=lang,
        role=role,
        location=location,
        notes=notes,
    )

"""A company's report: the themes its reviews criticise more often than elsewhere (concerns), with evidence a
candidate can check and questions to ask; what they praise more often than elsewhere (strengths); and how the
other themes they raise compare.

Which reviews are counted and what they are compared with: pipeline/insights/scope.py; when a difference is a
claim: pipeline/insights/evidence.py; which units are quoted: pipeline/insights/quotes.py; docs/insights.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import duckdb

from revint.errors import UsageError
from revint.pipeline.insights.evidence import MIN_RAISING, MIN_REVIEWS, Count, Standing, excess, standing, trend
from revint.pipeline.insights.lookup import (
    CompanyMatch,
    CompanyNotFound,
    Entity,
    company_by_id,
    find_companies,
    find_company,
)
from revint.pipeline.insights.questions import Question, pick_questions, question_bank
from revint.pipeline.insights.quotes import Quote, choose_quotes
from revint.pipeline.insights.roles import find_family
from revint.pipeline.insights.scope import (
    Counts,
    Reference,
    Scope,
    counts,
    insight_sql,
    narrowed,
    reference,
    sector_of,
)
from revint.taxonomy import theme_label

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


class UnknownRole(UsageError, ValueError):
    """A `--role` that names no job family."""


@dataclass(frozen=True)
class ThemeFinding:
    """One theme with one polarity in a report's scope, against its reference."""

    theme: str
    label: str
    polarity: str
    count: Count  # reviews raising the theme with this polarity, of the scope's reviews
    opposite: Count  # reviews raising it with the other polarity
    reference: Count  # the same among the reference's reviews (the sector's, the same role's, or all others')
    reference_name: str  # "other companies", "sector" or "same role elsewhere"
    others: Count  # the same among all other companies' reviews
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

    def to_json_dict(self) -> dict[str, Any]:
        def counted(count: Count | None) -> dict[str, Any] | None:
            return {"raising": count.raising, "reviews": count.reviews} if count else None

        return {
            "theme": self.theme,
            "label": self.label,
            "polarity": self.polarity,
            "reviews_raising": self.count.raising,
            "reviews": self.count.reviews,
            "share": round(self.share, 3),
            "all_companies_share": round(self.others.share, 3),  # the other companies' (this one taken out)
            "reference": self.reference_name,
            "reference_share": round(self.reference.share, 3),
            "reference_counts": counted(self.reference),
            "standing": self.standing,
            "excess_at_least": round(self.excess, 3),
            "reviews_opposite": self.opposite.raising,
            "divided": self.divided,
            "company": counted(self.company),
            "trend": self.trend,
            "recent": counted(self.recent),
            "earlier": counted(self.earlier),
            "quotes": [
                {
                    "text": q.text,
                    "date": q.review_date.isoformat() if q.review_date else None,
                    "role": q.role,
                    "current_employee": q.is_current,
                    "source": q.source,
                    "review_id": q.review_id,
                }
                for q in self.quotes
            ],
            "quotes_clearing_the_bar": len(self.quotes),
            "questions": [q.text for q in self.questions],
            "question_guide": [q.to_json_dict() for q in self.questions],
        }


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
    notes: list[str] = field(default_factory=list)  # what the reader must know about the scope (render.py words)
    scope_reviews: int | None = None  # the narrowed scope's reviews, when they were too few to report on
    unscored: int = 0  # reviews whose mentions have no calibrated evidence score: never quoted until `revint retag`
    enough: bool = True  # False: "not enough reviews yet", no finding
    concerns: list[ThemeFinding] = field(default_factory=list)
    strengths: list[ThemeFinding] = field(default_factory=list)
    as_elsewhere: list[ThemeFinding] = field(default_factory=list)  # the other themes 3 reviews or more criticise

    def to_json_dict(self) -> dict[str, Any]:
        def entity(e: Entity) -> dict[str, Any]:
            return {"company_id": e.company_id, "name": e.name, "reviews": e.reviews}

        return {
            "company_id": self.company_id,
            "company": self.company_name,
            "entities": [entity(e) for e in self.entities],
            "other_entities": [entity(e) for e in self.others],
            "sector": self.sector,
            "reviews": self.reviews,
            "period": [d.isoformat() if d else None for d in (self.first_review, self.last_review)],
            "lang": self.lang,
            "role": self.role,
            "location": self.location,
            "notes": self.notes,
            "unscored_reviews": self.unscored,
            "enough_reviews": self.enough,
            "concerns": [f.to_json_dict() for f in self.concerns],
            "strengths": [f.to_json_dict() for f in self.strengths],
            "as_elsewhere": [f.to_json_dict() for f in self.as_elsewhere],
        }


def _finding(
    theme: str, polarity: str, scoped: Counts, company: Counts | None, against: Reference, lang: str
) -> ThemeFinding:
    opposite = "positive" if polarity == "negative" else "negative"
    count = scoped.count(theme, polarity)
    compared = against.shares.count(theme, polarity)
    recent, earlier = scoped.count(theme, polarity, "recent_"), scoped.count(theme, polarity, "earlier_")
    return ThemeFinding(
        theme=theme,
        label=theme_label(theme, lang),
        polarity=polarity,
        count=count,
        opposite=scoped.count(theme, opposite),
        reference=compared,
        reference_name=against.name,
        others=against.others.count(theme, polarity),
        standing=standing(count, compared),
        excess=excess(count, compared),
        recent=recent,
        earlier=earlier,
        company=company.count(theme, polarity) if company else None,
        trend=trend(recent, earlier),
    )


def quote_candidates(
    con: duckdb.DuckDBPyConnection, scope: Scope, themes: list[tuple[str, str]], quotes: int = 3
) -> dict[tuple[str, str], list[Quote]]:
    """The quotable units of a scope for each (theme, polarity), best first (mart_quotes, theme_quotes.sql)."""
    candidates: dict[tuple[str, str], list[Quote]] = defaultdict(list)
    if themes:
        parameters = {"wanted": [f"{t}/{p}" for t, p in themes], "candidates": 8 * max(quotes, 1)}
        for theme, polarity, *quote in con.execute(
            insight_sql("theme_quotes"), scope.parameters() | parameters
        ).fetchall():
            candidates[theme, polarity].append(Quote(*quote))
    return candidates


def quotes_wanted(polarity: str, quotes: int) -> int:
    """Quotes a finding shows: `quotes` under a concern, one under a strength."""
    return quotes if polarity == "negative" else min(quotes, 1)


def _with_quotes(
    findings: list[ThemeFinding], candidates: dict[tuple[str, str], list[Quote]], quotes: int, lang: str
) -> list[ThemeFinding]:
    """The findings with their quotes (a review quoted once in a report when others exist) and, for concerns,
    the questions their quotable complaints call for."""
    taken: set[str] = set()
    done = []
    for f in findings:
        pool, wanted = candidates[f.theme, f.polarity], quotes_wanted(f.polarity, quotes)
        chosen = choose_quotes(pool, wanted, taken)
        taken.update(q.review_id for q in chosen)
        questions = pick_questions(f.theme, [q.text for q in pool], lang) if f.polarity == "negative" else []
        done.append(replace(f, quotes=chosen, quotes_wanted=wanted, questions=questions))
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
    by_id: bool = False,
) -> CompanyReport:
    """The report of the companies `query` names (see lookup.find_companies), or of the one whose id it is when
    `by_id`."""
    match = company_by_id(con, query) if by_id else find_companies(con, query, entity)
    ids = match.company_ids
    sector = sector_of(con, ids)
    try:
        family = find_family(role) if role else None
    except ValueError as error:
        raise UnknownRole(str(error)) from None
    location = location.strip() if location and location.strip() else None
    company = counts(con, Scope(ids))
    scoped, role_counts, notes, scope_reviews = company, None, [], None
    if family or location:
        scope = narrowed(con, ids, family, location)
        narrow = counts(con, scope)
        if narrow.reviews >= MIN_REVIEWS:
            scoped = narrow
            if family:
                role_counts = narrow if scope.location is None else counts(con, replace(scope, location=None))
        else:
            notes.append("too_few_in_scope")
            scope_reviews, family, location = narrow.reviews, None, None
    role_label = family.label(lang) if family else None
    base = _base_report(match, sector, scoped, lang, role_label, location, notes, scope_reviews)
    if scoped.reviews < MIN_REVIEWS:
        return replace(base, enough=False, notes=[*notes, "not_enough_reviews"])
    against = reference(con, company, sector, role_counts, len(ids))
    if against is None:
        return replace(base, enough=False, notes=[*notes, "nothing_to_compare_with"])
    if role_counts is not None and against.name != "same role elsewhere":
        notes.append("role_against_all_roles")
    beside = company if scoped is not company else None
    negative = [_finding(t, "negative", scoped, beside, against, lang) for t in scoped.themes]
    positive = [_finding(t, "positive", scoped, beside, against, lang) for t in scoped.themes]
    by_excess = lambda f: (-f.excess, -f.count.raising, f.theme)  # noqa: E731
    above = sorted((f for f in negative if f.standing == "above"), key=by_excess)
    criticised = {f.theme for f in above}
    strengths = sorted((f for f in positive if f.standing == "above" and f.theme not in criticised), key=by_excess)
    concerns = above[:top]
    as_elsewhere = sorted(
        (f for f in above[top:] + [f for f in negative if f.standing != "above"] if f.count.raising >= MIN_RAISING),
        key=lambda f: (-f.count.raising, f.theme),
    )
    leaning = {f.theme for f in as_elsewhere if f.standing in ("above", "leaning_above")}
    wanted = [(f.theme, f.polarity) for f in [*concerns, *strengths]] + [(theme, "negative") for theme in leaning]
    candidates = quote_candidates(con, scoped.scope, wanted, quotes)
    quoted = _with_quotes([*concerns, *strengths], candidates, quotes, lang)
    as_elsewhere = [  # a theme more often criticised here, if not surely, is worth one question
        replace(f, questions=pick_questions(f.theme, [q.text for q in candidates[f.theme, f.polarity]], lang, 1))
        if f.theme in leaning
        else f
        for f in as_elsewhere
    ]
    return replace(
        base,
        concerns=quoted[: len(concerns)],
        strengths=quoted[len(concerns) :],
        as_elsewhere=as_elsewhere,
        notes=notes,
    )


def _base_report(
    match: CompanyMatch,
    sector: str | None,
    scoped: Counts,
    lang: str,
    role: str | None,
    location: str | None,
    notes: list[str],
    scope_reviews: int | None,
) -> CompanyReport:
    entities = list(match.entities)
    return CompanyReport(
        company_id="+".join(e.company_id for e in entities),
        company_name=", ".join(e.name for e in entities),
        entities=entities,
        others=list(match.others),
        sector=sector,
        reviews=scoped.reviews,
        first_review=scoped.first,
        last_review=scoped.last,
        lang=lang,
        role=role,
        location=location,
        notes=notes,
        scope_reviews=scope_reviews,
        unscored=scoped.unscored,
    )

"""Which of a theme's quotable units a report shows: spread over time and roles, no near-duplicates.

The candidates come from `mart_quotes` (one-theme units the tagger is sure state the theme with its polarity,
with substance), best first: higher evidence, then the most recent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from rapidfuzz import fuzz

from revint.text import fold

NEAR_DUPLICATE: Final = 80  # rapidfuzz token-set similarity (0–100) at which two quotes say the same thing


@dataclass(frozen=True)
class Quote:
    """A unit of a review, shown without its author: when, in which role, by a current or former employee."""

    text: str
    review_date: date | None
    role: str | None  # the job title the review gives
    is_current: bool | None  # current employee, former employee, or not said
    source: str
    review_id: str
    section: str
    start_char: int
    end_char: int


def _near_duplicate(text: str, chosen: list[Quote]) -> bool:
    folded = fold(text)
    return any(fuzz.token_set_ratio(folded, fold(q.text)) >= NEAR_DUPLICATE for q in chosen)


def _novelty(quote: Quote, chosen: list[Quote]) -> int:
    """How many of (year, role) the quote adds to those already chosen: 2 is a new year and a new role; an
    unknown date or role adds nothing."""
    years = {q.review_date.year for q in chosen if q.review_date}
    roles = {fold(q.role) for q in chosen if q.role}
    new_year = quote.review_date is not None and quote.review_date.year not in years
    return int(new_year) + int(quote.role is not None and fold(quote.role) not in roles)


def choose_quotes(candidates: list[Quote], count: int, taken: set[str]) -> list[Quote]:
    """Up to `count` quotes from `candidates` (best first), from reviews not in `taken` when others exist,
    never two near-duplicates, each next one the best of those adding a new year or role; most recent first."""
    fresh = [q for q in candidates if q.review_id not in taken] or candidates
    chosen: list[Quote] = []
    while len(chosen) < count:
        left = [
            (position, q)
            for position, q in enumerate(fresh)
            if q.review_id not in {c.review_id for c in chosen} and not _near_duplicate(q.text, chosen)
        ]
        if not left:
            break
        chosen.append(min(left, key=lambda item: (-_novelty(item[1], chosen), item[0]))[1])
    return sorted(chosen, key=lambda q: q.review_date or date.min, reverse=True)

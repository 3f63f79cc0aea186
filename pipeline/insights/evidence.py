"""When counts support a claim: a theme raised more often than elsewhere, a trend, "not enough reviews yet".

A report tests each of the 11 themes, so a claim must hold for the report as a whole, not theme by theme:
at 5 % per theme, a company whose reviews follow the others' exactly would get some "concern" in about four
reports in ten. A claim needs both an exact binomial test against the reference share and a two-proportion
test (which also counts the reference's own uncertainty: a sector of 300 reviews is not known exactly), each
at the one-sided 5 % bar divided among the 11 themes (Bonferroni); simulated, a company like the others then
gets a false concern in 2 to 4 reports in a hundred. A difference that clears the one-theme bar only is shown
as a lean, never as a concern.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

ALPHA_CLAIM: Final = 0.05 / 11  # one-sided, shared among the 11 themes
Z_CLAIM: Final = 2.61  # the same bar for the normal approximations
ALPHA_LEAN: Final = 0.05  # one-sided 5 % for one theme: "more often, but too few reviews to be sure"
Z_LEAN: Final = 1.645
EXACT_UP_TO: Final = 2000  # reviews; beyond, the binomial tail is the normal one
Z_TREND: Final = 2.13  # one-sided, 0.05 / 3: the trends of a report's (at most three) concerns
MIN_REVIEWS: Final = 10  # fewer reviews in a report's scope: "not enough reviews yet"
MIN_RAISING: Final = 3  # a concern or a strength needs at least this many reviews behind it
MIN_TREND_REVIEWS: Final = 10  # in each period, for a trend to be shown

Standing = Literal["above", "leaning_above", "as_often", "below"]


@dataclass(frozen=True)
class Count:
    """`raising` of `reviews` reviews."""

    raising: int
    reviews: int

    @property
    def share(self) -> float:
        return self.raising / self.reviews if self.reviews else 0.0

    def lower_bound(self, z: float = Z_CLAIM) -> float:
        """The lower end of the share's Wilson score interval (one-sided at z)."""
        n, p = self.reviews, self.share
        if n == 0:
            return 0.0
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half)

    def __sub__(self, other: Count) -> Count:
        return Count(self.raising - other.raising, self.reviews - other.reviews)


def z_score(count: Count, reference: Count) -> float:
    """The two-proportion z statistic of `count`'s share against `reference`'s (0 when it cannot be told)."""
    if not count.reviews or not reference.reviews:
        return 0.0
    pooled = (count.raising + reference.raising) / (count.reviews + reference.reviews)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / count.reviews + 1 / reference.reviews))
    return (count.share - reference.share) / spread if spread else 0.0


def binomial_tail(k: int, n: int, p: float, *, upper: bool = True) -> float:
    """P(X >= k) (or P(X <= k)) for X ~ Binomial(n, p): exact up to EXACT_UP_TO trials, normal beyond."""
    if p <= 0 or p >= 1:  # X is always 0, or always n
        always = 0 if p <= 0 else n
        return float(always >= k if upper else always <= k)
    if n > EXACT_UP_TO:
        z = (k - 0.5 - n * p if upper else k + 0.5 - n * p) / math.sqrt(n * p * (1 - p))
        return 0.5 * math.erfc(z / math.sqrt(2)) if upper else 0.5 * math.erfc(-z / math.sqrt(2))
    first, last = (k, n) if upper else (0, k)
    if first > last:
        return 0.0
    log_term = math.lgamma(n + 1) - math.lgamma(first + 1) - math.lgamma(n - first + 1)
    log_term += first * math.log(p) + (n - first) * math.log1p(-p)
    term, total, odds = math.exp(log_term), 0.0, p / (1 - p)
    for i in range(first, last + 1):
        total += term
        term *= (n - i) / (i + 1) * odds
    return min(1.0, total)


def standing(count: Count, reference: Count) -> Standing:
    """Clearly above the reference (a claim for the whole report), above at the one-theme bar only, not
    clearly different, or clearly below."""
    z, p = z_score(count, reference), reference.share
    if count.raising >= MIN_RAISING and z >= Z_LEAN:
        above = binomial_tail(count.raising, count.reviews, p)
        if z >= Z_CLAIM and above <= ALPHA_CLAIM:
            return "above"
        if above <= ALPHA_LEAN:
            return "leaning_above"
    if z <= -Z_CLAIM and binomial_tail(count.raising, count.reviews, p, upper=False) <= ALPHA_CLAIM:
        return "below"
    return "as_often"


def excess(count: Count, reference: Count) -> float:
    """How many more reviews in a hundred raise the theme than the reference, at least (the share's lower
    bound minus the reference share): the ranking key, which puts 40 of 100 ahead of 3 of 5."""
    return count.lower_bound() - reference.share


def trend(recent: Count, before: Count) -> Literal["rising", "falling"] | None:
    """Rising or falling when both periods have enough reviews and the shares differ beyond chance at Z_TREND;
    None otherwise."""
    if min(recent.reviews, before.reviews) < MIN_TREND_REVIEWS:
        return None
    z = z_score(recent, before)
    return "rising" if z >= Z_TREND else "falling" if z <= -Z_TREND else None

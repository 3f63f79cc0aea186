"""When counts support a claim: a theme raised more often than elsewhere, a trend, "not enough reviews yet".

A company's share of reviews raising a theme is compared with a reference share (the other companies', or
its sector's) through a Wilson interval, so the evidence count is folded in: 4 of 10 reviews is a wider
interval than 40 of 100, and a claim is made only when the whole interval lies on one side of the reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

Z: Final = 1.645  # one-sided 95 %: "more often than elsewhere" is wrong at most one time in twenty by chance
MIN_REVIEWS: Final = 10  # fewer reviews in a report's scope: "not enough reviews yet"
MIN_RAISING: Final = 3  # a concern or a strength needs at least this many reviews behind it
MIN_TREND_REVIEWS: Final = 10  # in each period, for a trend to be shown

Standing = Literal["above", "as_often", "below"]


@dataclass(frozen=True)
class Count:
    """`raising` of `reviews` reviews."""

    raising: int
    reviews: int

    @property
    def share(self) -> float:
        return self.raising / self.reviews if self.reviews else 0.0

    def interval(self) -> tuple[float, float]:
        """The Wilson score interval of the share (one-sided bounds at Z)."""
        n, p = self.reviews, self.share
        if n == 0:
            return 0.0, 1.0
        centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
        half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
        return max(0.0, centre - half), min(1.0, centre + half)

    def __sub__(self, other: Count) -> Count:
        return Count(self.raising - other.raising, self.reviews - other.reviews)


def standing(count: Count, reference: float) -> Standing:
    """Whether the share is clearly above the reference, clearly below it, or not clearly different."""
    low, high = count.interval()
    if low > reference and count.raising >= MIN_RAISING:
        return "above"
    if high < reference:
        return "below"
    return "as_often"


def excess(count: Count, reference: float) -> float:
    """How many more reviews in a hundred raise the theme than the reference, at least (the interval's lower
    bound minus the reference): the ranking key, which puts 40 of 100 ahead of 3 of 5."""
    return count.interval()[0] - reference


def trend(recent: Count, before: Count) -> Literal["rising", "falling"] | None:
    """Rising or falling when both periods have enough reviews and the two shares differ beyond chance
    (two-proportion z-test at Z); None otherwise."""
    if min(recent.reviews, before.reviews) < MIN_TREND_REVIEWS:
        return None
    pooled = (recent.raising + before.raising) / (recent.reviews + before.reviews)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / recent.reviews + 1 / before.reviews))
    if spread == 0:
        return None
    z = (recent.share - before.share) / spread
    return "rising" if z >= Z else "falling" if z <= -Z else None

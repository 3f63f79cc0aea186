"""The statistics behind a report's claims: intervals that fold the evidence count in, trends beyond chance."""

from __future__ import annotations

from revint.pipeline.insights.evidence import Count, excess, standing, trend


def test_forty_of_a_hundred_outranks_three_of_five() -> None:
    assert excess(Count(40, 100), 0.2) > excess(Count(3, 5), 0.2)
    assert Count(3, 5).share > Count(40, 100).share


def test_a_share_is_above_the_reference_only_when_its_whole_interval_is() -> None:
    assert standing(Count(40, 100), 0.2) == "above"
    assert standing(Count(25, 100), 0.2) == "as_often"  # higher, but within chance
    assert standing(Count(20, 100), 0.2) == "as_often"
    assert standing(Count(5, 100), 0.2) == "below"


def test_too_few_reviews_raising_a_theme_never_make_it_stand_out() -> None:
    assert standing(Count(2, 2), 0.01) == "as_often"


def test_a_trend_needs_enough_reviews_in_both_periods_and_a_difference_beyond_chance() -> None:
    assert trend(Count(20, 25), Count(8, 35)) == "rising"
    assert trend(Count(2, 25), Count(20, 35)) == "falling"
    assert trend(Count(10, 25), Count(13, 35)) is None
    assert trend(Count(9, 9), Count(0, 40)) is None  # nine recent reviews are too few

"""The statistics behind a report's claims: a bar for the whole report, intervals that fold the evidence count
in, trends beyond chance."""

from __future__ import annotations

import random

from revint.pipeline.insights.evidence import Count, excess, standing, trend

ELSEWHERE = Count(2000, 10_000)  # a reference share of 20 %, well known


def test_forty_of_a_hundred_outranks_three_of_five() -> None:
    assert excess(Count(40, 100), ELSEWHERE) > excess(Count(3, 5), ELSEWHERE)
    assert Count(3, 5).share > Count(40, 100).share


def test_a_share_is_a_claim_only_beyond_the_report_wide_bar() -> None:
    assert standing(Count(40, 100), ELSEWHERE) == "above"
    assert standing(Count(29, 100), ELSEWHERE) == "leaning_above"  # above at 5 % for one theme, not for 11
    assert standing(Count(22, 100), ELSEWHERE) == "as_often"
    assert standing(Count(5, 100), ELSEWHERE) == "below"


def test_the_reference_s_own_uncertainty_counts() -> None:
    assert standing(Count(40, 100), ELSEWHERE) == "above"
    assert standing(Count(40, 100), Count(6, 30)) != "above"  # the same 20 %, known from 30 reviews only


def test_too_few_reviews_raising_a_theme_never_make_it_stand_out() -> None:
    assert standing(Count(2, 2), Count(1, 10_000)) == "as_often"


def test_a_company_like_the_others_gets_a_false_concern_in_at_most_one_report_in_twenty() -> None:
    rng = random.Random(0)
    shares = [0.35, 0.3, 0.26, 0.2, 0.19, 0.14, 0.13, 0.11, 0.1, 0.1, 0.02]  # the 11 themes, as elsewhere
    references = [Count(round(p * 20_000), 20_000) for p in shares]
    reports = 2000
    false_concerns = 0
    for _ in range(reports):
        reviews = rng.choice((20, 50, 200))
        sampled = [Count(sum(rng.random() < p for _ in range(reviews)), reviews) for p in shares]
        false_concerns += any(standing(c, r) == "above" for c, r in zip(sampled, references, strict=True))
    assert false_concerns / reports <= 0.06


def test_a_trend_needs_enough_reviews_in_both_periods_and_a_difference_beyond_chance() -> None:
    assert trend(Count(20, 25), Count(8, 35)) == "rising"
    assert trend(Count(2, 25), Count(20, 35)) == "falling"
    assert trend(Count(10, 25), Count(13, 35)) is None
    assert trend(Count(9, 9), Count(0, 40)) is None  # nine recent reviews are too few

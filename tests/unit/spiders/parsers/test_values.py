"""The value helpers every parser calls (spiders/parsers/values.py): texts, numbers, dates and sub-ratings."""

from __future__ import annotations

import re
from datetime import date

import pytest

from revint.spiders.parsers.values import (
    abbreviated_count,
    french_date,
    iso_date,
    iso_or_french_date,
    number,
    ratings_by_label,
    subratings_by_theme,
    text_collapsing_whitespace,
    unescaped_text_keeping_paragraphs,
)

# --- texts -------------------------------------------------------------------------------------------------------


def test_unescaped_text_decodes_html_entities() -> None:
    assert unescaped_text_keeping_paragraphs("R&amp;D, l&#039;équipe -&gt; top") == "R&D, l'équipe -> top"


def test_unescaped_text_keeps_paragraph_breaks_indents_and_space_runs() -> None:
    text = "Premier  paragraphe.  \r\n\r\n  - point un\r- point deux\t"
    assert unescaped_text_keeping_paragraphs(text) == "Premier  paragraphe.\n\n  - point un\n- point deux"


def test_unescaped_text_drops_outer_blank_lines() -> None:
    assert unescaped_text_keeping_paragraphs("\n \n  Texte\n\n") == "Texte"


@pytest.mark.parametrize("text", [None, "", " \r\n \t", "&#32;"])
def test_unescaped_text_is_none_when_blank(text: str | None) -> None:
    assert unescaped_text_keeping_paragraphs(text) is None


def test_collapsing_text_gives_one_trimmed_line_per_non_blank_line() -> None:
    assert text_collapsing_whitespace(["  ligne un\r", "", "ligne   deux\r\n"]) == "ligne un\nligne deux"
    assert text_collapsing_whitespace("Un\n\n  deux \t trois  \r\nquatre") == "Un\ndeux trois\nquatre"


def test_collapsing_text_leaves_html_entities_as_written() -> None:
    assert text_collapsing_whitespace("R&amp;D") == "R&amp;D"


@pytest.mark.parametrize("value", [None, "", " \r\n ", [], ["", "  "]])
def test_collapsing_text_is_none_when_nothing_is_left(value: str | list[str] | None) -> None:
    assert text_collapsing_whitespace(value) is None


@pytest.mark.parametrize("value", [{"text": "x"}, 4, ["ligne", 1]])
def test_collapsing_text_refuses_values_that_are_not_text(value: object) -> None:
    with pytest.raises(ValueError, match="expected text"):
        text_collapsing_whitespace(value)


# --- numbers -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("4,5", 4.5), ("4,0", 4.0), ("2,25", 2.25)])
def test_numbers_read_french_decimal_commas(text: str, expected: float) -> None:
    assert number(text, "rating") == expected


@pytest.mark.parametrize(("value", "expected"), [("4.5", 4.5), (" 4 ", 4.0), ("3", 3.0), (4, 4.0), (3.5, 3.5)])
def test_numbers_read_decimal_points_integers_and_json_numbers(value: object, expected: float) -> None:
    parsed = number(value, "rating")
    assert parsed == expected
    assert isinstance(parsed, float)


@pytest.mark.parametrize(("text", "expected"), [("1\u00a0234", 1234.0), ("1\u202f234,5", 1234.5)])
def test_numbers_drop_the_spaces_french_pages_put_between_thousands(text: str, expected: float) -> None:
    assert number(text, "count") == expected


@pytest.mark.parametrize("value", [None, "", "  \n"])
def test_numbers_are_none_when_absent_or_blank(value: str | None) -> None:
    assert number(value, "rating") is None


@pytest.mark.parametrize(
    "value",
    ["quatre", "4,0,0", "1,234.5", "nan", "inf", "-inf", True, [4], {"value": 4}, float("nan"), float("inf"), 10**400],
)
def test_numbers_refuse_junk_with_an_error_naming_what_was_read(value: object) -> None:
    with pytest.raises(ValueError) as error:
        number(value, "review 7: rating")
    assert str(error.value) == f"review 7: rating {value!r} is not a number"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 512", 512),
        ("5,6k", 5600),
        ("1,1k", 1100),
        ("2.1K", 2100),
        ("1 234", 1234),
        ("1\u00a0310", 1310),
        ("3M", 3_000_000),
    ],
)
def test_abbreviated_counts_read_a_header_count_with_its_k(text: str, expected: int) -> None:
    assert abbreviated_count(text, "review count") == expected


@pytest.mark.parametrize("value", [None, "", " ", "--", " -- ", "—"])
def test_abbreviated_counts_are_none_for_the_dash_a_page_shows_without_any(value: str | None) -> None:
    assert abbreviated_count(value, "review count") is None


@pytest.mark.parametrize("value", ["beaucoup", "5,6 k avis", "1,2,3k", "k"])
def test_abbreviated_counts_refuse_anything_else_naming_what_was_read(value: str) -> None:
    with pytest.raises(ValueError, match=f"^review count {re.escape(repr(value))} is not a count$"):
        abbreviated_count(value, "review count")


# --- dates -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 avril 2014", date(2014, 4, 8)),
        ("1er mars 2015", date(2015, 3, 1)),
        ("17 août 2014", date(2014, 8, 17)),
        ("2 aout 2014", date(2014, 8, 2)),
        ("28 Février 2015", date(2015, 2, 28)),
        ("9 déc. 2014", date(2014, 12, 9)),
        ("le 3 févr. 2020", date(2020, 2, 3)),
        ("  12   juil 2021 ", date(2021, 7, 12)),
    ],
)
def test_french_dates_read_day_month_year_with_accents_and_abbreviations(text: str, expected: date) -> None:
    assert french_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("8 avrol 2014", "is not a French date"),
        ("avril 2014", "is not a French date"),
        ("2014-04-08", "is not a French date"),
        ("", "is not a French date"),
        ("32 avril 2015", "is not a valid date"),  # days the calendar does not have
        ("29 février 2015", "is not a valid date"),
    ],
)
def test_french_dates_refuse_other_formats_and_impossible_days(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"{text!r} {reason}"):
        french_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-11-03", date(2024, 11, 3)),
        (" 2019-12-12 ", date(2019, 12, 12)),
        ("2024-11-03T23:30:00-08:00", date(2024, 11, 3)),  # not moved to the next day in UTC
        ("2024-11-03T09:12:00.000Z", date(2024, 11, 3)),
    ],
)
def test_iso_dates_take_the_day_as_written_from_a_date_or_date_time(text: str, expected: date) -> None:
    assert iso_date(text) == expected


@pytest.mark.parametrize("text", ["2024-13-45", "Thu Dec 12 2019", "8 avril 2014", ""])
def test_iso_dates_refuse_other_formats(text: str) -> None:
    with pytest.raises(ValueError, match=f"{text!r} is not an ISO date"):
        iso_date(text)


def test_iso_or_french_dates_read_either() -> None:
    assert iso_or_french_date("2024-11-03T09:12:00+01:00") == date(2024, 11, 3)
    assert iso_or_french_date("1er mars 2015") == date(2015, 3, 1)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_iso_or_french_dates_are_none_when_absent_or_blank(value: str | None) -> None:
    assert iso_or_french_date(value) is None


@pytest.mark.parametrize("value", ["hier", "32 avril 2015", 20240517])
def test_iso_or_french_dates_refuse_anything_else(value: object) -> None:
    with pytest.raises(ValueError, match=f"date {value!r} is not a date"):
        iso_or_french_date(value)


# --- sub-ratings -------------------------------------------------------------------------------------------------


def test_ratings_by_label_trim_labels_and_leave_unrated_ones_out() -> None:
    assert ratings_by_label([(" Culture et valeurs ", 4.0), ("Équipe dirigeante", None), ("Image", 2.5)]) == {
        "Culture et valeurs": 4.0,
        "Image": 2.5,
    }


def test_subratings_map_platform_labels_to_taxonomy_themes_through_the_crosswalk() -> None:
    ratings = {"Culture et valeurs": 4.0, "Sécurité de l'emploi/Évolution de carrière": 2.0, "Image": 5.0}
    assert subratings_by_theme(ratings) == {"culture": 4.0, "job_security": 2.0, "career": 2.0}


def test_subratings_average_labels_that_share_a_theme_whatever_their_order() -> None:
    ratings = {"Arbeitsatmosphäre": 4.0, "Kollegenzusammenhalt": 3.0, "Kommunikation": 2.0}
    assert subratings_by_theme(ratings) == {"culture": 3.5, "organization": 2.0}
    assert subratings_by_theme(dict(reversed(ratings.items()))) == {"culture": 3.5, "organization": 2.0}


def test_subrating_averages_are_rounded_to_three_decimals() -> None:
    ratings = {"Culture": 4.0, "Culture et valeurs": 4.0, "Arbeitsatmosphäre": 3.0}
    assert subratings_by_theme(ratings) == {"culture": 3.667}


def test_subratings_are_empty_without_a_known_label() -> None:
    assert subratings_by_theme({"Image": 4.0, "Ambiance de la machine à café": 5.0}) == {}
    assert subratings_by_theme({}) == {}

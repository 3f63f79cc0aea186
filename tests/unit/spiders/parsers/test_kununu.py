"""Kununu parser: fixture pages written for these tests, then the real kununu-deutsche-post export
(../shared/corpus, JSON and CSV)."""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import Any

import pytest

from revint.record import problems
from revint.spiders.parsers.kununu import FACTORS, SOURCE, parse_export, parse_page
from revint.spiders.parsers.page import ParsedPage
from revint.taxonomy import themes_for_rating_label
from tests.support.pages import FETCHED_AT, corpus_file, fixture

URL = "https://www.kununu.com/de/brotwerk-sommer/kommentare"
CORPUS_URL = "https://www.kununu.com/de/deutsche-post/kommentare"


def _parse(name: str, url: str = URL) -> ParsedPage:
    return parse_page(fixture("kununu", name), url, FETCHED_AT)


def test_crosswalk_follows_the_taxonomy() -> None:
    """Kununu's factors live in the one crosswalk of revint.taxonomy, matched without accents or case."""
    expected = {
        "Arbeitsatmosphäre": ("culture",),
        "Kollegenzusammenhalt": ("culture",),
        "Vorgesetztenverhalten": ("management",),
        "Arbeitsbedingungen": ("working_conditions",),
        "Kommunikation": ("organization",),
        "Gleichberechtigung": ("diversity_inclusion",),
        "Umgang mit älteren Kollegen": ("diversity_inclusion",),
        "Interessante Aufgaben": ("job_content",),
        "Karriere/Weiterbildung": ("career",),
        "Gehalt/Sozialleistungen": ("compensation",),
        "Work-Life-Balance": ("work_life_balance",),
        "Image": (),
        "Umwelt-/Sozialbewusstsein": (),
    }
    assert set(expected) == set(FACTORS)
    assert {factor: themes_for_rating_label(factor) for factor in FACTORS} == expected
    assert themes_for_rating_label("ARBEITSATMOSPHAERE") == ()  # labels are matched, not guessed
    assert themes_for_rating_label("arbeitsatmosphare") == ("culture",)
    assert themes_for_rating_label("Work-life balance") == ("work_life_balance",)  # Glassdoor's spelling too


def test_page_1_field_by_field() -> None:
    parsed = _parse("page1.html")
    assert parsed.company_name == "Brotwerk Sommer GmbH"
    assert parsed.next_url == "https://www.kununu.com/de/brotwerk-sommer/kommentare/2"
    assert parsed.errors == []
    assert len(parsed.records) == 3  # the survey teaser <article> is not a review
    first, second, third = parsed.records
    assert first.source == SOURCE == "kununu"
    assert len(first.source_review_id) == 16
    assert (first.company_id, first.url, first.fetched_at) == ("brotwerk-sommer", URL, FETCHED_AT)
    assert first.title == "Solider Betrieb mit Luft nach oben"
    assert first.rating == 3.4  # "3,4"
    assert first.recommends is True
    assert first.review_date == date(2025, 10, 1)  # "Oktober 2025": Kununu dates by month
    assert first.pros == "Pünktliche Bezahlung und ein fester Schichtplan."
    assert first.cons == "Die Öfen sind alt und fallen oft aus.\nIm Sommer wird es sehr heiß."
    assert first.advice == "Neue Öfen anschaffen."
    assert first.body is None
    assert first.factor_texts == {
        "Arbeitsatmosphäre": "Ruhig und respektvoll, auch wenn es hektisch wird.",
        "Kollegenzusammenhalt": "In der Nachtschicht hilft jeder jedem.",
        "Work-Life-Balance": "Schichten werden oft kurzfristig getauscht.",
        "Gehalt/Sozialleistungen": "Tariflich, dazu Brot für zu Hause.",
        "Umwelt-/Sozialbewusstsein": "Reste gehen an die Tafel.",
    }  # "Image" has stars but no text
    assert first.platform_ratings == {
        "Arbeitsatmosphäre": 4.0,
        "Kollegenzusammenhalt": 5.0,
        "Work-Life-Balance": 2.0,
        "Image": 3.0,
        "Gehalt/Sozialleistungen": 3.0,
        "Umwelt-/Sozialbewusstsein": 4.0,
    }
    assert first.subratings == {"culture": 4.5, "work_life_balance": 2.0, "compensation": 3.0}  # culture: (4 + 5) / 2
    assert (first.job_title, first.employment_status) == ("Angestellte/r oder Arbeiter/in", None)
    assert first.is_current is True  # "Hat zum Zeitpunkt der Bewertung … gearbeitet"
    assert first.location == "Bremen"
    assert set(first.sections()) == {
        "pros",
        "cons",
        "advice",
        *(f"factor:{name}" for name in first.factor_texts),
    }

    assert (second.recommends, second.review_date, second.rating) == (False, date(2024, 3, 1), 2.6)  # "März 2024"
    assert (second.job_title, second.employment_status) == ("Azubi", "apprentice")
    assert second.is_current is False  # "Ex-Azubi", "Hat bis 2023 … gearbeitet"
    assert second.location == "Oldenburg"
    assert second.subratings == {"career": 1.0, "management": 3.0, "job_content": 4.0}
    assert "Interessante Aufgaben" not in second.factor_texts

    assert (third.pros, third.cons, third.advice) == (None, None, None)
    assert third.subratings == {"organization": 4.0, "diversity_inclusion": 4.5, "working_conditions": 3.0}
    assert (third.employment_status, third.is_current, third.location) == ("part_time", None, None)


def test_page_2_ends_the_list() -> None:
    parsed = _parse("page2.html", URL + "/2")
    assert (parsed.next_url, parsed.errors) == (None, [])
    (record,) = parsed.records
    assert (record.title, record.review_date, record.recommends) == ("Stressige Adventszeit", date(2023, 12, 1), False)
    assert (record.employment_status, record.is_current, record.location) == ("contract", True, None)
    assert record.factor_texts == {"Work-Life-Balance": "Im Advent kaum freie Tage."}
    assert record.source_review_id not in {other.source_review_id for other in _parse("page1.html").records}


def test_malformed_reviews_become_errors() -> None:
    parsed = _parse("malformed.html")
    assert parsed.errors == [
        "review 1: rating 'k. A.' is not a number",
        "review 2: stars for 'Kommunikation' 'viele' is not a number",
    ]
    assert [record.title for record in parsed.records] == ["Lesbare Bewertung"]


def test_page_without_reviews() -> None:
    parsed = _parse("empty.html")
    assert (parsed.company_name, parsed.records, parsed.errors, parsed.review_blocks) == (
        "Brotwerk Sommer GmbH",
        [],
        [],
        0,
    )


def test_export_rows_json_and_flat_csv() -> None:
    base = {"title": "Gute Bäckerei", "recommendation": "Empfohlen", "date": "8. Mai 2025", "position": "Ex-Azubi"}
    nested = {**base, "categories": {"Kommunikation": "Klar."}, "category_ratings": {"Kommunikation": "4"}}
    flat = {**base, "Kommunikation_comment": "Klar.", "Kommunikation_rating": "4", "Image": "", "extra": "ignoriert"}
    records = parse_export([nested, flat], URL, FETCHED_AT).records
    assert records[0] == records[1]
    assert records[0].review_date == date(2025, 5, 8)
    assert records[0].factor_texts == {"Kommunikation": "Klar."}
    assert records[0].platform_ratings == {"Kommunikation": 4.0}
    assert records[0].subratings == {"organization": 4.0}
    assert records[0].company_name == "Brotwerk Sommer"  # from the URL


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({"title": "x", "recommendation": "Vielleicht"}, "review 1: unknown recommendation 'Vielleicht'"),
        ({"title": "x", "date": "Sommer 2025"}, "review 1: unparseable date 'Sommer 2025'"),
        ({"title": "x", "date": "Oktober 2025", "pros": ["a", 1]}, "review 1: expected text, got ['a', 1]"),
        ("kein Objekt", "review 1: expected an object, got str"),
        ({"title": "x", "categories": ["Image"]}, "review 1: categories is not an object"),
    ],
)
def test_malformed_export_rows(row: Any, error: str) -> None:
    assert parse_export([row], URL, FETCHED_AT).errors == [error]


def test_export_needs_a_list_and_an_employer() -> None:
    assert parse_export({}, URL, FETCHED_AT).errors == ["expected a list of reviews, got dict"]
    parsed = parse_export([{"title": "x", "pros": "y"}], "https://example.org/reviews.json", FETCHED_AT)
    assert parsed.errors == ["review 1: no employer name on the page or in the URL"]
    named = parse_export([{"title": "x", "pros": "y"}], "file:reviews.json", FETCHED_AT, company_name="Deutsche Post")
    assert named.records[0].company_id == "deutsche-post"


# --- the real corpus ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_json() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        corpus_file("kununu-deutsche-post", "kununu_deutsche_post_reviews.json").read_text(encoding="utf-8")
    )
    return data


def _is_widget(row: dict[str, Any]) -> bool:
    return not any(value for key, value in row.items() if key != "title")


def test_corpus_reviews_parse_with_factor_texts(corpus_json: list[dict[str, Any]]) -> None:
    parsed = parse_export(corpus_json, CORPUS_URL, FETCHED_AT)
    reviews = [row for row in corpus_json if not _is_widget(row)]
    assert len(corpus_json) - len(reviews) == 6  # the page widgets noted in SOURCE.md
    assert parsed.errors == []
    assert parsed.company_name == "Deutsche Post"
    assert len(parsed.records) == len(reviews)
    assert len({record.review_id for record in parsed.records}) == len(reviews)
    with_factors = [record for record in parsed.records if record.factor_texts]
    assert len(with_factors) == sum(bool(row["categories"]) for row in reviews) == 24
    for row, record in zip(reviews, parsed.records, strict=True):
        assert problems(record) == []
        assert record.factor_texts == {name: text.strip() for name, text in row["categories"].items() if text.strip()}
        assert set(record.factor_texts) <= set(FACTORS)
        assert record.recommends == {"Empfohlen": True, "Nicht empfohlen": False}[row["recommendation"]]
        assert record.review_date is not None and record.review_date.day == 1
        assert record.review_date.strftime("%Y-%m") in ("2025-09", "2025-10")
        assert record.rating is None and record.platform_ratings == {} and record.subratings == {}  # no stars exported
        assert record.advice == (row["suggestions"].strip() or None)


def test_corpus_csv_gives_the_same_records(corpus_json: list[dict[str, Any]]) -> None:
    path = corpus_file("kununu-deutsche-post", "kununu_deutsche_post_reviews.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    from_csv = parse_export(rows, CORPUS_URL, FETCHED_AT)
    from_json = parse_export(corpus_json, CORPUS_URL, FETCHED_AT)
    assert from_csv.errors == []
    assert from_csv.records == from_json.records

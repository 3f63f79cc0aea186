"""Indeed parser: fixture pages written for these tests, then the real indeed-fr-lidl export (../shared/corpus)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest

from revint.record import dumps, problems
from revint.spiders.parsers.indeed import SOURCE, parse_export, parse_page
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.structured import assigned_json, selector
from revint.spiders.parsers.values import french_date
from tests.support.pages import FETCHED_AT, corpus_file, fixture

URL = "https://fr.indeed.com/cmp/Fournil-Castagne/reviews"
INDEED_LABELS = {
    "Équilibre vie professionnelle/personnelle": "work_life_balance",
    "Salaire/Avantages sociaux": "compensation",
    "Direction": "management",
    "Culture": "culture",
}


def _parse(name: str, url: str = URL) -> ParsedPage:
    return parse_page(fixture("indeed", name), url, FETCHED_AT)


def test_page_1_field_by_field() -> None:
    parsed = _parse("page1.html")
    assert parsed.company_name == "Fournil Castagné"  # from the EmployerAggregateRating JSON-LD, not the URL slug
    assert parsed.next_url == URL + "?start=20"
    assert parsed.errors == []
    first, second, third = parsed.records
    assert first.source == SOURCE == "indeed"
    assert len(first.source_review_id) == 16
    assert first.company_id == "fournil-castagne"
    assert (first.url, first.fetched_at, first.lang) == (URL, FETCHED_AT, None)
    assert first.review_date == date(2015, 3, 1)  # "1er mars 2015"
    assert first.title == "Fournées de nuit mais bonne équipe"
    assert first.body == (
        "Début à 3h du matin, on finit vers midi.\nLe chef d'équipe explique bien les recettes.\n"
        "On mange les invendus le midi."
    )
    assert (first.pros, first.cons) == ("prime de fin d'année", "horaires décalés toute l'année")
    assert first.rating == 4.0
    assert first.platform_ratings == {
        "Équilibre vie professionnelle/personnelle": 3.0,
        "Salaire/Avantages sociaux": 4.0,
        "Sécurité de l'emploi/Évolution de carrière": 2.0,
        "Direction": 4.0,
        "Culture": 5.0,
    }
    assert first.subratings == {
        "work_life_balance": 3.0,
        "compensation": 4.0,
        "job_security": 2.0,  # one Indeed category, two themes
        "career": 2.0,
        "management": 4.0,
        "culture": 5.0,
    }
    assert (first.job_title, first.location, first.is_current) == ("Boulanger tourier", "Albi", True)
    assert first.factor_texts == {}

    assert (second.title, second.rating, second.review_date) == ("PAS DE PAUSE LE SAMEDI", 2.0, date(2014, 8, 17))
    assert (second.pros, second.cons) == (None, None)  # review_pros_cons with nulls
    # "(ancienne employée)" is a former employee
    assert (second.job_title, second.location, second.is_current) == ("Vendeuse", "Castres", False)

    assert third.review_date == date(2014, 12, 9)  # "9 déc. 2014"
    assert third.location == "Toulouse (31)"  # department numbers are kept, region codes dropped
    assert (third.platform_ratings, third.subratings) == ({}, {})
    assert third.is_current is False


def test_page_2_ends_the_list_with_other_reviews() -> None:
    page_1, page_2 = _parse("page1.html"), _parse("page2.html", URL + "?start=20")
    assert page_2.next_url is None
    assert page_2.errors == []
    assert [record.title for record in page_2.records] == ["Magasin bien tenu", "Livraisons matinales"]
    assert page_2.records[0].subratings["management"] == 2.0
    assert page_2.records[1].location == "Gaillac"
    ids = [record.source_review_id for record in page_1.records + page_2.records]
    assert len(set(ids)) == 5


def test_page_and_export_give_the_same_records() -> None:
    html = fixture("indeed", "page1.html")
    items = assigned_json(selector(html), "window._initialData")["reviewsList"]["items"]
    from_page = parse_page(html, URL, FETCHED_AT).records
    from_export = parse_export(items, URL, FETCHED_AT, company_name="Fournil Castagné").records
    assert [dumps(record) for record in from_page] == [dumps(record) for record in from_export]


def test_malformed_reviews_become_errors() -> None:
    parsed = _parse("malformed.html")
    assert parsed.errors == [
        "review 1: rating 'bien' is not a number",
        "review 2: '32 avril 2015' is not a valid date",
        "review 3: expected an object, got str",
        "review 4: sub-rating 'Salaire/Avantages sociaux' 'beaucoup' is not a number",
    ]
    (record,) = parsed.records
    assert (record.title, record.is_current) == ("Avis lisible", True)  # "(employée actuelle)"
    assert parsed.review_blocks == 5


def test_page_without_reviews() -> None:
    parsed = _parse("empty.html")
    assert (parsed.company_name, parsed.records, parsed.errors, parsed.review_blocks) == ("Fournil Castagné", [], [], 0)


@pytest.mark.parametrize(
    ("html", "error"),
    [
        (fixture("indeed", "broken_initial_data.html"), "window._initialData: invalid JSON"),
        ("<html><body><script>var x = 1;</script></body></html>", "no window._initialData = … assignment"),
        ("<script>window._initialData = [1, 2];</script>", "window._initialData holds no reviewsList.items"),
        ('<script>window._initialData = {"reviewsList": {"items": {}}};</script>', "expected a list of reviews"),
    ],
)
def test_unreadable_initial_data_is_an_error(html: str, error: str) -> None:
    parsed = parse_page(html, URL, FETCHED_AT)
    assert parsed.records == []
    assert len(parsed.errors) == 1
    assert parsed.errors[0].startswith(error)


def test_company_from_the_url_when_the_page_has_no_json_ld() -> None:
    html = '<script>window._initialData = {"reviewsList": {"items": [{"review_title": "Correct"}]}};</script>'
    parsed = parse_page(html, "https://fr.indeed.com/cmp/Minoterie-du-Tarn/reviews?start=40", FETCHED_AT)
    assert parsed.company_name == "Minoterie Du Tarn"
    assert parsed.records[0].company_id == "minoterie-du-tarn"
    assert parse_page(html, "https://fr.indeed.com/autre", FETCHED_AT).errors == [
        "review 1: no employer name on the page or in the URL"
    ]


def test_export_that_is_not_a_list() -> None:
    parsed = parse_export({"review_title": "x"}, URL, FETCHED_AT)
    assert parsed.company_name == "Fournil Castagne"
    assert parsed.errors == ["expected a list of reviews, got dict"]


def _squeezed(text: str) -> str:
    """Text as the parser keeps it: spaces collapsed, ends trimmed."""
    return " ".join(text.split())


# --- the real corpus ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lidl() -> tuple[list[dict[str, Any]], ParsedPage]:
    path = corpus_file("indeed-fr-lidl", "indeed_fr_lidl_ratings_240.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return data, parse_export(data, "https://www.indeed.fr/cmp/Lidl/reviews", FETCHED_AT)


def test_every_lidl_review_parses_with_a_date_and_rating(lidl: tuple[list[dict[str, Any]], ParsedPage]) -> None:
    data, parsed = lidl
    assert len(data) == 240
    assert parsed.errors == []
    assert len(parsed.records) == len(data)
    assert parsed.company_name == "Lidl"
    assert {record.company_id for record in parsed.records} == {"lidl"}
    assert len({record.review_id for record in parsed.records}) == len(data)
    for record in parsed.records:
        assert problems(record) == []
        assert record.review_date is not None and date(2014, 1, 1) <= record.review_date <= date(2015, 12, 31)
        assert record.rating in (1.0, 2.0, 3.0, 4.0, 5.0)
        assert record.title and record.body


def test_lidl_fields_match_the_export(lidl: tuple[list[dict[str, Any]], ParsedPage]) -> None:
    data, parsed = lidl
    assert Counter(record.rating for record in parsed.records) == Counter(
        float(item["review_rating"].replace(",", ".")) for item in data
    )
    assert Counter(record.is_current for record in parsed.records) == Counter(
        "actuel" in item["review_author"]["status"] for item in data
    )
    assert sum(record.pros is not None for record in parsed.records) == sum(
        bool(item["review_pros_cons"]["review_pros"]) for item in data
    )
    for item, record in zip(data, parsed.records, strict=True):
        assert record.review_date == french_date(item["review_author"]["date"])
        assert record.title == _squeezed(item["review_title"])
        assert record.job_title == _squeezed(item["review_author"]["job"])
        assert record.location is not None and item["review_author"]["location"].startswith(record.location)
        assert record.body == "\n".join(_squeezed(line) for line in item["review_text"] if line.strip())
        assert "\r" not in (record.body or "")

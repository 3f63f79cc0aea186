"""schema.org extraction (JSON-LD, microdata), the shared helpers in spiders/parsers/structured.py and the generic
schema.org parser, on fixture pages written for these tests (the value helpers have their own tests: test_values)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from revint.record import dumps, problems
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.schema_org import parse_page, source_for
from revint.spiders.parsers.structured import (
    REVIEW_TYPES,
    CompanyInfo,
    company_info,
    element_text,
    find_typed,
    json_ld,
    microdata,
    name_from_slug,
    notes_text,
    scaled_rating,
    selector,
)
from tests.support.pages import FETCHED_AT, FIXTURES, fixture

URL = "https://www.avis-boulot.example/entreprise/verrerie-dumas/avis"


def _parse(name: str, url: str = URL) -> ParsedPage:
    return parse_page(fixture("schema_org", name), url, FETCHED_AT)


# --- shared helpers ------------------------------------------------------------------------------------------


def test_scaled_rating() -> None:
    assert scaled_rating({"ratingValue": "91", "bestRating": "100", "worstRating": "1"}) == pytest.approx(4.636)
    assert scaled_rating({"ratingValue": "7,5", "bestRating": 10, "worstRating": 0}) == 4.0
    assert scaled_rating({"ratingValue": 3}) == 3.0  # schema.org defaults: 1..5
    assert scaled_rating("4,5") == 4.5
    assert scaled_rating({"bestRating": 5}) is None
    assert scaled_rating(None) is None
    with pytest.raises(ValueError, match=r"scale 5\.0\.\.5\.0 is empty"):
        scaled_rating({"ratingValue": 5, "bestRating": 5, "worstRating": 5})
    with pytest.raises(ValueError, match="not a number"):
        scaled_rating({"ratingValue": True})


def test_text_helpers() -> None:
    node = selector("<div>Un <b>mot</b><br>deux<p>trois</p><script>var x = 1;</script><!-- note --></div>")
    assert element_text(node.xpath("//div")[0]) == "Un mot\ndeux\ntrois"
    assert notes_text(["A", {"@type": "ItemList", "itemListElement": [{"name": "B"}, {"item": {"name": "C"}}]}]) == (
        "A\nB\nC"
    )
    assert name_from_slug("deutsche-post") == "Deutsche Post"
    assert name_from_slug("Fournil-Castagne") == "Fournil Castagne"
    assert name_from_slug("caf%C3%A9_du_port") == "Café Du Port"


def test_json_ld_flattens_lists_and_graphs() -> None:
    page = selector(fixture("schema_org", "jsonld_page1.html"))
    objects, errors = json_ld(page)
    assert errors == []
    kinds = [sorted(obj["@type"] if isinstance(obj["@type"], list) else [obj["@type"]]) for obj in objects]
    assert kinds == [
        ["WebPage"],
        ["Organization"],
        ["EmployerAggregateRating"],
        ["EmployerReview"],
        ["Review"],
        ["Organization"],
    ]
    reviews = find_typed(objects, REVIEW_TYPES)
    assert [holder for _, holder in reviews] == [
        None,
        None,
        "Verrerie Dumas SAS",
    ]  # the last one sits in Organization.review
    info = company_info(objects)
    assert info is not None
    assert (info.name, info.rating, info.rating_count) == ("Verrerie Dumas SAS", pytest.approx(3.869), 118)


def test_json_ld_objects_are_found_once_at_any_depth() -> None:
    block = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "@graph": [{"@type": "Review", "@id": "r1", "reviewBody": "Un."}],
        "mainEntity": {"@type": "Organization", "name": "Acme", "review": {"@type": "Review", "@id": "r2"}},
    }
    untyped = {"@context": "https://schema.org", "mainEntity": {"@type": "Review", "@id": "r3"}}
    html = "".join(f'<script type="application/ld+json">{json.dumps(data)}</script>' for data in (block, untyped))
    objects, _ = json_ld(selector(html))
    reviews = find_typed(objects, REVIEW_TYPES)
    assert [(review["@id"], holder) for review, holder in reviews] == [("r1", None), ("r2", "Acme"), ("r3", None)]


def test_company_info_keeps_the_name_when_the_numbers_do_not_parse() -> None:
    rating = {"@type": "EmployerAggregateRating", "itemReviewed": {"name": "Acme"}, "ratingValue": "N/A"}
    assert company_info([{**rating, "ratingCount": "beaucoup"}]) == CompanyInfo("Acme", None, None)
    assert company_info([{**rating, "ratingValue": float("inf")}]) == CompanyInfo("Acme", None, None)
    assert company_info([{"@type": "AggregateRating", "ratingValue": 4}]) is None  # about nothing named


def test_microdata_items() -> None:
    items = microdata(selector(fixture("schema_org", "microdata.html")))
    assert len(items) == 1
    organization = items[0]
    assert organization["@type"] == ["https://schema.org/Organization"]
    assert organization["name"] == "Harbour Lane Logistics"
    assert organization["aggregateRating"]["ratingValue"] == "3.6"
    first, second = organization["review"]
    assert first["@id"] == "urn:workvoices:review:9001"
    assert first["reviewRating"] == {
        "@type": ["https://schema.org/Rating"],
        "worstRating": "1",
        "bestRating": "5",
        "ratingValue": "4",
    }
    assert first["datePublished"] == "2025-01-20"
    assert first["author"]["url"] == "/people/dana-whitlock"  # read into the dict, never into a record
    assert [element["name"] for element in first["positiveNotes"]["itemListElement"]] == [
        "Friendly team",
        "Paid overtime",
    ]
    assert second["reviewRating"]["ratingValue"] == "2"


# --- the parser ------------------------------------------------------------------------------------------------


def test_source_is_the_host() -> None:
    assert source_for("https://www.Avis-Boulot.example:8443/x?y=1") == "avis-boulot.example"
    assert source_for("http://jobs.example.org/") == "jobs.example.org"


def test_json_ld_page_1() -> None:
    parsed = _parse("jsonld_page1.html")
    assert parsed.company_name == "Verrerie Dumas SAS"
    assert parsed.next_url == "https://www.avis-boulot.example/entreprise/verrerie-dumas/avis?page=2"
    assert parsed.errors == []
    first, second, third = parsed.records
    assert first.source == "avis-boulot.example"
    assert first.source_review_id == "https://www.avis-boulot.example/avis/48213"
    assert first.review_id == "avis-boulot.example:https://www.avis-boulot.example/avis/48213"
    assert first.company_name == "Verrerie Dumas SAS"
    assert first.company_id == "verrerie-dumas"
    assert first.url == "https://www.avis-boulot.example/avis/48213"
    assert first.fetched_at == FETCHED_AT
    assert first.lang == "fr"
    assert first.review_date == date(2025, 2, 14)
    assert first.title == "Des fours impressionnants, des horaires qui le sont aussi"
    assert first.body == "Trois ans au contrôle qualité.\nL'équipe de nuit se serre les coudes."
    assert first.pros == "Prime de nuit correcte\nCollègues solidaires"
    assert first.cons == "Chaleur l'été près des fours"
    assert first.rating == 4.0
    assert (first.subratings, first.platform_ratings, first.factor_texts) == ({}, {}, {})

    assert len(second.source_review_id) == 16  # no id published: a content digest
    assert second.url == URL
    assert second.lang is None
    assert second.title == "Bien pour débuter"
    assert second.review_date == date(2024, 11, 3)
    assert second.rating == 4.0  # 7,5 on 0..10
    assert second.pros == "Formation\nTuteur disponible"
    assert second.cons == "Pas de télétravail possible"

    assert third.source_review_id == "48190"
    assert third.company_name == "Verrerie Dumas SAS"  # no itemReviewed: the Organization holding the review
    assert third.rating == 5.0
    assert third.review_date == date(2024, 9, 30)


def test_json_ld_page_2_ends_the_list() -> None:
    parsed = _parse("jsonld_page2.html", URL + "?page=2")
    assert parsed.next_url is None
    assert parsed.errors == []
    assert [(record.source_review_id, record.rating, record.review_date) for record in parsed.records] == [
        ("https://www.avis-boulot.example/avis/47002", 2.0, date(2023, 6, 18))
    ]


def test_reviewer_names_and_profiles_are_never_stored() -> None:
    for name in ("jsonld_page1.html", "jsonld_page2.html", "microdata.html"):
        for record in _parse(name).records:
            line = dumps(record)
            for personal in ("Maëlle", "maelle", "Jonas", "Anonyme", "Rémi", "Dana", "dana-whitlock", "membres"):
                assert personal not in line


def test_microdata_page() -> None:
    url = "https://www.workvoices.example/companies/harbour-lane-logistics/reviews"
    parsed = _parse("microdata.html", url)
    assert parsed.company_name == "Harbour Lane Logistics"
    assert parsed.next_url == url + "?page=2"
    assert parsed.errors == []
    first, second = parsed.records
    assert first.source == "workvoices.example"
    assert first.source_review_id == "urn:workvoices:review:9001"
    assert first.title == "Good crew, long shifts"
    assert first.rating == 4.0
    assert first.review_date == date(2025, 1, 20)
    assert first.body == "Forklift team is friendly.\nOvertime is frequent in peak season."
    assert first.pros == "Friendly team\nPaid overtime"
    assert first.cons == "Cold warehouse in winter"
    assert second.title == "Management does not listen"
    assert (second.rating, second.review_date, second.body) == (2.0, date(2024, 8, 5), "Suggestions go nowhere.")


def test_latin1_page_is_decoded_by_its_declared_charset() -> None:
    raw = (FIXTURES / "schema_org" / "latin1.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    parsed = parse_page(raw, "https://forum-metiers.example/avis/cremerie-segurane", FETCHED_AT)
    assert parsed.errors == []
    assert parsed.company_name == "Crèmerie Ségurane"
    (record,) = parsed.records
    assert record.company_id == "cremerie-segurane"
    assert record.title == "Été chargé, hiver très calme"
    assert record.rating == 4.5  # "4,5"
    assert record.review_date == date(2015, 3, 1)  # "1er mars 2015"
    assert record.body == (
        "Fromages affinés sur place, clientèle fidèle.\nLes après-midis d'août sont épuisants à cause de la chaleur."
    )
    assert "Hélène" not in dumps(record)


def test_malformed_reviews_become_errors() -> None:
    parsed = _parse("malformed.html")
    assert parsed.company_name == "Imprimerie Belcourt"
    assert len(parsed.errors) == 4
    assert parsed.errors[0].startswith("JSON-LD block 2: invalid JSON")
    assert parsed.errors[1:] == [
        "review avis-1: rating 'excellent' is not a number",
        "review avis-2: date 'hier soir' is not a date",
        "review avis-3: rating scale 1.0..1.0 is empty",
    ]
    assert [record.source_review_id for record in parsed.records] == ["avis-4"]
    assert parsed.review_blocks == 5


def test_page_without_reviews() -> None:
    parsed = _parse("empty.html")
    assert parsed.company_name == "Tisserands de Vienne"
    assert (parsed.records, parsed.errors, parsed.next_url, parsed.review_blocks) == ([], [], None, 0)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><p>rien</p></body></html>",
        '<script type="application/ld+json">[1, "x", null, {"@graph": 3}]</script>',
        '<script type="application/ld+json">{"@type": "Review", "reviewBody": "Sans employeur"}</script>',
        '<script type="application/ld+json">{"@type": "Review", "name": ["a", 2], "itemReviewed": "Acme"}</script>',
    ],
)
def test_odd_pages_never_raise(html: str) -> None:
    parsed = parse_page(html, URL, FETCHED_AT)
    assert parsed.records == []
    assert len(parsed.errors) == html.count('"Review"')


def test_all_fixture_records_are_valid() -> None:
    for path in sorted((FIXTURES / "schema_org").glob("*.html")):
        for record in parse_page(path.read_bytes(), URL, FETCHED_AT).records:
            assert problems(record) == [], (path.name, record.source_review_id)

"""Pure parser tests: pages rendered by the bundled sample site, parsed back field by field.

No network and no Scrapy here; the crawl itself is covered by test_crawl.py.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from revint.companies import canonical_company_id
from revint.pipeline.sample_site import (
    SUBRATING_LABELS,
    SampleCompany,
    load_companies,
    render_company_page,
    render_review,
)
from revint.record import ReviewRecord, dumps, problems
from revint.settings import BUNDLED_DATA
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.sample_site import SOURCE, parse_page
from revint.taxonomy import THEME_IDS, themes_for_rating_label

SITE_DIR = BUNDLED_DATA / "sample_site"
HOST = "http://127.0.0.1:8000"
FETCHED_AT = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)


# --- helpers -----------------------------------------------------------------------------------------


def _review(review_id: str, **overrides: Any) -> dict[str, Any]:
    """A complete sample-site review dict (the shape of data/sample_site/companies/*.json)."""
    review: dict[str, Any] = {
        "id": review_id,
        "date": "2024-05-17",
        "lang": "fr",
        "title": "Bonne ambiance, salaires bas",
        "rating": 4,
        "subratings": {"culture": 4, "work_life_balance": 5, "career": 2, "compensation": 1, "management": 3},
        "job_title": "Développeuse back-end",
        "location": "Nantes",
        "employment_status": "full_time",
        "current": True,
        "pros": "Équipe soudée.\nTélétravail deux jours par semaine.",
        "cons": "Salaires sous le marché.\n\nPeu d'augmentations.",
        "advice": "Revoyez la grille & les primes.",
    }
    review.update(overrides)
    return review


def _company(reviews: list[dict[str, Any]], name: str = "Ateliers Fictifs & Fils SAS") -> SampleCompany:
    return SampleCompany(slug="ateliers-fictifs", name=name, sector="Industrie", city="Nantes", reviews=reviews)


def _url(company: SampleCompany, page: int = 1) -> str:
    return f"{HOST}/entreprise/{company.slug}/avis" + (f"?page={page}" if page > 1 else "")


def _parse(html: str, url: str = f"{HOST}/entreprise/ateliers-fictifs/avis") -> ParsedPage:
    return parse_page(html, url, FETCHED_AT)


def _page_with_blocks(*blocks: str, company_name: str = "Ateliers Fictifs") -> str:
    """A minimal company page around hand-written (or rendered) review blocks."""
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Avis</title></head><body>'
        f'<h1 class="company-name">{company_name}</h1><div class="reviews">{"".join(blocks)}</div></body></html>'
    )


def _expected_text(text: str | None) -> str | None:
    """What the parser should return for a source text: one line per non-blank line, trimmed."""
    if not text:
        return None
    return "\n".join(line.strip() for line in text.split("\n") if line.strip()) or None


@pytest.fixture(scope="module")
def sample_companies() -> dict[str, SampleCompany]:
    return load_companies(SITE_DIR)


# --- the real sample data, page by page --------------------------------------------------------------


def test_every_sample_page_parses_back_to_its_source_reviews(sample_companies: dict[str, SampleCompany]) -> None:
    assert sample_companies, "no company files under data/sample_site/companies"
    parsed_reviews = 0
    for company in sample_companies.values():
        for page_number in range(1, company.pages + 1):
            url = _url(company, page_number)
            page = parse_page(render_company_page(company, page_number), url, FETCHED_AT)
            expected = company.reviews[(page_number - 1) * 10 : page_number * 10]

            assert page.errors == []
            assert page.company_name == company.name
            assert page.review_blocks == len(expected)
            for record, source in zip(page.records, expected, strict=True):
                parsed_reviews += 1
                assert record.source == SOURCE
                assert record.source_review_id == source["id"]
                assert record.review_id == f"sample:{source['id']}"
                assert record.company_name == company.name
                assert record.company_id == canonical_company_id(company.name) == company.slug
                assert record.url == f"{url}#avis-{source['id']}"
                assert record.fetched_at == FETCHED_AT
                assert record.lang == source["lang"]
                assert record.review_date == date.fromisoformat(source["date"])
                assert record.rating == float(source["rating"])
                assert record.title == _expected_text(source["title"])
                assert record.pros == _expected_text(source.get("pros"))
                assert record.cons == _expected_text(source.get("cons"))
                assert record.advice == _expected_text(source.get("advice"))
                assert record.body is None
                assert record.subratings == {k: float(v) for k, v in source.get("subratings", {}).items()}
                assert record.job_title == source["job_title"]
                assert record.location == source["location"]
                assert record.employment_status == source["employment_status"]
                assert record.is_current is source["current"]
                assert problems(record, today=date(2100, 1, 1)) == []
    assert parsed_reviews == sum(len(c.reviews) for c in sample_companies.values())


def test_next_url_on_every_page_but_the_last(sample_companies: dict[str, SampleCompany]) -> None:
    multi_page = [c for c in sample_companies.values() if c.pages > 1]
    assert multi_page, "the sample site should have paginated companies"
    for company in multi_page:
        for page_number in range(1, company.pages + 1):
            page = parse_page(render_company_page(company, page_number), _url(company, page_number), FETCHED_AT)
            if page_number < company.pages:
                assert page.next_url == f"{HOST}/entreprise/{company.slug}/avis?page={page_number + 1}"
            else:
                assert page.next_url is None


def test_no_record_field_holds_reviewer_pseudonyms_or_profile_links(
    sample_companies: dict[str, SampleCompany],
) -> None:
    pages_checked = 0
    for company in sample_companies.values():
        for page_number in range(1, company.pages + 1):
            html = render_company_page(company, page_number)
            # The page does show them, so the parser must be leaving them out on purpose.
            assert "membre-" in html and "/membres/" in html
            for record in parse_page(html, _url(company, page_number), FETCHED_AT).records:
                line = dumps(record)
                assert "membre-" not in line
                assert "/membres/" not in line
                assert "membres" not in record.url
            pages_checked += 1
    assert pages_checked > 0


# --- a hand-built company ----------------------------------------------------------------------------


def test_hand_built_review_parses_field_by_field() -> None:
    company = _company([_review("af-001", employment_status="contract", current=False, lang="en")])
    page = _parse(render_company_page(company, 1))

    assert page.errors == []
    assert page.company_name == "Ateliers Fictifs & Fils SAS"
    assert page.next_url is None
    [record] = page.records
    assert record.source_review_id == "af-001"
    assert record.company_id == "ateliers-fictifs-and-fils"
    assert record.review_date == date(2024, 5, 17)
    assert record.lang == "en"
    assert record.title == "Bonne ambiance, salaires bas"
    assert record.rating == 4.0
    assert record.job_title == "Développeuse back-end"
    assert record.location == "Nantes"
    assert record.employment_status == "contract"
    assert record.is_current is False


def test_multi_line_sections_keep_their_line_breaks() -> None:
    page = _parse(render_company_page(_company([_review("af-001")]), 1))
    [record] = page.records
    assert record.pros == "Équipe soudée.\nTélétravail deux jours par semaine."
    assert record.cons == "Salaires sous le marché.\nPeu d'augmentations."  # the blank line is not a paragraph
    assert record.advice == "Revoyez la grille & les primes."  # HTML-escaped on the page, plain text here
    assert record.sections() == {"pros": record.pros, "cons": record.cons, "advice": record.advice}


def test_sub_ratings_are_mapped_to_taxonomy_ids_through_the_crosswalk() -> None:
    page = _parse(render_company_page(_company([_review("af-001")]), 1))
    [record] = page.records
    assert record.subratings == {
        "culture": 4.0,
        "work_life_balance": 5.0,
        "career": 2.0,
        "compensation": 1.0,
        "management": 3.0,
    }
    assert set(record.subratings) <= set(THEME_IDS)
    # The French labels shown on the page are what the crosswalk resolves.
    for theme, label in SUBRATING_LABELS.items():
        assert themes_for_rating_label(label) == (theme,)


def test_sub_rating_with_unknown_label_is_ignored_and_french_decimal_is_read() -> None:
    block = (
        '<article class="review" data-review-id="af-009" lang="fr">'
        '<h3 class="review-title">Correct</h3><span class="rating" data-value="3,5"></span>'
        '<dl class="subratings"><dt>Ambiance de la machine à café</dt><dd data-value="5">5</dd>'
        '<dt>Sécurité de l’emploi/Évolution de carrière</dt><dd data-value="2,5">2,5</dd></dl>'
        "</article>"
    )
    [record] = _parse(_page_with_blocks(block)).records
    assert record.rating == 3.5
    assert record.subratings == {"job_security": 2.5, "career": 2.5}


def test_review_without_optional_fields_parses_with_none_and_empty_values() -> None:
    sparse = _review("af-002", title="", job_title="", location="", pros="Rien à redire.", cons="", advice="")
    del sparse["subratings"]
    page = _parse(render_company_page(_company([sparse]), 1))

    assert page.errors == []
    [record] = page.records
    assert record.title is None
    assert record.advice is None
    assert record.cons is None
    assert record.subratings == {}
    assert record.job_title is None
    assert record.location is None
    assert record.pros == "Rien à redire."
    assert problems(record, today=date(2100, 1, 1)) == []


def test_bare_review_block_parses_with_every_optional_field_unset() -> None:
    block = '<article class="review" data-review-id="af-003"><section class="pros"><p>Bien.</p></section></article>'
    page = _parse(_page_with_blocks(block))

    assert page.errors == []
    [record] = page.records
    assert record.source_review_id == "af-003"
    assert record.pros == "Bien."
    for name in ("lang", "review_date", "title", "cons", "advice", "body", "rating"):
        assert getattr(record, name) is None, name
    assert record.subratings == {}
    assert record.job_title is None
    assert record.location is None
    assert record.employment_status is None
    assert record.is_current is None


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("breakage", "error_fragment"),
    [
        (lambda block: block.replace('class="rating" data-value="4"', 'class="rating" data-value="abc"'), "rating"),
        (lambda block: block.replace('datetime="2024-05-17"', 'datetime="2024-13-45"'), "2024-13-45"),
        (lambda block: block.replace(' data-review-id="af-002"', ""), "data-review-id"),
        (lambda block: block.replace('<dd data-value="2">', '<dd data-value="deux">'), "sub-rating"),
    ],
    ids=["rating-abc", "date-2024-13-45", "no-data-review-id", "sub-rating-not-a-number"],
)
def test_malformed_review_block_becomes_an_error_while_the_others_parse(breakage: Any, error_fragment: str) -> None:
    reviews = [_review("af-001"), _review("af-002"), _review("af-003")]
    html = render_company_page(_company(reviews), 1)
    good_block = render_review(reviews[1])
    bad_block = breakage(good_block)
    assert bad_block != good_block, "the breakage did not apply"
    page = _parse(html.replace(good_block, bad_block))

    assert [r.source_review_id for r in page.records] == ["af-001", "af-003"]
    assert len(page.errors) == 1
    assert error_fragment in page.errors[0]
    assert page.review_blocks == 3


def test_review_blocks_on_a_page_without_company_name_are_errors() -> None:
    html = render_company_page(_company([_review("af-001"), _review("af-002")]), 1)
    page = _parse(re.sub(r'<h1 class="company-name">.*?</h1>', "", html))
    assert page.records == []
    assert len(page.errors) == 2
    assert page.review_blocks == 2


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n  ",
        "plain text, not a page",
        "\x00\x01\x02\xff binary noise",
        "<html><head><title>Avis",  # truncated before any review block
        "<!DOCTYPE html><html><body><h1>Maintenance en cours</h1></body></html>",
    ],
    ids=["empty", "blank", "plain-text", "binary", "truncated", "html-without-reviews"],
)
def test_page_without_review_blocks_yields_no_records_and_no_exception(body: str) -> None:
    page = _parse(body)
    assert page.records == []
    assert page.errors == []
    assert page.review_blocks == 0
    assert page.next_url is None


def test_page_truncated_before_the_reviews_yields_no_records() -> None:
    html = render_company_page(_company([_review("af-001"), _review("af-002")]), 1)
    page = _parse(html[: html.index('<article class="review"')])
    assert page.records == []
    assert page.errors == []


def test_json_body_yields_no_records_and_no_exception() -> None:
    page = _parse(json.dumps({"error": "rate limited", "reviews": []}))
    assert page.records == []
    assert page.review_blocks == 0


def _subratings(terms: str) -> dict[str, float]:
    """The sub-ratings of a review block whose `<dl class="subratings">` holds `terms`."""
    block = (
        '<article class="review" data-review-id="af-010"><h3 class="review-title">Titre</h3>'
        f'<dl class="subratings">{terms}</dl></article>'
    )
    [record] = _parse(_page_with_blocks(block)).records
    return record.subratings


def test_sub_rating_without_value_does_not_shift_the_next_ones() -> None:
    terms = '<dt>Culture et valeurs</dt><dd>n/a</dd><dt>Équipe dirigeante</dt><dd data-value="2">2</dd>'
    assert _subratings(terms) == {"management": 2.0}


def test_sub_ratings_whose_labels_share_a_theme_are_averaged() -> None:
    terms = '<dt>Culture</dt><dd data-value="5">5</dd><dt>Culture et valeurs</dt><dd data-value="2">2</dd>'
    assert _subratings(terms) == {"culture": 3.5}  # not the last label's 2.0


# --- JSON round trip ---------------------------------------------------------------------------------


def test_parsed_records_survive_a_round_trip(sample_companies: dict[str, SampleCompany]) -> None:
    company = next(iter(sample_companies.values()))
    for record in parse_page(render_company_page(company, 1), _url(company), FETCHED_AT).records:
        assert ReviewRecord.from_json_dict(json.loads(dumps(record))) == record


def test_sample_company_ids_match_their_slugs(sample_companies: dict[str, SampleCompany]) -> None:
    for slug, company in sample_companies.items():
        assert canonical_company_id(company.name) == slug

"""Glassdoor parsers against the real corpus, and against small hand-written malformed inputs.

The corpus is read in place from ../shared/corpus (the saved pages straight out of their .tar.xz) and the tests
that need it skip when it is absent. Nothing from it is copied here: expectations are counts, ids and
cross-checks between the corpus's own copies of each review (Apollo cache, HTML, the course's CSV extraction).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from revint.record import ReviewRecord, dumps, problems
from revint.settings import SHARED_CORPUS
from revint.spiders.parsers.glassdoor import parse_graphql, parse_page
from revint.spiders.parsers.page import ParsedPage
from revint.taxonomy import THEME_IDS
from tests.support.pages import pages_in_tar

CORPUS = SHARED_CORPUS
DATALAKE = CORPUS / "glassdoor-fr-datalake"
GRAPHQL = CORPUS / "glassdoor-graphql-json"
FETCHED_AT = datetime(2019, 12, 14, tzinfo=UTC)
SAVED_ON = date(2019, 12, 14)
PAGE_NAME = re.compile(r"(\d+)-AVIS-SOC-GLASSDOOR-E(\d+)_P(\d+)\.html$")
TEXT_FIELDS = ("title", "pros", "cons", "advice")
# Everything but the language and the texts must read the same from the cache and from the HTML.
METADATA_FIELDS = tuple(
    f.name for f in dataclasses.fields(ReviewRecord) if f.name not in (*TEXT_FIELDS, "lang", "body", "factor_texts")
)
SUBRATING_COLUMNS = {
    "score_balanced": "work_life_balance",
    "score_culture": "culture",
    "score_opportunities": "career",
    "score_wage_advantages": "compensation",
    "score_leader_team": "management",
}
CSV_RECOMMENDS = {"Recommande": True, "Ne recommande pas": False, "": None}
CSV_OUTLOOKS = {
    "Point de vue positif": "positive",
    "Point de vue neutre": "neutral",
    "Point de vue négatif": "negative",
    "": None,
}
CSV_CEO = {
    "Approuve le PDG": "approve",
    "N'approuve pas le PDG": "disapprove",
    "Pas d'avis sur le PDG": "no_opinion",
    "": None,
}


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"corpus file absent: {path}")
    return path


# --- the 209 saved glassdoor.fr pages ----------------------------------------------------------------


@dataclass(frozen=True)
class SavedPage:
    folder: str  # the course's enterprise id (file-name prefix); one employer may be saved in two folders
    employer: str  # Glassdoor's employer id
    number: int
    layout: str  # "v1" (empReview/reviewBodyCell) or "v2" (v2__EIReviewDetailsV2)
    blocks: int  # review blocks in the HTML, counted independently of the parser
    parsed: ParsedPage
    html_only: ParsedPage  # the same page with its Apollo cache hidden, so the HTML path is what is read


def _read_pages(archive: Path) -> list[SavedPage]:
    pages = []
    for found, html, _ in pages_in_tar(archive, PAGE_NAME):
        folder, employer, number = found.groups()
        url = f"https://www.glassdoor.fr/Avis/Avis-E{employer}_P{number}.htm"
        pages.append(
            SavedPage(
                folder=folder,
                employer=employer,
                number=int(number),
                layout="v2" if "v2__EIReviewDetailsV2" in html else "v1",
                blocks=len(re.findall(r'<li[^>]* id="empReview_\d+"', html)),
                parsed=parse_page(html, url, FETCHED_AT),
                html_only=parse_page(html.replace("__APOLLO_STATE__", "__HIDDEN_STATE__"), url, FETCHED_AT),
            )
        )
    return sorted(pages, key=lambda page: (page.folder, page.number))


@pytest.fixture(scope="module")
def saved_pages() -> list[SavedPage]:
    return _read_pages(_need(DATALAKE / "glassdoor_fr_avis_pages_209.tar.xz"))


@pytest.fixture(scope="module")
def csv_rows() -> list[dict[str, str]]:
    with _need(DATALAKE / "avis-soc.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _unique(pages: list[SavedPage]) -> dict[str, ReviewRecord]:
    return {record.review_id: record for page in pages for record in page.parsed.records}


def test_every_saved_page_parses_completely(saved_pages: list[SavedPage]) -> None:
    assert len(saved_pages) == 209
    assert Counter(page.layout for page in saved_pages) == {"v1": 179, "v2": 30}
    for page in saved_pages:
        assert page.parsed.errors == [] and page.html_only.errors == []
        assert len(page.parsed.records) == len(page.html_only.records) == page.blocks > 0
        assert page.parsed.company_name
        for record in page.parsed.records:
            assert problems(record, today=SAVED_ON) == []
            assert record.source == "glassdoor" and record.source_review_id.isdigit()
            assert record.url.startswith("https://www.glassdoor.fr/Avis/avis-employ")
            assert record.url.endswith(f"-RVW{record.source_review_id}.htm")
            assert record.review_date is not None and record.review_date <= SAVED_ON
            assert record.pros and record.cons and record.title
            assert set(record.subratings) <= set(THEME_IDS)
            assert len(record.platform_ratings) == len(record.subratings)
            assert record.fetched_at == FETCHED_AT
    assert sum(len(page.parsed.records) for page in saved_pages) == 1537


def test_the_pages_hold_1433_unique_reviews(saved_pages: list[SavedPage]) -> None:
    unique = _unique(saved_pages)
    assert len(unique) == 1433
    # SOURCE.md's own dedupe key gives the same count.
    assert len({(r.title, r.pros, r.review_date) for r in unique.values()}) == 1433
    per_layout = {layout: _unique([p for p in saved_pages if p.layout == layout]) for layout in ("v1", "v2")}
    assert {layout: len(reviews) for layout, reviews in per_layout.items()} == {"v1": 1244, "v2": 223}


def test_a_review_seen_twice_comes_from_one_employer_saved_in_two_folders(saved_pages: list[SavedPage]) -> None:
    seen: defaultdict[str, list[SavedPage]] = defaultdict(list)
    for page in saved_pages:
        for record in page.parsed.records:
            seen[record.review_id].append(page)
    repeated = {review_id: pages for review_id, pages in seen.items() if len(pages) > 1}
    assert len(repeated) == 1537 - 1433
    for pages in repeated.values():
        assert len({page.employer for page in pages}) == 1
        assert len({page.folder for page in pages}) == len(pages)
    records = {page.folder: {r.review_id: r for r in page.parsed.records} for page in saved_pages if page.number == 1}
    for review_id, pages in repeated.items():
        copies = [records[page.folder][review_id] for page in pages if page.number == 1]
        assert all(copy == copies[0] for copy in copies)


def test_translated_reviews_keep_the_original_text_and_language(saved_pages: list[SavedPage]) -> None:
    unique = _unique(saved_pages)
    shown = {record.review_id: record for page in saved_pages for record in page.html_only.records}
    assert Counter(record.lang for record in unique.values()) == {"fr": 1345, "en": 88}
    # The pages show a French machine translation of all 88 English reviews; the records keep the English.
    for record in unique.values():
        if record.lang == "en":
            assert shown[record.review_id].pros != record.pros and shown[record.review_id].lang is None


def test_both_html_layouts_agree_with_the_apollo_cache(saved_pages: list[SavedPage]) -> None:
    """The HTML fallback yields the same reviews; only what the HTML lacks differs."""
    compared: Counter[str] = Counter()
    advice_only_in_cache: Counter[str] = Counter()
    for page in saved_pages:
        for cached, shown in zip(page.parsed.records, page.html_only.records, strict=True):
            assert {name: getattr(shown, name) for name in METADATA_FIELDS} == {
                name: getattr(cached, name) for name in METADATA_FIELDS
            }
            assert shown.lang is None
            if cached.lang != "fr":
                continue
            compared[page.layout] += 1
            assert (shown.title, shown.pros, shown.cons) == (cached.title, cached.pros, cached.cons)
            if shown.advice != cached.advice:
                assert page.layout == "v2" and shown.advice is None and cached.advice
                advice_only_in_cache[page.layout] += 1
    assert compared["v1"] > 1000 and compared["v2"] > 200
    assert advice_only_in_cache == {"v2": 67}


def _csv_date(value: str) -> date:
    """ "Thu Dec 12 2019 15:39:27 GMT-0800 (PST)" → 2019-12-12."""
    return datetime.strptime(value[4:15], "%b %d %Y").date()


def _folded(text: str | None) -> str:
    """The CSV keeps the page's "..." folds and its whitespace; compare without them."""
    return re.sub(r"\s+|\.\.\.", "", text or "")


def test_fields_match_the_csv_extraction(saved_pages: list[SavedPage], csv_rows: list[dict[str, str]]) -> None:
    """The CSV is the course author's extraction of the same pages, row by row in page order.

    Its author columns (status, job, city) are shifted wherever a review lacks one, and its sub-ratings lose
    values when a review rates only some categories, so only complete rows are compared exactly there.
    """
    by_folder: defaultdict[str, list[ReviewRecord]] = defaultdict(list)
    for page in saved_pages:
        by_folder[page.folder].extend(page.parsed.records)
    rows_by_folder: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for row in csv_rows:
        rows_by_folder[row["id_enterprise"]].append(row)
    assert by_folder.keys() == rows_by_folder.keys()
    checked: Counter[str] = Counter()
    for folder, records in by_folder.items():
        for record, row in zip(records, rows_by_folder[folder], strict=True):
            assert record.company_name == row["enterprise_name"]
            if row["date"]:
                assert record.review_date == _csv_date(row["date"])
                checked["date"] += 1
            assert record.rating == float(row["score"])
            assert record.recommends == CSV_RECOMMENDS[row["score_recommend"]]
            assert record.business_outlook == CSV_OUTLOOKS[row["score_point_of_view"]]
            assert record.ceo_approval == CSV_CEO[row["score_pdg"]]
            listed = {theme: float(row[column]) for column, theme in SUBRATING_COLUMNS.items() if row[column]}
            if len(record.subratings) in (0, 5):
                assert record.subratings == listed
                checked["subratings"] += 1
            else:
                assert not Counter(listed.values()) - Counter(record.subratings.values())
            if record.lang == "fr":  # the CSV holds the translation of the others
                assert _folded(record.title) == _folded(row["title"])
                assert _folded(record.pros) == _folded(row["review_advantages"])
                assert _folded(record.cons) == _folded(row["review_disadvantages"])
                assert _folded(row["review_advises"]) in ("", _folded(record.advice))
                checked["texts"] += 1
    assert checked == {"date": 1535, "subratings": 1487, "texts": 1446}


def test_pagination_points_at_the_next_saved_page(saved_pages: list[SavedPage]) -> None:
    saved = {(page.employer, page.number) for page in saved_pages}
    with_next = [page for page in saved_pages if page.parsed.next_url]
    assert len(with_next) == 122
    for page in with_next:
        assert page.parsed.next_url == page.html_only.next_url
        assert page.parsed.next_url is not None and page.parsed.next_url.startswith("https://www.glassdoor.fr/Avis/")
        assert urlparse(page.parsed.next_url).path.endswith(f"-E{page.employer}_P{page.number + 1}.htm")
    for employer, number in saved:
        if (employer, number + 1) in saved:
            assert all(p.parsed.next_url for p in saved_pages if (p.employer, p.number) == (employer, number))


def test_employer_responses_and_statuses_come_through(saved_pages: list[SavedPage]) -> None:
    unique = _unique(saved_pages).values()
    assert Counter(record.employer_responses for record in unique) == {0: 1388, 1: 45}
    assert {record.employment_status for record in unique} == {
        "full_time",
        "part_time",
        "intern",
        "contract",
        "apprentice",
        "freelance",
        None,
    }
    assert {record.is_current for record in unique} == {True, False}
    assert {record.business_outlook for record in unique} == {"positive", "neutral", "negative", None}


# --- the GraphQL JSON, three vintages ----------------------------------------------------------------


def _load_json(path: Path) -> Any:
    """UTF-8, else cp1252: the 2026 capture holds two cp1252 right quotes (0x92)."""
    raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return json.loads(raw.decode("cp1252"))


VINTAGES = {  # file → (review entries, unique reviews)
    "glassdoor_reviews_ebay_2023-05_f11a325.json": (30, 24),
    "glassdoor_reviews_ebay_2025-09_a683f61.json": (20, 20),
    "glassdoor_reviews_ebay_2026-01_4f8054f.json": (15, 15),
}
GRAPHQL_URL = "https://www.glassdoor.com/Reviews/eBay-Reviews-E7853.htm"
SUBRATING_FIELDS = {
    "ratingWorkLifeBalance": "work_life_balance",
    "ratingCultureAndValues": "culture",
    "ratingDiversityAndInclusion": "diversity_inclusion",
    "ratingCareerOpportunities": "career",
    "ratingCompensationAndBenefits": "compensation",
    "ratingSeniorLeadership": "management",
}


@pytest.mark.parametrize(("name", "counts"), VINTAGES.items())
def test_graphql_vintage_parses_field_by_field(name: str, counts: tuple[int, int]) -> None:
    data = _load_json(_need(GRAPHQL / name))
    entries = data["reviews"] if isinstance(data, dict) else data
    parsed = parse_graphql(data, GRAPHQL_URL, FETCHED_AT)

    assert (len(entries), len(parsed.records)) == counts
    assert parsed.errors == [] and parsed.company_name == "eBay"
    records = {record.source_review_id: record for record in parsed.records}
    for entry in entries:
        record = records[str(entry["reviewId"])]
        assert problems(record) == []
        assert (record.company_name, record.company_id, record.lang) == ("eBay", "ebay", "en")
        assert record.url == f"{GRAPHQL_URL}#{entry['reviewId']}"
        assert record.review_date == date.fromisoformat(entry["reviewDateTime"][:10])
        assert record.rating == entry["ratingOverall"]
        assert record.subratings == {
            theme: float(entry[field]) for field, theme in SUBRATING_FIELDS.items() if entry.get(field)
        }
        assert len(record.platform_ratings) == len(record.subratings)
        assert record.title == (entry["summary"] or "").strip()
        assert record.pros and record.cons and record.pros.split()[0] == entry["pros"].split()[0]
        assert record.job_title == ((entry["jobTitle"] or {}).get("text", "").strip() or None)
        assert record.location == (entry["location"] or {}).get("name")
        assert record.is_current is entry["isCurrentJob"]
        assert record.ceo_approval == ((entry["ratingCeo"] or "").lower() or None)
        assert record.business_outlook == ((entry["ratingBusinessOutlook"] or "").lower() or None)
        assert record.recommends == {"POSITIVE": True, "NEGATIVE": False}.get(entry["ratingRecommendToFriend"])
        assert record.employment_status == {"REGULAR": "full_time", "PART_TIME": "part_time"}.get(
            entry["employmentStatus"]
        )
        assert record.employer_responses == len(entry["employerResponses"])
    assert sum(not record.subratings for record in records.values()) == len(
        {e["reviewId"] for e in entries if not any(e.get(field) for field in SUBRATING_FIELDS)}
    )


def test_graphql_schema_drift_does_not_change_a_review() -> None:
    """One review appears in the 2025 and 2026 captures, whose schemas differ (wrapper, floats, quotes)."""
    parsed = [
        {r.review_id: r for r in parse_graphql(_load_json(_need(GRAPHQL / name)), GRAPHQL_URL, FETCHED_AT).records}
        for name in VINTAGES
    ]
    shared = parsed[1].keys() & parsed[2].keys()
    assert shared
    assert all(parsed[1][review_id] == parsed[2][review_id] for review_id in shared)


# --- hand-written malformed and edge-case input ------------------------------------------------------

URL = "https://www.glassdoor.fr/Avis/Acme-Avis-E1.htm"


def _block(review_id: str = "101", *, rating: str = "4.0", extra: str = "") -> str:
    """A review block in the older layout, written for these tests."""
    return (
        f'<li class="empReview cf" id="empReview_{review_id}"><div class="hreview">'
        '<time class="date" datetime="Mon Dec 02 2019 06:59:14 GMT-0800 (PST)">Dec 2, 2019</time>'
        f'<h2 class="h2 summary strong"><a href="/Avis/avis-RVW{review_id}.htm" class="reviewLink">'
        f"<span>«\xa0Titre {review_id}\xa0»</span></a></h2>"
        f'<span class="gdStars"><span class="rating"><span class="value-title" title="{rating}"></span></span>'
        '<div class="subRatings"><ul><li><div class="minor">Culture et valeurs</div>'
        '<span class="gdBars" title="2.0"></span></li><li><div class="minor">Équipe dirigeante</div>'
        '<span class="gdBars" title="0.0"></span></li></ul></div></span>'
        '<div class="author minor"><span class="authorInfo"><span class="authorJobTitle">'
        'Ancien stagiaire - Stagiaire anonyme</span> <span class="middle">à <span class="authorLocation">Lyon'
        "</span></span></span></div>"
        '<div class="row reviewBodyCell recommends"><div><span>Ne recommande pas</span></div>'
        "<div><span>Point de vue neutre</span></div><div><span>Pas d&#x27;avis sur le PDG</span></div></div>"
        '<p class="mainText">J&#x27;ai travaillé chez Acme à temps plein</p>'
        '<div><p class="strong">Avantages</p><p>Équipe sympa, R&amp;D\r\nsolide</p></div>'
        '<div><p class="strong">Inconvénients</p><p>Salaire bas...<span class="d-none"> et primes rares</span></p>'
        "</div>"
        '<span class="d-none"><span class="item"><span class="fn">Acme &amp; Fils</span></span></span>'
        f"{extra}</div></li>"
    )


def _page(*blocks: str, cache: str = "", head: str = "", pager: str = "") -> str:
    """A minimal review page around hand-written blocks, with an Apollo cache when one is given."""
    script = f"<script>window.__APOLLO_STATE__={cache};</script>" if cache else ""
    return (
        f"<!DOCTYPE html><html><head>{head}</head><body><h1>Avis sur Acme &amp; Fils</h1>{script}"
        f"<ol>{''.join(blocks)}</ol>{pager}</body></html>"
    )


def _cached_review(review_id: int = 101, **fields: Any) -> dict[str, Any]:
    """An Apollo cache (the 2019 shape) holding one review, written for these tests."""
    review = {
        "__typename": "EmployerReview",
        "reviewId": review_id,
        "reviewDateTime": "2019-12-02T06:59:14.403",
        "ratingOverall": 4,
        "ratingCultureAndValues": 2,
        "ratingSeniorLeadership": 0,
        "ratingCeo": "NO_OPINION",
        "ratingBusinessOutlook": "NEUTRAL",
        "ratingRecommendToFriend": "NEGATIVE",
        "employer": {"type": "id", "generated": False, "id": "Employer:1", "typename": "Employer"},
        "isCurrentJob": False,
        "employmentStatus": "INTERN",
        "jobTitle": {"type": "id", "generated": False, "id": "JobTitle:7", "typename": "JobTitle"},
        "location": None,
        "languageId": "fra",
        "originalLanguageId": None,
        "summary": f"Titre {review_id}",
        "pros": "Équipe sympa, R&amp;D\r\nsolide",
        "cons": "Salaire bas et primes rares",
        "advice": "Écoutez les équipes",
        "employerResponses": [{"type": "id", "generated": False, "id": "EmployerResponse:9"}],
        "links": {"type": "id", "generated": True, "id": f"$ROOT_QUERY.reviews.{review_id}.links"},
    }
    review.update(fields)
    return {
        "Employer:1": {"__typename": "Employer", "id": 1, "shortName": "Acme &amp; Fils"},
        "JobTitle:7": {"__typename": "JobTitle", "id": 7, "text": "Analyste"},
        "EmployerResponse:9": {"__typename": "EmployerResponse", "id": 9, "response": "Merci"},
        f"$ROOT_QUERY.reviews.{review_id}.links": {"reviewDetailUrl": f"/Avis/avis-RVW{review_id}.htm"},
        f"$ROOT_QUERY.reviews.{review_id}": review,
    }


@pytest.mark.parametrize(
    "body",
    ["", "   \n", "plain text", '{"reviews": [1, 2]}', "<html><body><p>Maintenance</p>", b"\x00\xff".decode("latin-1")],
)
def test_empty_or_non_html_pages_give_an_empty_result(body: str) -> None:
    parsed = parse_page(body, URL, FETCHED_AT)
    assert (parsed.records, parsed.errors, parsed.next_url) == ([], [], None)


def test_a_truncated_page_keeps_what_it_holds() -> None:
    html = _page(_block("101"), _block("102"), cache=json.dumps(_cached_review(101)))
    cut = html[: html.index('id="empReview_102"') + 200]
    parsed = parse_page(cut, URL, FETCHED_AT)
    assert [r.source_review_id for r in parsed.records] == ["101", "102"]
    assert parsed.records[0].advice == "Écoutez les équipes"  # from the cache, read before the cut


def test_a_malformed_block_is_an_error_and_the_others_still_parse() -> None:
    blocks = (_block("101"), _block("102", rating="quatre"), '<li class="empReview">no id</li>', _block("103"))
    parsed = parse_page(_page(*blocks), URL, FETCHED_AT)
    assert [r.source_review_id for r in parsed.records] == ["101", "103"]
    assert len(parsed.errors) == 2 and parsed.review_blocks == 4
    assert "102" in " ".join(parsed.errors)


def test_an_html_block_is_read_field_by_field() -> None:
    parsed = parse_page(_page(_block("101")), URL, FETCHED_AT)
    (record,) = parsed.records
    assert parsed.company_name == record.company_name == "Acme & Fils"
    assert record.company_id == "acme-and-fils"
    assert record.url == "https://www.glassdoor.fr/Avis/avis-RVW101.htm"
    assert (record.review_date, record.title, record.rating) == (date(2019, 12, 2), "Titre 101", 4.0)
    assert record.pros == "Équipe sympa, R&D\nsolide"
    assert record.cons == "Salaire bas et primes rares"  # the "..." fold is Glassdoor's, not the reviewer's
    assert record.advice is None and record.lang is None
    assert record.subratings == {"culture": 2.0}  # 0 means not rated
    assert record.platform_ratings == {"Culture et valeurs": 2.0}
    assert (record.job_title, record.location) == (None, "Lyon")
    assert (record.employment_status, record.is_current) == ("intern", False)
    assert (record.recommends, record.business_outlook, record.ceo_approval) == (False, "neutral", "no_opinion")
    assert record.employer_responses == 0
    assert problems(record, today=SAVED_ON) == []


def test_the_cache_is_preferred_and_its_references_resolved() -> None:
    parsed = parse_page(_page(_block("101"), cache=json.dumps(_cached_review(101))), URL, FETCHED_AT)
    (record,) = parsed.records
    assert record.company_name == "Acme & Fils" and record.lang == "fr"
    assert record.job_title == "Analyste" and record.location is None
    assert record.pros == "Équipe sympa, R&D\nsolide" and record.advice == "Écoutez les équipes"
    assert record.employer_responses == 1
    assert record.url == "https://www.glassdoor.fr/Avis/avis-RVW101.htm"
    assert record.subratings == {"culture": 2.0}
    assert record.platform_ratings == {"Culture et valeurs": 2.0}


def test_a_translated_cached_review_keeps_the_original() -> None:
    cache = _cached_review(
        101,
        originalLanguageId="eng",
        summaryOriginal="Great team",
        prosOriginal="Nice people",
        consOriginal="Low pay",
        adviceOriginal=None,
        advice=None,
    )
    (record,) = parse_page(_page(_block("101"), cache=json.dumps(cache)), URL, FETCHED_AT).records
    assert (record.lang, record.title, record.pros, record.cons, record.advice) == (
        "en",
        "Great team",
        "Nice people",
        "Low pay",
        None,
    )


def test_a_malformed_cached_review_falls_back_to_its_html_block() -> None:
    cache = _cached_review(101, reviewDateTime="hier")
    (record,) = parse_page(_page(_block("101"), cache=json.dumps(cache)), URL, FETCHED_AT).records
    assert record.review_date == date(2019, 12, 2) and record.lang is None


def test_a_malformed_cached_review_without_a_block_is_an_error() -> None:
    cache = {**_cached_review(101), **_cached_review(102, ratingOverall="cinq")}
    parsed = parse_page(_page(_block("101"), cache=json.dumps(cache)), URL, FETCHED_AT)
    assert [r.source_review_id for r in parsed.records] == ["101"]
    assert len(parsed.errors) == 1 and "102" in parsed.errors[0]


def test_a_broken_cache_falls_back_to_the_html() -> None:
    broken = json.dumps(_cached_review(101))[:-40]
    (record,) = parse_page(_page(_block("101"), cache=broken), URL, FETCHED_AT).records
    assert record.source_review_id == "101" and record.lang is None


def test_reviewer_names_and_profile_links_are_never_stored() -> None:
    profile = '<a class="authorName" href="https://www.glassdoor.fr/member/profile/42">Jeanne Exemple</a>'
    page = _page(_block("101", extra=profile), cache=json.dumps(_cached_review(101)))
    for html in (page, page.replace("__APOLLO_STATE__", "__HIDDEN__")):
        (record,) = parse_page(html, URL, FETCHED_AT).records
        assert "Jeanne" not in dumps(record) and "/member/" not in dumps(record)


@pytest.mark.parametrize(
    ("head", "pager", "expected"),
    [
        ('<link rel="next" href="https://www.glassdoor.fr/Avis/Acme-Avis-E1_P3.htm"/>', "", "E1_P3.htm"),
        ("", '<a class="pagination__ArrowStyle__nextArrow" href="/Avis/Acme-Avis-E1_P2.htm">Suivant</a>', "E1_P2.htm"),
        ("", '<a class="pagination__ArrowStyle__nextArrow disabled" href="/Avis/Acme-Avis-E1_P2.htm">x</a>', None),
        ("", "", None),
    ],
)
def test_next_url(head: str, pager: str, expected: str | None) -> None:
    next_url = parse_page(_page(_block("101"), head=head, pager=pager), URL, FETCHED_AT).next_url
    if expected is None:
        assert next_url is None
    else:
        assert next_url == f"https://www.glassdoor.fr/Avis/Acme-Avis-{expected}"


def _graphql_review(review_id: Any = 7, **fields: Any) -> dict[str, Any]:
    """A GraphQL review (the 2025 shape), written for these tests."""
    review = {
        "reviewId": review_id,
        "reviewDateTime": "2025-06-02T16:45:56.643",
        "summary": "Good &amp; fair",
        "pros": "Teams -&gt; great",
        "cons": "Slow",
        "ratingOverall": 4,
        "ratingWorkLifeBalance": 5.0,
        "ratingDiversityAndInclusion": 0,
        "employer": {"id": 1, "shortName": "Acme"},
        "jobTitle": {"id": 3, "text": "Engineer"},
        "location": {"id": 4, "type": "CITY", "name": "Austin, TX"},
        "employmentStatus": "CONTRACT",
        "isCurrentJob": True,
        "languageId": "eng",
        "employerResponses": [],
    }
    review.update(fields)
    return review


def test_graphql_malformed_entries_are_errors_and_the_others_parse() -> None:
    data = {
        "reviews": [
            _graphql_review(7),
            "not a review",
            _graphql_review(None),
            _graphql_review(8, ratingOverall=[4]),
            _graphql_review(9, pros=12),
            _graphql_review(7),
        ]
    }
    parsed = parse_graphql(data, URL, FETCHED_AT)
    assert [r.source_review_id for r in parsed.records] == ["7"]
    assert len(parsed.errors) == 4
    (record,) = parsed.records
    assert (record.title, record.pros, record.company_name) == ("Good & fair", "Teams -> great", "Acme")
    assert record.subratings == {"work_life_balance": 5.0}
    assert record.platform_ratings == {"Work/Life Balance": 5.0}
    assert (record.employment_status, record.location, record.job_title) == ("contract", "Austin, TX", "Engineer")


def test_graphql_without_an_employer_takes_the_name_it_is_given() -> None:
    review = _graphql_review(7, employer=None)
    assert parse_graphql([review], URL, FETCHED_AT).errors == ["review 7: no company name"]
    parsed = parse_graphql([review], URL, FETCHED_AT, company_name="Acme")
    assert parsed.company_name == "Acme" and [r.company_id for r in parsed.records] == ["acme"]


@pytest.mark.parametrize("data", [{}, {"reviews": None}, {"reviews": "x"}, []])
def test_graphql_without_reviews_gives_an_empty_result(data: dict[str, Any] | list[Any]) -> None:
    parsed = parse_graphql(data, URL, FETCHED_AT)
    assert (parsed.records, parsed.errors) == ([], [])

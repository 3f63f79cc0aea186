"""Real crawls, no mocks: the spider runs in a subprocess (pipeline.stages.crawl) against HTTP servers on 127.0.0.1.

Three crawls in all, each run once per module and shared by the tests that read its results:
the bundled sample site from its index, the sample site from a robots.txt-forbidden URL, and a
fixture site of our own holding the pages a real platform serves when things go wrong.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from revint.companies import canonical_company_id
from revint.pipeline.sample_site import load_companies, render_company_page, render_review, serve_sample_site
from revint.pipeline.stages import CrawlFailed, CrawlSummary
from revint.record import ReviewRecord
from revint.settings import BUNDLED_DATA
from tests.support.fixture_site import FixtureSite, company, crawl_settings, review, run_crawl

SITE_DIR = BUNDLED_DATA / "sample_site"


@dataclass(frozen=True)
class CrawlResult:
    summary: CrawlSummary
    records: list[ReviewRecord]
    requested_paths: list[str]  # only known for the fixture site, which logs its requests

    @property
    def stats(self) -> dict[str, Any]:
        return self.summary.stats


def _run_crawl(data_dir: Path, start_urls: list[str]) -> tuple[CrawlSummary, list[ReviewRecord]]:
    return run_crawl(crawl_settings(data_dir), start_urls)


# --- the bundled sample site -------------------------------------------------------------------------


def _source_review_ids() -> Counter[str]:
    """Every review id in the company files, counted straight from the JSON (not through the site)."""
    ids: Counter[str] = Counter()
    for path in sorted((SITE_DIR / "companies").glob("*.json")):
        ids.update(review["id"] for review in json.loads(path.read_text(encoding="utf-8"))["reviews"])
    return ids


@pytest.fixture(scope="module")
def sample_crawl(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    with serve_sample_site(SITE_DIR) as base_url:
        summary, records = _run_crawl(tmp_path_factory.mktemp("sample"), [base_url + "/"])
    return CrawlResult(summary, records, [])


def test_sample_crawl_writes_every_review_of_every_company_exactly_once(sample_crawl: CrawlResult) -> None:
    expected = _source_review_ids()
    assert sum(expected.values()) > 0
    assert max(expected.values()) == 1, "review ids must be unique in the company files"
    written = Counter(record.source_review_id for record in sample_crawl.records)
    assert written == expected
    assert sample_crawl.summary.reviews_written == sum(expected.values())
    assert sample_crawl.stats["finish_reason"] == "finished"


def test_sample_crawl_drops_nothing_and_finds_nothing_malformed(sample_crawl: CrawlResult) -> None:
    summary = sample_crawl.summary
    assert summary.reviews_dropped == 0
    assert summary.malformed == 0
    assert summary.canary_alerts == 0
    for key in (
        "revint/reviews_dropped",
        "revint/reviews_duplicate",
        "revint/pages_malformed",
        "revint/review_blocks_malformed",
        "revint/pagination_loops",
        "robotstxt/forbidden",
    ):
        assert sample_crawl.stats.get(key, 0) == 0, key
    assert not any(key.startswith(("revint/dropped/", "revint/canary")) for key in sample_crawl.stats)


def test_sample_crawl_visits_the_index_and_every_review_page_once(sample_crawl: CrawlResult) -> None:
    companies = load_companies(SITE_DIR)
    assert sample_crawl.summary.pages == 1 + sum(company.pages for company in companies.values())
    assert sample_crawl.stats.get("downloader/response_status_count/404", 0) == 0


def test_sample_crawl_output_lines_are_valid_review_records(sample_crawl: CrawlResult) -> None:
    companies = {company.name: company for company in load_companies(SITE_DIR).values()}
    lines = sample_crawl.summary.output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(sample_crawl.records)
    for line in lines:
        row = json.loads(line)
        record = ReviewRecord.from_json_dict(row)
        assert row["review_id"] == record.review_id == f"sample:{record.source_review_id}"
        assert record.source == "sample"
        assert record.company_name in companies
        assert record.company_id == canonical_company_id(record.company_name) == companies[record.company_name].slug
        assert record.url.endswith(f"#avis-{record.source_review_id}")
        assert record.review_date is not None
        assert record.rating is not None
        assert record.sections()
        assert "membre-" not in line and "/membres/" not in line


def test_a_crawl_whose_only_page_robots_txt_forbids_fetches_nothing_and_fails_saying_so(tmp_path: Path) -> None:
    first = next(iter(load_companies(SITE_DIR).values()))
    match = re.search(r'href="(/membres/[^"]+)"', render_company_page(first, 1))
    assert match, "the sample site should link reviewer profiles"
    with serve_sample_site(SITE_DIR) as base_url, pytest.raises(CrawlFailed, match=r"forbidden by robots\.txt ×1"):
        _run_crawl(tmp_path, [base_url + match.group(1)])
    (stats_file,) = tmp_path.glob("work/runs/*/reviews.stats.json")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    assert stats["robotstxt/forbidden"] == 1 and stats.get("revint/pages", 0) == 0
    # robots.txt itself is the only request that went out.
    assert stats.get("downloader/request_count") == 1
    assert stats.get("downloader/response_status_count/200") == 1


# --- a fixture site of our own: the pages that go wrong ----------------------------------------------


# 12 reviews: two pages, and page 2's "next" link points back to page 1.
LOOP = company("boucle", "Boucle Industries", [review(f"boucle-{i:02d}", i) for i in range(1, 13)])
# Three reviews, the middle one with a rating that is not a number.
BROKEN = company("casse", "Cassé & Fils", [review(f"casse-{i}", i) for i in range(1, 4)])
# Two reviews, one of which holds no text at all (no title, no sections).
MUTE = company(
    "muet",
    "Muet SARL",
    [review("muet-1", 1), review("muet-2", 2, title="", pros="", cons="", advice="")],
)
MALFORMED_REVIEW_ID = "casse-2"
EMPTY_TEXT_REVIEW_ID = "muet-2"


def _fixture_pages() -> dict[str, str]:
    """Path (with query) → HTML body, for every page the fixture site serves."""
    loop_page_2 = render_company_page(LOOP, 2)
    assert 'rel="next"' not in loop_page_2
    loop_page_2 = loop_page_2.replace(
        "</title>", '</title>\n<link rel="next" href="/entreprise/boucle/avis?page=1">', 1
    )

    broken_page = render_company_page(BROKEN, 1)
    [broken_review] = [r for r in BROKEN.reviews if r["id"] == MALFORMED_REVIEW_ID]
    good_block = render_review(broken_review)
    bad_block = good_block.replace('class="rating" data-value="4"', 'class="rating" data-value="abc"')
    assert bad_block != good_block and good_block in broken_page
    broken_page = broken_page.replace(good_block, bad_block)

    return {
        "/entreprise/boucle/avis": render_company_page(LOOP, 1),
        "/entreprise/boucle/avis?page=2": loop_page_2,
        "/entreprise/boucle/avis?page=1": render_company_page(LOOP, 1),
        "/entreprise/vide/avis": (
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Avis Vide</title></head><body>'
            '<h1 class="company-name">Vide SA</h1><p>Nos avis reviennent bientôt.</p></body></html>'
        ),
        "/entreprise/casse/avis": broken_page,
        "/entreprise/muet/avis": render_company_page(MUTE, 1),
    }


@pytest.fixture(scope="module")
def fixture_crawl(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    starts = ["/entreprise/boucle/avis", "/entreprise/vide/avis", "/entreprise/casse/avis", "/entreprise/muet/avis"]
    with FixtureSite(_fixture_pages()) as site:
        summary, records = _run_crawl(tmp_path_factory.mktemp("fixture"), [site.url + path for path in starts])
    return CrawlResult(summary, records, site.paths())


def _written_ids(result: CrawlResult, company: str) -> Counter[str]:
    return Counter(r.source_review_id for r in result.records if r.company_id == canonical_company_id(company))


def test_pagination_loop_ends_company_crawl_once(fixture_crawl: CrawlResult) -> None:
    assert fixture_crawl.stats["revint/pagination_loops"] == 1
    assert fixture_crawl.stats["finish_reason"] == "finished"
    # Each loop page was fetched once: the crawl stopped instead of going round again.
    loop_requests = Counter(p for p in fixture_crawl.requested_paths if p.startswith("/entreprise/boucle/"))
    assert loop_requests == {
        "/entreprise/boucle/avis": 1,
        "/entreprise/boucle/avis?page=2": 1,
        "/entreprise/boucle/avis?page=1": 1,
    }


def test_pagination_loop_writes_each_review_once(fixture_crawl: CrawlResult) -> None:
    assert _written_ids(fixture_crawl, LOOP.name) == Counter(r["id"] for r in LOOP.reviews)
    assert fixture_crawl.stats.get("revint/reviews_duplicate", 0) == 0


def test_page_without_review_blocks_raises_the_canary(fixture_crawl: CrawlResult) -> None:
    assert fixture_crawl.stats["revint/canary/no_reviews"] == 1
    [alert] = [a for a in fixture_crawl.stats["revint/canary_urls"] if a["reason"] == "no_reviews"]
    assert alert["source"] == "sample" and alert["url"].endswith("/entreprise/vide/avis")
    assert _written_ids(fixture_crawl, "Vide SA") == Counter()


def test_pages_with_invalid_reviews_raise_the_canary(fixture_crawl: CrawlResult) -> None:
    # The malformed block (casse) and the review without text (muet): one alert per page.
    assert fixture_crawl.stats["revint/canary/invalid_reviews"] == 2
    alerts = fixture_crawl.stats["revint/canary_urls"]
    assert {a["url"].rsplit("/", 2)[-2] for a in alerts if a["reason"] == "invalid_reviews"} == {BROKEN.slug, MUTE.slug}
    assert fixture_crawl.summary.canary_alerts == 3


def test_malformed_review_block_is_counted_and_the_others_are_written(fixture_crawl: CrawlResult) -> None:
    assert fixture_crawl.stats["revint/review_blocks_malformed"] == 1
    assert fixture_crawl.stats.get("revint/pages_malformed", 0) == 0
    assert fixture_crawl.summary.malformed == 1
    expected = Counter(r["id"] for r in BROKEN.reviews if r["id"] != MALFORMED_REVIEW_ID)
    assert _written_ids(fixture_crawl, BROKEN.name) == expected
    assert len(expected) == 2


def test_review_without_any_text_is_dropped(fixture_crawl: CrawlResult) -> None:
    assert fixture_crawl.stats["revint/reviews_dropped"] == 1
    assert fixture_crawl.summary.reviews_dropped == 1
    assert _written_ids(fixture_crawl, MUTE.name) == Counter({"muet-1": 1})
    assert EMPTY_TEXT_REVIEW_ID not in {r.source_review_id for r in fixture_crawl.records}


def test_fixture_crawl_writes_exactly_the_valid_reviews(fixture_crawl: CrawlResult) -> None:
    expected = len(LOOP.reviews) + (len(BROKEN.reviews) - 1) + (len(MUTE.reviews) - 1)
    assert len(fixture_crawl.records) == expected
    assert fixture_crawl.summary.reviews_written == expected
    assert fixture_crawl.stats.get("downloader/response_status_count/404", 0) == 0

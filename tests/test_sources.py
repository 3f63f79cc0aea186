"""The site spiders against fixture pages served on 127.0.0.1 (one crawl subprocess per site, four in all)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from scrapy.settings import Settings as ScrapySettings
from scrapy.spiderloader import SpiderLoader
from w3lib.encoding import html_to_unicode

from pipeline.stages import CrawlSummary, crawl, new_run_dir, read_reviews
from spiders.base import ReviewSpider
from spiders.parsers import glassdoor, indeed, kununu, sample_site
from spiders.parsers.registry import SOURCES, parsers_for
from spiders.parsers.sitemap import sitemap_locations
from spiders.record import ReviewRecord
from tests.conftest import temporary_settings
from tests.sites import FETCHED_AT, FIXTURES, serve_routes

HTML = "text/html; charset=utf-8"
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
GLASSDOOR_PAGE = "/Avis/Fromagerie-Aubrac-Avis-E900.htm"


@dataclass(frozen=True)
class FixtureSite:
    spider: str
    pages: dict[str, tuple[str, str]]  # path and query → (fixture file, Content-Type)
    starts: list[str]
    reviews: int  # written by the crawl, each once
    canaries: int  # pages without reviews
    offsite: int  # links to other hosts, left alone


SITES = {
    "glassdoor": FixtureSite(
        "glassdoor",
        {
            GLASSDOOR_PAGE: ("page1.html", HTML),
            "/Avis/Fromagerie-Aubrac-Avis-E900_P2.htm": ("page2.html", HTML),  # "next": the live site's page 3
            "/api/employer-reviews": ("graphql_reviews.json", "application/json"),  # one new review, one seen
        },
        [GLASSDOOR_PAGE, "/api/employer-reviews"],
        reviews=4,
        canaries=0,
        offsite=1,
    ),
    "indeed": FixtureSite(
        "indeed",
        {
            "/cmp/Fournil-Castagne/reviews": ("page1.html", HTML),
            "/cmp/Fournil-Castagne/reviews?start=20": ("page2.html", HTML),
        },
        ["/cmp/Fournil-Castagne/reviews"],
        reviews=5,
        canaries=0,
        offsite=0,
    ),
    "kununu": FixtureSite(
        "kununu",
        {
            "/de/brotwerk-sommer/kommentare": ("page1.html", HTML),
            "/de/brotwerk-sommer/kommentare/2": ("page2.html", HTML),
        },
        ["/de/brotwerk-sommer/kommentare"],
        reviews=4,
        canaries=0,
        offsite=0,
    ),
    "schema_org": FixtureSite(
        "schema_org",
        {
            "/entreprise/verrerie-dumas/avis": ("jsonld_page1.html", HTML),
            "/entreprise/verrerie-dumas/avis?page=2": ("jsonld_page2.html", HTML),
            "/companies/harbour-lane-logistics/reviews": ("microdata.html", HTML),
            "/companies/harbour-lane-logistics/reviews?page=2": ("empty.html", HTML),
            "/avis/cremerie-segurane": ("latin1.html", "text/html"),  # the page's <meta charset> says latin-1
        },
        ["/sitemap.xml"],  # a sitemap index → a sitemap → three review lists
        reviews=7,
        canaries=1,
        offsite=1,  # the index also lists another site's sitemap
    ),
}


def _sitemaps(base_url: str) -> dict[str, tuple[bytes, str]]:
    """A sitemap index holding this site's review sitemap and another site's, written for these tests."""
    index = f"<sitemap><loc>{base_url}/sitemap-avis.xml</loc></sitemap>"
    index += "<sitemap><loc>https://www.avis-boulot.example/sitemap.xml</loc></sitemap>"
    lists = ("/entreprise/verrerie-dumas/avis", "/companies/harbour-lane-logistics/reviews", "/avis/cremerie-segurane")
    urls = "".join(f"<url><loc>{base_url}{path}</loc><lastmod>2025-03-01</lastmod></url>" for path in lists)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return {
        "/sitemap.xml": (f"{head}<sitemapindex {SITEMAP_NS}>{index}</sitemapindex>".encode(), "application/xml"),
        "/sitemap-avis.xml": (f"{head}<urlset {SITEMAP_NS}>{urls}</urlset>".encode(), "application/xml"),
    }


@dataclass(frozen=True)
class SiteCrawl:
    site: FixtureSite
    summary: CrawlSummary
    records: list[ReviewRecord]
    expected: set[str]  # the review ids the registry's parsers find in the served pages


@pytest.fixture(scope="module", params=list(SITES))
def site_crawl(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SiteCrawl:
    site = SITES[request.param]
    served = {path: ((FIXTURES / site.spider / name).read_bytes(), kind) for path, (name, kind) in site.pages.items()}
    routes = dict(served)
    settings = temporary_settings(tmp_path_factory.mktemp(site.spider))
    with serve_routes(routes) as base_url:
        routes.update(_sitemaps(base_url))
        run_dir = new_run_dir(settings, site.spider)
        summary = crawl(settings, site.spider, [base_url + path for path in site.starts], run_dir, delay=0.0)
    parsers = parsers_for(site.spider)
    expected = {
        record.review_id
        for path, (body, content_type) in served.items()
        for record in parsers.parse_fetched(html_to_unicode(content_type, body)[1], base_url + path, FETCHED_AT).records
    }
    return SiteCrawl(site, summary, list(read_reviews(summary.output)), expected)


def test_each_spider_writes_every_review_of_its_pages_once(site_crawl: SiteCrawl) -> None:
    written = Counter(record.review_id for record in site_crawl.records)
    assert set(written) == site_crawl.expected
    assert sum(written.values()) == len(written) == site_crawl.site.reviews
    summary = site_crawl.summary
    assert (summary.reviews_written, summary.reviews_dropped, summary.malformed) == (site_crawl.site.reviews, 0, 0)
    assert summary.stats["finish_reason"] == "finished"


def test_pages_without_reviews_raise_the_canary_and_other_hosts_are_left_alone(site_crawl: SiteCrawl) -> None:
    assert site_crawl.summary.canary_alerts == site_crawl.site.canaries
    assert site_crawl.summary.stats.get("offsite/filtered", 0) == site_crawl.site.offsite
    assert site_crawl.summary.stats.get("downloader/response_status_count/404", 0) == 0


def test_records_carry_the_source_of_their_spider(site_crawl: SiteCrawl) -> None:
    sources = {record.source for record in site_crawl.records}
    # schema.org records name the site they come from (its host); the others their platform
    assert sources == ({"127.0.0.1"} if site_crawl.site.spider == "schema_org" else {site_crawl.site.spider})


def test_every_spider_has_its_parsers_and_the_same_source() -> None:
    loader = SpiderLoader.from_settings(ScrapySettings({"SPIDER_MODULES": ["spiders.sites"]}))
    assert set(loader.list()) == set(SOURCES) == {"glassdoor", "indeed", "kununu", "schema_org", "sample"}
    for name, source in [(module.SOURCE, module.SOURCE) for module in (glassdoor, indeed, kununu, sample_site)] + [
        ("schema_org", "schema_org")  # its records name their site instead (schema_org.source_for)
    ]:
        spider = loader.load(name)
        assert issubclass(spider, ReviewSpider) and spider.source == source
    with pytest.raises(ValueError, match="unknown source 'monster'"):
        parsers_for("monster")


def test_glassdoor_answers_in_json_go_to_the_graphql_parser() -> None:
    parsers = parsers_for("glassdoor")
    answer = (FIXTURES / "glassdoor" / "graphql_reviews.json").read_text(encoding="utf-8")
    parsed = parsers.parse_fetched("\n " + answer, "https://www.glassdoor.com/graph", FETCHED_AT)
    assert [record.source_review_id for record in parsed.records] == ["9101", "9001"]
    with pytest.raises(ValueError):
        parsers.parse_fetched('{"reviews": [', "https://www.glassdoor.com/graph", FETCHED_AT)
    assert parsers_for("indeed").parse_fetched(answer, "https://fr.indeed.com/cmp/X/reviews", FETCHED_AT).errors


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"<urlset {SITEMAP_NS}><url><loc> https://a.example/r1 </loc></url><url><loc>/r2</loc></url></urlset>", 2),
        (f"<?xml version='1.0'?><sitemapindex {SITEMAP_NS}><sitemap><loc>https://a.example/s.xml</loc></sitemap>", 1),
        ("<ns:urlset xmlns:ns='http://www.sitemaps.org/schemas/sitemap/0.9'><ns:url><ns:loc>x</ns:loc></ns:url>", 1),
        ("<html><body><p>urlset</p></body></html>", 0),
        ("<urlset><url></url></urlset>", 0),
        ("", 0),
    ],
)
def test_sitemap_locations(body: str, expected: int) -> None:
    assert len(sitemap_locations(body.encode())) == expected

"""The site spiders against fixture pages served on 127.0.0.1 (one crawl subprocess per site, four in all), and
`revint parse` / `import` / `reparse` run as a user runs them, on the real corpus where it is present."""

from __future__ import annotations

import gzip
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from scrapy.http import TextResponse
from scrapy.settings import Settings as ScrapySettings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.test import get_crawler
from w3lib.encoding import html_to_unicode

from revint.archive import ArchivedPage, ArchiveWriter
from revint.pipeline.importing import reparse_run
from revint.pipeline.stages import CrawlSummary, crawl, new_run_dir, read_reviews
from revint.record import ReviewRecord
from revint.settings import Settings
from revint.spiders.base import ReviewSpider
from revint.spiders.parsers import glassdoor, indeed, kununu, sample_site
from revint.spiders.parsers.registry import SOURCES, parsers_for
from revint.spiders.sites.schema_org import SchemaOrgSpider
from tests.support.fixture_site import FixtureSite, Reply
from tests.support.pages import FETCHED_AT, FIXTURES, corpus_file
from tests.support.runs import revint, temporary_settings

HTML = "text/html; charset=utf-8"
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
ALLOW_ALL = "User-agent: *\nAllow: /\n"
GLASSDOOR_PAGE = "/Avis/Fromagerie-Aubrac-Avis-E900.htm"


@dataclass(frozen=True)
class SiteCase:
    spider: str
    pages: dict[str, tuple[str, str]]  # path and query → (fixture file, Content-Type)
    starts: list[str]
    reviews: int  # written by the crawl, each once
    canaries: int  # pages without reviews
    offsite: int  # links to other hosts, left alone


SITES = {
    "glassdoor": SiteCase(
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
    "indeed": SiteCase(
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
    "kununu": SiteCase(
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
    "schema_org": SiteCase(
        "schema_org",
        {
            "/entreprise/verrerie-dumas/avis": ("jsonld_page1.html", HTML),
            "/entreprise/verrerie-dumas/avis?page=2": ("jsonld_page2.html", HTML),
            "/companies/harbour-lane-logistics/reviews": ("microdata.html", HTML),
            "/companies/harbour-lane-logistics/reviews?page=2": ("empty.html", HTML),
            "/avis/cremerie-segurane": ("latin1.html", "text/html"),  # the page's <meta charset> says latin-1
        },
        ["/robots.txt"],  # its Sitemap: line → a sitemap index → a sitemap → three review lists
        reviews=7,
        canaries=1,
        offsite=1,  # the index also lists another site's sitemap
    ),
}


def _sitemaps(base_url: str) -> dict[str, Reply]:
    """A robots.txt naming a sitemap index, which holds this site's review sitemap (gzipped) and another site's,
    written for these tests."""
    index = f"<sitemap><loc>{base_url}/sitemap-avis.xml.gz</loc></sitemap>"
    index += "<sitemap><loc>https://www.avis-boulot.example/sitemap.xml</loc></sitemap>"
    lists = ("/entreprise/verrerie-dumas/avis", "/companies/harbour-lane-logistics/reviews", "/avis/cremerie-segurane")
    urls = "".join(f"<url><loc>{base_url}{path}</loc><lastmod>2025-03-01</lastmod></url>" for path in lists)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    robots = f"User-agent: *\nAllow: /\n\n# reviews\nSitemap: {base_url}/sitemap.xml\n"
    return {
        "/robots.txt": Reply(robots, content_type="text/plain"),
        "/sitemap.xml": Reply(
            f"{head}<sitemapindex {SITEMAP_NS}>{index}</sitemapindex>", content_type="application/xml"
        ),
        "/sitemap-avis.xml.gz": Reply(
            gzip.compress(f"{head}<urlset {SITEMAP_NS}>{urls}</urlset>".encode()), content_type="application/gzip"
        ),
    }


@dataclass(frozen=True)
class SiteCrawl:
    site: SiteCase
    settings: Settings
    summary: CrawlSummary
    records: list[ReviewRecord]
    expected: set[str]  # the review ids the registry's parsers find in the served pages


@pytest.fixture(scope="module", params=list(SITES))
def site_crawl(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SiteCrawl:
    site = SITES[request.param]
    served = {path: ((FIXTURES / site.spider / name).read_bytes(), kind) for path, (name, kind) in site.pages.items()}
    routes = {path: Reply(body, content_type=kind) for path, (body, kind) in served.items()}
    settings = temporary_settings(tmp_path_factory.mktemp(site.spider))
    with FixtureSite({"/robots.txt": Reply(ALLOW_ALL, content_type="text/plain"), **routes}) as server:
        base_url = server.url
        server.routes.update({path: [reply] for path, reply in _sitemaps(base_url).items()})
        run_dir = new_run_dir(settings, site.spider)
        summary = crawl(settings, site.spider, [base_url + path for path in site.starts], run_dir, delay=0.0)
    parsers = parsers_for(site.spider)
    expected = {
        record.review_id
        for path, (body, content_type) in served.items()
        for record in parsers.parse_fetched(html_to_unicode(content_type, body)[1], base_url + path, FETCHED_AT).records
    }
    return SiteCrawl(site, settings, summary, list(read_reviews(summary.output)), expected)


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


def test_a_crawl_is_rebuilt_from_its_raw_archive(site_crawl: SiteCrawl) -> None:
    rebuilt = reparse_run(site_crawl.settings, site_crawl.summary.output.parent)
    assert rebuilt.written == site_crawl.site.reviews and rebuilt.dropped == []
    reviews = {record.review_id: record for record in read_reviews(rebuilt.run_dir / "reviews.jsonl")}
    assert reviews.keys() == {record.review_id for record in site_crawl.records}
    assert rebuilt.load is not None and rebuilt.load.reviews_new == site_crawl.site.reviews


def test_every_spider_has_its_parsers_and_the_same_source() -> None:
    loader = SpiderLoader.from_settings(ScrapySettings({"SPIDER_MODULES": ["revint.spiders.sites"]}))
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


def test_a_robots_txt_naming_no_sitemap_sends_the_crawl_to_the_conventional_one() -> None:
    crawler = get_crawler(SchemaOrgSpider)
    spider = SchemaOrgSpider.from_crawler(crawler, start_urls="https://a.example/robots.txt")
    robots = TextResponse("https://a.example/robots.txt", body=b"User-agent: *\nAllow: /\n", encoding="utf-8")
    assert spider.company_urls(robots) == ["https://a.example/sitemap.xml"]


# --- the command line -----------------------------------------------------------------------------------------


def _in(data_dir: Path) -> dict[str, str]:
    """The environment for a command whose generated files (run folders) go under `data_dir`."""
    return {**os.environ, "REVINT_DATA_DIR": str(data_dir)}


def _warehouse_counts(db: Path) -> tuple[int, int, int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT (SELECT count(*) FROM reviews WHERE source = 'glassdoor'), (SELECT count(*) FROM mentions), "
            "(SELECT count(*) FROM companies), (SELECT hash(list(r ORDER BY review_id)) FROM "
            "(SELECT * EXCLUDE (loaded_at) FROM reviews) AS r)"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return row


def _corpus_pages() -> Path:
    return corpus_file("glassdoor-fr-datalake", "glassdoor_fr_avis_pages_209.tar.xz")


def test_parse_prints_each_of_the_1433_reviews_of_the_209_pages_once() -> None:
    done = revint("parse", "glassdoor", str(_corpus_pages()))
    assert done.returncode == 0, done.stderr
    records = [ReviewRecord.from_json_dict(json.loads(line)) for line in done.stdout.splitlines()]
    assert len(records) == len({record.review_id for record in records}) == 1433
    assert all(record.url.startswith("https://www.glassdoor.fr/Avis/") for record in records)  # canonical links
    assert "209 documents, 1433 reviews (104 duplicates), 0 without reviews" in done.stderr


@dataclass(frozen=True)
class CorpusImport:
    db: Path  # tests copy it before they write
    stdout: str


@pytest.fixture(scope="module")
def corpus_import(tmp_path_factory: pytest.TempPathFactory) -> CorpusImport:
    """The 209 real pages imported once into a warehouse of their own."""
    folder = tmp_path_factory.mktemp("corpus-import")
    done = revint("import", "glassdoor", str(_corpus_pages()), "--db", str(folder / "w.duckdb"), env=_in(folder))
    assert done.returncode == 0, done.stderr
    assert len(list((folder / "work" / "runs").glob("*-import-glassdoor"))) == 1
    return CorpusImport(folder / "w.duckdb", done.stdout)


def _copy(db: Path, to: Path) -> Path:
    to.parent.mkdir(parents=True, exist_ok=True)
    to.write_bytes(db.read_bytes())
    return to


def test_import_loads_the_corpus_once_and_again_changes_nothing(corpus_import: CorpusImport, tmp_path: Path) -> None:
    assert "1433 reviews (1433 new, 0 updated)" in corpus_import.stdout
    db = _copy(corpus_import.db, tmp_path / "imported.duckdb")
    counts = _warehouse_counts(db)
    assert counts[0] == 1433 and counts[1] > 1433
    again = revint("import", "glassdoor", str(_corpus_pages()), "--db", str(db), env=_in(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "1433 reviews (0 new, 0 updated)" in again.stdout
    assert _warehouse_counts(db) == counts
    assert len(list((tmp_path / "work" / "runs").glob("*-import-glassdoor"))) == 1


def _overview_pages() -> Path:
    return corpus_file("glassdoor-fr-datalake", "glassdoor_fr_info_soc_pages_140.tar.xz")


def _companies(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT company_id, name, sector, size, headquarters FROM companies ORDER BY 1").fetchall()


def test_import_of_the_overview_pages_gives_reviewed_companies_their_sector_whichever_comes_first(
    corpus_import: CorpusImport, tmp_path: Path
) -> None:
    reviews, overviews = _corpus_pages(), _overview_pages()
    assert "0 documents without reviews, 0 skipped" in corpus_import.stdout
    found = {}
    for order, paths in {"reviews first": [overviews], "overviews first": [overviews, reviews]}.items():
        db = tmp_path / order / "w.duckdb"
        if order == "reviews first":
            _copy(corpus_import.db, db)
        for path in paths:
            done = revint("import", "glassdoor", str(path), "--db", str(db), env=_in(tmp_path / order))
            assert "0 documents without reviews, 0 skipped" in done.stdout, done.stderr
            if path == overviews:
                assert "140 documents, 0 reviews read, 0 unique (0 duplicates), 140 company profiles;" in done.stdout
                assert "profile 123 company profiles, one per company and source (123 new)" in done.stdout
        found[order] = _companies(db)
        assert not list(db.parent.glob("*.draft*"))
    assert found["reviews first"] == found["overviews first"]
    companies = found["reviews first"]
    assert len(companies) == 123 and sum(sector is not None for _, _, sector, _, _ in companies) == 99
    by_id = {company_id: rest for company_id, *rest in companies}
    assert by_id["atos"][1:3] == ["Services informatiques", "Plus de 10 000 employés"]  # not its Italian namesake


def test_an_import_of_overview_pages_alone_succeeds(tmp_path: Path) -> None:
    overview = FIXTURES / "glassdoor" / "overview_claimed.html"
    done = revint("import", "glassdoor", str(overview), "--db", str(tmp_path / "w.duckdb"), env=_in(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_parse_names_each_unreadable_file_and_fails(tmp_path: Path) -> None:
    (tmp_path / "cut.json").write_text('{"reviews": [', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a page", encoding="utf-8")
    page = FIXTURES / "indeed" / "page1.html"
    paths = [page, *(tmp_path / name for name in ("cut.json", "notes.txt", "gone.html"))]
    done = revint("parse", "indeed", *map(str, paths))
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 3  # the readable page still comes through
    for name in ("cut.json", "notes.txt", "gone.html"):
        assert f"revint parse: {tmp_path / name}: " in done.stderr
    assert revint("parse", "monster", str(page)).returncode == 2


def _archive_run(run_dir: Path) -> None:
    """A crawl run's raw archive, written as the spiders write it: three Glassdoor answers, a Kununu page, and a 503
    (not parsed) — for URLs nothing here could fetch."""
    writer = ArchiveWriter(run_dir / "archive" / "pages-0001.jsonl.gz")
    fetched = [
        ("glassdoor", "page1.html", "https://www.glassdoor.fr/Avis/Fromagerie-Aubrac-Avis-E900.htm", 200),
        ("glassdoor", "page2.html", "https://www.glassdoor.fr/Avis/Fromagerie-Aubrac-Avis-E900_P2.htm", 200),
        ("glassdoor", "graphql_reviews.json", "https://www.glassdoor.com/graph", 200),
        ("kununu", "page2.html", "https://www.kununu.com/de/brotwerk-sommer/kommentare/2", 200),
        ("kununu", "empty.html", "https://www.kununu.com/de/brotwerk-sommer/kommentare/3", 503),
    ]
    for spider, name, url, status in fetched:
        body = (FIXTURES / spider / name).read_bytes()
        writer.write(ArchivedPage(url, FETCHED_AT, status, spider, body, "utf-8"))
    writer.close()


def test_reparse_rebuilds_a_run_from_its_archive(tmp_path: Path) -> None:
    run_dir, db = tmp_path / "runs" / "an-old-crawl", tmp_path / "reparsed.duckdb"
    _archive_run(run_dir)
    done = revint("reparse", str(run_dir), "--db", str(db), env=_in(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "5 reviews (5 new, 0 updated)" in done.stdout
    assert "1 skipped" in done.stdout and "status 503: skipped" in done.stderr
    (rebuilt,) = (tmp_path / "work" / "runs").glob("*-reparse")
    ids = {record.review_id for record in read_reviews(rebuilt / "reviews.jsonl")}
    assert {review_id.split(":")[0] for review_id in ids} == {"glassdoor", "kununu"}
    assert {i for i in ids if i.startswith("glassdoor:")} == {f"glassdoor:{n}" for n in (9001, 9002, 9003, 9101)}
    with duckdb.connect(str(db), read_only=True) as con:  # recorded as a run of its own, like a crawl
        assert con.execute("SELECT run_id, source, reviews_new FROM crawl_runs").fetchall() == [
            (rebuilt.name, "glassdoor,kununu", 5)
        ]
    assert revint("reparse", str(tmp_path / "runs" / "no-such-run"), "--db", str(db)).returncode == 2

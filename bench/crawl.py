"""Crawl throughput on the 209 real glassdoor.fr pages, served from 127.0.0.1, next to a bare parse loop over them.

The gap between the two is what the crawl machinery costs (subprocess and Scrapy start-up, HTTP, item
pipelines, the raw archive) on top of parsing. The pages are extracted into a temporary folder, never the repo.
"""

from __future__ import annotations

import statistics
import tarfile
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Final

from bench.figures import RUNS, Figures, compared
from revint.pipeline import stages
from revint.pipeline.sample_site import serve_locally
from revint.settings import SHARED_CORPUS, Settings
from revint.spiders.parsers import glassdoor

CORPUS_PAGES: Final = SHARED_CORPUS / "glassdoor-fr-datalake" / "glassdoor_fr_avis_pages_209.tar.xz"


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps connections open, as sites do (HTTP/1.0 would connect again for each page)

    def log_message(self, format: str, *args: object) -> None:  # the crawl logs its requests
        pass


def _parse_loop(pages: list[Path]) -> tuple[float, int]:
    """Seconds to read and parse every page with the Glassdoor parser, and the unique reviews found."""
    fetched_at = datetime.now(UTC)
    started = time.perf_counter()
    records = [
        record
        for page in pages
        for record in glassdoor.parse_page(page.read_text(encoding="utf-8"), page.as_uri(), fetched_at).records
    ]
    return time.perf_counter() - started, len({record.review_id for record in records})


def crawl_figures(settings: Settings, runs: int = RUNS) -> Figures:
    """The glassdoor spider over the saved pages (delay 0, AutoThrottle off, a permissive robots.txt) and the bare
    parse loop, each run `runs` times in turn; [] when the corpus is absent."""
    if not CORPUS_PAGES.is_file():
        return []
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        with tarfile.open(CORPUS_PAGES) as tar:
            tar.extractall(site, filter="data")
        (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
        pages = sorted(site.rglob("*.html"))
        local = replace(settings, data_dir=Path(scratch), db_path=Path(scratch) / "bench.duckdb")
        parses, crawls = [], []
        with serve_locally(partial(_QuietHandler, directory=str(site))) as base_url:
            urls = [f"{base_url}/{page.relative_to(site).as_posix()}" for page in pages]
            for _ in range(runs):
                parses.append(_parse_loop(pages))
                crawls.append(
                    stages.crawl(local, "glassdoor", urls, stages.new_run_dir(local, "bench-crawl"), delay=0.0)
                )
        crawled = len({record.review_id for record in stages.read_reviews(crawls[-1].output)})
    parse_unique = parses[-1][1]
    parsing = statistics.median(seconds for seconds, _ in parses)
    whole = statistics.median(crawl.seconds for crawl in crawls)
    scrapy = statistics.median(float(crawl.stats.get("elapsed_time_seconds", crawl.seconds)) for crawl in crawls)
    fetched = crawls[-1].pages
    return [
        (
            "crawl (subprocess)",
            whole,
            f"{fetched} pages, {fetched / whole:,.0f} pages/s, {crawled} unique reviews (process start-up included)",
        ),
        ("  of which Scrapy's crawl", scrapy, f"{fetched / scrapy:,.0f} pages/s"),
        (
            "parse loop (parse_page)",
            parsing,
            f"{len(pages)} pages, {len(pages) / parsing:,.0f} pages/s, {parse_unique} unique reviews",
        ),
        ("Scrapy crawl / parse loop %", 100 * (fetched / scrapy) / (len(pages) / parsing), "pages/s against pages/s"),
        compared(
            scrapy="spider open to close: HTTP/1.1 from 127.0.0.1, parse, item pipelines, raw archive, output file",
            loop=f"read from disk and parse_page in this process; neither counts process start-up; medians of {runs} "
            "runs in turn",
        ),
    ]

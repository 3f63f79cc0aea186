"""The base spider: site spiders only say how to parse a page; paging, guards and canaries live here."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Final, Self

import scrapy
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector

from revint.record import ReviewRecord, problems
from revint.spiders.parsers.page import ParsedPage

CANARY_URLS_KEPT: Final = 50


def is_truncated(response: Response) -> bool:
    """An HTML page that stops before its closing </html> tag was cut short (by the server or on the way)."""
    return isinstance(response, HtmlResponse) and b"</html>" not in response.body[-4096:].lower()


def read_known_ids(path: str | None) -> frozenset[str]:
    """The review ids the warehouse already holds (REVINT_KNOWN_IDS, one per line); none in the full mode."""
    if not path:
        return frozenset()
    return frozenset(line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip())


class ReviewSpider(scrapy.Spider):
    """Crawl review lists from `start_urls` (comma-separated `-a start_urls=`), following "next" links.

    A company's crawl ends at a pagination loop (a page repeating reviews seen in this run) and, in the nightly
    mode (REVINT_KNOWN_IDS set), at a page holding only reviews the warehouse already has. The ids seen live in
    `self.state`, which Scrapy saves in JOBDIR, so a resumed crawl still knows them.
    """

    source: ClassVar[str]

    def __init__(self, start_urls: str | list[str] = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        urls = start_urls.split(",") if isinstance(start_urls, str) else start_urls
        self.start_urls = [u.strip() for u in urls if u.strip()]
        self.state: dict[str, Any] = {}  # replaced by Scrapy's SpiderState when the crawl has a JOBDIR
        self.known_review_ids: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.known_review_ids = read_known_ids(crawler.settings.get("REVINT_KNOWN_IDS"))
        return spider

    @property
    def seen_review_ids(self) -> set[str]:
        seen: set[str] = self.state.setdefault("seen_review_ids", set())
        return seen

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Start URLs go through the duplicate filter (Scrapy's default skips it): a resumed crawl does not
        fetch again the start pages it already had, whose reviews would look like a pagination loop."""
        for url in self.start_urls:
            yield scrapy.Request(url)

    def parse_page(self, response: Response) -> ParsedPage:
        """Hook: turn one fetched page into records (call a pure parser from spiders.parsers)."""
        raise NotImplementedError

    def company_urls(self, response: Response) -> list[str]:
        """Hook: review-list links on a directory page (a site index); [] on a review page."""
        return []

    def parse(self, response: Response, **kwargs: Any) -> Iterator[ReviewRecord | scrapy.Request]:
        self.stats.inc_value("revint/pages")
        companies = self.company_urls(response)
        if companies:
            yield from response.follow_all(companies, callback=self.parse)
            return
        truncated = is_truncated(response)
        if truncated and response.request is not None:
            retry = get_retry_request(response.request, spider=self, reason="truncated page")
            if retry is not None:  # a page cut short is most often a glitch: fetch it again (bounded, spaced out)
                retry.meta.pop("download_latency", None)  # measured again by the next download
                yield retry
                return
        page = self.read_page(response, truncated)
        if page is None:
            return
        fresh = [r for r in page.records if r.review_id not in self.seen_review_ids]
        if page.records and not fresh:
            self.stats.inc_value("revint/pagination_loops")
            self.logger.warning("pagination loop: %s repeats reviews already seen; company ends here", response.url)
            return
        self.seen_review_ids.update(r.review_id for r in fresh)
        yield from fresh
        if page.next_url and not self.all_known(response.url, page.records):
            yield response.follow(page.next_url, callback=self.parse)

    def read_page(self, response: Response, truncated: bool) -> ParsedPage | None:
        """The page parsed, what went wrong logged, counted and shown to the canary; None when unparseable.

        A page still cut short after its retries keeps its reviews but the last, which the cut may run through.
        """
        try:
            page = self.parse_page(response)
        except Exception as error:  # a malformed page is logged and skipped, never fatal
            self.stats.inc_value("revint/pages_malformed")
            self.logger.error("malformed page skipped: %s (%s: %s)", response.url, type(error).__name__, error)
            self.canary("no_reviews", response.url, f"the parser failed: {error}")
            return None
        for problem in page.errors:
            self.stats.inc_value("revint/review_blocks_malformed")
            self.logger.warning("malformed review block on %s: %s", response.url, problem)
        if truncated:
            page.records = page.records[:-1]
            self.canary("truncated_page", response.url, "the HTML stops before </html>; its last review is dropped")
        self.check_layout(response.url, page)
        return page

    def all_known(self, url: str, records: list[ReviewRecord]) -> bool:
        """Nightly mode: a page of reviews the warehouse already has ends the company (older pages follow)."""
        if not self.known_review_ids or not records or any(r.review_id not in self.known_review_ids for r in records):
            return False
        self.stats.inc_value("revint/incremental_stops")
        self.logger.info("nightly: %s holds only reviews already in the warehouse; company ends here", url)
        return True

    def check_layout(self, url: str, page: ParsedPage) -> None:
        """The canary: a review page yielding no review, or reviews that fail validation, hints at a new layout."""
        invalid = len(page.errors) + sum(1 for record in page.records if problems(record))
        if not page.records:
            self.canary("no_reviews", url, f"{page.review_blocks} review blocks, none parsed")
        elif invalid:
            self.canary("invalid_reviews", url, f"{invalid} of {page.review_blocks} review blocks invalid")

    def canary(self, reason: str, url: str, detail: str) -> None:
        """Count a layout alert per reason, keep its URL (the first CANARY_URLS_KEPT), and warn loudly."""
        self.stats.inc_value(f"revint/canary/{reason}")
        alerts = self.stats.get_value("revint/canary_urls", [])
        if len(alerts) < CANARY_URLS_KEPT:
            self.stats.set_value("revint/canary_urls", [*alerts, {"source": self.source, "reason": reason, "url": url}])
        self.logger.warning("CANARY %s %s: %s (%s)", self.source, reason, url, detail)

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

"""The base spider: site spiders only say how to parse a page; paging, guards and canaries live here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from spiders.parsers.page import ParsedPage
from spiders.record import ReviewRecord


class ReviewSpider(scrapy.Spider):
    """Crawl review lists from `start_urls` (comma-separated `-a start_urls=`), following "next" links."""

    source: ClassVar[str]

    def __init__(self, start_urls: str | list[str] = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        urls = start_urls.split(",") if isinstance(start_urls, str) else start_urls
        self.start_urls = [u.strip() for u in urls if u.strip()]
        self.seen_review_ids: set[str] = set()

    def parse_page(self, response: Response) -> ParsedPage:
        """Hook: turn one fetched page into records (call a pure parser from spiders.parsers)."""
        raise NotImplementedError

    def company_urls(self, response: Response) -> list[str]:
        """Hook: review-list links on a directory page (a site index); [] on a review page."""
        return []

    def parse(self, response: Response, **kwargs: Any) -> Iterator[ReviewRecord | scrapy.Request]:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("revint/pages")
        companies = self.company_urls(response)
        if companies:
            yield from response.follow_all(companies, callback=self.parse)
            return
        try:
            page = self.parse_page(response)
        except Exception as error:  # a malformed page is logged and skipped, never fatal
            stats.inc_value("revint/pages_malformed")
            self.logger.error("malformed page skipped: %s (%s: %s)", response.url, type(error).__name__, error)
            return
        for problem in page.errors:
            stats.inc_value("revint/review_blocks_malformed")
            self.logger.warning("malformed review block on %s: %s", response.url, problem)
        if page.review_blocks == 0:
            stats.inc_value("revint/canary_empty_pages")
            self.logger.warning("CANARY: %s returned 200 but holds no review blocks", response.url)
        fresh = [r for r in page.records if r.review_id not in self.seen_review_ids]
        if page.records and not fresh:
            stats.inc_value("revint/pagination_loops")
            self.logger.warning("pagination loop: %s repeats reviews already seen; company ends here", response.url)
            return
        self.seen_review_ids.update(r.review_id for r in fresh)
        yield from fresh
        if page.next_url:
            yield response.follow(page.next_url, callback=self.parse)

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

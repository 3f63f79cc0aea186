"""Middlewares every spider gets: spaced-out bounded retries and walls told apart (downloader side), the raw page
archive (spider side)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

from revint.archive import ArchivedPage, ArchiveWriter
from revint.spiders.extensions import required_path
from revint.spiders.parsers.blocking import blocking

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})
BLOCKED_URLS_KEPT = 10


def retry_after_seconds(value: bytes | str | None, now: datetime) -> float | None:
    """The wait a Retry-After header asks for (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class PoliteRetry(RetryMiddleware):
    """Scrapy's bounded retries (RETRY_TIMES), spaced out instead of immediate.

    The n-th retry of a request (from this middleware or a spider's `get_retry_request`) waits
    REVINT_RETRY_BACKOFF × 2^(n-1) seconds; a 429 or 503 with Retry-After pauses every request to its host for
    as long as asked. Waits are capped by REVINT_RETRY_AFTER_MAX (a server asking for a day must not stall the
    crawl), and are asyncio sleeps before sending, so the reactor goes on serving other requests meanwhile.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("REVINT_RETRY_BACKOFF")
        self.wait_max = settings.getfloat("REVINT_RETRY_AFTER_MAX")
        self.paused_until: dict[str, float] = {}  # host → time.monotonic()

    async def process_request(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        backoff = self.backoff * 2 ** (retries - 1) if retries else 0.0
        paused = self.paused_until.get(urlparse_cached(request).netloc, 0.0) - time.monotonic()
        wait = min(max(backoff, paused), self.wait_max)
        if wait > 0:
            self._count_wait("retry_after" if paused > backoff else "backoff", wait)
            await asyncio.sleep(wait)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if response.status in RETRY_AFTER_STATUSES:
            asked = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
            if asked is not None:
                host = urlparse_cached(request).netloc
                until = time.monotonic() + min(asked, self.wait_max)
                self.paused_until[host] = max(self.paused_until.get(host, 0.0), until)
                logger.info("%s asks to wait %.1f s (Retry-After, %s)", host, asked, request.url)
        return super().process_response(request, response)

    def _count_wait(self, kind: str, seconds: float) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"revint/waits/{kind}")
        waited = stats.get_value("revint/wait_seconds", 0.0) + seconds
        stats.set_value("revint/wait_seconds", round(waited, 3))


class ArchivePages:
    """Keep every page the spider parses (200 responses, so not robots.txt), compressed, with URL and fetch time.

    Each crawl session writes a file of its own under REVINT_ARCHIVE_DIR: appending to a gzip file cut short by
    a killed crawl would make the pages after the cut unreadable. The first is `pages.jsonl.gz`; a resumed
    session's name sorts after it and after earlier sessions (`read_archive` reads files in name order).
    """

    def __init__(self, crawler: Crawler, folder: Path) -> None:
        self.crawler = crawler
        self.folder = folder
        self.writer: ArchiveWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePages:
        middleware = cls(crawler, required_path(crawler, "REVINT_ARCHIVE_DIR"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        name = "pages.jsonl.gz"
        if (self.folder / name).exists():
            name = f"pages.resumed-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.jsonl.gz"
        self.writer = ArchiveWriter(self.folder / name)

    def spider_closed(self, spider: Spider) -> None:
        if self.writer is not None:
            self.writer.close()

    def process_spider_input(self, response: Response, spider: Spider | None = None) -> None:
        if response.status != 200:
            return
        assert self.writer is not None and self.crawler.spider is not None and self.crawler.stats is not None
        encoding = response.encoding if isinstance(response, TextResponse) else None
        page = ArchivedPage(
            url=response.url,
            fetched_at=datetime.now(UTC),
            status=response.status,
            spider=self.crawler.spider.name,
            body=response.body,
            encoding=encoding,
        )
        self.writer.write(page)
        self.crawler.stats.inc_value("revint/pages_archived")


class DetectBlocking:
    """A response that is a wall (anti-bot challenge, CAPTCHA, login wall: spiders/parsers/blocking.py) is counted
    (`revint/blocked/<kind>`), its URL kept (the first BLOCKED_URLS_KEPT), its body archived under
    REVINT_ARCHIVE_DIR/blocked/, and dropped: not parsed (no layout alert), not retried (asking again at once
    only confirms the bot), never taken for a page without new reviews."""

    def __init__(self, crawler: Crawler, folder: Path) -> None:
        self.crawler = crawler
        self.folder = folder / "blocked"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DetectBlocking:
        return cls(crawler, required_path(crawler, "REVINT_ARCHIVE_DIR"))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        headers = {name: (response.headers.get(name) or b"").decode("latin-1") for name in ("cf-mitigated",)}
        kind = blocking(response.status, headers, response.body, response.url, bool(request.meta.get("redirect_urls")))
        if kind is None:
            return response
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"revint/blocked/{kind}")
        kept = stats.get_value("revint/blocked_urls", [])
        if len(kept) < BLOCKED_URLS_KEPT:
            stats.set_value("revint/blocked_urls", [*kept, {"kind": kind, "url": response.url}])
        self.folder.mkdir(parents=True, exist_ok=True)
        number = sum(stats.get_value(key, 0) for key in stats.get_stats() if key.startswith("revint/blocked/"))
        (self.folder / f"{number:04d}-{response.status}.html").write_bytes(response.body)
        logger.error("BLOCKED %s: %s (HTTP %s); page kept in %s", kind, response.url, response.status, self.folder)
        raise IgnoreRequest(f"{kind} at {response.url}")

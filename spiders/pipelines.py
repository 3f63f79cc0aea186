"""Item pipelines, one small class per step: validate, de-duplicate, write."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from spiders.record import ReviewRecord, dumps, problems


def problem_code(problem: str) -> str:
    """A stats key for a validation problem: its words without the values ("rating-outside")."""
    words = re.sub(r"'[^']*'|[\w-]*\d[\w.=-]*|[^\w\s-]", " ", problem).split()
    return "-".join(words)


class _CrawlerAware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)


class ValidateRecord(_CrawlerAware):
    """Drop records failing validation, with the reason logged and counted."""

    def process_item(self, item: ReviewRecord, spider: Spider) -> ReviewRecord:
        found = problems(item)
        if found:
            self.count("revint/reviews_dropped")
            for problem in found:
                self.count(f"revint/dropped/{problem_code(problem)}")
            raise DropItem(f"invalid review {item.review_id} ({item.url}): {'; '.join(found)}")
        return item


class DropDuplicateReviews(_CrawlerAware):
    """A review reached twice in one crawl (two listing pages, two start URLs) is written once."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: set[str] = set()

    def process_item(self, item: ReviewRecord, spider: Spider) -> ReviewRecord:
        if item.review_id in self.seen:
            self.count("revint/reviews_duplicate")
            raise DropItem(f"duplicate review {item.review_id}")
        self.seen.add(item.review_id)
        return item


class WriteJsonLines(_CrawlerAware):
    """Append each valid record to REVINT_OUTPUT as one JSON line, flushed so a crash loses nothing."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        output = crawler.settings.get("REVINT_OUTPUT")
        if not output:
            raise NotConfigured("REVINT_OUTPUT is not set")
        self.path = Path(output)
        self.file: IO[str] | None = None

    def open_spider(self, spider: Spider) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("a", encoding="utf-8")

    def close_spider(self, spider: Spider) -> None:
        if self.file:
            self.file.close()

    def process_item(self, item: ReviewRecord, spider: Spider) -> ReviewRecord:
        assert self.file is not None
        self.file.write(dumps(item) + "\n")
        self.file.flush()
        self.count("revint/reviews_written")
        return item

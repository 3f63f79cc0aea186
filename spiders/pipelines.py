"""Item pipelines, one small class per step: validate, de-duplicate, write."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from revint.record import ReviewRecord, dumps, problem_code, problems
from revint.runfiles import RunLock, intact_output
from revint.spiders.extensions import required_path


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

    def process_item(self, item: ReviewRecord, spider: Spider | None = None) -> ReviewRecord:
        found = problems(item)
        if found:
            self.count("revint/reviews_dropped")
            for problem in found:
                self.count(f"revint/dropped/{problem_code(problem)}")
            raise DropItem(f"invalid review {item.review_id} ({item.url}): {'; '.join(found)}")
        return item


class DropDuplicateReviews(_CrawlerAware):
    """A review reached twice in one crawl (two listing pages, two start URLs, before and after a resume) is
    written once: the reviews already in REVINT_OUTPUT, written before an interruption, count as seen."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: set[str] = set()

    def open_spider(self, spider: Spider | None = None) -> None:
        output = self.crawler.settings.get("REVINT_OUTPUT")
        if output:
            self.seen = intact_output(Path(output))[0]

    def process_item(self, item: ReviewRecord, spider: Spider | None = None) -> ReviewRecord:
        if item.review_id in self.seen:
            self.count("revint/reviews_duplicate")
            raise DropItem(f"duplicate review {item.review_id}", log_level="DEBUG")
        self.seen.add(item.review_id)
        return item


class WriteJsonLines(_CrawlerAware):
    """Append each valid record to REVINT_OUTPUT as one JSON line, flushed so a crash loses nothing."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.path = required_path(crawler, "REVINT_OUTPUT")
        self.file: IO[str] | None = None
        self.lock = RunLock(self.path.parent)  # held while the crawl writes the run's files

    def open_spider(self, spider: Spider | None = None) -> None:
        self.lock.acquire()
        self.path.touch()
        with self.path.open("r+b") as data:
            data.truncate(intact_output(self.path)[1])  # a line torn by a killed crawl is cut off
        self.file = self.path.open("a", encoding="utf-8")

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.file:
            self.file.close()
        self.lock.release()

    def process_item(self, item: ReviewRecord, spider: Spider | None = None) -> ReviewRecord:
        assert self.file is not None
        self.file.write(dumps(item) + "\n")
        self.file.flush()
        self.count("revint/reviews_written")
        return item

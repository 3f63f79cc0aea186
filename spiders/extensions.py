"""Crawl statistics written next to the output, so the caller can summarise a crawl it ran in a subprocess."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


def stats_path(output: Path) -> Path:
    return output.with_suffix(".stats.json")


class StatsFile:
    def __init__(self, crawler: Crawler, output: Path) -> None:
        self.crawler = crawler
        self.output = output

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        output = crawler.settings.get("REVINT_OUTPUT")
        if not output:
            raise NotConfigured("REVINT_OUTPUT is not set")
        extension = cls(crawler, Path(output))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats: dict[str, Any] = {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in self.crawler.stats.get_stats().items()
        }
        stats["finish_reason"] = reason
        stats_path(self.output).write_text(json.dumps(stats, indent=1, sort_keys=True), encoding="utf-8")

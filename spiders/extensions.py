"""Crawl extensions: statistics written next to the output, and a job dir that is safe to resume after a kill."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from revint.runfiles import stats_path

logger = logging.getLogger(__name__)


def required_path(crawler: Crawler, setting: str) -> Path:
    """A path setting a component needs; when it is unset, NotConfigured leaves the component out."""
    value = crawler.settings.get(setting)
    if not value:
        raise NotConfigured(f"{setting} is not set")
    return Path(value)


@dataclass
class StatsFile:
    """Write the crawl's statistics as JSON, so the caller can summarise a crawl it ran in a subprocess."""

    crawler: Crawler
    output: Path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        extension = cls(crawler, required_path(crawler, "REVINT_OUTPUT"))
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


@dataclass
class ResumableJob:
    """Discard a JOBDIR left by a killed crawl, so that resuming it loses nothing.

    Scrapy saves its request queue and the spider state only when a crawl closes (finished, or stopped by one
    SIGINT); a killed crawl leaves requests marked as seen but no queue holding them, and resuming from that
    would silently skip those pages. A marker file lives in JOBDIR while a crawl runs; finding it at start-up
    means the last crawl was killed, and the crawl starts over (the output writer skips reviews already written).
    """

    MARKER: ClassVar = "revint-crawl-running"
    crawler: Crawler
    jobdir: Path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResumableJob:
        extension = cls(crawler, required_path(crawler, "JOBDIR"))
        extension.discard_if_killed()  # extensions are built before the scheduler opens the job dir
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def discard_if_killed(self) -> None:
        if not (self.jobdir / self.MARKER).exists():
            return
        logger.warning("the crawl in %s was killed: its job state is discarded and the crawl starts over", self.jobdir)
        shutil.rmtree(self.jobdir)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("revint/job_restarted_after_kill", 1)

    def spider_opened(self, spider: Spider) -> None:
        self.jobdir.mkdir(parents=True, exist_ok=True)
        (self.jobdir / self.MARKER).touch()

    def spider_closed(self, spider: Spider) -> None:
        (self.jobdir / self.MARKER).unlink(missing_ok=True)

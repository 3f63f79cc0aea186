"""Run one crawl in this process: `python -m spiders.run SPIDER OUTPUT.jsonl [-a k=v] [-s K=V]`.

Scrapy's reactor cannot restart within a process, so every crawl gets a process of its own.
"""

from __future__ import annotations

import argparse

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader

from revint.spiders.base import ReviewSpider


def _pairs(values: list[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep:
            raise SystemExit(f"expected KEY=VALUE, got {value!r}")
        pairs[key] = rest
    return pairs


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule("revint.spiders.settings", priority="project")
    return settings


def spider_source(spider: str) -> str:
    """The `source` a spider's records carry (the warehouse's `reviews.source`), from the spider's name."""
    spider_class = get_spider_loader(project_settings()).load(spider)
    if not issubclass(spider_class, ReviewSpider):
        raise ValueError(f"spider {spider!r} is not a ReviewSpider")
    return spider_class.source


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m spiders.run")
    parser.add_argument("spider")
    parser.add_argument("output", help="JSON Lines file the valid records are appended to")
    parser.add_argument("-a", dest="arguments", action="append", default=[], help="spider argument KEY=VALUE")
    parser.add_argument("-s", dest="settings", action="append", default=[], help="Scrapy setting KEY=VALUE")
    args = parser.parse_args(argv)
    settings = project_settings()
    settings.update(_pairs(args.settings), priority="cmdline")
    settings.set("REVINT_OUTPUT", args.output, priority="cmdline")
    if not settings.getfloat("DOWNLOAD_DELAY") and not settings.getbool("AUTOTHROTTLE_ENABLED"):
        # Without a delay, Scrapy (2.19, asyncio reactor) starts every request queued for a host at once, whatever
        # CONCURRENT_REQUESTS_PER_DOMAIN says: a burst of CONCURRENT_REQUESTS connections to one host, which
        # overflows a small server's listen backlog (each dropped connection then stalls for a second). Capping the
        # whole crawl to the per-host figure gives the host what the settings promise.
        settings.set("CONCURRENT_REQUESTS", settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"), priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(args.spider, **_pairs(args.arguments))
    process.start()


if __name__ == "__main__":
    main()

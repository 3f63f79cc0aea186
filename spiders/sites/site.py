"""What the real-site spiders share: pages go through the parser registry, and a crawl keeps to its start hosts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from revint.spiders.base import ReviewSpider
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.registry import parsers_for


class SiteSpider(ReviewSpider):
    """Reads each page with the registry's parsers for its `name`, exactly as `revint reparse` reads it again.

    The hosts of the start URLs become `allowed_domains`: Scrapy's OffsiteMiddleware then drops links to other
    hosts, so a mirrored or saved page's absolute "next" link never sends the crawl to the live site.
    """

    def __init__(self, start_urls: str | list[str] = "", **kwargs: Any) -> None:
        super().__init__(start_urls, **kwargs)
        self.allowed_domains = sorted({host for url in self.start_urls if (host := urlsplit(url).hostname)})
        self.parsers = parsers_for(self.name)

    def parse_page(self, response: Response) -> ParsedPage:
        return self.parsers.parse_fetched(response.text, response.url, self.now())

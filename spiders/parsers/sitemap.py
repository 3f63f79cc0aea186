"""Sitemaps (sitemaps.org): the page URLs of a `<urlset>`, the sitemap URLs of a `<sitemapindex>`."""

from __future__ import annotations

import re
from typing import Final

from parsel import Selector

# Checked on the first bytes only, so that review pages are not parsed as XML on the way.
_SITEMAP_ROOT: Final = re.compile(rb"<(?:[\w-]+:)?(?:urlset|sitemapindex)[\s>]")


def sitemap_locations(body: bytes) -> list[str]:
    """The `<loc>` URLs of a sitemap or sitemap index, in order; [] for anything else (a review page)."""
    if not _SITEMAP_ROOT.search(body[:4096]):
        return []
    document = Selector(body=body, type="xml")
    document.remove_namespaces()
    locations = document.xpath("/*[self::urlset or self::sitemapindex]/*/loc/text()").getall()
    return [location.strip() for location in locations if location.strip()]

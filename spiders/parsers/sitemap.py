"""Sitemaps (sitemaps.org) through Scrapy's own sitemap machinery: the page URLs of a `<urlset>` and the sitemap
URLs of a `<sitemapindex>`, plain or gzipped (`sitemap.xml.gz`), and the sitemaps a robots.txt names
(`Sitemap:` lines). Thin adapters over `scrapy.utils.sitemap`, which SitemapSpider uses, for a spider that also
pages through review lists (spiders/sites/schema_org.py).

One choice differs from SitemapSpider's: a gzipped sitemap that is corrupt or cut short gives no URL at all
(Scrapy keeps what it could inflate, whose last `<loc>` may be cut mid-URL)."""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from typing import Final

from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

# Checked on the first bytes only, so that review pages are not parsed as XML on the way.
_SITEMAP_ROOT: Final = re.compile(rb"<(?:[\w-]+:)?(?:urlset|sitemapindex)[\s>]")
_GZIP_MAGIC: Final = b"\x1f\x8b"
MAX_SITEMAP_BYTES: Final = 50 * 1024 * 1024  # sitemaps.org: 50 MB uncompressed at most


def _uncompressed(body: bytes) -> bytes:
    """A gzipped body uncompressed (up to the sitemaps.org size limit); b"" when corrupt or over the limit,
    so that the page goes on as a page with no sitemap (and is counted by the canary)."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as unzipped:
            data = unzipped.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        return b""
    return data if len(data) <= MAX_SITEMAP_BYTES else b""


def sitemap_locations(body: bytes) -> list[str]:
    """The `<loc>` URLs of a sitemap or sitemap index, in order; [] for anything else (a review page)."""
    body = _uncompressed(body)
    if not _SITEMAP_ROOT.search(body[:4096]):
        return []
    sitemap = Sitemap(body)
    if sitemap.type not in ("urlset", "sitemapindex"):
        return []
    return [entry["loc"] for entry in sitemap if entry["loc"]]


def robots_sitemaps(body: bytes) -> list[str]:
    """The sitemap URLs of a robots.txt's `Sitemap:` lines, in order (the field name is case-insensitive)."""
    lines = sitemap_urls_from_robots(body.removeprefix(codecs.BOM_UTF8))
    return [url for url in lines if url]

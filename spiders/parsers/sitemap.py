"""Sitemaps (sitemaps.org): the page URLs of a `<urlset>` and the sitemap URLs of a `<sitemapindex>`, plain or
gzipped (`sitemap.xml.gz`), read with Scrapy's own sitemap parser (`scrapy.utils.sitemap.Sitemap`, which
SitemapSpider uses), for a spider that also pages through review lists (spiders/sites/schema_org.py); and the
sitemaps a robots.txt names (`Sitemap:` lines).

Where Scrapy's helpers do not serve, revint reads for itself: a gzipped sitemap that is corrupt or cut short gives
no URL at all (Scrapy's gunzip keeps what it could inflate, whose last `<loc>` may be cut mid-URL), and robots.txt
lines are read per RFC 9309 (`Sitemap : url` and an end-of-line `# comment` are allowed; Scrapy's
`sitemap_urls_from_robots` misses the first and keeps the comment in the URL)."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from typing import Final

from lxml import etree
from scrapy.utils.sitemap import Sitemap

# Checked on the first bytes only, so that review pages are not parsed as XML on the way.
_SITEMAP_ROOT: Final = re.compile(rb"<(?:[\w-]+:)?(?:urlset|sitemapindex)[\s>]")
_ROBOTS_SITEMAP: Final = re.compile(r"^[ \t]*sitemap[ \t]*:[ \t]*([^\s#]+)", re.IGNORECASE | re.MULTILINE)
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
    try:
        sitemap = Sitemap(body)
    except (StopIteration, etree.XMLSyntaxError):  # no element at all, e.g. the root tag inside a comment
        return []
    if sitemap.type not in ("urlset", "sitemapindex"):
        return []
    return [entry["loc"] for entry in sitemap if entry["loc"]]


def robots_sitemaps(body: bytes) -> list[str]:
    """The sitemap URLs of a robots.txt's `Sitemap:` lines, in order (the field name is case-insensitive)."""
    return _ROBOTS_SITEMAP.findall(body.decode("utf-8-sig", errors="replace"))

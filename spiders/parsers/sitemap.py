"""Sitemaps (sitemaps.org): the page URLs of a `<urlset>`, the sitemap URLs of a `<sitemapindex>`, plain or
gzipped (`sitemap.xml.gz`), and the sitemaps a robots.txt names (`Sitemap:` lines)."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from typing import Final

from parsel import Selector

# Checked on the first bytes only, so that review pages are not parsed as XML on the way.
_SITEMAP_ROOT: Final = re.compile(rb"<(?:[\w-]+:)?(?:urlset|sitemapindex)[\s>]")


_ROBOTS_SITEMAP: Final = re.compile(r"^[ \t]*sitemap[ \t]*:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
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
    document = Selector(body=body, type="xml")
    document.remove_namespaces()
    locations = document.xpath("/*[self::urlset or self::sitemapindex]/*/loc/text()").getall()
    return [location.strip() for location in locations if location.strip()]


def robots_sitemaps(body: bytes) -> list[str]:
    """The sitemap URLs of a robots.txt's `Sitemap:` lines, in order (the field name is case-insensitive)."""
    return _ROBOTS_SITEMAP.findall(body.decode("utf-8-sig", errors="replace"))

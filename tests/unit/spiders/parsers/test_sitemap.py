"""Sitemaps and robots.txt `Sitemap:` lines, read through Scrapy's sitemap machinery."""

from __future__ import annotations

import gzip

import pytest

from revint.spiders.parsers.sitemap import MAX_SITEMAP_BYTES, robots_sitemaps, sitemap_locations

SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"<urlset {SITEMAP_NS}><url><loc> https://a.example/r1 </loc></url><url><loc>/r2</loc></url></urlset>", 2),
        (f"<?xml version='1.0'?><sitemapindex {SITEMAP_NS}><sitemap><loc>https://a.example/s.xml</loc></sitemap>", 1),
        ("<ns:urlset xmlns:ns='http://www.sitemaps.org/schemas/sitemap/0.9'><ns:url><ns:loc>x</ns:loc></ns:url>", 1),
        ("<html><body><p>urlset</p></body></html>", 0),
        ("<urlset><url></url></urlset>", 0),
        ("", 0),
    ],
)
def test_sitemap_locations(body: str, expected: int) -> None:
    assert len(sitemap_locations(body.encode())) == expected
    assert len(sitemap_locations(gzip.compress(body.encode()))) == expected  # sitemap.xml.gz


def test_robots_txt_sitemap_lines_are_read_in_order_whatever_their_case() -> None:
    robots = (
        b"User-agent: *\nDisallow: /prive/\nSitemap: https://a.example/s1.xml\n  sitemap:https://a.example/s2.xml.gz\n"
    )
    assert robots_sitemaps(robots) == ["https://a.example/s1.xml", "https://a.example/s2.xml.gz"]
    assert robots_sitemaps(b"User-agent: *\nAllow: /\n# Sitemap comes later\n") == []
    assert robots_sitemaps(b"Sitemap:\nUser-agent: *\n") == []  # an empty line names nothing
    assert robots_sitemaps(b"\xef\xbb\xbfSitemap: https://a.example/s.xml\n") == ["https://a.example/s.xml"]
    assert robots_sitemaps(b"Sitemap : https://a.example/s.xml # reviews\n") == ["https://a.example/s.xml"]


def test_a_body_naming_a_sitemap_root_without_any_element_gives_no_urls() -> None:
    assert sitemap_locations(b"<!-- <urlset > -->") == []


def test_a_corrupt_or_oversized_gzipped_sitemap_gives_no_urls() -> None:
    entries = "".join(f"<url><loc>https://a.example/r{n}</loc></url>" for n in range(200))
    sitemap = gzip.compress(f"<urlset {SITEMAP_NS}>{entries}</urlset>".encode())
    assert len(sitemap_locations(sitemap)) == 200
    assert sitemap_locations(sitemap[: len(sitemap) // 2]) == []  # cut short: no URL cut mid-way
    assert sitemap_locations(b"\x1f\x8b" + b"not gzip") == []
    huge = f"<urlset {SITEMAP_NS}>".encode() + b" " * (MAX_SITEMAP_BYTES + 1)
    assert sitemap_locations(gzip.compress(huge)) == []

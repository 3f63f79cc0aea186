"""Glassdoor parsers: saved glassdoor.fr review pages (2019) and the current GraphQL review JSON.

A 2019 page holds every review twice: in its HTML and in the `window.__APOLLO_STATE__` cache. The cache is read
first because it is the complete copy (untruncated texts, the original of translated reviews and its language,
the advice the newer layout hides, employment status as an enum); a review's HTML block is the fallback when the
cache is missing, broken or holds that review malformed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from parsel import Selector

from revint.record import ReviewRecord
from revint.spiders.parsers import glassdoor_html, glassdoor_json
from revint.spiders.parsers.glassdoor_common import RATING_LABELS_FR, SOURCE
from revint.spiders.parsers.glassdoor_json import parse_graphql
from revint.spiders.parsers.page import ParsedPage

__all__ = ["SOURCE", "parse_graphql", "parse_page"]


def parse_page(html: str, url: str, fetched_at: datetime) -> ParsedPage:
    """Records from one glassdoor.fr review page; a review that neither copy yields becomes an error."""
    if not html.strip():
        return ParsedPage(company_name=None)
    page = glassdoor_html.page_selector(html)
    cached = glassdoor_json.apollo_reviews(html)
    names = (glassdoor_json.employer_name(review) for review in cached.values())
    company = glassdoor_html.company_name(page) or next((name for name in names if name), None)
    parsed = ParsedPage(company_name=company, next_url=glassdoor_html.next_url(page, url))
    blocks: dict[str, Selector] = {}
    for review_id, node in glassdoor_html.review_blocks(page):
        if review_id.isdigit():
            blocks.setdefault(review_id, node)
        else:
            parsed.errors.append(f"review block with no usable id ({review_id!r})")
    for review_id in [*blocks, *(review_id for review_id in cached if review_id not in blocks)]:
        try:
            record = _record(review_id, cached.get(review_id), blocks.get(review_id), company, url, fetched_at)
        except ValueError as error:
            parsed.errors.append(str(error))
            continue
        parsed.records.append(record)
    return parsed


def _record(
    review_id: str,
    cached: dict[str, Any] | None,
    block: Selector | None,
    company: str | None,
    url: str,
    fetched_at: datetime,
) -> ReviewRecord:
    """The cached copy of a review, else its HTML block; the last ValueError when neither can be read."""
    if cached is not None:
        try:
            return glassdoor_json.record_from_json(
                cached, company_name=company, page_url=url, fetched_at=fetched_at, labels=RATING_LABELS_FR
            )
        except ValueError:
            if block is None:
                raise
    assert block is not None  # every id comes from the cache or from a block
    return glassdoor_html.record_from_block(block, review_id, company_name=company, page_url=url, fetched_at=fetched_at)

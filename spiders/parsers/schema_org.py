"""Parser for any site that publishes schema.org `Review` / `EmployerAggregateRating` data (JSON-LD or microdata)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.structured import (
    REVIEW_TYPES,
    find_typed,
    review_record,
    start_page,
)


def source_for(url: str) -> str:
    """The source name of a site: its host name, without a leading "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def parse_page(html: str | bytes, url: str, fetched_at: datetime) -> ParsedPage:
    """Records from every schema.org review on a page; an unreadable review or JSON-LD block becomes an error."""
    _, objects, parsed = start_page(html, url)
    for review, holder in find_typed(objects, REVIEW_TYPES):
        try:
            record = review_record(
                review, holder=holder or parsed.company_name, source=source_for(url), url=url, fetched_at=fetched_at
            )
        except ValueError as error:
            parsed.errors.append(str(error))
            continue
        parsed.records.append(record)
        parsed.company_name = parsed.company_name or record.company_name
    return parsed

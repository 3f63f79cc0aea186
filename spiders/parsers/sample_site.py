"""Parser for the bundled sample review site (see pipeline/sample_site.py for its layout)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from parsel import Selector

from revint.companies import canonical_company_id
from revint.record import ReviewRecord
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.structured import selector
from revint.spiders.parsers.values import (
    iso_date,
    number,
    ratings_by_label,
    subratings_by_theme,
    text_collapsing_whitespace,
)

SOURCE = "sample"


def _text(node: Selector, css: str) -> str | None:
    """The text under the first match, one line per paragraph (else its whole text); None when absent or blank."""
    found = node.css(css)
    if not found:
        return None
    paragraphs = text_collapsing_whitespace([" ".join(p.css("::text").getall()) for p in found[0].css("p")])
    return paragraphs or text_collapsing_whitespace(" ".join(found[0].css("::text").getall()))


def _review(node: Selector, company_name: str, url: str, fetched_at: datetime) -> ReviewRecord:
    review_id = node.attrib.get("data-review-id", "").strip()
    if not review_id:
        raise ValueError("review block without data-review-id")
    when = node.css("time::attr(datetime)").get()
    try:
        review_date = iso_date(when) if when else None
    except ValueError:
        raise ValueError(f"review {review_id}: unparseable date {when!r}") from None
    ratings = ratings_by_label(
        (
            " ".join(label.css("::text").getall()),
            number(label.xpath("following-sibling::dd[1]/@data-value").get(), f"review {review_id}: sub-rating"),
        )
        for label in node.css("dl.subratings dt")
    )
    status = node.css(".status")
    current = status.attrib.get("data-current") if status else None
    return ReviewRecord(
        source=SOURCE,
        source_review_id=review_id,
        company_name=company_name,
        company_id=canonical_company_id(company_name),
        url=f"{url.split('#')[0]}#avis-{review_id}",
        fetched_at=fetched_at,
        lang=node.attrib.get("lang") or None,
        review_date=review_date,
        title=_text(node, ".review-title"),
        pros=_text(node, "section.pros"),
        cons=_text(node, "section.cons"),
        advice=_text(node, "section.advice"),
        rating=number(node.css(".rating::attr(data-value)").get(), f"review {review_id}: rating"),
        subratings=subratings_by_theme(ratings),
        job_title=_text(node, ".job-title"),
        location=_text(node, ".location"),
        employment_status=status.attrib.get("data-contract") if status else None,
        is_current=None if current is None else current == "true",
    )


def parse_page(html: str, url: str, fetched_at: datetime) -> ParsedPage:
    """Records from one company review page; a malformed review block becomes an error, not an exception."""
    page = selector(html)
    company_name = _text(page, "h1.company-name")
    parsed = ParsedPage(company_name=company_name)
    next_href = page.css('link[rel="next"]::attr(href)').get() or page.css("a.pagination-next::attr(href)").get()
    parsed.next_url = urljoin(url, next_href) if next_href else None
    for node in page.css("article.review"):
        if company_name is None:
            parsed.errors.append("review block on a page without a company name")
            continue
        try:
            parsed.records.append(_review(node, company_name, url, fetched_at))
        except ValueError as error:
            parsed.errors.append(str(error))
    return parsed

"""Parser for Indeed company review pages (fr.indeed.com/cmp/<company>/reviews) and for exports of them.

A review is a dict with the field names of the indeed-fr-lidl export (../shared/corpus): `review_title`,
`review_rating` ("4,0"), `review_author` {job, status "(ancien employé)", location "Nantes, B5", date "8 avril 2014"},
`review_text` (a list of lines), `review_pros_cons` {review_pros, review_cons}. On a page the reviews are the
`reviewsList.items` of the `window._initialData = {...}` script, with their sub-ratings by Indeed's own French
labels in `review_subratings`; the employer's name comes from the page's EmployerAggregateRating JSON-LD.
Neither the export nor the page gives a review id: the id is a digest of the review's content.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from revint.companies import canonical_company_id
from revint.record import ReviewRecord
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.structured import add_records, assigned_json, content_id, name_from_slug, start_page
from revint.spiders.parsers.values import (
    french_date,
    number,
    ratings_by_label,
    subratings_by_theme,
    text_collapsing_whitespace,
)
from revint.taxonomy import normalize_label

SOURCE = "indeed"
INITIAL_DATA: Final = "window._initialData"
_COMPANY_SLUG: Final = re.compile(r"/cmp/([^/?#]+)")
_REGION_CODE: Final = re.compile(r",\s*(?:[A-Z]\d|\d{2})$")  # Indeed's region codes: "Nantes, B5", "Bordeaux, 97"


def parse_page(html: str | bytes, url: str, fetched_at: datetime) -> ParsedPage:
    """Records from one Indeed review page; a malformed review (or initial data) becomes an error."""
    page, _, parsed = start_page(html, url, _name_from_url(url))
    try:
        reviews = assigned_json(page, INITIAL_DATA)["reviewsList"]["items"]
    except ValueError as error:
        parsed.errors.append(str(error))
    except (KeyError, TypeError):
        parsed.errors.append(f"{INITIAL_DATA} holds no reviewsList.items")
    else:
        add_records(parsed, reviews, lambda review: _record(review, parsed.company_name, url, fetched_at))
    return parsed


def parse_export(data: Any, url: str, fetched_at: datetime, company_name: str | None = None) -> ParsedPage:
    """Records from an export (a JSON list of reviews, as in indeed-fr-lidl); the employer is `company_name`,
    else the one in `url` (…/cmp/<company>/reviews)."""
    parsed = ParsedPage(company_name=company_name or _name_from_url(url))
    add_records(parsed, data, lambda review: _record(review, parsed.company_name, url, fetched_at))
    return parsed


def _record(review: Any, company_name: str | None, url: str, fetched_at: datetime) -> ReviewRecord:
    if not isinstance(review, dict):
        raise TypeError(f"expected an object, got {type(review).__name__}")
    if company_name is None:
        raise ValueError("no employer name on the page or in the URL")
    author = review.get("review_author") or {}
    pros_cons = review.get("review_pros_cons") or {}
    platform_ratings = ratings_by_label(
        (label, number(value, f"sub-rating {label!r}"))
        for label, value in (review.get("review_subratings") or {}).items()
    )
    written_date = author.get("date")
    text = text_collapsing_whitespace(review.get("review_text"))
    location = text_collapsing_whitespace(author.get("location"))
    review_id = content_id(
        review.get("review_title"), review.get("review_rating"), written_date, text, author.get("job"),
        author.get("status"), location, pros_cons.get("review_pros"), pros_cons.get("review_cons"),
    )  # fmt: skip
    return ReviewRecord(
        source=SOURCE,
        source_review_id=review_id,
        company_name=company_name,
        company_id=canonical_company_id(company_name),
        url=url,
        fetched_at=fetched_at,
        review_date=french_date(written_date) if written_date else None,
        title=text_collapsing_whitespace(review.get("review_title")),
        pros=text_collapsing_whitespace(pros_cons.get("review_pros")),
        cons=text_collapsing_whitespace(pros_cons.get("review_cons")),
        body=text,
        rating=number(review.get("review_rating"), "rating"),
        subratings=subratings_by_theme(platform_ratings),
        platform_ratings=platform_ratings,
        job_title=text_collapsing_whitespace(author.get("job")),
        location=_REGION_CODE.sub("", location) if location else None,
        is_current=_is_current(author.get("status")),
    )


def _is_current(status: Any) -> bool | None:
    """Whether the reviewer still works there: "(employé actuel)" → True, "(ancienne employée)" → False."""
    folded = normalize_label(status) if isinstance(status, str) else ""
    if "ancien" in folded:
        return False
    return True if "actuel" in folded else None


def _name_from_url(url: str) -> str | None:
    match = _COMPANY_SLUG.search(url)
    return name_from_slug(match.group(1)) if match else None

"""Glassdoor's review JSON: the Apollo cache in the 2019 pages and the current GraphQL `EmployerReviewsRG`.

Both describe a review with the same fields (reviewId, ratingOverall, pros, prosOriginal …). The cache stores
job titles, places, links and employer responses as references to other cache entries; GraphQL inlines them.
Texts are HTML-escaped in both ("R&amp;D", "-&gt;"); `unescaped_text_keeping_paragraphs` decodes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from revint.companies import canonical_company_id
from revint.record import ReviewRecord
from revint.spiders.parsers import json_text
from revint.spiders.parsers.glassdoor_common import (
    BUSINESS_OUTLOOK,
    CEO_APPROVAL,
    EMPLOYMENT_STATUS,
    RATING_LABELS_EN,
    RECOMMENDS,
    SOURCE,
    job_title,
    review_url,
    stars,
)
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.values import (
    iso_date,
    ratings_by_label,
    subratings_by_theme,
    unescaped_text_keeping_paragraphs,
)

_APOLLO_STATE: Final = re.compile(r"__APOLLO_STATE__\s*=\s*")
# Glassdoor's ISO 639-2 codes → the two-letter codes the tagger uses; others are kept as Glassdoor wrote them.
_LANGUAGES: Final = {"fra": "fr", "eng": "en", "deu": "de", "spa": "es", "ita": "it", "nld": "nl", "por": "pt"}


def apollo_reviews(page_html: str) -> dict[str, dict[str, Any]]:
    """The reviews in a page's Apollo cache by review id, references resolved; {} when there is no usable cache.

    The cache may hold the page once per language filter it was queried with; the first copy is the one shown.
    """
    cache = _apollo_cache(page_html)
    reviews: dict[str, dict[str, Any]] = {}
    for entry in cache.values():
        if isinstance(entry, dict) and entry.get("__typename") == "EmployerReview" and "reviewId" in entry:
            resolved = {key: _resolve(value, cache) for key, value in entry.items()}
            reviews.setdefault(str(entry["reviewId"]), resolved)
    return reviews


def _apollo_cache(page_html: str) -> dict[str, Any]:
    found = _APOLLO_STATE.search(page_html)
    if found is None:
        return {}
    try:
        cache = json_text.value_at(page_html, found.end())
    except ValueError:  # a truncated page cuts the cache short
        return {}
    return cache if isinstance(cache, dict) else {}


def _resolve(value: Any, cache: Mapping[str, Any]) -> Any:
    """An Apollo reference ({"type": "id", "id": "JobTitle:51535"}) replaced by the entry it names."""
    if isinstance(value, dict) and value.get("type") == "id" and "id" in value:
        return cache.get(str(value["id"]))
    if isinstance(value, list):
        return [_resolve(item, cache) for item in value]
    return value


def employer_name(review: Mapping[str, Any]) -> str | None:
    """The employer a review is about, as Glassdoor names it."""
    employer = review.get("employer")
    name = employer.get("shortName") if isinstance(employer, dict) else None
    return unescaped_text_keeping_paragraphs(name) if isinstance(name, str) else None


def record_from_json(
    review: Mapping[str, Any],
    *,
    company_name: str | None,
    page_url: str,
    fetched_at: datetime,
    labels: Mapping[str, str],
) -> ReviewRecord:
    """One review from either JSON shape; ValueError when its id, date or a rating cannot be read.

    Where Glassdoor shows a machine translation, `*Original` holds the reviewer's own text and
    `originalLanguageId` its language: those are kept, not the translation.
    """
    review_id = _review_id(review)
    name = employer_name(review) or company_name
    if not name:
        raise ValueError(f"review {review_id}: no company name")
    platform_ratings = ratings_by_label(
        (label, stars(review.get(field), f"review {review_id}: {field}")) for field, label in labels.items()
    )
    links = review.get("links")
    responses = review.get("employerResponses")
    current = review.get("isCurrentJob")
    return ReviewRecord(
        source=SOURCE,
        source_review_id=review_id,
        company_name=name,
        company_id=canonical_company_id(name),
        url=review_url(page_url, links.get("reviewDetailUrl") if isinstance(links, dict) else None, review_id),
        fetched_at=fetched_at,
        lang=_language(review.get("originalLanguageId") or review.get("languageId")),
        review_date=_review_date(review.get("reviewDateTime"), review_id),
        title=_text(review, "summary", review_id),
        pros=_text(review, "pros", review_id),
        cons=_text(review, "cons", review_id),
        advice=_text(review, "advice", review_id),
        rating=stars(review.get("ratingOverall"), f"review {review_id}: ratingOverall"),
        subratings=subratings_by_theme(platform_ratings),
        platform_ratings=platform_ratings,
        job_title=job_title(_named(review.get("jobTitle"), "text")),
        location=_named(review.get("location"), "name"),
        employment_status=EMPLOYMENT_STATUS.get(str(review.get("employmentStatus"))),
        is_current=current if isinstance(current, bool) else None,
        recommends=RECOMMENDS.get(str(review.get("ratingRecommendToFriend"))),
        ceo_approval=CEO_APPROVAL.get(str(review.get("ratingCeo"))),
        business_outlook=BUSINESS_OUTLOOK.get(str(review.get("ratingBusinessOutlook"))),
        employer_responses=len(responses) if isinstance(responses, list) else None,
    )


def _review_id(review: Mapping[str, Any]) -> str:
    value = review.get("reviewId")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ValueError(f"review without a usable reviewId ({value!r})")
    return str(value).strip()


def _review_date(value: object, review_id: str) -> date | None:
    """The day part of reviewDateTime, in Glassdoor's own (US Pacific) time as the site displays it."""
    if value is None:
        return None
    try:
        return iso_date(str(value))
    except ValueError:
        raise ValueError(f"review {review_id}: unparseable reviewDateTime {value!r}") from None


def _text(review: Mapping[str, Any], name: str, review_id: str) -> str | None:
    original = review.get(f"{name}Original")
    value = original if isinstance(original, str) and original.strip() else review.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"review {review_id}: {name} is not text ({type(value).__name__})")
    return unescaped_text_keeping_paragraphs(value)


def _named(value: object, key: str) -> str | None:
    """The text of an inlined or resolved entity such as {"id": 1, "text": "Consultant"}."""
    text = value.get(key) if isinstance(value, dict) else None
    return unescaped_text_keeping_paragraphs(text) if isinstance(text, str) else None


def _language(code: object) -> str | None:
    return _LANGUAGES.get(code, code) if isinstance(code, str) and code else None


def parse_graphql(
    data: dict[str, Any] | list[Any], url: str, fetched_at: datetime, company_name: str | None = None
) -> ParsedPage:
    """Records from a GraphQL `EmployerReviewsRG` object (2023, 2025) or a bare list of its reviews (2026);
    `company_name` names the employer when the JSON does not (an export cut down to its reviews).

    A review repeated in one response (the 2023 capture holds 6 twice) is kept once.
    """
    reviews = data.get("reviews") if isinstance(data, dict) else data
    if not isinstance(reviews, list):
        return ParsedPage(company_name=None)
    entries = [review for review in reviews if isinstance(review, dict)]
    employer = {"employer": data.get("employer")} if isinstance(data, dict) else {}
    names = (employer_name(entry) for entry in [employer, *entries])
    parsed = ParsedPage(company_name=next((name for name in names if name), company_name))
    parsed.errors.extend("review entry is not a JSON object" for review in reviews if not isinstance(review, dict))
    seen: set[str] = set()
    for entry in entries:
        try:
            record = record_from_json(
                entry, company_name=parsed.company_name, page_url=url, fetched_at=fetched_at, labels=RATING_LABELS_EN
            )
        except ValueError as error:
            parsed.errors.append(str(error))
            continue
        if record.source_review_id not in seen:
            seen.add(record.source_review_id)
            parsed.records.append(record)
    return parsed

"""The one review record schema, used from the spider item to the warehouse, with its validation.

Reviewer names and profile links are not part of the schema: no parser can store them.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

from models.taxonomy import THEME_IDS

SECTIONS: Final = ("pros", "cons", "advice", "body")
EMPLOYMENT_STATUSES: Final = ("full_time", "part_time", "contract", "intern", "apprentice", "freelance")
CEO_APPROVALS: Final = ("approve", "disapprove", "no_opinion")
OUTLOOKS: Final = ("positive", "neutral", "negative")
MAX_TEXT_CHARS: Final = 100_000


@dataclass(slots=True)
class ReviewRecord:
    """One review as published by one source. `review_id` is the key everywhere downstream."""

    source: str
    source_review_id: str
    company_name: str
    company_id: str
    url: str
    fetched_at: datetime
    lang: str | None = None
    review_date: date | None = None
    title: str | None = None
    pros: str | None = None
    cons: str | None = None
    advice: str | None = None
    body: str | None = None
    rating: float | None = None
    subratings: dict[str, float] = field(default_factory=dict)  # by taxonomy theme, via the crosswalk
    platform_ratings: dict[str, float] = field(default_factory=dict)  # by the platform's own label
    factor_texts: dict[str, str] = field(default_factory=dict)  # a text per rating factor (Kununu)
    job_title: str | None = None
    location: str | None = None
    employment_status: str | None = None
    is_current: bool | None = None
    recommends: bool | None = None
    ceo_approval: str | None = None  # approve, disapprove, no_opinion
    business_outlook: str | None = None  # positive, neutral, negative
    employer_responses: int | None = None

    @property
    def review_id(self) -> str:
        return f"{self.source}:{self.source_review_id}"

    def sections(self) -> dict[str, str]:
        """The non-empty free-text fields, keyed by section name ("factor:<name>" for factor texts)."""
        texts = {"pros": self.pros, "cons": self.cons, "advice": self.advice, "body": self.body}
        texts |= {f"factor:{name}": text for name, text in self.factor_texts.items()}
        return {name: text for name, text in texts.items() if text and text.strip()}

    def to_json_dict(self) -> dict[str, Any]:
        row = dataclasses.asdict(self)
        row["review_id"] = self.review_id
        row["fetched_at"] = self.fetched_at.isoformat()
        row["review_date"] = self.review_date.isoformat() if self.review_date else None
        return row

    @classmethod
    def from_json_dict(cls, row: dict[str, Any]) -> ReviewRecord:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(row) - names - {"review_id"}
        if unknown:
            raise ValueError(f"unknown review fields: {sorted(unknown)}")
        values = {k: v for k, v in row.items() if k in names}
        values["fetched_at"] = datetime.fromisoformat(values["fetched_at"])
        if values.get("review_date"):
            values["review_date"] = date.fromisoformat(values["review_date"])
        return cls(**values)


def problems(record: ReviewRecord, *, today: date | None = None) -> list[str]:
    """Why a record must be rejected; an empty list means it is valid."""
    found: list[str] = []
    for name in ("source", "source_review_id", "company_name", "company_id", "url"):
        if not str(getattr(record, name) or "").strip():
            found.append(f"missing {name}")
    if not record.sections() and not (record.title or "").strip():
        found.append("no review text at all")
    for name, text in record.sections().items():
        if len(text) > MAX_TEXT_CHARS:
            found.append(f"{name} longer than {MAX_TEXT_CHARS} characters")
    if record.rating is not None and not 1 <= record.rating <= 5:
        found.append(f"rating {record.rating} outside 1..5")
    for theme, value in record.subratings.items():
        if theme not in THEME_IDS:
            found.append(f"sub-rating for unknown theme {theme!r}")
        elif not 1 <= value <= 5:
            found.append(f"sub-rating {theme}={value} outside 1..5")
    latest = today or datetime.now(UTC).date()
    if record.review_date is not None and record.review_date > latest:
        found.append(f"review date {record.review_date} is in the future")
    if record.employment_status is not None and record.employment_status not in EMPLOYMENT_STATUSES:
        found.append(f"unknown employment status {record.employment_status!r}")
    if record.ceo_approval is not None and record.ceo_approval not in CEO_APPROVALS:
        found.append(f"unknown CEO approval {record.ceo_approval!r}")
    if record.business_outlook is not None and record.business_outlook not in OUTLOOKS:
        found.append(f"unknown business outlook {record.business_outlook!r}")
    for label, value in record.platform_ratings.items():
        if not 1 <= value <= 5:
            found.append(f"platform rating {label}={value} outside 1..5")
    return found


def dumps(record: ReviewRecord) -> str:
    """One JSON Lines line for a record."""
    return json.dumps(record.to_json_dict(), ensure_ascii=False)

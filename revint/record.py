"""The review record, from the spider item to the warehouse, with its validation; a tagged review's mentions.

Reviewer names and profile links are not part of the schema: no parser can store them. The warehouse's Arrow
schema is derived from these dataclasses (pipeline/warehouse/schema.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

from revint.taxonomy import THEME_IDS, Polarity

SECTIONS: Final = ("pros", "cons", "advice", "body")
EMPLOYMENT_STATUSES: Final = ("full_time", "part_time", "contract", "intern", "apprentice", "freelance")
CEO_APPROVALS: Final = ("approve", "disapprove", "no_opinion")
OUTLOOKS: Final = ("positive", "neutral", "negative")
MAX_TEXT_CHARS: Final = 100_000


def _child(table: str, key: str, value: str) -> dict[str, str]:
    """Field metadata of a mapping stored as a child table of reviews: (review_id, key, value) rows."""
    return {"child_table": table, "key": key, "value": value}


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
    # by taxonomy theme, via the crosswalk
    subratings: dict[str, float] = field(default_factory=dict, metadata=_child("review_subratings", "theme", "rating"))
    # by the platform's own label
    platform_ratings: dict[str, float] = field(
        default_factory=dict, metadata=_child("review_platform_ratings", "label", "rating")
    )
    # a text per rating factor (Kununu)
    factor_texts: dict[str, str] = field(default_factory=dict, metadata=_child("review_factor_texts", "factor", "text"))
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

    def content_hash(self) -> str:
        """What the review says, as one hash: every field but where and when it was fetched and the language tagging
        detects. Equal hashes: loading the review again would change nothing."""
        row = self.to_json_dict()
        for name in ("fetched_at", "url", "lang"):
            del row[name]
        return hashlib.sha1(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def to_json_dict(self) -> dict[str, Any]:
        row = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # asdict would deep-copy every value
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


def problem_code(problem: str) -> str:
    """A short code for a validation problem: its words without the values ("rating-outside")."""
    words = re.sub(r"'[^']*'|[\w-]*\d[\w.=-]*|[^\w\s-]", " ", problem).split()
    return "-".join(words)


def dumps(record: ReviewRecord) -> str:
    """One JSON Lines line for a record."""
    return json.dumps(record.to_json_dict(), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Mention:
    """One theme with its polarity in one unit (sentence or clause) of a review section: a row of `mentions`."""

    section: str  # pros, cons, advice, body or factor:<name>
    unit_index: int  # position of the unit in the section
    start_char: int  # the unit's span in the section text
    end_char: int
    unit_text: str
    theme: str
    polarity: Polarity
    score: float
    model_version: str
    # how sure the tagger is that the unit, read alone, states this theme with this polarity (quotes need it);
    # None from the rules baseline and from taggers before revint_themes-1.2.0
    evidence: float | None = None


@dataclass(frozen=True)
class TaggedReview:
    """A review with the mentions the tagger found in it (one line of a run's tagged.jsonl)."""

    review: ReviewRecord
    mentions: list[Mention]
    tagged_with: str | None = None  # the tagger version, recorded even when it found no mention

    def to_json_line(self) -> str:
        row = {
            "review": self.review.to_json_dict(),
            "mentions": [dataclasses.asdict(m) for m in self.mentions],
            "tagged_with": self.tagged_with,
        }
        return json.dumps(row, ensure_ascii=False)

    @classmethod
    def from_json_line(cls, line: str) -> TaggedReview:
        row = json.loads(line)
        mentions = [Mention(**m) for m in row["mentions"]]
        return cls(ReviewRecord.from_json_dict(row["review"]), mentions, row.get("tagged_with"))

"""The review record: validation (why a record is rejected) and its JSON Lines round trip."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from revint.record import EMPLOYMENT_STATUSES, MAX_TEXT_CHARS, ReviewRecord, dumps, problems

HOST = "http://127.0.0.1:8000"
FETCHED_AT = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
IDENTITY: dict[str, Any] = {
    "source": "sample",
    "source_review_id": "r-001",
    "company_name": "Ateliers Fictifs",
    "company_id": "ateliers-fictifs",
    "url": f"{HOST}/entreprise/ateliers-fictifs/avis#avis-r-001",
    "fetched_at": FETCHED_AT,
}


def _record(**overrides: Any) -> ReviewRecord:
    """A valid record; tests override the one field they are about."""
    record = ReviewRecord(
        **IDENTITY,
        lang="fr",
        review_date=date(2024, 5, 17),
        title="Bonne ambiance",
        pros="Équipe soudée.\nTélétravail.",
        cons="Salaires bas.",
        advice=None,
        rating=4.0,
        subratings={"culture": 4.0, "management": 2.5},
        job_title="Développeuse",
        location="Nantes",
        employment_status="full_time",
        is_current=True,
    )
    return replace(record, **overrides)


# --- record validation -------------------------------------------------------------------------------


def test_valid_record_has_no_problems() -> None:
    assert problems(_record(), today=date(2025, 1, 1)) == []


def test_record_without_any_text_is_rejected() -> None:
    record = _record(title=None, pros=None, cons="   ", advice="", body=None)
    assert "no review text at all" in problems(record, today=date(2025, 1, 1))


def test_record_with_only_a_title_is_accepted() -> None:
    record = _record(title="Rien à dire", pros=None, cons=None, advice=None)
    assert problems(record, today=date(2025, 1, 1)) == []


@pytest.mark.parametrize("rating", [0.0, 0.9, 5.1, 10.0, -1.0])
def test_rating_outside_one_to_five_is_rejected(rating: float) -> None:
    assert problems(_record(rating=rating), today=date(2025, 1, 1)) == [f"rating {rating} outside 1..5"]


@pytest.mark.parametrize("rating", [1.0, 2.5, 5.0, None])
def test_rating_within_one_to_five_or_absent_is_accepted(rating: float | None) -> None:
    assert problems(_record(rating=rating), today=date(2025, 1, 1)) == []


def test_review_dated_after_today_is_rejected() -> None:
    record = _record(review_date=date(2025, 1, 2))
    assert problems(record, today=date(2025, 1, 1)) == ["review date 2025-01-02 is in the future"]
    assert problems(record, today=date(2025, 1, 2)) == []


def test_sub_rating_for_unknown_theme_is_rejected() -> None:
    record = _record(subratings={"culture": 4.0, "vibes": 5.0})
    assert problems(record, today=date(2025, 1, 1)) == ["sub-rating for unknown theme 'vibes'"]


def test_sub_rating_outside_one_to_five_is_rejected() -> None:
    record = _record(subratings={"culture": 6.0})
    assert problems(record, today=date(2025, 1, 1)) == ["sub-rating culture=6.0 outside 1..5"]


def test_unknown_employment_status_is_rejected() -> None:
    record = _record(employment_status="CDI temps plein")
    assert problems(record, today=date(2025, 1, 1)) == ["unknown employment status 'CDI temps plein'"]


@pytest.mark.parametrize("status", [*EMPLOYMENT_STATUSES, None])
def test_known_or_absent_employment_status_is_accepted(status: str | None) -> None:
    assert problems(_record(employment_status=status), today=date(2025, 1, 1)) == []


@pytest.mark.parametrize("name", ["source", "source_review_id", "company_name", "company_id", "url"])
def test_record_missing_an_identity_field_is_rejected(name: str) -> None:
    assert problems(_record(**{name: " "}), today=date(2025, 1, 1)) == [f"missing {name}"]


def test_overlong_section_is_rejected() -> None:
    record = _record(cons="x" * (MAX_TEXT_CHARS + 1))
    assert problems(record, today=date(2025, 1, 1)) == [f"cons longer than {MAX_TEXT_CHARS} characters"]


# --- JSON round trip ---------------------------------------------------------------------------------


def test_record_survives_a_json_lines_round_trip() -> None:
    record = _record(body="Texte libre.\nSur deux lignes.", is_current=False)
    row = json.loads(dumps(record))
    assert row["review_id"] == "sample:r-001"
    assert row["fetched_at"] == "2025-03-01T12:30:00+00:00"
    assert row["review_date"] == "2024-05-17"
    assert ReviewRecord.from_json_dict(row) == record


def test_record_with_unset_optional_fields_survives_a_round_trip() -> None:
    record = ReviewRecord(**IDENTITY, title="Titre seul")
    row = record.to_json_dict()
    assert row["review_date"] is None
    assert row["subratings"] == {}
    assert ReviewRecord.from_json_dict(json.loads(json.dumps(row))) == record


def test_unknown_json_field_is_refused() -> None:
    row = _record().to_json_dict()
    row["author"] = "membre-1234abcd"
    with pytest.raises(ValueError, match="author"):
        ReviewRecord.from_json_dict(row)

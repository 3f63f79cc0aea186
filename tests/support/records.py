"""Review records, mentions, tagged batches and company profiles for warehouse tests, one line each."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from revint.companies import CompanyProfile
from revint.record import Mention, ReviewRecord, TaggedReview
from revint.taxonomy import Polarity


def review(number: int, company: str = "acme", **fields: object) -> ReviewRecord:
    base = ReviewRecord(
        source="test",
        source_review_id=str(number),
        company_name=company.title(),
        company_id=company,
        url=f"http://127.0.0.1/{company}#{number}",
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        lang="fr",
        review_date=date(2025, 1, 1),
        cons="Salaire bas",
        rating=3.0,
        subratings={"compensation": 2.0},
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def mention(
    theme: str = "compensation",
    polarity: Polarity = "negative",
    unit: int = 0,
    text: str = "Salaire bas",
    evidence: float | None = None,
    section: str = "cons",
) -> Mention:
    return Mention(
        section=section,
        unit_index=unit,
        start_char=0,
        end_char=len(text),
        unit_text=text,
        theme=theme,
        polarity=polarity,
        score=0.8,
        model_version="test",
        evidence=evidence,
    )


def batch(start: int, count: int, company: str = "acme") -> list[TaggedReview]:
    return [TaggedReview(review(n, company), [mention()]) for n in range(start, start + count)]


def profile(company: str = "acme", **fields: object) -> CompanyProfile:
    base = CompanyProfile(
        source="test",
        company_name=company.title(),
        company_id=company,
        url=f"http://127.0.0.1/{company}/overview",
        fetched_at=datetime(2026, 1, 2, tzinfo=UTC),
        source_company_id=f"E-{company}",
        sector="Logiciel",
        size="De 51 à 200 employés",
        headquarters="Rodez",
        source_reviews=10,
    )
    return replace(base, **fields)  # type: ignore[arg-type]

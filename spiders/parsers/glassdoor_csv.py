"""Glassdoor reviews in the CSV exports analysts hold: three formats, each with its row reader (`read_*_row`, one
row as `csv.DictReader` gives it → a record or ValueError; see csv_export for what they share and how training code
calls them row by row).

- KAGGLE, the Kaggle data set "Glassdoor Job Reviews" (as in glassdoor-en-uk): firm, date_review (d/m/yyyy), a
  "Current Employee, more than 1 year" column, six sub-ratings, and recommend / ceo_approv / outlook coded v
  (positive), r (mild: no opinion, neutral), x (negative) and o (not answered). The codes are read off the data:
  x goes with the lowest overall ratings (2.0 on average), r with middling ones (3.1), v with the highest (4.2);
  recommend, a yes or no, has no r. No review id.
- BRIGHT_DATA, a commercial export (as in glassdoor-en-brightdata): Glassdoor's own review id and permalink, an ISO
  date in quotes, Glassdoor's GraphQL enums (REGULAR, POSITIVE, APPROVE …).
- US, a cleaned US Glassdoor CSV (as in glassdoor-en-us-2025): "Employeer Name", reviewdate (dd-mm-yyyy), rating
  columns where 0 means not given, the GraphQL enums, city and state. No review id.

Records are of source glassdoor, so a review exported with Glassdoor's id merges with the same review crawled. Sub-
ratings keep Glassdoor's English labels in `platform_ratings`, as its GraphQL JSON is read, and go by theme to
`subratings` through the crosswalk.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Final

from revint.record import ReviewRecord
from revint.spiders.parsers import glassdoor_common as common
from revint.spiders.parsers.csv_export import (
    Cells,
    CsvFormat,
    Row,
    cell,
    day_month_year,
    employee_type,
    identified,
    review_texts,
    row_cells,
    row_record,
    stars,
    sub_ratings,
)
from revint.spiders.parsers.values import iso_date


def _rating_columns(*columns: str) -> dict[str, str]:
    """Glassdoor's English rating labels by the columns that hold them, named in the labels' order: work/life
    balance, culture, diversity, career, compensation, senior management."""
    return dict(zip(columns, common.RATING_LABELS_EN.values(), strict=True))


# --- Kaggle "Glassdoor Job Reviews" ----------------------------------------------------------------------------------

_KAGGLE_RATINGS: Final = _rating_columns(
    "work_life_balance", "culture_values", "diversity_inclusion", "career_opp", "comp_benefits", "senior_mgmt"
)
_KAGGLE_COLUMNS: Final = (
    "firm", "date_review", "job_title", "current", "location", "overall_rating", *_KAGGLE_RATINGS, "recommend",
    "ceo_approv", "outlook", "headline", "pros", "cons",
)  # fmt: skip
_KAGGLE_CODES: Final = frozenset("vrxo")  # o (not answered), like a blank, gives None
_KAGGLE_RECOMMENDS: Final = {"v": True, "x": False}
_KAGGLE_CEO: Final = {"v": "approve", "r": "no_opinion", "x": "disapprove"}
_KAGGLE_OUTLOOK: Final = {"v": "positive", "r": "neutral", "x": "negative"}


def read_kaggle_row(row: Row, url: str, fetched_at: datetime, company_name: str | None = None) -> ReviewRecord:
    """One row of the Kaggle "Glassdoor Job Reviews" CSV; ValueError with the reason it cannot be read."""
    cells = row_cells(row, _KAGGLE_COLUMNS)
    is_current, status = employee_type(cell(cells, "current"))
    return identified(
        replace(
            row_record(common.SOURCE, cells, "firm", company_name, url, fetched_at),
            review_date=day_month_year(cell(cells, "date_review")),
            **review_texts(cells, {"title": "headline", "pros": "pros", "cons": "cons"}),
            rating=stars(cells, "overall_rating"),
            **sub_ratings(cells, _KAGGLE_RATINGS),
            job_title=common.job_title(cells["job_title"]),
            location=_kaggle_location(cell(cells, "location")),
            employment_status=status,
            is_current=is_current,
            recommends=_KAGGLE_RECOMMENDS.get(_kaggle_code(cells, "recommend")),
            ceo_approval=_KAGGLE_CEO.get(_kaggle_code(cells, "ceo_approv")),
            business_outlook=_KAGGLE_OUTLOOK.get(_kaggle_code(cells, "outlook")),
        )
    )


def _kaggle_code(cells: Cells, column: str) -> str:
    code = cell(cells, column) or "o"
    if code not in _KAGGLE_CODES:
        raise ValueError(f"unknown {column} code {code!r} (v, r, x or o)")
    return code


def _kaggle_location(text: str | None) -> str | None:
    """The data set repeats the country: "London, England, England" → "London, England"."""
    parts = [part.strip() for part in text.split(",")] if text else []
    if len(parts) > 1 and parts[-1] == parts[-2]:
        parts.pop()
    return ", ".join(parts) or None


KAGGLE: Final = CsvFormat('the Kaggle "Glassdoor Job Reviews" CSV', _KAGGLE_COLUMNS, read_kaggle_row)

# --- the commercial export -------------------------------------------------------------------------------------------

_BRIGHT_DATA_RATINGS: Final = _rating_columns(
    "rating_work_life", "rating_culture_values", "rating_diversity_inclusion", "rating_career_opportunities",
    "rating_compensation_benefits", "rating_senior_leadership",
)  # fmt: skip
_BRIGHT_DATA_COLUMNS: Final = (
    "review_id", "review_url", "rating_date", "company_name", "employee_type", "employee_status", "employee_job_title",
    "employee_location", "summary", "review_pros", "review_cons", "advice_to_management", "review_advice",
    "rating_overall", *_BRIGHT_DATA_RATINGS, "flags_recommend_frend", "flags_ceo_approval", "flags_business_outlook",
)  # fmt: skip
_PLACEHOLDERS: Final = frozenset({"N/A", "n/a", "null"})


def read_bright_data_row(row: Row, url: str, fetched_at: datetime, company_name: str | None = None) -> ReviewRecord:
    """One row of the commercial Glassdoor export; ValueError with the reason it cannot be read."""
    cells = row_cells(row, _BRIGHT_DATA_COLUMNS)
    review_id = cell(cells, "review_id")
    if review_id is not None and not review_id.isdigit():
        raise ValueError(f"review_id {review_id!r} is not a Glassdoor review id")
    permalink = cell(cells, "review_url") or ""
    is_current, status = employee_type(cell(cells, "employee_type"))
    written = (cell(cells, "rating_date") or "").strip('"')
    return identified(
        replace(
            row_record(common.SOURCE, cells, "company_name", company_name, url, fetched_at),
            source_review_id=review_id or "",  # Glassdoor's own: the review merges with the same one crawled
            url=permalink if permalink.startswith(("https://", "http://")) else url,
            review_date=iso_date(written) if written else None,
            **review_texts(
                cells,
                {
                    "title": "summary",
                    "pros": "review_pros",
                    "cons": "review_cons",
                    "advice": ("advice_to_management", "review_advice"),
                },
            ),
            rating=stars(cells, "rating_overall"),
            **sub_ratings(cells, _BRIGHT_DATA_RATINGS),
            job_title=common.job_title(cells["employee_job_title"]),
            location=_unless_placeholder(cell(cells, "employee_location")),
            employment_status=common.EMPLOYMENT_STATUS.get(str(cell(cells, "employee_status")), status),
            is_current=is_current,
            recommends=common.RECOMMENDS.get(str(cell(cells, "flags_recommend_frend"))),
            ceo_approval=common.CEO_APPROVAL.get(str(cell(cells, "flags_ceo_approval"))),
            business_outlook=common.BUSINESS_OUTLOOK.get(str(cell(cells, "flags_business_outlook"))),
        )
    )


def _unless_placeholder(text: str | None) -> str | None:
    return None if text in _PLACEHOLDERS else text


BRIGHT_DATA: Final = CsvFormat("the commercial Glassdoor export", _BRIGHT_DATA_COLUMNS, read_bright_data_row)

# --- the US CSV ------------------------------------------------------------------------------------------------------

_US_RATINGS: Final = _rating_columns(
    "rating worklifebalance", "ratingCulutreand Values", "ratingDiversity and Inclusion", "ratingCarrerOpportunities",
    "ratingCompensationand Benefits", "ratingSeniorleadership",
)  # fmt: skip
_US_COLUMNS: Final = (
    "Employeer Name", "Employement Status", "job title", "isCurrent Job", *_US_RATINGS, "rating Overall",
    "ratingBusinessoutlook", "ratingCEO", "summary", "pros", "Cons", "reviewdate", "city", "state",
)  # fmt: skip
_US_CURRENT: Final = {"TRUE": True, "FALSE": False}


def read_us_row(row: Row, url: str, fetched_at: datetime, company_name: str | None = None) -> ReviewRecord:
    """One row of the US Glassdoor CSV; ValueError with the reason it cannot be read."""
    cells = row_cells(row, _US_COLUMNS)
    return identified(
        replace(
            row_record(common.SOURCE, cells, "Employeer Name", company_name, url, fetched_at),
            review_date=day_month_year(cell(cells, "reviewdate")),
            **review_texts(cells, {"title": "summary", "pros": "pros", "cons": "Cons"}),
            rating=stars(cells, "rating Overall"),
            **sub_ratings(cells, _US_RATINGS),
            job_title=common.job_title(cells["job title"]),
            location=", ".join(filter(None, (cell(cells, "city"), cell(cells, "state")))) or None,
            employment_status=common.EMPLOYMENT_STATUS.get(str(cell(cells, "Employement Status"))),
            is_current=_US_CURRENT.get(str(cell(cells, "isCurrent Job")).upper()),
            ceo_approval=common.CEO_APPROVAL.get(str(cell(cells, "ratingCEO"))),
            business_outlook=common.BUSINESS_OUTLOOK.get(str(cell(cells, "ratingBusinessoutlook"))),
        )
    )


US: Final = CsvFormat("the US Glassdoor CSV", _US_COLUMNS, read_us_row)

FORMATS: Final = (KAGGLE, BRIGHT_DATA, US)

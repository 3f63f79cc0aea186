"""Indeed reviews in a CSV export (as in indeed-en-bank): review_title, review_verbatim (one free text: no pros and
cons), role, status ("Current Employee", "Former Employee", at times something else), location ("Dallas, TX"),
date ("March 27, 2019") and the overall rating ("5.0"). `read_row` reads one row as `csv.DictReader` gives it (see
csv_export for what the CSV readers share and how training code calls them row by row).

The export names no employer and no review id: the employer is the import's (`revint import indeed --company …`),
and the id a digest of the review's content. Rows that unquoted commas in a text split into more (or fewer) fields
than the header are rejected as malformed: their cells are shifted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Final

from revint.record import ReviewRecord
from revint.spiders.parsers.csv_export import (
    CsvFormat,
    Row,
    cell,
    employee_type,
    english_date,
    identified,
    review_texts,
    row_cells,
    row_record,
    stars,
)
from revint.spiders.parsers.indeed import SOURCE

COLUMNS: Final = ("review_title", "review_verbatim", "role", "status", "location", "date", "rating")


def read_row(row: Row, url: str, fetched_at: datetime, company_name: str | None) -> ReviewRecord:
    """One row of the Indeed CSV, of the employer `company_name`; ValueError with the reason it cannot be read."""
    cells = row_cells(row, COLUMNS)
    is_current, status = employee_type(cell(cells, "status"))
    return identified(
        replace(
            row_record(SOURCE, cells, None, company_name, url, fetched_at),
            review_date=english_date(cell(cells, "date")),
            **review_texts(cells, {"title": "review_title", "body": "review_verbatim"}),
            rating=stars(cells, "rating"),
            job_title=cell(cells, "role"),
            location=cell(cells, "location"),
            employment_status=status,
            is_current=is_current,
        )
    )


FORMAT: Final = CsvFormat("the Indeed reviews CSV", COLUMNS, read_row, needs_company=True)

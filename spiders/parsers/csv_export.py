"""CSV exports of review sites as analysts hold them (Kaggle data sets, commercial exports, spreadsheets): what the
format readers share, and the dispatch from a file's header to its format.

Each format is a `CsvFormat` of its source's module (glassdoor_csv, indeed_csv) whose `read_row` turns ONE row, as
`csv.DictReader` gives it, into a `ReviewRecord` or raises ValueError with the reason. Training code calls it on
row i of `csv.DictReader(open(path, encoding="utf-8", newline=""))`: a rejected row is one ValueError and nothing
else, so row i stays review i of the file whatever is rejected. A byte order mark left on the first column name
(a file opened as "utf-8" rather than "utf-8-sig") is ignored. Messages number rows from 1, the header excluded.

Texts are `html.unescape(cell).strip()` and nothing else (no whitespace collapsing): annotations point into them by
character offsets, so they read the same in training and in the warehouse. A cell holding a spreadsheet error
value (`#NAME?` …) is absent, and a row such cells leave without review text is rejected as a "spreadsheet
artefact". A row without a review id of its own gets `content_id` of its company, date, job title and texts, so that
importing a file again adds nothing. A rating of 0 or blank is not given.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal, TypedDict

from revint.companies import canonical_company_id
from revint.record import ReviewRecord
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.structured import content_id
from revint.spiders.parsers.values import number, ratings_by_label, subratings_by_theme
from revint.taxonomy import normalize_label

# A row as csv.DictReader gives it: fields beyond the header under the key None, missing ones as None.
Row = Mapping[Any, Any]
Cells = dict[str, str]
RowReader = Callable[[Row, str, datetime, str | None], ReviewRecord]
# (the rows, where they came from, fetch time, the employer when the rows do not name it)
CsvParser = Callable[[Iterable[Row], str, datetime, str | None], ParsedPage]
TextField = Literal["title", "pros", "cons", "advice", "body"]

# Excel's and Google Sheets' error values, which a spreadsheet writes in place of a cell it read as a formula
# ("=good pay" → #NAME?).
SPREADSHEET_ARTEFACTS: Final = frozenset({
    "#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NULL!", "#NUM!", "#ERROR!", "#SPILL!", "#CALC!", "#GETTING_DATA",
})  # fmt: skip
SPREADSHEET_ARTEFACT: Final = "spreadsheet artefact"  # the reasons rows are rejected for, as messages begin
MALFORMED_ROW: Final = "malformed row"


@dataclass(frozen=True)
class CsvFormat:
    """One export format: the columns its header must have, and the reader of one of its rows."""

    name: str  # for messages: "the Kaggle Glassdoor Job Reviews CSV"
    columns: tuple[str, ...]
    read_row: RowReader
    needs_company: bool = False  # no employer column: the import names the employer


class SubRatings(TypedDict):
    """A review's sub-ratings under the platform's labels and by theme."""

    platform_ratings: dict[str, float]
    subratings: dict[str, float]


class Texts(TypedDict, total=False):
    """A review's texts by record field."""

    title: str | None
    pros: str | None
    cons: str | None
    advice: str | None
    body: str | None


# --- the header → format dispatch, and the parse ---------------------------------------------------------------------


def format_for(header: Iterable[Any], formats: Sequence[CsvFormat], source: str) -> CsvFormat:
    """The first of `formats` whose columns the header has; ValueError naming the columns each format expects and
    those the closest one misses."""
    found = {column_name(column) for column in header if isinstance(column, str)}
    for candidate in formats:
        if found.issuperset(candidate.columns):
            return candidate
    closest = max(formats, key=lambda candidate: len(found.intersection(candidate.columns)))
    expected = "; or ".join(f"{candidate.name}: {', '.join(candidate.columns)}" for candidate in formats)
    missing = ", ".join(column for column in closest.columns if column not in found)
    raise ValueError(
        f"not an export {source} has (its exports: .csv with the columns of {expected}); "
        f"this header lacks {missing} of {closest.name}"
    )


def csv_parser(source: str, *formats: CsvFormat) -> CsvParser:
    """The parser of a source's CSV exports: the first row's columns say the format, then each row is read by it as
    it comes (a file is never held as a list of rows); a rejected row is an error "row N: reason"."""

    def parse(rows: Iterable[Row], url: str, fetched_at: datetime, company_name: str | None = None) -> ParsedPage:
        parsed = ParsedPage(company_name=company_name)
        read: RowReader | None = None
        for index, row in enumerate(rows, start=1):
            if read is None:
                found = format_for(row.keys(), formats, source)
                if found.needs_company and not company_name:
                    raise ValueError(f"{found.name} names no employer: say which (--company)")
                read = found.read_row
            try:
                parsed.records.append(read(row, url, fetched_at, company_name))
            except ValueError as error:
                parsed.errors.append(f"row {index}: {error}")
        return parsed

    return parse


_REJECTION: Final = re.compile(r"(?:^|: )row \d+: ([^(]*)")


def rejection_reasons(errors: Iterable[str]) -> Counter[str]:
    """How many rows were rejected for each reason, from the errors of CSV parses ("…: row 12: spreadsheet artefact
    (pros #NAME?, …)"): the reason without its details (in brackets) or values (quoted)."""
    found = (_REJECTION.search(error) for error in errors)
    return Counter(re.sub(r"\s*'[^']*'", "", match.group(1)).strip() for match in found if match)


# --- cells -----------------------------------------------------------------------------------------------------------


def column_name(name: str) -> str:
    """A header's column name without blanks around it, nor a byte order mark: one read as text (a file opened as
    "utf-8" rather than "utf-8-sig") also hides the quotes of a quoted first name from the csv reader."""
    if name.startswith("\ufeff"):
        name = name[1:]
        if len(name) > 1 and name[0] == name[-1] == '"':
            name = name[1:-1].replace('""', '"')
    return name.strip()


def row_cells(row: Row, columns: Iterable[str]) -> Cells:
    """A row's cells by column name; ValueError for a row that lacks one of `columns`, and ("malformed row") for one
    with more or fewer fields than the header, as an unquoted comma in a text makes: its cells are shifted."""
    if None in row:
        raise ValueError(f"{MALFORMED_ROW} (more fields than the header, {len(row[None])} extra: an unquoted comma?)")
    if any(value is None for value in row.values()):
        raise ValueError(f"{MALFORMED_ROW} (fewer fields than the header)")
    cells = {column_name(column): value for column, value in row.items()}
    if missing := [column for column in columns if column not in cells]:
        raise ValueError(f"no column {', '.join(missing)}")
    return cells


def cell(cells: Cells, column: str) -> str | None:
    """A cell's text: `html.unescape(cell).strip()`, None when blank or a spreadsheet artefact."""
    text = html.unescape(cells[column]).strip()
    return None if not text or text in SPREADSHEET_ARTEFACTS else text


def review_texts(cells: Cells, columns: Mapping[TextField, str | tuple[str, ...]]) -> Texts:
    """A review's texts by record field, each from its column (or the first filled of several), read by `cell`;
    ValueError ("spreadsheet artefact") when artefacts leave it no text besides its title."""
    texts: Texts = {}
    artefacts: list[str] = []
    for field, names in columns.items():
        for column in (names,) if isinstance(names, str) else names:
            if cells[column].strip() in SPREADSHEET_ARTEFACTS:
                artefacts.append(f"{column} {cells[column].strip()}")
            if texts.get(field) is None:
                texts[field] = cell(cells, column)
    if artefacts and not any(text for field, text in texts.items() if field != "title"):
        raise ValueError(f"{SPREADSHEET_ARTEFACT} ({', '.join(artefacts)}; no review text left)")
    return texts


def row_record(
    source: str, cells: Cells, employer: str | None, company_name: str | None, url: str, fetched_at: datetime
) -> ReviewRecord:
    """The record a row starts as, for its reader to fill in (`dataclasses.replace`): of the employer its `employer`
    column names, else the import's (ValueError when neither does), and without an id yet (`identified`)."""
    name = (cell(cells, employer) if employer else None) or company_name
    if not name:
        raise ValueError(f"no employer: {employer} is blank" if employer else "no employer named")
    return ReviewRecord(source, "", name, canonical_company_id(name), url, fetched_at)


def identified(record: ReviewRecord) -> ReviewRecord:
    """The record, given `content_id` of its company, date, job title and texts when the row has no id of its own."""
    if not record.source_review_id:
        record.source_review_id = content_id(
            record.company_name, record.review_date, record.job_title, record.title, record.pros, record.cons,
            record.advice, record.body,
        )  # fmt: skip
    return record


# --- ratings ---------------------------------------------------------------------------------------------------------


def stars(cells: Cells, column: str) -> float | None:
    """A rating as `number` reads it; None when blank, 0 (not given) or an artefact."""
    return number(cell(cells, column), column) or None


def sub_ratings(cells: Cells, labels: Mapping[str, str]) -> SubRatings:
    """Sub-ratings from the columns `labels` names the platform's label of, and by theme through the crosswalk;
    those not given left out."""
    ratings = ratings_by_label((label, stars(cells, column)) for column, label in labels.items())
    return {"platform_ratings": ratings, "subratings": subratings_by_theme(ratings)}


# --- dates -----------------------------------------------------------------------------------------------------------

_DAY_MONTH_YEAR: Final = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ENGLISH_MONTHS: Final = {
    name: month
    for month, full in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"),
        start=1,
    )
    for name in (full, full[:3], full[:4])
}  # fmt: skip
_ENGLISH_DATE: Final = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def day_month_year(text: str | None) -> date | None:
    """A numeric day-month-year date ("12/10/2015", "29-05-2025"); None when absent; ValueError otherwise."""
    if text is None:
        return None
    found = _DAY_MONTH_YEAR.fullmatch(text)
    if found is None:
        raise ValueError(f"unreadable date {text!r}")
    return _valid_date(text, found.group(3), found.group(2), found.group(1))


def english_date(text: str | None) -> date | None:
    """A US English date ("March 27, 2019", "Mar 27 2019"); None when absent; ValueError otherwise."""
    if text is None:
        return None
    found = _ENGLISH_DATE.fullmatch(normalize_label(text))
    if found is None or found.group(1) not in _ENGLISH_MONTHS:
        raise ValueError(f"unreadable date {text!r}")
    return _valid_date(text, found.group(3), _ENGLISH_MONTHS[found.group(1)], found.group(2))


def _valid_date(text: str, year: str, month: str | int, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"invalid date {text!r}") from None


# --- employment ------------------------------------------------------------------------------------------------------

# What follows "Current" / "Former" ("Former Contractor, less than 1 year"), or stands alone ("part time", as
# Indeed's status column says at times).
_EMPLOYEE_KINDS: Final[dict[str, str | None]] = {
    "employee": None,
    "contractor": "contract",
    "intern": "intern",
    "freelancer": "freelance",
    "apprentice": "apprentice",
    "part-time employee": "part_time",
    "part time": "part_time",
    "part-time": "part_time",
}
_EMPLOYEE_TYPE: Final = re.compile(r"(?:(current|former)\s+)?([^,]*?)\s*(?:,.*)?")


def employee_type(text: str | None) -> tuple[bool | None, str | None]:
    """(is_current, employment_status) of "Current Employee, more than 1 year", "Former Contractor" (Glassdoor) or
    "Former Employee" (Indeed); None where the text does not say."""
    found = _EMPLOYEE_TYPE.fullmatch(normalize_label(text or ""))
    if found is None:
        return None, None
    current = {"current": True, "former": False}.get(found.group(1) or "")
    return current, _EMPLOYEE_KINDS.get(found.group(2))

"""The CSV exports analysts hold (spiders/parsers/csv_export.py, glassdoor_csv.py, indeed_csv.py): a few rows written
for these tests in each format (HTML entities, `#NAME?`, ratings of 0, no review id, a byte order mark, an unquoted
comma), then the four real files of ../shared/corpus where they are present."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

import pytest

from revint.record import ReviewRecord, problems
from revint.spiders.parsers import glassdoor_csv, indeed_csv
from revint.spiders.parsers.csv_export import (
    MALFORMED_ROW,
    SPREADSHEET_ARTEFACT,
    SPREADSHEET_ARTEFACTS,
    CsvFormat,
    day_month_year,
    employee_type,
    english_date,
    rejection_reasons,
)
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.registry import parsers_for
from tests.support.pages import FETCHED_AT, corpus_file

URL: Final = "file:///exports/reviews.csv"

KAGGLE_CSV: Final = (
    "firm,date_review,job_title,current,location,overall_rating,work_life_balance,culture_values,"
    "diversity_inclusion,career_opp,comp_benefits,senior_mgmt,recommend,ceo_approv,outlook,headline,pros,cons\r\n"
    'Harbour-Lane-Logistics,5/3/2019, Warehouse Operative,"Current Employee, more than 1 year",'
    '"Leeds, England, England",4,2,4,,3,0,1,v,r,x,Busy but fair,'
    '"  Friendly team &amp; fair shifts\r\n- free  parking  ",Peak season is relentless\r\n'
    'Harbour-Lane-Logistics,28/11/2020, Anonymous Employee,"Former Contractor, less than 1 year",,2,,,,,,,x,o,o,'
    "Would not return,#NAME?,Managers ignore &quot;near miss&quot; reports\r\n"
    "Harbour-Lane-Logistics,2/1/2021, Picker,Former Employee,,3,,,,,,,o,x,v,Meh,#NAME?, #NAME? \r\n"
    'Harbour-Lane-Logistics,5/3/2019, Warehouse Operative,"Current Employee, more than 1 year",'
    '"Leeds, England, England",4,2,4,,3,0,1,v,r,x,Busy but fair,'
    '"  Friendly team &amp; fair shifts\r\n- free  parking  ",Peak season is relentless\r\n'
    "Harbour-Lane-Logistics,31/2/2021, Picker,Former Employee,,3,,,,,,,o,x,v,Odd date,Nice canteen,Long walk\r\n"
)
BRIGHT_DATA_CSV: Final = (
    "review_id,review_url,rating_date,company_name,employee_type,employee_status,employee_job_title,"
    "employee_location,summary,review_pros,review_cons,advice_to_management,review_advice,rating_overall,"
    "rating_work_life,rating_culture_values,rating_diversity_inclusion,rating_career_opportunities,"
    "rating_compensation_benefits,rating_senior_leadership,flags_recommend_frend,flags_ceo_approval,"
    "flags_business_outlook,count_helpful\n"
    "9001,https://www.glassdoor.com/Reviews/Employee-Review-Fromagerie-Aubrac-RVW9001.htm,"
    '"""2023-06-14T00:00:00.000Z""",Fromagerie Aubrac,"Former employee, more than 3 years",PART_TIME,Affineur,N/A,'
    "Good cellar,"
    '"Cheese &amp; calm","Cold rooms,\n early starts",,Heat the break room,3,4,3,,2,3,2,POSITIVE,NO_OPINION,NEUTRAL,2\n'
    ',,"""2022-01-03T00:00:00.000Z""",Tuilerie Marcadal,"Former Intern, less than 1 year",,Anonymous Employee,'
    '"Albi, Occitanie",Learned a lot,Patient mentors,Unpaid overtime,Pay interns fairly,,4,0,0,0,0,0,0,NEGATIVE,,'
    "POSITIVE,\n"
)
US_CSV: Final = (
    "Employeer ID,Employeer Name,Employement Status,job title,length of employement,isCurrent Job,"
    "ratingCarrerOpportunities,ratingBusinessoutlook,ratingCEO,ratingCompensationand Benefits,"
    "ratingCulutreand Values,ratingDiversity and Inclusion,rating Overall,ratingSeniorleadership,"
    "rating worklifebalance,countHelpful,countNothelpful,summary,Cons,pros,reviewdate,reviewtime,city,state\n"
    "900,Verrerie Dumas,REGULAR,Glass Blower,4,TRUE,5,POSITIVE,APPROVE,0,4,3,4,0,2,1,0, Hot but proud work ,"
    '"Shifts run long &gt; 10h","Skilled crew, R&amp;D budget",14-03-2025,09:12:00,Austin,TX\n'
    "900,Verrerie Dumas,PART_TIME,Packer,0,FALSE,0,,,0,0,0,3,0,0,0,0,Fine,#NAME?,#NAME?,02-04-2025,10:00:00,Austin,TX\n"
    "900,Verrerie Dumas,PART_TIME,Packer,0,FALSE,0,,,0,0,0,3,0,0,0,0,Fine,#VALUE!,Short breaks,02-04-2025,10:00:00,"
    "Austin,\n"
)
INDEED_CSV: Final = (
    '"review_title","review_verbatim","role","status","location","date","rating"\n'
    '"Friendly branch","Customers know you by name.  Training was short though. ","Teller","Current Employee",'
    '"Dallas, TX","March 27, 2019","4.0"\n'
    '"Long days","Sales goals every week","Personal Banker","Former Employee",Erie, PA,"May 3, 2016","2.0"\n'
    '"Good start","Learned cash handling &amp; balancing.","Teller","part time","Erie, PA","Jan 5, 2015","3.0"\n'
    '"Nice people","","Teller","Former Employee","Erie, PA","June 1, 2014","0"\n'
)
# name → (text, encoding): the US file is written with a byte order mark, as Excel saves "CSV UTF-8"
EXPORTS: Final = {
    "glassdoor_kaggle.csv": (KAGGLE_CSV, "utf-8"),
    "glassdoor_bright_data.csv": (BRIGHT_DATA_CSV, "utf-8"),
    "glassdoor_us.csv": (US_CSV, "utf-8-sig"),
    "indeed.csv": (INDEED_CSV, "utf-8"),
}
INDEED_COMPANY: Final = "Harbour Bank"


def write_exports(folder: Path) -> dict[str, Path]:
    """The fixture exports written as files into `folder`, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (text, encoding) in EXPORTS.items():
        (folder / name).write_bytes(text.encode(encoding))
    return {name: folder / name for name in EXPORTS}


def _parse(source: str, text: str, company: str | None = None) -> ParsedPage:
    parse_csv = parsers_for(source).parse_csv
    assert parse_csv is not None
    return parse_csv(csv.DictReader(io.StringIO(text, newline="")), URL, FETCHED_AT, company)


def _raw_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _rejected(parsed: ParsedPage) -> frozenset[int]:
    """The reader's indexes (from 0) of the rejected rows: "row N: …" numbers them from 1."""
    return frozenset(int(error.split(":", 1)[0].removeprefix("row ")) - 1 for error in parsed.errors)


# --- the formats, field by field -------------------------------------------------------------------------------------


def test_kaggle_rows_field_by_field() -> None:
    parsed = _parse("glassdoor", KAGGLE_CSV)
    first, second, copy = parsed.records
    assert (first.source, first.company_name, first.company_id, first.url) == (
        "glassdoor", "Harbour-Lane-Logistics", "harbour-lane-logistics", URL,
    )  # fmt: skip
    assert (first.review_date, first.title, first.rating) == (date(2019, 3, 5), "Busy but fair", 4.0)
    assert first.pros == "Friendly team & fair shifts\r\n- free  parking"  # unescaped and stripped, nothing else
    assert first.platform_ratings == {
        "Work/Life Balance": 2.0, "Culture & Values": 4.0, "Career Opportunities": 3.0, "Senior Management": 1.0,
    }  # fmt: skip
    assert first.subratings == {"work_life_balance": 2.0, "culture": 4.0, "career": 3.0, "management": 1.0}
    assert (first.job_title, first.location, first.is_current, first.employment_status) == (
        "Warehouse Operative", "Leeds, England", True, None,
    )  # fmt: skip
    assert (first.recommends, first.ceo_approval, first.business_outlook) == (True, "no_opinion", "negative")
    assert (second.job_title, second.is_current, second.employment_status) == (None, False, "contract")
    assert (second.pros, second.cons) == (None, 'Managers ignore "near miss" reports')
    assert (second.recommends, second.ceo_approval, second.business_outlook, second.location) == (False, *[None] * 3)
    assert copy.review_id == first.review_id != second.review_id  # the same content, the same id: counted once
    assert len(first.source_review_id) == 16
    assert parsed.errors == [
        f"row 3: {SPREADSHEET_ARTEFACT} (pros #NAME?, cons #NAME?; no review text left)",
        "row 5: invalid date '31/2/2021'",
    ]
    assert rejection_reasons(f"{URL}: {error}" for error in parsed.errors) == {
        SPREADSHEET_ARTEFACT: 1, "invalid date": 1,
    }  # fmt: skip


def test_bright_data_rows_keep_glassdoors_review_id() -> None:
    parsed = _parse("glassdoor", BRIGHT_DATA_CSV)
    assert parsed.errors == []
    own, nameless = parsed.records
    assert (own.review_id, own.url) == (
        "glassdoor:9001", "https://www.glassdoor.com/Reviews/Employee-Review-Fromagerie-Aubrac-RVW9001.htm",
    )  # fmt: skip
    assert (own.review_date, own.title, own.pros, own.cons) == (
        date(2023, 6, 14), "Good cellar", "Cheese & calm", "Cold rooms,\n early starts",
    )  # fmt: skip
    assert own.advice == "Heat the break room"  # review_advice when advice_to_management is blank
    assert (own.job_title, own.location, own.is_current, own.employment_status) == (
        "Affineur",
        None,
        False,
        "part_time",
    )
    assert own.subratings == {
        "work_life_balance": 4.0, "culture": 3.0, "career": 2.0, "compensation": 3.0, "management": 2.0,
    }  # fmt: skip
    assert (own.recommends, own.ceo_approval, own.business_outlook) == (True, "no_opinion", "neutral")
    assert len(nameless.source_review_id) == 16 and nameless.url == URL  # no id: a digest of its content
    assert (nameless.employment_status, nameless.is_current, nameless.job_title) == ("intern", False, None)
    assert (nameless.rating, nameless.platform_ratings, nameless.subratings) == (4.0, {}, {})  # 0: not given
    assert (nameless.advice, nameless.recommends, nameless.ceo_approval) == ("Pay interns fairly", False, None)


def test_us_rows_with_a_byte_order_mark_and_spreadsheet_artefacts() -> None:
    parsed = _parse("glassdoor", "\ufeff" + US_CSV)  # as opened with encoding="utf-8"
    first, artefact_cons = parsed.records
    assert (first.company_id, first.review_date, first.title) == (
        "verrerie-dumas",
        date(2025, 3, 14),
        "Hot but proud work",
    )
    assert (first.pros, first.cons) == ("Skilled crew, R&D budget", "Shifts run long > 10h")
    assert first.platform_ratings == {
        "Work/Life Balance": 2.0, "Culture & Values": 4.0, "Diversity & Inclusion": 3.0, "Career Opportunities": 5.0,
    }  # fmt: skip
    assert (first.job_title, first.location, first.employment_status, first.is_current) == (
        "Glass Blower", "Austin, TX", "full_time", True,
    )  # fmt: skip
    assert (first.recommends, first.ceo_approval, first.business_outlook) == (None, "approve", "positive")
    assert (artefact_cons.pros, artefact_cons.cons, artefact_cons.location) == ("Short breaks", None, "Austin")
    assert rejection_reasons(parsed.errors) == {SPREADSHEET_ARTEFACT: 1}
    assert parsed.errors[0].startswith("row 2: ")


def test_indeed_rows_of_the_employer_the_import_names() -> None:
    parsed = _parse("indeed", INDEED_CSV, INDEED_COMPANY)
    first, part_time, title_only = parsed.records
    assert (first.source, first.company_id, first.review_date, first.rating) == (
        "indeed", "harbour-bank", date(2019, 3, 27), 4.0,
    )  # fmt: skip
    assert (first.title, first.body, first.pros) == (
        "Friendly branch", "Customers know you by name.  Training was short though.", None,
    )  # fmt: skip
    assert (first.job_title, first.location, first.is_current) == ("Teller", "Dallas, TX", True)
    assert (part_time.body, part_time.review_date) == ("Learned cash handling & balancing.", date(2015, 1, 5))
    assert (part_time.employment_status, part_time.is_current) == ("part_time", None)
    assert (title_only.body, title_only.rating, title_only.is_current) == (None, None, False)  # rating 0: not given
    assert parsed.errors == [f"row 2: {MALFORMED_ROW} (more fields than the header, 1 extra: an unquoted comma?)"]


def test_the_indeed_csv_needs_the_employer() -> None:
    with pytest.raises(ValueError, match=r"the Indeed reviews CSV names no employer: say which \(--company\)"):
        _parse("indeed", INDEED_CSV)
    with pytest.raises(ValueError, match="no employer named"):
        indeed_csv.read_row(_raw_rows(INDEED_CSV)[0], URL, FETCHED_AT, None)
    with pytest.raises(ValueError, match="no column review_verbatim, role, status, location, date, rating"):
        indeed_csv.read_row({"review_title": "Fine"}, URL, FETCHED_AT, INDEED_COMPANY)


# --- what the formats share ------------------------------------------------------------------------------------------


def test_the_header_says_the_format_and_an_unknown_one_names_the_columns_expected() -> None:
    assert [len(_parse("glassdoor", text).records) for text in (KAGGLE_CSV, BRIGHT_DATA_CSV, US_CSV)] == [3, 2, 2]
    with pytest.raises(ValueError) as refused:
        _parse("glassdoor", "firm,date_review,headline,pros\nAcme,1/1/2020,Ok,Fine\n")
    message = str(refused.value)
    assert message.startswith("not an export glassdoor has (its exports: .csv with the columns of ")
    assert 'the Kaggle "Glassdoor Job Reviews" CSV: firm, date_review, job_title' in message
    assert "the commercial Glassdoor export: review_id, review_url" in message
    assert "the US Glassdoor CSV: Employeer Name" in message
    assert message.endswith('this header lacks job_title, current, location, overall_rating, work_life_balance, '
                            'culture_values, diversity_inclusion, career_opp, comp_benefits, senior_mgmt, recommend, '
                            'ceo_approv, outlook, cons of the Kaggle "Glassdoor Job Reviews" CSV')  # fmt: skip
    with pytest.raises(ValueError, match="this header lacks review_title, review_verbatim, role, status, date, rating"):
        _parse("indeed", KAGGLE_CSV, INDEED_COMPANY)
    assert parsers_for("glassdoor").export_formats == parsers_for("indeed").export_formats == {"json", "csv"}


def test_content_ids_are_stable_and_follow_the_content() -> None:
    first = [record.review_id for record in _parse("indeed", INDEED_CSV, INDEED_COMPANY).records]
    again = [record.review_id for record in _parse("indeed", INDEED_CSV, INDEED_COMPANY).records]
    edited = _parse("indeed", INDEED_CSV.replace("by name.", "by first name."), INDEED_COMPANY).records
    elsewhere = _parse("indeed", INDEED_CSV, "Other Bank").records
    assert first == again and len(set(first)) == 3
    assert edited[0].review_id not in first and edited[1].review_id == first[1]
    assert not set(first) & {record.review_id for record in elsewhere}


@pytest.mark.parametrize(
    ("format_", "source", "text"),
    [
        (glassdoor_csv.KAGGLE, "glassdoor", KAGGLE_CSV),
        (glassdoor_csv.BRIGHT_DATA, "glassdoor", BRIGHT_DATA_CSV),
        (glassdoor_csv.US, "glassdoor", US_CSV),
        (indeed_csv.FORMAT, "indeed", INDEED_CSV),
    ],
    ids=["kaggle", "bright data", "us", "indeed"],
)
def test_read_row_row_by_row_as_training_reads_a_file(
    tmp_path: Path, format_: CsvFormat, source: str, text: str
) -> None:
    """Row i of the reader is review i of the file, whatever is rejected; a BOM on the first column is ignored."""
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    parsed = _parse(source, text, INDEED_COMPANY)
    outcomes: list[ReviewRecord | str] = []
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            try:
                outcomes.append(format_.read_row(row, URL, FETCHED_AT, INDEED_COMPANY))
            except ValueError as error:
                outcomes.append(str(error))
    assert {i for i, outcome in enumerate(outcomes) if isinstance(outcome, str)} == _rejected(parsed)
    assert [outcome for outcome in outcomes if isinstance(outcome, ReviewRecord)] == parsed.records


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Current Employee, more than 1 year", (True, None)),
        ("Former employee, less than 1 year", (False, None)),
        ("Former Contractor", (False, "contract")),
        ("Former Freelancer, less than 1 year", (False, "freelance")),
        ("Former Temporary Employee", (False, None)),
        ("part time", (None, "part_time")),
        ("Universal Banker", (None, None)),
        (None, (None, None)),
    ],
)
def test_employee_type(text: str | None, expected: tuple[bool | None, str | None]) -> None:
    assert employee_type(text) == expected


def test_dates() -> None:
    assert (day_month_year("5/3/2019"), day_month_year("29-05-2025"), day_month_year(None)) == (
        date(2019, 3, 5), date(2025, 5, 29), None,
    )  # fmt: skip
    assert (english_date("March 27, 2019"), english_date("Sept 9 2020"), english_date("Jan. 5, 2015")) == (
        date(2019, 3, 27), date(2020, 9, 9), date(2015, 1, 5),
    )  # fmt: skip
    for read, text in (
        (day_month_year, "2019-03-05"),
        (english_date, "Mars 27, 2019"),
        (english_date, "27 March 2019"),
    ):
        with pytest.raises(ValueError, match="unreadable date"):
            read(text)
    with pytest.raises(ValueError, match="invalid date"):
        english_date("February 30, 2020")


# --- the real exports of ../shared/corpus -----------------------------------------------------------------------------


CORPUS_EXPORTS: Final = {  # file → (source, company, rows, records, unique ids, rejected by reason)
    ("glassdoor-en-uk", "glassdoor_uk_reviews_9999.csv"):
        ("glassdoor", None, 9999, 9973, 9887, {SPREADSHEET_ARTEFACT: 26}),
    ("glassdoor-en-brightdata", "glassdoor_brightdata_sample_1000.csv"):
        ("glassdoor", None, 1000, 1000, 1000, {}),
    ("glassdoor-en-us-2025", "glassdoor_us_reviews_7160.csv"):
        ("glassdoor", None, 7160, 7040, 7034, {SPREADSHEET_ARTEFACT: 120}),
    ("indeed-en-bank", "indeed_us_bank_reviews_6996.csv"):
        ("indeed", "US bank", 6996, 6992, 6992, {MALFORMED_ROW: 4}),
}  # fmt: skip
TEXT_COLUMNS: Final = {  # the columns each record text comes from, where a row has one column per text
    "glassdoor-en-uk": {"title": "headline", "pros": "pros", "cons": "cons"},
    "glassdoor-en-us-2025": {"title": "summary", "pros": "pros", "cons": "Cons"},
    "indeed-en-bank": {"title": "review_title", "body": "review_verbatim"},
}


def _corpus_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        yield from csv.DictReader(file)


@pytest.mark.parametrize("where", list(CORPUS_EXPORTS), ids=[folder for folder, _ in CORPUS_EXPORTS])
def test_corpus_exports(where: tuple[str, str]) -> None:
    path = corpus_file(*where)
    source, company, rows, records, unique, rejected = CORPUS_EXPORTS[where]
    parse_csv = parsers_for(source).parse_csv
    assert parse_csv is not None
    parsed = parse_csv(_corpus_rows(path), path.as_uri(), datetime.now(UTC), company)
    assert (len(parsed.records) + len(parsed.errors), len(parsed.records)) == (rows, records)
    assert len({record.review_id for record in parsed.records}) == unique
    assert rejection_reasons(parsed.errors) == rejected
    assert [problem for record in parsed.records for problem in problems(record)] == []
    assert all(record.source == source and record.review_date is not None for record in parsed.records)
    skipped = _rejected(parsed)
    kept = (row for i, row in enumerate(_corpus_rows(path)) if i not in skipped)
    for record, row in zip(parsed.records, kept, strict=True):  # the texts annotations point into, as in the file
        for field, column in TEXT_COLUMNS.get(where[0], {}).items():
            text = html.unescape(row[column]).strip()
            assert getattr(record, field) == (None if text in SPREADSHEET_ARTEFACTS else text or None)


def test_corpus_bright_data_ids_are_glassdoors() -> None:
    path = corpus_file("glassdoor-en-brightdata", "glassdoor_brightdata_sample_1000.csv")
    parse_csv = parsers_for("glassdoor").parse_csv
    assert parse_csv is not None
    records = parse_csv(_corpus_rows(path), path.as_uri(), FETCHED_AT, None).records
    assert all(record.url.endswith(f"-RVW{record.source_review_id}.htm") for record in records)
    assert sum(bool(record.subratings) for record in records) == 1000

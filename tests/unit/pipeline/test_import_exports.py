"""`revint import` of the CSV exports analysts hold, into a real DuckDB warehouse: the four formats loaded with their
sub-ratings, a second import of the same files adding nothing (load twice, count once), a Glassdoor export row
merging with the same review crawled, and an Indeed CSV refused without its employer."""

from __future__ import annotations

from pathlib import Path

import duckdb

from revint.pipeline.importing import import_paths
from revint.settings import Settings
from tests.support.pages import FIXTURES
from tests.unit.spiders.test_export_csv import INDEED_COMPANY, write_exports

GLASSDOOR_EXPORTS = ("glassdoor_kaggle.csv", "glassdoor_bright_data.csv", "glassdoor_us.csv")


def _counts(db: Path) -> tuple[object, ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "SELECT (SELECT count(*) FROM reviews), (SELECT count(*) FROM review_subratings), "
            "(SELECT count(*) FROM review_platform_ratings), (SELECT count(*) FROM companies), "
            "(SELECT hash(list(r ORDER BY review_id)) FROM (SELECT * EXCLUDE (loaded_at) FROM reviews) AS r)"
        ).fetchone()
    assert row is not None
    return row


def test_the_four_formats_load_once_however_often_they_are_imported(settings: Settings, tmp_path: Path) -> None:
    files = write_exports(tmp_path / "exports")
    glassdoor = [files[name] for name in GLASSDOOR_EXPORTS]
    first = import_paths(settings, "glassdoor", glassdoor)
    # 5 + 2 + 3 rows: 2 rejected, and a Kaggle row twice in its file
    assert (first.written, first.report.duplicates, first.dropped, first.report.failed) == (6, 1, [], [])
    assert [line.split(": ", 1)[1] for line in first.report.errors] == [
        "row 3: spreadsheet artefact (pros #NAME?, cons #NAME?; no review text left)",
        "row 5: invalid date '31/2/2021'",
        "row 2: spreadsheet artefact (pros #NAME?, Cons #NAME?; no review text left)",
    ]
    assert "3 unreadable reviews" in first.lines()[0]
    indeed = import_paths(settings, "indeed", [files["indeed.csv"]], company=INDEED_COMPANY)
    assert (indeed.written, len(indeed.report.errors), indeed.report.failed) == (3, 1, [])
    assert indeed.load is not None and indeed.load.reviews_total == 9
    counts = _counts(settings.db_path)
    assert counts[:4] == (9, 13, 13, 5)  # sub-ratings by theme and by Glassdoor's label (4 + 5 + 4); 5 employers
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute(
            "SELECT theme, rating FROM review_subratings WHERE review_id = 'glassdoor:9001' ORDER BY theme"
        ).fetchall() == [("career", 2.0), ("compensation", 3.0), ("culture", 3.0), ("management", 2.0),
                         ("work_life_balance", 4.0)]  # fmt: skip
    again = import_paths(settings, "glassdoor", glassdoor)
    indeed_again = import_paths(settings, "indeed", [files["indeed.csv"]], company=INDEED_COMPANY)
    for summary in (again, indeed_again):
        assert summary.load is not None and (summary.load.reviews_new, summary.load.reviews_updated) == (0, 0)
    assert _counts(settings.db_path) == counts


def test_an_exported_review_with_glassdoors_id_merges_with_the_crawled_one(settings: Settings, tmp_path: Path) -> None:
    crawled = import_paths(settings, "glassdoor", [FIXTURES / "glassdoor" / "page1.html"])
    assert crawled.load is not None and "glassdoor:9001" in _review_ids(settings.db_path)
    exported = import_paths(settings, "glassdoor", [write_exports(tmp_path)["glassdoor_bright_data.csv"]])
    assert exported.load is not None
    assert (exported.load.reviews_new, exported.load.reviews_updated) == (1, 1)  # 9001 is the same review
    assert exported.load.reviews_total == crawled.load.reviews_total + 1


def test_an_indeed_csv_without_its_employer_is_refused_and_loads_nothing(settings: Settings, tmp_path: Path) -> None:
    path = write_exports(tmp_path)["indeed.csv"]
    summary = import_paths(settings, "indeed", [path])
    assert summary.report.failed == [f"{path}: the Indeed reviews CSV names no employer: say which (--company)"]
    assert (summary.written, summary.kept, settings.db_path.exists()) == (0, False, False)


def _review_ids(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {review_id for (review_id,) in con.execute("SELECT review_id FROM reviews").fetchall()}

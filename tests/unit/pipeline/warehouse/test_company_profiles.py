"""Company profiles in the warehouse: one per company and source, kept before the company's first review, loaded
twice counted once, the hand-edited directory winning where it gives a value, and the same companies whichever of
reviews and profiles comes first."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from revint.pipeline.warehouse.db import DataQualityError, connect, run_checks
from revint.pipeline.warehouse.load import apply_directory, load_batch
from revint.record import TaggedReview
from tests.support.records import mention, profile, review

LATER = datetime(2026, 3, 1, tzinfo=UTC)
DIRECTORY_HEADER = "company_id,name,sector,size,aliases\n"


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "w.duckdb")


def _directory(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "directory.csv"
    path.write_text(DIRECTORY_HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _companies(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT company_id, sector, size, headquarters FROM companies ORDER BY company_id").fetchall()


def _profiles(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT company_id, source, source_company_id, sector FROM company_profiles ORDER BY company_id, source"
    ).fetchall()


def _reviews() -> list[TaggedReview]:
    return [TaggedReview(review(1), [mention()]), TaggedReview(review(2, "globex"), [mention()])]


def test_a_profile_gives_its_company_sector_size_and_headquarters(con: duckdb.DuckDBPyConnection) -> None:
    loaded = load_batch(con, _reviews(), [profile("acme", founded=1990, website="http://acme.example")])
    assert _companies(con) == [("acme", "Logiciel", "De 51 à 200 employés", "Rodez"), ("globex", None, None, None)]
    assert (loaded.profiles_in_batch, loaded.profiles_new, loaded.profiles_total) == (1, 1, 1)
    assert loaded.companies_with_sector == 1
    row = con.execute("SELECT founded, website, source_reviews FROM company_profiles").fetchall()
    assert row == [(1990, "http://acme.example", 10)]
    assert con.execute("SELECT DISTINCT sector FROM mart_company_theme ORDER BY 1").fetchall() == [
        ("Logiciel",),
        (None,),
    ]
    benchmark = con.execute("SELECT sector, companies FROM mart_sector_theme ORDER BY sector").fetchall()
    assert benchmark == [("Logiciel", 1), ("unknown", 1)]


def test_a_profile_is_kept_until_its_company_has_reviews(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [], [profile("globex", sector="Énergie")])
    assert _companies(con) == [] and _profiles(con) == [("globex", "test", "E-globex", "Énergie")]
    load_batch(con, _reviews())
    assert _companies(con) == [
        ("acme", None, None, None),
        ("globex", "Énergie", "De 51 à 200 employés", "Rodez"),
    ]


def test_reviews_then_profiles_and_profiles_then_reviews_give_the_same_warehouse(tmp_path: Path) -> None:
    directory = _directory(tmp_path, "acme,Acme,,1000-5000,Acme Software")
    profiles = [profile("acme-software", company_name="Acme Software"), profile("globex", sector="Énergie")]
    results = []
    for order, batches in (
        ("reviews first", [(_reviews(), []), ([], profiles)]),
        ("profiles first", [([], profiles), (_reviews(), [])]),
    ):
        con = connect(tmp_path / f"{order}.duckdb")
        apply_directory(con, directory)
        for reviews, found in batches:
            load_batch(con, reviews, found)
        results.append(
            (_companies(con), _profiles(con), con.execute("SELECT * FROM mart_sector_theme ORDER BY ALL").fetchall())
        )
        con.close()
    assert results[0] == results[1]
    assert results[0][0] == [
        ("acme", "Logiciel", "1000-5000", "Rodez"),  # under its directory name; the directory's size wins
        ("globex", "Énergie", "De 51 à 200 employés", "Rodez"),
    ]


def test_loading_the_same_profiles_twice_counts_once(con: duckdb.DuckDBPyConnection) -> None:
    batch = [profile("acme"), profile("globex", source_company_id="E-9")]
    first = load_batch(con, _reviews(), batch)
    before = (_companies(con), con.execute("SELECT * FROM company_profiles ORDER BY ALL").fetchall())
    again = load_batch(con, _reviews(), batch)
    assert (_companies(con), con.execute("SELECT * FROM company_profiles ORDER BY ALL").fetchall()) == before
    assert (first.profiles_new, again.profiles_new, again.profiles_in_batch, again.profiles_total) == (2, 0, 2, 2)


def test_the_directory_wins_where_it_gives_a_value_and_the_profile_fills_the_rest(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    apply_directory(con, _directory(tmp_path, "acme,Acme,Conseil,,", "globex,Globex,,11-50,"))
    load_batch(con, _reviews(), [profile("acme"), profile("globex", sector="Énergie", headquarters=None)])
    assert _companies(con) == [
        ("acme", "Conseil", "De 51 à 200 employés", "Rodez"),
        ("globex", "Énergie", "11-50", None),
    ]
    apply_directory(con, _directory(tmp_path, "acme,Acme,,,"))  # the directory no longer says: the profile does
    assert _companies(con)[0] == ("acme", "Logiciel", "De 51 à 200 employés", "Rodez")


def test_a_profile_follows_its_name_when_the_directory_makes_it_an_alias(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    load_batch(con, [TaggedReview(review(1, company_name="Acme Software", company_id="acme-software"), [])])
    load_batch(con, [], [profile("acme-software", sector="Logiciel")])
    apply_directory(con, _directory(tmp_path, "acme,Acme,,,Acme Software"))
    assert _profiles(con) == [("acme", "test", "E-acme-software", "Logiciel")]
    assert _companies(con) == [("acme", "Logiciel", "De 51 à 200 employés", "Rodez")]
    run_checks(con)


def test_of_two_employers_under_one_company_id_the_one_with_more_reviews_gives_the_profile(
    con: duckdb.DuckDBPyConnection,
) -> None:
    main = profile("acme", source_company_id="E-1", sector="Logiciel", source_reviews=5600)
    namesake = profile("acme", source_company_id="E-2", sector="Électroménager", source_reviews=56, fetched_at=LATER)
    loaded = load_batch(con, _reviews(), [namesake, main])
    assert loaded.profiles_in_batch == 1 and _profiles(con) == [("acme", "test", "E-1", "Logiciel")]
    load_batch(con, [], [namesake])  # fetched later, but it is not the same employer and has fewer reviews
    assert _profiles(con) == [("acme", "test", "E-1", "Logiciel")]
    load_batch(con, [], [replace(main, sector="Conseil", fetched_at=LATER)])
    assert _profiles(con) == [("acme", "test", "E-1", "Conseil")]  # the same employer's later copy replaces it
    load_batch(con, [], [replace(main, sector="Vieux", fetched_at=datetime(2020, 1, 1, tzinfo=UTC))])
    assert _profiles(con) == [("acme", "test", "E-1", "Conseil")]  # an older copy never does


def test_profiles_of_one_company_from_two_sources_are_both_kept(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(
        con, _reviews(), [profile("acme", sector=None, size="11-50"), profile("acme", source="other", fetched_at=LATER)]
    )
    assert [row[:2] for row in _profiles(con)] == [("acme", "other"), ("acme", "test")]
    assert _companies(con)[0] == ("acme", "Logiciel", "De 51 à 200 employés", "Rodez")  # the latest that gives each


def test_a_profile_key_twice_fails_the_checks(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [], [profile("acme")])
    con.execute("INSERT INTO company_profiles SELECT * FROM company_profiles")
    with pytest.raises(DataQualityError, match="company_profiles_key_unique"):
        run_checks(con)

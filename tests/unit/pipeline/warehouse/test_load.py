"""The DuckDB warehouse: migrations, idempotent upserts, key checks that roll a bad load back, smoothing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from revint.pipeline.warehouse.db import SQL_DIR, DataQualityError, StaleWarehouse, connect, run_checks, write_session
from revint.pipeline.warehouse.load import load_batch
from revint.record import TaggedReview
from tests.support.records import mention, review

MIGRATIONS = sorted((SQL_DIR / "migrations").glob("*.sql"))


def counts(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    row = con.execute(
        "SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM reviews), "
        "(SELECT count(*) FROM review_subratings), (SELECT count(*) FROM mentions)"
    ).fetchone()
    assert row is not None
    return tuple(row)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "w.duckdb")


def test_migrations_are_recorded_and_applied_once(tmp_path: Path) -> None:
    connect(tmp_path / "w.duckdb").close()
    again = connect(tmp_path / "w.duckdb")
    versions = again.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert versions == [(n,) for n in range(1, len(list((SQL_DIR / "migrations").glob("*.sql"))) + 1)]


def test_a_first_version_warehouse_is_upgraded_in_place_without_data_loss(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)")
    old.execute((SQL_DIR / "migrations" / "001_init.sql").read_text(encoding="utf-8"))
    old.execute("INSERT INTO schema_migrations VALUES (1, 'init', now())")
    old.execute("INSERT INTO companies VALUES ('acme', 'Acme', now(), now())")
    old.execute(
        "INSERT INTO reviews (review_id, source, source_review_id, company_id, company_name, url, cons, "
        "fetched_at, loaded_at) VALUES ('t:1', 't', '1', 'acme', 'Acme', 'http://x', 'Salaire bas', now(), now())"
    )
    old.close()
    upgraded = connect(path)
    assert upgraded.execute("SELECT review_id, cons, recommends FROM reviews").fetchall() == [
        ("t:1", "Salaire bas", None)
    ]
    assert upgraded.execute("SELECT max(version) FROM schema_migrations").fetchone() == (len(MIGRATIONS),)
    load_batch(upgraded, [TaggedReview(review(2, recommends=True), [mention()])])
    assert upgraded.execute("SELECT count(*) FROM reviews WHERE recommends").fetchone() == (1,)


def test_loading_the_same_batch_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    batch = [TaggedReview(review(n), [mention()]) for n in range(5)]
    first = load_batch(con, batch)
    after_first = counts(con)
    second = load_batch(con, batch)
    assert after_first == counts(con) == (1, 5, 5, 5)
    assert (first.reviews_new, second.reviews_new) == (5, 0)


def test_an_edited_review_replaces_its_text_and_mentions(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [TaggedReview(review(1), [mention(), mention("career", unit=1)])])
    edited = review(1, cons="Bonne ambiance", subratings={})
    load_batch(con, [TaggedReview(edited, [mention("culture", "positive")])])
    assert con.execute("SELECT cons FROM reviews").fetchall() == [("Bonne ambiance",)]
    assert con.execute("SELECT theme, polarity FROM mentions").fetchall() == [("culture", "positive")]
    assert counts(con) == (1, 1, 0, 1)


def test_a_bad_row_fails_the_load_with_its_reason_and_leaves_the_previous_state(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load_batch(con, [TaggedReview(review(1), [mention()])])
    before = counts(con)
    with pytest.raises(DataQualityError, match="mentions_theme_accepted"):
        load_batch(con, [TaggedReview(review(2), [mention("vibes")])])
    with pytest.raises(DataQualityError, match="reviews_rating_in_range"):
        load_batch(con, [TaggedReview(review(3, rating=9.0), [])])
    assert counts(con) == before


def test_reviews_of_one_company_under_two_names_share_one_company_row(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [TaggedReview(review(1, company_name="ACME SA"), []), TaggedReview(review(2), [])])
    assert con.execute("SELECT count(*) FROM companies").fetchone() == (1,)


def test_smoothing_ranks_40_of_100_above_2_of_3(con: duckdb.DuckDBPyConnection) -> None:
    big = [TaggedReview(review(n, "big"), [mention()] if n < 40 else []) for n in range(100)]
    small = [TaggedReview(review(1000 + n, "small"), [mention()] if n < 2 else []) for n in range(3)]
    others = [TaggedReview(review(2000 + n, "others"), [mention()] if n < 20 else []) for n in range(200)]
    load_batch(con, big + small + others)
    rows = dict(
        con.execute(
            "SELECT company_id, smoothed_negative_share FROM mart_company_theme WHERE theme = 'compensation'"
        ).fetchall()
    )
    raw = dict(
        con.execute("SELECT company_id, negative_share FROM mart_company_theme WHERE theme = 'compensation'").fetchall()
    )
    assert raw["small"] > raw["big"]
    assert rows["big"] > rows["small"]


def test_read_only_connection_refuses_a_missing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no warehouse"):
        connect(tmp_path / "missing.duckdb", read_only=True)


def test_reviews_in_a_language_the_tagger_does_not_read_stay_out_of_the_marts(con: duckdb.DuckDBPyConnection) -> None:
    german = [TaggedReview(review(n, lang="de", cons="Gehalt zu niedrig"), [mention()]) for n in range(3)]
    load_batch(con, [TaggedReview(review(10), [mention()]), *german])
    assert con.execute("SELECT count(*) FROM reviews").fetchone() == (4,)
    assert con.execute("SELECT reviews, reviews_negative FROM mart_company_theme").fetchall() == [(1, 1)]
    assert con.execute("SELECT count(*) FROM stg_tagged_reviews").fetchone() == (1,)


def test_the_mart_checks_fail_on_a_broken_mart(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [TaggedReview(review(1), [mention()])])
    run_checks(con)
    con.execute("INSERT INTO mart_company_theme SELECT * FROM mart_company_theme")  # a key twice
    con.execute("UPDATE mart_sector_theme SET negative_share = 1.5")
    with pytest.raises(DataQualityError) as failed:
        run_checks(con)
    assert "mart_company_theme_key_unique" in str(failed.value)
    assert "mart_sector_theme_share_in_range" in str(failed.value)


def test_marts_another_version_built_are_refused_read_only_and_rebuilt_by_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    writer = connect(path)
    load_batch(writer, [TaggedReview(review(1), [mention()])])
    writer.execute("UPDATE mart_builds SET fingerprint = 'an older revint'")
    writer.execute("DROP TABLE mart_theme_baseline")  # as if that version had no such mart
    writer.close()
    with pytest.raises(StaleWarehouse, match=r"built by another version of revint: run `revint refresh --db "):
        connect(path, read_only=True)
    connect(path).close()  # what `revint refresh` does
    reader = connect(path, read_only=True)
    assert reader.execute("SELECT count(*) FROM mart_theme_baseline").fetchone() == (11,)
    reader.close()


def test_a_writer_brings_another_version_s_warehouse_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with write_session(path) as con:
        load_batch(con, [TaggedReview(review(1), [mention()])])
    stale = duckdb.connect(str(path))
    stale.execute("UPDATE mart_builds SET fingerprint = 'an older revint'")
    stale.close()
    with write_session(path) as con:
        load_batch(con, [TaggedReview(review(2), [mention()])])
    reader = connect(path, read_only=True)
    assert reader.execute("SELECT count(*) FROM reviews").fetchone() == (2,)
    reader.close()


def test_loading_a_review_again_keeps_when_it_first_arrived(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [TaggedReview(review(1), [mention()])])
    first = con.execute("SELECT first_loaded_at, loaded_at FROM reviews").fetchone()
    load_batch(con, [TaggedReview(review(1, cons="Salaire bas, encore"), [mention()])])
    again = con.execute("SELECT first_loaded_at, loaded_at FROM reviews").fetchone()
    assert first is not None and again is not None
    assert again[0] == first[0] and again[1] > first[1]

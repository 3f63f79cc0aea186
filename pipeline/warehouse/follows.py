"""The warehouse's side of `revint follow`, `revint unfollow` and `revint digest`: which companies are followed, the
digests produced, and the snapshots of the companies' reports they compare with (sql/follows.sql).

A snapshot row is the report's figures for one theme and polarity, as plain values in the columns' order, so that
this stage needs nothing from the insights stage: (theme, polarity, standing, raising, reviews, share). Each write
is one transaction whose key checks run before it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import duckdb

from revint.pipeline.warehouse.db import named_queries, run_checks

SQL = named_queries("follows.sql")
T = TypeVar("T")

SnapshotRow = tuple[str, str, str, int | None, int, float | None]  # theme, polarity, standing, raising, reviews, share


@dataclass(frozen=True)
class Followed:
    company_id: str
    name: str | None  # None: the company is no longer in the warehouse (its reviews were forgotten)
    followed_at: datetime


@dataclass(frozen=True)
class Snapshot:
    taken_at: datetime
    rows: list[SnapshotRow]


def followed(con: duckdb.DuckDBPyConnection) -> list[Followed]:
    return [Followed(*row) for row in con.execute(SQL["followed"]).fetchall()]


def latest_snapshot(con: duckdb.DuckDBPyConnection, company_id: str, at: datetime) -> Snapshot | None:
    """The company's latest snapshot taken at or before `at` (None when it has none that early)."""
    rows = con.execute(SQL["latest_snapshot"], {"company_id": company_id, "at": at}).fetchall()
    return Snapshot(rows[0][0], [tuple(row[1:]) for row in rows]) if rows else None


def new_reviews(con: duckdb.DuckDBPyConnection, company_id: str, since: datetime) -> int:
    """The company's reviews that its report counts (in a language the tagger reads) loaded after `since`."""
    row = con.execute(SQL["new_reviews"], {"company_id": company_id, "since": since}).fetchone()
    return int(row[0]) if row else 0


def loaded_since(con: duckdb.DuckDBPyConnection, review_ids: Sequence[str], since: datetime) -> set[str]:
    """Which of these reviews were loaded after `since`."""
    rows = con.execute(SQL["loaded_since"], {"review_ids": list(review_ids), "since": since}).fetchall()
    return {row[0] for row in rows}


def follow(
    con: duckdb.DuckDBPyConnection, followed_at: datetime, baselines: Mapping[str, Sequence[SnapshotRow]]
) -> list[str]:
    """Follow these companies, each with the snapshot of its report now, which its first digest compares with.
    A company already followed keeps its follow date and snapshots. Returns the companies newly followed."""

    def write() -> list[str]:
        added = []
        for company_id, rows in baselines.items():
            if con.execute(SQL["follow"], {"company_id": company_id, "followed_at": followed_at}).fetchall():
                _insert_snapshot(con, company_id, followed_at, None, rows)
                added.append(company_id)
        return added

    return _checked(con, write)


def unfollow(con: duckdb.DuckDBPyConnection, company_ids: Sequence[str]) -> list[str]:
    """Stop following these companies and drop their snapshots. Returns the ones that were followed."""

    def write() -> list[str]:
        parameters = {"company_ids": list(company_ids)}
        removed = [row[0] for row in con.execute(SQL["unfollow"], parameters).fetchall()]
        con.execute(SQL["forget_snapshots"], parameters)
        return removed

    return _checked(con, write)


def store_digest(
    con: duckdb.DuckDBPyConnection,
    produced_at: datetime,
    snapshots: Mapping[str, Sequence[SnapshotRow]],
    companies_changed: int,
) -> int:
    """Record a digest and the snapshot of each followed company's report it read; returns the digest's id."""

    def write() -> int:
        counts = {"produced_at": produced_at, "companies": len(snapshots), "companies_changed": companies_changed}
        row = con.execute(SQL["record_digest"], counts).fetchone()
        assert row is not None
        for company_id, rows in snapshots.items():
            _insert_snapshot(con, company_id, produced_at, row[0], rows)
        return int(row[0])

    return _checked(con, write)


def _insert_snapshot(
    con: duckdb.DuckDBPyConnection,
    company_id: str,
    snapshot_at: datetime,
    digest_id: int | None,
    rows: Sequence[SnapshotRow],
) -> None:
    names = ("theme", "polarity", "standing", "raising", "reviews", "share")
    taken = {"company_id": company_id, "snapshot_at": snapshot_at, "digest_id": digest_id}
    con.executemany(SQL["insert_snapshot_row"], [taken | dict(zip(names, row, strict=True)) for row in rows])


def _checked(con: duckdb.DuckDBPyConnection, write: Callable[[], T]) -> T:
    """`write` in one transaction, committed only when the key checks pass."""
    con.execute("BEGIN TRANSACTION")
    try:
        done = write()
        run_checks(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return done

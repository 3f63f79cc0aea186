"""Erasure in the warehouse: reviews, the rows derived from them, marts, search index and recorded exports.
The run files and page archives are `pipeline/forget.py`'s part of `revint forget`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from revint.pipeline.warehouse.db import connect, named_queries, refresh_marts
from revint.pipeline.warehouse.export import export_parquet, recorded_exports
from revint.pipeline.warehouse.load import ROW_TABLES
from revint.pipeline.warehouse.load import SQL as LOAD_SQL
from revint.pipeline.warehouse.search import rebuild_index

SQL = named_queries("erasure.sql")


@dataclass
class WarehouseErasure:
    rows_removed: dict[str, int] = field(default_factory=dict)  # by table
    exports_rewritten: list[Path] = field(default_factory=list)

    @property
    def reviews_removed(self) -> int:
        return self.rows_removed.get("reviews", 0)


def forget_in_warehouse(con: duckdb.DuckDBPyConnection, review_ids: list[str]) -> WarehouseErasure:
    """Delete the reviews and all rows derived from them, and list them so that no later load brings them back.

    Marts, the search index and recorded exports are rebuilt without them.
    """
    now = datetime.now(UTC)
    erased = WarehouseErasure()
    con.execute("BEGIN TRANSACTION")
    for table in ("reviews", *ROW_TABLES):
        deleted = con.execute(SQL[f"forget_{table}"], {"review_ids": review_ids}).fetchall()
        erased.rows_removed[table] = len(deleted)
    con.executemany(SQL["add_to_takedown_list"], [[rid, now] for rid in review_ids])
    con.execute(LOAD_SQL["drop_companies_without_reviews"])
    refresh_marts(con)
    con.execute("COMMIT")
    rebuild_index(con)
    for directory in recorded_exports(con):
        if directory.exists():
            export_parquet(con, directory)
            erased.exports_rewritten.append(directory)
    return erased


def forgotten_among(con: duckdb.DuckDBPyConnection, review_ids: list[str]) -> set[str]:
    """Which of these reviews are on the takedown list."""
    rows = con.execute(SQL["forgotten_among"], {"review_ids": review_ids}).fetchall()
    return {row[0] for row in rows}


def unknown_review_ids(db_path: Path, review_ids: list[str]) -> list[str]:
    """The ids no review of the warehouse has (read-only: a load may be running)."""
    con = connect(db_path, read_only=True)
    try:
        known = {row[0] for row in con.execute(SQL["known_among"], {"review_ids": review_ids}).fetchall()}
    finally:
        con.close()
    return [rid for rid in review_ids if rid not in known]


def check_review_ids(review_ids: list[str]) -> list[str]:
    """The ids that are not `source:id` with both parts non-empty (refused: they could match anything)."""
    return [rid for rid in review_ids if not re.fullmatch(r"[^:\s]+:\S+", rid)]

"""Erasure in the warehouse: reviews, the rows derived from them, marts, search index and recorded exports.
The run files and page archives are `pipeline/forget.py`'s part of `revint forget`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from revint.pipeline.warehouse.db import refresh_marts
from revint.pipeline.warehouse.export import export_parquet, recorded_exports
from revint.pipeline.warehouse.load import ROW_TABLES
from revint.pipeline.warehouse.search import rebuild_index


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
        row = con.execute(f"SELECT count(*) FROM {table} WHERE list_contains(?, review_id)", [review_ids]).fetchone()
        erased.rows_removed[table] = int(row[0]) if row else 0
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, review_id)", [review_ids])
    con.executemany(
        "INSERT INTO forgotten_reviews VALUES (?, ?) ON CONFLICT DO NOTHING", [[rid, now] for rid in review_ids]
    )
    con.execute("DELETE FROM companies WHERE company_id NOT IN (SELECT company_id FROM reviews)")
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
    rows = con.execute("SELECT review_id FROM forgotten_reviews WHERE list_contains(?, review_id)", [review_ids])
    return {row[0] for row in rows.fetchall()}


def check_review_ids(review_ids: list[str]) -> list[str]:
    """The ids that are not `source:id` with both parts non-empty (refused: they could match anything)."""
    return [rid for rid in review_ids if not re.fullmatch(r"[^:\s]+:\S+", rid)]

"""Parquet exports, partitioned by source and year, so that other engines read the warehouse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from revint.pipeline.warehouse.db import named_queries

EXPORTS = named_queries("export.sql")


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Write each table under `directory/<table>/source=…/year=…/`, replacing a previous export there.

    Paths go through DuckDB's Python API (`write_parquet`), never into SQL text.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for table, query in EXPORTS.items():
        rows = con.sql(query)
        rows.write_parquet(str(directory / table), partition_by=["source", "year"], overwrite=True)
        written[table] = len(con.table(table))
    con.table("companies").write_parquet(str(directory / "companies.parquet"))
    return written


def record_export(con: duckdb.DuckDBPyConnection, directory: Path) -> None:
    con.execute(
        "INSERT OR REPLACE INTO exports VALUES (?, 'parquet', ?)", [str(directory.resolve()), datetime.now(UTC)]
    )


def recorded_exports(con: duckdb.DuckDBPyConnection) -> list[Path]:
    return [Path(row[0]) for row in con.execute("SELECT path FROM exports ORDER BY path").fetchall()]

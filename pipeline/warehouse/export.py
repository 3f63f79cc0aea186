"""Parquet exports, partitioned by source and year, so that other engines read the warehouse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

EXPORTS = {
    "reviews": "SELECT *, {year} AS year FROM reviews",
    "mentions": "SELECT m.*, r.source, {year} AS year FROM mentions AS m JOIN reviews AS r USING (review_id)",
    "review_subratings": (
        "SELECT s.*, r.source, {year} AS year FROM review_subratings AS s JOIN reviews AS r USING (review_id)"
    ),
}
YEAR = "coalesce(CAST(year(review_date) AS VARCHAR), 'unknown')"


def _literal(path: Path) -> str:
    """A path as an SQL string literal (COPY takes no parameter for its target)."""
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Write each table under `directory/<table>/source=…/year=…/`, replacing a previous export there."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for table, query in EXPORTS.items():
        target = directory / table
        con.execute(
            f"COPY ({query.format(year=YEAR)}) TO {_literal(target)} "
            "(FORMAT parquet, PARTITION_BY (source, year), OVERWRITE)"
        )
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        written[table] = int(row[0]) if row else 0
    con.execute(f"COPY companies TO {_literal(directory / 'companies.parquet')} (FORMAT parquet)")
    return written


def record_export(con: duckdb.DuckDBPyConnection, directory: Path) -> None:
    con.execute(
        "INSERT OR REPLACE INTO exports VALUES (?, 'parquet', ?)", [str(directory.resolve()), datetime.now(UTC)]
    )


def recorded_exports(con: duckdb.DuckDBPyConnection) -> list[Path]:
    return [Path(row[0]) for row in con.execute("SELECT path FROM exports ORDER BY path").fetchall()]

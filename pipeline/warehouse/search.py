"""Full-text search over review text with DuckDB's fts extension, loaded offline from its PyPI package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import duckdb_extension_fts

FTS_EXTENSION = (
    Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
)
SEARCHED_COLUMNS = ("title", "pros", "cons", "advice", "body")


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    if not FTS_EXTENSION.exists():
        raise RuntimeError(f"no fts extension for duckdb {duckdb.__version__} at {FTS_EXTENSION}")
    con.load_extension(str(FTS_EXTENSION))  # a path, through the Python API: never pasted into SQL


def rebuild_index(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the BM25 index over reviews; French stemming, accents ignored."""
    load_fts(con)
    columns = ", ".join(f"'{c}'" for c in SEARCHED_COLUMNS)
    con.execute(
        f"PRAGMA create_fts_index('reviews', 'review_id', {columns}, stemmer = 'french', "
        "strip_accents = 1, overwrite = 1)"
    )


@dataclass(frozen=True)
class Hit:
    review_id: str
    company_name: str
    review_date: date | None
    score: float
    text: str


def search(con: duckdb.DuckDBPyConnection, query: str, *, company_id: str | None = None, limit: int = 10) -> list[Hit]:
    load_fts(con)
    rows = con.execute(
        f"""
        SELECT review_id, company_name, review_date, score, concat_ws(' | ', {", ".join(SEARCHED_COLUMNS)})
        FROM (SELECT *, fts_main_reviews.match_bm25(review_id, $query) AS score FROM reviews)
        WHERE score IS NOT NULL AND ($company_id IS NULL OR company_id = $company_id)
        ORDER BY score DESC, review_id
        LIMIT $limit
        """,
        {"query": query, "company_id": company_id, "limit": limit},
    ).fetchall()
    return [Hit(*row) for row in rows]

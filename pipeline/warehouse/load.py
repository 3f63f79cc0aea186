"""Bulk, idempotent loads: Arrow batches upserted in one transaction, key checks before commit."""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.warehouse.db import named_queries, refresh_marts, run_checks
from spiders.companies import canonical_company_id
from spiders.record import ReviewRecord

_STRING = pa.string()
REVIEW_SCHEMA = pa.schema(
    [
        ("review_id", _STRING),
        ("source", _STRING),
        ("source_review_id", _STRING),
        ("company_id", _STRING),
        ("company_name", _STRING),
        ("url", _STRING),
        ("lang", _STRING),
        ("review_date", pa.date32()),
        ("title", _STRING),
        ("pros", _STRING),
        ("cons", _STRING),
        ("advice", _STRING),
        ("body", _STRING),
        ("rating", pa.float64()),
        ("job_title", _STRING),
        ("location", _STRING),
        ("employment_status", _STRING),
        ("is_current", pa.bool_()),
        ("recommends", pa.bool_()),
        ("ceo_approval", _STRING),
        ("business_outlook", _STRING),
        ("employer_responses", pa.int32()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("tagged_with", _STRING),
    ]
)
MENTION_SCHEMA = pa.schema(
    [
        ("review_id", _STRING),
        ("section", _STRING),
        ("unit_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("unit_text", _STRING),
        ("theme", _STRING),
        ("polarity", _STRING),
        ("score", pa.float64()),
        ("model_version", _STRING),
    ]
)
SUBRATING_SCHEMA = pa.schema([("review_id", _STRING), ("theme", _STRING), ("rating", pa.float64())])
PLATFORM_RATING_SCHEMA = pa.schema([("review_id", _STRING), ("label", _STRING), ("rating", pa.float64())])
FACTOR_TEXT_SCHEMA = pa.schema([("review_id", _STRING), ("factor", _STRING), ("text", _STRING)])
# Child tables replaced wholesale for every review of a batch.
CHILD_TABLES = {
    "review_subratings": SUBRATING_SCHEMA,
    "review_platform_ratings": PLATFORM_RATING_SCHEMA,
    "review_factor_texts": FACTOR_TEXT_SCHEMA,
    "mentions": MENTION_SCHEMA,
}
SQL = named_queries("load.sql")


@dataclass(frozen=True)
class TaggedReview:
    """A review with the mentions the tagger found in it (one line of a run's tagged.jsonl)."""

    review: ReviewRecord
    mentions: list[dict[str, Any]]
    tagged_with: str | None = None  # the tagger version, recorded even when it found no mention

    def to_json_line(self) -> str:
        row = {"review": self.review.to_json_dict(), "mentions": self.mentions, "tagged_with": self.tagged_with}
        return json.dumps(row, ensure_ascii=False)

    @classmethod
    def from_json_line(cls, line: str) -> TaggedReview:
        row = json.loads(line)
        return cls(ReviewRecord.from_json_dict(row["review"]), row["mentions"], row.get("tagged_with"))


@dataclass(frozen=True)
class LoadSummary:
    reviews_in_batch: int
    reviews_new: int
    reviews_updated: int
    reviews_forgotten_skipped: int
    reviews_total: int
    mentions_total: int
    companies_total: int
    seconds: dict[str, float] = field(default_factory=dict)  # time of the load's main steps


def read_tagged(path: Path) -> list[TaggedReview]:
    with path.open(encoding="utf-8") as lines:
        return [TaggedReview.from_json_line(line) for line in lines if line.strip()]


def _columns(schema: pa.Schema, rows: list[tuple[Any, ...]]) -> pa.Table:
    """An Arrow table from row tuples, built column by column (much faster than one dict per row)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)


def arrow_tables(batch: list[TaggedReview]) -> dict[str, pa.Table]:
    """The batch as one Arrow table per warehouse table."""
    review_fields = REVIEW_SCHEMA.names[1:-1]
    mention_fields = MENTION_SCHEMA.names[1:]
    reviews: list[tuple[Any, ...]] = []
    subratings: list[tuple[Any, ...]] = []
    platform: list[tuple[Any, ...]] = []
    factors: list[tuple[Any, ...]] = []
    mentions: list[tuple[Any, ...]] = []
    for tagged in batch:
        record, rid = tagged.review, tagged.review.review_id
        reviews.append((rid, *(getattr(record, name) for name in review_fields), tagged.tagged_with))
        subratings.extend((rid, theme, float(value)) for theme, value in record.subratings.items())
        platform.extend((rid, label, float(value)) for label, value in record.platform_ratings.items())
        factors.extend((rid, factor, text) for factor, text in record.factor_texts.items())
        mentions.extend((rid, *(m[name] for name in mention_fields)) for m in tagged.mentions)
    return {
        "reviews": _columns(REVIEW_SCHEMA, reviews),
        "review_subratings": _columns(SUBRATING_SCHEMA, subratings),
        "review_platform_ratings": _columns(PLATFORM_RATING_SCHEMA, platform),
        "review_factor_texts": _columns(FACTOR_TEXT_SCHEMA, factors),
        "mentions": _columns(MENTION_SCHEMA, mentions),
    }


def _scalar(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row = con.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def apply_directory(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    """Load the hand-edited company directory CSV: sector, size and aliases. Returns the rows read.

    Apply it before loading reviews: their company ids then go through the directory's aliases, new
    companies take their sector and size from it, and the load rebuilds the marts once for both.
    """
    with directory.open(encoding="utf-8", newline="") as data:
        rows = list(csv.DictReader(data))
    entries = [(r["company_id"], r["name"], r["sector"] or None, r["size"] or None) for r in rows]
    aliases = [
        (canonical_company_id(alias), alias, r["company_id"])
        for r in rows
        for alias in [r["name"], *filter(None, r["aliases"].split("|"))]
    ]
    con.execute("BEGIN TRANSACTION")
    con.execute(SQL["clear_directory"])
    con.executemany(SQL["insert_directory_entry"], entries)
    con.executemany(SQL["upsert_directory_alias"], aliases)
    for step in (
        "move_aliased_reviews",
        "add_directory_companies",
        "drop_companies_without_reviews",
        "set_company_details",
    ):
        con.execute(SQL[step])
    con.execute("COMMIT")
    return len(rows)


def load_batch(con: duckdb.DuckDBPyConnection, batch: list[TaggedReview]) -> LoadSummary:
    """Upsert a batch of tagged reviews (see `load_tables`)."""
    return load_tables(con, arrow_tables(batch))


def load_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> LoadSummary:
    """Upsert Arrow tables of reviews and their child rows: loading the same tables twice changes nothing.

    Reviews on the takedown list (`revint forget`) are skipped; company ids go through `company_aliases`.
    Key checks run before the commit: a failure rolls the whole batch back and raises DataQualityError.
    """
    for name, table in tables.items():
        con.register(f"raw_{name}", table)
    con.execute(SQL["batch_reviews"])
    seconds: dict[str, float] = {}
    try:
        con.execute("BEGIN TRANSACTION")
        kept = _scalar(con, SQL["batch_kept"])
        new = _scalar(con, SQL["batch_new"])
        updated = _scalar(con, SQL["batch_updated"])
        con.execute(SQL["upsert_companies"])
        con.execute(SQL["add_aliases"])
        con.execute(SQL["upsert_reviews"], {"loaded_at": datetime.now(UTC)})
        insert_children = SQL["insert_child_rows" if kept == tables["reviews"].num_rows else "insert_kept_child_rows"]
        for name in CHILD_TABLES:
            con.execute(SQL["delete_child_rows"].replace("{table}", name))
            started = time.perf_counter()
            con.execute(insert_children.replace("{table}", name))
            seconds[f"insert {name}"] = time.perf_counter() - started
        for step, run in (("checks", run_checks), ("marts", refresh_marts), ("commit", _commit)):
            started = time.perf_counter()
            run(con)
            seconds[step] = time.perf_counter() - started
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS batch_reviews")
        for name in tables:
            con.unregister(f"raw_{name}")
    return LoadSummary(
        reviews_in_batch=tables["reviews"].num_rows,
        reviews_new=new,
        reviews_updated=updated,
        reviews_forgotten_skipped=tables["reviews"].num_rows - kept,
        reviews_total=_scalar(con, "SELECT count(*) FROM reviews"),
        mentions_total=_scalar(con, "SELECT count(*) FROM mentions"),
        companies_total=_scalar(con, "SELECT count(*) FROM companies"),
        seconds=seconds,
    )


def _commit(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("COMMIT")


def record_crawl_run(con: duckdb.DuckDBPyConnection, run: dict[str, Any]) -> None:
    """Store one crawl run's statistics (idempotent on run_id)."""
    con.execute(
        "INSERT OR REPLACE INTO crawl_runs BY NAME SELECT * FROM (SELECT "
        + ", ".join(f"${name} AS {name}" for name in run)
        + ")",
        {name: json.dumps(value) if name == "stats" else value for name, value in run.items()},
    )

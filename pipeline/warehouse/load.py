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

from pipeline.warehouse.db import refresh_marts, run_checks
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
# A change in any of these makes a reloaded review count as updated.
CONTENT_COLUMNS = ("title", "pros", "cons", "advice", "body", "rating", "review_date")


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
    con.execute("DELETE FROM company_directory")
    con.executemany("INSERT INTO company_directory VALUES (?, ?, ?, ?)", entries)
    con.executemany(
        "INSERT INTO company_aliases VALUES (?, ?, ?, 'directory') ON CONFLICT (alias_key) DO UPDATE SET "
        "alias = excluded.alias, company_id = excluded.company_id, source = excluded.source",
        aliases,
    )
    con.execute(  # reviews loaded under a name the directory now calls an alias move to its company
        "UPDATE reviews SET company_id = a.company_id FROM company_aliases AS a "
        "WHERE a.alias_key = reviews.company_id AND a.company_id <> reviews.company_id"
    )
    con.execute(
        "INSERT INTO companies BY NAME SELECT d.company_id, d.name, min(r.fetched_at) AS first_seen, "
        "max(r.fetched_at) AS last_seen FROM company_directory AS d JOIN reviews AS r USING (company_id) "
        "WHERE d.company_id NOT IN (SELECT company_id FROM companies) GROUP BY d.company_id, d.name"
    )
    con.execute("DELETE FROM companies WHERE company_id NOT IN (SELECT company_id FROM reviews)")
    con.execute(
        "UPDATE companies SET sector = d.sector, size = d.size FROM company_directory AS d "
        "WHERE companies.company_id = d.company_id"
    )
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
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE batch_reviews AS
        SELECT r.* REPLACE (coalesce(a.company_id, r.company_id) AS company_id), r.company_id AS alias_key
        FROM raw_reviews AS r
        LEFT JOIN company_aliases AS a ON a.alias_key = r.company_id
        WHERE r.review_id NOT IN (SELECT review_id FROM forgotten_reviews)
          AND NOT EXISTS (  -- an older copy (a reparse of an old archive) never replaces a newer one
              SELECT 1 FROM reviews AS stored WHERE stored.review_id = r.review_id AND stored.fetched_at > r.fetched_at
          )
        """
    )
    changed = " OR ".join(f"r.{c} IS DISTINCT FROM b.{c}" for c in CONTENT_COLUMNS)
    seconds: dict[str, float] = {}
    try:
        con.execute("BEGIN TRANSACTION")
        kept = _scalar(con, "SELECT count(*) FROM batch_reviews")
        new = _scalar(con, "SELECT count(*) FROM batch_reviews WHERE review_id NOT IN (SELECT review_id FROM reviews)")
        updated = _scalar(con, f"SELECT count(*) FROM batch_reviews b JOIN reviews r USING (review_id) WHERE {changed}")
        con.execute(
            """
            INSERT INTO companies BY NAME
            SELECT b.company_id, arg_max(b.company_name, b.fetched_at) AS name,
                   min(b.fetched_at) AS first_seen, max(b.fetched_at) AS last_seen,
                   any_value(d.sector) AS sector, any_value(d.size) AS size
            FROM batch_reviews AS b
            LEFT JOIN company_directory AS d USING (company_id)
            GROUP BY b.company_id
            ON CONFLICT (company_id) DO UPDATE SET
                name = excluded.name,
                first_seen = least(companies.first_seen, excluded.first_seen),
                last_seen = greatest(companies.last_seen, excluded.last_seen)
            """
        )
        con.execute(
            """
            INSERT INTO company_aliases
            SELECT DISTINCT ON (alias_key) alias_key, company_name, company_id, source FROM batch_reviews
            ON CONFLICT (alias_key) DO NOTHING
            """
        )
        con.execute(
            "INSERT OR REPLACE INTO reviews BY NAME SELECT * EXCLUDE (alias_key), ? AS loaded_at FROM batch_reviews",
            [datetime.now(UTC)],
        )
        skipped = (
            "" if kept == tables["reviews"].num_rows else "WHERE review_id IN (SELECT review_id FROM batch_reviews)"
        )
        for name in CHILD_TABLES:
            con.execute(f"DELETE FROM {name} WHERE review_id IN (SELECT review_id FROM batch_reviews)")
            started = time.perf_counter()
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM raw_{name} {skipped}")
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

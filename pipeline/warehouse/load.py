"""Bulk, idempotent loads: one Arrow batch per table, one transaction, key checks before commit."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.warehouse.db import connect, run_checks
from spiders.record import ReviewRecord

REVIEW_COLUMNS = [
    "review_id",
    "source",
    "source_review_id",
    "company_id",
    "company_name",
    "url",
    "lang",
    "review_date",
    "title",
    "pros",
    "cons",
    "advice",
    "body",
    "rating",
    "job_title",
    "location",
    "employment_status",
    "is_current",
    "fetched_at",
]
MENTION_COLUMNS = [
    "review_id",
    "section",
    "unit_index",
    "start_char",
    "end_char",
    "unit_text",
    "theme",
    "polarity",
    "score",
    "model_version",
]


@dataclass(frozen=True)
class TaggedReview:
    """A review with the mentions the tagger found in it (one line of a run's tagged.jsonl)."""

    review: ReviewRecord
    mentions: list[dict[str, Any]]

    def to_json_line(self) -> str:
        return json.dumps({"review": self.review.to_json_dict(), "mentions": self.mentions}, ensure_ascii=False)

    @classmethod
    def from_json_line(cls, line: str) -> TaggedReview:
        row = json.loads(line)
        return cls(ReviewRecord.from_json_dict(row["review"]), row["mentions"])


@dataclass(frozen=True)
class LoadSummary:
    reviews_in_batch: int
    reviews_new: int
    reviews_total: int
    mentions_total: int
    companies_total: int


def read_tagged(path: Path) -> list[TaggedReview]:
    with path.open(encoding="utf-8") as lines:
        return [TaggedReview.from_json_line(line) for line in lines if line.strip()]


def _arrow_batches(batch: Iterable[TaggedReview]) -> tuple[pa.Table, pa.Table, pa.Table]:
    reviews: list[dict[str, Any]] = []
    subratings: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for tagged in batch:
        row = tagged.review.to_json_dict()
        reviews.append(
            {name: row[name] for name in REVIEW_COLUMNS}
            | {
                "review_date": tagged.review.review_date,
                "fetched_at": tagged.review.fetched_at,
            }
        )
        subratings.extend(
            {"review_id": tagged.review.review_id, "theme": theme, "rating": float(value)}
            for theme, value in tagged.review.subratings.items()
        )
        mentions.extend({"review_id": tagged.review.review_id} | m for m in tagged.mentions)
    review_schema = pa.schema(
        [(name, pa.string()) for name in REVIEW_COLUMNS[:7]]
        + [("review_date", pa.date32())]
        + [(name, pa.string()) for name in REVIEW_COLUMNS[8:13]]
        + [("rating", pa.float64())]
        + [(name, pa.string()) for name in REVIEW_COLUMNS[14:17]]
        + [("is_current", pa.bool_()), ("fetched_at", pa.timestamp("us", tz="UTC"))]
    )
    mention_schema = pa.schema(
        [
            ("review_id", pa.string()),
            ("section", pa.string()),
            ("unit_index", pa.int32()),
            ("start_char", pa.int32()),
            ("end_char", pa.int32()),
            ("unit_text", pa.string()),
            ("theme", pa.string()),
            ("polarity", pa.string()),
            ("score", pa.float64()),
            ("model_version", pa.string()),
        ]
    )
    subrating_schema = pa.schema([("review_id", pa.string()), ("theme", pa.string()), ("rating", pa.float64())])
    return (
        pa.Table.from_pylist(reviews, schema=review_schema),
        pa.Table.from_pylist(subratings, schema=subrating_schema),
        pa.Table.from_pylist([{k: m[k] for k in MENTION_COLUMNS} for m in mentions], schema=mention_schema),
    )


def load_batch(con: duckdb.DuckDBPyConnection, batch: list[TaggedReview]) -> LoadSummary:
    """Upsert a batch of tagged reviews: loading the same batch twice leaves the warehouse unchanged."""
    reviews, subratings, mentions = _arrow_batches(batch)
    now = datetime.now(UTC)
    con.register("batch_reviews", reviews)
    con.register("batch_subratings", subratings)
    con.register("batch_mentions", mentions)
    try:
        con.execute("BEGIN TRANSACTION")
        before = con.execute("SELECT count(*) FROM reviews").fetchone()
        con.execute(
            """
            INSERT INTO companies
            SELECT company_id, arg_max(company_name, fetched_at), min(fetched_at), max(fetched_at)
            FROM batch_reviews GROUP BY company_id
            ON CONFLICT (company_id) DO UPDATE SET
                name = excluded.name,
                first_seen = least(companies.first_seen, excluded.first_seen),
                last_seen = greatest(companies.last_seen, excluded.last_seen)
            """
        )
        con.execute("INSERT OR REPLACE INTO reviews SELECT *, ? AS loaded_at FROM batch_reviews", [now])
        for table, source in (("review_subratings", "batch_subratings"), ("mentions", "batch_mentions")):
            con.execute(f"DELETE FROM {table} WHERE review_id IN (SELECT review_id FROM batch_reviews)")
            con.execute(f"INSERT INTO {table} SELECT * FROM {source}")
        run_checks(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("batch_reviews", "batch_subratings", "batch_mentions"):
            con.unregister(name)
    counts = con.execute(
        "SELECT (SELECT count(*) FROM reviews), (SELECT count(*) FROM mentions), (SELECT count(*) FROM companies)"
    ).fetchone()
    assert before is not None and counts is not None
    return LoadSummary(len(batch), counts[0] - before[0], counts[0], counts[1], counts[2])


def load_file(db_path: Path, tagged_path: Path) -> LoadSummary:
    con = connect(db_path)
    try:
        return load_batch(con, read_tagged(tagged_path))
    finally:
        con.close()


def record_crawl_run(db_path: Path, run: dict[str, Any]) -> None:
    """Store one crawl run's statistics (idempotent on run_id)."""
    con = connect(db_path)
    try:
        con.execute(
            "INSERT OR REPLACE INTO crawl_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run["run_id"],
                run["source"],
                run["started_at"],
                run["finished_at"],
                run["pages"],
                run["reviews_written"],
                run["reviews_dropped"],
                run["malformed"],
                run["canary_alerts"],
                json.dumps(run["stats"]),
            ],
        )
    finally:
        con.close()

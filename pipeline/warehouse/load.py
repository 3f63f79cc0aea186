"""Bulk, idempotent loads: Arrow batches upserted in one transaction, key checks before commit."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.warehouse.db import run_checks
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
ALIAS_SCHEMA = pa.schema([("alias_key", _STRING), ("alias", _STRING), ("company_id", _STRING), ("source", _STRING)])
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
    reviews_updated: int
    reviews_forgotten_skipped: int
    reviews_total: int
    mentions_total: int
    companies_total: int


def read_tagged(path: Path) -> list[TaggedReview]:
    with path.open(encoding="utf-8") as lines:
        return [TaggedReview.from_json_line(line) for line in lines if line.strip()]


def _child_rows(tagged: TaggedReview) -> dict[str, list[dict[str, Any]]]:
    review = tagged.review
    rid = review.review_id
    return {
        "review_subratings": [{"review_id": rid, "theme": k, "rating": float(v)} for k, v in review.subratings.items()],
        "review_platform_ratings": [
            {"review_id": rid, "label": k, "rating": float(v)} for k, v in review.platform_ratings.items()
        ],
        "review_factor_texts": [{"review_id": rid, "factor": k, "text": v} for k, v in review.factor_texts.items()],
        "mentions": [{"review_id": rid} | {k: m[k] for k in MENTION_SCHEMA.names[1:]} for m in tagged.mentions],
    }


def arrow_tables(batch: list[TaggedReview]) -> dict[str, pa.Table]:
    """The batch as one Arrow table per warehouse table."""
    reviews = []
    children: dict[str, list[dict[str, Any]]] = {name: [] for name in CHILD_TABLES}
    for tagged in batch:
        record = tagged.review
        reviews.append(
            {name: getattr(record, name, None) for name in REVIEW_SCHEMA.names} | {"review_id": record.review_id}
        )
        for name, rows in _child_rows(tagged).items():
            children[name].extend(rows)
    tables = {"reviews": pa.Table.from_pylist(reviews, schema=REVIEW_SCHEMA)}
    tables |= {name: pa.Table.from_pylist(rows, schema=CHILD_TABLES[name]) for name, rows in children.items()}
    return tables


def _scalar(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row = con.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def apply_directory(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    """Sector, size and aliases from the hand-edited company directory CSV; returns the rows read."""
    with directory.open(encoding="utf-8", newline="") as data:
        rows = list(csv.DictReader(data))
    for row in rows:
        con.execute(
            "UPDATE companies SET sector = ?, size = ? WHERE company_id = ?",
            [row["sector"] or None, row["size"] or None, row["company_id"]],
        )
        for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
            con.execute(
                "INSERT INTO company_aliases VALUES (?, ?, ?, 'directory') ON CONFLICT (alias_key) DO UPDATE SET "
                "alias = excluded.alias, company_id = excluded.company_id, source = excluded.source",
                [canonical_company_id(alias), alias, row["company_id"]],
            )
    return len(rows)


def load_batch(con: duckdb.DuckDBPyConnection, batch: list[TaggedReview]) -> LoadSummary:
    """Upsert a batch of tagged reviews: loading the same batch twice leaves the warehouse unchanged.

    Reviews on the takedown list (`revint forget`) are skipped. Key checks run before the commit; a failure
    rolls the whole batch back and raises DataQualityError.
    """
    forgotten = {row[0] for row in con.execute("SELECT review_id FROM forgotten_reviews").fetchall()}
    aliases = dict(con.execute("SELECT alias_key, company_id FROM company_aliases").fetchall())
    kept = [
        TaggedReview(replace(t.review, company_id=aliases.get(t.review.company_id, t.review.company_id)), t.mentions)
        for t in batch
        if t.review.review_id not in forgotten
    ]
    tables = arrow_tables(kept)
    tables["aliases"] = pa.Table.from_pylist(
        [
            {
                "alias_key": canonical_company_id(t.review.company_name),
                "alias": t.review.company_name,
                "company_id": t.review.company_id,
                "source": t.review.source,
            }
            for t in kept
        ],
        schema=ALIAS_SCHEMA,
    )
    for name, table in tables.items():
        con.register(f"batch_{name}", table)
    changed = " OR ".join(f"r.{c} IS DISTINCT FROM b.{c}" for c in CONTENT_COLUMNS)
    try:
        con.execute("BEGIN TRANSACTION")
        new = _scalar(con, "SELECT count(*) FROM batch_reviews WHERE review_id NOT IN (SELECT review_id FROM reviews)")
        updated = _scalar(con, f"SELECT count(*) FROM batch_reviews b JOIN reviews r USING (review_id) WHERE {changed}")
        con.execute(
            """
            INSERT INTO companies BY NAME
            SELECT company_id, arg_max(company_name, fetched_at) AS name,
                   min(fetched_at) AS first_seen, max(fetched_at) AS last_seen
            FROM batch_reviews GROUP BY company_id
            ON CONFLICT (company_id) DO UPDATE SET
                name = excluded.name,
                first_seen = least(companies.first_seen, excluded.first_seen),
                last_seen = greatest(companies.last_seen, excluded.last_seen)
            """
        )
        con.execute(
            """
            INSERT INTO company_aliases
            SELECT DISTINCT ON (alias_key) * FROM batch_aliases
            ON CONFLICT (alias_key) DO NOTHING
            """
        )
        con.execute(
            "INSERT OR REPLACE INTO reviews BY NAME SELECT *, ? AS loaded_at FROM batch_reviews", [datetime.now(UTC)]
        )
        for name in CHILD_TABLES:
            con.execute(f"DELETE FROM {name} WHERE review_id IN (SELECT review_id FROM batch_reviews)")
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM batch_{name}")
        run_checks(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in tables:
            con.unregister(f"batch_{name}")
    return LoadSummary(
        reviews_in_batch=len(batch),
        reviews_new=new,
        reviews_updated=updated,
        reviews_forgotten_skipped=len(batch) - len(kept),
        reviews_total=_scalar(con, "SELECT count(*) FROM reviews"),
        mentions_total=_scalar(con, "SELECT count(*) FROM mentions"),
        companies_total=_scalar(con, "SELECT count(*) FROM companies"),
    )


def record_crawl_run(con: duckdb.DuckDBPyConnection, run: dict[str, Any]) -> None:
    """Store one crawl run's statistics (idempotent on run_id)."""
    con.execute(
        "INSERT OR REPLACE INTO crawl_runs BY NAME SELECT * FROM (SELECT "
        + ", ".join(f"${name} AS {name}" for name in run)
        + ")",
        {name: json.dumps(value) if name == "stats" else value for name, value in run.items()},
    )

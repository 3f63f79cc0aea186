"""Bulk, idempotent loads: Arrow batches upserted in one transaction, key checks before commit.

A batch is tagged reviews and, from imports of overview pages, company profiles; a company takes its sector, size
and headquarters from the hand-edited directory where it gives them, else from its profiles.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import duckdb
import pyarrow as pa

from revint.companies import CompanyProfile, canonical_company_id
from revint.pipeline.warehouse.db import named_queries, refresh_marts, run_checks
from revint.pipeline.warehouse.schema import (
    CHILD_TABLES,
    MENTION_COLUMNS,
    MENTION_SCHEMA,
    PROFILE_SCHEMA,
    REVIEW_COLUMNS,
    REVIEW_SCHEMA,
)
from revint.record import TaggedReview

# Tables whose rows are replaced wholesale for every review of a batch.
ROW_TABLES: Final = (*(child.name for child in CHILD_TABLES), "mentions")

SQL = named_queries("load.sql")
# `batch_profiles` (one per company and source, from `incoming_profiles`) upserted: a stored profile gives way to a
# better one.
PROFILE_UPSERT: Final = ("delete_outranked_profiles", "insert_profiles")


@dataclass(frozen=True)
class LoadSummary:
    reviews_in_batch: int
    reviews_new: int
    reviews_updated: int
    reviews_forgotten_skipped: int
    reviews_total: int
    mentions_total: int
    companies_total: int
    profiles_in_batch: int  # company profiles, one per company and source (`batch_profiles`)
    profiles_new: int  # of them, for a company and source the warehouse had no profile of
    profiles_total: int
    companies_with_sector: int
    seconds: dict[str, float] = field(default_factory=dict)  # time of the load's main steps


def _columns(schema: pa.Schema, rows: list[tuple[Any, ...]]) -> pa.Table:
    """An Arrow table from row tuples, built column by column (much faster than one dict per row)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)


def arrow_tables(batch: list[TaggedReview]) -> dict[str, pa.Table]:
    """The batch as one Arrow table per warehouse table."""
    reviews: list[tuple[Any, ...]] = []
    children: dict[str, list[tuple[Any, ...]]] = {child.name: [] for child in CHILD_TABLES}
    mentions: list[tuple[Any, ...]] = []
    for tagged in batch:
        record, rid = tagged.review, tagged.review.review_id
        reviews.append(
            (rid, *(getattr(record, name) for name in REVIEW_COLUMNS), tagged.tagged_with, record.content_hash())
        )
        for child in CHILD_TABLES:
            children[child.name].extend((rid, *entry) for entry in getattr(record, child.field).items())
        mentions.extend((rid, *(getattr(m, name) for name in MENTION_COLUMNS)) for m in tagged.mentions)
    return {
        "reviews": _columns(REVIEW_SCHEMA, reviews),
        **{child.name: _columns(child.schema, children[child.name]) for child in CHILD_TABLES},
        "mentions": _columns(MENTION_SCHEMA, mentions),
    }


def profile_table(profiles: Sequence[CompanyProfile]) -> pa.Table:
    """Company profiles as the Arrow table of `company_profiles` (same columns, in the profile's field order)."""
    return _columns(PROFILE_SCHEMA, [astuple(profile) for profile in profiles])


def _scalar(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row = con.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def apply_directory(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    """Load the hand-edited company directory CSV: sector, size and aliases. Returns the rows read.

    Apply it before loading reviews: their company ids then go through the directory's aliases, new
    companies take their sector and size from it, and the load rebuilds the marts once for both. Reviews and
    profiles stored under a name the directory makes an alias move to its company; its sector and size win over
    the profiles' where it gives them.
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
        "aliased_profiles",  # profiles under a name the directory has just made an alias go to its company
        "take_out_aliased_profiles",
        "batch_profiles",
        *PROFILE_UPSERT,
        "add_directory_companies",
        "drop_companies_without_reviews",
        "set_company_details",
    ):
        con.execute(SQL[step])
    con.execute("COMMIT")
    con.execute(SQL["drop_batch_tables"])
    return len(rows)


def load_batch(
    con: duckdb.DuckDBPyConnection, batch: list[TaggedReview], profiles: Sequence[CompanyProfile] = ()
) -> LoadSummary:
    """Upsert a batch of tagged reviews and company profiles (see `load_tables`)."""
    return load_tables(con, arrow_tables(batch), profile_table(profiles))


def load_tables(
    con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table], profiles: pa.Table | None = None
) -> LoadSummary:
    """Upsert Arrow tables of reviews and their child rows, and company profiles: loading the same tables twice
    changes nothing.

    Reviews on the takedown list (`revint forget`) are skipped; company ids go through `company_aliases`. A profile
    is kept whether its company has reviews yet or not. Key checks run before the commit: a failure rolls the whole
    batch back and raises DataQualityError.
    """
    for name, table in {**tables, "company_profiles": profile_table(()) if profiles is None else profiles}.items():
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
        con.execute(SQL["incoming_profiles"])
        con.execute(SQL["batch_profiles"])
        profiles_in_batch = _scalar(con, "SELECT count(*) FROM batch_profiles")
        profiles_new = _scalar(con, SQL["batch_profiles_new"])
        for step in (*PROFILE_UPSERT, "set_company_details"):
            con.execute(SQL[step])
        con.execute(SQL["upsert_reviews"], {"loaded_at": datetime.now(UTC)})
        insert = "insert" if kept == tables["reviews"].num_rows else "insert_kept"
        for name in ROW_TABLES:
            con.execute(SQL[f"delete_{name}"])
            started = time.perf_counter()
            con.execute(SQL[f"{insert}_{name}"])
            seconds[f"insert {name}"] = time.perf_counter() - started
        for step, run in (("marts", refresh_marts), ("checks", run_checks), ("commit", _commit)):
            started = time.perf_counter()
            run(con)
            seconds[step] = time.perf_counter() - started
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute(SQL["drop_batch_tables"])
        for name in (*tables, "company_profiles"):
            con.unregister(f"raw_{name}")
    return LoadSummary(
        reviews_in_batch=tables["reviews"].num_rows,
        reviews_new=new,
        reviews_updated=updated,
        reviews_forgotten_skipped=tables["reviews"].num_rows - kept,
        profiles_in_batch=profiles_in_batch,
        profiles_new=profiles_new,
        seconds=seconds,
        **_totals(con),
    )


def nothing_loaded(con: duckdb.DuckDBPyConnection) -> LoadSummary:
    """What a load of an empty batch would report, without its marts refresh and checks: the warehouse's totals."""
    return LoadSummary(0, 0, 0, 0, profiles_in_batch=0, profiles_new=0, seconds={}, **_totals(con))


def _totals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        "reviews_total": _scalar(con, "SELECT count(*) FROM reviews"),
        "mentions_total": _scalar(con, "SELECT count(*) FROM mentions"),
        "companies_total": _scalar(con, "SELECT count(*) FROM companies"),
        "profiles_total": _scalar(con, "SELECT count(*) FROM company_profiles"),
        "companies_with_sector": _scalar(con, "SELECT count(sector) FROM companies"),
    }


def _commit(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("COMMIT")


def record_crawl_run(con: duckdb.DuckDBPyConnection, run: dict[str, Any]) -> None:
    """Store one crawl run's statistics (idempotent on run_id); `run` holds every column of `crawl_runs`."""
    con.execute(
        SQL["record_crawl_run"], {name: json.dumps(value) if name == "stats" else value for name, value in run.items()}
    )

"""The warehouse's side of `revint retag`: which reviews a tagger version has not tagged, and their new mentions
written in one transaction (pipeline/retag.py tags them in between)."""

from __future__ import annotations

import duckdb

from revint.pipeline.warehouse.db import named_queries, refresh_marts, run_checks
from revint.pipeline.warehouse.load import arrow_tables
from revint.record import ReviewRecord, TaggedReview

SQL = named_queries("retag.sql")


def stale_reviews(
    con: duckdb.DuckDBPyConnection, version: str, *, everything: bool = False, limit: int | None = None
) -> list[ReviewRecord]:
    """The reviews last tagged by another version than `version` (all of them with `everything`), with the
    fields tagging reads; the first `limit` of them in id order."""
    cursor = con.execute(SQL["stale_reviews"], {"everything": everything, "version": version, "limit": limit})
    names = [column[0] for column in cursor.description or ()]
    records = []
    for row in cursor.fetchall():
        fields = dict(zip(names, row, strict=True))
        records.append(ReviewRecord(**fields | {"factor_texts": dict(fields["factor_texts"])}))
    return records


def mention_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(SQL["count_mentions"]).fetchone()
    return int(row[0]) if row else 0


def replace_mentions(con: duckdb.DuckDBPyConnection, tagged: list[TaggedReview], version: str) -> None:
    """The reviews' mentions replaced by these, the reviews marked as tagged by `version`, marts rebuilt, key
    checks run: one transaction, rolled back whole on failure."""
    review_ids = [t.review.review_id for t in tagged]
    con.register("retagged_mentions", arrow_tables(tagged)["mentions"])
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(SQL["delete_mentions"], {"review_ids": review_ids})
        con.execute(SQL["insert_retagged_mentions"])
        con.execute(SQL["mark_retagged"], {"version": version, "review_ids": review_ids})
        refresh_marts(con)
        run_checks(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("retagged_mentions")

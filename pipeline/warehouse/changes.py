"""What a nightly run must tag and load: crawled reviews the warehouse lacks, or holds in another version (edited
text, rating, role…, or tagged by another tagger version); and a fingerprint of the data the site and the digest
are built from, so that a run that changed nothing rebuilds neither."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

import duckdb

from revint.pipeline.warehouse.db import marts_fingerprint, named_queries
from revint.record import ReviewRecord

SQL = named_queries("changes.sql")


def review_version(record: ReviewRecord) -> tuple[Any, ...]:
    """The fields of a review that a load would change, in the order `stored_versions` selects them."""
    return (
        record.title,
        record.pros,
        record.cons,
        record.advice,
        record.body,
        record.rating,
        record.review_date,
        record.job_title,
        record.location,
        record.employment_status,
        record.is_current,
    )


def unchanged_reviews(con: duckdb.DuckDBPyConnection, records: Iterable[ReviewRecord], tagger: str) -> set[str]:
    """The ids of the reviews the warehouse holds exactly so, tagged by `tagger`."""
    crawled = {record.review_id: review_version(record) for record in records}
    rows = con.execute(SQL["stored_versions"], {"review_ids": list(crawled)}).fetchall()
    return {
        row[0]
        for row in rows
        if row[-1] == tagger and tuple(_comparable(v) for v in row[1:-1]) == tuple(map(_comparable, crawled[row[0]]))
    }


def _comparable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def data_state(con: duckdb.DuckDBPyConnection) -> str:
    """A fingerprint of the warehouse's reviews, mentions and companies, and of the marts' definitions."""
    row = con.execute(SQL["data_state"]).fetchone()
    return hashlib.sha1(repr((row, marts_fingerprint())).encode()).hexdigest()

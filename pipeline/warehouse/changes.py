"""What a nightly run must tag and load: crawled reviews the warehouse lacks, or holds in another version (any field
edited, or tagged by another tagger version); and a fingerprint of the data the site and the digest
are built from, so that a run that changed nothing rebuilds neither."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import duckdb

from revint.pipeline.warehouse.db import marts_fingerprint, named_queries
from revint.record import ReviewRecord

SQL = named_queries("changes.sql")


def unchanged_reviews(con: duckdb.DuckDBPyConnection, records: Iterable[ReviewRecord], tagger: str) -> set[str]:
    """The ids of the reviews the warehouse holds exactly so (`ReviewRecord.content_hash`), tagged by `tagger`."""
    crawled = {record.review_id: record.content_hash() for record in records}
    rows = con.execute(SQL["stored_versions"], {"review_ids": list(crawled)}).fetchall()
    return {
        review_id for review_id, stored, tagged_with in rows if stored == crawled[review_id] and tagged_with == tagger
    }


def data_state(con: duckdb.DuckDBPyConnection) -> str:
    """A fingerprint of the warehouse's reviews, mentions and companies, and of the marts' definitions."""
    row = con.execute(SQL["data_state"]).fetchone()
    return hashlib.sha1(repr((row, marts_fingerprint())).encode()).hexdigest()

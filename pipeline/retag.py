"""`revint retag`: tag again the reviews whose mentions came from another tagger version than today's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from revint.models.tagger import Tagger
from revint.pipeline.progress import Progress
from revint.pipeline.stages import tag_review
from revint.pipeline.warehouse.db import refresh_marts, run_checks, write_session
from revint.pipeline.warehouse.load import arrow_tables
from revint.pipeline.warehouse.search import rebuild_index
from revint.record import ReviewRecord

STALE = """
SELECT r.review_id, r.source, r.source_review_id, r.company_name, r.company_id, r.url, r.lang, r.title,
       r.pros, r.cons, r.advice, r.body,
       coalesce((SELECT map_from_entries(list((f.factor, f.text))) FROM review_factor_texts AS f
                 WHERE f.review_id = r.review_id), MAP {}) AS factor_texts
FROM reviews AS r
WHERE $everything OR r.tagged_with IS DISTINCT FROM $version
ORDER BY r.review_id
"""


@dataclass(frozen=True)
class RetagSummary:
    reviews: int
    mentions_before: int
    mentions_after: int
    version: str


def _mention_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM mentions").fetchone()
    return int(row[0]) if row else 0


def retag(con: duckdb.DuckDBPyConnection, tagger: Tagger, *, everything: bool = False) -> RetagSummary:
    """Replace the mentions of stale reviews (or of all with `everything`) in one transaction."""
    rows = con.execute(STALE, {"everything": everything, "version": tagger.version}).fetchall()
    before = _mention_count(con)
    progress = Progress("retag", "reviews", total=len(rows))
    tagged = []
    for rid, source, sid, name, cid, url, lang, title, pros, cons, advice, body, factors in rows:
        record = ReviewRecord(
            source=source,
            source_review_id=sid,
            company_name=name,
            company_id=cid,
            url=url,
            fetched_at=datetime.now(UTC),
            lang=lang,
            title=title,
            pros=pros,
            cons=cons,
            advice=advice,
            body=body,
            factor_texts=dict(factors),
        )
        assert record.review_id == rid
        tagged.append(tag_review(record, tagger))
        progress.advance()
    progress.done()
    mentions = arrow_tables(tagged)["mentions"]
    con.register("retagged_mentions", mentions)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "DELETE FROM mentions WHERE review_id IN (SELECT review_id FROM (SELECT unnest(?) AS review_id))",
            [[t.review.review_id for t in tagged]],
        )
        con.execute("INSERT INTO mentions BY NAME SELECT * FROM retagged_mentions")
        con.execute(
            "UPDATE reviews SET tagged_with = ? WHERE review_id IN (SELECT unnest(?))",
            [tagger.version, [t.review.review_id for t in tagged]],
        )
        run_checks(con)
        refresh_marts(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("retagged_mentions")
    return RetagSummary(len(tagged), before, _mention_count(con), tagger.version)


def retag_warehouse(db_path: Path, *, everything: bool = False) -> RetagSummary:
    with write_session(db_path) as con:
        summary = retag(con, Tagger(), everything=everything)
        rebuild_index(con)
    return summary

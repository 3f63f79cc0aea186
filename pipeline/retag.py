"""`revint retag`: tag again the reviews whose mentions came from another tagger version than today's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from revint.models.tagger import Tagger
from revint.pipeline.progress import Progress
from revint.pipeline.stages import tag_review
from revint.pipeline.warehouse.db import write_session
from revint.pipeline.warehouse.retag import mention_count, replace_mentions, stale_reviews
from revint.pipeline.warehouse.search import rebuild_index


@dataclass(frozen=True)
class RetagSummary:
    reviews: int
    mentions_before: int
    mentions_after: int
    version: str


def retag(
    con: duckdb.DuckDBPyConnection, tagger: Tagger, *, everything: bool = False, limit: int | None = None
) -> RetagSummary:
    """Replace the mentions of stale reviews (or of all with `everything`; the first `limit`) in one transaction."""
    reviews = stale_reviews(con, tagger.version, everything=everything, limit=limit)
    before = mention_count(con)
    progress = Progress("retag", "reviews", total=len(reviews))
    tagged = []
    for review in reviews:
        tagged.append(tag_review(review, tagger))
        progress.advance()
    progress.done()
    replace_mentions(con, tagged, tagger.version)
    return RetagSummary(len(tagged), before, mention_count(con), tagger.version)


def retag_warehouse(db_path: Path, *, everything: bool = False) -> RetagSummary:
    with write_session(db_path) as con:
        summary = retag(con, Tagger(), everything=everything)
        rebuild_index(con)
    return summary


def retag_batch(db_path: Path, tagger: Tagger, size: int) -> RetagSummary:
    """Retag the next `size` reviews another tagger version tagged, in a transaction of their own: a retag cut short
    resumes where it stopped, each batch already published. 0 reviews: nothing is left to retag."""
    with write_session(db_path) as con:
        summary = retag(con, tagger, limit=size)
        if summary.reviews:
            rebuild_index(con)
    return summary

"""`revint forget`: remove reviews everywhere (warehouse, marts, search index, exports, run files, page
archive), for good."""

from __future__ import annotations

import re
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.warehouse.db import refresh_marts
from pipeline.warehouse.export import export_parquet, recorded_exports
from pipeline.warehouse.load import CHILD_TABLES
from pipeline.warehouse.search import rebuild_index
from spiders.archive import ArchivedPage, ArchiveWriter, read_archive
from spiders.parsers.registry import parsers_for
from spiders.pipelines import review_id_of
from spiders.runlock import run_lock

RUN_FILES = ("reviews.jsonl", "tagged.jsonl")


@dataclass
class ErasureReport:
    reviews_removed: int = 0
    rows_removed: dict[str, int] = field(default_factory=dict)
    exports_rewritten: list[Path] = field(default_factory=list)
    run_lines_removed: int = 0
    archived_pages_removed: int = 0


def forget_in_warehouse(con: duckdb.DuckDBPyConnection, review_ids: list[str], report: ErasureReport) -> None:
    """Delete the reviews and all rows derived from them, and list them so that no later load brings them back.

    Marts, the search index and recorded exports are rebuilt without them.
    """
    now = datetime.now(UTC)
    con.execute("BEGIN TRANSACTION")
    for table in ("reviews", *CHILD_TABLES):
        row = con.execute(f"SELECT count(*) FROM {table} WHERE list_contains(?, review_id)", [review_ids]).fetchone()
        report.rows_removed[table] = int(row[0]) if row else 0
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, review_id)", [review_ids])
    con.executemany(
        "INSERT INTO forgotten_reviews VALUES (?, ?) ON CONFLICT DO NOTHING", [[rid, now] for rid in review_ids]
    )
    con.execute("DELETE FROM companies WHERE company_id NOT IN (SELECT company_id FROM reviews)")
    refresh_marts(con)
    con.execute("COMMIT")
    report.reviews_removed = report.rows_removed["reviews"]
    rebuild_index(con)
    for directory in recorded_exports(con):
        if directory.exists():
            export_parquet(con, directory)
            report.exports_rewritten.append(directory)


def forget_in_run_files(runs_dir: Path, review_ids: set[str], report: ErasureReport) -> None:
    """Rewrite every crawl run's JSON Lines files without the forgotten reviews.

    A file is rewritten under its run's lock (a crawl or tag stage writing the run holds it), so no line
    appended meanwhile is lost. A line that does not decode (torn by a crash) is kept as it is: it is not a
    whole review, and the stages that read the file cut it off themselves.
    """
    for path in sorted(p for name in RUN_FILES for p in runs_dir.glob(f"*/{name}")):
        if not _lines_without(path, review_ids)[1]:
            continue  # read without the lock: most runs hold none of the reviews
        with _run_locked(path.parent):
            kept, removed = _lines_without(path, review_ids)
            temporary = path.with_suffix(".forget")
            temporary.write_text("".join(kept), encoding="utf-8")
            temporary.replace(path)
        report.run_lines_removed += removed


def _lines_without(path: Path, review_ids: set[str]) -> tuple[list[str], int]:
    kept, removed = [], 0
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if review_id_of(line) in review_ids:
                removed += 1
            else:
                kept.append(line)
    return kept, removed


def _run_locked(run_dir: Path) -> AbstractContextManager[None]:
    """The run's lock, saying on stderr when a crawl or tag stage holds it and forget has to wait."""

    def say_waiting() -> None:
        print(f"forget: waiting for {run_dir.name}: a crawl or tag stage is writing it", file=sys.stderr, flush=True)

    return run_lock(run_dir, on_wait=say_waiting)


def _shows(page: ArchivedPage, review_ids: set[str]) -> bool:
    """Whether a page holds one of the reviews, by parsing it as its spider does (ids may be content hashes)."""
    try:
        parsed = parsers_for(page.spider).parse_fetched(page.text(), page.url, page.fetched_at)
    except ValueError:
        return False
    return any(record.review_id in review_ids for record in parsed.records)


def forget_in_archives(runs_dir: Path, review_ids: set[str], report: ErasureReport) -> None:
    """Drop every archived page that shows a forgotten review.

    A page holds other reviews too: they stay in the warehouse, but `revint reparse` can no longer rebuild
    them from this run's archive. Erasure wins over the archive's completeness.
    """
    for path in sorted(runs_dir.glob("*/archive/*.jsonl.gz")):
        if not any(_shows(page, review_ids) for page in read_archive(path)):
            continue
        with _run_locked(path.parent.parent):
            pages = list(read_archive(path))
            kept = [page for page in pages if not _shows(page, review_ids)]
            temporary = path.with_name(path.name + ".forget")
            writer = ArchiveWriter(temporary)
            for page in kept:
                writer.write(page)
            writer.close()
            temporary.replace(path)
        report.archived_pages_removed += len(pages) - len(kept)


def forgotten_among(con: duckdb.DuckDBPyConnection, review_ids: list[str]) -> set[str]:
    """Which of these reviews are on the takedown list."""
    rows = con.execute("SELECT review_id FROM forgotten_reviews WHERE list_contains(?, review_id)", [review_ids])
    return {row[0] for row in rows.fetchall()}


def check_review_ids(review_ids: list[str]) -> list[str]:
    """The ids that are not `source:id` with both parts non-empty (refused: they could match anything)."""
    return [rid for rid in review_ids if not re.fullmatch(r"[^:\s]+:\S+", rid)]

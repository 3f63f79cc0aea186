"""`revint forget`: remove reviews everywhere (warehouse, marts, search index, exports, run files, page
archive), for good. The warehouse's part is pipeline/warehouse/erasure.py; the run folders' part is here,
because finding a review in an archived page takes the spiders' parsers."""

from __future__ import annotations

import pickle
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from revint.archive import ArchivedPage, ArchiveWriter, read_archive
from revint.pipeline.warehouse.db import write_session
from revint.pipeline.warehouse.erasure import WarehouseErasure, forget_in_warehouse
from revint.runfiles import (
    CHUNKS_DIR,
    FRESH_FILE,
    KNOWN_IDS_FILE,
    REVIEWS_FILE,
    SPIDER_STATE,
    TAGGED_FILE,
    review_id_of,
    run_lock,
)
from revint.settings import Settings
from revint.spiders.parsers.registry import parsers_for


@dataclass(frozen=True)
class ErasureReport:
    warehouse: WarehouseErasure
    run_lines_removed: int
    archived_pages_removed: int


def forget_everywhere(settings: Settings, review_ids: list[str]) -> ErasureReport:
    """The reviews out of the warehouse (published compacted: no trace of their text left in the file), the run
    files and the page archives."""
    with write_session(settings.db_path, compact=True) as con:
        warehouse = forget_in_warehouse(con, review_ids)
    runs = settings.work_dir / "runs"
    return ErasureReport(
        warehouse, forget_in_run_files(runs, set(review_ids)), forget_in_archives(runs, set(review_ids))
    )


def forget_in_run_files(runs_dir: Path, review_ids: set[str]) -> int:
    """Rewrite every crawl run's JSON Lines files (a nightly run's fresh reviews and chunks too) without the
    forgotten reviews, and its crawl state without their ids (`forget_in_crawl_state`); returns the lines removed.

    A file is rewritten under its run's lock (a crawl or tag stage writing the run holds it), so no line
    appended meanwhile is lost. A line that does not decode (torn by a crash) is kept as it is: it is not a
    whole review, and the stages that read the file cut it off themselves.
    """
    removed_in_all = 0
    names = (REVIEWS_FILE, TAGGED_FILE, FRESH_FILE, f"{CHUNKS_DIR}/*.jsonl")  # chunks: a nightly run cut short
    for path in sorted(p for name in names for p in runs_dir.glob(f"*/{name}")):
        if not _lines_without(path, review_ids)[1]:
            continue  # read without the lock: most runs hold none of the reviews
        with _run_locked(path.parent):
            kept, removed = _lines_without(path, review_ids)
            temporary = path.with_suffix(".forget")
            temporary.write_text("".join(kept), encoding="utf-8")
            temporary.replace(path)
        removed_in_all += removed
    forget_in_crawl_state(runs_dir, review_ids)
    return removed_in_all


def forget_in_crawl_state(runs_dir: Path, review_ids: set[str]) -> None:
    """The ids out of what a crawl keeps to resume: the spider's saved state (the review ids it has seen, in
    Scrapy's pickled `job/spider.state`) and a nightly run's list of the ids the warehouse held."""
    for state in sorted(runs_dir.glob(f"*/job/{SPIDER_STATE}")):
        with _run_locked(state.parent.parent):
            saved = pickle.loads(state.read_bytes())  # revint's own file, written by Scrapy's SpiderState
            seen = saved.get("seen_review_ids", set())
            if seen & review_ids:
                saved["seen_review_ids"] = seen - review_ids
                temporary = state.with_suffix(".forget")
                temporary.write_bytes(pickle.dumps(saved, protocol=4))
                temporary.replace(state)
    for known in sorted(runs_dir.glob(f"*/{KNOWN_IDS_FILE}")):
        ids = known.read_text(encoding="utf-8").splitlines()
        if set(ids) & review_ids:
            known.write_text("".join(f"{rid}\n" for rid in ids if rid not in review_ids), encoding="utf-8")


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


def forget_in_archives(runs_dir: Path, review_ids: set[str]) -> int:
    """Drop every archived page that shows a forgotten review; returns the pages removed.

    A page holds other reviews too: they stay in the warehouse, but `revint reparse` can no longer rebuild
    them from this run's archive. Erasure wins over the archive's completeness.
    """
    removed = 0
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
        removed += len(pages) - len(kept)
    return removed

"""The scheduled runs' parts, without Prefect, a crawl or a tagger: what is fresh, chunks cut and merged, concerns
that moved, the run report, export files not imported yet, host locks, and the warehouse's data state."""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from revint.pipeline.nightly import (
    CHUNKS_DIR,
    FRESH_FILE,
    ConcernChange,
    NightlyReport,
    SourceRun,
    chunk_lock,
    concern_changes,
    cut_chunks,
    host_locks,
    keep_fresh,
    mark_imported,
    merge_chunks,
    new_export_files,
    tag_chunk,
    tagged_chunk,
)
from revint.pipeline.stages import CrawlSummary, TagSummary
from revint.pipeline.warehouse.changes import data_state
from revint.pipeline.warehouse.db import connect
from revint.pipeline.warehouse.load import load_batch
from revint.record import ReviewRecord, TaggedReview, dumps
from revint.runfiles import REVIEWS_FILE, TAGGED_FILE, RunLock
from revint.settings import Settings
from tests.support.records import mention, review

TAGGER = "tagger-1"


def source_run(tmp_path: Path, name: str = "acme", **fields: object) -> SourceRun:
    run_dir = tmp_path / "runs" / name
    run_dir.mkdir(parents=True, exist_ok=True)
    return SourceRun(name=name, spider="sample", run_dir=run_dir, **fields)  # type: ignore[arg-type]


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# --- keep_fresh ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding reviews 1 and 2 as `review` makes them, tagged by TAGGER (only read by keep_fresh)."""
    path = tmp_path_factory.mktemp("warehouse") / "w.duckdb"
    con = connect(path)
    try:
        load_batch(con, [TaggedReview(review(n), [mention()], TAGGER) for n in (1, 2)])
    finally:
        con.close()
    return path


def crawled(run: SourceRun, *records: ReviewRecord) -> None:
    (run.run_dir / REVIEWS_FILE).write_text("".join(dumps(record) + "\n" for record in records), encoding="utf-8")


def fresh_ids(run: SourceRun) -> list[str]:
    return [json.loads(line)["review_id"] for line in lines(run.run_dir / FRESH_FILE)]


def test_only_new_and_edited_reviews_are_fresh(settings: Settings, warehouse: Path, tmp_path: Path) -> None:
    settings = replace(settings, db_path=warehouse)
    run = source_run(tmp_path)
    crawled(run, review(1), review(2, cons="Salaire bas, et des horaires décalés"), review(3))
    keep_fresh(settings, run, TAGGER)
    assert fresh_ids(run) == ["test:2", "test:3"]
    assert (run.fresh, run.unchanged) == (2, 1)


def test_every_review_is_fresh_for_another_tagger_version(settings: Settings, warehouse: Path, tmp_path: Path) -> None:
    settings = replace(settings, db_path=warehouse)
    run = source_run(tmp_path)
    crawled(run, review(1), review(2))
    keep_fresh(settings, run, "tagger-2")
    assert fresh_ids(run) == ["test:1", "test:2"]
    assert (run.fresh, run.unchanged) == (2, 0)


def test_every_review_is_fresh_without_a_warehouse(settings: Settings, tmp_path: Path) -> None:
    run = source_run(tmp_path)
    crawled(run, review(1), review(2))
    keep_fresh(settings, run, TAGGER)
    assert not settings.db_path.exists()
    assert (fresh_ids(run), run.fresh, run.unchanged) == (["test:1", "test:2"], 2, 0)


@pytest.mark.parametrize(
    "edited",
    [review(1, factor_texts={"Arbeitsatmosphäre": "Seit dem Umzug sehr angespannt."}), review(1, subratings={})],
    ids=["factor text edited", "subrating removed"],
)
def test_a_review_edited_beyond_its_main_fields_is_fresh(
    settings: Settings, warehouse: Path, tmp_path: Path, edited: ReviewRecord
) -> None:
    settings = replace(settings, db_path=warehouse)
    run = source_run(tmp_path)
    crawled(run, edited)
    keep_fresh(settings, run, TAGGER)
    assert fresh_ids(run) == ["test:1"]


# --- chunks -------------------------------------------------------------------------------------------------------


def with_fresh(run: SourceRun, count: int) -> list[str]:
    written = [json.dumps({"n": n}) for n in range(count)]
    (run.run_dir / FRESH_FILE).write_text("".join(line + "\n" for line in written), encoding="utf-8")
    return written


def test_fresh_reviews_are_cut_into_chunks_of_the_size_with_a_last_partial_one(tmp_path: Path) -> None:
    run = source_run(tmp_path)
    written = with_fresh(run, 5)
    chunks = cut_chunks(run, 2)
    assert [chunk.name for chunk in chunks] == ["00000.jsonl", "00001.jsonl", "00002.jsonl"]
    assert [lines(chunk) for chunk in chunks] == [written[0:2], written[2:4], written[4:]]


def test_an_exact_multiple_of_the_size_leaves_no_empty_chunk(tmp_path: Path) -> None:
    run = source_run(tmp_path)
    with_fresh(run, 4)
    assert [len(lines(chunk)) for chunk in cut_chunks(run, 2)] == [2, 2]


def test_no_fresh_review_gives_no_chunk(tmp_path: Path) -> None:
    run = source_run(tmp_path)
    with_fresh(run, 0)
    assert cut_chunks(run, 2) == []


def test_a_second_attempt_reuses_the_chunks_already_cut_not_their_tagged_halves(tmp_path: Path) -> None:
    run = source_run(tmp_path)
    written = with_fresh(run, 3)
    first = cut_chunks(run, 2)
    tagged_chunk(first[0]).write_text("tagged\n", encoding="utf-8")
    with_fresh(run, 7)  # not read again: the chunks of the first attempt stand
    again = cut_chunks(run, 2)
    assert again == first
    assert [lines(chunk) for chunk in again] == [written[0:2], written[2:]]


def test_a_chunk_is_tagged_while_another_chunk_of_the_same_run_is_being_tagged(tmp_path: Path) -> None:
    """Each chunk holds a lock of its own, not the folder's: Dask workers tag one run's chunks side by side."""
    run = source_run(tmp_path)
    (run.run_dir / FRESH_FILE).write_text(
        "".join(dumps(review(n, cons="Salaire trop bas")) + "\n" for n in range(4)), encoding="utf-8"
    )
    first, second = cut_chunks(run, 2)
    busy = RunLock(first.parent, chunk_lock(first))
    busy.acquire()  # a worker tagging the first chunk
    try:
        waiting, going = (threading.Thread(target=tag_chunk, args=(chunk,), daemon=True) for chunk in (first, second))
        waiting.start()
        going.start()
        going.join(timeout=60)
        assert not going.is_alive(), "tagging the second chunk waited for the first"
        assert waiting.is_alive()  # the first chunk's own lock is held: a second tagging of it waits
    finally:
        busy.release()
    waiting.join(timeout=60)
    assert len(lines(tagged_chunk(second))) == len(lines(tagged_chunk(first))) == 2


def test_merged_chunks_keep_their_order_and_the_chunks_and_fresh_file_go(tmp_path: Path) -> None:
    run = source_run(tmp_path)
    with_fresh(run, 5)
    run.chunks = cut_chunks(run, 2)
    for number, chunk in enumerate(run.chunks):
        tagged_chunk(chunk).write_text(f"tagged {number}a\ntagged {number}b\n", encoding="utf-8")
    merged = merge_chunks(run)
    assert merged == run.run_dir / TAGGED_FILE
    assert lines(merged) == ["tagged 0a", "tagged 0b", "tagged 1a", "tagged 1b", "tagged 2a", "tagged 2b"]
    assert not (run.run_dir / CHUNKS_DIR).exists()
    assert not (run.run_dir / FRESH_FILE).exists()
    assert sorted(path.name for path in run.run_dir.iterdir()) == [TAGGED_FILE]


# --- concerns that moved ------------------------------------------------------------------------------------------


def test_concern_changes_list_what_rose_fell_or_changed_standing_and_nothing_else() -> None:
    before = {
        ("acme", "compensation"): "above",
        ("acme", "management"): "leaning_above",
        ("acme", "workload"): "above",
        ("globex", "career"): "above",
    }
    after = {
        ("acme", "compensation"): "above",  # unchanged
        ("acme", "management"): "above",  # changed standing
        ("globex", "career"): "above",  # unchanged
        ("globex", "culture"): "leaning_above",  # rose
    }  # acme workload fell
    changes = concern_changes(before, after, {"acme": "Acme", "globex": "Globex"})
    assert changes == [
        ConcernChange("Acme", "management", "leaning_above", "above"),
        ConcernChange("Acme", "workload", "above", None),
        ConcernChange("Globex", "culture", None, "leaning_above"),
    ]


def test_a_company_without_a_known_name_is_shown_by_its_id() -> None:
    assert concern_changes({}, {("initech", "pay"): "above"}, {}) == [ConcernChange("initech", "pay", None, "above")]


# --- the run report -----------------------------------------------------------------------------------------------


def crawl_summary(tmp_path: Path, stats: dict[str, int] | None = None) -> CrawlSummary:
    return CrawlSummary(
        run_id="r1",
        source="sample",
        output=tmp_path / REVIEWS_FILE,
        pages=4,
        reviews_written=30,
        reviews_dropped=1,
        malformed=0,
        canary_alerts=2,
        seconds=12.0,
        stats=stats or {},
    )


def report(*runs: SourceRun, changes: list[ConcernChange] | None = None) -> NightlyReport:
    return NightlyReport(
        flow="nightly",
        started_at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
        sources=list(runs),
        tag=[TagSummary(reviews=30, mentions=50, skipped_other_language=0, seconds=3.0, tagger=TAGGER)],
        changes=changes or [],
        seconds=42.0,
    )


def source_rows(markdown: str) -> dict[str, list[str]]:
    """The source table's rows by source name, cut on unescaped `|`."""
    rows = markdown.split("|---|---|---|---|---|---|---|---|---|\n", 1)[1].split("\n\n", 1)[0].splitlines()
    cells = [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]
    return {row[0]: row for row in cells}


def test_the_report_has_a_row_per_source_with_its_numbers(tmp_path: Path) -> None:
    acme = source_run(tmp_path, "acme", crawl=crawl_summary(tmp_path), fresh=20, unchanged=10)
    globex = source_run(tmp_path, "globex", crawl=crawl_summary(tmp_path), fresh=0, unchanged=30)
    rows = source_rows(report(acme, globex).markdown())
    assert rows == {
        "acme": ["acme", "ok", "4", "30", "20", "10", "1", "2", "0"],
        "globex": ["globex", "ok", "4", "30", "0", "30", "1", "2", "0"],
    }


def test_a_failed_and_a_blocked_source_are_named_and_a_bar_in_a_detail_is_escaped(tmp_path: Path) -> None:
    failed = source_run(tmp_path, "acme", status="failed", detail="crawl timed out | retried 2 times\nthen gave up")
    walls = crawl_summary(tmp_path, {"revint/blocked/captcha": 3})
    blocked = source_run(tmp_path, "globex", status="blocked", detail="captcha", crawl=walls)
    markdown = report(failed, blocked).markdown()
    rows = source_rows(markdown)
    assert rows["acme"] == ["acme", r"failed: crawl timed out \| retried 2 times then gave up", *["–"] * 6, "0"]
    assert rows["globex"][1] == "blocked: captcha" and rows["globex"][-1] == "captcha ×3"
    assert "**Failed or blocked**: acme (failed), globex (blocked)." in markdown


def test_a_run_without_concern_change_says_so_and_has_no_concern_table(tmp_path: Path) -> None:
    markdown = report(source_run(tmp_path, crawl=crawl_summary(tmp_path))).markdown()
    assert "No concern rose or fell." in markdown
    assert "| company | theme |" not in markdown
    assert "Failed or blocked" not in markdown


def test_concerns_that_moved_are_listed_instead(tmp_path: Path) -> None:
    changes = [ConcernChange("Acme", "compensation", None, "above"), ConcernChange("Acme", "career", "above", None)]
    markdown = report(source_run(tmp_path), changes=changes).markdown()
    assert "| Acme | compensation | – | above |\n| Acme | career | above | – |" in markdown
    assert "No concern rose or fell." not in markdown


# --- export files -------------------------------------------------------------------------------------------------


@pytest.fixture
def exports(settings: Settings, tmp_path: Path) -> Path:
    settings.work_dir.mkdir(parents=True)
    folder = tmp_path / "exports"
    (folder / "2026-02").mkdir(parents=True)
    (folder / "a.csv").write_text("id\n1\n", encoding="utf-8")
    (folder / "2026-02" / "b.csv").write_text("id\n2\n", encoding="utf-8")
    return folder


def test_every_export_file_is_new_before_any_import(settings: Settings, exports: Path) -> None:
    assert new_export_files(settings, exports) == [exports / "2026-02" / "b.csv", exports / "a.csv"]


def test_an_imported_unchanged_file_is_skipped_and_a_new_one_is_picked(settings: Settings, exports: Path) -> None:
    mark_imported(settings, new_export_files(settings, exports))
    assert new_export_files(settings, exports) == []
    (exports / "c.csv").write_text("id\n3\n", encoding="utf-8")
    assert new_export_files(settings, exports) == [exports / "c.csv"]


def test_an_imported_file_changed_since_is_picked_again(settings: Settings, exports: Path) -> None:
    mark_imported(settings, [exports / "a.csv", exports / "2026-02" / "b.csv"])
    (exports / "a.csv").write_text("id\n1\n4\n", encoding="utf-8")  # longer
    touched = exports / "2026-02" / "b.csv"  # same size, newer time
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    assert new_export_files(settings, exports) == [touched, exports / "a.csv"]


def test_marking_more_files_keeps_those_marked_before(settings: Settings, exports: Path) -> None:
    mark_imported(settings, [exports / "a.csv"])
    mark_imported(settings, [exports / "2026-02" / "b.csv"])
    assert new_export_files(settings, exports) == []


# --- host locks ---------------------------------------------------------------------------------------------------


def test_a_second_run_waits_for_the_host_until_the_first_releases_it(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    first_holds, first_may_go, second_holds = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with host_locks(settings, ["reviews.example"]):
            first_holds.set()
            first_may_go.wait(10)

    def second() -> None:
        with host_locks(settings, ["reviews.example", "other.example"]):
            second_holds.set()

    threads = [threading.Thread(target=first, daemon=True), threading.Thread(target=second, daemon=True)]
    try:
        threads[0].start()
        assert first_holds.wait(5)
        threads[1].start()
        assert not second_holds.wait(0.3), "the second run took a host the first one holds"
    finally:
        first_may_go.set()
    assert second_holds.wait(5)
    for thread in threads:
        thread.join(5)
    assert "another run is crawling reviews.example: waiting for it" in capsys.readouterr().err


def test_runs_on_different_hosts_do_not_wait_for_each_other(settings: Settings) -> None:
    second_holds = threading.Event()

    def second() -> None:
        with host_locks(settings, ["127.0.0.1:8000"]):
            second_holds.set()

    with host_locks(settings, ["reviews.example"]):
        thread = threading.Thread(target=second, daemon=True)
        thread.start()
        assert second_holds.wait(5)
    thread.join(5)


# --- the warehouse's data state -----------------------------------------------------------------------------------


@pytest.fixture
def con(settings: Settings) -> duckdb.DuckDBPyConnection:
    return connect(settings.db_path)


def test_the_data_state_changes_when_one_more_review_is_loaded(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [TaggedReview(review(1), [mention()], TAGGER)])
    before = data_state(con)
    load_batch(con, [TaggedReview(review(2), [mention()], TAGGER)])
    assert data_state(con) != before


def test_the_data_state_stays_when_nothing_is_loaded(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [TaggedReview(review(1), [mention()], TAGGER)])
    before = data_state(con)
    assert data_state(con) == before
    load_batch(con, [])
    assert data_state(con) == before


def test_the_data_state_ignores_a_company_seen_again_but_not_a_change_of_its_details(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load_batch(con, [TaggedReview(review(1), [mention()], TAGGER)])
    before = data_state(con)
    con.execute("UPDATE companies SET last_seen = last_seen + INTERVAL 1 DAY")  # a nightly crawl saw it again
    assert data_state(con) == before
    con.execute("UPDATE companies SET headquarters = 'Lyon'")
    assert data_state(con) != before

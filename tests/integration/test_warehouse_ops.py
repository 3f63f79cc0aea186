"""Warehouse operations analysts rely on: snapshots under load, atomic loads, exports, erasure, search, marts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from revint.archive import ArchivedPage, ArchiveWriter, read_archive
from revint.pipeline.forget import forget_in_archives, forget_in_run_files
from revint.pipeline.sample_site import render_company_page
from revint.pipeline.stages import known_review_ids, load
from revint.pipeline.warehouse.db import connect, write_session
from revint.pipeline.warehouse.erasure import check_review_ids, forget_in_warehouse
from revint.pipeline.warehouse.export import export_parquet, record_export
from revint.pipeline.warehouse.load import apply_directory, load_batch
from revint.pipeline.warehouse.search import rebuild_index, search
from revint.record import TaggedReview
from revint.runfiles import run_lock
from tests.support.fixture_site import company
from tests.support.fixture_site import review as sample_review
from tests.support.records import batch, mention, review
from tests.support.runs import SampleRun

READER = """
import json, sys, time, duckdb
path, seconds = sys.argv[1], float(sys.argv[2])
queries, failures, seen = 0, [], set()
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        con = duckdb.connect(path, read_only=True)
        seen.add(con.execute("SELECT count(*) FROM reviews").fetchone()[0])
        con.execute("SELECT * FROM mart_company_theme").fetchall()
        con.close()
        queries += 1
    except Exception as error:
        failures.append(repr(error))
print(json.dumps({"queries": queries, "failures": failures[:3], "failed": len(failures), "seen": sorted(seen)}))
"""


def test_analysts_query_without_failing_while_loads_run(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with write_session(db) as con:
        load_batch(con, batch(0, 100))
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), "6"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(0.5)
    for round_ in range(1, 6):
        with write_session(db) as con:
            load_batch(con, batch(round_ * 10_000, 2000))
    out, err = reader.communicate(timeout=60)
    result = json.loads(out)
    assert result["failed"] == 0, (result["failures"], err)
    assert result["queries"] > 20
    assert set(result["seen"]) <= {100 + 2000 * n for n in range(6)}  # a whole load or none of it
    assert len(result["seen"]) > 1  # the reader did see loads land while it queried


LOADER = """
import sys
from revint.pipeline.warehouse.db import write_session
from revint.pipeline.warehouse.load import load_batch
from tests.support.records import batch
with write_session(__import__("pathlib").Path(sys.argv[1])) as con:
    print("writing", flush=True)
    for start in range(0, 400_000, 20_000):
        load_batch(con, batch(10_000 + start, 20_000))
"""


def test_a_load_killed_half_way_leaves_the_previous_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with write_session(db) as con:
        load_batch(con, batch(0, 50))
    loader = subprocess.Popen([sys.executable, "-c", LOADER, str(db)], stdout=subprocess.PIPE, text=True)
    assert loader.stdout is not None and loader.stdout.readline().strip() == "writing"
    time.sleep(1.0)
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait(timeout=30)
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT review_id) FROM reviews").fetchone() == (50, 50)
    con.close()
    with write_session(db) as con:  # the dead writer's lock and draft do not block the next load
        assert load_batch(con, batch(50, 10)).reviews_total == 60


def test_export_writes_parquet_partitioned_by_source_and_year(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    load_batch(con, [*batch(0, 3), TaggedReview(review(9, source="other"), [mention()])])
    written = export_parquet(con, tmp_path / "export")
    assert written == {"reviews": 4, "mentions": 4, "review_subratings": 4}
    files = sorted(p.relative_to(tmp_path / "export").parts[:3] for p in (tmp_path / "export").rglob("*.parquet"))
    assert ("reviews", "source=test", "year=2025") in files and ("reviews", "source=other", "year=2025") in files
    back = duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path}/export/reviews/*/*/*.parquet')").fetchone()
    assert back == (4,)
    assert export_parquet(con, tmp_path / "o'brien")["reviews"] == 4  # a path is never pasted into SQL
    assert (tmp_path / "o'brien" / "companies.parquet").is_file()


def test_forget_removes_a_review_everywhere_and_for_good(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    load_batch(con, batch(0, 3))
    export_parquet(con, tmp_path / "export")
    record_export(con, tmp_path / "export")
    run = tmp_path / "runs" / "r1"
    run.mkdir(parents=True)
    (run / "tagged.jsonl").write_text("".join(t.to_json_line() + "\n" for t in batch(0, 3)), encoding="utf-8")
    erased = forget_in_warehouse(con, ["test:1"])
    lines_removed = forget_in_run_files(tmp_path / "runs", {"test:1"})
    assert erased.reviews_removed == 1 and erased.rows_removed["mentions"] == 1
    for table in ("reviews", "mentions", "review_subratings"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE review_id = 'test:1'").fetchone() == (0,)
    exported = duckdb.sql(f"SELECT review_id FROM read_parquet('{tmp_path}/export/reviews/*/*/*.parquet')").fetchall()
    assert ("test:1",) not in exported and len(exported) == 2
    assert "test:1" not in (run / "tagged.jsonl").read_text(encoding="utf-8")
    assert lines_removed == 1

    summary = load_batch(con, batch(0, 3))  # a later crawl brings it back: the takedown holds
    assert summary.reviews_forgotten_skipped == 1 and summary.reviews_total == 2


def test_full_text_search_finds_reviews_by_stemmed_words(sample_run: SampleRun, tmp_path: Path) -> None:
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(sample_run.settings.db_path.read_bytes())
    con = connect(copy)
    rebuild_index(con)
    hits = search(con, "plannings", company_id="boulangeries-ferrand", limit=5)
    assert hits and all("planning" in h.text.lower() for h in hits)
    assert search(con, "xylophone") == []


def test_directory_aliases_merge_source_names_and_set_sector(tmp_path: Path) -> None:
    directory = tmp_path / "directory.csv"
    directory.write_text(
        "company_id,name,sector,size,aliases\nacme,Acme,Logiciel,11-50,ACME Corp|Acme Software\n", encoding="utf-8"
    )
    con = connect(tmp_path / "w.duckdb")
    apply_directory(con, directory)
    load_batch(con, [TaggedReview(review(1, company_name="Acme Software", company_id="acme-software"), [])])
    load_batch(con, [TaggedReview(review(2), [mention()])])
    assert con.execute("SELECT company_id, sector, size FROM companies").fetchall() == [("acme", "Logiciel", "11-50")]
    assert con.execute("SELECT sector FROM mart_sector_theme").fetchall() == [("Logiciel",)]


def test_quarter_trend_counts_reviews_per_quarter(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    dates = [(1, "2025-01-15", True), (2, "2025-02-10", False), (3, "2025-05-01", True)]
    load_batch(
        con,
        [TaggedReview(review(n, review_date=date.fromisoformat(d)), [mention()] if neg else []) for n, d, neg in dates],
    )
    rows = con.execute(
        "SELECT quarter::VARCHAR, reviews, reviews_negative FROM mart_company_theme_quarter "
        "WHERE theme = 'compensation' ORDER BY quarter"
    ).fetchall()
    assert rows == [("2025-01-01", 2, 1), ("2025-04-01", 1, 1)]
    zeros = con.execute("SELECT count(*) FROM mart_company_theme_quarter WHERE reviews_negative = 0").fetchone()
    assert zeros == (2 * 10,)  # every other theme, each quarter, at zero


def test_nightly_known_ids_cover_the_sources_a_spider_writes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with write_session(db) as con:
        load_batch(con, [TaggedReview(review(1, source="avis.example.org"), []), TaggedReview(review(2), [])])
    assert known_review_ids(db, ["schema_org", "avis.example.org"]) == ["avis.example.org:1"]
    assert known_review_ids(db, ["test"]) == ["test:2"]
    assert known_review_ids(tmp_path / "none.duckdb", ["test"]) == []


def test_forget_drops_the_archived_pages_that_show_the_review_and_keeps_the_others(tmp_path: Path) -> None:
    pages = {
        "p1": render_company_page(company("acme", "Acme", [sample_review("r1", 1), sample_review("r2", 2)]), 1),
        "p2": render_company_page(company("acme", "Acme", [sample_review("r11", 3)]), 1),
    }
    archive = ArchiveWriter(tmp_path / "runs" / "r1" / "archive" / "pages.jsonl.gz")
    for name, html in pages.items():
        archive.write(ArchivedPage(f"http://127.0.0.1/{name}", datetime.now(UTC), 200, "sample", html.encode()))
    archive.close()
    removed = forget_in_archives(tmp_path / "runs", {"sample:r1"})
    assert [page.url for page in read_archive(tmp_path / "runs" / "r1" / "archive")] == ["http://127.0.0.1/p2"]
    assert removed == 1


def test_forget_refuses_ids_that_could_match_anything() -> None:
    assert check_review_ids(["sample:r1", "sample:", ":r1", "r1", "glassdoor:123"]) == ["sample:", ":r1", "r1"]


def test_forget_keeps_torn_run_file_lines_and_goes_on(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "r1"
    run.mkdir(parents=True)
    whole = [t.to_json_line() + "\n" for t in batch(0, 2)]
    (run / "tagged.jsonl").write_text("".join(whole) + whole[0][:40], encoding="utf-8")
    assert forget_in_run_files(tmp_path / "runs", {"test:0"}) == 1
    assert (run / "tagged.jsonl").read_text(encoding="utf-8") == whole[1] + whole[0][:40]


def test_forget_waits_for_the_run_writer_and_keeps_what_it_appended(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "r1"
    run.mkdir(parents=True)
    lines = [t.to_json_line() + "\n" for t in batch(0, 3)]
    (run / "tagged.jsonl").write_text(lines[0] + lines[1], encoding="utf-8")
    removed: list[int] = []
    forgetting = threading.Thread(target=lambda: removed.append(forget_in_run_files(tmp_path / "runs", {"test:0"})))
    with run_lock(run):  # a tag stage (or a crawl) writing this run
        forgetting.start()
        time.sleep(0.3)
        assert forgetting.is_alive()  # forget waits for the writer...
        with (run / "tagged.jsonl").open("a", encoding="utf-8") as out:
            out.write(lines[2])
    forgetting.join(timeout=10)
    # ...then rewrites the file with the line appended meanwhile
    assert (run / "tagged.jsonl").read_text(encoding="utf-8") == lines[1] + lines[2]
    assert removed == [1]


def test_a_forgotten_review_crawled_again_is_removed_from_the_new_run_files(
    sample_run: SampleRun, tmp_path: Path
) -> None:
    settings = replace(sample_run.settings, data_dir=tmp_path, db_path=tmp_path / "w.duckdb")
    run = tmp_path / "work" / "runs" / "again"
    run.mkdir(parents=True)
    tagged = (sample_run.run_dir / "tagged.jsonl").read_text(encoding="utf-8")
    (run / "tagged.jsonl").write_text(tagged, encoding="utf-8")
    with write_session(settings.db_path) as con:
        con.execute("INSERT INTO forgotten_reviews VALUES ('sample:helio-logistique-001', now())")
    loaded = load(settings, run / "tagged.jsonl")
    assert loaded.reviews_forgotten_skipped == 1
    assert "sample:helio-logistique-001" not in (run / "tagged.jsonl").read_text(encoding="utf-8")


def test_an_older_copy_of_a_review_never_replaces_a_newer_one(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    newer = review(1, cons="Salaire revu à la hausse", fetched_at=datetime(2026, 6, 1, tzinfo=UTC))
    older = review(1, cons="Salaire bas", fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
    load_batch(con, [TaggedReview(newer, [mention("compensation", "positive")])])
    summary = load_batch(con, [TaggedReview(older, [mention()])])
    assert summary.reviews_updated == 0
    assert con.execute("SELECT cons FROM reviews").fetchall() == [("Salaire revu à la hausse",)]
    assert con.execute("SELECT polarity FROM mentions").fetchall() == [("positive",)]


def test_an_alias_added_to_the_directory_later_moves_the_reviews_already_loaded(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    load_batch(con, [TaggedReview(review(1, company_name="Acme Logistique", company_id="acme-logistique"), [])])
    directory = tmp_path / "directory.csv"
    directory.write_text(
        "company_id,name,sector,size,aliases\nacme,Acme,Transport,,Acme Logistique\n", encoding="utf-8"
    )
    apply_directory(con, directory)
    assert con.execute("SELECT company_id FROM reviews").fetchall() == [("acme",)]
    assert con.execute("SELECT company_id, name, sector FROM companies").fetchall() == [("acme", "Acme", "Transport")]

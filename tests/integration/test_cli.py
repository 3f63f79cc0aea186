"""The `revint` command line, run as a user runs it: a subprocess with real stdin, stdout and exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pytest

from revint.pipeline.warehouse.db import write_session
from revint.pipeline.warehouse.load import load_batch
from revint.record import TaggedReview
from tests.support.fixture_site import FixtureSite, company, company_pages, wait_for
from tests.support.fixture_site import review as site_review
from tests.support.records import review
from tests.support.runs import SampleRun, revint


def test_tag_follows_the_json_lines_contract() -> None:
    lines = [
        {"id": "a", "text": "Bonne ambiance mais salaire trop bas", "section": "pros"},
        {"id": 7, "text": "Layoffs every year", "lang_hint": "en"},
        {"id": "c", "text": "RAS", "section": "cons"},
    ]
    done = revint("tag", stdin="\n".join(json.dumps(line) for line in lines) + "\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["id"] for row in out] == ["a", "7", "c"]
    assert out[0]["lang"] == "fr" and out[1]["lang"] == "en"
    assert {(t["theme"], t["polarity"]) for t in out[0]["themes"]} == {
        ("culture", "positive"),
        ("compensation", "negative"),
    }
    assert all(set(t) == {"theme", "polarity", "score", "evidence", "text"} for t in out[0]["themes"])
    assert all(0 <= t["evidence"] <= 1 for t in out[0]["themes"])
    assert out[2]["themes"] == []


def test_tag_reports_malformed_lines_with_their_number_and_goes_on() -> None:
    stdin = "\n".join(
        [
            '{"id": "ok1", "text": "Salaire correct"}',
            "{not json",
            '{"text": "no id"}',
            '{"id": "x", "text": 42}',
            '{"id": "y", "text": "t", "section": "intro"}',
            "[1, 2]",
            '{"id": "ok2", "text": "Great team"}',
        ]
    )
    done = revint("tag", stdin=stdin)
    assert done.returncode == 1
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["ok1", "ok2"]
    for number, reason in [(2, "invalid JSON"), (3, "'id'"), (4, "'text'"), (5, "'section'"), (6, "JSON object")]:
        assert f"line {number}: " in done.stderr and reason in done.stderr
    assert "5 input line(s) rejected" in done.stderr


def test_questions_prints_text_json_and_html_from_the_given_warehouse(sample_run: SampleRun, tmp_path: Path) -> None:
    db = str(sample_run.settings.db_path)
    text = revint("questions", "Verdane", "--db", db)
    assert text.returncode == 0, text.stderr
    assert "Verdane Cosmetics" in text.stdout and "Questions à poser" in text.stdout
    as_json = revint("questions", "verdane-cosmetics", "--db", db, "--format", "json", "--lang", "en", "--top", "2")
    payload = json.loads(as_json.stdout)
    assert len(payload["concerns"]) == 2 and payload["lang"] == "en"
    page = tmp_path / "verdane.html"
    assert revint("questions", "Verdane", "--db", db, "--format", "html", "--out", str(page)).returncode == 0
    assert "<h1>Verdane Cosmetics</h1>" in page.read_text(encoding="utf-8")


def test_questions_fails_clearly_on_unknown_company_or_missing_warehouse(sample_run: SampleRun, tmp_path: Path) -> None:
    unknown = revint("questions", "Initech", "--db", str(sample_run.settings.db_path))
    assert unknown.returncode == 2 and "matches no company" in unknown.stderr
    missing = revint("questions", "Verdane", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no warehouse" in missing.stderr


def test_load_command_tags_and_loads_a_crawl_run_into_a_separate_warehouse(
    sample_run: SampleRun, tmp_path: Path
) -> None:
    db = tmp_path / "other.duckdb"
    done = revint("load", str(sample_run.run_dir), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert f"{sample_run.crawl.reviews_written} reviews" in done.stdout
    companies = revint("companies", "--db", str(db))
    assert len(companies.stdout.splitlines()) == 7


def test_large_tag_input_is_shared_between_processes_in_input_order() -> None:
    texts = ["Salaire trop bas", "Great team", "Die Leute sind sehr gut", "RAS"]
    stdin = "".join(json.dumps({"id": n, "text": texts[n % 4], "section": "cons"}) + "\n" for n in range(5000))
    pooled = revint("tag", "--processes", "2", stdin=stdin)
    single = revint("tag", "--processes", "1", stdin=stdin)
    assert pooled.returncode == single.returncode == 0
    assert pooled.stdout == single.stdout
    assert [json.loads(line)["id"] for line in pooled.stdout.splitlines()] == [str(n) for n in range(5000)]


@pytest.mark.usefixtures("commands_report_to_the_session_server")
def test_retag_command_reports_what_it_did(sample_run: SampleRun, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_run.settings.db_path.read_bytes())
    everything = revint("retag", "--all", "--db", str(db))
    assert everything.returncode == 0, everything.stderr
    assert f"retagged {sample_run.crawl.reviews_written} reviews" in everything.stdout
    assert "retagged 0 reviews" in revint("retag", "--db", str(db)).stdout


def test_ordinary_mistakes_get_a_clear_message_and_no_traceback(sample_run: SampleRun, tmp_path: Path) -> None:
    db = str(sample_run.settings.db_path)
    for args, message in [
        (("companies", "--db", str(tmp_path / "none.duckdb")), "no warehouse at"),
        (("search", "ambiance", "--company", "Initech", "--db", db), "matches no company"),
        (("load", str(tmp_path)), "no crawl output"),
        (("retag", "--db", str(tmp_path / "typo.duckdb")), "no warehouse at"),
        (("forget", "sample:", "--db", db), "not review ids"),
        (("questions", "Verdane", "--top", "0", "--db", db), "must be 1 or more"),
    ]:
        done = revint(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
    assert not (tmp_path / "typo.duckdb").exists()


def test_forget_leaves_no_trace_of_the_text_in_the_warehouse_file(sample_run: SampleRun, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_run.settings.db_path.read_bytes())
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT cons FROM reviews WHERE review_id = 'sample:verdane-cosmetics-045'").fetchone()
    con.close()
    assert row is not None
    text = row[0].encode("utf-8")
    assert text in db.read_bytes()
    done = revint("forget", "sample:verdane-cosmetics-045", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert text not in db.read_bytes()
    assert revint("search", "ambiance", "--db", str(db)).returncode == 0  # the rewritten file keeps its index


# --- defects found by trying the commands as a new user would ------------------------------------------------


def test_tag_rejects_a_line_holding_a_lone_surrogate_and_keeps_the_others() -> None:
    done = revint("tag", stdin='{"id":1,"text":"bon salaire"}\n{"id":2,"text":"salaire \\ud800 bas"}\n')
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["1"]
    assert "line 2: 'text' or 'id' is not valid Unicode" in done.stderr


def test_a_crawl_that_fetches_nothing_fails_and_names_why() -> None:
    env = os.environ | {"REVINT_RETRY_BACKOFF": "0.05", "REVINT_DATA_DIR": tempfile.mkdtemp()}
    refused = revint("crawl", "http://127.0.0.1:9/x", "--spider", "sample", "--delay", "0", env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert (
        "fetched no page from http://127.0.0.1:9/x" in refused.stderr and "ConnectionRefusedError ×" in refused.stderr
    )
    assert "next:" not in refused.stdout
    for args, message in [
        (("crawl", "notaurl"), "not web addresses (http:// or https://): 'notaurl'"),
        (("crawl", "http://x/", "--spider", "glasdoor"), "unknown source 'glasdoor'"),
    ]:
        done = revint(*args, env=env)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_db_that_is_no_warehouse_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "text.duckdb").write_text("not a database", encoding="utf-8")
    other = duckdb.connect(str(tmp_path / "other.duckdb"))
    other.execute("CREATE TABLE invoices (id INTEGER)")
    other.close()
    for db, message in [
        (tmp_path, "is a folder, not a warehouse file"),
        (tmp_path / "text.duckdb", "cannot be opened as a warehouse"),
        (tmp_path / "other.duckdb", "is a DuckDB database but not a revint warehouse"),
    ]:
        for command in (("questions", "Acme"), ("companies",), ("search", "salaire"), ("retag",)):
            done = revint(*command, "--db", str(db))
            assert done.returncode == 2, (command, db, done.stderr)
            assert message in done.stderr and "Traceback" not in done.stderr, (command, db, done.stderr)
    con = duckdb.connect(str(tmp_path / "other.duckdb"), read_only=True)
    assert [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()] == ["invoices"]


def test_a_warehouse_another_version_built_says_to_refresh_and_refresh_fixes_it(
    sample_run: SampleRun, tmp_path: Path
) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_run.settings.db_path.read_bytes())
    con = duckdb.connect(str(db))
    con.execute("UPDATE mart_builds SET fingerprint = 'an older revint'")
    con.close()
    stale = revint("questions", "Helio", "--db", str(db))
    assert stale.returncode == 2 and f"run `revint refresh --db {db}` once" in stale.stderr
    assert "Traceback" not in stale.stderr
    refreshed = revint("refresh", "--db", str(db))
    assert refreshed.returncode == 0 and "schema and marts up to date" in refreshed.stdout
    assert revint("questions", "Helio", "--db", str(db)).returncode == 0


def test_forget_of_an_unknown_review_erases_nothing_unless_told_to_record_the_takedown(
    sample_run: SampleRun, tmp_path: Path
) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_run.settings.db_path.read_bytes())
    refused = revint("forget", "glassdoor:999", "--db", str(db))
    assert refused.returncode == 1 and "glassdoor:999 matches no review" in refused.stderr
    assert "--takedown" in refused.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM forgotten_reviews").fetchone() == (0,)
    con.close()
    recorded = revint("forget", "glassdoor:999", "--takedown", "--db", str(db))
    assert recorded.returncode == 0, recorded.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT review_id FROM forgotten_reviews").fetchall() == [("glassdoor:999",)]


def test_companies_sort_without_regard_to_case_and_accents_and_a_closed_pipe_is_no_error(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with write_session(db) as con:
        names = ["beta", "Alpha", "Éclair", "delta", "Charlie"]
        load_batch(con, [TaggedReview(review(n, name), []) for n, name in enumerate(names)])
    listed = revint("companies", "--db", str(db))
    assert [line.split()[-1] for line in listed.stdout.splitlines()] == ["Alpha", "Beta", "Charlie", "Delta", "Éclair"]
    reader = subprocess.Popen(
        [sys.executable, "-m", "revint.pipeline.cli", "companies", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # as `| head` does, before revint writes
    errors = reader.stderr.read()
    assert reader.wait(timeout=60) == 0 and errors == ""


@pytest.mark.usefixtures("commands_report_to_the_session_server")
def test_a_demo_that_crawls_no_review_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "site" / "companies").mkdir(parents=True)
    env = os.environ | {"REVINT_DATA_DIR": str(tmp_path / "data"), "REVINT_SAMPLE_SITE": str(tmp_path / "site")}
    done = revint("demo", env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"no review from the sample site in {tmp_path / 'site'}" in done.stderr


def test_ctrl_c_stops_the_crawl_cleanly_and_says_how_to_resume_and_a_killed_revint_takes_its_crawler_along(
    tmp_path: Path,
) -> None:
    pages: dict[str, Any] = {}
    for each in [
        company(f"l{n}", f"Longue {n} SA", [site_review(f"l{n}-{k}", 1 + k % 28) for k in range(35)]) for n in range(2)
    ]:
        pages |= company_pages(each)
    env = os.environ | {"REVINT_DATA_DIR": str(tmp_path)}
    with FixtureSite(pages) as site:
        starts = [site.url + path for path in pages if "?" not in path]
        for how in (signal.SIGINT, signal.SIGKILL):
            site.hold_after(2)
            crawl = subprocess.Popen(
                [sys.executable, "-m", "revint.pipeline.cli", "crawl", *starts, "--delay", "0"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            wait_for(lambda: site.held >= 1, "the crawl to reach the gate")
            (crawler,) = _crawlers_started_by(crawl.pid)  # this crawl's, whatever other tests run meanwhile
            crawl.send_signal(how)
            if how == signal.SIGKILL:
                crawl.wait(timeout=10)
                requested = len(site.paths())
                site.release()  # the crawler, told to stop when revint died, finishes its requests in flight only
                wait_for(partial(_crawler_stopped, crawler), "the crawler to stop")  # it stopped with revint
                assert len(site.paths()) - requested <= 2, site.paths()  # it did not carry on with the other pages
                continue
            site.release()
            _, err = crawl.communicate(timeout=60)
            assert crawl.returncode == 130 and "Traceback" not in err, err
            assert "interrupted after" in err and "--resume " in err
            assert _crawler_stopped(crawler)
            run_dir = err.split("--resume ")[1].split("`")[0]
            assert Path(run_dir, "job").is_dir()  # Scrapy saved its queue: the crawl can carry on


def _crawlers_started_by(parent: int) -> list[int]:
    """The processes running revint's crawler (python -m revint.spiders.run) whose parent is `parent`, from /proc."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            parent_of = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent_of == parent and not _crawler_stopped(int(proc.name)):
            found.append(int(proc.name))
    return found


def _crawler_stopped(pid: int) -> bool:
    """Whether process `pid` no longer runs revint's crawler (an exited one, even unreaped, has no command line)."""
    try:
        return b"revint.spiders.run" not in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True


def test_forget_works_in_a_warehouse_whose_path_holds_a_quote(sample_run: SampleRun, tmp_path: Path) -> None:
    db = tmp_path / "o'brien" / "w.duckdb"
    db.parent.mkdir()
    db.write_bytes(sample_run.settings.db_path.read_bytes())
    done = revint("forget", "sample:verdane-cosmetics-045", "--db", str(db))
    assert done.returncode == 0 and "1 were in the warehouse" in done.stdout, done.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM reviews").fetchone() == (sample_run.crawl.reviews_written - 1,)
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] >= 4  # type: ignore[index]


def test_follow_digest_and_unfollow_from_the_command_line(sample_run: SampleRun, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_run.settings.db_path.read_bytes())
    at = ("--db", str(db))
    followed = revint("follow", "Verdane", *at)
    assert followed.returncode == 0 and "following Verdane Cosmetics (verdane-cosmetics)" in followed.stdout
    assert "already following Verdane Cosmetics" in revint("follow", "verdane-cosmetics", *at).stdout
    unknown = revint("follow", "Helio", "Initech", *at)
    assert unknown.returncode == 2 and "'Initech' matches no company" in unknown.stderr
    listed = revint("follow", *at).stdout.splitlines()
    assert len(listed) == 1 and listed[0].startswith("verdane-cosmetics") and "Verdane Cosmetics" in listed[0]
    nothing = revint("digest", *at)  # nothing loaded since the follow
    assert nothing.returncode == 0, nothing.stderr
    assert nothing.stdout.splitlines()[-1].startswith("Rien de nouveau depuis le ")
    page = tmp_path / "digest.html"
    look_back = revint("digest", "--since", "2000-01-01", "--format", "html", "--lang", "en", "--out", str(page), *at)
    assert look_back.returncode == 0, look_back.stderr
    html = page.read_text(encoding="utf-8")
    assert "<h2>Verdane Cosmetics</h2>" in html and f"{_tagged_reviews(db, 'verdane-cosmetics')} new reviews" in html
    assert revint("unfollow", "Verdane", *at).stdout.startswith("no longer following Verdane Cosmetics")
    none = revint("digest", *at)
    assert none.returncode == 2 and "no company is followed" in none.stderr


def _tagged_reviews(db: Path, company_id: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT count(*) FROM stg_tagged_reviews WHERE company_id = ?", [company_id]).fetchone()
    con.close()
    return int(row[0]) if row else 0

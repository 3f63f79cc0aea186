"""The `revint` command line, run as a user runs it: a subprocess with real stdin, stdout and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

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
    assert all(set(t) == {"theme", "polarity", "score", "text"} for t in out[0]["themes"])
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

"""The whole chain: `revint demo` run twice, its flows reporting to the session's Prefect server (test_wheel runs it
without one, as a new user does); resuming an interrupted tag."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from revint.models.tagger import Tagger
from revint.pipeline import stages
from revint.runfiles import read_tagged
from tests.support.runs import SampleRun, revint


def run_demo(data_dir: Path) -> subprocess.CompletedProcess[str]:
    # generated files only under data_dir: the sample site is bundled
    return revint("demo", env=os.environ | {"REVINT_DATA_DIR": str(data_dir)})


@pytest.mark.usefixtures("commands_report_to_the_session_server")
def test_demo_flow_crawls_tags_loads_and_prints_questions_then_reruns_idempotently(tmp_path: Path) -> None:
    first = run_demo(tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    out = first.stdout
    assert out.count("Préoccupations récurrentes") == 3
    concerns = len(re.findall(r"^  \d\. ", out, flags=re.MULTILINE))
    assert concerns >= 6 and out.count("Questions à poser") == concerns  # each concern has its questions
    assert out.count("«") >= concerns
    assert "load    355 reviews (355 new)" in out
    assert "0 dropped, 0 malformed, 0 canary alerts" in out
    assert "crawl sample:" in first.stderr  # progress lines
    assert f"theme mentions ({Tagger().version})" in out  # the trained tagger, not the rules
    assert "| INFO" not in first.stderr  # Prefect's own log lines stay quiet

    second = run_demo(tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "load    355 reviews (0 new); warehouse holds 355 reviews" in second.stdout
    con = duckdb.connect(str(tmp_path / "work" / "revint.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM crawl_runs").fetchone() == (2,)
    assert con.execute("SELECT count(DISTINCT review_id), count(*) FROM reviews").fetchone() == (355, 355)


def test_a_tag_stage_killed_mid_write_resumes_without_duplicates(sample_run: SampleRun, tmp_path: Path) -> None:
    complete = (sample_run.run_dir / "tagged.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    partial = tmp_path / "tagged.jsonl"
    torn = complete[100][: len(complete[100]) // 2]  # the process died while writing this line
    partial.write_text("".join(complete[:100]) + torn, encoding="utf-8")
    summary = stages.tag_reviews(sample_run.crawl.output, partial)
    assert summary.reviews == len(complete) - 100
    resumed = [tagged.review.review_id for tagged in read_tagged(partial)]
    assert len(resumed) == len(set(resumed)) == len(complete)

"""The nightly flow in-process under the session's Prefect harness, against local fixture sites: a failing and a
blocked source leave the others loaded, a second run with nothing new tags nothing, a crawl stopped by its timeout
is retried and the next run completes without losing or duplicating a review."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from revint.pipeline.flows import nightly_flow
from revint.pipeline.nightly import NightlyReport
from tests.support.fixture_site import FixtureSite, Reply, company, company_pages, review

CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<p>Checking if the site connection is secure</p><script src='/cdn-cgi/challenge-platform/x.js'></script>"
    "</body></html>"
)


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REVINT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REVINT_RETRY_BACKOFF", "0.1")  # Scrapy's own retries of a refused connection


def _config(tmp_path: Path, sources: list[dict[str, Any]], **top: Any) -> Path:
    lines = [f'warehouse = "{tmp_path / "w.duckdb"}"', "crawl_retry_delays = [0.0, 0.0]"]
    lines += [f"{key} = {value}" for key, value in top.items()]
    lines += ["[tagging]", "workers = 1", "chunk_reviews = 25"]
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{key} = {_toml(value)}" for key, value in source.items()]
    path = tmp_path / "revint.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"' if isinstance(value, str) else str(value)


def _run(config: Path) -> tuple[Any, NightlyReport]:
    state = nightly_flow(str(config), return_state=True)
    report = state.result(raise_on_failure=False)
    assert isinstance(report, NightlyReport), report
    return state, report


def _warehouse_counts(tmp_path: Path) -> tuple[int, int]:
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT count(*), count(DISTINCT review_id) FROM reviews").fetchone()
        assert row is not None
        return row[0], row[1]
    finally:
        con.close()


def _shop(reviews: int, slug: str = "atelier") -> dict[str, str]:
    return company_pages(company(slug, slug.title(), [review(f"{slug}-{n}", 1 + n % 28) for n in range(reviews)]))


def test_a_failing_and_a_blocked_source_leave_the_others_loaded_then_a_second_run_tags_nothing(
    prefect_api: str, tmp_path: Path
) -> None:
    with FixtureSite(_shop(30)) as good, FixtureSite({"/entreprise/x/avis": Reply(CHALLENGE, status=403)}) as walled:
        sources = [
            {"name": "good", "spider": "sample", "start_urls": [good.url + "/entreprise/atelier/avis"], "delay": 0.0},
            {"name": "down", "spider": "sample", "start_urls": ["http://127.0.0.1:9/x"], "delay": 0.0},
            {"name": "walled", "spider": "sample", "start_urls": [walled.url + "/entreprise/x/avis"], "delay": 0.0},
        ]
        site = tmp_path / "site"
        config = _config(tmp_path, sources, site_dir=f'"{site}"')
        state, report = _run(config)
        built = (site / "index.html").stat().st_mtime_ns

        assert state.is_failed()
        assert "down (failed)" in (state.message or "") and "walled (blocked)" in (state.message or "")
        by_name = {run.name: run for run in report.sources}
        assert by_name["good"].status == "ok" and by_name["good"].fresh == 30
        assert by_name["walled"].status == "blocked" and "anti bot challenge" in by_name["walled"].detail
        assert walled.paths().count("/entreprise/x/avis") == 1  # a wall is not asked again
        assert list((by_name["walled"].run_dir / "archive" / "blocked").glob("*-403.html"))
        assert _warehouse_counts(tmp_path) == (30, 30)
        assert "| walled | blocked:" in report.markdown()

        again, second = _run(_config(tmp_path, sources[:1], site_dir=f'"{site}"'))
        assert again.is_completed()
        assert second.tagged_reviews == 0 and second.sources[0].unchanged == second.sources[0].crawl.reviews_written  # type: ignore[union-attr]
        assert second.load is not None and second.load.reviews_in_batch == 0
        assert _warehouse_counts(tmp_path) == (30, 30)
        assert (site / "index.html").stat().st_mtime_ns == built  # nothing changed: the site was not built again

        shutil.rmtree(site)  # an output gone is built again, whatever the cache says
        assert _run(_config(tmp_path, sources[:1], site_dir=f'"{site}"'))[0].is_completed()
        assert (site / "index.html").is_file()


def test_a_crawl_stopped_by_its_timeout_is_retried_and_the_next_run_loses_and_duplicates_nothing(
    prefect_api: str, tmp_path: Path
) -> None:
    slow = {path: Reply(page, delay=0.6) for path, page in _shop(120, "lente").items()}  # 12 pages, ~7 s
    with FixtureSite(slow) as site:
        source = {"spider": "sample", "start_urls": [site.url + "/entreprise/lente/avis"], "delay": 0.0}
        state, report = _run(_config(tmp_path, [source | {"timeout_minutes": 0.03}], crawl_retries=1))
        first_page_hits = site.paths().count("/entreprise/lente/avis")
        assert report.sources[0].status == "failed" and "stopped after" in report.sources[0].detail
        assert state.is_failed()
        assert first_page_hits == 1  # the retry resumed the stopped crawl instead of starting over
        assert site.paths().count("/entreprise/lente/avis?page=2") == 1

        state, report = _run(_config(tmp_path, [source]))
        assert state.is_completed(), state.message
    assert _warehouse_counts(tmp_path) == (120, 120)

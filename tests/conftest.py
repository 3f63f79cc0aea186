"""Shared fixtures: throwaway settings, and one real crawl → tag → load of the sample site per session."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from revint.pipeline import stages
from revint.pipeline.sample_site import serve_sample_site
from revint.settings import Settings


def temporary_settings(root: Path) -> Settings:
    return replace(Settings.from_env(), data_dir=root, db_path=root / "revint.duckdb")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return temporary_settings(tmp_path)


@dataclass(frozen=True)
class SampleRun:
    settings: Settings
    run_dir: Path
    crawl: stages.CrawlSummary


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    """The bundled sample site crawled for real, tagged and loaded into a session warehouse."""
    settings = temporary_settings(tmp_path_factory.mktemp("sample-run"))
    run_dir = stages.new_run_dir(settings, "sample")
    with serve_sample_site(settings.sample_site_dir) as url:
        crawl = stages.crawl(settings, "sample", [url + "/"], run_dir, delay=0.0)
    stages.tag_reviews(crawl.output, run_dir / "tagged.jsonl")
    stages.load(settings, run_dir / "tagged.jsonl", crawl)
    return SampleRun(settings, run_dir, crawl)

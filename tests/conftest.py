"""Shared fixtures: throwaway settings and one real crawl → tag → load of the sample site per session.

Tests under tests/integration, and tests that use the session's sample run, are marked `slow` (they run crawls,
the command line, flows or notebooks in subprocesses): `pytest -m "not slow"` is the fast loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from revint.pipeline import stages
from revint.pipeline.sample_site import serve_sample_site
from revint.settings import Settings
from tests.support.prefect_server import prefect_server
from tests.support.runs import SampleRun, temporary_settings

INTEGRATION = Path(__file__).parent / "integration"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(INTEGRATION) or "sample_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return temporary_settings(tmp_path)


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


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """The API URL of one temporary Prefect server (per xdist worker) for every flow the session runs, in-process
    or in a `revint` subprocess given it as PREFECT_API_URL."""
    with prefect_server() as url:
        yield url


@pytest.fixture
def commands_report_to_the_session_server(prefect_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The `revint` commands a test starts report their flows to the session's Prefect server, instead of each
    starting a temporary one."""
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)

"""Prefect flows: thin orchestration over the plain functions of pipeline.stages, run without a Prefect server
(`run_without_server`) unless the environment names one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import (
    PREFECT_SERVER_ANALYTICS_ENABLED,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    temporary_settings,
)

from revint.pipeline import stages
from revint.pipeline.sample_site import serve_sample_site
from revint.pipeline.warehouse.load import LoadSummary
from revint.runfiles import TAGGED_FILE
from revint.settings import Settings


@dataclass(frozen=True)
class RunSummary:
    run_dir: Path
    crawl: stages.CrawlSummary
    tag: stages.TagSummary
    load: LoadSummary
    load_seconds: float


@task(cache_policy=NO_CACHE)
def crawl_task(
    settings: Settings, spider: str, start_urls: list[str], run_dir: Path, delay: float | None, mode: stages.CrawlMode
) -> stages.CrawlSummary:
    return stages.crawl(settings, spider, start_urls, run_dir, delay=delay, mode=mode)


@task(cache_policy=NO_CACHE)
def tag_task(reviews_path: Path, tagged_path: Path) -> stages.TagSummary:
    return stages.tag_reviews(reviews_path, tagged_path)


@task(cache_policy=NO_CACHE)
def load_task(
    settings: Settings, tagged_path: Path, crawl: stages.CrawlSummary, started_at: datetime, seconds_tag: float
) -> tuple[LoadSummary, float]:
    begun = datetime.now(UTC)
    summary = stages.load(settings, tagged_path, crawl, started_at, seconds_tag)
    return summary, (datetime.now(UTC) - begun).total_seconds()


@flow(name="revint-crawl-tag-load")
def crawl_tag_load(
    settings: Settings,
    spider: str,
    start_urls: list[str],
    delay: float | None = None,
    mode: stages.CrawlMode = "full",
) -> RunSummary:
    """The nightly chain for one spider: crawl (`mode="nightly"`: only what the warehouse lacks) → tag → load."""
    started_at = datetime.now(UTC)
    run_dir = stages.new_run_dir(settings, spider)
    crawl = crawl_task(settings, spider, start_urls, run_dir, delay, mode)
    tagged = tag_task(crawl.output, run_dir / TAGGED_FILE)
    loaded, seconds = load_task(settings, run_dir / TAGGED_FILE, crawl, started_at, tagged.seconds)
    return RunSummary(run_dir, crawl, tagged, loaded, seconds)


@flow(name="revint-demo")
def demo_flow(settings: Settings) -> RunSummary:
    """The embedded default: serve the bundled sample site on 127.0.0.1 and run the chain against it."""
    with serve_sample_site(settings.sample_site_dir) as base_url:
        return crawl_tag_load(settings, "sample", [base_url + "/"], delay=0.0)


P = ParamSpec("P")
R = TypeVar("R")


def run_without_server(run: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a flow under Prefect's temporary local server: given time to start on a cold machine (its 20 s
    start-up can pass the default timeout) and sending no analytics. Prefect's own INFO lines are silenced for
    the rest of the process (the server stops at exit and says so): revint prints its progress itself."""
    logging.getLogger("prefect").setLevel(logging.WARNING)
    offline = {PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 120, PREFECT_SERVER_ANALYTICS_ENABLED: False}
    with temporary_settings(updates=offline):
        return run(*args, **kwargs)

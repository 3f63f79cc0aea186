"""Prefect flows: thin orchestration over the plain functions of pipeline.stages and pipeline.nightly, run without a
Prefect server (`run_without_server`) unless the environment names one.

- `demo_flow`: the embedded default, the bundled sample site crawled, tagged and loaded.
- `nightly_flow` (also `backfill` with mode "full" and companies): every followed source of revint.toml crawled in
  its own subprocess (retried with backoff, under its host's lock), new or changed reviews tagged in chunks on Dask
  workers, everything loaded by one writer in one transaction, then the site and the digest. A source that fails or
  is blocked does not stop the others: the run ends Failed, naming it, with the others loaded.
- `import_flow`: the config's folders of exports; `retag_flow`: a new tagger version, batch by batch.
Each ends with a Markdown summary, published as a Prefect artifact and printed by the command line.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TaskRunContext
from prefect.settings import (
    PREFECT_SERVER_ANALYTICS_ENABLED,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    temporary_settings,
)
from prefect.states import Completed, Failed
from prefect.tasks import Task
from prefect_dask import DaskTaskRunner

from revint.models.tagger import Tagger, trained_version
from revint.pipeline import nightly, stages
from revint.pipeline.config import Config, Tagging, load_config
from revint.pipeline.importing import ImportSummary, import_paths
from revint.pipeline.retag import RetagSummary, retag_batch
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


def _not_blocked(task: Task[..., object], task_run: TaskRun, state: State[object]) -> bool:
    """Retry a crawl that failed or timed out, not one that met a wall: asking again at once only confirms the bot."""
    return not isinstance(state.result(raise_on_failure=False), stages.SourceBlocked)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[60, 300], retry_condition_fn=_not_blocked)
def crawl_source_task(
    settings: Settings, source: nightly.Source, run_dir: Path, mode: stages.CrawlMode
) -> stages.CrawlSummary:
    return nightly.crawl_source(settings, source, run_dir, mode)


@task(cache_policy=NO_CACHE)
def tag_chunk_task(chunk: Path) -> stages.TagSummary:
    return nightly.tag_chunk(chunk)


@task(cache_policy=NO_CACHE)
def load_runs_task(settings: Settings, runs: list[stages.RunToLoad]) -> LoadSummary:
    return stages.load_runs(settings, runs)


def _publication_key(context: TaskRunContext, parameters: dict[str, object]) -> str:
    """Unchanged data, unchanged definitions, the same output folder: the last build stands (`_publish` rebuilds
    an output that is gone)."""
    return f"{context.task.name}|{parameters['state']}|{parameters['folder']}"


@task(cache_key_fn=_publication_key, persist_result=True)
def site_task(settings: Settings, config: Config, state: str, folder: Path) -> str:
    return nightly.publish_site(settings, config)


@task(cache_key_fn=_publication_key, persist_result=True)
def digest_task(settings: Settings, config: Config, state: str, folder: Path) -> str:
    return nightly.publish_digest(settings, config)


def dask_runner(tagging: Tagging, address: str | None = None, workers: int | None = None) -> DaskTaskRunner:
    """An existing Dask cluster given by address, else local worker processes (one thread each: spaCy holds the
    GIL)."""
    if address or tagging.dask_address:
        return DaskTaskRunner(address=address or tagging.dask_address)
    n_workers = workers or tagging.workers
    return DaskTaskRunner(cluster_kwargs={"n_workers": n_workers, "processes": True, "threads_per_worker": 1})


def _crawl_all(
    settings: Settings, config: Config, mode: stages.CrawlMode, companies: list[str] | None
) -> list[nightly.SourceRun]:
    """Every source crawled (concurrently, each under its host's lock); a failure is kept on its SourceRun."""
    runs, futures = [], []
    crawling = crawl_source_task.with_options(
        retries=config.crawl_retries, retry_delay_seconds=config.crawl_retry_delays
    )
    for source in config.active_sources(companies):
        run = nightly.SourceRun(source.name, source.spider, stages.new_run_dir(settings, source.name))
        runs.append(run)
        futures.append(crawling.submit(settings, source, run.run_dir, mode))
    for run, future in zip(runs, futures, strict=True):
        outcome = future.result(raise_on_failure=False)
        if isinstance(outcome, stages.CrawlSummary):
            run.crawl = outcome
        else:
            run.status = "blocked" if isinstance(outcome, stages.SourceBlocked) else "failed"
            run.detail = str(outcome)
    return runs


def _tag_all(
    settings: Settings, runs: list[nightly.SourceRun], config: Config, runner: DaskTaskRunner
) -> list[stages.TagSummary]:
    """The fresh reviews of the crawled sources, tagged chunk by chunk on the Dask workers; a source whose chunk
    failed is marked failed (its chunks stay for the next attempt)."""
    version = trained_version()
    for run in runs:
        if run.status == "ok":
            nightly.keep_fresh(settings, run, version)
            run.chunks = nightly.cut_chunks(run, config.tagging.chunk_reviews)
    chunks = [(run, chunk) for run in runs if run.status == "ok" for chunk in run.chunks]
    if not chunks:
        return []
    summaries = []
    with runner:
        futures = [runner.submit(tag_chunk_task, {"chunk": chunk}) for _, chunk in chunks]
        for (run, chunk), future in zip(chunks, futures, strict=True):
            outcome = future.result(raise_on_failure=False)
            if isinstance(outcome, stages.TagSummary):
                summaries.append(outcome)
            elif run.status == "ok":
                run.status, run.detail = "failed", f"tagging {chunk.name} failed: {outcome}"
    return summaries


def _publish(settings: Settings, config: Config) -> tuple[str, str]:
    """The site and the digest, each rebuilt only when the warehouse's data or the marts changed."""
    state = nightly.current_state(settings)
    if not state:
        return "no warehouse yet", "no warehouse yet"
    site = _published(site_task, settings, config, state, config.site_folder(settings))
    digest = _published(digest_task, settings, config, state, config.digest_folder(settings))
    return site, digest


def _published(publishing: Task[..., str], settings: Settings, config: Config, state: str, folder: Path) -> str:
    """The task's output in `folder`: its cached build unless the folder is gone or empty."""
    gone = not (folder.exists() and any(folder.iterdir()))
    return publishing.with_options(refresh_cache=gone)(settings, config, state, folder)


def _ended(report: nightly.NightlyReport, started: float) -> State[nightly.NightlyReport]:
    """Publish the summary artifact; a run with a failed or blocked source ends Failed, naming them."""
    report.seconds = time.monotonic() - started
    create_markdown_artifact(report.markdown(), key=f"revint-{report.flow}", description=f"revint {report.flow} run")
    if report.failed:
        names = ", ".join(f"{run.name} ({run.status})" for run in report.failed)
        return Failed(message=f"{len(report.failed)} source(s) failed or blocked: {names}", data=report)
    return Completed(data=report)


@flow(name="revint-nightly")
def nightly_flow(
    config_path: str | None = None,
    mode: stages.CrawlMode = "nightly",
    companies: list[str] | None = None,
    dask_address: str | None = None,
    workers: int | None = None,
) -> State[nightly.NightlyReport]:
    """Crawl every followed source, tag what is new or changed on Dask workers, load it all at once, refresh the
    site and the digest. `mode="full"` with `companies`: a backfill of those companies' sources."""
    started = time.monotonic()
    config = load_config(Path(config_path) if config_path else None)
    settings = config.settings(Settings.from_env())
    report = nightly.NightlyReport(
        "backfill" if mode == "full" else "nightly", datetime.now(UTC), [], [], None, [], "", ""
    )
    report.sources = _crawl_all(settings, config, mode, companies)
    report.tag = _tag_all(settings, report.sources, config, dask_runner(config.tagging, dask_address, workers))
    ready = [run for run in report.sources if run.status == "ok" and run.crawl is not None]
    touched = {company for run in ready for company in run.fresh_companies}
    before, names = nightly.warehouse_concerns(settings, touched)
    to_load = [stages.RunToLoad([nightly.merge_chunks(run)], run.crawl, report.started_at) for run in ready]
    if to_load:
        report.load = load_runs_task(settings, to_load)
    after, names = nightly.warehouse_concerns(settings, touched)
    report.changes = nightly.concern_changes(before, after, names)
    report.site, report.digest = _publish(settings, config)
    return _ended(report, started)


@flow(name="revint-import")
def import_flow(config_path: str | None = None) -> State[list[ImportSummary]]:
    """Import the exports added to the config's watched folders since the last run, then refresh the site and the
    digest."""
    config = load_config(Path(config_path) if config_path else None)
    settings = config.settings(Settings.from_env())
    summaries = []
    for entry in config.imports:
        paths = nightly.new_export_files(settings, entry.folder)
        if paths:
            summaries.append(import_paths(settings, entry.source, paths, company=entry.company))
            nightly.mark_imported(settings, paths)
    _publish(settings, config)
    return Completed(data=summaries)


@flow(name="revint-retag")
def retag_flow(config_path: str | None = None, batch_size: int = 5000) -> State[list[RetagSummary]]:
    """Re-tag the warehouse with today's tagger, `batch_size` reviews per published transaction: resumable."""
    config = load_config(Path(config_path) if config_path else None)
    settings = config.settings(Settings.from_env())
    tagger, batches = Tagger(), []
    while (done := retag_batch(settings.db_path, tagger, batch_size)).reviews:
        batches.append(done)
    _publish(settings, config)
    return Completed(data=batches)


def serve_schedules(config_path: str | None, cron: str = "0 2 * * *", timezone: str = "Europe/Paris") -> None:
    """The nightly flow on its cron, and the others on demand, served from this process (`flow.serve` under the
    temporary local server: nothing to install). prefect.yaml declares the same for a work pool."""
    from prefect import serve
    from prefect.deployments.runner import RunnerDeployment
    from prefect.schedules import Cron

    parameters = {"config_path": config_path}
    deployments = [
        nightly_flow.to_deployment("nightly", schedule=Cron(cron, timezone=timezone), parameters=parameters),
        import_flow.to_deployment("import", parameters=parameters),
        retag_flow.to_deployment("retag", parameters=parameters),
    ]
    serve(*(d for d in deployments if isinstance(d, RunnerDeployment)))  # to_deployment is sync here


P = ParamSpec("P")
R = TypeVar("R")


def run_without_server(run: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a flow under Prefect's temporary local server: given time to start on a cold machine (its 20 s
    start-up can pass the default timeout) and sending no analytics. Prefect's own INFO lines are silenced for
    the rest of the process (the server stops at exit and says so): revint prints its progress itself."""
    for name in ("prefect", "distributed"):  # Dask's scheduler logs in this process
        logging.getLogger(name).setLevel(logging.WARNING)
    for name, level in (("PREFECT_LOGGING_LEVEL", "WARNING"), ("DASK_DISTRIBUTED__LOGGING__DISTRIBUTED", "warning")):
        os.environ.setdefault(name, level)  # Dask's worker processes too
    offline = {PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 120, PREFECT_SERVER_ANALYTICS_ENABLED: False}
    with temporary_settings(updates=offline):
        return run(*args, **kwargs)

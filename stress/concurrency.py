"""Concurrent use: analysts' read queries in a loop from several processes while the nightly command loads, then two
nightly runs started at once on the same config.

Every read opens the published warehouse read-only, as `revint questions` does, and must succeed whatever the writer
is doing. The two simultaneous runs must leave a warehouse that passes its checks and holds every review of the site
once: one waits for the other (the host's crawl lock, the warehouse's write lock) or refuses with a clear message.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import re
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Final

from revint.pipeline import stages
from revint.pipeline.insights.report import company_report
from revint.pipeline.warehouse.db import connect
from revint.runfiles import TAGGED_FILE
from revint.settings import Settings
from stress.kills import (
    Attempt,
    GrowingSite,
    Scenario,
    count_lost_and_twice,
    nightly_scenario,
    scratch_folder,
    warehouse_problems,
)
from stress.outcome import Outcome

PART: Final = "concurrent use"
READY_TIMEOUT: Final = 120.0  # seconds for the readers to start and make their first read
ERRORS_KEPT: Final = 3  # per reader, for the notes
OTHER_RUN: Final = re.compile(r"waiting for it|another run", re.IGNORECASE)  # a run waiting for another, or refusing


def run(seed: int = 0, readers: int = 3, scratch: Path | None = None, *, simultaneous: bool = True) -> Outcome:
    """`readers` processes reading during a nightly run and (with `simultaneous`) during two runs started at once."""
    outcome = Outcome(PART)
    context = multiprocessing.get_context("spawn")  # the readers import DuckDB afresh, not a copy of this process's
    with scratch_folder(scratch) as root, GrowingSite() as site:
        scenario = nightly_scenario("concurrent", root / "concurrent", site.start_urls)
        first_load(scenario, site.start_urls)
        stop, results = context.Event(), context.Queue()
        processes = [
            context.Process(target=read_in_a_loop, args=(scenario.warehouse, seed + number, stop, results))
            for number in range(readers)
        ]
        for process in processes:
            process.start()
        try:
            _await_readers(results, processes)
            site.night()
            _one_run(scenario, site, outcome)
            if simultaneous:
                site.night()
                _two_runs_at_once(scenario, site, outcome)
        finally:
            stop.set()
            _count_reads(results, processes, outcome)
    return outcome


def first_load(scenario: Scenario, start_urls: list[str]) -> None:
    """The warehouse the analysts read, built before any nightly run by the plain stage functions (quicker than a
    flow: no Prefect server, no Dask cluster)."""
    settings = replace(Settings.from_env(), data_dir=scenario.folder / "data", db_path=scenario.warehouse)
    run_dir = stages.new_run_dir(settings, "fixture")
    crawl = stages.crawl(settings, "sample", start_urls, run_dir, delay=0.0)
    stages.tag_reviews(crawl.output, run_dir / TAGGED_FILE)
    stages.load(settings, run_dir / TAGGED_FILE, crawl)


def read_in_a_loop(warehouse: Path, seed: int, stop: Event, results: Queue[tuple[object, ...]]) -> None:
    """An analyst: connect read-only, read a company's report and a mart, disconnect; again until `stop`. Sends
    ("ready",) after the first read, then ("done", reads, failed, first errors, review counts seen)."""
    rng = random.Random(seed)
    reads = failed = 0
    errors: list[str] = []
    seen: set[int] = set()
    while not stop.is_set():
        reads += 1
        try:
            con = connect(warehouse, read_only=True)
            try:
                companies = [row[0] for row in con.execute("SELECT company_id FROM companies").fetchall()]
                company_report(con, rng.choice(companies), by_id=True)
                con.execute("SELECT count(*) FROM mart_company_theme").fetchone()
                count = con.execute("SELECT count(*) FROM reviews").fetchone()
                seen.add(count[0] if count else -1)
            finally:
                con.close()
        except Exception as error:  # any read an analyst would see fail
            failed += 1
            if len(errors) < ERRORS_KEPT:
                errors.append(f"{type(error).__name__}: {error}")
        if reads == 1:
            results.put(("ready",))
    results.put(("done", reads, failed, errors, sorted(seen)))


def _await_readers(results: Queue[tuple[object, ...]], processes: Sequence[BaseProcess]) -> None:
    """Until every reader made its first read; an error naming them if one died or none read in READY_TIMEOUT."""
    deadline, ready = time.monotonic() + READY_TIMEOUT, 0
    while ready < len(processes):
        if time.monotonic() > deadline or not all(process.is_alive() for process in processes):
            codes = ", ".join(str(process.exitcode) for process in processes)
            raise RuntimeError(f"{len(processes) - ready} readers did not start reading (exit codes: {codes})")
        with suppress(queue.Empty):
            ready += results.get(timeout=0.5) == ("ready",)


def _count_reads(results: Queue[tuple[object, ...]], processes: Sequence[BaseProcess], outcome: Outcome) -> None:
    seen: set[int] = set()
    reported = 0
    while reported < len(processes):
        try:
            message = results.get(timeout=READY_TIMEOUT)
        except queue.Empty:
            outcome.crashes += 1
            outcome.notes.append(f"{len(processes) - reported} readers never reported their reads")
            break
        if message[0] != "done":
            continue
        _, reads, failed, errors, counts = message
        assert isinstance(reads, int) and isinstance(failed, int) and isinstance(errors, list)
        assert isinstance(counts, list)
        reported += 1
        outcome.tried += reads
        outcome.failed_reads += failed
        outcome.notes += [f"a read failed: {error}" for error in errors]
        seen.update(counts)
    for process in processes:
        process.join(READY_TIMEOUT)
    counts = ", ".join(map(str, sorted(seen)))
    outcome.notes.append(f"{len(processes)} readers made {outcome.tried} reads; the warehouse held {counts} reviews")


def _one_run(scenario: Scenario, site: GrowingSite, outcome: Outcome) -> None:
    """A nightly run while the readers read; it must complete and leave every review of the site there once."""
    attempt = Attempt(scenario, "nightly")
    code = attempt.finish()[0]
    if code != 0:
        outcome.crashes += 1
        outcome.notes.append(f"the nightly run under reads exited {code}: {attempt.tail()}")
    _check(scenario, site, outcome, "after the nightly run under reads")


def _two_runs_at_once(scenario: Scenario, site: GrowingSite, outcome: Outcome) -> None:
    """Two nightly runs started together on the same config: each completes (one waiting for the other) or refuses
    with a clear message; what each did goes to the notes."""
    attempts = [Attempt(scenario, f"simultaneous-{name}") for name in ("a", "b")]
    told = []
    for attempt in attempts:
        code, seconds = attempt.finish()
        text = attempt.log.read_text(encoding="utf-8", errors="replace")
        waited = sorted({line.strip() for line in text.splitlines() if OTHER_RUN.search(line)})
        said = f"; said: {' / '.join(waited)}" if waited else ""
        told.append(f"run {attempt.label[-1]} exited {code} after {seconds:.0f} s{said}")
        if code != 0 and not OTHER_RUN.search(attempt.tail(1)):  # failing is fine as a refusal naming the other run
            outcome.crashes += 1
            outcome.notes.append(
                f"of two runs at once, {attempt.label} failed, not for the other run: {attempt.tail()}"
            )
    outcome.notes.append("two nightly runs at once: " + "; ".join(told))
    _check(scenario, site, outcome, "after two runs at once")


def _check(scenario: Scenario, site: GrowingSite, outcome: Outcome, when: str) -> None:
    """The published warehouse passes its checks, holds every review of the site, each once."""
    if problems := warehouse_problems(scenario.warehouse):
        outcome.crashes += 1
        outcome.notes.append(f"{when}: {'; '.join(problems)}")
        return
    count_lost_and_twice(scenario.warehouse, site.review_ids(), outcome, when)

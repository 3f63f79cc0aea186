"""Random kills: the nightly command on a local fixture site, and the import of a real export, each killed with SIGKILL
at seeded random points and resumed, then compared with an uninterrupted run of the same scenario into another
warehouse.

After every kill the published warehouse must open read-only and pass its quality checks, and no process of the killed
run may be left running; after the last kill a run must complete, and the resumed warehouse must hold every review the
uninterrupted one holds, each once.

Each killed warehouse starts as a copy of its uninterrupted twin's first state, so that every kill meets a published
warehouse: the first night of the nightly scenario, or other rows of the same export. The fixture site grows a few
reviews before every nightly attempt, as a review site does between nights, so that every attempt has reviews to crawl,
tag and load and a kill can land in any stage; the twin catches up in one run at the end.
"""

from __future__ import annotations

import csv
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from revint.pipeline.warehouse.db import DataQualityError, connect, run_checks
from revint.settings import SHARED_CORPUS
from stress.outcome import Outcome
from tests.support.fixture_site import FixtureSite, Reply, company, company_pages, review

PART: Final = "random kills"
MIN_DELAY: Final = 0.5  # seconds: the earliest kill point
STRAGGLER_GRACE: Final = 30.0  # seconds a killed run's crawler gets to stop (it is sent SIGTERM when revint dies)
RUN_TIMEOUT: Final = 900.0  # seconds after which a run that should complete is called hung
MARKER: Final = "REVINT_STRESS_ATTEMPT"  # set in each attempt's environment: its processes, wherever they went
IMPORT_ROWS: Final = 2000  # of the real export: a few seconds of parsing, tagging and loading
EARLIER_ROWS: Final = 300  # other rows of it, in the warehouse before the import that is killed
COMPANIES: Final = ("atelier-nord", "brasserie-sud", "clinique-est", "logistique-ouest")
FIRST_NIGHT_REVIEWS: Final = 10  # per company: a first night no longer than the next ones, which bounds kills
NEW_EACH_NIGHT: Final = 3  # per company
TAGGING_WORKERS: Final = 1  # Dask worker processes: a second one would only load spaCy again on two cores
CHUNK_REVIEWS: Final = 10  # several chunks a night, so that a kill can fall between two
FIRST_DAY: Final = date(2022, 1, 3)
CONS: Final = (
    "Salaire trop bas pour la charge de travail.",
    "Management absent, aucune reconnaissance.",
    "Horaires à rallonge, pas d'équilibre avec la vie privée.",
    "Locaux vieillissants.",
    "Aucune évolution de carrière possible.",
)
MENTION_KEY: Final = "(review_id, section, unit_index, theme, polarity)"
LIBRARY_LINE: Final = re.compile(r"\d\d:\d\d:\d\d\.\d+ \||\d{4}-\d\d-\d\d \d\d:|\s|Traceback|The above exception")

log = logging.getLogger(__name__)


class GrowingSite:
    """Fixture companies in the sample site's page format, served on 127.0.0.1, whose review lists grow by
    NEW_EACH_NIGHT reviews each `night()`, newest first, as a review site does between nightly runs."""

    def __init__(self) -> None:
        self.reviews: dict[str, list[dict[str, Any]]] = {slug: [] for slug in COMPANIES}
        self.site = FixtureSite({})
        for slug in COMPANIES:
            self._add(slug, FIRST_NIGHT_REVIEWS)

    def __enter__(self) -> GrowingSite:
        self.site.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.site.__exit__(kind, error, tb)

    @property
    def start_urls(self) -> list[str]:
        return [f"{self.site.url}/entreprise/{slug}/avis" for slug in COMPANIES]

    def night(self) -> None:
        for slug in COMPANIES:
            self._add(slug, NEW_EACH_NIGHT)

    def review_ids(self) -> set[str]:
        """The ids the warehouse gives the site's reviews."""
        return {f"sample:{fields['id']}" for reviews in self.reviews.values() for fields in reviews}

    def _add(self, slug: str, count: int) -> None:
        reviews = self.reviews[slug]
        for _ in range(count):
            number = len(reviews)
            day = (FIRST_DAY + timedelta(days=number)).isoformat()
            cons = CONS[(number + COMPANIES.index(slug)) % len(CONS)]
            reviews.append(review(f"{slug}-{number:04d}", 1, date=day, cons=cons))
        pages = company_pages(company(slug, slug.replace("-", " ").title(), reviews))
        self.site.routes.update({path: [Reply(page)] for path, page in pages.items()})


@dataclass
class Scenario:
    """A command that writes one warehouse, in a folder of its own (warehouse, data folder, logs)."""

    name: str
    folder: Path
    arguments: list[str]  # of `revint`
    before_attempt: Callable[[], None] = field(default=lambda: None)  # what changes before each run: a night passes

    @property
    def warehouse(self) -> Path:
        return self.folder / "w.duckdb"

    def environment(self, marker: str) -> dict[str, str]:
        inherited = {key: value for key, value in os.environ.items() if key not in ("REVINT_DB", "REVINT_CONFIG")}
        return inherited | {"REVINT_DATA_DIR": str(self.folder / "data"), "DO_NOT_TRACK": "1", MARKER: marker}


def nightly_scenario(name: str, folder: Path, start_urls: list[str]) -> Scenario:
    """`revint nightly` on a revint.toml following `start_urls` with the sample spider, everything under `folder`
    (a new one)."""
    folder.mkdir(parents=True)
    urls = ", ".join(f'"{url}"' for url in start_urls)
    config = folder / "revint.toml"
    config.write_text(
        f'warehouse = "w.duckdb"\nsite_dir = "site"\ndigest_dir = "digests"\ncrawl_retry_delays = [1.0, 1.0]\n'
        f"[tagging]\nworkers = {TAGGING_WORKERS}\nchunk_reviews = {CHUNK_REVIEWS}\n"
        f'[[sources]]\nname = "fixture"\nspider = "sample"\nstart_urls = [{urls}]\ndelay = 0\n',
        encoding="utf-8",
    )
    return Scenario(name, folder, ["nightly", "--config", str(config)])


class Attempt:
    """One run of a scenario's command in its own process group (the kill reaches the Dask workers and the Prefect
    server too), its output in a log file."""

    def __init__(self, scenario: Scenario, label: str) -> None:
        self.scenario, self.label = scenario, label
        self.log = scenario.folder / f"{label}.log"
        self.marker = f"{scenario.folder}#{label}"
        command = [sys.executable, "-m", "revint.pipeline.cli", *scenario.arguments]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=scenario.folder,
                env=scenario.environment(self.marker),
                start_new_session=True,
            )
        self.started = time.monotonic()

    def wait(self, seconds: float) -> int | None:
        """The exit status, or None while it still runs `seconds` after it started."""
        try:
            return self.process.wait(max(0.0, self.started + seconds - time.monotonic()))
        except subprocess.TimeoutExpired:
            return None

    def finish(self) -> tuple[int, float]:
        """The exit status and the seconds it ran; a run still going after RUN_TIMEOUT is killed (status -9)."""
        code = self.wait(RUN_TIMEOUT)
        if code is None:
            self.kill()
            code = -signal.SIGKILL
        return code, time.monotonic() - self.started

    def kill(self) -> list[str]:
        """SIGKILL to the whole process group; then what is still running of it after STRAGGLER_GRACE (killed too)."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + STRAGGLER_GRACE
        while (left := marked_processes(self.marker)) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return [f"left running {STRAGGLER_GRACE:.0f} s after the kill: {command}" for command in left.values()]

    def tail(self, lines: int = 2) -> str:
        """The last lines revint printed (not Prefect's or Dask's log lines, nor traceback frames): where it was."""
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        own = [line.strip()[:160] for line in text if line.strip() and not LIBRARY_LINE.match(line)]
        return " / ".join(own[-lines:]) or "nothing printed yet"


def marked_processes(marker: str) -> dict[int, str]:
    """The live processes whose environment holds MARKER=marker, by pid, with their command lines."""
    wanted = f"{MARKER}={marker}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found[int(entry.name)] = command.strip()[:200]
        except OSError:  # gone meanwhile, or a zombie
            continue
    return found


def warehouse_problems(path: Path) -> list[str]:
    """Why the published warehouse is not fit to read: it does not open read-only, or a quality check fails."""
    try:
        con = connect(path, read_only=True)
    except Exception as error:  # anything that stops an analyst's read counts
        return [f"the warehouse does not open read-only: {type(error).__name__}: {error}"]
    try:
        run_checks(con)
    except DataQualityError as error:
        return [str(error).replace("\n", " ")]
    finally:
        con.close()
    return []


def review_ids(path: Path) -> set[str]:
    con = connect(path, read_only=True)
    try:
        return {row[0] for row in con.execute("SELECT review_id FROM reviews").fetchall()}
    finally:
        con.close()


def duplicates(path: Path) -> tuple[int, int]:
    """Rows beyond the first of each review in `reviews`, and of each mention on its key in `mentions`."""
    con = connect(path, read_only=True)
    try:
        reviews = con.execute("SELECT count(*) - count(DISTINCT review_id) FROM reviews").fetchone()
        mentions = con.execute(f"SELECT count(*) - count(DISTINCT {MENTION_KEY}) FROM mentions").fetchone()
    finally:
        con.close()
    assert reviews is not None and mentions is not None
    return reviews[0], mentions[0]


@contextmanager
def scratch_folder(scratch: Path | None) -> Iterator[Path]:
    """`scratch` (kept, with every run's log), or a temporary folder removed afterwards."""
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
        yield scratch
        return
    with tempfile.TemporaryDirectory(prefix="revint-stress-") as folder:
        yield Path(folder)


def run(seed: int = 0, kills: int = 20, scratch: Path | None = None, *, imports: bool = True) -> Outcome:
    """Kill the nightly command `kills` times and (with `imports`) the import of a real export as often. The two
    scenarios run side by side, each with its own seeded draws: a run of either keeps about one core busy, and each
    kill point is measured from its own run's start."""
    with scratch_folder(scratch) as root, ThreadPoolExecutor(max_workers=2) as pool:
        scenarios = [pool.submit(_nightly_scenario, root / "nightly", kills, random.Random(f"{seed}-nightly"))]
        if imports:
            scenarios.append(pool.submit(_import_scenario, root / "import", kills, random.Random(f"{seed}-import")))
        return _merged([scenario.result() for scenario in scenarios])


def _merged(outcomes: list[Outcome]) -> Outcome:
    """The scenarios' counts and notes as the part's."""
    total = Outcome(PART)
    for outcome in outcomes:
        for name in ("tried", "crashes", "kills_survived", "lost", "duplicated"):
            setattr(total, name, getattr(total, name) + getattr(outcome, name))
        total.notes += outcome.notes
    return total


def _nightly_scenario(root: Path, kills: int, rng: random.Random) -> Outcome:
    """A first night uninterrupted, its warehouse copied; then nights on the copy, killed, until one completes, while
    the original catches up in one uninterrupted run."""
    outcome = Outcome(PART)
    with GrowingSite() as site:
        tested = nightly_scenario("nightly", root / "killed", site.start_urls)
        reference = nightly_scenario("nightly, uninterrupted", root / "uninterrupted", site.start_urls)
        seconds = _uninterrupted(reference, "first-night", outcome)
        if seconds is not None:
            shutil.copyfile(reference.warehouse, tested.warehouse)
            tested.before_attempt = site.night
            if _kill_and_resume(tested, seconds, kills, rng, outcome, beside=reference):
                _compare(tested, reference, outcome)
    return outcome


def _import_scenario(root: Path, kills: int, rng: random.Random) -> Outcome:
    """`revint import glassdoor` of IMPORT_ROWS rows of the glassdoor-en-uk export into a warehouse holding other
    rows of it already, killed and run again, beside the same two imports uninterrupted."""
    outcome = Outcome(PART)
    exports = sorted((SHARED_CORPUS / "glassdoor-en-uk").glob("*.csv"))
    if not exports:
        outcome.notes.append(f"import: skipped, no glassdoor-en-uk CSV export in {SHARED_CORPUS}")
        return outcome
    earlier, export = trimmed_exports(exports[0], root, IMPORT_ROWS)
    tested, reference, first = (
        Scenario(name, root / folder, ["import", "glassdoor", str(path), "--db", str(root / folder / "w.duckdb")])
        for name, folder, path in (
            ("import", "killed", export),
            ("import, uninterrupted", "uninterrupted", export),
            ("earlier import", "uninterrupted", earlier),
        )
    )
    for folder in (tested.folder, reference.folder):
        folder.mkdir(parents=True)
    if _uninterrupted(first, "earlier-rows", outcome) is not None:
        shutil.copyfile(reference.warehouse, tested.warehouse)
        seconds = _uninterrupted(reference, "uninterrupted", outcome)
        if seconds is not None and _kill_and_resume(tested, seconds, kills, rng, outcome):
            _compare(tested, reference, outcome)
    return outcome


def trimmed_exports(source: Path, folder: Path, rows: int) -> tuple[Path, Path]:
    """Two CSV exports cut from `source`, its header on each: EARLIER_ROWS rows and then `rows` others, each spread
    evenly over it (its employers are grouped)."""
    with source.open(newline="", encoding="utf-8") as data:
        header, *body = list(csv.reader(data))
    step = max(2, len(body) // rows)
    cuts = []
    for name, selected in (("earlier", body[step // 2 :: step][:EARLIER_ROWS]), ("later", body[::step][:rows])):
        path = folder / f"{source.stem}-{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(selected)
        cuts.append(path)
    return cuts[0], cuts[1]


def _uninterrupted(scenario: Scenario, label: str, outcome: Outcome) -> float | None:
    """The seconds a run took; None, with a note, if it failed."""
    attempt = Attempt(scenario, label)
    code, seconds = attempt.finish()
    _run_ended(attempt, code, [], outcome)
    return seconds if code == 0 else None


def _kill_and_resume(
    tested: Scenario,
    seconds: float,
    kills: int,
    rng: random.Random,
    outcome: Outcome,
    *,
    beside: Scenario | None = None,
) -> bool:
    """`tested` started and killed `kills` times, each attempt resuming what the last left, the warehouse checked
    after each kill, then run to completion (True when it did). A run of `beside`, uninterrupted, goes along with the
    last one. Kill points fall between MIN_DELAY and `seconds`, the last uninterrupted run's duration: the
    reference's, then that of any attempt that completed before its kill point (the machine's load changes)."""
    waiting: list[int] = []  # kills after which the warehouse was fine, until a run completes after them
    survived = ended_early = 0
    delays: list[float] = []
    while len(delays) < kills:
        tested.before_attempt()
        delay = rng.uniform(MIN_DELAY, max(MIN_DELAY, seconds))
        attempt = Attempt(tested, f"attempt-{len(delays) + ended_early + 1:02d}")
        ended = attempt.wait(delay)
        if ended is not None:  # it ended before its kill point: a completed resume, or a failure of its own
            ended_early += 1
            survived += _run_ended(attempt, ended, waiting, outcome)
            seconds = time.monotonic() - attempt.started if ended == 0 else seconds
            continue
        delays.append(delay)
        outcome.tried += 1
        where = attempt.tail()
        problems = attempt.kill() + warehouse_problems(tested.warehouse)
        if problems:
            outcome.crashes += 1
            outcome.notes.append(f"{tested.name}: kill {len(delays)} at {delay:.1f} s ({where}): {'; '.join(problems)}")
        else:
            waiting.append(len(delays))
    tested.before_attempt()
    resume = Attempt(tested, "resume")
    along = Attempt(beside, "uninterrupted-again") if beside is not None else None
    code, resumed_in = resume.finish()
    survived += _run_ended(resume, code, waiting, outcome)
    outcome.kills_survived += survived
    log.info(
        "%s: %d kills at %s s (last uninterrupted run: %.1f s), %d attempts ended before their kill point, resumed in "
        "%.1f s",
        tested.name,
        len(delays),
        ", ".join(f"{delay:.1f}" for delay in delays),
        seconds,
        ended_early,
        resumed_in,
    )
    if along is None:
        return code == 0
    along_code = along.finish()[0]
    _run_ended(along, along_code, [], outcome)
    return code == 0 and along_code == 0


def _run_ended(attempt: Attempt, code: int, waiting: list[int], outcome: Outcome) -> int:
    """A run that ended by itself: the kills it resumed if it completed (then none waits any more); a crash if it
    failed (and they wait on)."""
    if code != 0:
        outcome.crashes += 1
        outcome.notes.append(f"{attempt.scenario.name}: {attempt.label} exited {code} without a kill: {attempt.tail()}")
        return 0
    resumed = len(waiting)
    waiting.clear()
    return resumed


def _compare(tested: Scenario, reference: Scenario, outcome: Outcome) -> None:
    """Reviews the uninterrupted warehouse has and the resumed one lacks; rows held twice in the resumed one."""
    expected = review_ids(reference.warehouse)
    found = count_lost_and_twice(tested.warehouse, expected, outcome, f"{tested.name}, after the resume")
    if extra := found - expected:
        outcome.notes.append(
            f"{tested.name}: {len(extra)} reviews the uninterrupted run lacks, e.g. {sorted(extra)[:3]}"
        )


def count_lost_and_twice(warehouse: Path, expected: set[str], outcome: Outcome, when: str) -> set[str]:
    """Count the `expected` reviews the warehouse lacks as lost and the rows it holds twice as duplicated, with a
    note for each kind found; the ids it holds."""
    found = review_ids(warehouse)
    lost = expected - found
    twice = duplicates(warehouse)
    outcome.lost += len(lost)
    outcome.duplicated += sum(twice)
    if lost:
        outcome.notes.append(f"{when}: {len(lost)} reviews missing, e.g. {sorted(lost)[:3]}")
    if sum(twice):
        outcome.notes.append(f"{when}: {twice[0]} reviews and {twice[1]} mentions held twice")
    return found

"""The pipeline's stages as plain typed functions: crawl → tag → load. Flows and the CLI call these."""

from __future__ import annotations

import ctypes
import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypedDict, Unpack

from revint.constants import TAGGED_LANGUAGES
from revint.errors import ReportedError
from revint.models.lang import detect_language
from revint.models.tagger import Tagger
from revint.pipeline.forget import forget_in_run_files
from revint.pipeline.progress import Progress
from revint.pipeline.warehouse.db import connect, write_session
from revint.pipeline.warehouse.erasure import forgotten_among
from revint.pipeline.warehouse.load import (
    LoadSummary,
    apply_directory,
    load_batch,
    nothing_loaded,
    record_crawl_run,
)
from revint.pipeline.warehouse.search import rebuild_index
from revint.record import ReviewRecord, TaggedReview
from revint.runfiles import (
    ARCHIVE_DIR,
    KNOWN_IDS_FILE,
    LOCK_FILE,
    PROFILES_FILE,
    REVIEWS_FILE,
    intact_output,
    read_profiles,
    read_reviews,
    read_tagged,
    run_lock,
    stats_path,
)
from revint.settings import Settings
from revint.spiders.parsers.schema_org import source_for as host_source
from revint.spiders.run import spider_source

CrawlMode = Literal["full", "nightly"]
_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): the signal a process gets when its parent dies


@dataclass(frozen=True)
class CrawlSummary:
    run_id: str
    source: str
    output: Path
    pages: int
    reviews_written: int
    reviews_dropped: int
    malformed: int
    canary_alerts: int
    seconds: float
    stats: dict[str, Any]

    @property
    def blocked(self) -> dict[str, int]:
        """Responses that were walls (anti-bot challenge, CAPTCHA, login wall), by kind."""
        return {key.rsplit("/", 1)[1]: n for key, n in self.stats.items() if key.startswith("revint/blocked/")}

    def as_run_row(self, started_at: datetime, loaded: LoadSummary, seconds_tag: float | None) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "source": self.source,
            "started_at": started_at,
            "finished_at": datetime.now(UTC),
            "pages": self.pages,
            "reviews_written": self.reviews_written,
            "reviews_new": loaded.reviews_new,
            "reviews_updated": loaded.reviews_updated,
            "reviews_dropped": self.reviews_dropped,
            "malformed": self.malformed,
            "canary_alerts": self.canary_alerts,
            "seconds_crawl": self.seconds,
            "seconds_tag": seconds_tag,
            "stats": self.stats,
        }


@dataclass(frozen=True)
class TagSummary:
    reviews: int
    mentions: int
    skipped_other_language: int
    seconds: float
    tagger: str  # the tagger version

    def line(self) -> str:
        """The summary's tag line."""
        return (
            f"tag     {self.reviews} reviews → {self.mentions} theme mentions ({self.tagger}), "
            f"{self.skipped_other_language} in other languages  ({self.seconds:.1f} s)"
        )


class CrawlFailed(ReportedError):
    """The crawl process failed, or fetched no page at all."""


class SourceBlocked(CrawlFailed):
    """Every page the crawl got was a wall (anti-bot challenge, CAPTCHA, login wall): the source is blocked, which is
    neither a layout change nor a night without new reviews."""


class CrawlTimedOut(CrawlFailed):
    """The crawl ran past its time limit and was stopped; its run folder resumes it."""


class CrawlInterrupted(ReportedError):
    """Stopped by Ctrl-C (or SIGINT): the crawler stopped cleanly and can be resumed from its run folder."""

    exit_status = 130


def _stop_with_parent() -> None:
    """In the crawl's process, before it starts: end it (cleanly, as Scrapy does on SIGTERM) if revint dies."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes], grace: float = 30.0) -> None:
    """Stop a crawl as Ctrl-C does (Scrapy saves its queue), or kill it when it does not stop within `grace` s."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _why_nothing(stats: dict[str, Any]) -> str:
    """What the crawler met instead of pages, from its stats: connection errors, HTTP statuses, robots.txt."""
    prefixes = {"downloader/exception_type_count/": "", "downloader/response_status_count/": "HTTP "}
    seen = [
        f"{prefix_label}{key.removeprefix(prefix).rsplit('.', 1)[-1]} ×{count}"
        for key, count in sorted(stats.items())
        for prefix, prefix_label in prefixes.items()
        if key.startswith(prefix)
    ]
    if stats.get("robotstxt/forbidden"):
        seen.append(f"forbidden by robots.txt ×{stats['robotstxt/forbidden']}")
    return ", ".join(seen) or "no request was made"


def new_run_dir(settings: Settings, label: str) -> Path:
    run_dir = settings.work_dir / "runs" / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{label}"
    run_dir.mkdir(parents=True)
    return run_dir


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as data:
        return sum(1 for _ in data)


def known_review_ids(db_path: Path, sources: list[str]) -> list[str]:
    """The ids of these sources' reviews the warehouse holds (read-only: a load may be running)."""
    if not db_path.exists():
        return []
    con = connect(db_path, read_only=True)
    try:
        query = "SELECT review_id FROM reviews WHERE list_contains(?, source) ORDER BY review_id"
        return [row[0] for row in con.execute(query, [sources]).fetchall()]
    finally:
        con.close()


class CrawlOptions(TypedDict, total=False):
    delay: float | None  # seconds between requests to a domain (default: the settings'); 0 also stops AutoThrottle
    mode: CrawlMode  # "full" (default) or "nightly"
    timeout: float | None  # seconds: a crawl still running then is stopped cleanly (resumable) and CrawlTimedOut


def crawl_command(
    settings: Settings, spider: str, start_urls: list[str], run_dir: Path, **options: Unpack[CrawlOptions]
) -> list[str]:
    """The command line of one crawl into `run_dir`; in the nightly mode it first writes the known review ids there."""
    delay = options.get("delay")
    scrapy_settings = {
        "USER_AGENT": settings.user_agent,
        "DOWNLOAD_DELAY": settings.download_delay if delay is None else delay,
        "REVINT_RETRY_BACKOFF": settings.retry_backoff,
        "REVINT_RETRY_AFTER_MAX": settings.retry_after_max,
        "JOBDIR": run_dir / "job",
        "LOG_FILE": run_dir / "crawl.log",
        "REVINT_ARCHIVE_DIR": run_dir / ARCHIVE_DIR,
    }
    if delay == 0:
        scrapy_settings["AUTOTHROTTLE_ENABLED"] = False
    if options.get("mode", "full") == "nightly":
        known = run_dir / KNOWN_IDS_FILE
        # A generic spider's records carry their site's host as source (schema.org sites): ask for those too.
        sources = [spider_source(spider), *sorted({host_source(url) for url in start_urls})]
        ids = known_review_ids(settings.db_path, sources)
        known.write_text("".join(f"{review_id}\n" for review_id in ids), encoding="utf-8")
        scrapy_settings["REVINT_KNOWN_IDS"] = known
    command = [sys.executable, "-m", "revint.spiders.run", spider, str(run_dir / REVIEWS_FILE)]
    command += ["-a", f"start_urls={','.join(start_urls)}"]
    for key, value in scrapy_settings.items():
        command += ["-s", f"{key}={value}"]
    return command


def crawl(
    settings: Settings, spider: str, start_urls: list[str], run_dir: Path, **options: Unpack[CrawlOptions]
) -> CrawlSummary:
    """Run one spider in a subprocess (Scrapy's reactor cannot restart), reporting progress as it goes.

    Given the `run_dir` of an interrupted crawl, it resumes that crawl: pages still queued are fetched, reviews
    already written are not written again. The nightly mode stops paginating a company at a page holding only
    reviews the warehouse already has; the full mode crawls everything. The statistics are the last session's,
    except `reviews_written`, which counts the run's whole output.
    """
    output = run_dir / REVIEWS_FILE
    command = crawl_command(settings, spider, start_urls, run_dir, **options)
    progress = Progress(f"crawl {spider}", "reviews")
    # Its own session: a Ctrl-C reaches revint only, which stops the crawler once, cleanly (a second SIGINT
    # would make Scrapy drop its queue); and it ends with revint, even when revint is killed.
    timeout = options.get("timeout")
    deadline = time.monotonic() + timeout if timeout else None
    with subprocess.Popen(command, start_new_session=True, preexec_fn=_stop_with_parent) as process:
        try:
            while process.poll() is None:
                progress.update(_count_lines(output))
                if deadline is not None and time.monotonic() > deadline:
                    _stop(process)
                    progress.done()
                    raise CrawlTimedOut(
                        f"crawl {spider} stopped after {timeout:.0f} s with {_count_lines(output)} reviews;"
                        f" its state is kept in {run_dir}: a new attempt on that folder resumes it"
                    )
                time.sleep(0.2)
        except KeyboardInterrupt:
            _stop(process)
            progress.done()
            raise CrawlInterrupted(
                f"crawl {spider} interrupted after {_count_lines(output)} reviews; its state is kept in {run_dir}: "
                f"resume it with `revint crawl {' '.join(start_urls)} --spider {spider} --resume {run_dir}`"
            ) from None
    progress.update(_count_lines(output))
    seconds = progress.done()
    log = run_dir / "crawl.log"
    if process.returncode != 0 or not stats_path(output).exists():
        raise CrawlFailed(f"crawl {spider} failed (exit {process.returncode}); see {log}")
    stats = json.loads(stats_path(output).read_text(encoding="utf-8"))
    walls = {key.rsplit("/", 1)[1]: n for key, n in stats.items() if key.startswith("revint/blocked/")}
    if walls and not _count_lines(output):
        kinds = ", ".join(f"{kind.replace('_', ' ')} ×{n}" for kind, n in sorted(walls.items()))
        first = stats.get("revint/blocked_urls", [{}])[0].get("url", "")
        raise SourceBlocked(
            f"crawl {spider} blocked: {kinds} (first at {first}); the pages are kept in "
            f"{run_dir / ARCHIVE_DIR / 'blocked'}; see {log}"
        )
    if not stats.get("revint/pages") and not _count_lines(output):
        raise CrawlFailed(
            f"crawl {spider} fetched no page from {', '.join(start_urls)}: {_why_nothing(stats)}; see {log}"
        )
    return CrawlSummary(
        run_id=run_dir.name,
        source=spider,
        output=output,
        pages=stats.get("revint/pages", 0),
        reviews_written=_count_lines(output),
        reviews_dropped=stats.get("revint/reviews_dropped", 0),
        malformed=stats.get("revint/pages_malformed", 0) + stats.get("revint/review_blocks_malformed", 0),
        canary_alerts=sum(value for key, value in stats.items() if key.startswith("revint/canary/")),
        seconds=seconds,
        stats=stats,
    )


def tag_reviews(
    reviews_path: Path, tagged_path: Path, tagger: Tagger | None = None, lock: str = LOCK_FILE
) -> TagSummary:
    """Tag every section of every review; resumes after the last review already in `tagged_path`. Holds the lock
    file `lock` of its folder meanwhile: the run's own by default (forget waits for it); chunks tagged side by side
    in one folder each hold their own."""
    tagger = tagger or Tagger()
    with run_lock(tagged_path.parent, name=lock), tagged_path.open("a", encoding="utf-8") as out:
        done = _tagged_ids_after_crash(tagged_path)
        progress = Progress("tag", "reviews", total=_count_lines(reviews_path))
        progress.update(len(done))
        reviews = mentions = other = 0
        for review in read_reviews(reviews_path):
            if review.review_id in done:
                continue
            tagged = tag_review(review, tagger)
            reviews += 1
            mentions += len(tagged.mentions)
            other += tagged.review.lang not in TAGGED_LANGUAGES
            out.write(tagged.to_json_line() + "\n")
            progress.advance()
    seconds = progress.done()
    return TagSummary(reviews, mentions, other, seconds, tagger.version)


def _tagged_ids_after_crash(tagged_path: Path) -> set[str]:
    """Review ids already tagged; a line torn by a crash mid-write is cut off so it is tagged again."""
    done, intact = intact_output(tagged_path)
    if tagged_path.exists():
        with tagged_path.open("r+b") as data:
            data.truncate(intact)
    return done


def tag_review(review: ReviewRecord, tagger: Tagger) -> TaggedReview:
    """One review's mentions over all its sections, in one language detected on all its text."""
    sections = review.sections()
    review.lang = review.lang or detect_language("\n".join([review.title or "", *sections.values()]))
    return TaggedReview(review, tagger.tag_sections(sections, review.lang), tagger.version)


@dataclass(frozen=True)
class RunToLoad:
    """One run's tagged reviews (in one file or several chunk files) and, for a crawl, its summary to record."""

    tagged: list[Path]
    crawl: CrawlSummary | None = None
    started_at: datetime | None = None
    seconds_tag: float | None = None


def load(
    settings: Settings,
    tagged_path: Path,
    crawl_summary: CrawlSummary | None = None,
    started_at: datetime | None = None,
    seconds_tag: float | None = None,
) -> LoadSummary:
    """Load a run's tagged reviews and its company profiles (an import's), record the crawl run, refresh the search
    index: one published snapshot."""
    return load_runs(settings, [RunToLoad([tagged_path], crawl_summary, started_at, seconds_tag)])


def load_runs(settings: Settings, runs: list[RunToLoad]) -> LoadSummary:
    """Load several runs at once (one writer, one transaction, one published snapshot): their tagged reviews and
    company profiles (those in each tagged file's folder), their crawl records, then the search index."""
    started = time.monotonic()
    batch = [tagged for run in runs for path in run.tagged for tagged in read_tagged(path)]
    folders = dict.fromkeys(path.parent for run in runs for path in run.tagged)
    profiles = [profile for folder in folders for profile in read_profiles(folder / PROFILES_FILE)]
    with write_session(settings.db_path) as con:
        apply_directory(con, settings.company_directory)
        anything = bool(batch or profiles)
        loaded = load_batch(con, batch, profiles) if anything else nothing_loaded(con)
        for run in runs:
            if run.crawl is not None:
                row = run.crawl.as_run_row(run.started_at or datetime.now(UTC), loaded, run.seconds_tag)
                record_crawl_run(con, row | {"seconds_load": time.monotonic() - started})
        if anything:  # a night with nothing new leaves marts and index as they are
            rebuild_index(con)
        taken_down = forgotten_among(con, [tagged.review.review_id for tagged in batch])
    if taken_down:  # a takedown holds in the run files too, not only in the warehouse
        for folder in {folder.parent for folder in folders}:
            forget_in_run_files(folder, taken_down)
    return loaded

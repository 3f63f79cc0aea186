"""The scheduled runs' work as plain typed functions (pipeline/flows.py orchestrates them): crawl one followed
source under its host's lock, keep only the reviews to tag, cut them into chunks for the workers, merge the tagged
chunks, read the concerns before and after a load, publish the site and the digest, and tell what a run did.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb

from revint.models.tagger import Tagger
from revint.pipeline import stages
from revint.pipeline.config import Config, Source
from revint.pipeline.digest import NothingFollowed, produce_digest
from revint.pipeline.insights.digest import as_markdown
from revint.pipeline.insights.report import company_report
from revint.pipeline.insights.site import build_site
from revint.pipeline.sample_site import serve_sample_site
from revint.pipeline.warehouse.changes import data_state, unchanged_reviews
from revint.pipeline.warehouse.db import connect
from revint.pipeline.warehouse.load import LoadSummary
from revint.record import dumps
from revint.runfiles import CHUNKS_DIR, FRESH_FILE, REVIEWS_FILE, TAGGED_FILE, read_reviews
from revint.settings import Settings

Status = Literal["ok", "blocked", "failed"]


@dataclass
class SourceRun:
    """What became of one followed source in a run."""

    name: str
    spider: str
    run_dir: Path
    status: Status = "ok"
    detail: str = ""  # why it failed or was blocked
    crawl: stages.CrawlSummary | None = None
    fresh: int = 0  # reviews new or changed: tagged and loaded
    unchanged: int = 0  # reviews the warehouse holds exactly so: neither tagged nor loaded again
    fresh_companies: set[str] = field(default_factory=set)  # the companies of the fresh reviews
    chunks: list[Path] = field(default_factory=list)


@contextmanager
def host_locks(settings: Settings, hosts: list[str]) -> Iterator[None]:
    """Hold each host's crawl lock (a file lock under the work folder): two runs never crawl one site at once, the
    second waits for the first. Hosts are locked in name order, so two runs cannot wait on each other."""
    folder = settings.work_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        for host in sorted(hosts):
            handle = stack.enter_context((folder / f"crawl-{host.replace(':', '_')}.lock").open("w"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"crawl: another run is crawling {host}: waiting for it", file=sys.stderr, flush=True)
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def crawl_source(settings: Settings, source: Source, run_dir: Path, mode: stages.CrawlMode) -> stages.CrawlSummary:
    """Crawl one source into `run_dir` (resuming the crawl kept there), stopped after its `timeout_minutes`."""
    options: stages.CrawlOptions = {"mode": mode, "timeout": source.timeout_minutes * 60, "delay": source.delay}
    with host_locks(settings, source.hosts):
        if source.bundled:
            with serve_sample_site(settings.sample_site_dir) as base_url:
                return stages.crawl(settings, source.spider, [base_url + "/"], run_dir, **options)
        return stages.crawl(settings, source.spider, source.start_urls, run_dir, **options)


def keep_fresh(settings: Settings, run: SourceRun, tagger_version: str) -> None:
    """Write the run's reviews to tag (FRESH_FILE): those the warehouse lacks, holds in another version, or has
    tagged with another tagger; count the others as unchanged and note the fresh ones' companies."""
    records = list(read_reviews(run.run_dir / REVIEWS_FILE))
    unchanged: set[str] = set()
    if settings.db_path.exists() and records:
        con = connect(settings.db_path, read_only=True)
        try:
            unchanged = unchanged_reviews(con, records, tagger_version)
        finally:
            con.close()
    fresh = [record for record in records if record.review_id not in unchanged]
    with (run.run_dir / FRESH_FILE).open("w", encoding="utf-8") as out:
        out.writelines(dumps(record) + "\n" for record in fresh)
    run.fresh, run.unchanged = len(fresh), len(unchanged)
    run.fresh_companies = {record.company_id for record in fresh}


def cut_chunks(run: SourceRun, size: int) -> list[Path]:
    """The run's fresh reviews in files of `size` reviews (kept from an earlier attempt of the same run)."""
    folder = run.run_dir / CHUNKS_DIR
    existing = sorted(folder.glob("[0-9]*[0-9].jsonl"))
    if existing:
        return existing
    folder.mkdir(exist_ok=True)
    chunks: list[Path] = []
    with (run.run_dir / FRESH_FILE).open(encoding="utf-8") as fresh:
        out = None
        for number, line in enumerate(fresh):
            if number % size == 0:
                if out is not None:
                    out.close()
                chunks.append(folder / f"{len(chunks):05d}.jsonl")
                out = chunks[-1].open("w", encoding="utf-8")
            assert out is not None
            out.write(line)
        if out is not None:
            out.close()
    return chunks


def tagged_chunk(chunk: Path) -> Path:
    return chunk.with_name(chunk.stem + ".tagged.jsonl")


_tagger: Tagger | None = None


def tag_chunk(chunk: Path) -> stages.TagSummary:
    """Tag one chunk into its `.tagged.jsonl` beside it (resuming a chunk cut short); one tagger per process."""
    global _tagger
    if _tagger is None:
        _tagger = Tagger()
    return stages.tag_reviews(chunk, tagged_chunk(chunk), _tagger, lock=chunk_lock(chunk))


def chunk_lock(chunk: Path) -> str:
    """The lock file a chunk's tagging holds, beside it: its own, so that workers tag one run's chunks at once."""
    return f".{chunk.stem}.lock"


def merge_chunks(run: SourceRun) -> Path:
    """The tagged chunks as the run's TAGGED_FILE, as any run holds it; the chunk files are then removed."""
    merged = run.run_dir / TAGGED_FILE
    partial = merged.with_suffix(".partial")
    with partial.open("wb") as out:
        for chunk in run.chunks:
            with tagged_chunk(chunk).open("rb") as tagged:
                shutil.copyfileobj(tagged, out)
    partial.replace(merged)
    shutil.rmtree(run.run_dir / CHUNKS_DIR, ignore_errors=True)
    (run.run_dir / FRESH_FILE).unlink(missing_ok=True)
    return merged


ConcernStates = dict[tuple[str, str], str]  # (company id, theme) → standing of its complaints


def concern_states(con: duckdb.DuckDBPyConnection, company_ids: set[str]) -> ConcernStates:
    """Which themes each company's report raises as concerns ("above") or only leans on ("leaning_above")."""
    states: ConcernStates = {}
    for company_id in sorted(company_ids):
        report = company_report(con, company_id, by_id=True)
        for finding in report.concerns:
            states[(company_id, finding.theme)] = finding.standing
    return states


def warehouse_concerns(settings: Settings, company_ids: set[str]) -> tuple[ConcernStates, dict[str, str]]:
    """The concerns of these companies as the warehouse reports them now, and their names."""
    if not settings.db_path.exists() or not company_ids:
        return {}, {}
    con = connect(settings.db_path, read_only=True)
    try:
        known = {row[0]: row[1] for row in con.execute("SELECT company_id, name FROM companies").fetchall()}
        return concern_states(con, company_ids & set(known)), known
    finally:
        con.close()


@dataclass(frozen=True)
class ConcernChange:
    company: str
    theme: str
    before: str | None  # the standing before the run; None: not a concern
    after: str | None


def concern_changes(before: ConcernStates, after: ConcernStates, names: dict[str, str]) -> list[ConcernChange]:
    keys = sorted(set(before) | set(after))
    return [
        ConcernChange(names.get(company, company), theme, before.get((company, theme)), after.get((company, theme)))
        for company, theme in keys
        if before.get((company, theme)) != after.get((company, theme))
    ]


def current_state(settings: Settings) -> str:
    """The warehouse's data fingerprint (warehouse/changes.py), "" without a warehouse."""
    if not settings.db_path.exists():
        return ""
    con = connect(settings.db_path, read_only=True)
    try:
        return data_state(con)
    finally:
        con.close()


def publish_site(settings: Settings, config: Config) -> str:
    con = connect(settings.db_path, read_only=True)
    try:
        built = build_site(con, config.site_folder(settings), lang=config.lang)
    finally:
        con.close()
    return f"{built.pages} pages in {built.directory}"


def publish_digest(settings: Settings, config: Config) -> str:
    """The digest of the companies followed, written as a dated Markdown file; says so when none is followed."""
    try:
        digest = produce_digest(settings.db_path, lang=config.lang)
    except NothingFollowed:
        return "no company followed (revint follow COMPANY)"
    folder = config.digest_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digest-{datetime.now(UTC):%Y%m%dT%H%M%S}.md"
    path.write_text(as_markdown(digest) + "\n", encoding="utf-8")
    return f"{len(digest.changed)} of {len(digest.companies)} companies changed → {path}"


@dataclass
class NightlyReport:
    """What a run did, for the artifact and the command line."""

    flow: str
    started_at: datetime
    sources: list[SourceRun] = field(default_factory=list)
    tag: list[stages.TagSummary] = field(default_factory=list)
    load: LoadSummary | None = None
    changes: list[ConcernChange] = field(default_factory=list)
    site: str = "not built"
    digest: str = "not built"
    seconds: float = 0.0

    @property
    def failed(self) -> list[SourceRun]:
        return [run for run in self.sources if run.status != "ok"]

    @property
    def tagged_reviews(self) -> int:
        return sum(summary.reviews for summary in self.tag)

    def markdown(self) -> str:
        """The run summary: one row per source, tagging throughput, the load, concerns that rose or fell."""
        lines = [
            f"# revint {self.flow} — {self.started_at:%Y-%m-%d %H:%M} UTC ({self.seconds:.0f} s)",
            "",
            "| source | status | pages | reviews crawled | new or changed | unchanged | dropped | canary alerts "
            "| blocked |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for run in self.sources:
            crawl = run.crawl
            walls = ", ".join(f"{kind} ×{n}" for kind, n in crawl.blocked.items()) if crawl else ""
            numbers = (
                [crawl.pages, crawl.reviews_written, run.fresh, run.unchanged, crawl.reviews_dropped]
                if crawl
                else ["–"] * 5
            )
            canary = crawl.canary_alerts if crawl else "–"
            status = run.status if not run.detail else f"{run.status}: {_cell(run.detail)}"
            lines.append(f"| {run.name} | {status} | {' | '.join(map(str, numbers))} | {canary} | {walls or 0} |")
        seconds = sum(summary.seconds for summary in self.tag)
        rate = f", {self.tagged_reviews / seconds:.0f} reviews/s per worker" if seconds and self.tagged_reviews else ""
        lines += ["", f"**Tagging**: {self.tagged_reviews} reviews in {len(self.tag)} chunks{rate}."]
        if self.load is not None:
            load = self.load
            lines.append(
                f"**Load**: {load.reviews_in_batch} reviews ({load.reviews_new} new, {load.reviews_updated} updated);"
                f" the warehouse holds {load.reviews_total} reviews of {load.companies_total} companies."
            )
        lines += [f"**Site**: {self.site}.", f"**Digest**: {self.digest}.", ""]
        if self.changes:
            lines += ["| company | theme | before | after |", "|---|---|---|---|"]
            lines += [f"| {c.company} | {c.theme} | {c.before or '–'} | {c.after or '–'} |" for c in self.changes]
        else:
            lines.append("No concern rose or fell.")
        if self.failed:
            lines += ["", "**Failed or blocked**: " + ", ".join(f"{r.name} ({r.status})" for r in self.failed) + "."]
        return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:160]


def new_export_files(settings: Settings, folder: Path) -> list[Path]:
    """Files under `folder` not imported yet by a scheduled run, or changed since (size or time)."""
    seen = _imported(settings)
    return [path for path in sorted(folder.rglob("*")) if path.is_file() and seen.get(str(path)) != _stamp(path)]


def mark_imported(settings: Settings, paths: list[Path]) -> None:
    seen = _imported(settings) | {str(path): _stamp(path) for path in paths}
    state = settings.work_dir / "imported-files.json"
    partial = state.with_suffix(".partial")
    partial.write_text(json.dumps(seen, indent=0, sort_keys=True), encoding="utf-8")
    partial.replace(state)


def _imported(settings: Settings) -> dict[str, list[int]]:
    state = settings.work_dir / "imported-files.json"
    return json.loads(state.read_text(encoding="utf-8")) if state.exists() else {}


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]

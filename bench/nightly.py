"""The nightly flow on the sample site scaled up: a first run, then a second with nothing new on the site; and
tagging one large batch of chunks on 1 and on 2 Dask worker processes: the real English exports (about 25,000
reviews) where ../shared/corpus holds them, else the scaled-up sample site's reviews."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

from prefect import flow

from bench.figures import Figures, compared
from revint.pipeline import nightly
from revint.pipeline.config import Tagging
from revint.pipeline.flows import dask_runner, nightly_flow, run_without_server, tag_chunk_task
from revint.pipeline.training import HELDOUT_CSVS, TRAINING_CSVS, csv_reviews
from revint.record import dumps
from revint.runfiles import FRESH_FILE
from revint.settings import Settings

COPIES = 30  # the sample site's 7 companies, 30 times over: 210 companies, 10,650 reviews


def scaled_site(settings: Settings, folder: Path, copies: int = COPIES) -> Path:
    """The sample site's companies copied `copies` times under new names and review ids."""
    (folder / "companies").mkdir(parents=True)
    for path in sorted((settings.sample_site_dir / "companies").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        for copy in range(copies):
            info = raw["company"] | {
                "slug": f"{raw['company']['slug']}-{copy}",
                "name": f"{raw['company']['name']} {copy}",
            }
            reviews = [review | {"id": f"{review['id']}-{copy}"} for review in raw["reviews"]]
            target = folder / "companies" / f"{info['slug']}.json"
            target.write_text(json.dumps({"company": info, "reviews": reviews}), encoding="utf-8")
    return folder


def _nightly(config: Path) -> nightly.NightlyReport:
    state = run_without_server(nightly_flow, str(config), return_state=True)
    report = state.result(raise_on_failure=False)
    assert isinstance(report, nightly.NightlyReport) and state.is_completed(), state.message
    return report


def nightly_figures(settings: Settings) -> Figures:
    """Seconds of a first nightly run and of a second right after it (Prefect's start-up aside: the flow's own
    time), and the ratio the issue bounds at 10 %."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        site = scaled_site(settings, root / "site")
        config = root / "revint.toml"
        config.write_text(
            f'warehouse = "{root / "w.duckdb"}"\nsite_dir = "{root / "out" / "site"}"\n'
            f'digest_dir = "{root / "out" / "digests"}"\n[[sources]]\nspider = "sample"\ndelay = 0\n',
            encoding="utf-8",
        )
        with patch.dict(os.environ, {"REVINT_SAMPLE_SITE": str(site), "REVINT_DATA_DIR": str(root / "data")}):
            first = _nightly(config)
            second = _nightly(config)
        crawled = first.sources[0].crawl
        assert crawled is not None
        exports = english_exports(root / "exports.jsonl")
        workers = dask_figures(exports or crawled.output, root / "chunks", 2000 if exports else 500)
    return [
        *workers,
        ("first run", first.seconds, f"{crawled.pages} pages, {first.tagged_reviews} reviews tagged, site and digest"),
        ("second run, nothing new", second.seconds, f"{second.tagged_reviews} reviews tagged"),
        ("second / first", second.seconds / first.seconds, "goal ≤ 0.10"),
        compared(runs="the flow's own time (NightlyReport.seconds), Prefect's temporary server start-up aside"),
    ]


@flow(name="revint-bench-dask")
def _tag_on_workers(chunks: list[Path], workers: int) -> float:
    """Seconds to tag every chunk on `workers` local Dask processes, their start-up (and one warm-up chunk each,
    which loads the tagger) aside."""
    with dask_runner(Tagging(workers=workers)) as runner:
        for future in [runner.submit(tag_chunk_task, {"chunk": chunk}) for chunk in chunks[:workers]]:
            future.result()
        started = time.perf_counter()
        for future in [runner.submit(tag_chunk_task, {"chunk": chunk}) for chunk in chunks[workers:]]:
            future.result()
        return time.perf_counter() - started


def english_exports(path: Path) -> Path | None:
    """The reviews of the four real English CSV exports (as `revint import` reads them) as a run's JSON lines at
    `path`; None when ../shared/corpus lacks one of them."""
    exports = (*TRAINING_CSVS, *HELDOUT_CSVS)
    if not all(export.path.is_file() for export in exports):
        return None
    with path.open("w", encoding="utf-8") as out:
        for _, record in csv_reviews(exports).values():
            out.write(dumps(record) + "\n")
    return path


def dask_figures(reviews: Path, folder: Path, size: int) -> Figures:
    """Tagging the same reviews in chunks of `size` on 1 and on 2 Dask workers (fresh chunk files each time); the
    speed-up compares reviews/s, each side over the chunks it timed (all but its warm-up chunks)."""
    seconds, timed = {}, {}
    for workers in (1, 2):
        run = nightly.SourceRun("bench", "sample", folder / str(workers))
        run.run_dir.mkdir(parents=True)
        (run.run_dir / FRESH_FILE).write_bytes(reviews.read_bytes())
        chunks = nightly.cut_chunks(run, size)
        timed[workers] = sum(1 for chunk in chunks[workers:] for _ in chunk.open(encoding="utf-8"))
        seconds[workers] = run_without_server(_tag_on_workers, chunks, workers)
    rate = {workers: timed[workers] / seconds[workers] for workers in (1, 2)}
    count = sum(1 for _ in reviews.open(encoding="utf-8"))
    return [
        ("tag on 1 Dask worker", seconds[1], f"{timed[1]} of {count} reviews, {rate[1]:,.0f} reviews/s, by {size}"),
        ("tag on 2 Dask workers", seconds[2], f"{timed[2]} of {count} reviews, {rate[2]:,.0f} reviews/s"),
        ("speed-up, 2 workers over 1", rate[2] / rate[1], "reviews/s; goal ≥ 1.6 on this 2-core machine"),
    ]

"""End-to-end demo time split by stage, on the bundled sample site, in a throwaway warehouse."""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.crawl import CORPUS_PAGES, crawl_figures
from bench.figures import Figures, compared
from bench.import_exports import import_exports_figures
from bench.nightly import nightly_figures
from bench.tagger import tagger_speed
from bench.validity import company_validity
from bench.warehouse import warehouse_figures
from revint.models.tagger import Tagger
from revint.pipeline import stages
from revint.pipeline.cli import no_usage_telemetry
from revint.pipeline.insights.report import company_report
from revint.pipeline.quote_precision import quote_precision
from revint.pipeline.sample_site import serve_sample_site
from revint.pipeline.training import GLASSDOOR_PAGES
from revint.pipeline.warehouse.db import connect
from revint.settings import Settings


def _timed(figures: list[tuple[str, float, str]], stage: str, started: float, detail: str) -> float:
    now = time.perf_counter()
    figures.append((stage, now - started, detail))
    return now


def demo_stage_timings(settings: Settings) -> list[tuple[str, float, str]]:
    """Seconds of the demo flow's stages, crawl to load, then of the insights it does not run; in a throwaway
    warehouse."""
    figures: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        local = replace(settings, data_dir=Path(scratch), db_path=Path(scratch) / "bench.duckdb")
        t = time.perf_counter()
        with serve_sample_site(settings.sample_site_dir) as url:
            run_dir = stages.new_run_dir(local, "bench")
            crawl = stages.crawl(local, "sample", [url + "/"], run_dir, delay=0.0)
        t = _timed(figures, "crawl (subprocess)", t, f"{crawl.pages} pages, {crawl.reviews_written} reviews")
        tagger = Tagger()
        t = _timed(figures, "tagger start-up", t, f"{tagger.version}")
        tag = stages.tag_reviews(crawl.output, run_dir / "tagged.jsonl", tagger)
        t = _timed(figures, "tag", t, f"{tag.reviews} reviews, {tag.mentions} mentions")
        loaded = stages.load(local, run_dir / "tagged.jsonl", crawl)
        t = _timed(figures, "load", t, f"{loaded.reviews_total} reviews, {loaded.mentions_total} mentions")
        con = connect(local.db_path, read_only=True)
        companies = [row[0] for row in con.execute("SELECT company_id FROM companies").fetchall()]
        for company in companies:
            company_report(con, company, by_id=True)
        con.close()
        _timed(figures, "insights", t, f"{len(companies)} company reports (not part of the flow)")
    return figures


def demo_flow_seconds(settings: Settings) -> float:
    """The whole demo flow under Prefect as `revint demo` runs it (ephemeral server start included), in a throwaway
    warehouse."""
    from revint.pipeline.flows import demo_flow, run_without_server

    with tempfile.TemporaryDirectory() as scratch:
        local = replace(settings, data_dir=Path(scratch), db_path=Path(scratch) / "bench.duckdb")
        started = time.perf_counter()
        run_without_server(demo_flow, local)
        return time.perf_counter() - started


def _table(title: str, figures: Figures) -> None:
    print(f"\n{title}")
    for name, value, detail in figures:
        if value is None:
            print(f"      {detail}")
        else:
            print(f"  {name:28} {value:12,.2f}  {detail}")


def main() -> None:
    no_usage_telemetry()  # as `revint` does
    settings = Settings.from_env()
    demo_stage_timings(settings)  # warm-up: the flow below then finds files and modules as warm as the timed stages
    *stages_, insights = demo_stage_timings(settings)
    total = sum(seconds for _, seconds, _ in stages_)
    flow = demo_flow_seconds(settings)
    _table(
        "Demo, end to end, by stage (seconds)",
        [
            *stages_,
            ("sum of stages", total, "crawl to load"),
            ("demo flow under Prefect", flow, f"overhead {flow - total:.2f} s"),
            compared(
                stages="sample-site server start and stop, crawl, tagger start-up, tag, load into a fresh warehouse",
                flow="the same stages in demo_flow as `revint demo` runs it, Prefect's ephemeral server start "
                "included; one run each after an untimed run of the stages",
            ),
            insights,
        ],
    )
    _table("Tagger: sample-site review texts, one process", tagger_speed(settings))
    validity = company_validity()
    if validity:
        _table("Tagger validity: held-out US employers, complaint share against their sub-rating", validity)
    _table("Warehouse", warehouse_figures())
    if GLASSDOOR_PAGES.exists():
        print("\nQuotes")
        print("\n".join(f"  {line}" for line in quote_precision(settings).lines()))
    else:
        print(f"\nQuotes: skipped, {GLASSDOOR_PAGES} is absent")
    _table(
        "Nightly flow: the sample site scaled to 210 companies, 10,650 reviews; Dask tagging: the real English exports "
        "where present (seconds)",
        nightly_figures(settings),
    )
    exports = import_exports_figures(settings)
    if exports:
        _table("Import of the four real CSV exports (seconds)", exports)
    else:
        print("\nImport of the real CSV exports: skipped, ../shared/corpus is absent")
    crawl = crawl_figures(settings)
    if crawl:
        _table("Crawl: the 209 real glassdoor.fr pages from 127.0.0.1 (seconds)", crawl)
    else:
        print(f"\nCrawl: skipped, {CORPUS_PAGES} is absent")


if __name__ == "__main__":
    main()

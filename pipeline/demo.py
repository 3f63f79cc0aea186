"""`revint demo`: the whole chain on the bundled sample site, then reports and a one-screen summary."""

from __future__ import annotations

import time

from revint.errors import ReportedError
from revint.pipeline.flows import RunSummary, demo_flow, run_without_server
from revint.pipeline.insights.render import as_text
from revint.pipeline.insights.report import company_report
from revint.pipeline.warehouse.db import connect
from revint.settings import Settings


def overview(settings: Settings, lang: str) -> list[tuple[str, str, list[str]]]:
    """(company id, name, top concern labels) for every company, most reviewed first."""
    con = connect(settings.db_path, read_only=True)
    try:
        companies = con.execute(
            "SELECT company_id, company_name FROM reviews GROUP BY ALL ORDER BY count(*) DESC, company_name"
        ).fetchall()
        return [
            (cid, name, [f.label for f in company_report(con, cid, by_id=True, top=3, lang=lang, quotes=0).concerns])
            for cid, name in companies
        ]
    finally:
        con.close()


def summary_lines(run: RunSummary, seconds: float, settings: Settings) -> list[str]:
    crawl, tag, load = run.crawl, run.tag, run.load
    return [
        "── summary " + "─" * 60,
        f"crawl   {crawl.pages} pages, {crawl.reviews_written} reviews, {crawl.reviews_dropped} dropped, "
        f"{crawl.malformed} malformed, {crawl.canary_alerts} canary alerts  ({crawl.seconds:.1f} s)",
        tag.line(),
        f"load    {load.reviews_in_batch} reviews ({load.reviews_new} new); warehouse holds {load.reviews_total} "
        f"reviews, {load.mentions_total} mentions, {load.companies_total} companies  ({run.load_seconds:.1f} s)",
        f"total   {seconds:.1f} s   warehouse {settings.db_path}   run files {run.run_dir}",
        'next    revint questions "<company>" [--format json|html] [--lang en]',
    ]


def run_demo(settings: Settings, *, lang: str = "fr", top: int = 3, detailed: int = 3) -> int:
    started = time.monotonic()
    run = run_without_server(demo_flow, settings)
    if not run.crawl.reviews_written:
        raise ReportedError(
            f"the demo crawled {run.crawl.pages} pages but no review from the sample site in "
            f"{settings.sample_site_dir} (check $REVINT_SAMPLE_SITE); see {run.run_dir / 'crawl.log'}"
        )
    companies = overview(settings, lang)
    print("\nTop concerns per company")
    for _cid, name, concerns in companies:
        print(f"  {name:28} {', '.join(concerns) or '-'}")
    con = connect(settings.db_path, read_only=True)
    try:
        for cid, _name, _concerns in companies[:detailed]:
            print("\n" + as_text(company_report(con, cid, by_id=True, top=top, lang=lang)))
    finally:
        con.close()
    print("\n" + "\n".join(summary_lines(run, time.monotonic() - started, settings)))
    return 0

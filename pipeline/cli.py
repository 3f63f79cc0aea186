"""The `revint` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from revint.errors import ReportedError
from revint.record import SECTIONS
from revint.runfiles import REVIEWS_FILE, TAGGED_FILE
from revint.settings import Settings

if TYPE_CHECKING:
    from revint.models.tagger import TagInput
    from revint.pipeline.importing import Dropped, ParseReport


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, help="warehouse file (default: data/work/revint.duckdb or $REVINT_DB)")


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="revint.toml (default: $REVINT_CONFIG, else ./revint.toml)")


def _lang_option(parser: argparse.ArgumentParser, of: str = "labels and questions") -> None:
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help=f"language of the {of}")


def _out_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="write to this file instead of stdout")


def _report_options(parser: argparse.ArgumentParser) -> None:
    _lang_option(parser)
    parser.add_argument("--top", type=positive_int, default=3, help="how many concerns (default 3)")


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.demo import run_demo

    return run_demo(settings, lang=args.lang, top=args.top, detailed=args.companies)


def cmd_nightly(args: argparse.Namespace, settings: Settings) -> int:
    """`revint nightly` and `revint backfill`: the scheduled flow, run now, its summary printed."""
    from revint.pipeline.flows import nightly_flow, run_without_server
    from revint.pipeline.nightly import NightlyReport

    config = str(args.config) if args.config else None
    companies = getattr(args, "companies", None)
    state = run_without_server(
        nightly_flow,
        config,
        "full" if companies else "nightly",
        companies,
        args.dask,
        args.workers,
        return_state=True,
    )
    report = state.result(raise_on_failure=False)
    if not isinstance(report, NightlyReport):
        raise ReportedError(f"the flow ended {state.name}: {state.message or report}")
    print(report.markdown())
    if state.is_failed():
        print(f"revint {args.command}: {state.message}", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """`revint serve`: the nightly schedule on this machine (flow.serve), until stopped."""
    from revint.pipeline.flows import serve_schedules

    serve_schedules(str(args.config) if args.config else None, args.cron, args.timezone)
    return 0


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    """`revint config check`: the config validated, and what a scheduled run would do."""
    from revint.pipeline.config import config_path, load_config

    config = load_config(args.config)
    path = config_path(args.config)
    settings = config.settings(settings)
    print(f"config     {path or 'none: the embedded default (the bundled sample site)'}")
    print(f"warehouse  {settings.db_path}")
    print(f"site       {config.site_folder(settings)}")
    print(f"digest     {config.digest_folder(settings)}")
    tagging = config.tagging
    where = tagging.dask_address or f"{tagging.workers} local Dask worker processes"
    print(f"tagging    chunks of {tagging.chunk_reviews} reviews on {where}")
    for source in config.sources:
        state = "" if source.enabled else "  (disabled)"
        urls = ", ".join(source.start_urls) or "the bundled sample site, served on 127.0.0.1"
        delay = "the default delay" if source.delay is None else f"{source.delay:g} s between requests"
        company = f" [{source.company}]" if source.company else ""
        print(
            f"crawl      {source.name}{company}: {source.spider} from {urls}; {delay}, "
            f"stopped after {source.timeout_minutes:g} min{state}"
        )
    for entry in config.imports:
        print(f"import     {entry.source} exports added to {entry.folder}")
    return 0


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline import stages

    if not _known_source("crawl", args.spider):
        return 2
    not_urls = [url for url in args.urls if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc]
    if not_urls:
        print(
            f"revint crawl: not web addresses (http:// or https://): {', '.join(map(repr, not_urls))}", file=sys.stderr
        )
        return 2
    run_dir = args.resume or stages.new_run_dir(settings, args.spider)
    options: stages.CrawlOptions = {"mode": args.mode}
    if args.delay is not None:
        options["delay"] = args.delay
    summary = stages.crawl(settings, args.spider, args.urls, run_dir, **options)
    print(f"{summary.reviews_written} reviews from {summary.pages} pages in {summary.seconds:.1f} s → {summary.output}")
    print(f"dropped {summary.reviews_dropped}, malformed {summary.malformed}, canary alerts {summary.canary_alerts}")
    print(f"next: revint load {run_dir}")
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline import stages

    run_dir: Path = args.run_dir
    if not (run_dir / REVIEWS_FILE).exists():
        raise FileNotFoundError(f"no crawl output at {run_dir / REVIEWS_FILE}: is {run_dir} a run folder?")
    tagged = stages.tag_reviews(run_dir / REVIEWS_FILE, run_dir / TAGGED_FILE)
    loaded = stages.load(settings, run_dir / TAGGED_FILE)
    print(f"tagged {tagged.reviews} reviews ({tagged.mentions} mentions) in {tagged.seconds:.1f} s")
    print(
        f"loaded {loaded.reviews_in_batch} reviews ({loaded.reviews_new} new) into {settings.db_path}: "
        f"{loaded.reviews_total} reviews, {loaded.mentions_total} mentions, {loaded.companies_total} companies"
    )
    return 0


def _known_source(command: str, source: str) -> bool:
    from revint.spiders.parsers.registry import parsers_for

    try:
        parsers_for(source)
    except ValueError as error:
        print(f"revint {command}: {error}", file=sys.stderr)
        return False
    return True


def _report_problems(command: str, report: ParseReport, dropped: Iterable[Dropped] = ()) -> None:
    """Every problem on stderr with its path: unreadable reviews, documents without reviews, dropped reviews."""
    for line in [*report.errors, *report.failed, *(f"{path}: skipped" for path in report.skipped)]:
        print(f"revint {command}: {line}", file=sys.stderr)
    for review in dropped:
        reasons = "; ".join(review.problems)
        print(f"revint {command}: dropped {review.review_id} ({review.url}): {reasons}", file=sys.stderr)


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """The review records of saved pages and exports as JSON Lines, each review once; nothing is loaded."""
    from revint.pipeline.importing import ParseReport, documents, parse_documents
    from revint.record import dumps

    if not _known_source("parse", args.source):
        return 2
    report = ParseReport()
    for record in parse_documents(documents(args.paths, args.source, report, args.url), report, args.company):
        print(dumps(record))
    _report_problems("parse", report)
    for note in report.notes:  # encodings that had to be guessed: the reviews may read wrong
        print(f"revint parse: {note}", file=sys.stderr)
    print(
        f"revint parse: {report.documents} documents, {report.unique} reviews ({report.duplicates} duplicates), "
        f"{len(report.failed)} without reviews",
        file=sys.stderr,
    )
    return 1 if report.failed else 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.importing import import_paths

    if not _known_source("import", args.source):
        return 2
    summary = import_paths(settings, args.source, args.paths, url=args.url, company=args.company)
    _report_problems("import", summary.report, summary.dropped)
    print("\n".join(summary.lines()))
    return 1 if summary.report.failed or not summary.kept else 0


def cmd_reparse(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.importing import reparse_run

    summary = reparse_run(settings, args.run_dir)  # main() reports a run folder without an archive
    _report_problems("reparse", summary.report, summary.dropped)
    print("\n".join(summary.lines()))
    return 0 if summary.written else 1


def _tag_inputs(lines: TextIO, errors: list[str]) -> Iterator[TagInput]:
    """Valid inputs; each invalid line is appended to `errors` with its line number."""
    from revint.models.tagger import TagInput

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"line {number}: invalid JSON ({error.msg} at column {error.colno})")
            continue
        problem = None
        if not isinstance(row, dict):
            problem = "expected a JSON object"
        elif not isinstance(row.get("id"), (str, int)) or isinstance(row.get("id"), bool):
            problem = "missing or invalid 'id' (a string or integer)"
        elif not isinstance(row.get("text"), str):
            problem = "missing or invalid 'text' (a string)"
        elif not _encodable(row["text"]) or not _encodable(str(row["id"])):
            problem = "'text' or 'id' is not valid Unicode (it holds a lone surrogate such as \\ud800)"
        elif row.get("section", "body") not in SECTIONS:
            problem = f"'section' must be one of {', '.join(SECTIONS)}"
        elif row.get("lang_hint") is not None and not isinstance(row["lang_hint"], str):
            problem = "'lang_hint' must be a string"
        if problem:
            errors.append(f"line {number}: {problem}")
            continue
        yield TagInput(str(row["id"]), row["text"], row.get("section", "body"), row.get("lang_hint"))


def _encodable(text: str) -> bool:
    """Whether a string can be written out as UTF-8 (JSON's \\ud800 escapes decode to lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def cmd_tag(args: argparse.Namespace, settings: Settings) -> int:
    """JSON Lines in (id, text, section?, lang_hint?), JSON Lines out (id, lang, themes)."""
    from revint.models.tagger import tag_in_processes

    errors: list[str] = []
    reported = 0
    for result in tag_in_processes(_tag_inputs(sys.stdin, errors), args.processes):
        for message in errors[reported:]:
            print(f"revint tag: {message}", file=sys.stderr)
        reported = len(errors)
        print(json.dumps(result.to_json_dict(), ensure_ascii=False), flush=False)
    for message in errors[reported:]:
        print(f"revint tag: {message}", file=sys.stderr)
    sys.stdout.flush()
    if errors:
        print(f"revint tag: {len(errors)} input line(s) rejected", file=sys.stderr)
    return 1 if errors else 0


def cmd_retag(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.retag import retag_warehouse

    _existing_warehouse(settings)
    summary = retag_warehouse(settings.db_path, everything=args.all)
    print(
        f"retagged {summary.reviews} reviews with {summary.version}: "
        f"mentions {summary.mentions_before} → {summary.mentions_after}"
    )
    return 0


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.insights.compare import compare
    from revint.pipeline.insights.render import compare_text
    from revint.pipeline.warehouse.db import connect

    con = connect(settings.db_path, read_only=True)  # main() reports two few companies or an unknown one
    try:
        comparison = compare(con, args.companies, lang=args.lang)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps(comparison.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(compare_text(comparison))
    return 0


def cmd_site(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.insights.site import build_site
    from revint.pipeline.progress import Progress
    from revint.pipeline.warehouse.db import connect

    progress = Progress("site", "companies")

    def advance(done: int, total: int) -> None:
        progress.total = total
        progress.update(done)

    con = connect(settings.db_path, read_only=True)
    try:
        built = build_site(con, args.directory, lang=args.lang, progress=advance)
    finally:
        con.close()
    progress.done()
    index = built.directory / "index.html"
    print(f"site    {built.pages} pages in {built.directory} ({built.seconds:.1f} s): open {index}")
    return 0


def _emit(output: str, out: Path | None) -> None:
    """A command's document on stdout, or written to `out`."""
    if out:
        out.write_text(output + "\n", encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    else:
        print(output)


def cmd_questions(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.insights.render import as_html, as_text
    from revint.pipeline.insights.report import company_report
    from revint.pipeline.warehouse.db import connect

    con = connect(settings.db_path, read_only=True)  # main() reports a missing warehouse or unknown company
    try:
        report = company_report(
            con,
            args.company,
            entity=args.entity,
            role=args.role,
            location=args.location,
            top=args.top,
            lang=args.lang,
        )
    finally:
        con.close()
    if args.format == "json":
        output = json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2)
    elif args.format == "html":
        output = as_html(report)
    else:
        output = as_text(report)
    _emit(output, args.out)
    return 0


def cmd_follow(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.digest import follow_companies, followed_companies

    _existing_warehouse(settings)
    if not args.companies:
        followed = followed_companies(settings.db_path)
        for company in followed:
            name = company.name or "(no longer in the warehouse: its reviews were forgotten)"
            print(f"{company.company_id:32} since {company.followed_at:%Y-%m-%d}  {name}")
        if not followed:
            print("no company is followed: revint follow COMPANY…", file=sys.stderr)
        return 0
    print("\n".join(follow_companies(settings.db_path, args.companies).lines()))
    return 0


def cmd_unfollow(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.digest import unfollow_companies

    _existing_warehouse(settings)
    print("\n".join(unfollow_companies(settings.db_path, args.companies).lines()))
    return 0


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.digest import parse_since, produce_digest
    from revint.pipeline.insights.digest import as_html, as_markdown

    _existing_warehouse(settings)
    since = parse_since(args.since) if args.since else None  # main() reports a date it cannot read
    digest = produce_digest(settings.db_path, since=since, lang=args.lang)
    _emit(as_html(digest) if args.format == "html" else as_markdown(digest), args.out)
    return 0


def cmd_refresh(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.warehouse.db import connect

    if not settings.db_path.exists():
        raise FileNotFoundError(f"no warehouse at {settings.db_path}: nothing to refresh")
    connect(settings.db_path).close()  # a writable connection applies pending migrations and rebuilds stale marts
    print(f"{settings.db_path}: schema and marts up to date")
    return 0


def cmd_companies(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.warehouse.db import connect

    con = connect(settings.db_path, read_only=True)
    try:
        rows = con.execute(
            "SELECT c.company_id, c.name, count(r.review_id) FROM companies c "
            "LEFT JOIN reviews r USING (company_id) GROUP BY c.company_id, c.name "
            "ORDER BY c.name COLLATE NOCASE.NOACCENT, c.name"
        ).fetchall()
    finally:
        con.close()
    for company_id, name, reviews in rows:
        print(f"{company_id:32} {reviews:6} reviews  {name}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.warehouse.db import write_session
    from revint.pipeline.warehouse.export import export_parquet, record_export

    _existing_warehouse(settings)
    with write_session(settings.db_path) as con:
        written = export_parquet(con, args.directory)
        record_export(con, args.directory)
    for table, rows in written.items():
        print(f"{table:20} {rows:8} rows → {args.directory / table}/source=…/year=…/")
    return 0


def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.forget import forget_everywhere
    from revint.pipeline.warehouse.erasure import check_review_ids, unknown_review_ids

    malformed = check_review_ids(args.review_ids)
    if malformed:
        print(f"revint forget: not review ids (source:id): {', '.join(map(repr, malformed))}", file=sys.stderr)
        return 2
    _existing_warehouse(settings)
    unknown = unknown_review_ids(settings.db_path, args.review_ids)
    if unknown and not args.takedown:
        print(
            f"revint forget: {', '.join(unknown)} matches no review in {settings.db_path}; nothing was erased. "
            "To put an id on the takedown list anyway (no later crawl or load will bring it in), run again "
            "with --takedown.",
            file=sys.stderr,
        )
        return 1
    report = forget_everywhere(settings, args.review_ids)
    warehouse = report.warehouse
    print(f"forgot {len(args.review_ids)} review id(s); {warehouse.reviews_removed} were in the warehouse")
    print("rows removed: " + ", ".join(f"{table} {n}" for table, n in warehouse.rows_removed.items()))
    print(
        f"run-file lines removed: {report.run_lines_removed}; archived pages removed: "
        f"{report.archived_pages_removed}; exports rewritten: {len(warehouse.exports_rewritten)}"
    )
    print("these ids are on the takedown list: later crawls and loads skip them")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.insights.report import find_company
    from revint.pipeline.warehouse.db import connect
    from revint.pipeline.warehouse.search import search

    con = connect(settings.db_path, read_only=True)
    try:
        company_id = find_company(con, args.company)[0] if args.company else None
        hits = search(con, args.query, company_id=company_id, limit=args.limit)
    finally:
        con.close()
    for hit in hits:
        text = hit.text if len(hit.text) <= 160 else hit.text[:157] + "…"
        print(f"{hit.score:6.2f}  {hit.company_name} · {hit.review_date or '?'} · {hit.review_id}\n        {text}")
    if not hits:
        print("no match", file=sys.stderr)
    return 0 if hits else 1


def cmd_serve_sample(args: argparse.Namespace, settings: Settings) -> int:
    from revint.pipeline.sample_site import serve_sample_site

    with serve_sample_site(settings.sample_site_dir, args.port) as url:
        print(f"sample site on {url}/ (Ctrl-C stops it)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The `revint` commands. argparse rather than Typer: sub-commands, help and usage errors are all it needs,
    the handlers stay plain functions of (args, settings) that tests call, and no extra dependency is pulled."""
    parser = argparse.ArgumentParser(
        prog="revint", description="Employer reviews → recurring concerns → reverse-interview questions."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="crawl the bundled sample site, tag, load, print questions")
    _db_option(demo)
    _report_options(demo)
    demo.add_argument("--companies", type=positive_int, default=3, help="companies shown in full (default 3)")
    demo.set_defaults(run=cmd_demo)

    for name, help_text in (
        ("nightly", "run the scheduled flow now: crawl every followed source, tag, load, site, digest"),
        ("backfill", "crawl named companies' sources in full (their `company` in revint.toml), tag, load"),
    ):
        scheduled = commands.add_parser(name, help=help_text)
        if name == "backfill":
            scheduled.add_argument("companies", nargs="+", help="companies as revint.toml names them")
        _config_option(scheduled)
        scheduled.add_argument("--dask", metavar="ADDRESS", help="an existing Dask scheduler (tcp://host:8786)")
        scheduled.add_argument("--workers", type=positive_int, help="local Dask worker processes (default: config)")
        scheduled.set_defaults(run=cmd_nightly)

    serve = commands.add_parser("serve", help="run the nightly flow on its schedule on this machine, until stopped")
    _config_option(serve)
    serve.add_argument("--cron", default="0 2 * * *", help="when (cron, default 02:00)")
    serve.add_argument("--timezone", default="Europe/Paris")
    serve.set_defaults(run=cmd_serve)

    config = commands.add_parser("config", help="check revint.toml and print what a scheduled run would do")
    config.add_argument("action", choices=("check",))
    _config_option(config)
    config.set_defaults(run=cmd_config)

    crawl = commands.add_parser("crawl", help="crawl review pages into a new run folder")
    crawl.add_argument(
        "urls",
        nargs="+",
        help="start URLs: a site index or review-list pages; for schema_org also a sitemap or the site's robots.txt",
    )
    crawl.add_argument("--spider", default="sample", help="spider name (default: sample)")
    crawl.add_argument("--delay", type=float, help="seconds between requests (default $REVINT_DOWNLOAD_DELAY or 1)")
    crawl.add_argument(
        "--mode",
        choices=("full", "nightly"),
        default="full",
        help="nightly: stop paging a company at a page of reviews the warehouse already has",
    )
    crawl.add_argument("--resume", type=Path, metavar="RUN_DIR", help="resume an interrupted crawl in its run folder")
    _db_option(crawl)
    crawl.set_defaults(run=cmd_crawl)

    load = commands.add_parser("load", help="tag a crawl run's reviews and load them into the warehouse")
    load.add_argument("run_dir", type=Path)
    _db_option(load)
    load.set_defaults(run=cmd_load)

    for name, help_text in (
        ("parse", "print the reviews of saved pages or exports as JSON Lines, loading nothing"),
        ("import", "parse saved pages or exports, then tag and load them as a run of their own"),
    ):
        saved = commands.add_parser(name, help=help_text)
        saved.add_argument("source", help="glassdoor, indeed, kununu, schema_org or sample")
        saved.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=".html, .json, .csv, .zip…, a folder")
        saved.add_argument("--url", help="where the files came from: for pages without a canonical link, and exports")
        saved.add_argument("--company", help="the employer, for exports that do not name it (Indeed, Kununu)")
        if name == "import":
            _db_option(saved)
        saved.set_defaults(run=cmd_parse if name == "parse" else cmd_import)

    reparse = commands.add_parser("reparse", help="rebuild a run's reviews from its raw archive, then tag and load")
    reparse.add_argument("run_dir", type=Path)
    _db_option(reparse)
    reparse.set_defaults(run=cmd_reparse)

    tag = commands.add_parser("tag", help="tag JSON Lines from stdin: {id, text, section?, lang_hint?}")
    tag.add_argument(
        "--processes",
        type=positive_int,
        default=os.cpu_count() or 1,
        help="worker processes for large inputs (default: cores)",
    )
    tag.set_defaults(run=cmd_tag)

    retag = commands.add_parser("retag", help="tag again the reviews tagged by another tagger version")
    retag.add_argument("--all", action="store_true", help="every review, whatever its tagger version")
    _db_option(retag)
    retag.set_defaults(run=cmd_retag)

    questions = commands.add_parser("questions", help="a company's concerns, evidence and questions to ask")
    questions.add_argument("company", help='company id, name, part of a name, or a group ("Altran")')
    questions.add_argument("--entity", help='one entity of a group the name covers (e.g. "Altran Telnet")')
    questions.add_argument("--role", help="only the reviews of a job family: caissier, consultant, développeur…")
    questions.add_argument("--location", help="only the reviews that give this place (e.g. Lyon)")
    _db_option(questions)
    _report_options(questions)
    questions.add_argument("--format", choices=("text", "json", "html"), default="text")
    _out_option(questions)
    questions.set_defaults(run=cmd_questions)

    compare = commands.add_parser("compare", help="two or three companies side by side, and what to ask each")
    compare.add_argument("companies", nargs="+", help="two or three companies (names as for `revint questions`)")
    _db_option(compare)
    _lang_option(compare)
    compare.add_argument("--format", choices=("text", "json"), default="text")
    compare.set_defaults(run=cmd_compare)

    site = commands.add_parser("site", help="a static site of every company's report, with search and compare")
    site.add_argument("directory", type=Path, help="where to write it (index.html, compare.html, companies/)")
    _db_option(site)
    _lang_option(site, "pages")
    site.set_defaults(run=cmd_site)

    follow = commands.add_parser("follow", help="follow companies for the digest; without a name, list those followed")
    follow.add_argument(
        "companies", nargs="*", metavar="COMPANY", help="as for questions: a group follows its entities"
    )
    _db_option(follow)
    follow.set_defaults(run=cmd_follow)

    unfollow = commands.add_parser("unfollow", help="stop following companies")
    unfollow.add_argument("companies", nargs="+", metavar="COMPANY")
    _db_option(unfollow)
    unfollow.set_defaults(run=cmd_unfollow)

    digest = commands.add_parser("digest", help="what changed for the companies followed since the last digest")
    digest.add_argument(
        "--since",
        metavar="DATE",
        help="look back from this date (YYYY-MM-DD, UTC) instead of the last digest; stores nothing",
    )
    digest.add_argument("--format", choices=("md", "html"), default="md")
    _out_option(digest)
    _lang_option(digest, "digest")
    _db_option(digest)
    digest.set_defaults(run=cmd_digest)

    refresh = commands.add_parser(
        "refresh", help="bring a warehouse another revint version built up to date (schema and marts)"
    )
    _db_option(refresh)
    refresh.set_defaults(run=cmd_refresh)

    companies = commands.add_parser("companies", help="companies in the warehouse")
    _db_option(companies)
    companies.set_defaults(run=cmd_companies)

    export = commands.add_parser("export", help="export the warehouse for other engines")
    export.add_argument("format", choices=("parquet",))
    export.add_argument("directory", type=Path)
    _db_option(export)
    export.set_defaults(run=cmd_export)

    forget = commands.add_parser("forget", help="remove reviews everywhere, for takedown and GDPR requests")
    forget.add_argument("review_ids", nargs="+", metavar="REVIEW_ID", help="e.g. sample:helio-logistique-001")
    forget.add_argument(
        "--takedown", action="store_true", help="put ids the warehouse does not hold on the takedown list too"
    )
    _db_option(forget)
    forget.set_defaults(run=cmd_forget)

    search = commands.add_parser("search", help="full-text search over review text")
    search.add_argument("query")
    search.add_argument("--company", help="only this company (id, name or part of a name)")
    search.add_argument("--limit", type=positive_int, default=10)
    _db_option(search)
    search.set_defaults(run=cmd_search)

    sample = commands.add_parser("serve-sample", help="serve the bundled sample review site")
    sample.add_argument("--port", type=int, default=8765)
    sample.set_defaults(run=cmd_serve_sample)
    return parser


def no_usage_telemetry() -> None:
    """Call before Prefect is first imported (flows import it lazily): from its import on, Prefect sends usage
    telemetry unless DO_NOT_TRACK is set."""
    os.environ.setdefault("DO_NOT_TRACK", "1")


def main(argv: list[str] | None = None) -> int:
    no_usage_telemetry()
    args = build_parser().parse_args(argv)
    settings = Settings.from_env().with_db(getattr(args, "db", None))
    try:
        status = int(args.run(args, settings))
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return status
    except BrokenPipeError:  # `revint companies | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
    except (OSError, ReportedError) as error:  # a missing file, warehouse or model, an unknown company, a crawl
        print(f"revint {args.command}: {error}", file=sys.stderr)
        return error.exit_status if isinstance(error, ReportedError) else 2


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _existing_warehouse(settings: Settings) -> None:
    """Commands that change a warehouse must not create an empty one on a mistyped --db."""
    if not settings.db_path.exists():
        raise FileNotFoundError(f"no warehouse at {settings.db_path} (check --db)")


if __name__ == "__main__":
    sys.exit(main())

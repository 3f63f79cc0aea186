"""The security part of `make stress` (issue 14): no review text runs in a page, every value reaching SQL is bound,
the crawler obeys robots.txt, no reviewer identity is stored, and `revint forget` leaves no trace.

Four checks, each on throwaway data under `scratch`, each adding to `tried` and to its own counter:

1. XSS: reviews whose every text field carries payloads are loaded; the site, the HTML report and the digest are
   built and opened in headless Chromium. A payload that runs sets an attribute whose name it assembles at run time,
   so only execution puts it in the dumped DOM; live handlers, `javascript:` links and evaluated template syntax
   found in the DOM count too (they run on a click, or already ran on the server).
2. SQL: every command taking a company, an id or a free value is fed injection strings, each run on its own copy of a
   warehouse whose path holds quotes; afterwards every table must hold what it held (bar what the command may
   change), and stderr no traceback. The source is also read for SQL built with f-strings, `%` or `format`.
3. robots.txt: fixture sites whose pages link into disallowed paths (pagination, company lists, sitemaps, start
   URLs, a group for revint's own user agent) crawled by each spider; every request the sites log is checked.
4. Identity: the sample site's pseudonyms and the schema.org fixtures' author names and profile links are crawled,
   loaded, exported and published; every table, export, run file, site page and digest is scanned for them. Then one
   review is forgotten and its text and id are looked for everywhere, the page archive included.
"""

from __future__ import annotations

import ast
import contextlib
import gzip
import hashlib
import html
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Final
from unittest import mock
from urllib.parse import quote

import duckdb
import lxml.html
from parsel import Selector

from revint.models.tagger import Tagger
from revint.pipeline import cli, stages
from revint.pipeline.charsets import decode_page
from revint.pipeline.digest import follow_companies, produce_digest
from revint.pipeline.insights.site import build_site, page_name
from revint.pipeline.sample_site import SampleCompany, _pseudonym, load_companies, serve_sample_site
from revint.pipeline.warehouse.db import connect
from revint.record import ReviewRecord, TaggedReview
from revint.runfiles import ARCHIVE_DIR, REVIEWS_FILE, TAGGED_FILE, read_reviews
from revint.settings import Settings
from revint.taxonomy import Polarity
from stress.outcome import Outcome
from tests.support.fixture_site import FixtureSite, Reply, company, company_pages
from tests.support.fixture_site import review as sample_review
from tests.support.pages import FIXTURES
from tests.support.records import mention, review

REPO: Final = Path(__file__).resolve().parents[1]
CHROMIUM: Final = shutil.which("chromium") or shutil.which("chromium-browser")
NO_BROWSER: Final = "XSS check skipped: no chromium on this machine (make browser installs Debian's)"
TRACEBACK: Final = "Traceback (most recent call last)"
WORKERS: Final = min(6, max(2, os.cpu_count() or 2))  # commands and browsers side by side, each on its own files


@dataclass
class Scratch:
    """Where a check writes, and the environment its `revint` commands run in (their runs land under it)."""

    root: Path

    def env(self, data_dir: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REVINT_")}
        return env | {"REVINT_DATA_DIR": str(data_dir), "DO_NOT_TRACK": "1"}


def revint(args: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command run as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "revint.pipeline.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=REPO,
        check=False,
    )


def _failed(done: subprocess.CompletedProcess[str]) -> str:
    """A failed command for a note: its arguments, status and the end of its stderr."""
    tail = done.stderr.strip().splitlines()[-1:] or ["(no message)"]
    return f"`revint {' '.join(map(str, done.args[3:]))}` exit {done.returncode}: {tail[0][:300]}"


def settings_under(data_dir: Path) -> Settings:
    """Settings for a throwaway data folder: its warehouse and runs, short retry waits."""
    base = Settings.from_env()
    return replace(base, data_dir=data_dir, db_path=data_dir / "work" / "revint.duckdb", retry_backoff=0.2)


def load_tagged(db: Path, batch: list[TaggedReview]) -> None:
    """Load tagged reviews as `revint load` does: company directory, key checks, marts, search index."""
    path = db.parent / "tagged" / TAGGED_FILE
    path.parent.mkdir(parents=True)
    path.write_text("".join(tagged.to_json_line() + "\n" for tagged in batch), encoding="utf-8")
    stages.load(replace(settings_under(db.parent / "data"), db_path=db), path)


def run(seed: int = 0, small: bool = False, scratch: Path | None = None) -> Outcome:
    """All four checks; `small` is the seeded slice the regular test suite runs (a few payloads, one spider)."""
    outcome = Outcome("security")
    with contextlib.ExitStack() as stack:
        if scratch is None:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="revint-security-")))
        rng = random.Random(seed)
        check_xss(Scratch(scratch / "xss"), outcome, rng, small)
        check_sql(Scratch(scratch / "sql"), outcome, rng, small)
        check_robots(Scratch(scratch / "robots"), outcome, small)
        check_identity_and_forget(Scratch(scratch / "identity"), outcome, rng, small)
    return outcome


# 1. XSS ---------------------------------------------------------------------------------------------------------


def _mark(k: int) -> str:
    """Script that marks <html> with `data-xss-k` if it runs; the name is assembled at run time, so it is never in
    a page's source: only a payload that ran puts it in the DOM."""
    return f"document.documentElement.setAttribute('data-xss-'+{k},1)"


PAYLOADS: Final = (  # each marks the page with its own number if it runs
    f"<script>{_mark(0)}</script>",
    f'<img src=x onerror="{_mark(1)}">',
    f'"><svg onload="{_mark(2)}">',
    f'\'><svg onload="{_mark(3)}">',
    f"</textarea><script>{_mark(4)}</script>",
    f"</script><script>{_mark(5)}</script>",
    f"</title></style><script>{_mark(6)}</script>",
    f'<a href="javascript:{_mark(7)}">lien</a>',
    f"javascript:{_mark(8)}",
    f'<iframe srcdoc="<script>parent.{_mark(9)}</script>"></iframe>',
    f'<details open ontoggle="{_mark(10)}">',
    f"<!-- --><script>{_mark(11)}</script>",
)
TEMPLATES: Final = ("tpl{{7*7}}tpl", "tpl${7*7}tpl", "tpl{0.__class__}tpl", "tpl{% if 1 %}X{% endif %}tpl")
TEMPLATE_EVALUATED: Final = ("tpl49tpl", "tpl<class", "tplXtpl")  # what the template payloads become if evaluated
INJECTED_SCRIPT: Final = re.compile(r"\s*(parent\.)?document\.documentElement\.setAttribute\('data-xss-'\+\d+,1\)\s*")
URL_ATTRIBUTES: Final = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
HTML_SINKS: Final = re.compile(r"\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function\()")
QUOTABLE: Final = (  # varied complaints, so that the report quotes several of them (no near-duplicates)
    "Les salaires sont bas depuis trois ans",
    "Aucune augmentation malgré les bons résultats",
    "Rémunération en dessous du marché pour ce poste",
    "Les primes ont disparu sans explication claire",
    "Horaires imprévisibles chaque semaine du mois",
    "Le planning change la veille pour le lendemain",
    "Direction absente lors des réunions importantes",
    "Les managers ne répondent jamais aux questions posées",
    "Ambiance chaleureuse entre collègues au quotidien",
    "Équipe soudée qui partage volontiers son savoir",
    "Beaucoup trop de réunions inutiles chaque jour",
    "Formation initiale bâclée en deux petites heures",
)
# (section, theme, polarity) of each hostile review's quoted unit, in turn
QUOTED: Final[tuple[tuple[str, str, Polarity], ...]] = (
    ("cons", "compensation", "negative"),
    ("body", "management", "negative"),
    ("advice", "work_life_balance", "negative"),
    ("pros", "culture", "positive"),
)


def dom_injections(dom: str) -> list[str]:
    """What in a page's DOM only a payload can have put there: the mark of one that ran, an event handler, a
    `javascript:` URL, an iframe's srcdoc, a payload's script element, or template syntax that was evaluated."""
    found = []
    for element in lxml.html.document_fromstring(dom).iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        for name, value in element.attrib.items():
            if name.startswith("data-xss-"):
                found.append(f"payload {name.removeprefix('data-xss-')} ran")
            elif name.startswith("on"):
                found.append(f"<{element.tag} {name}> handler in the DOM")
            elif name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}=javascript:…> in the DOM")
            elif name == "srcdoc":
                found.append(f"<{element.tag} srcdoc> in the DOM")
        if element.tag == "script" and INJECTED_SCRIPT.fullmatch(element.text or ""):
            found.append("a payload's <script> element in the DOM")
    text = html.unescape(dom)
    return found + [f"template syntax evaluated ({sign})" for sign in TEMPLATE_EVALUATED if sign in text]


def browser_dom(url: str, profile: Path) -> str:
    """The DOM after the page's scripts ran (3 s of virtual time), from headless Chromium; "" if it failed."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=3000",
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.stdout if done.returncode == 0 else ""


def hostile_batch(payloads: Sequence[str], hostile: int, benign: int) -> list[TaggedReview]:
    """`hostile` companies whose names and every review field carry payloads (30 reviews each, most of them quoted
    under themes they raise far more than the others), and `benign` ordinary companies to compare them with."""
    batch = []
    for k in range(hostile):
        name = f"Hostile {k} {payloads[k % len(payloads)]}"
        for n in range(30):

            def text(part: int, k: int = k, n: int = n) -> str:
                complaint = QUOTABLE[(n + 3 * part) % len(QUOTABLE)]
                return f"{complaint} {payloads[(7 * k + n + part) % len(payloads)]} vraiment"

            record = review(
                1000 * k + n,
                f"hostile-{k}",
                company_name=name,
                url=f"javascript:{_mark(8)}//{k}-{n}",
                review_date=date(2021 + n % 4, 1 + n % 12, 1 + n % 28),
                title=text(0),
                pros=text(1),
                cons=text(2),
                advice=text(3),
                body=text(4),
                job_title=f"Agent {payloads[(k + n + 5) % len(payloads)]}",
                location=f"Lyon {payloads[(k + n + 6) % len(payloads)]}",
                factor_texts={f"Gehalt {payloads[(k + n) % len(payloads)]}": text(7)},
                is_current=n % 2 == 0,
            )
            mentions = [
                mention(theme, polarity, text=getattr(record, section), evidence=0.99, section=section)
                for section, theme, polarity in QUOTED
            ]
            batch.append(TaggedReview(record, mentions if n < 24 else [], "stress"))
    for c in range(benign):
        for n in range(30):
            record = review(500_000 + 1000 * c + n, f"firm-{c}", company_name=f"Firme {c}")
            batch.append(TaggedReview(record, [mention()] if n < 3 else [], "stress"))
    return batch


def _page_urls(scratch: Scratch, site: Path, hostile: int, payloads: Sequence[str]) -> list[tuple[str, str]]:
    """(label, URL) of every page to open: the site's pages, its search and compare pages fed payloads through their
    query string, the HTML reports and the digest."""
    probe = quote(payloads[0])
    slugs = [Path(page_name(f"hostile-{k}")).stem for k in range(hostile)] + ["firm-0"]
    pages = [
        ("index", (site / "index.html").as_uri()),
        ("index searched for a payload", f"{(site / 'index.html').as_uri()}?q={probe}"),
        ("compare of hostile companies", f"{(site / 'compare.html').as_uri()}?c={','.join(slugs[:3])}"),
        ("compare fed a payload", f"{(site / 'compare.html').as_uri()}?c={probe},{slugs[0]}"),
    ]
    pages += [(f"site {p.name}", p.as_uri()) for p in sorted((site / "companies").glob("*.html"))]
    pages += [(f"report {p.name}", p.as_uri()) for p in sorted((scratch.root / "reports").glob("*.html"))]
    pages += [("digest", (scratch.root / "digest.html").as_uri())]
    return pages


def _render_reports_and_digest(scratch: Scratch, db: Path, hostile: int, payload: str, outcome: Outcome) -> None:
    """`revint questions … --format html` for each hostile company (and once filtered by a hostile place), then the
    digest of them all, as files."""
    env = scratch.env(scratch.root / "data")
    reports = scratch.root / "reports"
    reports.mkdir()
    commands = [
        ["questions", f"hostile-{k}", "--format", "html", "--out", str(reports / f"hostile-{k}.html")]
        for k in range(hostile)
    ]
    filtered = ["--location", payload, "--out", str(reports / "filtered.html")]  # --role takes known families
    commands.append(["questions", "hostile-0", "--format", "html", *filtered])
    commands.append(["follow", *(f"hostile-{k}" for k in range(hostile))])
    commands.append(["digest", "--since", "2000-01-01", "--format", "html", "--out", str(scratch.root / "digest.html")])
    for command in commands:
        done = revint([*command, "--db", str(db)], env)
        if done.returncode != 0:
            outcome.crashes += 1
            outcome.notes.append(f"xss: {_failed(done)}")


def check_xss(scratch: Scratch, outcome: Outcome, rng: random.Random, small: bool) -> None:
    if CHROMIUM is None:
        outcome.notes.append(NO_BROWSER)
        return
    scratch.root.mkdir(parents=True)
    marking = [p for p in PAYLOADS if "data-xss-" in p]  # first: company names carry these, shown on every page
    payloads = [*rng.sample(marking, 4), rng.choice(TEMPLATES)] if small else [*marking, *TEMPLATES]
    hostile = 2 if small else 4
    db = scratch.root / "w.duckdb"
    load_tagged(db, hostile_batch(payloads, hostile, benign=3 if small else 5))
    site = scratch.root / "site"
    con = connect(db, read_only=True)
    build_site(con, site, lang="fr")
    con.close()
    _render_reports_and_digest(scratch, db, hostile, payloads[0], outcome)
    pages = _page_urls(scratch, site, hostile, payloads)
    control = scratch.root / "control.html"  # the payloads unescaped: the browser must be seen to run them
    control.write_text(f"<!DOCTYPE html><html><body>{''.join(payloads)}</body></html>", encoding="utf-8")
    profiles = [scratch.root / "profiles" / str(n) for n in range(len(pages) + 1)]
    with ThreadPoolExecutor(WORKERS) as pool:
        control_dom, *doms = pool.map(browser_dom, [control.as_uri(), *(url for _, url in pages)], profiles)
    if not control_dom or not any(found.endswith(" ran") for found in dom_injections(control_dom)):
        outcome.crashes += 1
        outcome.notes.append(
            "xss: no payload was seen to run on a page holding them unescaped: the check proves nothing"
        )
    shown = 0
    for (label, _), dom in zip(pages, doms, strict=True):
        outcome.tried += 1
        if not dom:
            outcome.crashes += 1
            outcome.notes.append(f"xss: chromium could not open {label}")
            continue
        shown += "data-xss-'+" in html.unescape(dom)  # a payload's text shown as text: the pages did carry them
        found = dom_injections(dom)
        if found:
            outcome.xss_executions += 1
            outcome.notes.append(f"xss: {label}: {'; '.join(sorted(set(found)))}")
    if shown < len(pages) // 2:
        outcome.notes.append(f"xss: only {shown} of {len(pages)} pages showed a payload as text: check the fixture")
    for path in sorted(
        [*site.rglob("*.html"), *(scratch.root / "reports").glob("*.html"), scratch.root / "digest.html"]
    ):
        scripts = Selector(text=path.read_text(encoding="utf-8")).css("script:not([src])::text").getall()
        sinks = sorted({m.group(1) for script in scripts for m in HTML_SINKS.finditer(script)})
        if sinks:
            outcome.notes.append(f"xss: {path.relative_to(scratch.root)} scripts use {', '.join(sinks)}: review them")


# 2. SQL ---------------------------------------------------------------------------------------------------------

INJECTIONS: Final = (
    "' OR 1=1 --",
    "'); DROP TABLE reviews; --",
    "%' UNION SELECT review_id, cons FROM reviews --",
    '"; DELETE FROM companies; --',
    "'; ATTACH '/tmp/revint-pwned.duckdb' AS pwned; --",
    "$1; DROP TABLE mentions; --",
    "acme%",
    "_",
    "L'Oréal",  # an apostrophe in an ordinary name: a normal answer
)
NUL_INJECTIONS: Final = ("acme\x00' OR 1=1 --", "\x00'); DROP TABLE reviews; --")  # argv cannot carry NUL: cli.main
HOSTILE_DB_FOLDERS: Final = ("o'brien", "x'); DROP TABLE reviews; --", 'q"uote $1 %s')
FOLLOW_TABLES: Final = frozenset({"main.follows", "main.digest_runs", "main.digest_snapshots"})
TAKEDOWN_TABLES: Final = frozenset({"main.forgotten_reviews", "main.mart_builds"})  # an erasure rebuilds the marts
SQL_KEYWORDS: Final = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER|PRAGMA|ATTACH|COPY|FROM|WHERE)\b")
SQL_METHODS: Final = frozenset({"execute", "executemany", "sql", "query"})


@dataclass(frozen=True)
class Attempt:
    """One command fed one hostile value, on its own copy of the warehouse."""

    label: str
    argv: list[str]  # without --db
    may_change: frozenset[str] | None = frozenset()  # tables it may change legitimately; None: any may (an import)
    reviews_after: int | None = None  # the review count it must leave
    in_process: bool = False  # through cli.main in this process, not `revint` in its own (sql_attempts)
    folder: str | None = None  # the warehouse's folder; by default one of HOSTILE_DB_FOLDERS

    @property
    def command(self) -> str:
        return self.argv[0]


@dataclass
class Tried:
    attempt: Attempt
    status: int
    stderr: str
    problems: list[str] = field(default_factory=list)


TableDigests = dict[str, tuple[int, str]]  # "schema.table" → (rows, hash of its sorted rows)


def table_digests(db: Path) -> TableDigests:
    """Every table of every schema (marts and the search index too), by row count and a hash of its rows."""
    digests = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()
        for schema, table in tables:
            rows = sorted(map(repr, con.table(f'"{schema}"."{table}"').fetchall()))
            digests[f"{schema}.{table}"] = (len(rows), hashlib.sha1("\n".join(rows).encode()).hexdigest())
    return digests


def sql_base(path: Path) -> None:
    """A warehouse of three companies (one named with an apostrophe), one of them followed and digested."""
    batch = [
        TaggedReview(review(100 * c + n, slug, company_name=name), [mention()] if n % 2 else [], "stress")
        for c, (slug, name) in enumerate((("acme", "Acme"), ("l-oreal", "L'Oréal"), ("globex", "Globex")))
        for n in range(1, 13)
    ]
    load_tagged(path, batch)
    follow_companies(path, ["acme"])
    produce_digest(path)


def sql_attempts(payloads: Sequence[str], *, small: bool, as_user: int = 1) -> list[Attempt]:
    """Every command taking a company name or id, a review id or another free value, fed the payloads: the company
    and review ids each one, the other values the first two (they reach SQL the same way, or not at all). The first
    `as_user` payloads go through `revint` in a process of its own, the others through cli.main in this one (the
    same code, without Python's start-up each time)."""
    attempts = []
    for n, p in enumerate(payloads):
        review_id = "test:" + re.sub(r"\s", "", p)  # ids hold no blank: one with a blank is refused before SQL
        fed = [
            Attempt(f"questions {p!r}", ["questions", p]),
            Attempt(f"compare {p!r}", ["compare", "acme", p]),
            Attempt(f"follow {p!r}", ["follow", p], FOLLOW_TABLES),
            Attempt(f"unfollow {p!r}", ["unfollow", p], FOLLOW_TABLES),
            Attempt(f"forget {review_id!r}", ["forget", review_id]),
            Attempt(f"forget --takedown {review_id!r}", ["forget", "--takedown", review_id], TAKEDOWN_TABLES),
            Attempt(f"search --company {p!r}", ["search", "salaire", "--company", p]),
        ]
        if n < 2:
            fed += [
                Attempt(f"questions --role {p!r}", ["questions", "acme", "--role", p]),
                Attempt(f"questions --location {p!r}", ["questions", "acme", "--location", p]),
                Attempt(f"questions --entity {p!r}", ["questions", "acme", "--entity", p]),
                Attempt(f"forget {p!r}", ["forget", p]),
                Attempt(f"search {p!r}", ["search", p]),
                Attempt(f"digest --since {p!r}", ["digest", "--since", p]),
            ]
        if n < 2 and not small:
            fed.append(Attempt(f"import --company {p!r}", ["import", "indeed", "INDEED_CSV", "--company", p], None))
        attempts += [replace(attempt, in_process=n >= as_user) for attempt in fed]
    return attempts


def path_attempts(reviews: int, small: bool) -> list[Attempt]:
    """The commands that take no company, on warehouses and folders whose names hold quotes; then the writers on a
    warehouse under a folder named with a question mark."""
    attempts = [
        Attempt("companies", ["companies"]),
        Attempt("forget an existing review", ["forget", "test:1"], None, reviews_after=reviews - 1),
        Attempt(
            "export into a folder named with quotes", ["export", "parquet", "EXPORTS"], frozenset({"main.exports"})
        ),
        Attempt("site into a folder named with quotes", ["site", "SITE"]),
        Attempt("digest", ["digest", "--format", "html"], FOLLOW_TABLES),
    ]
    question_mark = [  # writers refuse it with a message (DuckDB reads a "?" as options): no change is due
        replace(a, label=f"{a.label} (warehouse in a folder named 'what?')", folder="what?", reviews_after=None)
        for a in attempts
    ]
    return attempts + (question_mark[1:2] if small else question_mark)


INDEED_CSV: Final = (
    "review_title,review_verbatim,role,status,location,date,rating\n"
    '"Low pay","Salary is low and there was no raise in years",Teller,Current Employee,"Dallas, TX",'
    '"March 27, 2019",3.0\n'
)


def _try(attempt: Attempt, number: int, scratch: Scratch, base: Path, before: TableDigests) -> Tried:
    """Run one attempt on a fresh copy of the base warehouse, in a folder whose name holds quotes."""
    folder = scratch.root / f"attempt-{number:03d}"
    db = folder / (attempt.folder or HOSTILE_DB_FOLDERS[number % len(HOSTILE_DB_FOLDERS)]) / "w.duckdb"
    db.parent.mkdir(parents=True)
    shutil.copyfile(base, db)
    (folder / "indeed.csv").write_text(INDEED_CSV, encoding="utf-8")
    places = {"EXPORTS": folder / "o'exports; --", "SITE": folder / "si'te", "INDEED_CSV": folder / "indeed.csv"}
    argv = [str(places.get(arg, arg)) for arg in attempt.argv] + ["--db", str(db)]
    if attempt.in_process:
        status, stderr = _in_process(argv, folder / "data")
    else:
        done = revint(argv, scratch.env(folder / "data"))
        status, stderr = done.returncode, done.stderr
    tried = Tried(attempt, status, stderr)
    last = (stderr.strip().splitlines() or [""])[-1][:300]
    if TRACEBACK in stderr:
        tried.problems.append(f"traceback: {last}")
    elif status != 0 and not last:
        tried.problems.append(f"exit {status} without a message")
    elif status != 0 and attempt.reviews_after is not None:
        tried.problems.append(f"exit {status} where it should succeed: {last}")
    tried.problems += _damage(attempt, before, db)
    return tried


def _in_process(argv: list[str], data_dir: Path) -> tuple[int, str]:
    """cli.main in this process, its data folder a throwaway one: an exception out of it is what a traceback is to a
    user."""
    out, err = io.StringIO(), io.StringIO()
    data = mock.patch.dict(os.environ, {"REVINT_DATA_DIR": str(data_dir)})
    with data, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(argv)
        except SystemExit as exit_:  # argparse's usage errors
            status = exit_.code if isinstance(exit_.code, int) else 2
        except Exception as error:
            return 1, f"{TRACEBACK}\n{type(error).__name__}: {error}"
    return status, err.getvalue()


def _damage(attempt: Attempt, before: TableDigests, db: Path) -> list[str]:
    """How the warehouse differs from what it held, beyond what the command may change."""
    try:
        after = table_digests(db)
    except (duckdb.Error, OSError) as error:
        return [f"the warehouse no longer opens: {error}"]
    problems = [f"table {name} is gone" for name in sorted(before.keys() - after.keys())]
    changed = sorted(name for name in before.keys() & after.keys() if before[name] != after[name])
    if attempt.may_change is not None:
        problems += [
            f"table {name} changed ({before[name][0]} → {after[name][0]} rows)"
            for name in changed
            if name not in attempt.may_change
        ]
    reviews = after.get("main.reviews", (0, ""))[0]
    if attempt.reviews_after is not None and reviews != attempt.reviews_after:
        problems.append(f"{reviews} reviews left where {attempt.reviews_after} were due")
    if attempt.may_change is None and attempt.reviews_after is None and reviews < before["main.reviews"][0]:
        problems.append(f"reviews went from {before['main.reviews'][0]} to {reviews}")
    return problems


def sql_in_source(roots: Sequence[Path]) -> list[str]:
    """SQL text built with f-strings, `%` or `.format` in the source: where, and what goes into it. Identifiers from
    constants are fine; a value there is a finding (values must be bound parameters)."""
    found = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            sql_arguments = {
                id(call.args[0])
                for call in ast.walk(tree)
                if isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in SQL_METHODS
                and call.args
            }
            for node in ast.walk(tree):
                if not isinstance(node, ast.expr) or (built := _built_text(node)) is None:
                    continue
                literal, parts = built
                if parts and (id(node) in sql_arguments or SQL_KEYWORDS.search(literal)):
                    where = f"{path.relative_to(REPO)}:{node.lineno}"
                    found.append(f"sql: {where} builds SQL around {', '.join(parts)}")
    return found


def _built_text(node: ast.expr) -> tuple[str, list[str]] | None:
    """A string built at run time: its literal text and the expressions put into it; None for anything else."""
    if isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        return literal, [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        return str(node.left.value), [ast.unparse(node.right)]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
    ):
        return str(node.func.value.value), [ast.unparse(a) for a in [*node.args, *(k.value for k in node.keywords)]]
    return None


def check_sql(scratch: Scratch, outcome: Outcome, rng: random.Random, small: bool) -> None:
    scratch.root.mkdir(parents=True)
    base = scratch.root / "base.duckdb"
    sql_base(base)
    before = table_digests(base)
    payloads = [rng.choice(INJECTIONS[:-1]), INJECTIONS[-1]] if small else list(INJECTIONS)
    attempts = sql_attempts(payloads, small=small) + path_attempts(before["main.reviews"][0], small)
    attempts += sql_attempts(NUL_INJECTIONS[:1] if small else NUL_INJECTIONS, small=True, as_user=0)

    def attempt(numbered: tuple[int, Attempt]) -> Tried:
        return _try(numbered[1], numbered[0], scratch, base, before)

    numbered = list(enumerate(attempts))
    with ThreadPoolExecutor(WORKERS) as pool:  # `revint` processes side by side, then cli.main in this process
        tried = list(pool.map(attempt, [one for one in numbered if not one[1].in_process]))
    tried += [attempt(one) for one in numbered if one[1].in_process]
    for one in tried:
        outcome.tried += 1
        if one.problems:
            outcome.crashes += 1
            how = " (through cli.main)" if one.attempt.in_process else ""
            outcome.notes.append(f"sql: revint {one.attempt.label}{how}: {'; '.join(one.problems)}")
        elif one.status != 0:
            outcome.rejected[f"sql: {one.attempt.command} refused the value with a message"] += 1
    outcome.notes += sql_in_source([REPO / "pipeline", REPO / "spiders"])


# 3. robots.txt --------------------------------------------------------------------------------------------------

REVINT_ONLY: Final = "/interdit-revint/"  # disallowed in the group addressed to revint by name, not in `*`


@dataclass(frozen=True)
class FixturePages:
    """A spider's fixture pages (tests/fixtures/sites/<spider>) as a site serves them, and where its crawl starts."""

    spider: str
    pages: dict[str, str]  # path (with its query) → fixture file
    starts: list[str]
    later_pages: tuple[str, ...]  # path prefixes of the pages the start pages link to (their pagination)

    def routes(self) -> dict[str, Reply]:
        def kind(name: str) -> str:
            if name.endswith(".json"):
                return "application/json"
            return "text/html" if name == "latin1.html" else "text/html; charset=utf-8"

        folder = FIXTURES / self.spider
        return {path: Reply((folder / name).read_bytes(), content_type=kind(name)) for path, name in self.pages.items()}


SITE_FIXTURES: Final = {
    "glassdoor": FixturePages(
        "glassdoor",
        {
            "/Avis/Fromagerie-Aubrac-Avis-E900.htm": "page1.html",
            "/Avis/Fromagerie-Aubrac-Avis-E900_P2.htm": "page2.html",
            "/api/employer-reviews": "graphql_reviews.json",
        },
        ["/Avis/Fromagerie-Aubrac-Avis-E900.htm", "/api/employer-reviews"],
        ("/Avis/Fromagerie-Aubrac-Avis-E900_P",),
    ),
    "indeed": FixturePages(
        "indeed",
        {"/cmp/Fournil-Castagne/reviews": "page1.html", "/cmp/Fournil-Castagne/reviews?start=20": "page2.html"},
        ["/cmp/Fournil-Castagne/reviews"],
        ("/cmp/Fournil-Castagne/reviews?start=",),
    ),
    "kununu": FixturePages(
        "kununu",
        {"/de/brotwerk-sommer/kommentare": "page1.html", "/de/brotwerk-sommer/kommentare/2": "page2.html"},
        ["/de/brotwerk-sommer/kommentare"],
        ("/de/brotwerk-sommer/kommentare/",),
    ),
    "schema_org": FixturePages(
        "schema_org",
        {
            "/entreprise/verrerie-dumas/avis": "jsonld_page1.html",
            "/entreprise/verrerie-dumas/avis?page=2": "jsonld_page2.html",
            "/companies/harbour-lane-logistics/reviews": "microdata.html",
            "/companies/harbour-lane-logistics/reviews?page=2": "empty.html",
            "/avis/cremerie-segurane": "latin1.html",
        },
        ["/entreprise/verrerie-dumas/avis", "/companies/harbour-lane-logistics/reviews", "/avis/cremerie-segurane"],
        ("/entreprise/verrerie-dumas/avis?page=", "/companies/harbour-lane-logistics/reviews?page="),
    ),
}


@dataclass(frozen=True)
class RobotsCase:
    spider: str
    routes: dict[str, Reply]
    starts: list[str]
    disallowed: tuple[str, ...]  # prefixes robots.txt forbids revint (its own group)
    allowed: list[str]  # pages the crawl must fetch, or it proves nothing
    sitemap: list[str] = field(default_factory=list)  # paths a /sitemap.xml lists; robots.txt then names it

    def robots_txt(self, base_url: str) -> str:
        rules = "".join(f"Disallow: {p}\n" for p in self.disallowed if p != REVINT_ONLY)
        text = f"User-agent: *\n{rules}\nUser-agent: revint\n{rules}Disallow: {REVINT_ONLY}\n"
        return text + (f"\nSitemap: {base_url}/sitemap.xml\n" if self.sitemap else "")

    def lures(self) -> list[str]:
        return [p for p in {*self.routes, *self.starts, *self.sitemap} if self.forbids(p)]

    def forbids(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.disallowed)


def sample_robots_case() -> RobotsCase:
    """The sample site's format: a company list linking to an allowed company, one under a disallowed folder and one
    disallowed for revint only; the allowed company's page 2 paginates into a disallowed folder; a disallowed start
    URL; every review links its author's profile (disallowed, and never to be followed anyway)."""
    alpha, beta, gamma = (
        company(slug, slug.title(), [sample_review(f"{slug}-{n:02d}", 1 + n % 28) for n in range(25)])
        for slug in ("alpha", "beta", "gamma")
    )
    routes: dict[str, Reply] = {path: Reply(page) for path, page in company_pages(alpha).items()}
    page_2, page_3 = "/entreprise/alpha/avis?page=2", "/entreprise/alpha/avis?page=3"
    routes[page_2] = Reply(company_pages(alpha)[page_2].replace(f'href="{page_3}"', f'href="/prive{page_3}"'))
    routes[f"/prive{page_3}"] = routes[page_3]
    routes |= {f"/prive{path}": Reply(page) for path, page in company_pages(beta).items()}
    routes |= {f"{REVINT_ONLY.rstrip('/')}{path}": Reply(page) for path, page in company_pages(gamma).items()}
    links = ["/entreprise/alpha/avis", "/prive/entreprise/beta/avis", f"{REVINT_ONLY}entreprise/gamma/avis"]
    anchors = "".join(f'<a class="company-link" href="{link}">{link}</a>' for link in links)
    routes["/"] = Reply(f"<!DOCTYPE html><html><body>{anchors}</body></html>")
    return RobotsCase(
        "sample",
        routes,
        ["/", "/prive/entreprise/beta/avis"],
        ("/prive/", "/membres/", REVINT_ONLY),
        ["/", "/entreprise/alpha/avis", page_2],
    )


def fixture_robots_case(pages: FixturePages) -> RobotsCase:
    """A spider's fixture pages whose pagination robots.txt forbids; the schema.org spider starts from robots.txt, whose
    sitemap also lists a disallowed page."""
    routes = pages.routes()
    allowed = list(pages.starts)
    if pages.spider != "schema_org":
        return RobotsCase(pages.spider, routes, pages.starts, (*pages.later_pages, REVINT_ONLY), allowed)
    routes["/prive/avis/secret"] = routes[pages.starts[-1]]
    sitemap = [*pages.starts, "/prive/avis/secret"]
    disallowed = (*pages.later_pages, "/prive/", REVINT_ONLY)
    return RobotsCase(pages.spider, routes, ["/robots.txt"], disallowed, allowed, sitemap)


def crawl_robots_case(case: RobotsCase, scratch: Scratch, outcome: Outcome) -> None:
    settings = settings_under(scratch.root / case.spider)
    with FixtureSite(case.routes) as site:
        site.routes["/robots.txt"] = [Reply(case.robots_txt(site.url), content_type="text/plain; charset=utf-8")]
        if case.sitemap:
            urls = "".join(f"<url><loc>{site.url}{path}</loc></url>" for path in case.sitemap)
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            site.routes["/sitemap.xml"] = [Reply(body, content_type="application/xml")]
        run_dir = stages.new_run_dir(settings, case.spider)
        try:
            summary = stages.crawl(settings, case.spider, [site.url + p for p in case.starts], run_dir, delay=0.0)
            outcome.rejected["robots.txt: request forbidden"] += summary.stats.get("robotstxt/forbidden", 0)
        except stages.CrawlFailed as error:
            outcome.crashes += 1
            outcome.notes.append(f"robots: the {case.spider} crawl failed: {error}")
        fetched = site.paths()
    outcome.tried += len(case.lures())
    forbidden = [path for path in fetched if case.forbids(path)]
    outcome.disallowed_fetches += len(forbidden)
    if forbidden:
        outcome.notes.append(f"robots: the {case.spider} spider fetched disallowed {', '.join(sorted(set(forbidden)))}")
    missed = [path for path in case.allowed if path not in fetched]
    if missed:
        outcome.notes.append(f"robots: the {case.spider} crawl never fetched allowed {', '.join(missed)}")


def check_robots(scratch: Scratch, outcome: Outcome, small: bool) -> None:
    cases = [sample_robots_case()]
    if not small:
        cases += [fixture_robots_case(pages) for pages in SITE_FIXTURES.values()]
    for case in cases:
        crawl_robots_case(case, scratch, outcome)


# 4. Identity and forget -----------------------------------------------------------------------------------------

GENERIC_AUTHORS: Final = frozenset({"anonyme", "anonymous", "anonym"})
TAKEDOWN_LIST: Final = "main.forgotten_reviews"  # keeps a forgotten id on purpose: no later load brings it back


def schema_org_authors(page: str) -> set[str]:
    """The author names and profile links a schema.org page publishes, in JSON-LD and microdata (a relative link is
    found in an absolute one too)."""
    found: set[str] = set()
    selector = Selector(text=page)
    for block in selector.css('script[type="application/ld+json"]::text').getall():
        with contextlib.suppress(ValueError):
            _authors_in_json(json.loads(block), found)
    for author in selector.css('[itemprop="author"]'):
        found.add(" ".join(author.css('[itemprop="name"] ::text').getall() or author.css("::text").getall()).strip())
        found.update(author.css("[href]::attr(href)").getall())
    return {value for value in found if value and value.lower() not in GENERIC_AUTHORS}


def _authors_in_json(data: object, found: set[str]) -> None:
    if isinstance(data, list):
        for item in data:
            _authors_in_json(item, found)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key != "author":
                _authors_in_json(value, found)
            elif isinstance(value, str):
                found.add(value)
            elif isinstance(value, dict):
                found.update(str(value[k]) for k in ("name", "url") if value.get(k))


def variants(needle: str) -> set[bytes]:
    """A text as files may hold it: as is, HTML-escaped, JSON-escaped (ASCII or not)."""
    forms = {needle, html.escape(needle), html.escape(needle, quote=False)}
    forms |= {json.dumps(needle)[1:-1], json.dumps(needle, ensure_ascii=False)[1:-1]}
    return {form.encode("utf-8") for form in forms}


def _table_text(relation: duckdb.DuckDBPyRelation) -> str:
    """Every value of a table or file as text, one per line (nested values as their repr)."""
    return "\n".join(v if isinstance(v, str) else repr(v) for row in relation.fetchall() for v in row)


Hit = tuple[str, str]  # (where, the needle found there)


@dataclass
class Haystack:
    """The places revint stores or publishes something, to look through for needles."""

    db: Path
    files: list[Path]  # run files, exports, site pages, digests (parquet files are read as tables)
    archive: list[Path]  # the raw page archives: pages as fetched
    skip_tables: frozenset[str] = frozenset()  # where a needle is there on purpose (the takedown list)

    def hits(self, needles: set[str], *, archive: bool) -> list[Hit]:
        found = self._table_hits(needles)
        for path in self.files:
            if path.suffix == ".parquet":
                with duckdb.connect() as con:
                    text = _table_text(con.from_parquet(str(path)))
                found += [(str(path), n) for n in sorted(needles) if n in text]
            else:
                found += _bytes_hits(str(path), path.read_bytes(), needles)
        for path in self.archive if archive else []:
            with gzip.open(path, "rb") as pages:
                found += _bytes_hits(str(path), pages.read(), needles)
        return found

    def _table_hits(self, needles: set[str]) -> list[Hit]:
        found = []
        with duckdb.connect(str(self.db), read_only=True) as con:
            tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()
            for schema, table in tables:
                if f"{schema}.{table}" not in self.skip_tables:
                    text = _table_text(con.table(f'"{schema}"."{table}"'))
                    found += [(f"table {schema}.{table}", n) for n in sorted(needles) if n in text]
        return found


def _bytes_hits(where: str, body: bytes, needles: set[str]) -> list[Hit]:
    return [(where, n) for n in sorted(needles) if any(form in body for form in variants(n))]


def haystack(settings: Settings, outputs: Sequence[Path], skip_tables: frozenset[str] = frozenset()) -> Haystack:
    """Every table, every file of every run folder but the page archive, and every file under `outputs`."""
    runs = settings.work_dir / "runs"
    run_files = [p for p in runs.rglob("*") if p.is_file() and ARCHIVE_DIR not in p.relative_to(runs).parts]
    published = [p for place in outputs for p in ([place] if place.is_file() else place.rglob("*")) if p.is_file()]
    archive = sorted(runs.glob(f"*/{ARCHIVE_DIR}/*.jsonl.gz"))
    return Haystack(settings.db_path, sorted(run_files + published), archive, skip_tables)


@dataclass(frozen=True)
class Crawled:
    summary: stages.CrawlSummary
    identities: frozenset[str]  # the authors' names, pseudonyms and profile links its pages show


def crawl_with_identities(settings: Settings, rng: random.Random, small: bool) -> list[Crawled]:
    """The sample site (small: one company of it, seeded) and, in full, every spider's fixture pages, crawled."""
    companies = load_companies(settings.sample_site_dir)
    if small:
        chosen = companies[rng.choice(sorted(companies))]
        one = replace(chosen, reviews=chosen.reviews[:14])
        with FixtureSite(company_pages(one)) as site:
            return [_crawl(settings, "sample", [f"{site.url}/entreprise/{one.slug}/avis"], _pseudonyms([one]))]
    with serve_sample_site(settings.sample_site_dir) as url:
        crawled = [_crawl(settings, "sample", [url + "/"], _pseudonyms(list(companies.values())))]
    for pages in SITE_FIXTURES.values():
        authors: set[str] = set()
        if pages.spider == "schema_org":  # the other fixtures name no author
            for name in pages.pages.values():
                authors |= schema_org_authors(decode_page((FIXTURES / pages.spider / name).read_bytes()).text)
        with FixtureSite({"/robots.txt": Reply("User-agent: *\nAllow: /\n"), **pages.routes()}) as site:
            crawled.append(_crawl(settings, pages.spider, [site.url + p for p in pages.starts], authors))
    return crawled


def _pseudonyms(companies: list[SampleCompany]) -> set[str]:
    """The sample site's reviewer pseudonyms and the folder of their profile links."""
    return {_pseudonym(r["id"]) for c in companies for r in c.reviews} | {"/membres/"}


def _crawl(settings: Settings, spider: str, starts: list[str], identities: set[str]) -> Crawled:
    run_dir = stages.new_run_dir(settings, spider)
    return Crawled(stages.crawl(settings, spider, starts, run_dir, delay=0.0), frozenset(identities))


@dataclass(frozen=True)
class Published:
    """Where the warehouse is exported, its site built and its digest written."""

    export: Path | None  # None in the small slice
    site: Path
    digest: Path

    def paths(self) -> list[Path]:
        return [p for p in (self.export, self.site, self.digest) if p is not None]


def publish(settings: Settings, scratch: Scratch, to: Published) -> list[str]:
    """`revint export`, `site` and `digest` as a user runs them; the failures, for notes."""
    commands = [["export", "parquet", str(to.export)]] if to.export else []
    commands += [
        ["site", str(to.site)],
        ["digest", "--since", "2000-01-01", "--format", "html", "--out", str(to.digest)],
    ]
    env, db = scratch.env(settings.data_dir), ["--db", str(settings.db_path)]
    return [_failed(done) for command in commands if (done := revint([*command, *db], env)).returncode != 0]


def forget_needles(records: list[ReviewRecord], chosen: ReviewRecord, units: list[str]) -> set[str]:
    """What shows the chosen review: its id, and its lines, sentences and tagged units that no other review holds."""
    others = "\n".join(
        text for r in records if r.review_id != chosen.review_id for text in (r.title, *r.sections().values()) if text
    )
    texts = [chosen.title or "", *chosen.sections().values(), *units]
    lines = [line.strip() for text in texts for line in text.splitlines()]
    pieces = {*lines, *(piece.strip() for line in lines for piece in re.split(r"(?<=[.!?])\s", line))}
    return {chosen.review_id} | {piece for piece in pieces if len(piece) >= 15 and piece not in others}


def check_identity_and_forget(scratch: Scratch, outcome: Outcome, rng: random.Random, small: bool) -> None:
    settings = settings_under(scratch.root / "data")
    crawled = crawl_with_identities(settings, rng, small)
    tagger = Tagger()
    for run in crawled:
        tagged = run.summary.output.with_name(TAGGED_FILE)
        stages.tag_reviews(run.summary.output, tagged, tagger)
        stages.load(settings, tagged, run.summary)
    follow_companies(
        settings.db_path, [str(row[0]) for row in _query(settings.db_path, "SELECT company_id FROM companies")]
    )
    out = scratch.root / "published"
    before = Published(None if small else out / "export", out / "site", out / "digest-before.html")
    failures = publish(settings, scratch, before)
    outcome.crashes += len(failures)
    outcome.notes += [f"identity: {failure}" for failure in failures]
    scan_identities(settings, before, crawled, outcome)
    forget_one(settings, scratch, before, crawled[0], outcome, rng)


def _query(db: Path, sql: str, parameters: Sequence[object] = ()) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(parameters)).fetchall()


def scan_identities(settings: Settings, published: Published, crawled: list[Crawled], outcome: Outcome) -> None:
    """Every author name, pseudonym and profile link of the crawled pages, looked for everywhere but in the page
    archive, which keeps pages as fetched: there they must be, which proves they are what the pages showed."""
    place = haystack(settings, published.paths())
    needles = set().union(*(run.identities for run in crawled))
    outcome.tried += len(needles)
    leaks = place.hits(needles, archive=False)
    outcome.identity_leaks += len(leaks)
    outcome.notes += [f"identity leak: {needle!r} in {where}" for where, needle in leaks[:20]]
    archived = {needle for where, needle in place.hits(needles, archive=True) if where.endswith(".jsonl.gz")}
    if needles - archived:
        outcome.notes.append(
            f"identity: not in any archived page, so not proven scanned for: {sorted(needles - archived)[:8]}"
        )
    outcome.notes.append(
        f"identity: {len(needles)} author names, pseudonyms and profile links looked for in every table, export, run "
        "file, site page and digest; not in the raw page archive, which keeps pages as fetched and so holds them (the "
        "issue's identity check names tables and exports; its forget check names the archive). The glassdoor, indeed "
        "and kununu fixtures name no author: their author blocks hold a job title, a status and a place, kept by design"
    )


def forget_one(
    settings: Settings, scratch: Scratch, published: Published, crawled: Crawled, outcome: Outcome, rng: random.Random
) -> None:
    """Forget one crawled review, publish again (the site rebuilt in place, a fresh export beside the one `forget`
    rewrites, a new digest: the one written before is a document already sent), and look for its text and id
    everywhere, the archive and the warehouse file included. Its id may stay on the takedown list, which holds it on
    purpose."""
    records = [r for path in settings.work_dir.glob(f"runs/*/{REVIEWS_FILE}") for r in read_reviews(path)]
    chosen = rng.choice(sorted(read_reviews(crawled.summary.output), key=lambda r: r.review_id))
    query = "SELECT unit_text FROM mentions WHERE review_id = ?"
    units = [str(row[0]) for row in _query(settings.db_path, query, [chosen.review_id])]
    needles = forget_needles(records, chosen, units)
    seen = {where for where, _ in haystack(settings, published.paths()).hits(needles, archive=True)}
    expected_in = ["table main.reviews", REVIEWS_FILE, TAGGED_FILE, ".jsonl.gz"] + (
        ["table main.mentions"] if units else []
    )
    for expected in expected_in:  # before: the needles must be found, or their absence after proves nothing
        if not any(where.endswith(expected) for where in seen):
            outcome.notes.append(f"forget: before forgetting, {chosen.review_id} was not found in {expected}")
    done = revint(["forget", chosen.review_id, "--db", str(settings.db_path)], scratch.env(settings.data_dir))
    outcome.tried += 1
    if done.returncode != 0 or TRACEBACK in done.stderr:
        outcome.crashes += 1
        outcome.notes.append(f"forget: {_failed(done)}")
    fresh_export = published.export.with_name("export-after") if published.export else None
    after = Published(fresh_export, published.site, published.digest.with_name("digest-after.html"))
    failures = publish(settings, scratch, after)
    outcome.crashes += len(failures)
    outcome.notes += [f"forget: {failure}" for failure in failures]
    rewritten = [published.export] if published.export else []  # the export `forget` rewrote
    place = haystack(settings, [*after.paths(), *rewritten], skip_tables=frozenset({TAKEDOWN_LIST}))
    traces = place.hits(needles, archive=True)
    warehouse_files = [p for p in settings.db_path.parent.iterdir() if p.name.startswith(settings.db_path.name)]
    for path in warehouse_files:  # raw bytes: text only, the id being on the takedown list on purpose
        traces += _bytes_hits(str(path), path.read_bytes(), needles - {chosen.review_id})
    outcome.traces_after_forget += len(traces)
    outcome.notes += [f"trace after forget: {chosen.review_id}: {needle!r} in {where}" for where, needle in traces[:20]]

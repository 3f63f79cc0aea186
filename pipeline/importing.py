"""Saved material → review records → the warehouse, without fetching: `revint parse`, `import` and `reparse`.

Saved pages, exports and a run's raw archive go through the parsers the spiders use (spiders.parsers.registry),
so a review reads the same however it arrived. A source's company overview pages, found among the same documents,
give company profiles instead of reviews; an import writes them to its run folder and loads them with its reviews.
Archives of saved pages (.tar.xz, .tar.gz, .zip) are read member by member, never extracted; folders are walked.
What cannot be read is reported with its path and the rest goes on; a document is weighed before it is read, and an
encoding that had to be guessed is noted.
"""

from __future__ import annotations

import csv
import io
import lzma
import tarfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import IO, Final

from parsel import Selector

from revint.archive import read_archive
from revint.companies import CompanyProfile
from revint.pipeline import stages
from revint.pipeline.charsets import Decoded, decode_export, decode_page
from revint.pipeline.warehouse.load import LoadSummary
from revint.record import ReviewRecord, dumps, problem_code, problems
from revint.runfiles import ARCHIVE_DIR, PROFILES_FILE, REVIEWS_FILE, TAGGED_FILE
from revint.settings import Settings
from revint.spiders.parsers import json_text
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.registry import parsers_for

KINDS: Final = {".html": "page", ".htm": "page", ".json": "json", ".csv": "csv"}
TAR_SUFFIXES: Final = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar.bz2", ".tar")
ARCHIVE_SUFFIXES: Final = (*TAR_SUFFIXES, ".zip")
MB: Final = 1_000_000
# The most a saved page or export may weigh. Saved review pages weigh 0.2 to 0.6 MB (the 209 real glassdoor.fr pages)
# and the largest real export 3.7 MB (9,999 reviews in a CSV), while parsing a page takes some 18 times its size in
# memory (a 50 MB page: 0.9 GB; a 200 MB one: 3.3 GB, then an lxml error). 20 MB is 30 times the largest page and
# room for some 50,000 exported reviews, and keeps one document's parse under 0.4 GB.
MAX_DOCUMENT_BYTES: Final = 20 * MB
_UNREADABLE: Final = (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, lzma.LZMAError)
# A CSV cell may hold a whole review: Python's default limit (131,072 characters) would end the file at the first
# long one, losing every row; under this one a too-long text is one row rejected by validation (MAX_TEXT_CHARS).
csv.field_size_limit(MAX_DOCUMENT_BYTES)


@dataclass(frozen=True)
class Document:
    """One thing to parse: a saved file, a member of an archive of them, or a page of a run's raw archive."""

    path: str  # where it is, for messages: "pages.tar.xz:avis/x.html"
    source: str  # the parsers to read it with (spiders.parsers.registry)
    kind: str  # "page", "json" or "csv" (by file name), or "fetched" (as the spider read it: page or JSON)
    body: bytes
    url: str  # a saved page's canonical link wins over this, which is the file's own URI unless told otherwise
    fetched_at: datetime
    encoding: str | None = None  # known for fetched pages; saved pages declare theirs, or have it guessed

    @cached_property
    def decoded(self) -> Decoded:
        """The text, with a note when its encoding had to be guessed; ValueError when no encoding fits."""
        if self.encoding:
            return Decoded(self.body.decode(self.encoding, errors="replace"))
        if self.kind in ("page", "fetched"):
            return decode_page(self.body)
        return decode_export(self.body)

    def text(self) -> str:
        return self.decoded.text


@dataclass
class ParseReport:
    """What a parse went through: problems are "path: message" lines, for stderr."""

    documents: int = 0
    reviews: int = 0  # records read, duplicates included
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)  # review blocks that could not be read
    failed: list[str] = field(default_factory=list)  # documents (or whole paths) that gave no review at all
    skipped: list[str] = field(default_factory=list)  # folder entries, archive members, archived pages not to parse
    notes: list[str] = field(default_factory=list)  # how documents were read when that was a guess (their encoding)
    profiles: list[CompanyProfile] = field(default_factory=list)  # from overview pages, which hold no reviews to read

    @property
    def unique(self) -> int:
        return self.reviews - self.duplicates


def documents(paths: Iterable[Path], source: str, report: ParseReport, url: str | None = None) -> Iterator[Document]:
    """The documents of saved files, archives and folders of them; an unreadable path (or the rest of one) is
    reported as failed."""
    for path in paths:
        read = 0
        try:
            for document in _documents(path, source, report, url):
                read += 1
                yield document
        except _UNREADABLE as error:
            after = f" after {read} documents" if read else ""
            report.failed.append(f"{path}: cannot be read{after} ({type(error).__name__}: {error})")


def _documents(path: Path, source: str, report: ParseReport, url: str | None) -> Iterator[Document]:
    name = path.name.lower()
    if path.is_dir():
        yield from _folder_documents(path, source, report, url)
    elif name.endswith(TAR_SUFFIXES):
        with tarfile.open(path) as tar:
            for member in tar:
                body = tar.extractfile(member) if member.isfile() else None
                modified = datetime.fromtimestamp(member.mtime, UTC)
                if body is not None and (found := _member(path, member.name, modified, source, report, url)):
                    yield from _with_body(found, member.size, body, report)
    elif name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                modified = datetime(*info.date_time, tzinfo=UTC)
                if not info.is_dir() and (found := _member(path, info.filename, modified, source, report, url)):
                    with archive.open(info) as body:
                        yield from _with_body(found, info.file_size, body, report)
    elif kind := KINDS.get(path.suffix.lower()):
        stat = path.stat()
        found = Document(
            str(path), source, kind, b"", url or path.resolve().as_uri(), datetime.fromtimestamp(stat.st_mtime, UTC)
        )
        with path.open("rb") as body:
            yield from _with_body(found, stat.st_size, body, report)
    else:
        report.failed.append(f"{path}: not a saved page (.html, .htm), an export (.json, .csv) or an archive of them")


def _folder_documents(folder: Path, source: str, report: ParseReport, url: str | None) -> Iterator[Document]:
    """A folder's documents, depth first in name order. Hidden files and folders (.git, .DS_Store) are ignored and
    other files skipped; links to folders are not followed, since one may lead back up."""
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.is_symlink():
            report.skipped.append(f"{entry}: a link to a folder, not followed")
        elif entry.is_dir() or entry.name.lower().endswith(ARCHIVE_SUFFIXES) or entry.suffix.lower() in KINDS:
            yield from documents([entry], source, report, url)
        else:
            report.skipped.append(str(entry))


def _member(
    archive: Path, name: str, modified: datetime, source: str, report: ParseReport, url: str | None
) -> Document | None:
    """A member of an archive (its body still to read), dated by its modification time, the best trace of when
    it was saved; None for a member that is no page or export, which is reported as skipped."""
    kind = KINDS.get(Path(name).suffix.lower())
    if kind is None:
        report.skipped.append(f"{archive}:{name}")
        return None
    where = url or f"{archive.resolve().as_uri()}#{name}"
    return Document(f"{archive}:{name}", source, kind, b"", where, modified)


def _with_body(document: Document, size: int, body: IO[bytes], report: ParseReport) -> Iterator[Document]:
    """The document with its body read, unless it weighs more than MAX_DOCUMENT_BYTES (then reported as failed):
    judged first by the size the file system or the archive header gives, then by the read itself, which stops
    past the limit whatever that size said (a header can lie; a pipe or a device saved as x.html says 0 bytes)."""
    over = f"over the {MAX_DOCUMENT_BYTES // MB} MB a saved page or export may weigh"
    if size > MAX_DOCUMENT_BYTES:
        report.failed.append(f"{document.path}: {size / MB:.1f} MB, {over}; not parsed")
        return
    data = body.read(size + 1)  # a byte more than it says, to tell whether it said true (read(n) sets n bytes aside)
    if len(data) > size:
        data += body.read(MAX_DOCUMENT_BYTES + 1 - len(data))
    if len(data) > MAX_DOCUMENT_BYTES:
        report.failed.append(f"{document.path}: {over} ({size / MB:.1f} MB declared); not parsed")
        return
    yield replace(document, body=data)


def archived_documents(run_dir: Path, report: ParseReport) -> Iterator[Document]:
    """The pages of a run's raw archive, each for the parsers of the spider that fetched it; pages a spider would
    not have parsed (not 2xx) are skipped."""
    for number, page in enumerate(read_archive(run_dir / ARCHIVE_DIR), start=1):
        where = f"{run_dir / ARCHIVE_DIR} page {number} ({page.url})"
        if not 200 <= page.status < 300:
            report.skipped.append(f"{where}: status {page.status}")
            continue
        yield Document(where, page.spider, "fetched", page.body, page.url, page.fetched_at, page.encoding)


def read_overview(document: Document) -> CompanyProfile | None:
    """The company profile of a page that is one of its source's overview pages; None for any other document."""
    parse_overview = parsers_for(document.source).parse_overview
    if parse_overview is None or document.kind not in ("page", "fetched"):
        return None
    text = document.text()
    url = document.url if document.kind == "fetched" else canonical_url(text) or document.url  # fetched: maybe JSON
    return parse_overview(text, url, document.fetched_at)


def read_document(document: Document, company: str | None = None) -> ParsedPage:
    """One document parsed as its kind says; ValueError when it cannot be read at all.

    `company` names the employer of an export that does not (Indeed and Kununu exports never do).
    A CSV goes to its parser as a `csv.DictReader`, not a list, so that its rows can be read one at a time.
    """
    parsers = parsers_for(document.source)
    text = document.text()
    if document.kind == "fetched":
        return parsers.parse_fetched(text, document.url, document.fetched_at)
    if document.kind == "page":
        return parsers.parse_page(text, canonical_url(text) or document.url, document.fetched_at)
    parse_export = parsers.export_parser(document.kind)
    if parse_export is None:
        formats = ", ".join(f".{name}" for name in sorted(parsers.export_formats)) or "none: give its saved pages"
        raise ValueError(f"not an export {parsers.name} has (its exports: {formats})")
    data = json_text.loads(text) if document.kind == "json" else csv.DictReader(io.StringIO(text, newline=""))
    return parse_export(data, document.url, document.fetched_at, company)


def canonical_url(html: str) -> str | None:
    """A saved page's own address, from its `<link rel="canonical">`: the URL its parser expects."""
    head = html.split("</head>", 1)[0] if "</head>" in html else html[:100_000]
    href = Selector(text=head).css('link[rel~="canonical"]::attr(href)').get()
    return href.strip() if href and href.strip().startswith(("http://", "https://")) else None


def parse_documents(
    documents: Iterable[Document], report: ParseReport, company: str | None = None
) -> Iterator[ReviewRecord]:
    """Each review once (the first copy read: a review shows on several pages, or in two saved folders).

    An overview page gives its company profile to `report.profiles` and no review: the few it shows are cut-short
    copies of reviews its review pages hold in full.
    """
    seen: set[str] = set()
    for document in documents:
        report.documents += 1
        try:
            if note := document.decoded.note:  # noted even if the parse fails: a wrong guess may be why
                report.notes.append(f"{document.path}: {note}")
            if profile := read_overview(document):
                report.profiles.append(profile)
                continue
            parsed = read_document(document, company)
        except (ValueError, csv.Error) as error:
            report.failed.append(f"{document.path}: {error}")
            continue
        except RecursionError:  # JSON or markup nested thousands deep: no parser goes down that far
            report.failed.append(f"{document.path}: nested too deeply to parse")
            continue
        report.errors.extend(f"{document.path}: {error}" for error in parsed.errors)
        if not parsed.records:
            report.failed.append(f"{document.path}: no review found")
        for record in parsed.records:
            report.reviews += 1
            if record.review_id in seen:
                report.duplicates += 1
                continue
            seen.add(record.review_id)
            yield record


@dataclass(frozen=True)
class Dropped:
    review_id: str
    url: str
    problems: list[str]


def write_profiles(profiles: list[CompanyProfile], path: Path) -> int:
    """Write company profiles as a run's company_profiles.jsonl (none: no file)."""
    if profiles:
        path.write_text("".join(profile.to_json_line() + "\n" for profile in profiles), encoding="utf-8")
    return len(profiles)


def write_valid(records: Iterable[ReviewRecord], path: Path) -> tuple[int, list[Dropped]]:
    """Write the valid records as a run's reviews.jsonl, as a crawl would; the invalid ones come back with why."""
    written = 0
    dropped: list[Dropped] = []
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            found = problems(record)
            if found:
                dropped.append(Dropped(record.review_id, record.url, found))
                continue
            out.write(dumps(record) + "\n")
            written += 1
    return written, dropped


@dataclass(frozen=True)
class ImportSummary:
    run_dir: Path  # gone when neither a review nor a company profile was written (`kept`): no run was kept
    db_path: Path
    report: ParseReport
    written: int
    dropped: list[Dropped]
    tag: stages.TagSummary | None  # None when there was nothing valid to tag and load
    load: LoadSummary | None

    @property
    def kept(self) -> bool:
        """Whether the import wrote anything, and so kept its run folder and loaded it."""
        return bool(self.written or self.report.profiles)

    def drop_reasons(self) -> Counter[str]:
        return Counter(problem_code(problem) for review in self.dropped for problem in review.problems)

    def lines(self) -> list[str]:
        """The one-screen summary the CLI prints."""
        report = self.report
        reasons = ", ".join(f"{count} {reason}" for reason, count in self.drop_reasons().most_common())
        lines = [
            f"parse   {report.documents} documents, {report.reviews} reviews read, {report.unique} unique "
            f"({report.duplicates} duplicates), {len(report.profiles)} company profiles; "
            f"{len(report.errors)} unreadable reviews, {len(report.failed)} documents without reviews, "
            f"{len(report.skipped)} skipped",
            f"drop    {len(self.dropped)} invalid reviews" + (f" ({reasons})" if reasons else ""),
        ]
        if self.tag is not None and self.load is not None:
            lines += [
                self.tag.line(),
                f"load    {self.load.reviews_in_batch} reviews ({self.load.reviews_new} new, "
                f"{self.load.reviews_updated} updated); warehouse holds {self.load.reviews_total} reviews, "
                f"{self.load.mentions_total} mentions, {self.load.companies_total} companies",
            ]
            if report.profiles:
                lines.append(
                    f"profile {self.load.profiles_in_batch} company profiles, one per company and source "
                    f"({self.load.profiles_new} new); warehouse holds {self.load.profiles_total}; "
                    f"{self.load.companies_with_sector} of {self.load.companies_total} companies have a sector"
                )
        else:
            lines.append("load    nothing valid to load")
        lines.append(f"run     {self.run_dir if self.kept else 'none: nothing was written'}   warehouse {self.db_path}")
        return [*lines, *(f"note    {note}" for note in report.notes)]  # last: the lines above keep their places


def load_parsed(
    settings: Settings, label: str, source: str, records: Iterable[ReviewRecord], report: ParseReport
) -> ImportSummary:
    """The parsed records through the normal pipeline: a new run folder's reviews.jsonl, then tag and load, with the
    company profiles the parse found (`report.profiles`) in its company_profiles.jsonl, loaded with them.
    The run is recorded in `crawl_runs` like a crawl, its stats saying what kind of run it was. A run folder nothing
    was written to, for want of valid reviews or profiles or because the parse failed, is removed: it is no run."""
    run_dir = stages.new_run_dir(settings, label)
    reviews = run_dir / REVIEWS_FILE
    started_at, started = datetime.now(UTC), time.monotonic()
    try:
        written, dropped = write_valid(records, reviews)  # records parse lazily: this is the parse
    finally:
        profiles = write_profiles(report.profiles, run_dir / PROFILES_FILE)  # those read, even if the parse failed
        if not profiles and (not reviews.exists() or not reviews.stat().st_size):
            reviews.unlink(missing_ok=True)
            run_dir.rmdir()
    parse_seconds = time.monotonic() - started
    tag = loaded = None
    if written or profiles:  # profiles alone leave reviews.jsonl empty: `revint load` reads the run all the same
        tag = stages.tag_reviews(reviews, run_dir / TAGGED_FILE)
        run = stages.CrawlSummary(
            run_id=run_dir.name,
            source=source,
            output=reviews,
            pages=report.documents,
            reviews_written=written,
            reviews_dropped=len(dropped),
            malformed=len(report.errors) + len(report.failed),
            canary_alerts=0,
            seconds=parse_seconds,
            stats={
                "revint/run": label,
                "revint/duplicates": report.duplicates,
                "revint/skipped": len(report.skipped),
                "revint/company_profiles": profiles,
            },
        )
        loaded = stages.load(settings, run_dir / TAGGED_FILE, run, started_at, tag.seconds)
    return ImportSummary(run_dir, settings.db_path, report, written, dropped, tag, loaded)


def import_paths(
    settings: Settings, source: str, paths: list[Path], *, url: str | None = None, company: str | None = None
) -> ImportSummary:
    """Saved pages and exports of one source, loaded as a run of their own (`revint import`)."""
    report = ParseReport()
    records = parse_documents(documents(paths, source, report, url), report, company)
    return load_parsed(settings, f"import-{source}", source, records, report)


def reparse_run(settings: Settings, run_dir: Path) -> ImportSummary:
    """A run's reviews rebuilt from its raw archive with today's parsers, loaded as a new run (`revint reparse`)."""
    if not (run_dir / ARCHIVE_DIR).is_dir():
        raise FileNotFoundError(f"{run_dir / ARCHIVE_DIR}: this run kept no raw archive")
    report = ParseReport()
    records = parse_documents(archived_documents(run_dir, report), report)
    return load_parsed(settings, "reparse", _run_source(run_dir), records, report)


def _run_source(run_dir: Path) -> str:
    """The spider(s) whose archived pages a reparse reads: what `crawl_runs.source` says for a crawl."""
    return ",".join(sorted({page.spider for page in read_archive(run_dir / ARCHIVE_DIR)}))

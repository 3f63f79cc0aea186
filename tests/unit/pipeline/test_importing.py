"""pipeline.importing called directly: saved files and archives of them read without extracting, each document's
problems reported with its path, invalid records dropped with their reasons, and an import loaded twice."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from revint.pipeline.importing import (
    Document,
    ParseReport,
    canonical_url,
    documents,
    import_paths,
    parse_documents,
    read_document,
    reparse_run,
    write_valid,
)
from revint.pipeline.stages import read_reviews
from revint.record import ReviewRecord
from revint.settings import Settings
from tests.support.pages import FETCHED_AT, FIXTURES

SAVED_AT = datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC)  # even: zip files keep 2-second times
INDEED_EXPORT = [
    {
        "review_title": "Bonne ambiance",
        "review_rating": "4,0",
        "review_author": {
            "job": "Vendeuse",
            "status": "(employée actuelle)",
            "location": "Albi, B3",
            "date": "2 mai 2015",
        },
        "review_text": ["Équipe soudée."],
    }
]


def _document(source: str, kind: str, body: bytes, url: str = "file:///saved/x") -> Document:
    return Document("saved/x", source, kind, body, url, FETCHED_AT)


def _parsed(*items: Document, company: str | None = None) -> tuple[list[ReviewRecord], ParseReport]:
    report = ParseReport()
    return list(parse_documents(items, report, company)), report


def _archive_members() -> dict[str, bytes]:
    return {
        "avis/page1.html": (FIXTURES / "glassdoor" / "page1.html").read_bytes(),
        "avis/page2.htm": (FIXTURES / "glassdoor" / "page2.html").read_bytes(),
        "api/reviews.JSON": (FIXTURES / "glassdoor" / "graphql_reviews.json").read_bytes(),
        "README.md": b"saved by hand",
    }


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:xz") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(body), int(SAVED_AT.timestamp())
            tar.addfile(info, io.BytesIO(body))
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(zipfile.ZipInfo(name, SAVED_AT.timetuple()[:6]), body)
    return path


@pytest.mark.parametrize("pack", [_tar, _zip])
def test_archives_are_read_member_by_member(tmp_path: Path, pack: Callable[[Path, dict[str, bytes]], Path]) -> None:
    archive = pack(tmp_path / ("pages.tar.xz" if pack is _tar else "pages.zip"), _archive_members())
    report = ParseReport()
    found = list(documents([archive], "glassdoor", report))
    assert [(d.path, d.kind) for d in found] == [
        (f"{archive}:avis/page1.html", "page"),
        (f"{archive}:avis/page2.htm", "page"),
        (f"{archive}:api/reviews.JSON", "json"),
    ]
    assert report.skipped == [f"{archive}:README.md"]
    assert {d.fetched_at for d in found} == {SAVED_AT}  # the member's time: when it was saved
    assert found[0].url == f"{archive.resolve().as_uri()}#avis/page1.html"
    records = list(parse_documents(found, report))
    assert sorted(r.source_review_id for r in records) == ["9001", "9002", "9003", "9101"]
    assert (report.documents, report.reviews, report.duplicates, report.failed) == (3, 5, 1, [])
    # a saved page's canonical link is its URL, whatever file it was saved in
    assert records[0].url == "https://www.glassdoor.fr/Avis/Fromagerie-Aubrac/avis-employes-RVW9001.htm"


def test_unreadable_paths_are_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    broken = tmp_path / "cut.tar.xz"
    broken.write_bytes(_tar(tmp_path / "whole.tar.xz", _archive_members()).read_bytes()[:300])
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    page = FIXTURES / "glassdoor" / "page2.html"
    report = ParseReport()
    paths = [tmp_path / "gone.html", broken, tmp_path / "notes.txt", page]
    records = list(parse_documents(documents(paths, "glassdoor", report), report))
    assert [r.source_review_id for r in records] == ["9003"]
    assert [line.split(": ")[0] for line in report.failed] == [str(path) for path in paths[:3]]
    assert "cannot be read (FileNotFoundError" in report.failed[0]
    assert "cannot be read" in report.failed[1]
    assert "not a saved page (.html, .htm), an export (.json, .csv)" in report.failed[2]


def test_each_document_problem_names_its_path() -> None:
    malformed = (FIXTURES / "indeed" / "malformed.html").read_bytes()
    records, report = _parsed(
        _document("indeed", "page", malformed),
        _document("indeed", "json", b'{"reviews": '),
        _document("indeed", "page", (FIXTURES / "indeed" / "empty.html").read_bytes()),
        _document("indeed", "csv", b"review_title\nx\n"),
        _document("schema_org", "json", b"[]"),
    )
    assert len(records) == 1
    assert len(report.errors) == 4 and all(line.startswith("saved/x: review ") for line in report.errors)
    assert [line.removeprefix("saved/x: ")[:40] for line in report.failed] == [
        "Expecting value: line 1 column 13 (char ",
        "no review found",
        "not an export indeed has (its exports: .",
        "not an export schema_org has (its export",
    ]


def test_exports_take_the_employer_and_url_they_are_given() -> None:
    export = json.dumps(INDEED_EXPORT).encode()
    records, report = _parsed(_document("indeed", "json", export), company="Fournil Castagné")
    assert report.failed == [] and records[0].company_id == "fournil-castagne" and records[0].url == "file:///saved/x"
    nameless, report = _parsed(_document("indeed", "json", export))
    assert nameless == [] and "no employer name" in report.errors[0]
    from_url, _ = _parsed(_document("indeed", "json", export, "https://fr.indeed.com/cmp/Lidl/reviews"))
    assert from_url[0].company_name == "Lidl"


def test_kununu_csv_rows_and_json_give_the_same_reviews() -> None:
    rows = [{"title": "Gute Bäckerei", "date": "Mai 2025", "Kommunikation": "Klar.", "Work-Life-Balance": "Gut."}]
    as_csv = "\ufefftitle,date,Kommunikation,Work-Life-Balance\nGute Bäckerei,Mai 2025,Klar.,Gut.\n"
    url = "https://www.kununu.com/de/brotwerk-sommer/kommentare"
    from_json = read_document(_document("kununu", "json", json.dumps(rows).encode(), url))
    from_csv = read_document(_document("kununu", "csv", as_csv.encode("utf-8"), url))
    assert from_json.records == from_csv.records and len(from_csv.records) == 1
    assert from_csv.records[0].factor_texts == {"Kommunikation": "Klar.", "Work-Life-Balance": "Gut."}


def test_texts_are_decoded_as_saved() -> None:
    cp1252 = _document("glassdoor", "json", b'[{"pros": "I haven\x92t"}]')
    assert cp1252.text() == '[{"pros": "I haven’t"}]'  # a Windows quote, as in the 2026 GraphQL capture
    latin1 = _document("schema_org", "page", (FIXTURES / "schema_org" / "latin1.html").read_bytes())
    assert "Crèmerie Ségurane" in latin1.text()  # by the page's <meta charset>
    assert replace(latin1, encoding="latin-1").text() == latin1.text()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<link rel="canonical" href=" https://a.example/p?x=1&amp;y=2 "/>', "https://a.example/p?x=1&y=2"),
        ('<link href="https://a.example/p" rel="alternate canonical">', "https://a.example/p"),
        ('<link rel="canonical" href="/relative">', None),
        ("", None),
    ],
)
def test_canonical_url(head: str, expected: str | None) -> None:
    assert canonical_url(f"<html><head>{head}</head><body><link rel='canonical' href='https://b.example'>") == expected


def test_invalid_records_are_dropped_with_their_reasons(tmp_path: Path) -> None:
    good = ReviewRecord("x", "1", "Acme", "acme", "https://a.example/1", FETCHED_AT, pros="Bien")
    silent = replace(good, source_review_id="2", pros=None)
    wild = replace(good, source_review_id="3", rating=9.0)
    written, dropped = write_valid([good, silent, wild], tmp_path / "reviews.jsonl")
    assert written == 1 and [r.source_review_id for r in read_reviews(tmp_path / "reviews.jsonl")] == ["1"]
    assert [(d.review_id, d.problems) for d in dropped] == [
        ("x:2", ["no review text at all"]),
        ("x:3", ["rating 9.0 outside 1..5"]),
    ]


def test_an_import_is_loaded_as_a_run_and_again_changes_nothing(settings: Settings) -> None:
    pages = [FIXTURES / "glassdoor" / name for name in ("page1.html", "page2.html")]
    first = import_paths(settings, "glassdoor", pages)
    assert (first.written, first.dropped, first.report.failed) == (3, [], [])
    assert first.load is not None and (first.load.reviews_new, first.load.reviews_total) == (3, 3)
    assert first.run_dir.name.endswith("-import-glassdoor") and (first.run_dir / "tagged.jsonl").exists()
    lines = first.lines()
    assert lines[0].startswith("parse   2 documents, 3 reviews read, 3 unique (0 duplicates)")
    assert lines[1] == "drop    0 invalid reviews"
    assert "3 reviews (3 new, 0 updated); warehouse holds 3 reviews" in lines[3]
    again = import_paths(settings, "glassdoor", pages)
    assert again.load is not None and (again.load.reviews_new, again.load.reviews_updated) == (0, 0)
    assert again.run_dir != first.run_dir
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        runs = con.execute(
            "SELECT run_id, source, pages, reviews_written, reviews_new, stats->>'revint/run' "
            "FROM crawl_runs ORDER BY started_at"
        ).fetchall()
    assert runs == [
        (first.run_dir.name, "glassdoor", 2, 3, 3, "import-glassdoor"),
        (again.run_dir.name, "glassdoor", 2, 3, 0, "import-glassdoor"),
    ]


def test_nothing_valid_loads_nothing(settings: Settings) -> None:
    summary = import_paths(settings, "glassdoor", [FIXTURES / "indeed" / "page1.html"])
    assert (summary.written, summary.tag, summary.load) == (0, None, None)
    assert summary.lines()[2] == "load    nothing valid to load"
    assert not settings.db_path.exists()


def test_reparse_needs_an_archive(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="kept no raw archive"):
        reparse_run(settings, tmp_path)

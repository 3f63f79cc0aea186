"""pipeline.importing called directly: saved files, archives of them read without extracting and folders of them,
each document's problems reported with its path, documents too heavy left unread, encodings nothing declares
guessed and noted, invalid records dropped with their reasons, an import loaded twice and a failed one leaving no
run folder."""

from __future__ import annotations

import io
import json
import os
import tarfile
import threading
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from revint.pipeline.charsets import Decoded
from revint.pipeline.importing import (
    MAX_DOCUMENT_BYTES,
    Document,
    ParseReport,
    canonical_url,
    documents,
    import_paths,
    load_parsed,
    parse_documents,
    read_document,
    reparse_run,
    write_valid,
)
from revint.pipeline.stages import read_reviews
from revint.record import ReviewRecord
from revint.settings import Settings
from tests.support.pages import FETCHED_AT, FIXTURES
from tests.support.runs import temporary_settings

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
    assert cp1252.decoded.note == "not valid UTF-8; read as cp1252 (guessed)"
    excel = _document("kununu", "csv", "title\nGute Bäckerei\n".encode("utf-16"))  # by its byte order mark
    assert excel.decoded == Decoded("title\nGute Bäckerei\n")
    latin1 = _document("schema_org", "page", (FIXTURES / "schema_org" / "latin1.html").read_bytes())
    assert "Crèmerie Ségurane" in latin1.text() and latin1.decoded.note is None  # by the page's <meta charset>
    assert replace(latin1, encoding="latin-1").text() == latin1.text()
    _, report = _parsed(_document("glassdoor", "page", bytes(range(256)) * 40))  # no text at all
    assert report.failed == ["saved/x: no charset declared, and no encoding revint reads fits its bytes"]


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


def test_nothing_valid_loads_nothing_and_keeps_no_run_folder(settings: Settings, tmp_path: Path) -> None:
    page = tmp_path / "saved" / "indeed.html"  # not a Glassdoor page, and in latin-1 without saying so
    page.parent.mkdir()
    page.write_bytes(_undeclared((FIXTURES / "indeed" / "page1.html").read_text(encoding="utf-8")).encode("latin-1"))
    summary = import_paths(settings, "glassdoor", [page])
    assert (summary.written, summary.tag, summary.load, summary.run_dir.exists()) == (0, None, None, False)
    assert summary.lines()[2:] == [
        "load    nothing valid to load",
        f"run     none: nothing was written   warehouse {settings.db_path}",
        f"note    {page}: no charset declared; read as cp1252 (guessed)",
    ]
    assert not settings.db_path.exists() and list((settings.work_dir / "runs").iterdir()) == []


def test_a_failed_parse_keeps_its_run_folder_only_when_it_wrote_reviews(settings: Settings) -> None:
    def crashing(records: list[ReviewRecord]) -> Iterator[ReviewRecord]:
        yield from records
        raise RuntimeError("a parser bug")

    runs = settings.work_dir / "runs"
    with pytest.raises(RuntimeError, match="a parser bug"):
        load_parsed(settings, "import-x", "x", crashing([]), ParseReport())
    assert list(runs.iterdir()) == []
    good = ReviewRecord("x", "1", "Acme", "acme", "https://a.example/1", FETCHED_AT, pros="Bien")
    with pytest.raises(RuntimeError, match="a parser bug"):
        load_parsed(settings, "import-x", "x", crashing([good]), ParseReport())
    (kept,) = runs.iterdir()  # a run now: `revint load` can carry on with what was written
    assert [record.review_id for record in read_reviews(kept / "reviews.jsonl")] == ["x:1"]


def test_reparse_needs_an_archive(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="kept no raw archive"):
        reparse_run(settings, tmp_path)


# --- what a path may hold: folders, documents too heavy to parse, encodings nothing declares ------------------------


def test_a_folder_is_walked_in_order_without_its_hidden_files(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    for name, body in {
        "2024/avis/page1.html": (FIXTURES / "glassdoor" / "page1.html").read_bytes(),
        "2024/.page1.html": b"a copy an editor left",
        ".git/pages.html": b"",
        "api.json": (FIXTURES / "glassdoor" / "graphql_reviews.json").read_bytes(),
        "notes.txt": b"saved by hand",
    }.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    archive = _zip(folder / "older.zip", {"page2.html": (FIXTURES / "glassdoor" / "page2.html").read_bytes()})
    (folder / "linked").symlink_to(folder / "2024")  # not followed: a link may lead back up, round and round
    report = ParseReport()
    found = list(documents([folder], "glassdoor", report))
    assert [d.path for d in found] == [
        str(folder / "2024/avis/page1.html"),
        str(folder / "api.json"),
        f"{archive}:page2.html",
    ]
    assert report.skipped == [f"{folder / 'linked'}: a link to a folder, not followed", str(folder / "notes.txt")]
    records = list(parse_documents(found, report))
    assert sorted(r.source_review_id for r in records) == ["9001", "9002", "9003", "9101"]
    assert report.failed == []


def test_documents_over_the_size_limit_are_reported_unread_and_the_rest_goes_on(tmp_path: Path) -> None:
    huge = tmp_path / "huge.html"
    with huge.open("wb") as out:
        out.truncate(200_000_000)  # sparse: weighs 200 MB on paper, nothing on disk
    members = {
        "avis/heavy.html": bytes(25_000_000),
        "avis/page2.html": (FIXTURES / "glassdoor" / "page2.html").read_bytes(),
    }
    tar, zipped = _tar(tmp_path / "pages.tar.xz", members), _zip(tmp_path / "pages.zip", members)
    page = FIXTURES / "glassdoor" / "page1.html"
    report = ParseReport()
    tracemalloc.start()
    try:
        found = list(documents([huge, tar, zipped, page], "glassdoor", report))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MAX_DOCUMENT_BYTES  # judged by the size the file system or the archive header gives: never read
    assert [d.path for d in found] == [f"{tar}:avis/page2.html", f"{zipped}:avis/page2.html", str(page)]
    over = "over the 20 MB a saved page or export may weigh; not parsed"
    assert report.failed == [
        f"{huge}: 200.0 MB, {over}",
        f"{tar}:avis/heavy.html: 25.0 MB, {over}",
        f"{zipped}:avis/heavy.html: 25.0 MB, {over}",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_read_stops_past_the_limit_whatever_size_was_declared(tmp_path: Path) -> None:
    pipe = tmp_path / "endless.html"
    os.mkfifo(pipe)  # its size says 0 bytes, as a lying archive header could
    writer = threading.Thread(target=pipe.write_bytes, args=(bytes(MAX_DOCUMENT_BYTES + 1),), daemon=True)
    writer.start()
    report = ParseReport()
    assert list(documents([pipe], "glassdoor", report)) == []
    writer.join(timeout=30)
    assert report.failed == [f"{pipe}: over the 20 MB a saved page or export may weigh (0.0 MB declared); not parsed"]


def _undeclared(html: str) -> str:
    return html.replace('<meta charset="utf-8">', "")


@pytest.mark.parametrize(
    ("save", "note"),
    [
        (lambda html: _undeclared(html).encode("latin-1"), "no charset declared; read as cp1252 (guessed)"),
        (lambda html: _undeclared(html).encode("utf-16-le"), "no charset declared; read as utf-16-le (guessed)"),
        (lambda html: html.encode("latin-1"), "declared utf-8 does not decode; read as cp1252 (guessed)"),
        (
            lambda html: _undeclared(html).encode("utf-8").replace(b"<body>", b"<body>\xff"),
            "no charset declared; read as utf-8 (guessed), 1 undecodable sequence replaced",
        ),
        (lambda html: _undeclared(html).encode("utf-8"), None),  # valid UTF-8 is no guess: no other encoding gives it
    ],
    ids=["latin-1", "utf-16-le without BOM", "latin-1 declared utf-8", "utf-8 with a stray byte", "utf-8"],
)
def test_a_page_without_a_true_charset_is_read_in_its_encoding_and_says_so(
    tmp_path: Path, save: Callable[[str], bytes], note: str | None
) -> None:
    original = FIXTURES / "glassdoor" / "page1.html"
    saved = tmp_path / "page1.html"
    saved.write_bytes(save(original.read_text(encoding="utf-8")))
    report, expected_report = ParseReport(), ParseReport()
    records = list(parse_documents(documents([saved], "glassdoor", report), report))
    expected = list(parse_documents(documents([original], "glassdoor", expected_report), expected_report))
    assert [replace(r, fetched_at=FETCHED_AT) for r in records] == [replace(r, fetched_at=FETCHED_AT) for r in expected]
    assert "On apprend le métier auprès de maîtres affineurs." in {r.pros for r in records}
    assert report.notes == ([f"{saved}: {note}"] if note else [])
    assert (report.failed, expected_report.notes) == ([], [])


# --- company overview pages: profiles instead of reviews -------------------------------------------------------------

OVERVIEWS = [FIXTURES / "glassdoor" / name for name in ("overview_claimed.html", "overview_unclaimed.html")]
REVIEW_PAGES = [FIXTURES / "glassdoor" / name for name in ("page1.html", "page2.html")]


def _companies(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT company_id, sector, size, headquarters FROM companies ORDER BY 1").fetchall()


def test_overview_pages_among_the_documents_give_profiles_and_none_of_their_cut_short_reviews(tmp_path: Path) -> None:
    members = {f"saved/{path.name}": path.read_bytes() for path in [*OVERVIEWS, *REVIEW_PAGES]}
    archive = _tar(tmp_path / "pages.tar.xz", members)
    report = ParseReport()
    records = list(parse_documents(documents([archive], "glassdoor", report), report))
    assert sorted(r.source_review_id for r in records) == ["9001", "9002", "9003"]
    assert {r.pros for r in records if r.source_review_id == "9001"} == {
        "On apprend le métier auprès de maîtres affineurs."  # the review page's, not the overview's teaser
    }
    assert [p.company_id for p in report.profiles] == ["fromagerie-aubrac", "tuilerie-marcadal"]
    assert report.profiles[0].url.startswith("https://www.glassdoor.fr/Présentation/")  # its canonical link
    assert report.profiles[0].fetched_at == SAVED_AT
    assert (report.documents, report.failed, report.errors) == (4, [], [])


def test_overview_pages_are_only_a_glassdoor_thing() -> None:
    records, report = _parsed(_document("indeed", "page", OVERVIEWS[0].read_bytes()))
    assert (records, report.profiles, report.failed) == ([], [], ["saved/x: no review found"])


def test_an_import_loads_reviews_and_profiles_as_one_run_and_again_counts_once(settings: Settings) -> None:
    first = import_paths(settings, "glassdoor", [*REVIEW_PAGES, OVERVIEWS[0]])
    assert (first.written, first.report.failed, len(first.report.profiles)) == (3, [], 1)
    assert (first.run_dir / "company_profiles.jsonl").read_text(encoding="utf-8").count("\n") == 1
    lines = first.lines()
    assert lines[0].startswith("parse   3 documents, 3 reviews read, 3 unique (0 duplicates), 1 company profiles; ")
    assert lines[4] == (
        "profile 1 company profiles, one per company and source (1 new); warehouse holds 1; 1 of 1 companies have a "
        "sector"
    )
    assert _companies(settings.db_path) == [
        ("fromagerie-aubrac", "Fabrication de produits alimentaires", "De 51 à 200 employés", "Laguiole, Occitanie")
    ]
    again = import_paths(settings, "glassdoor", [*REVIEW_PAGES, OVERVIEWS[0]])
    assert again.load is not None and (again.load.profiles_new, again.load.profiles_total) == (0, 1)
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        stats = con.execute("SELECT stats->>'revint/company_profiles' FROM crawl_runs ORDER BY started_at").fetchall()
    assert stats == [("1",), ("1",)]


def test_profiles_and_reviews_imported_in_either_order_give_the_same_companies(
    settings: Settings, tmp_path: Path
) -> None:
    overviews_only = import_paths(settings, "glassdoor", OVERVIEWS)
    assert (overviews_only.written, overviews_only.kept, overviews_only.report.failed) == (0, True, [])
    assert (overviews_only.run_dir / "reviews.jsonl").read_text(encoding="utf-8") == ""  # `revint load` reads it
    assert overviews_only.lines()[-1] == f"run     {overviews_only.run_dir}   warehouse {settings.db_path}"
    assert _companies(settings.db_path) == []  # no review yet, but the profiles are kept
    import_paths(settings, "glassdoor", REVIEW_PAGES)
    other = temporary_settings(tmp_path / "reviews-first")
    import_paths(other, "glassdoor", REVIEW_PAGES)
    import_paths(other, "glassdoor", OVERVIEWS)
    assert (
        _companies(settings.db_path)
        == _companies(other.db_path)
        == [
            ("fromagerie-aubrac", "Fabrication de produits alimentaires", "De 51 à 200 employés", "Laguiole, Occitanie")
        ]
    )

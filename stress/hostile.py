"""Hostile input (issue 14): malformed and hostile variants of the fixture pages, the sample site's pages and the
real saved pages and exports of ../shared/corpus, fed to every parser the way `revint parse` and `revint import`
read a file.

Each variant comes from one document by one seeded mutation (`random.Random(seed)`: a failure replays): cut at a
random byte; written in another encoding, with stray bytes, or with one review in latin-1; a field dropped or
repeated; a review repeated or broken; a CSV column dropped or repeated; the JSON state cut in half; a 5 MB text;
markup or JSON nested 10,000 deep; `<script>`, `onerror=` and `javascript:` payloads in every text; SQL and path
tricks in company names and ids; bytes flipped; an empty file; or a page handed to another source's parser. Every
variant goes through `documents` and `parse_documents`, and a sample of them through `import_paths` into a
throwaway warehouse.

What must hold: no exception escapes (a crash), whatever is rejected says why (counted by reason), and the reviews
a mutation left alone still come out valid. Which reviews those are is read off a control document: the same
document with the damaged reviews removed instead of damaged (or the reviews that end past the cut, for a cut
page), parsed the same way. Where a mutation rewrites every text (payloads, name tricks, lossy encodings) reviews
identified by a digest of their text get new ids, so there the check is a count: every review must come out,
valid or rejected with a reason.
"""

from __future__ import annotations

import codecs
import copy
import csv
import html
import io
import json
import random
import re
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import lxml.html
from lxml import etree
from w3lib.encoding import html_body_declared_encoding

from revint.errors import ReportedError
from revint.pipeline.charsets import decode_export, decode_page
from revint.pipeline.importing import KINDS, Document, ParseReport, documents, import_paths, parse_documents
from revint.pipeline.sample_site import load_companies, render_company_page
from revint.record import problem_code, problems
from revint.settings import SHARED_CORPUS, Settings
from revint.spiders.parsers import glassdoor_csv, indeed_csv
from revint.spiders.parsers.registry import SOURCES
from revint.spiders.parsers.structured import REVIEW_TYPES
from stress.outcome import Outcome
from tests.support.pages import FETCHED_AT, FIXTURES, REPO

FULL_VARIANTS: Final = 1_000
SMALL_VARIANTS: Final = 60
FULL_IMPORTS: Final = 30  # variants also taken through `import_paths` (tag and load: about a second each)
SMALL_IMPORTS: Final = 1
CSV_ROWS: Final = 120  # rows kept of a large CSV export: its format, not its size, is what is tried here
HUGE_TEXT_CHARS: Final = 5_000_000
NESTING: Final = 10_000

MARKUP_PAYLOADS: Final = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)")
NAME_TRICKS: Final = (
    "'); DROP TABLE reviews; --",
    "x' OR '1'='1",
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "nul\x00byte",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
)
WRONG_VALUES: Final = ("", "0", "-1", "9" * 40, "null", "NaN", *MARKUP_PAYLOADS, *NAME_TRICKS)
ENCODINGS: Final = ("latin-1", "cp1252", "utf-16-le", "utf-16-be")  # UTF-16 without its BOM
STRAY_BYTES: Final = (b"\xff", b"\xfe", b"\xe9", b"\xc3", b"\x80\x81", b"\xed\xa0\x80")
EMPTY_BODIES: Final = (b"", b" \n\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00" * 16)
FILLER_WORDS: Final = ("salaire", "équipe", "horaires", "management", "pause", "Überstunden", "pay", "shift")

MUTATIONS: Final = (
    "truncated", "encoding", "stray-bytes", "mixed-encoding", "missing-field", "duplicate-field", "duplicate-review",
    "broken-review", "dropped-column", "duplicated-column", "state-cut-in-half", "huge-text", "nested-markup",
    "payload", "name-trick", "wrong-parser", "flipped-bytes", "emptied",
)  # fmt: skip
ONCE_PER_DOCUMENT: Final = frozenset({"huge-text", "emptied"})  # the first costly, the second the same each time

GRAPHQL_URL: Final = "https://www.glassdoor.com/Reviews/eBay-Reviews-E7853.htm"
# fixture folder → (source, the URL its pages are read at)
FIXTURE_SOURCES: Final = {
    "glassdoor": ("glassdoor", "https://www.glassdoor.fr/Avis/Fromagerie-Aubrac-Avis-E900.htm"),
    "indeed": ("indeed", "https://fr.indeed.com/cmp/Fournil-Castagne/reviews"),
    "kununu": ("kununu", "https://www.kununu.com/de/brotwerk-sommer/kommentare"),
    "schema_org": ("schema_org", "https://www.avis-boulot.example/entreprise/verrerie-dumas/avis"),
}
# Where each source's pages hold a review in HTML (Indeed's are only in its script state).
REVIEW_BLOCKS: Final = {
    "glassdoor": "//li[starts-with(@id, 'empReview_')]",
    "kununu": "//article",
    "sample": "//article[contains(concat(' ', normalize-space(@class), ' '), ' review ')]",
    "schema_org": "//*[@itemscope][contains(@itemtype, 'Review')][not(ancestor::*[contains(@itemtype, 'Review')])]",
}
# The columns some CSV format requires: without one, a file is rightly refused as a whole.
REQUIRED_COLUMNS: Final = frozenset(
    column for format_ in (*glassdoor_csv.FORMATS, indeed_csv.FORMAT) for column in format_.columns
)


@dataclass(frozen=True)
class Family:
    """Real material of ../shared/corpus: files of one folder, read by one source's parsers."""

    folder: str
    pattern: str
    source: str
    url: str | None  # None: the file's own URI, as `revint import` gives a file
    company: str | None = None  # the employer an export does not name (`revint import --company`)


CORPUS_FAMILIES: Final = (
    Family("glassdoor-fr-datalake/html_samples", "*.html", "glassdoor", "https://www.glassdoor.fr/Avis/"),
    Family("indeed-fr-lidl", "*.json", "indeed", "https://www.indeed.fr/cmp/Lidl/reviews"),
    Family("kununu-deutsche-post", "*.json", "kununu", "https://www.kununu.com/de/deutsche-post/kommentare"),
    Family("kununu-deutsche-post", "*.csv", "kununu", "https://www.kununu.com/de/deutsche-post/kommentare"),
    Family("glassdoor-graphql-json", "glassdoor_reviews_*.json", "glassdoor", GRAPHQL_URL),
    Family("glassdoor-en-uk", "*.csv", "glassdoor", None),
    Family("glassdoor-en-us-2025", "*.csv", "glassdoor", None),
    Family("glassdoor-en-brightdata", "*.csv", "glassdoor", None),
    Family("indeed-en-bank", "*.csv", "indeed", None, "Anonymised US bank"),
)


# --- the documents variants come from ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    """One unmutated document."""

    name: str  # "fixture/kununu/page1.html", "corpus/indeed-en-bank/…csv", "sample/helio-logistique/p1"
    source: str
    kind: str  # "page", "json" or "csv"
    text: str
    url: str
    company: str | None = None
    encoding: str = "utf-8"  # a page's declared charset, which it is written in


def _read_base(path: Path, name: str, source: str, url: str | None, company: str | None = None) -> Base:
    """A saved page or export as the import decodes it."""
    body = path.read_bytes()
    kind = KINDS[path.suffix.lower()]
    if kind == "page":
        declared = html_body_declared_encoding(body) or "utf-8"
        return Base(name, source, kind, decode_page(body).text, url or path.as_uri(), company, declared)
    return Base(name, source, kind, decode_export(body).text, url or path.as_uri(), company)


def fixture_bases(notes: list[str]) -> list[Base]:
    """The fixture pages and exports the parser tests read (a source checkout's)."""
    if not FIXTURES.is_dir():
        notes.append(f"skipped {FIXTURES}: absent")
    return [
        _read_base(path, f"fixture/{folder}/{path.name}", source, GRAPHQL_URL if path.suffix == ".json" else url)
        for folder, (source, url) in FIXTURE_SOURCES.items()
        for path in sorted((FIXTURES / folder).glob("*"))
        if path.suffix.lower() in KINDS
    ]


def sample_site_bases(settings: Settings) -> list[Base]:
    """The first page of each company of the bundled sample site, as it serves them."""
    return [
        Base(
            f"sample/{company.slug}/p1",
            "sample",
            "page",
            render_company_page(company, 1),
            f"http://127.0.0.1:8000/entreprise/{company.slug}/avis?page=1",
        )
        for company in load_companies(settings.sample_site_dir).values()
    ]


def corpus_bases(corpus: Path, rng: random.Random, notes: list[str]) -> list[Base]:
    """The real saved pages and exports, read at run time (never copied into the repo); a large CSV cut to CSV_ROWS
    rows picked at random. A folder that is absent is skipped with a note."""
    bases: list[Base] = []
    for family in CORPUS_FAMILIES:
        folder = corpus / family.folder
        paths = sorted(folder.glob(family.pattern)) if folder.is_dir() else []
        if not paths:
            notes.append(f"skipped {folder}/{family.pattern}: absent")
        for path in paths:
            base = _read_base(path, f"corpus/{family.folder}/{path.name}", family.source, family.url, family.company)
            bases.append(_sampled_rows(base, rng) if base.kind == "csv" else base)
    return bases


def _sampled_rows(base: Base, rng: random.Random) -> Base:
    rows = list(csv.reader(io.StringIO(base.text, newline="")))
    if len(rows) <= CSV_ROWS + 1:
        return base
    kept = sorted(rng.sample(range(1, len(rows)), CSV_ROWS))
    return replace(base, text=CsvModel.write([rows[0], *(rows[index] for index in kept)])[0])


# --- documents as something to damage: values, reviews, and how they are written back --------------------------------

DUPLICATE: Final = "__hxdup__"  # a key or attribute written with this suffix is written as a second copy of the key
_XML_INVALID: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TAG: Final = re.compile(r"</?([a-zA-Z][\w-]*)[^>]*>")
_RAW_TEXT_ELEMENTS: Final = frozenset({"script", "style", "textarea", "title", "xmp", "noscript", "iframe"})
_VOID_ELEMENTS: Final = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
})  # fmt: skip
_ASSIGNMENT: Final = re.compile(r"[\w$.]+\s*=\s*(?=[\[{])")
_ID_NAME: Final = re.compile(r"(?i:(?:^|[\s_@-])id|identifier|review-id)$|[a-z]Id$")
_COMPANY_PATH: Final = re.compile(
    r"firm|employe+r|company|enterprise|shortName|legalName|itemReviewed|^h1\b|\bfn\b", re.IGNORECASE
)
_LINK_NAME: Final = re.compile(r"@(?:href|src)$|url$", re.I)
_OTHER_NAME: Final = re.compile(
    r"date|time|rating|score|url|link|typename|status|lang|count|year|length|flag|type|item|@|recommend|outlook|ceo|"
    r"approv|current|context",
    re.I,
)
_COMPANY_IN_URL: Final = re.compile(r"(/cmp/|kununu\.com/[a-z]{2}/)[^/?#]+")  # where Indeed and Kununu URLs name it
_OTHER_VALUE: Final = re.compile(r"[\d\s.,:/+()-]*|[A-Z_]+|true|false|https?://\S*")


@dataclass
class Field:
    """One value of a document a mutation may change, drop or repeat: a JSON leaf, a CSV cell, an element's text or
    attribute."""

    path: str  # "review_author.job", "pros", "li.empReview.cf@id", "span.fn": what the value is
    value: str
    assign: Callable[[Any], None]
    drop: Callable[[], None]
    duplicate: Callable[[Any], None]
    markup: bool = False  # in HTML (text or attribute), not in JSON or CSV

    @property
    def role(self) -> str:
        """What the value is: "id", "company", "link", "text" (free text: where payloads go) or "other" (dates,
        ratings, enums)."""
        name = self.path.rsplit(".", 1)[-1]
        if _ID_NAME.search(name):
            return "id"
        if _COMPANY_PATH.search(self.path):
            return "company"
        if _LINK_NAME.search(name):
            return "link"
        if _OTHER_NAME.search(name) or _OTHER_VALUE.fullmatch(self.value.strip()):
            return "other"
        return "text"


def json_fields(value: Any, path: str = "") -> list[Field]:
    """Every leaf (text or number) under a JSON value."""
    found: list[Field] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in list(items):
        where = f"{path}.{key}" if path else str(key)
        if isinstance(child, dict | list):
            found += json_fields(child, where)
        elif isinstance(child, str | int | float) and not isinstance(child, bool):
            found.append(Field(where, str(child), *_json_changes(value, key)))
    return found


def _json_changes(container: Any, key: Any) -> tuple[Callable[[Any], None], Callable[[], None], Callable[[Any], None]]:
    def assign(value: Any) -> None:
        container[key] = value

    def drop() -> None:
        del container[key]

    def duplicate(value: Any) -> None:
        if isinstance(container, list):
            container.insert(key + 1, value)
        else:
            container[f"{key}{DUPLICATE}"] = value

    return assign, drop, duplicate


def review_entries(data: Any, listed_under: str | None) -> list[tuple[Any, Any]]:
    """The reviews in JSON, as (their list or object, their index or key): the items of a list of reviews (`data`
    itself when it is listed under "reviews", as an export's top level is; `reviews`; Indeed's `reviewsList.items`),
    Apollo's EmployerReview entries, schema.org Reviews."""
    found: list[tuple[Any, Any]] = []

    def is_review(value: Any, listed_under: str | None) -> bool:
        if not isinstance(value, dict):
            return False
        kinds = value.get("@type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        return (
            value.get("__typename") == "EmployerReview"
            or bool(kinds & REVIEW_TYPES)
            or listed_under in ("items", "reviews", "review")
        )

    def walk(value: Any, key: str | None) -> None:
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for child_key, child in children:
            listed_under = key if isinstance(value, list) else None
            if is_review(child, listed_under):
                found.append((value, child_key))
            else:
                walk(child, str(child_key) if isinstance(value, dict) else key)

    walk(data, listed_under)
    return found


@dataclass(eq=False)
class Slot:
    """One review's data in a document: an HTML review block, a JSON review object or a CSV row."""

    fields: list[Field]
    element: Any = None  # the HTML block
    entry: tuple[Any, Any] | None = None  # the JSON object: (its list or object, its index or key)
    state: State | None = None  # the page script holding that object
    row: int | None = None  # the CSV row, from 0 after the header
    index: int = 0  # its place among the document's slots as they were listed

    @property
    def key(self) -> str:
        """What the copies of one review share (a Glassdoor page's HTML block and Apollo entry): its id's digits."""
        ids = [found for found in self.fields if found.role == "id"]
        for found in sorted(ids, key=lambda found: "review" not in f"{found.path} {found.value}".lower()):
            if digits := re.sub(r"\D", "", found.value):
                return digits
        return f"slot-{self.index}"


class Model:
    """A document taken apart, to change and write back. Values that markup or JSON cannot hold as they are (a NUL
    byte, raw markup, JSON nested 10,000 deep, invalid bytes) stand as tokens until the document is written."""

    def __init__(self) -> None:
        self.raw_text: dict[str, str] = {}  # token → text written in its place
        self.raw_bytes: dict[str, bytes] = {}  # token → bytes written in its place, once encoded

    def token(self) -> str:
        return f"hx{len(self.raw_text) + len(self.raw_bytes)}mark"

    def raw(self, text: str) -> str:
        token = self.token()
        self.raw_text[token] = text
        return token

    def raw_json(self, json_text: str) -> str:
        """A JSON leaf whose value is written as `json_text` (unquoted)."""
        token = self.token()
        self.raw_text[json.dumps(token)] = json_text
        return token

    def stray(self, data: bytes) -> str:
        token = self.token()
        self.raw_bytes[token] = data
        return token

    def slots(self) -> list[Slot]:
        """The reviews, in document order (HTML blocks first): the same each time the same document is read."""
        found = self._slots()
        for index, slot in enumerate(found):
            slot.index = index
        return found

    def _slots(self) -> list[Slot]:
        raise NotImplementedError

    def fields(self) -> list[Field]:
        """Every value of the document."""
        raise NotImplementedError

    def text(self) -> str:
        """The document written, before its tokens are replaced."""
        raise NotImplementedError

    def ends(self) -> list[int]:
        """Where each slot's data ends in `render()`: a cut before that loses the review."""
        raise NotImplementedError

    def remove(self, slots: Iterable[Slot]) -> None:
        """Take reviews out, as if the document never held them."""
        slots = list(slots)
        for slot in slots:
            if slot.element is not None:
                slot.element.drop_tree()
        entries = [slot.entry for slot in slots if slot.entry is not None]
        for container, key in sorted(entries, key=lambda entry: (id(entry[0]), str(entry[1]).zfill(9)), reverse=True):
            del container[key]

    def duplicate(self, slot: Slot) -> None:
        if slot.entry is not None:
            container, key = slot.entry
            if isinstance(container, list):
                container.insert(key + 1, copy.deepcopy(container[key]))
            else:
                container[f"{key}:copy"] = copy.deepcopy(container[key])

    def broken(self, slot: Slot, rng: random.Random) -> list[int]:
        """Break a review beyond reading; the slots a control must leave out."""
        if slot.entry is not None:
            container, key = slot.entry
            container[key] = _scrambled(container[key], rng)
        return [slot.index]

    def render(self) -> str:
        text = self.text().replace(DUPLICATE, "")
        for token, raw in self.raw_text.items():
            text = text.replace(token, raw)
        return text

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        body = self.render().encode(encoding, errors)
        for token, data in self.raw_bytes.items():
            body = body.replace(token.encode("ascii"), data)
        return body


def _scrambled(entry: Any, rng: random.Random) -> Any:
    """A JSON review as a broken export or state holds one: not an object, empty, or its values of the wrong type."""
    wrong: tuple[Any, ...] = ("review", 42, [], None, True, {"nested": [1, {"x": None}]}, -1.5, [None, "x"])
    choice = rng.randrange(3)
    if choice == 0 or not isinstance(entry, dict):
        return rng.choice(wrong)
    if choice == 1:
        return {}
    return {key: rng.choice(wrong) for key in entry}


@dataclass(eq=False)
class State:
    """A page script holding JSON: JSON-LD, or an assignment such as `window.__APOLLO_STATE__ = {…};`."""

    script: Any
    prefix: str
    holder: list[Any]  # [its JSON], so that a review that is the whole JSON (JSON-LD) can be taken out too
    suffix: str
    cut: bool = False  # written cut in half

    @classmethod
    def read(cls, script: Any) -> State | None:
        text = script.text or ""
        if "ld+json" in (script.get("type") or ""):
            try:
                return cls(script, "", [json.loads(text, strict=False)], "")
            except ValueError:
                return None
        found = _ASSIGNMENT.search(text)
        if found is None:
            return None
        try:
            data, end = json.JSONDecoder(strict=False).raw_decode(text, found.end())
        except ValueError:
            return None
        return cls(script, text[: found.end()], [data], text[end:])

    def write(self) -> None:
        """Into its script, with `</` escaped as sites write JSON into a page."""
        data = self.holder[0] if self.holder else {}
        dumped = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        if _XML_INVALID.search(dumped):  # a lone surrogate: lxml takes no such text
            dumped = json.dumps(data).replace("</", "<\\/")
        self.script.text = self.prefix + (dumped[: len(dumped) // 2] if self.cut else dumped + self.suffix)


class PageModel(Model):
    """A page as lxml reads it, its review blocks (REVIEW_BLOCKS) and the reviews in its script states."""

    def __init__(self, base: Base) -> None:
        super().__init__()
        self.base = base
        self.source = base.source
        self.root = lxml.html.document_fromstring(base.text)
        self.doctype = self.root.getroottree().docinfo.doctype
        self.states = [state for script in self.root.iter("script") if (state := State.read(script))]

    def _slots(self) -> list[Slot]:
        blocks = self.root.xpath(REVIEW_BLOCKS[self.source]) if self.source in REVIEW_BLOCKS else []
        found = [Slot(self._element_fields(block), element=block) for block in blocks]
        for state in self.states:
            for container, key in review_entries(state.holder, None):
                found.append(Slot(json_fields(container[key]), entry=(container, key), state=state))
        return found

    def fields(self) -> list[Field]:
        return self._element_fields(self.root) + [found for state in self.states for found in json_fields(state.holder)]

    def text(self) -> str:
        for state in self.states:
            state.write()
        return str(lxml.html.tostring(self.root, encoding="unicode", doctype=self.doctype))

    def ends(self) -> list[int]:
        """Each review ends with its block, or with the script holding it: marked by comments in a copy (of the
        unchanged page)."""
        marked = PageModel(self.base)
        marks = [etree.Comment(f"hxend{index}") for index, _ in enumerate(marked.slots())]
        for mark, slot in zip(marks, marked.slots(), strict=True):
            (slot.element if slot.state is None else slot.state.script).addnext(mark)
        text = marked.text()
        found = sorted((text.index(f"<!--hxend{index}-->"), index) for index, _ in enumerate(marks))
        ends = [0] * len(found)
        for before, (position, index) in enumerate(found):
            ends[index] = position - sum(len(f"<!--hxend{other}-->") for _, other in found[:before])
        return ends

    def safe(self, value: Any) -> str:
        """A value lxml can hold, or a token for one it cannot (NUL and other control bytes)."""
        text = str(value)
        return self.raw(html.escape(text)) if _XML_INVALID.search(text) else text

    def _element_fields(self, top: Any) -> list[Field]:
        found: list[Field] = []
        for element in top.iter():
            if not isinstance(element.tag, str) or element.tag in ("script", "style"):
                continue
            name = ".".join([element.tag, *element.get("class", "").split()])
            for attribute, value in element.attrib.items():
                if attribute not in ("class", "style"):
                    changes = self._attribute_changes(element, attribute)
                    found.append(Field(f"{name}@{attribute}", value, *changes, markup=True))
            if element.text and element.text.strip():
                found.append(Field(name, element.text, *self._text_changes(element), markup=True))
        return found

    def _text_changes(self, element: Any) -> tuple[Callable[[Any], None], Callable[[], None], Callable[[Any], None]]:
        def assign(value: Any) -> None:
            element.text = self.safe(value)

        def duplicate(value: Any) -> None:
            twin = copy.deepcopy(element)
            twin.text, twin.tail = self.safe(value), None
            element.addnext(twin)

        return assign, element.drop_tree, duplicate

    def _attribute_changes(
        self, element: Any, attribute: str
    ) -> tuple[Callable[[Any], None], Callable[[], None], Callable[[Any], None]]:
        def assign(value: Any) -> None:
            element.set(attribute, self.safe(value))

        def drop() -> None:
            element.attrib.pop(attribute, None)

        def duplicate(value: Any) -> None:
            element.set(f"{attribute}{DUPLICATE}", self.safe(value))

        return assign, drop, duplicate

    def duplicate(self, slot: Slot) -> None:
        if slot.element is not None:
            slot.element.addnext(copy.deepcopy(slot.element))
        super().duplicate(slot)

    def broken(self, slot: Slot, rng: random.Random) -> list[int]:
        """A block cut short after one of its tags, the elements it opened closed there; or a JSON review scrambled.
        (Left open, they would take the next reviews in, and change what their markup means: a microdata review
        would become a property of the broken one. Pages cut with their tags open are `truncated`.)"""
        if slot.element is None:
            return super().broken(slot, rng)
        markup = str(lxml.html.tostring(slot.element, encoding="unicode", with_tail=False))
        cuts = [tag.end() for tag in _TAG.finditer(markup) if tag.group(1).lower() not in _RAW_TEXT_ELEMENTS]
        token = self.token()
        self.raw_text[f"<!--{token}-->"] = _closed(markup[: rng.choice(cuts[:-1] or [0])])
        slot.element.addprevious(etree.Comment(token))
        slot.element.drop_tree()
        return [slot.index]

    def nest_body(self) -> None:
        """The whole body inside NESTING `<div>`s."""
        body = self.root.find("body")
        if body is None:
            body = self.root
        for at_start, markup in ((True, "<div>" * NESTING), (False, "</div>" * NESTING)):
            token = self.token()
            self.raw_text[f"<!--{token}-->"] = markup
            if at_start:
                body.insert(0, etree.Comment(token))
            else:
                body.append(etree.Comment(token))


def _closed(markup: str) -> str:
    """Markup with the elements it leaves open closed at its end."""
    open_elements: list[str] = []
    for tag in _TAG.finditer(markup):
        name = tag.group(1).lower()
        if tag.group(0).startswith("</"):
            if name in open_elements:
                del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name) :]
        elif name not in _VOID_ELEMENTS and not tag.group(0).endswith("/>"):
            open_elements.append(name)
    return markup + "".join(f"</{name}>" for name in reversed(open_elements))


class JsonModel(Model):
    """An export in JSON: a list of reviews, or an object holding one (`reviews`)."""

    def __init__(self, base: Base) -> None:
        super().__init__()
        self.data = json.loads(base.text)

    def _slots(self) -> list[Slot]:
        entries = review_entries(self.data, "reviews")
        return [Slot(json_fields(container[key]), entry=(container, key)) for container, key in entries]

    def fields(self) -> list[Field]:
        return json_fields(self.data)

    def text(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=1)

    def ends(self) -> list[int]:
        """JSON cut anywhere reads as nothing."""
        return [len(self.render())] * len(self.slots())


class CsvModel(Model):
    """A CSV export: its header and rows."""

    def __init__(self, base: Base) -> None:
        super().__init__()
        rows = [row for row in csv.reader(io.StringIO(base.text, newline="")) if row]  # blank lines hold nothing
        self.header, self.rows = (rows[0], rows[1:]) if rows else ([], [])

    @staticmethod
    def write(rows: Iterable[list[str]]) -> tuple[str, list[int]]:
        """CSV as `csv.writer` writes it, and where each row ends."""
        chunks = _Chunks()
        writer = csv.writer(chunks)
        ends = []
        for row in rows:
            writer.writerow(row)
            ends.append(chunks.length)
        return "".join(chunks), ends

    def _slots(self) -> list[Slot]:
        return [Slot(self._row_fields(index), row=index) for index in range(len(self.rows))]

    def _row_fields(self, index: int) -> list[Field]:
        row = self.rows[index]
        names = [*self.header, *(f"extra{column}" for column in range(len(self.header), len(row)))]
        return [Field(names[column], cell, *_json_changes(row, column)) for column, cell in enumerate(row)]

    def fields(self) -> list[Field]:
        return [found for index in range(len(self.rows)) for found in self._row_fields(index)]

    def text(self) -> str:
        return self.write([self.header, *self.rows])[0]

    def ends(self) -> list[int]:
        return self.write([self.header, *self.rows])[1][1:]

    def remove(self, slots: Iterable[Slot]) -> None:
        for index in sorted((slot.row for slot in slots if slot.row is not None), reverse=True):
            del self.rows[index]

    def duplicate(self, slot: Slot) -> None:
        assert slot.row is not None
        self.rows.insert(slot.row + 1, list(self.rows[slot.row]))

    def broken(self, slot: Slot, rng: random.Random) -> list[int]:
        """A row short of cells, with cells to spare, or with a quote left open (which swallows the rows after it)."""
        assert slot.row is not None
        row = self.rows[slot.row]
        choice = rng.randrange(3)
        if choice == 0:
            del row[rng.randrange(len(row)) :]
        elif choice == 1:
            row += ["spare", "cells"]
        else:
            row[rng.randrange(len(row))] = self.raw('"never closed')
            return list(range(slot.row, len(self.rows)))
        return [slot.index]

    def drop_column(self, column: int) -> None:
        for row in [self.header, *self.rows]:
            del row[column : column + 1]

    def duplicate_column(self, column: int) -> None:
        for row in [self.header, *self.rows]:
            row[column + 1 : column + 1] = row[column : column + 1]


class _Chunks(list[str]):
    """What `csv.writer` writes, kept in pieces, and its length so far."""

    length = 0

    def write(self, text: str) -> int:
        self.append(text)
        self.length += len(text)
        return len(text)


def model_for(base: Base) -> Model:
    return {"page": PageModel, "json": JsonModel, "csv": CsvModel}[base.kind](base)


# --- reading a variant as the import does ------------------------------------------------------------------------


@dataclass
class Reading:
    """What the parse of one document gave."""

    valid: set[str] = field(default_factory=set)  # review ids of the valid records
    invalid: int = 0  # records `problems` rejects
    unreadable: int = 0  # review blocks the parser could not read
    rejected: Counter[str] = field(default_factory=Counter)  # by reason
    crash: BaseException | None = None

    @property
    def answered(self) -> int:
        """Reviews that came out, valid or rejected with a reason."""
        return len(self.valid) + self.invalid + self.unreadable


_ITEM: Final = re.compile(r"^(?:(?:row|review|JSON-LD block) \S+: )+")
_QUOTED: Final = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")  # values, as repr() quotes them
_DETAIL: Final = re.compile(r" \(|; ")


def reason(message: str, path: str) -> str:
    """A rejection's reason without the document, the item, the values or the details: "unparseable-date"."""
    message = _QUOTED.sub("", _ITEM.sub("", message.removeprefix(f"{path}: ")))
    return problem_code(_DETAIL.split(message, 1)[0])[:60] or "unexplained"


def read(document_list: Iterable[Document], report: ParseReport, company: str | None, path: str) -> Reading:
    """The documents through `parse_documents`; any exception out of it is a crash."""
    reading = Reading()
    try:
        for record in parse_documents(document_list, report, company):
            found = problems(record)
            if found:
                reading.invalid += 1
                reading.rejected.update(f"invalid review: {problem_code(problem)}" for problem in found)
            else:
                reading.valid.add(record.review_id)
    except Exception as error:  # any: what escapes here is what the command would print as a traceback
        reading.crash = error
    reading.unreadable = len(report.errors)
    reading.rejected.update(f"unreadable review: {reason(message, path)}" for message in report.errors)
    reading.rejected.update(f"document rejected: {reason(message, path)}" for message in report.failed)
    return reading


def read_body(base: Base, body: bytes, source: str | None = None, company: str | None = None) -> Reading:
    """A document read from memory, for the unmutated documents and the controls."""
    document = Document(base.name, source or base.source, base.kind, body, base.url, FETCHED_AT)
    return read([document], ParseReport(), company or base.company, base.name)


# --- the variants ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str  # the document and how it was damaged, to replay it
    mutation: str
    source: str
    kind: str
    body: bytes
    url: str
    company: str | None
    expected: frozenset[str] = frozenset()  # reviews it must still give, valid
    expected_count: int = 0  # reviews it must still give, valid or rejected with a reason


@dataclass(frozen=True)
class Prepared:
    """An unmutated document as written here, what it gives, and where its reviews end."""

    base: Base
    body: bytes
    slots: int
    states: int
    ends: list[int]  # byte offsets
    valid: frozenset[str]

    @property
    def written_with(self) -> str:
        return "xmlcharrefreplace" if self.base.kind == "page" else "strict"


class Unmutated(Exception):
    """A document crashes its parser as it is."""


def prepare(base: Base) -> Prepared:
    """The document as lxml, json or csv writes it back (so that a control differs from it only by what it leaves
    out), and its reviews unmutated."""
    normal = replace(base, text=model_for(base).render())  # written back twice: as written once, it reads alike
    model = model_for(normal)
    text = model.render()
    normal = replace(normal, text=text)
    errors = "xmlcharrefreplace" if base.kind == "page" else "strict"
    body = text.encode(base.encoding, errors)
    ends = [len(text[:end].encode(base.encoding, errors)) for end in model.ends()]
    states = len(model.states) if isinstance(model, PageModel) else 0
    reading = read_body(normal, body)
    if reading.crash is not None:
        raise Unmutated(reading.crash)
    return Prepared(normal, body, len(model.slots()), states, ends, frozenset(reading.valid))


class Generator:
    """Variants of prepared documents, one seeded mutation each."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._filler = ""

    def applies(self, prepared: Prepared, mutation: str) -> bool:
        kind = prepared.base.kind
        if mutation in ("dropped-column", "duplicated-column"):
            return kind == "csv"
        if mutation == "state-cut-in-half":
            return kind == "json" or prepared.states > 0
        if mutation == "mixed-encoding":
            return prepared.slots > 0 and _is_utf8(prepared.base.encoding)
        if mutation in ("missing-field", "duplicate-field", "duplicate-review", "broken-review", "huge-text"):
            return prepared.slots > 0
        return True

    def variant(self, prepared: Prepared, mutation: str) -> Variant | None:
        """The document damaged by one mutation; None when this one left it as it was."""
        method: Callable[[Prepared], Variant | None] = getattr(self, "_" + mutation.replace("-", "_"))
        return method(prepared)

    # -- how a variant is made, and what it must still give

    def _made(
        self,
        prepared: Prepared,
        mutation: str,
        detail: str,
        body: bytes,
        *,
        keeps: Collection[int] | None = None,
        expected: frozenset[str] | None = None,
        counts: bool = False,
        source: str | None = None,
        url: str | None = None,
        company: str | None = None,
    ) -> Variant:
        """A variant that must give the valid reviews of the document without the slots not in `keeps` (all when
        None and not `counts`), or those `expected`, or with `counts`, as many reviews as the unmutated document
        (ids may change)."""
        base = prepared.base
        if expected is not None:
            count = 0
        elif counts:
            expected, count = frozenset[str](), len(prepared.valid)
        elif keeps is None:
            expected, count = prepared.valid, 0
        else:
            expected, count = self._kept(prepared, keeps), 0
        return Variant(
            f"{base.name}#{mutation}({detail})",
            mutation,
            source or base.source,
            base.kind,
            body,
            url or base.url,
            company or base.company,
            expected,
            count,
        )

    def _nothing(
        self, prepared: Prepared, mutation: str, detail: str, body: bytes, source: str | None = None
    ) -> Variant:
        """A variant nothing of which need come out: only no crash, and a reason for what is rejected."""
        return self._made(prepared, mutation, detail, body, keeps=(), source=source)

    def _kept(self, prepared: Prepared, keeps: Collection[int]) -> frozenset[str]:
        if len(keeps) == prepared.slots:
            return prepared.valid
        if not keeps:
            return frozenset()
        return self._control(
            prepared, lambda control: control.remove(s for s in control.slots() if s.index not in keeps)
        )

    def _control(self, prepared: Prepared, change: Callable[[Model], None]) -> frozenset[str]:
        """The valid reviews of a control: the unmutated document with `change` made to it."""
        control = model_for(prepared.base)
        change(control)
        return frozenset(read_body(prepared.base, self._encoded(prepared, control)).valid) & prepared.valid

    def _encoded(self, prepared: Prepared, model: Model) -> bytes:
        return model.encode(prepared.base.encoding, prepared.written_with)

    def _pick_slot(self, model: Model, need_text: bool = False) -> tuple[int, Slot] | None:
        slots = list(enumerate(model.slots()))
        if need_text:
            slots = [(index, slot) for index, slot in slots if _texts(slot.fields)]
        return self.rng.choice(slots) if slots else None

    def _all_but(self, prepared: Prepared, removed: Collection[int]) -> list[int]:
        """The slots a control keeps: all those of the unmutated document but `removed`."""
        return [index for index in range(prepared.slots) if index not in removed]

    def _copies(self, model: Model, slot: Slot) -> list[int]:
        """The slots holding the same review as `slot` (itself included), listed before the model is changed."""
        return [other.index for other in model.slots() if other.key == slot.key]

    # -- the mutations

    def _truncated(self, prepared: Prepared) -> Variant | None:
        if len(prepared.body) < 2:
            return None
        cut = self.rng.randrange(1, len(prepared.body))
        keeps = [index for index, end in enumerate(prepared.ends) if end <= cut]
        return self._made(prepared, "truncated", f"at byte {cut}", prepared.body[:cut], keeps=keeps)

    def _encoding(self, prepared: Prepared) -> Variant:
        base = prepared.base
        target = self.rng.choice([name for name in ENCODINGS if not _same_codec(name, base.encoding)])
        try:
            body, lossless = base.text.encode(target), True
        except UnicodeEncodeError:
            body, lossless = base.text.encode(target, "xmlcharrefreplace" if base.kind == "page" else "replace"), False
        exact = lossless and _is_utf8(base.encoding)
        return self._made(prepared, "encoding", target, body, counts=not exact)

    def _stray_bytes(self, prepared: Prepared) -> Variant:
        """A few invalid bytes in texts: a UTF-8 page that is not quite UTF-8."""
        model = model_for(prepared.base)
        texts = _texts(model.fields())
        if not texts:
            body = bytearray(prepared.body)
            for _ in range(self.rng.randint(1, 3)):
                at = self.rng.randrange(len(body) + 1)
                body[at:at] = self.rng.choice(STRAY_BYTES)
            return self._nothing(prepared, "stray-bytes", "anywhere", bytes(body))
        chosen = self.rng.sample(texts, min(3, len(texts)))
        for found in chosen:
            at = self.rng.randrange(len(found.value) + 1)
            found.assign(found.value[:at] + model.stray(self.rng.choice(STRAY_BYTES)) + found.value[at:])
        return self._made(prepared, "stray-bytes", f"{len(chosen)} texts", self._encoded(prepared, model), counts=True)

    def _mixed_encoding(self, prepared: Prepared) -> Variant | None:
        """One review's texts in latin-1 or cp1252 inside a UTF-8 document."""
        model = model_for(prepared.base)
        picked = self._pick_slot(model, need_text=True)
        if picked is None:
            return None
        for found in _texts(picked[1].fields):
            found.assign(f"hxmixa{found.value}hxmixb")
        legacy = self.rng.choice(("latin-1", "cp1252"))
        body = re.sub(
            rb"hxmixa(.*?)hxmixb",
            lambda match: match.group(1).decode("utf-8", "replace").encode(legacy, "replace"),
            self._encoded(prepared, model),
            flags=re.DOTALL,
        )
        return self._made(prepared, "mixed-encoding", f"review {picked[0]} in {legacy}", body, counts=True)

    def _missing_field(self, prepared: Prepared) -> Variant | None:
        return self._field_changed(prepared, "missing-field", self._dropped)

    def _duplicate_field(self, prepared: Prepared) -> Variant | None:
        return self._field_changed(prepared, "duplicate-field", self._twice)

    def _field_changed(self, prepared: Prepared, mutation: str, change: Callable[[Field], str]) -> Variant | None:
        """One value of one review changed: the other reviews must come out as they did."""
        model = model_for(prepared.base)
        picked = self._pick_slot(model)
        if picked is None or not picked[1].fields:
            return None
        index, slot = picked
        detail = f"review {index} {change(self.rng.choice(slot.fields))}"
        keeps = self._all_but(prepared, [index])
        return self._made(prepared, mutation, detail[:120], self._encoded(prepared, model), keeps=keeps)

    def _dropped(self, found: Field) -> str:
        found.drop()
        return f"without {found.path}"

    def _twice(self, found: Field) -> str:
        """The value repeated (a key twice in a JSON object, an attribute or element twice, a cell more), as it
        was or with a wrong value."""
        value = found.value if self.rng.random() < 0.5 else self.rng.choice(WRONG_VALUES)
        found.duplicate(value)
        return f"with {found.path} twice, {value!r}"

    def _duplicate_review(self, prepared: Prepared) -> Variant | None:
        model = model_for(prepared.base)
        picked = self._pick_slot(model)
        if picked is None:
            return None
        model.duplicate(picked[1])
        return self._made(prepared, "duplicate-review", f"review {picked[0]}", self._encoded(prepared, model))

    def _broken_review(self, prepared: Prepared) -> Variant | None:
        model = model_for(prepared.base)
        picked = self._pick_slot(model)
        if picked is None:
            return None
        keeps = self._all_but(prepared, model.broken(picked[1], self.rng))
        body = self._encoded(prepared, model)
        return self._made(prepared, "broken-review", f"review {picked[0]}", body, keeps=keeps)

    def _dropped_column(self, prepared: Prepared) -> Variant | None:
        if (picked := self._column(prepared)) is None:
            return None
        model, column = picked
        name = model.header[column]
        model.drop_column(column)
        body = self._encoded(prepared, model)
        if name in REQUIRED_COLUMNS:  # the file is no export of its format any more: refused as a whole
            return self._nothing(prepared, "dropped-column", name, body)
        return self._made(prepared, "dropped-column", name, body, counts=True)

    def _duplicated_column(self, prepared: Prepared) -> Variant | None:
        if (picked := self._column(prepared)) is None:
            return None
        model, column = picked
        model.duplicate_column(column)
        return self._made(prepared, "duplicated-column", model.header[column], self._encoded(prepared, model))

    def _column(self, prepared: Prepared) -> tuple[CsvModel, int] | None:
        """A CSV export taken apart, and one of its columns."""
        model = model_for(prepared.base)
        assert isinstance(model, CsvModel)
        return (model, self.rng.randrange(len(model.header))) if model.header else None

    def _state_cut_in_half(self, prepared: Prepared) -> Variant | None:
        if prepared.base.kind == "json":
            return self._nothing(prepared, "state-cut-in-half", "the export", prepared.body[: len(prepared.body) // 2])
        model = model_for(prepared.base)
        assert isinstance(model, PageModel)
        index = self.rng.randrange(len(model.states))
        model.states[index].cut = True
        body = self._encoded(prepared, model)
        expected = self._control(prepared, lambda control: _empty_state(control, index))  # the page without it
        return self._made(prepared, "state-cut-in-half", f"script {index}", body, expected=expected)

    def _huge_text(self, prepared: Prepared) -> Variant | None:
        """One review's text 5 MB long: rejected for its length, the others kept."""
        model = model_for(prepared.base)
        picked = self._pick_slot(model, need_text=True)
        if picked is None:
            return None
        index, slot = picked
        keeps = self._all_but(prepared, self._copies(model, slot))
        grown = self.rng.choice(_texts(slot.fields))
        grown.assign(f"{grown.value} {self.filler()}")
        detail = f"review {index} {grown.path}"
        return self._made(prepared, "huge-text", detail, self._encoded(prepared, model), keeps=keeps)

    def filler(self) -> str:
        if not self._filler:
            words = self.rng.choices(FILLER_WORDS, k=HUGE_TEXT_CHARS // 7)
            self._filler = " ".join(words)[:HUGE_TEXT_CHARS]
        return self._filler

    def _nested_markup(self, prepared: Prepared) -> Variant:
        """A text inside NESTING `<span>`s (or its JSON value inside NESTING arrays), or the whole page inside
        NESTING `<div>`s."""
        model = model_for(prepared.base)
        picked = self._pick_slot(model, need_text=True)
        if isinstance(model, PageModel) and (picked is None or self.rng.random() < 0.3):
            model.nest_body()
            return self._made(prepared, "nested-markup", "the body", self._encoded(prepared, model))
        if picked is None:
            return self._nothing(prepared, "nested-markup", "no text", self._encoded(prepared, model))
        index, slot = picked
        keeps = self._all_but(prepared, self._copies(model, slot))
        nested = self.rng.choice(_texts(slot.fields))
        if nested.markup:
            nested.assign(model.raw("<span>" * NESTING + html.escape(nested.value) + "</span>" * NESTING))
        elif isinstance(model, CsvModel):
            nested.assign("<div>" * NESTING + nested.value + "</div>" * NESTING)
        else:
            nested.assign(model.raw_json("[" * NESTING + json.dumps(nested.value) + "]" * NESTING))
        detail = f"review {index} {nested.path}"
        return self._made(prepared, "nested-markup", detail, self._encoded(prepared, model), keeps=keeps)

    def _payload(self, prepared: Prepared) -> Variant | None:
        """A script payload in every text and company name, escaped as a site writes it or (in a page) as raw
        markup; a `javascript:` URL in every link."""
        model = model_for(prepared.base)
        payload = self.rng.choice(MARKUP_PAYLOADS)
        as_markup = isinstance(model, PageModel) and self.rng.random() < 0.5
        changed = 0
        for found in model.fields():
            if found.role == "link":
                found.assign(f"javascript:alert({changed})")  # each its own: a review's link may be its id
            elif found.role in ("text", "company"):
                at = self.rng.choice((0, len(found.value) // 2, len(found.value)))
                before, after = found.value[:at], found.value[at:]
                if as_markup and found.markup and "@" not in found.path:  # text, not an attribute
                    found.assign(model.raw(html.escape(before) + payload + html.escape(after)))
                else:
                    found.assign(before + payload + after)
            else:
                continue
            changed += 1
        if not changed:
            return None
        detail = f"{payload} {'as markup' if as_markup else 'as text'} in {changed} values"
        return self._made(prepared, "payload", detail, self._encoded(prepared, model), counts=True)

    def _name_trick(self, prepared: Prepared) -> Variant | None:
        """An SQL fragment or a path trick in company names and ids, the employer the import is told, and the
        company in a URL the parser reads it from."""
        model = model_for(prepared.base)
        trick = self.rng.choice(NAME_TRICKS)
        changed = 0
        for found in model.fields():
            if found.role == "id":
                found.assign(f"{trick}-{changed}")  # each its own: reviews sharing an id are rightly one
            elif found.role == "company" and self.rng.random() < 0.5:
                found.assign(trick)
            elif found.role == "company":
                found.assign(f"{found.value} {trick}")
            else:
                continue
            changed += 1
        company = trick if prepared.base.company else None
        url = _COMPANY_IN_URL.sub(lambda found: found.group(1) + quote(trick, safe=""), prepared.base.url)
        if not changed and company is None and url == prepared.base.url:
            return None
        body = self._encoded(prepared, model)
        return self._made(prepared, "name-trick", repr(trick), body, counts=True, url=url, company=company)

    def _wrong_parser(self, prepared: Prepared) -> Variant:
        kind = prepared.base.kind
        readers = [name for name in SOURCES if kind == "page" or SOURCES[name].export_parser(kind)]
        source = self.rng.choice([name for name in readers if name != prepared.base.source])
        return self._nothing(prepared, "wrong-parser", source, prepared.body, source=source)

    def _flipped_bytes(self, prepared: Prepared) -> Variant | None:
        if not prepared.body:
            return None
        body = bytearray(prepared.body)
        flips = self.rng.randint(1, 50)
        for _ in range(flips):
            body[self.rng.randrange(len(body))] = self.rng.randrange(256)
        return self._nothing(prepared, "flipped-bytes", f"{flips} bytes", bytes(body))

    def _emptied(self, prepared: Prepared) -> Variant:
        body = self.rng.choice(EMPTY_BODIES)
        return self._nothing(prepared, "emptied", repr(body), body)


def _empty_state(model: Model, index: int) -> None:
    assert isinstance(model, PageModel)
    model.states[index].holder.clear()


def _texts(fields: Iterable[Field]) -> list[Field]:
    return [found for found in fields if found.role == "text"]


def _same_codec(one: str, other: str) -> bool:
    return codecs.lookup(one).name == codecs.lookup(other).name


def _is_utf8(encoding: str) -> bool:
    return _same_codec(encoding, "utf-8")


# --- the run ---------------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """The run's counts, and what each failure was, grouped for the notes."""

    outcome: Outcome
    crashes: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    losses: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    loaded: int = 0  # reviews the imports loaded into the throwaway warehouse

    def crashed(self, name: str, error: BaseException, route: str) -> None:
        self.outcome.crashes += 1
        self.crashes[(f"{type(error).__name__} out of {route}", _where(error))].append(name)

    def lost(self, variant: Variant, missing: int, detail: str) -> None:
        self.outcome.lost += missing
        self.losses[variant.mutation].append((missing, f"{variant.name}: {missing} {detail}"))

    def notes(self) -> list[str]:
        found = [
            f"crash: {kind} at {where}, {len(names)} variants, e.g. {'; '.join(names[:3])}"
            for (kind, where), names in self.crashes.items()
        ]
        found += [
            f"lost in {mutation}: {sum(count for count, _ in cases)} reviews of {len(cases)} variants, e.g. "
            + "; ".join(case for _, case in cases[:3])
            for mutation, cases in self.losses.items()
        ]
        return found


def _where(error: BaseException) -> str:
    """The last line of revint's own code the exception went through, and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if frame.filename.startswith(str(REPO)) and "/.venv/" not in frame.filename]
    ours = [frame for frame in ours if not frame.filename.startswith(str(REPO / "stress"))]
    last = (ours or frames)[-1]
    where = f"{Path(last.filename).relative_to(REPO) if ours else last.filename}:{last.lineno} ({last.name})"
    raised = frames[-1]
    return where if raised is last else f"{where}, raised in {Path(raised.filename).name}:{raised.lineno}"


def prepare_all(bases: list[Base], rng: random.Random, tally: Tally) -> list[Prepared]:
    """The fixture and sample site documents given, and the corpus's; one that crashes its parser unmutated is a
    crash (fed as it is)."""
    prepared: list[Prepared] = []
    for base in bases + corpus_bases(SHARED_CORPUS, rng, tally.outcome.notes):
        try:
            prepared.append(prepare(base))
        except Unmutated as error:
            tally.outcome.tried += 1
            tally.crashed(base.name, error.args[0], "parse_documents")
        except (ValueError, etree.LxmlError) as error:  # not taken apart here: its variants are not made
            tally.outcome.notes.append(f"{base.name}: no variants ({type(error).__name__}: {error})")
    return prepared


def schedule(prepared: list[Prepared], generator: Generator, small: bool) -> Iterator[tuple[Prepared, str]]:
    """Which mutation of which document, in turn (the run stops when it has enough): every one that applies, again
    and again (the costly ones once) for the full run; for the small slice, a random few of each mutation first."""
    pairs = [(one, mutation) for one in prepared for mutation in MUTATIONS if generator.applies(one, mutation)]
    if small:
        by_mutation: dict[str, list[int]] = defaultdict(list)
        for number, (_, mutation) in enumerate(pairs):
            by_mutation[mutation].append(number)
        each = -(-SMALL_VARIANTS // len(by_mutation))
        first = [
            number for group in by_mutation.values() for number in generator.rng.sample(group, min(each, len(group)))
        ]
        first = generator.rng.sample(first, min(SMALL_VARIANTS, len(first)))
        chosen = set(first)
        rest = [number for number in range(len(pairs)) if number not in chosen]
        generator.rng.shuffle(rest)
        yield from (pairs[number] for number in first + rest)
        return
    yield from pairs
    again = [pair for pair in pairs if pair[1] not in ONCE_PER_DOCUMENT]
    while again:
        yield from again


def run(seed: int = 0, small: bool = False, scratch: Path | None = None) -> Outcome:
    """Feed the variants (FULL_VARIANTS, or SMALL_VARIANTS for the suite's slice) to the parsers through the
    import's functions, a sample also through `import_paths` into a throwaway warehouse under `scratch`."""
    if scratch is None:
        with tempfile.TemporaryDirectory(prefix="revint-hostile-") as folder:
            return run(seed, small, Path(folder))
    started = time.monotonic()
    rng = random.Random(seed)
    outcome = Outcome("hostile input")
    settings = Settings.from_env()
    tally = Tally(outcome)
    prepared = prepare_all(fixture_bases(outcome.notes) + sample_site_bases(settings), rng, tally)
    generator = Generator(rng)
    variants_dir = scratch / "variants"
    variants_dir.mkdir(parents=True, exist_ok=True)
    warehouse = replace(settings, data_dir=scratch / "import", db_path=scratch / "import" / "hostile.duckdb")
    imports_left = SMALL_IMPORTS if small else FULL_IMPORTS
    imported: set[tuple[str, str]] = set()
    target = SMALL_VARIANTS if small else FULL_VARIANTS
    for document, mutation in schedule(prepared, generator, small):
        if outcome.tried >= target:
            break
        variant = generator.variant(document, mutation)
        if variant is None:
            continue
        outcome.tried += 1
        path = variants_dir / f"{outcome.tried:05d}-{variant.mutation}{_suffix(variant.kind)}"
        path.write_bytes(variant.body)
        reading = feed(variant, path, tally)
        kind = (variant.mutation, variant.kind)
        if imports_left and kind not in imported and reading.answered and rng.random() < 0.5:
            imports_left -= 1
            imported.add(kind)
            import_variant(variant, path, reading, warehouse, tally)
        path.unlink()
    seconds = time.monotonic() - started
    outcome.notes[:0] = [
        f"{outcome.tried} variants of {len(prepared)} documents ({_kinds(prepared)}), seed {seed}; "
        f"{len(imported)} of them also through import_paths, which loaded {tally.loaded} reviews; {seconds:.0f} s"
    ]
    outcome.notes += tally.notes()
    return outcome


def feed(variant: Variant, path: Path, tally: Tally) -> Reading:
    """One variant as `revint parse` reads a file, checked: no crash, every review it must give given."""
    report = ParseReport()
    reading = read(documents([path], variant.source, report, variant.url), report, variant.company, str(path))
    tally.outcome.rejected.update(reading.rejected)
    if reading.crash is not None:
        tally.crashed(variant.name, reading.crash, "parse_documents")
        return reading
    if missing := variant.expected - reading.valid:
        tally.lost(variant, len(missing), f"valid reviews missing, e.g. {sorted(missing)[:3]}")
    if (short := variant.expected_count - reading.answered) > 0:
        refused = "; ".join(reason for reason in reading.rejected if reason.startswith("document rejected"))
        given = f"of {variant.expected_count} reviews neither given nor rejected one by one"
        tally.lost(variant, short, f"{given} ({refused})" if refused else given)
    return reading


def import_variant(variant: Variant, path: Path, reading: Reading, settings: Settings, tally: Tally) -> None:
    """The variant through `import_paths` as `revint import` runs it: what parses valid is written and loaded."""
    try:
        with redirect_stderr(io.StringIO()):  # its progress lines
            summary = import_paths(settings, variant.source, [path], url=variant.url, company=variant.company)
    except (OSError, ReportedError) as error:  # what the command reports in one line
        tally.outcome.rejected[f"import refused: {reason(str(error), str(path))}"] += 1
        return
    except Exception as error:  # any: what escapes here is a traceback
        tally.crashed(variant.name, error, "import_paths")
        return
    if (short := len(reading.valid) - summary.written) > 0:
        tally.lost(variant, short, "valid reviews parsed but not written by the import")
    if summary.load is not None:
        tally.loaded += summary.load.reviews_in_batch
        if (short := summary.written - summary.load.reviews_in_batch) > 0:
            tally.lost(variant, short, "reviews written but not loaded")


def _suffix(kind: str) -> str:
    return {"page": ".html", "json": ".json", "csv": ".csv"}[kind]


def _kinds(prepared: list[Prepared]) -> str:
    counts = Counter(one.base.kind for one in prepared)
    return ", ".join(f"{count} {kind}s" for kind, count in sorted(counts.items()))

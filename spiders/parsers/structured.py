"""Shared extraction for review pages: schema.org data (JSON-LD and microdata) as plain dicts, and the helpers
that turn a schema.org `Review` or `EmployerAggregateRating` into a `ReviewRecord` or company facts.

Reviewer names and profile links (`author`) are read into the dicts like any property but never mapped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import unquote, urljoin

from lxml import etree
from parsel import Selector
from w3lib.encoding import html_to_unicode

from revint.companies import canonical_company_id
from revint.record import ReviewRecord
from revint.spiders.parsers import json_text
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.values import iso_or_french_date, number, text_collapsing_whitespace

JsonObject = dict[str, Any]

REVIEW_TYPES: Final = frozenset({"Review", "EmployerReview"})
RATING_TYPES: Final = frozenset({"EmployerAggregateRating", "AggregateRating"})
# Properties that attach a review or a rating to the item that holds them (schema.org `review`, `aggregateRating`).
_ATTACHING_PROPERTIES: Final = frozenset({"review", "reviews", "aggregateRating"})
_BLOCK_TAGS: Final = frozenset({
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "li", "ol", "p", "section", "table", "td", "th", "tr", "ul",
})  # fmt: skip
_SKIPPED_TAGS: Final = frozenset({"script", "style", "template", "noscript"})
_URL_VALUE_ATTRIBUTES: Final = {
    "a": "href", "link": "href", "area": "href", "img": "src", "audio": "src", "video": "src", "source": "src",
    "iframe": "src", "embed": "src", "object": "data",
}  # fmt: skip


# --- pages -------------------------------------------------------------------------------------------------------


def selector(html: str | bytes) -> Selector:
    """An HTML selector; bytes are decoded by their BOM or declared charset (`<meta charset>`), else as UTF-8.
    A page whose tree reaches MAX_MARKUP_DEPTH levels (libxml2 may have dropped what followed) is read again
    flattened (`shallow_markup`)."""
    if isinstance(html, bytes):
        _, html = html_to_unicode(None, html)
    page = Selector(text=html, type="html")
    if _AT_DEPTH_LIMIT(page.root):
        page = Selector(text=shallow_markup(html), type="html")
    return page


MAX_MARKUP_DEPTH: Final = 1000  # real review pages nest under 60 levels; libxml2 drops all after about 2,000
_AT_DEPTH_LIMIT: Final = etree.XPath("/*" * MAX_MARKUP_DEPTH)  # the elements MAX_MARKUP_DEPTH levels down: in C
_TAG: Final = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID: Final = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)  # fmt: skip


def shallow_markup(html: str, max_depth: int = MAX_MARKUP_DEPTH) -> str:
    """`html` with its nesting cut back when it goes deeper than `max_depth`: libxml2 stops reading a page at about
    2,000 levels and silently drops the rest, reviews included. A tag opened right inside the very same tag
    (same name and attributes, nothing but spaces between: `<div><div>…`) is dropped with its closing tag, so a page
    wrapped in thousands of wrappers keeps its own markup, `<div class="a"><div class="b">` included; past that, tags
    opening deeper than `max_depth` are dropped (their text kept). Pages that nest less come back unchanged."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match[2].lower() in _VOID or match[3]:
            continue
        depth = max(0, depth - 1) if match[1] else depth + 1
        deepest = max(deepest, depth)
    if deepest <= max_depth:
        return html
    kept: list[str] = []
    last = 0
    opened: list[bool] = []  # per open tag: whether it is kept (its closing tag too)
    for match in _TAG.finditer(html):
        name = match[2].lower()
        if name in _VOID or match[3]:
            continue
        between = html[last : match.start()]
        kept.append(between)
        last = match.end()
        if match[1]:
            if not opened or opened.pop():
                kept.append(match[0])
            continue
        wrapper = bool(opened) and not between.strip() and _kept_tail_is(kept, match[0])
        keep = not wrapper and sum(opened) < max_depth
        opened.append(keep)
        if keep:
            kept.append(match[0])
    kept.append(html[last:])
    return "".join(kept)


def _kept_tail_is(kept: list[str], tag: str) -> bool:
    """Whether the last piece of markup kept is the opening `tag` (what a repeated wrapper sits right inside)."""
    for piece in reversed(kept):
        if piece.strip():
            return piece == tag
    return False


def next_page_url(page: Selector, url: str) -> str | None:
    """The absolute URL of the page's rel="next" link (a `<link>` or an `<a>`), if any."""
    rel_next = 'contains(concat(" ", normalize-space(@rel), " "), " next ")'
    href = page.xpath(f"//link[{rel_next}]/@href | //a[{rel_next}]/@href").get()
    return urljoin(url, href.strip()) if href and href.strip() else None


def element_text(node: Selector) -> str | None:
    """The visible text under a node, one line per block element or `<br>`, spaces collapsed; None when blank.
    Walked with a stack, not recursion: markup nested thousands deep is still read."""
    parts: list[str] = []
    stack: list[Any] = [("open", node.root)]
    while stack:
        step, item = stack.pop()
        if step == "text":
            parts.append(item)
            continue
        tag = item.tag if isinstance(item.tag, str) else ""
        if tag in _SKIPPED_TAGS or not tag:
            continue
        block = "\n" if tag in _BLOCK_TAGS else ""
        parts.extend([block, item.text or ""])
        stack.append(("text", block))
        for child in reversed(item):
            stack.append(("text", child.tail or ""))
            stack.append(("open", child))
    return text_collapsing_whitespace("".join(parts))


def start_page(
    html: str | bytes, url: str, fallback_name: str | None = None
) -> tuple[Selector, list[JsonObject], ParsedPage]:
    """A page's selector, its schema.org objects, and a ParsedPage holding the employer its (Employer)AggregateRating
    names (else `fallback_name`), the rel="next" URL and the errors of unreadable JSON-LD blocks."""
    page = selector(html)
    objects, errors = schema_objects(page)
    company = company_info(objects)
    parsed = ParsedPage(company_name=company.name if company else fallback_name, errors=errors)
    parsed.next_url = next_page_url(page, url)
    return page, objects, parsed


def add_records(parsed: ParsedPage, blocks: Any, read: Callable[[Any], ReviewRecord | None]) -> None:
    """Each review block of a list read into a record; `read` returns None for a block that is no review (a page
    widget) and raises ValueError, TypeError or AttributeError for a malformed one: an error of the page."""
    if not isinstance(blocks, list):
        parsed.errors.append(f"expected a list of reviews, got {type(blocks).__name__}")
        return
    for index, block in enumerate(blocks, start=1):
        try:
            record = read(block)
        except (ValueError, TypeError, AttributeError) as error:
            parsed.errors.append(f"review {index}: {error}")
            continue
        if record is not None:
            parsed.records.append(record)


def assigned_json(page: Selector, name: str) -> Any:
    """The JSON value a page script assigns to `name` (`window._initialData = {...};`); ValueError when absent."""
    assignment = re.compile(re.escape(name) + r"\s*=\s*")
    for script in page.xpath("//script/text()").getall():
        match = assignment.search(script)
        if match:
            try:
                return json_text.value_at(script, match.end())
            except json.JSONDecodeError as error:
                raise ValueError(f"{name}: invalid JSON ({error})") from None
    raise ValueError(f"no {name} = … assignment in the page")


# --- schema.org as plain dicts ---------------------------------------------------------------------------------


def json_ld(page: Selector) -> tuple[list[JsonObject], list[str]]:
    """The objects of the page's JSON-LD blocks (lists and `@graph` flattened), and one error per unreadable block."""
    objects: list[JsonObject] = []
    errors: list[str] = []
    for index, block in enumerate(page.xpath('//script[contains(@type, "ld+json")]/text()').getall(), start=1):
        try:
            data = json_text.loads(block, strict=False)
        except json.JSONDecodeError as error:
            errors.append(f"JSON-LD block {index}: invalid JSON ({error})")
            continue
        objects.extend(_flatten(data))
    return objects, errors


def _flatten(data: Any) -> Iterator[JsonObject]:
    if isinstance(data, list):
        for value in data:
            yield from _flatten(value)
    elif isinstance(data, dict):
        yield from _flatten(data.get("@graph"))
        rest = {key: value for key, value in data.items() if key != "@graph"}
        if set(rest) - {"@context"}:
            yield rest


def microdata(page: Selector) -> list[JsonObject]:
    """The page's top-level microdata items (`itemscope` without `itemprop`) as JSON-LD-like dicts."""
    return [_item(node) for node in page.xpath("//*[@itemscope][not(@itemprop)]")]


def _item(node: Selector) -> JsonObject:
    item: JsonObject = {}
    if node.attrib.get("itemtype", "").strip():
        item["@type"] = node.attrib["itemtype"].split()
    if node.attrib.get("itemid", "").strip():
        item["@id"] = node.attrib["itemid"].strip()
    _collect_properties(node, item)
    return item


def _collect_properties(node: Selector, item: JsonObject) -> None:
    for child in node.xpath("./*"):
        nested = "itemscope" in child.attrib
        names = child.attrib.get("itemprop", "").split()
        if names:
            value = _item(child) if nested else _property_value(child)
            for name in names:
                item[name] = [*as_list(item[name]), value] if name in item else value
        if not nested:
            _collect_properties(child, item)


def _property_value(node: Selector) -> str | None:
    tag = node.root.tag
    if tag == "meta":
        return node.attrib.get("content")
    if tag in _URL_VALUE_ATTRIBUTES:
        return node.attrib.get(_URL_VALUE_ATTRIBUTES[tag])
    if tag in ("time", "data", "meter") and (node.attrib.get("datetime") or node.attrib.get("value")):
        return node.attrib.get("datetime") or node.attrib.get("value")
    if "content" in node.attrib:
        return node.attrib["content"]
    return element_text(node)


def schema_objects(page: Selector) -> tuple[list[JsonObject], list[str]]:
    """JSON-LD objects then microdata items, with the errors of unreadable JSON-LD blocks."""
    objects, errors = json_ld(page)
    return objects + microdata(page), errors


def as_list(value: Any) -> list[Any]:
    """A property value as a list: schema.org allows one value or many."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def schema_types(obj: JsonObject) -> set[str]:
    """The short type names of an object: "Review" for "Review", "schema:Review" or "https://schema.org/Review"."""
    return {str(kind).rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1] for kind in as_list(obj.get("@type"))}


def find_typed(objects: list[JsonObject], types: frozenset[str]) -> list[tuple[JsonObject, str | None]]:
    """Every object (at any depth) of one of `types`, with the name of the item holding it through its `review`
    or `aggregateRating` property (the item it is about), if any."""
    found: list[tuple[JsonObject, str | None]] = []

    def walk(value: Any, holder: str | None) -> None:
        if isinstance(value, list):
            for element in value:
                walk(element, holder)
        elif isinstance(value, dict):
            if schema_types(value) & types:
                found.append((value, holder))
            name = _name(value)
            for key, child in value.items():
                walk(child, name if key in _ATTACHING_PROPERTIES else None)

    walk(objects, None)
    return found


def _name(value: Any) -> str | None:
    """A thing's name: the string itself, or a dict's `name` (or `legalName`)."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("legalName")
    if isinstance(value, list) and value:
        value = value[0]
    return text_collapsing_whitespace(value) if isinstance(value, str) else None


# --- schema.org values and review ids --------------------------------------------------------------------------


def scaled_rating(rating: Any, what: str = "rating") -> float | None:
    """A schema.org `Rating` (or a bare value) scaled from its worstRating..bestRating (default 1..5) to 1..5."""
    if not isinstance(rating, dict):
        return number(rating, what)
    value = number(rating.get("ratingValue"), what)
    if value is None:
        return None
    best = number(rating.get("bestRating"), f"{what} bestRating")
    worst = number(rating.get("worstRating"), f"{what} worstRating")
    best, worst = 5.0 if best is None else best, 1.0 if worst is None else worst
    if best <= worst:
        raise ValueError(f"{what} scale {worst}..{best} is empty")
    return round(1 + 4 * (value - worst) / (best - worst), 3)


def notes_text(notes: Any) -> str | None:
    """`positiveNotes` / `negativeNotes` as text, one line per note: text, a list, an ItemList or ListItems."""
    lines: list[str] = []
    for note in as_list(notes):
        if isinstance(note, dict):
            if "itemListElement" in note:
                lines.append(notes_text(note["itemListElement"]) or "")
                continue
            note = note.get("name") or note.get("description") or _name(note.get("item"))
        text = text_collapsing_whitespace(note) if isinstance(note, str | list) else None
        if text:
            lines.append(text)
    return text_collapsing_whitespace(lines)


def content_id(*parts: Any) -> str:
    """A stable id for a review that has none: a digest of its published content."""
    text = "\x1f".join(" ".join(str(part).split()) if part is not None else "" for part in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def name_from_slug(slug: str) -> str:
    """A readable company name from a URL slug ("deutsche-post" → "Deutsche Post", "Lidl" → "Lidl")."""
    words = re.split(r"[-_+\s]+", unquote(slug).strip())
    return " ".join(word if word != word.lower() else word.capitalize() for word in words if word)


# --- schema.org → records ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyInfo:
    """What an `EmployerAggregateRating` says about the employer: name, rating on 1..5, number of ratings."""

    name: str
    rating: float | None
    rating_count: int | None


def company_info(objects: list[JsonObject]) -> CompanyInfo | None:
    """The employer of the first (Employer)AggregateRating that names it; None when there is none.
    A rating or count that does not parse is left out: the name is what a page parser needs."""
    for rating, holder in find_typed(objects, RATING_TYPES):
        name = _name(rating.get("itemReviewed")) or holder
        if name:
            count = _or_none(number, rating.get("ratingCount") or rating.get("reviewCount"), "rating count")
            return CompanyInfo(name, _or_none(scaled_rating, rating), None if count is None else int(count))
    return None


def _or_none(read: Callable[..., float | None], *args: Any) -> float | None:
    try:
        return read(*args)
    except ValueError:
        return None


def review_record(
    review: JsonObject, *, holder: str | None, source: str, url: str, fetched_at: datetime
) -> ReviewRecord:
    """A schema.org `Review` as a record; `holder` names the employer when the review has no `itemReviewed`.

    ValueError, naming the review, when it cannot be read (no employer, a text, rating or date that does not parse).
    """
    company_name = _name(review.get("itemReviewed")) or holder
    title, body = review.get("name") or review.get("headline"), review.get("reviewBody") or review.get("description")
    own_id = next((str(review[key]).strip() for key in ("@id", "url", "identifier") if _is_id(review.get(key))), None)
    review_id = own_id or content_id(company_name, title, body, review.get("datePublished"))
    if not company_name:
        raise ValueError(f"review {review_id}: no employer named (itemReviewed) on the review or the page")
    language = review.get("inLanguage")
    try:
        return ReviewRecord(
            source=source,
            source_review_id=review_id,
            company_name=company_name,
            company_id=canonical_company_id(company_name),
            url=urljoin(url, str(review["url"])) if _is_id(review.get("url")) else url,
            fetched_at=fetched_at,
            lang=language.strip()[:2].lower() if isinstance(language, str) and language.strip() else None,
            review_date=iso_or_french_date(review.get("datePublished")),
            title=text_collapsing_whitespace(title),
            pros=notes_text(review.get("positiveNotes")),
            cons=notes_text(review.get("negativeNotes")),
            body=text_collapsing_whitespace(body),
            rating=scaled_rating(review.get("reviewRating")),
        )
    except ValueError as error:
        raise ValueError(f"review {review_id}: {error}") from None


def _is_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and bool(str(value).strip())

"""The review blocks of glassdoor.fr pages (2019), in both layouts, for when the Apollo cache cannot be used.

Both layouts put each review in `<li class="empReview" id="empReview_<id>">` with the same header (title,
stars, sub-ratings, author, recommendation); they differ in the text sections (`common__EiReviewTextStyles`
before, `v2__EIReviewDetailsV2` after). Each section is a `p.strong` heading followed by its text, which is
what is read here, so both layouts go through one path. The HTML is the weaker copy: translations replace the
original without naming its language, and the newer layout leaves the advice out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Final
from urllib.parse import urljoin

from parsel import Selector

from revint.companies import canonical_company_id
from revint.record import ReviewRecord
from revint.spiders.parsers.glassdoor_common import SOURCE, job_title, review_url, stars
from revint.spiders.parsers.structured import selector
from revint.spiders.parsers.values import (
    iso_date,
    ratings_by_label,
    subratings_by_theme,
    unescaped_text_keeping_paragraphs,
)
from revint.taxonomy import normalize_label

_BLOCKS: Final = (
    "//li[contains(concat(' ', normalize-space(@class), ' '), ' empReview ') or starts-with(@id, 'empReview_')]"
)
_FOLD: Final = re.compile(r'\.\.\.(?=<span class="[^"]*\bd-none\b)')
_HEADINGS: Final = ".//p[contains(concat(' ', normalize-space(@class), ' '), ' strong ')]"
_SECTIONS: Final = {
    "avantages": "pros",
    "inconvenients": "cons",
    "conseils a la direction": "advice",
    "pros": "pros",
    "cons": "cons",
    "advice to management": "advice",
}
_RECOMMENDS: Final = {"recommande": True, "ne recommande pas": False}
_OUTLOOKS: Final = {
    "point de vue positif": "positive",
    "point de vue neutre": "neutral",
    "point de vue negatif": "negative",
}
_CEO: Final = {
    "approuve le pdg": "approve",
    "n'approuve pas le pdg": "disapprove",
    "pas d'avis sur le pdg": "no_opinion",
}
# "Ancien stagiaire", "Intérimaire actuel" …: the word says the contract, "actuel"/"ancien" says current or former.
_STATUS: Final = re.compile(
    r"^(?:(ancien)n?e? )?(employee?|stagiaire|interimaire|apprentie?|freelance)(?: (actuel)l?e?)?$"
)
_CONTRACTS: Final = {
    "stagiaire": "intern",
    "interimaire": "contract",
    "apprenti": "apprentice",
    "apprentie": "apprentice",
    "freelance": "freelance",
}
_MONTHS: Final = {
    month: index
    for index, month in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
_JS_DATE: Final = re.compile(r"^\w{3} (\w{3}) (\d{1,2}) (\d{4})")  # "Thu Dec 12 2019 15:39:27 GMT-0800 (PST)"


def page_selector(html: str) -> Selector:
    """The page, with long texts unfolded: Glassdoor shows "start...<span class="d-none">rest</span>"."""
    return selector(_FOLD.sub("", html))


def review_blocks(page: Selector) -> list[tuple[str, Selector]]:
    """Each review block with its id ("" when the block has none)."""
    return [(node.attrib.get("id", "").removeprefix("empReview_").strip(), node) for node in page.xpath(_BLOCKS)]


def company_name(page: Selector) -> str | None:
    """The employer as the page names it: the reviews' hidden hReview item, else the "Avis sur …" heading."""
    name = page.css(".hreview .item .fn::text").get()
    heading = re.sub(r"^Avis sur\s+", "", _joined(page.css("h1 ::text")) or "")
    return unescaped_text_keeping_paragraphs(name) or unescaped_text_keeping_paragraphs(heading)


def next_url(page: Selector, url: str) -> str | None:
    """The next review page: `<link rel="next">`, else the pager's arrow unless it is disabled (last page)."""
    href = page.css('link[rel="next"]::attr(href)').get()
    arrow = page.css('a[class*="nextArrow"]')
    if not href and arrow and "disabled" not in arrow.attrib.get("class", ""):
        href = arrow.attrib.get("href")
    return urljoin(url, href) if href else None


def record_from_block(
    node: Selector, review_id: str, *, company_name: str | None, page_url: str, fetched_at: datetime
) -> ReviewRecord:
    """One review block; ValueError when there is no company name or its date or a rating cannot be read."""
    if not company_name:
        raise ValueError(f"review {review_id}: no company name on the page")
    status, job = _author(node)
    intro = normalize_label(_joined(node.css("p.mainText ::text")) or "")
    facts = {normalize_label(text) for text in node.css(".recommends span::text").getall()}
    platform_ratings = ratings_by_label(
        (
            _joined(item.css(".minor ::text")) or "",
            stars(item.css(".gdBars::attr(title)").get(), f"review {review_id}: sub-rating"),
        )
        for item in node.css(".subRatings li")
    )
    sections = _sections(node)
    return ReviewRecord(
        source=SOURCE,
        source_review_id=review_id,
        company_name=company_name,
        company_id=canonical_company_id(company_name),
        url=review_url(page_url, node.css("a.reviewLink::attr(href)").get(), review_id),
        fetched_at=fetched_at,
        lang=None,  # a translation is shown without its source language: the tagger detects what is there
        review_date=_review_date(node, review_id),
        title=_title(node),
        pros=sections.get("pros"),
        cons=sections.get("cons"),
        advice=sections.get("advice"),
        rating=stars(node.css(".rating .value-title::attr(title)").get(), f"review {review_id}: rating"),
        subratings=subratings_by_theme(platform_ratings),
        platform_ratings=platform_ratings,
        job_title=job,
        location=unescaped_text_keeping_paragraphs(_joined(node.css(".authorLocation ::text"))),
        employment_status=_employment_status(status, intro),
        is_current=_is_current(status, intro),
        recommends=next((value for label, value in _RECOMMENDS.items() if label in facts), None),
        ceo_approval=next((value for label, value in _CEO.items() if label in facts), None),
        business_outlook=next((value for label, value in _OUTLOOKS.items() if label in facts), None),
        employer_responses=len(node.css(".empRepComment")),
    )


def _joined(nodes: Iterable[Selector]) -> str | None:
    return "".join(node.get() for node in nodes).strip() or None


def _title(node: Selector) -> str | None:
    """The summary without Glassdoor's « » quotes."""
    text = unescaped_text_keeping_paragraphs(_joined(node.css("h2.summary ::text")))
    quoted = re.fullmatch(r"«\s*(.*?)\s*»", text or "", re.DOTALL)
    return unescaped_text_keeping_paragraphs(quoted.group(1)) if quoted else text


def _sections(node: Selector) -> dict[str, str]:
    """Pros, cons and advice by their headings; other headings (an employer's reply) are not review text."""
    found: dict[str, str] = {}
    for heading in node.xpath(_HEADINGS):
        name = _SECTIONS.get(normalize_label(_joined(heading.xpath(".//text()")) or ""))
        text = unescaped_text_keeping_paragraphs(_joined(heading.xpath("following-sibling::p[1]//text()")))
        if name and text and name not in found:
            found[name] = text
    return found


def _author(node: Selector) -> tuple[str, str | None]:
    """("ancien employe", "Consultant") from "Ancien employé - Consultant"."""
    text = unescaped_text_keeping_paragraphs(_joined(node.css(".authorJobTitle ::text"))) or ""
    head, _, rest = text.partition(" - ")
    status = normalize_label(head)
    if not _STATUS.match(status):
        status, rest = "", text
    return status, job_title(rest)


def _is_current(status: str, intro: str) -> bool | None:
    """From "Employé actuel"/"Ancien employé", else from "Je travaille …"/"J'ai travaillé …"."""
    found = _STATUS.match(status)
    if found and (found.group(1) or found.group(3)):
        return found.group(3) is not None
    if intro.startswith("je travaille"):
        return True
    return False if intro.startswith("j'ai travaille") else None


def _employment_status(status: str, intro: str) -> str | None:
    """The contract named in the status ("stagiaire" …), else "à temps plein/partiel" in the intro line."""
    found = _STATUS.match(status)
    contract = _CONTRACTS.get(found.group(2)) if found else None
    if contract:
        return contract
    if "a temps partiel" in intro:
        return "part_time"
    return "full_time" if "a temps plein" in intro else None


def _review_date(node: Selector, review_id: str) -> date | None:
    """The date Glassdoor displays (its `<time>`, US Pacific), else the hidden hReview date."""
    shown = (node.css("time::attr(datetime)").get() or "").strip()
    hidden = (node.css(".dtreviewed::text").get() or "").strip()
    found = _JS_DATE.match(shown)
    try:
        if found and found.group(1) in _MONTHS:
            return date(int(found.group(3)), _MONTHS[found.group(1)], int(found.group(2)))
        if not shown:
            return iso_date(hidden) if hidden else None
    except ValueError:
        pass
    raise ValueError(f"review {review_id}: unparseable date {shown or hidden!r}")

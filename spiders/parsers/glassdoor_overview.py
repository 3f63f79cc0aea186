"""Glassdoor's company overview pages ("Présentation", glassdoor.fr, 2019): what an employer is, not what its staff say.

The facts sit in one box, `<div id="EmpBasicInfo" data-emp-id="…">`, one `<div class="infoEntity">` per fact: a
`<label>` (Site Web, Siège social, Taille, Fondé en, Type, Secteur, Revenu; "Fait partie de" and "Maintenant
appelé" at times) and its `<span class="value">`. The 140 saved pages all use this box; rows come and go (no
"Siège social" on some, no "Site Web" on others) and "Inconnu" stands for a value Glassdoor does not know, so facts
are read by label, never by position. The header gives the employer's name (`<h1 data-company>`) and its number of
reviews. The few reviews an overview page also shows are not read: they are cut-short copies of reviews the review
pages hold in full, and a later copy would replace the full one.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from parsel import Selector

from revint.companies import CompanyProfile, canonical_company_id
from revint.spiders.parsers.glassdoor_common import SOURCE
from revint.spiders.parsers.structured import selector
from revint.spiders.parsers.values import (
    abbreviated_count,
    text_collapsing_whitespace,
    unescaped_text_keeping_paragraphs,
)
from revint.taxonomy import normalize_label

FACTS_BOX: Final = "EmpBasicInfo"  # the element id that makes a page an overview page
# The facts' labels (compared folded: no accents, case or trailing colon) → CompanyProfile fields.
_FACTS: Final = {
    "site web": "website",
    "siege social": "headquarters",
    "taille": "size",
    "fonde en": "founded",
    "type": "company_type",
    "secteur": "sector",
    "revenu": "revenue",
}
# What Glassdoor writes for a value it does not know (folded), with or without the revenue's " par an".
_UNKNOWN: Final = frozenset({"inconnu", "ne sait pas / non applicable"})
_YEAR: Final = re.compile(r"\d{4}")
_EMPLOYER_IN_URL: Final = re.compile(r"-EI_IE(\d+)\.")
_DOUBLED_SCHEME: Final = re.compile(r"^https?://(?=https?://)")  # "http://https://…", as Glassdoor links some sites


def parse_overview(html: str, url: str, fetched_at: datetime) -> CompanyProfile | None:
    """The employer's profile from its overview page; None for a page that is not one, or names no employer.

    A fact the page leaves out, or gives as unknown, is None; nothing in the box makes the parse fail.
    """
    if FACTS_BOX not in html:  # most pages read are review pages: no need to parse them again
        return None
    page = selector(html)
    box = page.css(f"#{FACTS_BOX}")
    name = _company_name(page)
    if not box or not name:
        return None
    facts = _facts(box[0])
    founded = facts.get("founded")
    employer = box[0].attrib.get("data-emp-id") or next(iter(_EMPLOYER_IN_URL.findall(url)), None)
    return CompanyProfile(
        source=SOURCE,
        company_name=name,
        company_id=canonical_company_id(name),
        url=url,
        fetched_at=fetched_at,
        source_company_id=(employer or "").strip() or None,
        sector=facts.get("sector"),
        size=facts.get("size"),
        headquarters=facts.get("headquarters"),
        founded=int(founded) if founded and _YEAR.fullmatch(founded) else None,
        company_type=facts.get("company_type"),
        revenue=facts.get("revenue"),
        website=facts.get("website"),
        source_reviews=_review_count(page),
    )


def _company_name(page: Selector) -> str | None:
    """The employer as the header names it (`<h1 data-company>`, else its text), else the facts box's title."""
    heading = page.css("h1[data-company]::attr(data-company)").get() or "".join(page.css("h1 ::text").getall())
    title = re.sub(r"^\s*Présentation de\s+", "", "".join(page.css(f"#{FACTS_BOX} h2 ::text").getall()))
    return _text(heading) or _text(title)


def _facts(box: Selector) -> dict[str, str]:
    """The box's known facts by field, each value cleaned; values given as unknown and other labels left out."""
    found: dict[str, str] = {}
    for entity in box.css(".infoEntity"):
        field = _FACTS.get(normalize_label("".join(entity.css("label ::text").getall())).rstrip(" :"))
        value = _website(entity) if field == "website" else _text("".join(entity.css(".value ::text").getall()))
        if field and value and normalize_label(value).removesuffix(" par an") not in _UNKNOWN:
            found.setdefault(field, value)
    return found


def _text(raw: str | None) -> str | None:
    """Entities decoded (the page escapes some twice: "d&amp;#039;1 million"), whitespace collapsed to one line."""
    text = unescaped_text_keeping_paragraphs(raw)
    return text_collapsing_whitespace(text.replace("\n", " ")) if text else None


def _website(entity: Selector) -> str | None:
    """The employer's site: its link's address, less the doubled scheme Glassdoor writes at times
    ("http://https://…"), else the text shown."""
    href = _DOUBLED_SCHEME.sub("", (entity.css(".value a::attr(href)").get() or "").strip())
    return href or _text("".join(entity.css(".value ::text").getall()))


def _review_count(page: Selector) -> int | None:
    """The number of reviews in the header's "Avis" cell ("512", "5,6k"); None when absent or unreadable."""
    shown = "".join(page.css("a.eiCell.reviews .num ::text").getall())
    try:
        return abbreviated_count(shown, "review count")
    except ValueError:
        return None

"""Parser for Kununu review pages (kununu.com/<country>/<company>/kommentare) and for exports of them.

A Kununu review carries a text and stars per rating factor (Arbeitsatmosphäre, Work-Life-Balance, …): texts go to
`factor_texts` and stars to `platform_ratings`, both keyed by the factor's own name, and the stars by theme to
`subratings` through the taxonomy's crosswalk (`revint.taxonomy`). Reviews are read into the shape of the
kununu-deutsche-post export (../shared/corpus): title, rating, recommendation, date ("Oktober 2025"), position,
department, location, pros, cons, suggestions, categories {factor: text} and category_ratings {factor: stars};
pages and exports share the rest. Kununu publishes no review id here: the id is a digest of the review's texts.

On a page, a review is an `<article>`: an `<h3>` title, the overall score in a `span` whose (CSS-module) class
holds `__score__` ("3,4"), "Empfohlen" / "Nicht empfohlen", the month ("Oktober 2025"), the reviewer's position
("Angestellte/r oder Arbeiter/in", "Ex-…" for former staff) and one block per factor or pro/con section: an `<h4>`
label, the stars as `data-score` and the text in `<p>`. Other `<article>`s (page widgets) are not reviews.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from parsel import Selector

from revint.companies import canonical_company_id
from revint.record import ReviewRecord
from revint.spiders.parsers.page import ParsedPage
from revint.spiders.parsers.structured import add_records, content_id, element_text, name_from_slug, start_page
from revint.spiders.parsers.values import number, ratings_by_label, subratings_by_theme, text_collapsing_whitespace
from revint.taxonomy import normalize_label

SOURCE = "kununu"
FACTORS: Final = (
    "Arbeitsatmosphäre", "Image", "Work-Life-Balance", "Karriere/Weiterbildung", "Gehalt/Sozialleistungen",
    "Umwelt-/Sozialbewusstsein", "Kollegenzusammenhalt", "Umgang mit älteren Kollegen", "Vorgesetztenverhalten",
    "Arbeitsbedingungen", "Kommunikation", "Gleichberechtigung", "Interessante Aufgaben",
)  # fmt: skip
SECTIONS: Final = {
    "gut am arbeitgeber finde ich": "pros",
    "schlecht am arbeitgeber finde ich": "cons",
    "verbesserungsvorschlage": "suggestions",
}
# Positions a reviewer picks; "Ex-" in front marks former staff.
POSITIONS: Final[dict[str, str | None]] = {
    "angestellte/r oder arbeiter/in": None,
    "fuhrungskraft / management": None,
    "azubi": "apprentice",
    "praktikant/in": "intern",
    "werkstudent/in": "part_time",
    "freelancer/in": "freelance",
    "zeitarbeiter/in": "contract",
}
RECOMMENDATIONS: Final = {"empfohlen": True, "nicht empfohlen": False}
MONTHS: Final = {
    name: month
    for month, names in enumerate(
        ("januar jänner", "februar", "marz", "april", "mai", "juni", "juli", "august", "september", "oktober",
         "november", "dezember"),
        start=1,
    )
    for name in normalize_label(names).split()
}  # fmt: skip
_MONTH_YEAR: Final = re.compile(r"(?:(\d{1,2})\.\s*)?([a-z]+)\s+(\d{4})")
# "Hat zum Zeitpunkt der Bewertung im Bereich Logistik bei X in Köln gearbeitet." / "Hat bis 2023 … gearbeitet."
_EMPLOYMENT: Final = re.compile(
    r"Hat (?:zum Zeitpunkt der Bewertung|bis (?P<until>\d{4}))(?: im Bereich .+?)? bei .+?"
    r"(?: in (?P<location>[^.]+?))? gearbeitet"
)
_COMPANY_SLUG: Final = re.compile(r"kununu\.com/[a-z]{2}/([^/?#]+)")
_EXPORT_FIELDS: Final = ("title", "rating", "recommendation", "date", "position", "department", "location", "pros",
                         "cons", "suggestions")  # fmt: skip
_FACTORS_FOLDED: Final = {normalize_label(factor): factor for factor in FACTORS}


def parse_page(html: str | bytes, url: str, fetched_at: datetime) -> ParsedPage:
    """Records from one Kununu review page; a review block that cannot be read becomes an error."""
    page, _, parsed = start_page(html, url, _name_from_url(url))
    add_records(
        parsed,
        page.xpath("//article"),
        lambda article: _record(_article_row(article), parsed.company_name, url, fetched_at),
    )
    return parsed


def parse_export(data: Any, url: str, fetched_at: datetime, company_name: str | None = None) -> ParsedPage:
    """Records from an export: the JSON list of kununu-deutsche-post, or its CSV rows (`csv.DictReader`), where
    factor texts are columns named after the factor (or "<factor>_comment", with stars in "<factor>_rating").
    The employer is `company_name`, else the one in `url` (kununu.com/de/<company>/kommentare)."""
    parsed = ParsedPage(company_name=company_name or _name_from_url(url))
    add_records(parsed, data, lambda row: _record(_export_row(row), parsed.company_name, url, fetched_at))
    return parsed


def _article_row(article: Selector) -> dict[str, Any]:
    """One `<article>` in the export's shape."""
    titles = article.xpath(".//h3")
    row: dict[str, Any] = {
        "title": element_text(titles[0]) if titles else None,
        "rating": article.xpath('.//span[contains(@class, "__score__")][not(@data-score)]/text()').get(),
        "categories": {},
        "category_ratings": {},
    }
    for heading in article.xpath(".//h4"):
        label = element_text(heading) or ""
        block = heading.xpath("..")[0]
        text = text_collapsing_whitespace([element_text(paragraph) or "" for paragraph in block.xpath(".//p")])
        section = SECTIONS.get(normalize_label(label))
        if section:
            row[section] = text
            continue
        row["categories"][label] = text
        row["category_ratings"][label] = block.xpath(".//*[@data-score]/@data-score").get()
    in_blocks = "ancestor::*[h4]"
    for line in article.xpath(f".//text()[normalize-space()][not({in_blocks})][not(ancestor::h3)]").getall():
        line = " ".join(line.split())
        folded = normalize_label(line)
        if folded in RECOMMENDATIONS:
            row["recommendation"] = line
        elif (month := _MONTH_YEAR.fullmatch(folded)) and month.group(2) in MONTHS:
            row["date"] = line
        elif folded.removeprefix("ex-") in POSITIONS:
            row["position"] = line
        elif employment := _EMPLOYMENT.search(line):
            row["location"] = employment.group("location")
            row["is_current"] = employment.group("until") is None
    return row


def _export_row(row: Any) -> dict[str, Any]:
    """An export row with its factor columns (CSV) gathered into `categories` / `category_ratings`."""
    if not isinstance(row, Mapping):
        raise TypeError(f"expected an object, got {type(row).__name__}")
    merged: dict[str, Any] = {field: row.get(field) for field in _EXPORT_FIELDS}
    for key in ("categories", "category_ratings"):
        if not isinstance(row.get(key) or {}, Mapping):
            raise TypeError(f"{key} is not an object")
        merged[key] = dict(row.get(key) or {})
    for column, value in row.items():
        kind = "category_ratings" if column.endswith("_rating") else "categories"
        factor = _FACTORS_FOLDED.get(normalize_label(column.removesuffix("_rating").removesuffix("_comment")))
        if factor and value:
            merged[kind][factor] = value
    return merged


def _is_review(row: Mapping[str, Any]) -> bool:
    """Whether a row holds anything beyond a title: widgets scraped as reviews hold a heading only."""
    fields = ("rating", "recommendation", "date", "pros", "cons", "suggestions", "categories", "category_ratings")
    return any(_filled(row.get(field)) for field in fields)


def _filled(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_filled(element) for element in value.values())
    return value is not None and bool(str(value).strip())


def _record(row: dict[str, Any], company_name: str | None, url: str, fetched_at: datetime) -> ReviewRecord | None:
    """A review row as a record; None for a row that is no review (a widget: "Wir suchen die besten Arbeitgeber")."""
    if not _is_review(row):
        return None
    if company_name is None:
        raise ValueError("no employer name on the page or in the URL")
    factor_texts = {
        label.strip(): text
        for label, value in row.get("categories", {}).items()
        if (text := text_collapsing_whitespace(value))
    }
    platform_ratings = ratings_by_label(
        (label, number(value, f"stars for {label!r}")) for label, value in row.get("category_ratings", {}).items()
    )
    role, former = _position(text_collapsing_whitespace(row.get("position")))
    recommendation = normalize_label(row.get("recommendation") or "")
    if recommendation and recommendation not in RECOMMENDATIONS:
        raise ValueError(f"unknown recommendation {row['recommendation']!r}")
    title, pros, cons, advice = (
        text_collapsing_whitespace(row.get(field)) for field in ("title", "pros", "cons", "suggestions")
    )
    return ReviewRecord(
        source=SOURCE,
        source_review_id=content_id(
            title, row.get("date"), recommendation, pros, cons, advice, *sorted(factor_texts.items())
        ),
        company_name=company_name,
        company_id=canonical_company_id(company_name),
        url=url,
        fetched_at=fetched_at,
        review_date=_month_date(row.get("date")),
        title=title,
        pros=pros,
        cons=cons,
        advice=advice,
        rating=number(row.get("rating"), "rating"),
        subratings=subratings_by_theme(platform_ratings),
        platform_ratings=platform_ratings,
        factor_texts=factor_texts,
        job_title=role,
        location=text_collapsing_whitespace(row.get("location")),
        employment_status=POSITIONS.get(normalize_label(role)) if role else None,
        is_current=False if former else row.get("is_current"),
        recommends=RECOMMENDATIONS.get(recommendation),
    )


def _position(text: str | None) -> tuple[str | None, bool]:
    """A Kununu position and whether it marks former staff ("Ex-Azubi" → "Azubi", True); (None, False) for text
    that is none of Kununu's positions (scrapers mistake review text for it)."""
    role = re.sub(r"^Ex-\s*", "", text or "")
    if normalize_label(role) not in POSITIONS:
        return None, False
    return role, role != text


def _month_date(text: Any) -> date | None:
    """ "Oktober 2025" → 2025-10-01 (Kununu dates a review by month), "8. Oktober 2025" → 2025-10-08."""
    if text is None or not str(text).strip():
        return None
    match = _MONTH_YEAR.fullmatch(normalize_label(str(text)))
    if match is None or match.group(2) not in MONTHS:
        raise ValueError(f"unparseable date {text!r}")
    try:
        return date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1) or 1))
    except ValueError:
        raise ValueError(f"invalid date {text!r}") from None


def _name_from_url(url: str) -> str | None:
    match = _COMPANY_SLUG.search(url)
    return name_from_slug(match.group(1)) if match else None

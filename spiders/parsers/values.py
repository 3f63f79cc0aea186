"""The value cleaning every parser calls: texts, numbers, dates and sub-ratings read one way each, tested once
(tests/unit/spiders/parsers/test_values.py), so that a fix for one site's way of writing a value holds for all."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from datetime import date
from typing import Final

from revint.taxonomy import normalize_label, themes_for_rating_label

# --- texts -------------------------------------------------------------------------------------------------------


def unescaped_text_keeping_paragraphs(text: str | None) -> str | None:
    """Prose stored HTML-escaped ("R&amp;D", "D&#039;", as Glassdoor keeps it in its JSON and, at times, its HTML):
    entities decoded, line endings as "\\n", each line's trailing blanks and the text's outer blank lines dropped;
    the reviewer's layout (blank lines between paragraphs, indents, runs of spaces) is kept, so that two copies
    of one text compare equal. None when nothing is left."""
    if not text:
        return None
    unescaped = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in unescaped.split("\n")).strip() or None


def text_collapsing_whitespace(value: object) -> str | None:
    """Text from markup or a list of lines (a `str` or `list[str]`): one line per non-blank line, each trimmed and
    with its runs of whitespace collapsed to one space, since in HTML and exports they are layout, not content.
    None when nothing is left; ValueError for a value that is not text."""
    if value is None:
        return None
    lines: list[object] = value if isinstance(value, list) else [value]
    texts = [line for line in lines if isinstance(line, str)]
    if len(texts) != len(lines):
        raise ValueError(f"expected text, got {value!r}")
    split = (" ".join(part.split()) for line in texts for part in line.splitlines())
    return "\n".join(line for line in split if line) or None


# --- numbers -----------------------------------------------------------------------------------------------------

# The no-break and narrow no-break spaces French pages put between thousands.
_THOUSANDS_SPACES: Final = str.maketrans("", "", "\u00a0\u202f")


def number(value: object, what: str) -> float | None:
    """A JSON number, or text with a decimal comma or point ("4,5", "4.5", " 4 ") and maybe a thousands space
    (no-break or narrow no-break, as French pages print "1 234"), as a float.

    None when absent or blank (not rated); ValueError naming `what` for anything else (junk, NaN, infinity, a bool,
    a list), because a value that is there but unreadable means the page changed and must not pass as "not rated".
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed = math.nan
    if isinstance(value, str):
        with suppress(ValueError):
            parsed = float(value.strip().translate(_THOUSANDS_SPACES).replace(",", "."))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        with suppress(OverflowError):  # an integer too large for a float
            parsed = float(value)
    if not math.isfinite(parsed):
        raise ValueError(f"{what} {value!r} is not a number")
    return parsed


# A count as sites print it in a page's header: "512", "1 234", "5,6k" (5,600), "2.1k"; "--" when there is none.
_ABBREVIATED_COUNT: Final = re.compile(r"(\d+(?:[.,]\d+)?)\s*([kKmM]?)")
_MULTIPLIERS: Final = {"": 1, "k": 1_000, "m": 1_000_000}


def abbreviated_count(value: str | None, what: str) -> int | None:
    """A count with maybe a decimal comma and a "k" or "M" ("5,6k" → 5600), as sites print counts in a header.

    None when absent, blank or a dash placeholder ("--", "—": none to show); ValueError naming `what` otherwise.
    """
    text = (value or "").strip().translate(_THOUSANDS_SPACES).replace(" ", "")
    if not text.strip("-—–"):
        return None
    found = _ABBREVIATED_COUNT.fullmatch(text)
    if found is None:
        raise ValueError(f"{what} {value!r} is not a count")
    return round(float(found.group(1).replace(",", ".")) * _MULTIPLIERS[found.group(2).lower()])


# --- dates -------------------------------------------------------------------------------------------------------

# Month names and the abbreviations French sites print, compared without accents or a trailing dot.
_FRENCH_MONTHS: Final[dict[str, int]] = {
    "janvier": 1, "janv": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip
_FRENCH_DATE: Final = re.compile(r"(?:le\s+)?(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})")


def french_date(text: str) -> date:
    """A French day-month-year date ("8 avril 2014", "1er mars 2015", "le 3 févr. 2020"); ValueError otherwise."""
    match = _FRENCH_DATE.fullmatch(normalize_label(text))
    month = _FRENCH_MONTHS.get(match.group(2)) if match else None
    if match is None or month is None:
        raise ValueError(f"{text!r} is not a French date")
    try:
        return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None


def iso_date(text: str) -> date:
    """The day of an ISO date or date-time ("2024-11-03", "2024-11-03T09:12:00+01:00") as written, with no time zone
    conversion: a site dates a review in its own time; ValueError otherwise."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date") from None


def iso_or_french_date(value: object) -> date | None:
    """An ISO date (or date-time), else a French date, as pages write schema.org's `datePublished`; None when absent
    or blank; ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        for read in (iso_date, french_date):
            with suppress(ValueError):
                return read(value)
    raise ValueError(f"date {value!r} is not a date")


# --- sub-ratings -------------------------------------------------------------------------------------------------


def ratings_by_label(labelled: Iterable[tuple[str, float | None]]) -> dict[str, float]:
    """Sub-ratings under the platform's own labels (trimmed), as read with `number`; one without a value (not rated)
    is left out."""
    return {label.strip(): value for label, value in labelled if value is not None}


def subratings_by_theme(ratings: Mapping[str, float]) -> dict[str, float]:
    """Platform sub-ratings (by the platform's label) by taxonomy theme, through the crosswalk
    (`themes_for_rating_label`); a label with no theme is left out.

    Labels that share a theme are averaged, rounded to 3 decimals: Kununu rates "Arbeitsatmosphäre" and
    "Kollegenzusammenhalt", both culture, and neither is more the culture rating than the other; keeping one would
    make the theme's value depend on the order in which the page lists them.
    """
    by_theme: dict[str, list[float]] = {}
    for label, value in ratings.items():
        for theme in themes_for_rating_label(label):
            by_theme.setdefault(theme, []).append(value)
    return {theme: round(sum(values) / len(values), 3) for theme, values in by_theme.items()}

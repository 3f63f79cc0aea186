"""French number and date strings as review sites print them: "4,0", "8 avril 2014", "1er mars 2015"."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Final

from revint.taxonomy import normalize_label

# Month names and the abbreviations sites print, compared without accents or a trailing dot.
MONTHS: Final[dict[str, int]] = {
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
_DATE: Final = re.compile(r"(?:le\s+)?(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})")


def parse_decimal(text: str) -> float:
    """A number written with a decimal comma or point ("4,0", "3.5", " 4 "); ValueError otherwise."""
    cleaned = text.strip().replace("\u00a0", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a number")
    return value


def parse_french_date(text: str) -> date:
    """A French day-month-year date ("8 avril 2014", "1er mars 2015", "le 3 févr. 2020"); ValueError otherwise."""
    match = _DATE.fullmatch(normalize_label(text))
    month = MONTHS.get(match.group(2)) if match else None
    if match is None or month is None:
        raise ValueError(f"{text!r} is not a French date")
    try:
        return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None

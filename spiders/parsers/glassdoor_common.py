"""What the Glassdoor parsers share, so that a review reads the same from the HTML, the Apollo cache or GraphQL."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Final
from urllib.parse import urljoin

from revint.taxonomy import normalize_label, themes_for_rating_label

SOURCE: Final = "glassdoor"

# Glassdoor's JSON rating fields and the labels each site publishes for them (the platform_ratings keys).
RATING_LABELS_FR: Final = {
    "ratingWorkLifeBalance": "Équilibre travail/vie privée",
    "ratingCultureAndValues": "Culture et valeurs",
    "ratingDiversityAndInclusion": "Diversité et inclusion",
    "ratingCareerOpportunities": "Opportunités de carrière",
    "ratingCompensationAndBenefits": "Rémunération et avantages",
    "ratingSeniorLeadership": "Équipe dirigeante",
}
RATING_LABELS_EN: Final = {
    "ratingWorkLifeBalance": "Work/Life Balance",
    "ratingCultureAndValues": "Culture & Values",
    "ratingDiversityAndInclusion": "Diversity & Inclusion",
    "ratingCareerOpportunities": "Career Opportunities",
    "ratingCompensationAndBenefits": "Compensation & Benefits",
    "ratingSeniorLeadership": "Senior Management",
}


def clean_text(text: str | None) -> str | None:
    """Entities decoded, line breaks as "\\n", no trailing blanks: the JSON and HTML copies of a text compare equal.

    Glassdoor stores texts HTML-escaped, so the JSON says "R&amp;D" and the HTML sometimes shows "D&#039;".
    """
    if not text:
        return None
    unescaped = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in unescaped.split("\n")).strip() or None


def job_title(text: str | None) -> str | None:
    """A job title, or None for Glassdoor's placeholders ("Employé anonyme", "Stagiaire anonyme", "Anonymous")."""
    title = clean_text(text)
    folded = normalize_label(title or "")
    return None if not title or folded == "anonymous" or folded.endswith((" anonyme", "anonymous employee")) else title


def number(value: object, what: str) -> float | None:
    """A rating as a float; None when absent; ValueError for anything that is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{what} {value!r} is not a number")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a number") from None


def rating_maps(labelled: Iterable[tuple[str, float | None]]) -> tuple[dict[str, float], dict[str, float]]:
    """Sub-ratings by taxonomy theme and by platform label; Glassdoor writes 0 for "not rated", which is left out."""
    themes: dict[str, float] = {}
    platform: dict[str, float] = {}
    for label, value in labelled:
        if not value:
            continue
        platform[label] = value
        for theme in themes_for_rating_label(label):
            themes[theme] = value
    return themes, platform


def review_url(page_url: str, href: str | None, review_id: str) -> str:
    """The review's permalink when the page gives one, else an anchor on the page it was read from."""
    return urljoin(page_url, href) if href else f"{page_url.split('#')[0]}#{review_id}"

"""What the Glassdoor parsers share, so that a review reads the same from the HTML, the Apollo cache or GraphQL."""

from __future__ import annotations

from typing import Final
from urllib.parse import urljoin

from revint.spiders.parsers.values import number, unescaped_text_keeping_paragraphs
from revint.taxonomy import normalize_label

SOURCE: Final = "glassdoor"

# Glassdoor's JSON values (Apollo cache, GraphQL, the exports that copy them) → revint's.
EMPLOYMENT_STATUS: Final = {
    "REGULAR": "full_time",
    "PART_TIME": "part_time",
    "CONTRACT": "contract",
    "INTERN": "intern",
    "APPRENTICE": "apprentice",
    "FREELANCE": "freelance",
}
RECOMMENDS: Final = {"POSITIVE": True, "NEGATIVE": False}
CEO_APPROVAL: Final = {"APPROVE": "approve", "DISAPPROVE": "disapprove", "NO_OPINION": "no_opinion"}
BUSINESS_OUTLOOK: Final = {"POSITIVE": "positive", "NEUTRAL": "neutral", "NEGATIVE": "negative"}

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


def job_title(text: str | None) -> str | None:
    """A job title, or None for Glassdoor's placeholders ("Employé anonyme", "Stagiaire anonyme", "Anonymous")."""
    title = unescaped_text_keeping_paragraphs(text)
    folded = normalize_label(title or "")
    return None if not title or folded == "anonymous" or folded.endswith((" anonyme", "anonymous employee")) else title


def stars(value: object, what: str) -> float | None:
    """A rating as `number` reads it, None for the 0 Glassdoor writes when a reviewer did not rate."""
    return number(value, what) or None


def review_url(page_url: str, href: str | None, review_id: str) -> str:
    """The review's permalink when the page gives one, else an anchor on the page it was read from."""
    return urljoin(page_url, href) if href else f"{page_url.split('#')[0]}#{review_id}"

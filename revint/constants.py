"""Constants every stage shares."""

from __future__ import annotations

from typing import Final

# The languages the tagger reads: reviews in any other raise no theme, and the marts count only these.
TAGGED_LANGUAGES: Final = ("fr", "en")

# How many reviews at the all-company baseline a company's share is smoothed with, so that 2 of 3 reviews
# do not outrank 40 of 100 (warehouse marts and insights).
SMOOTHING_WEIGHT: Final = 10

# The tagger's evidence (revint/record.py Mention.evidence) a one-theme unit needs to be quoted under its theme:
# stricter than tagging. Chosen on out-of-fold scores of the real training units, never on held-out ones: the
# lowest bar at which such units with substance are right 96 % of the time for each polarity (docs/insights.md),
# 0.96 of the raw evidence; since revint_themes-2.1.0 evidence is calibrated, and this is that bar's calibrated
# value (the same units are quoted, but for rounding at the edge).
QUOTE_EVIDENCE: Final = 0.832
# Tagger versions whose evidence is raw (a product of probabilities, not calibrated): their mentions are quoted
# only once `revint retag` has re-tagged them, as those with no evidence at all (before 1.2.0).
RAW_EVIDENCE_VERSIONS: Final = ("revint_themes-1.2.0", "revint_themes-2.0.0")

DEFAULT_CONTACT_URL: Final = "https://github.com/revint/revint"


def user_agent(contact_url: str = DEFAULT_CONTACT_URL) -> str:
    """How the crawler names itself to the sites it visits, with where to reach its operators."""
    return f"revint/0.1 (employer-review research crawler; +{contact_url})"


# The constants SQL files may name as `$parameters`.
SQL_CONSTANTS: Final = {
    "smoothing_weight": SMOOTHING_WEIGHT,
    "quote_evidence": QUOTE_EVIDENCE,
    "raw_evidence_versions": list(RAW_EVIDENCE_VERSIONS),
}


def sql_parameters(query: str) -> dict[str, object]:
    """The shared constants a query names as `$parameters` (DuckDB refuses parameters a query does not use)."""
    return {name: value for name, value in SQL_CONSTANTS.items() if f"${name}" in query}

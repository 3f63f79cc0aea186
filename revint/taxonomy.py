"""The theme taxonomy (../shared/taxonomy.md v1): ids, labels and the platforms' rating crosswalk."""

import unicodedata
from functools import lru_cache
from typing import Final, Literal

Polarity = Literal["positive", "negative"]
POLARITIES: Final = ("positive", "negative")

THEMES: Final[dict[str, tuple[str, str]]] = {
    "management": ("Management", "Management & leadership"),
    "culture": ("Culture et valeurs", "Culture & values"),
    "work_life_balance": ("Équilibre vie pro / vie perso", "Work-life balance"),
    "workload": ("Charge de travail", "Workload & pressure"),
    "compensation": ("Rémunération et avantages", "Pay & benefits"),
    "career": ("Carrière et formation", "Career & learning"),
    "job_security": ("Stabilité de l'emploi", "Job security"),
    "diversity_inclusion": ("Diversité et inclusion", "Diversity & inclusion"),
    "organization": ("Organisation du travail", "Work organisation"),
    "working_conditions": ("Conditions de travail", "Working conditions"),
    "job_content": ("Contenu du poste", "The work itself"),
}


def theme_label(theme: str, lang: str) -> str:
    """A theme's label in French ("fr") or English (any other language)."""
    return THEMES[theme][0 if lang == "fr" else 1]


THEME_IDS: Final = tuple(THEMES)

# Platform rating categories → themes. Keys are compared after `normalize_label`.
_CROSSWALK: Final[dict[str, tuple[str, ...]]] = {
    "culture et valeurs": ("culture",),
    "culture & values": ("culture",),
    "culture and values": ("culture",),
    "culture": ("culture",),
    "equilibre travail/vie privee": ("work_life_balance",),
    "equilibre vie professionnelle/personnelle": ("work_life_balance",),
    "work/life balance": ("work_life_balance",),
    "work-life balance": ("work_life_balance",),
    "opportunites de carriere": ("career",),
    "career opportunities": ("career",),
    "remuneration et avantages": ("compensation",),
    "compensation & benefits": ("compensation",),
    "compensation and benefits": ("compensation",),
    "salaire/avantages sociaux": ("compensation",),
    "equipe dirigeante": ("management",),
    "senior management": ("management",),
    "direction": ("management",),
    "diversity & inclusion": ("diversity_inclusion",),
    "diversite et inclusion": ("diversity_inclusion",),
    "securite de l'emploi/evolution de carriere": ("job_security", "career"),
    # Kununu's factors (German); Image and Umwelt-/Sozialbewusstsein have no theme.
    "arbeitsatmosphare": ("culture",),
    "kollegenzusammenhalt": ("culture",),
    "vorgesetztenverhalten": ("management",),
    "arbeitsbedingungen": ("working_conditions",),
    "kommunikation": ("organization",),
    "gleichberechtigung": ("diversity_inclusion",),
    "umgang mit alteren kollegen": ("diversity_inclusion",),
    "interessante aufgaben": ("job_content",),
    "karriere/weiterbildung": ("career",),
    "gehalt/sozialleistungen": ("compensation",),
    "work-life-balance": ("work_life_balance",),
}


def normalize_label(label: str) -> str:
    """Lower-case, strip accents and collapse spaces, so labels match across sites and encodings."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("’", "'").split())


@lru_cache(maxsize=1024)  # a few dozen labels, looked up for each rating of each review an export holds
def themes_for_rating_label(label: str) -> tuple[str, ...]:
    """The taxonomy themes a platform's sub-rating label stands for; () when unknown."""
    return _CROSSWALK.get(normalize_label(label), ())

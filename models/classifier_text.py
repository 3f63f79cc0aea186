"""The text the trained classifier sees for a unit: its section, then the unit folded (case, accents)."""

from models.text import fold

LABEL_SEPARATOR = "/"


def classifier_text(section: str, unit: str) -> str:
    """Folding makes "TRES BONNE AMBIANCE" and "très bonne ambiance" the same input for the model."""
    return f"{section.split(':')[0]} | {' '.join(fold(unit).split())}"


def label(theme: str, polarity: str) -> str:
    return f"{theme}{LABEL_SEPARATOR}{polarity}"

"""Company resolution: one canonical id for an employer however a source spells its name."""

import re
from typing import Final

from revint.taxonomy import normalize_label

_LEGAL_SUFFIXES: Final = re.compile(
    r"\b(sa|sas|sasu|sarl|eurl|sca|se|inc|ltd|llc|plc|gmbh|ag|corp|corporation|company|co|group|groupe)\b\.?"
)


def canonical_company_id(name: str) -> str:
    """A stable slug for an employer name: accents, case, punctuation and legal suffixes ignored."""
    folded = normalize_label(name).replace("&", " and ")
    folded = re.sub(r"\b([a-z])\.(?=[a-z]\b)", r"\1", folded)  # "s.a." → "sa.", "s.a.s." → "sas."
    core = _LEGAL_SUFFIXES.sub(" ", folded)
    slug = re.sub(r"[^a-z0-9]+", "-", core).strip("-")
    return slug or re.sub(r"[^a-z0-9]+", "-", folded).strip("-")

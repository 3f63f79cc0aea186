"""Company resolution: one canonical id for an employer however a source spells its name; what a source says
about an employer (its company profile)."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

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


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    """What one source publishes about an employer (a Glassdoor overview page): a row of `company_profiles`.

    `company_id` is `canonical_company_id` of the name, as for reviews, so a profile lands on the company of its
    reviews. Values are as the source publishes them (in its language); None where it gives none or says it does
    not know.
    """

    source: str
    company_name: str
    company_id: str
    url: str
    fetched_at: datetime
    source_company_id: str | None = None  # the employer's own id at the source (Glassdoor's employer id)
    sector: str | None = None
    size: str | None = None  # a band of employees, e.g. "Plus de 10 000 employés"
    headquarters: str | None = None
    founded: int | None = None  # year
    company_type: str | None = None  # e.g. "Entreprise cotée en bourse", "Filiale ou unité d'exploitation"
    revenue: str | None = None  # a band, e.g. "Entre 100 et 500 millions € (EUR) par an"
    website: str | None = None
    # How many reviews the source shows for the employer: of two employers one name gives one company id to (two
    # "Atos" on Glassdoor), the profile of the one with more reviews is the company's.
    source_reviews: int | None = None

    def to_json_line(self) -> str:
        row: dict[str, Any] = dataclasses.asdict(self)
        row["fetched_at"] = self.fetched_at.isoformat()
        return json.dumps(row, ensure_ascii=False)

    @classmethod
    def from_json_line(cls, line: str) -> CompanyProfile:
        row = json.loads(line)
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(row) - names
        if unknown:
            raise ValueError(f"unknown company profile fields: {sorted(unknown)}")
        return cls(**(row | {"fetched_at": datetime.fromisoformat(row["fetched_at"])}))

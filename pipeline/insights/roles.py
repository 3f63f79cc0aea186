"""Job families ("caissier", "consultant", "développeur" …) recognised in the free-text job titles reviews give.

job_families.json lists, per family, word patterns matched on the folded title (lower case, no accents,
punctuation as spaces) at word boundaries; "develop*" matches a word that starts with "develop". When a title
matches several families, the family of the longest matching pattern wins ("chef de rayon" is store
management, not store staff).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from revint.taxonomy import normalize_label

FAMILIES_FILE = Path(__file__).parent / "job_families.json"


@dataclass(frozen=True)
class JobFamily:
    family_id: str
    labels: dict[str, str]  # by language

    def label(self, lang: str) -> str:
        return self.labels[lang]


def fold_title(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", normalize_label(title)).split())


def _regex(pattern: str) -> re.Pattern[str]:
    words = fold_title(pattern.rstrip("*"))
    tail = r"[a-z0-9]*" if pattern.endswith("*") else ""
    return re.compile(rf"(?:^| ){re.escape(words)}{tail}(?= |$)")


@cache
def families() -> dict[str, JobFamily]:
    data = json.loads(FAMILIES_FILE.read_text(encoding="utf-8"))["families"]
    return {fid: JobFamily(fid, {"fr": spec["fr"], "en": spec["en"]}) for fid, spec in data.items()}


@cache
def _patterns() -> list[tuple[int, str, re.Pattern[str]]]:
    """(pattern length, family id, regex), longest patterns first."""
    data = json.loads(FAMILIES_FILE.read_text(encoding="utf-8"))["families"]
    found = [(len(p.rstrip("*")), fid, _regex(p)) for fid, spec in data.items() for p in spec["patterns"]]
    return sorted(found, key=lambda item: -item[0])


@lru_cache(maxsize=65_536)  # titles repeat from one report to the next
def family_of(title: str | None) -> str | None:
    """The job family of a job title, or None when no family's pattern matches it."""
    folded = fold_title(title or "")
    if not folded:
        return None
    return next((fid for _, fid, regex in _patterns() if regex.search(folded)), None)


def find_family(query: str) -> JobFamily:
    """The family a `--role` names: its id, or a job title of it ("caissière", "développeur")."""
    known = families()
    fid = query if query in known else family_of(query)
    if fid is None:
        raise ValueError(f"--role {query!r} names no job family; known families: {', '.join(sorted(known))}")
    return known[fid]

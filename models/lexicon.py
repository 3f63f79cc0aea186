"""The rule lexicon (models/rules/lexicon.toml), compiled to one regular expression per theme and cue list."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from models.taxonomy import THEME_IDS

LEXICON_PATH = Path(__file__).parent / "rules" / "lexicon.toml"
LANGUAGES = ("fr", "en")


def compile_terms(terms: list[str]) -> re.Pattern[str]:
    """One pattern matching any term; `*` ends a word with any ending, `?` is any one letter."""
    alternatives = []
    for term in sorted(set(terms), key=len, reverse=True):
        words = []
        for word in term.split():
            body = re.escape(word.rstrip("*")).replace(r"\?", r"\w")
            words.append(body + (r"\w*" if word.endswith("*") else ""))
        alternatives.append(r"[\s\-']+".join(words))
    return re.compile(r"(?<![\w+])(?:" + "|".join(alternatives) + r")(?![\w+])")


@dataclass(frozen=True)
class LanguageRules:
    """Everything the rules need for one language, compiled."""

    themes: dict[str, re.Pattern[str]]
    weak_themes: dict[str, re.Pattern[str]]
    positive: re.Pattern[str]
    negative: re.Pattern[str]
    negators: frozenset[str]
    intensifiers: frozenset[str]
    contrast: tuple[tuple[str, ...], ...]


@cache
def load_rules(lang: str, path: Path = LEXICON_PATH) -> LanguageRules:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))[lang]
    unknown = (set(raw["themes"]) | set(raw["weak_themes"])) - set(THEME_IDS)
    if unknown:
        raise ValueError(f"{path}: unknown theme ids {sorted(unknown)}")
    return LanguageRules(
        themes={theme: compile_terms(terms) for theme, terms in raw["themes"].items()},
        weak_themes={theme: compile_terms(terms) for theme, terms in raw["weak_themes"].items()},
        positive=compile_terms(raw["cues"]["positive"]),
        negative=compile_terms(raw["cues"]["negative"]),
        negators=frozenset(raw["cues"]["negators"]),
        intensifiers=frozenset(raw["cues"]["intensifiers"]),
        contrast=tuple(tuple(marker.split()) for marker in raw["contrast"]),
    )

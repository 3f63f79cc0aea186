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


KEY_LENGTH = 3


def first_word_key(term: str) -> str:
    """What a unit must hold for the term to match there: a word starting with the first three letters of the
    term's first word, or that whole word when it has fewer (a wildcard never falls among them)."""
    word = term.split()[0]
    if re.fullmatch(r"[\w+]{1,2}", word):
        return word
    if re.match(rf"[\w+]{{{KEY_LENGTH}}}", word):
        return word[:KEY_LENGTH]
    raise ValueError(f"lexicon term {term!r}: its first word needs {KEY_LENGTH} letters before any wildcard")


def term_index(groups: dict[str, dict[str, list[str]]]) -> dict[str, frozenset[tuple[str, str]]]:
    """first_word_key → the (group, theme) patterns holding a term with that key."""
    index: dict[str, set[tuple[str, str]]] = {}
    for group, themes in groups.items():
        for theme, terms in themes.items():
            for term in terms:
                index.setdefault(first_word_key(term), set()).add((group, theme))
    return {key: frozenset(found) for key, found in index.items()}


@dataclass(frozen=True)
class LanguageRules:
    """Everything the rules need for one language, compiled."""

    themes: dict[str, re.Pattern[str]]
    weak_themes: dict[str, re.Pattern[str]]
    index: dict[str, frozenset[tuple[str, str]]]  # which patterns can match, by a unit's words: see term_index
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
        index=term_index({"themes": raw["themes"], "weak_themes": raw["weak_themes"]}),
        positive=compile_terms(raw["cues"]["positive"]),
        negative=compile_terms(raw["cues"]["negative"]),
        negators=frozenset(raw["cues"]["negators"]),
        intensifiers=frozenset(raw["cues"]["intensifiers"]),
        contrast=tuple(tuple(marker.split()) for marker in raw["contrast"]),
    )

"""The question bank (question_bank.json, written for revint): per theme, questions in French and English, whom
to ask each (the reverse interview meets a recruiter, the future manager, future colleagues), what to listen
for in the answer, and the cue words of the complaints each answers."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from revint.taxonomy import THEMES
from revint.text import fold

BANK_FILE: Final = Path(__file__).parent / "question_bank.json"
AUDIENCES: Final = {
    "recruiter": {"fr": "au recruteur ou aux RH", "en": "the recruiter or HR"},
    "manager": {"fr": "au futur manager", "en": "the future manager"},
    "colleague": {"fr": "à un futur collègue", "en": "a future colleague"},
}


@dataclass(frozen=True)
class Question:
    text: str
    ask: str  # recruiter, manager or colleague: a key of AUDIENCES
    good_sign: str  # what a reassuring answer sounds like
    warning_sign: str

    def to_json_dict(self) -> dict[str, Any]:
        return {"text": self.text, "ask": self.ask, "good_sign": self.good_sign, "warning_sign": self.warning_sign}


@cache
def question_bank() -> dict[str, list[dict[str, Any]]]:
    themes: dict[str, list[dict[str, Any]]] = json.loads(BANK_FILE.read_text(encoding="utf-8"))["themes"]
    missing = set(THEMES) - set(themes)
    if missing:
        raise ValueError(f"question bank lacks themes {sorted(missing)}")
    return themes


def _stems(text: str) -> set[str]:
    """Five-letter prefixes of the longer words: enough to match "horaires" with "horaire", "salaries"."""
    return {word[:5] for word in re.findall(r"[a-z]{5,}", fold(text))}


@cache
def _question_words(theme: str) -> list[set[str]]:
    """Each of the theme's questions as the stems of its text in both languages and of its cue words."""
    return [_stems(f"{q['fr']} {q['en']} {' '.join(q['cues'])}") for q in question_bank()[theme]]


def pick_questions(theme: str, evidence: list[str], lang: str, count: int = 2) -> list[Question]:
    """The theme's questions whose words and cue words (what a complaint it answers says: "froid", "dos" for
    the health-and-safety question) the quoted complaints use most, a word counting once per complaint;
    bank order breaks ties."""
    used = Counter(stem for text in evidence for stem in _stems(text))
    words = _question_words(theme)
    ranked = sorted(range(len(words)), key=lambda i: (-sum(used[stem] for stem in words[i]), i))
    bank = question_bank()[theme]
    return [
        Question(
            text=bank[i][lang],
            ask=bank[i]["ask"],
            good_sign=bank[i]["listen_for"]["good"][lang],
            warning_sign=bank[i]["listen_for"]["warning"][lang],
        )
        for i in ranked[:count]
    ]

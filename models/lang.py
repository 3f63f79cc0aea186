"""Language identification per text: fr, en or other (other is flagged and not tagged)."""

from __future__ import annotations

import re
from typing import Final

from revint.constants import TAGGED_LANGUAGES
from revint.text import fold

_WORD = re.compile(r"[a-z]+")
_STOPWORD_TEXT: Final = {
    "fr": """le la les un une des du de et est sont pas tres mais ou avec pour dans sur que qui il elle on nous
        vous ce cette ces au aux son sa ses leur bien trop peu rien aucun aucune tout tous plus moins bonne bon
        entreprise travail equipe salaire ambiance je j c n l d qu""",
    "en": """the a an and is are was were not but or with for in on that which it they we you this these to of
        at be been very too much many no nothing good great bad company work team pay people i my there""",
    "other": """und der die das nicht ist mit fur sehr gut aber el los las y muy pero con para lo gli molto
        het een niet zeer maar""",
}
_STOPWORDS: Final = {lang: frozenset(text.split()) for lang, text in _STOPWORD_TEXT.items()}
_FRENCH_LETTERS: Final = re.compile("[éèêàùçâîôûëïœ]")
# Spelling that is common in one language and rare in the other: half a vote per word.
_SPELLING: Final = {
    "en": re.compile(r"(ing|ness|ly|ful|less|ed|ship)$|th|w|k|ee|oo|sh"),
    "fr": re.compile(r"(eux|euse|ement|ait|aient|oir|ique|iere)$|qu|oi|ou|eau"),
}


def detect_language(text: str, hint: str | None = None) -> str:
    """The language of `text` by stop-word votes; `hint`, then French, when the text gives no evidence."""
    words = _WORD.findall(fold(text))
    votes = {lang: float(sum(word in stops for word in words)) for lang, stops in _STOPWORDS.items()}
    votes["fr"] += len(_FRENCH_LETTERS.findall(text.lower()))
    for lang, spelling in _SPELLING.items():
        votes[lang] += 0.5 * sum(spelling.search(word) is not None for word in words)
    best = max(votes, key=lambda lang: votes[lang])
    if votes[best] == 0 or list(votes.values()).count(votes[best]) > 1:
        return hint if hint in TAGGED_LANGUAGES else "fr"
    return best

"""The packaged pipeline's language, `revint_fr`: spaCy's French tokenization, loaded in a fraction of a second.

Importing spacy.lang.fr compiles its token_match, a 1.45 MB regular expression of about 270 anchored alternatives
that repeat the same large character classes (all lowercase letters): 4–5 s in every process that loads a French
pipeline. The packaged tagger needs nothing of French but its tokenizer, whose rules (prefixes, suffixes, infixes,
exceptions, token_match) are saved with the package. So the package names this language class instead of "fr" (no
spacy.lang.fr import at load: a spacy_languages entry point finds it), and its token_match is the same expression
with the alternatives that end alike factored: `^(?:a|b|…)TAIL$` for `^aTAIL$|^bTAIL$|…`, which matches exactly the
same strings and compiles in about 0.2 s (tests/unit/models/test_language.py compares the two on 70,000 words).
"""

from __future__ import annotations

import re

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry

LANG = "revint_fr"
LARGE_CLASS = 40  # characters: a character class this long starts an alternative's shared tail


@registry.languages(LANG)
class TaggerLanguage(Language):
    """Tokenizes as spaCy's French does once its saved tokenizer is loaded; no lexical attributes (unused)."""

    lang = LANG


def french_tokenizer_pipeline() -> Language:
    """A blank `revint_fr` pipeline whose tokenizer has spaCy's French rules and the factored token_match (what
    `make train` packages; it imports spacy.lang.fr once)."""
    french, nlp = spacy.blank("fr").tokenizer, TaggerLanguage()
    assert isinstance(french, Tokenizer) and isinstance(nlp.tokenizer, Tokenizer)
    nlp.tokenizer.from_bytes(french.to_bytes())
    original = getattr(french.token_match, "__self__", None)
    assert isinstance(original, re.Pattern), "spaCy's French token_match is no longer a compiled pattern"
    nlp.tokenizer.token_match = re.compile(factored(original.pattern)).match
    return nlp


def factored(pattern: str) -> str:
    """`pattern` ("(?flags)" then top-level alternatives `(?:^…$)`) with alternatives that share their tail
    (from their first large character class to the end) merged into one, in first-seen order."""
    flags, body = re.fullmatch(r"(\(\?[a-zA-Z]+\))?(.*)", pattern, flags=re.DOTALL).groups()  # type: ignore[union-attr]
    heads: dict[str, list[str]] = {}
    for alternative in top_level_alternatives(body):
        inner = alternative.removeprefix("(?:").removesuffix(")")
        if inner == alternative or not inner.startswith("^"):
            raise ValueError(f"not an anchored (?:^…) alternative: {alternative[:80]}")
        head, tail = _split_at_large_class(inner[1:])
        heads.setdefault(tail, []).append(head)
    merged = ("(?:^(?:" + "|".join(group) + ")" + tail + ")" for tail, group in heads.items())
    return (flags or "") + "|".join(merged)


def top_level_alternatives(body: str) -> list[str]:
    """`body` split at the `|` outside groups and character classes."""
    parts: list[str] = []
    start = depth = 0
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(body, index) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[start:index])
            start = index + 1
        index += 1
    parts.append(body[start:])
    return parts


def _class_end(text: str, start: int) -> int:
    """Index of the `]` that closes the character class opened at `start` (a leading `^` or `]` is literal)."""
    index = start + 1
    if text.startswith("^", index):
        index += 1
    if text.startswith("]", index):
        index += 1
    while text[index] != "]":
        index += 2 if text[index] == "\\" else 1
    return index


def _split_at_large_class(expression: str) -> tuple[str, str]:
    """(head, tail): the tail starts at the first character class longer than LARGE_CLASS characters."""
    index = 0
    while index < len(expression):
        if expression[index] == "\\":
            index += 2
        elif expression[index] == "[":
            end = _class_end(expression, index)
            if end - index > LARGE_CLASS:
                return expression[:index], expression[index:]
            index = end + 1
        else:
            index += 1
    return expression, ""

"""The packaged pipeline's language: French tokenization with a factored token_match, loaded without spaCy's
French module."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import spacy
from spacy.lang.fr._tokenizer_exceptions_list import FR_BASE_EXCEPTIONS
from spacy.lang.fr.tokenizer_exceptions import TOKEN_MATCH

from revint.models.language import LANG, factored, french_tokenizer_pipeline, top_level_alternatives
from revint.models.tagger import MODEL_DIR

PREFIXES = ("anti", "auto", "contre", "entre", "grand", "mi", "non", "pré", "sous", "vice", "demi", "porte", "garde")
ENDINGS = ("vampire", "a", "l'air", "de-ski", "Été", "x-y", "", "-", "é", "de", "l'", "bott", "out")
JOINS = ("-", "‐", "–", "'", "’", "")


def words() -> set[str]:
    """spaCy's French exceptions and variants of them, and prefixes joined to endings every way the tokenizer meets."""
    found = set(FR_BASE_EXCEPTIONS)
    for word in list(found):
        found |= {word.upper(), word.title(), word.replace("-", "‐"), word.replace("'", "’"), word + "x"}
    for prefix in PREFIXES:
        for join in JOINS:
            for ending in ENDINGS:
                found |= {prefix + join + ending, (prefix + join + ending).upper()}
    return found


def test_the_factored_token_match_accepts_exactly_what_spacys_french_one_accepts() -> None:
    original = TOKEN_MATCH.__self__  # type: ignore[attr-defined]
    fast = re.compile(factored(original.pattern))
    tried = words()
    differ = sorted(word for word in tried if bool(original.match(word)) != bool(fast.match(word)))
    assert len(tried) > 50_000 and sum(1 for word in tried if fast.match(word)) > 1_000
    assert differ == []
    assert len(fast.pattern) < len(original.pattern) / 20


def test_alternatives_are_split_only_outside_groups_and_classes() -> None:
    assert top_level_alternatives(r"(?:^a|b$)|(?:^[|]x$)|(?:^\|$)") == [r"(?:^a|b$)", r"(?:^[|]x$)", r"(?:^\|$)"]
    large = "[" + "x" * 50 + "]$"
    assert factored(f"(?i)(?:^ab{large})|(?:^c{large})") == f"(?i)(?:^(?:ab|c){large})"
    with pytest.raises(ValueError, match="anchored"):
        factored("(?:a)|(?:b)")


def test_it_tokenizes_as_spacys_french() -> None:
    french, ours = spacy.blank("fr"), french_tokenizer_pipeline()
    text = "Aujourd'hui l'anti-gaspi, c'est-à-dire du burn-out ; qu'est-ce ? Porte-monnaie vide, arc-en-ciel. M. Dupont"
    assert [t.text for t in ours(text)] == [t.text for t in french(text)]


def test_the_package_loads_without_spacys_french_module() -> None:
    """A bare spacy.load in a new process, as a user would: the language comes from revint's entry point."""
    code = (
        "import sys, spacy; nlp = spacy.load(sys.argv[1]); "
        "print(nlp.lang, 'spacy.lang.fr' in sys.modules, [t.text for t in nlp(\"l'après-midi\")])"
    )
    done = subprocess.run([sys.executable, "-c", code, str(MODEL_DIR)], capture_output=True, text=True, check=True)
    assert done.stdout.split(" ", 2)[:2] == [LANG, "False"]

"""The lexicon's term matching: the word-by-word trie finds exactly what the term patterns find."""

from __future__ import annotations

import pytest

from revint.models.components import ThemeRules
from revint.models.lexicon import TermTrie, compile_terms, load_rules
from revint.text import fold

TERMS = {
    "compensation": ["ticket* resto*", "salaire*", "13e mois", "n+1 prime"],
    "workload": ["palettes par jour", "sous effectif*", "rush"],
}
TEXTS = [
    ("Tickets-resto corrects", {"compensation"}),  # a wildcard inside a term, words joined by a hyphen
    ("40 palettes par jour, en sous-effectif", {"workload"}),
    ("palettes, par jour", set()),  # a comma breaks a term
    ("rushs", set()),  # a whole word is not a stem: "rush" does not match "rushs"
    ("salairement", {"compensation"}),  # a stem matches any ending
    ("la n+1 prime", {"compensation"}),
    ("salaires+primes", set()),  # a stem's ending never runs over "+"
    ("rien de tout ça", set()),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_the_trie_finds_what_the_term_patterns_find(text: str, expected: set[str]) -> None:
    folded = fold(text)
    patterns = {theme: compile_terms(terms) for theme, terms in TERMS.items()}
    assert {theme for theme, pattern in patterns.items() if pattern.search(folded)} == expected
    assert {theme for _, theme in TermTrie({"themes": TERMS}).find(folded)} == expected


@pytest.mark.parametrize("term", ["organi?ation", "open-space", "mi*cro"])
def test_a_term_word_the_trie_could_never_match_is_refused(term: str) -> None:
    with pytest.raises(ValueError, match="words are letters, digits or"):
        TermTrie({"themes": {"organization": [term]}})


@pytest.mark.parametrize(
    ("lang", "text", "theme"),
    [
        ("fr", "40 palettes par jour", "workload"),
        ("fr", "on a la carte swile", "compensation"),
        ("en", "always a skeleton crew on weekends", "workload"),
        ("en", "decent 401k match", "compensation"),
    ],
)
def test_related_vocabulary_becomes_a_hint_for_the_classifier(lang: str, text: str, theme: str) -> None:
    assert f"rel={theme}" in ThemeRules(load_rules(lang)).hints(text, "cons")

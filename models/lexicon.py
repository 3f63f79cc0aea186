"""The rule lexicon (models/rules/lexicon.toml) and the related vocabulary (models/rules/related.toml):
every term in a word-by-word trie (which groups' and themes' terms a unit holds), and the lexicon's themes
and cue lists as regular expressions (where those terms are, for the longest-match rule and the cues)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from revint.constants import TAGGED_LANGUAGES
from revint.taxonomy import THEME_IDS

LEXICON_PATH = Path(__file__).parent / "rules" / "lexicon.toml"
RELATED_PATH = Path(__file__).parent / "rules" / "related.toml"
LANGUAGES = TAGGED_LANGUAGES


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


_PIECES = re.compile(r"[\w+]+|[^\w+\s\-']")  # words, and the characters a term cannot run across
_TERM_WORD = re.compile(r"[\w+]+\*?")
WORDS_CACHED = 100_000  # per TermTrie: the words of the texts seen most recently are looked up once


@dataclass
class _Node:
    """A node of a TermTrie: the words that can come next (whole, or as the stem of a word ending in *), and
    the themes of the terms that end here."""

    words: dict[str, _Node] = field(default_factory=dict)
    stems: dict[str, _Node] = field(default_factory=dict)
    stem_lengths: tuple[int, ...] = ()
    themes: frozenset[tuple[str, str]] = frozenset()  # (group, theme) of each term ending here

    def after(self, word: str) -> list[_Node]:
        found = [node] if (node := self.words.get(word)) is not None else []
        shortest = word.rfind("+") + 1  # a stem's ending is letters or digits, never "+" (as in compile_terms)
        for length in self.stem_lengths:
            if length > len(word):
                break
            if length >= shortest and (node := self.stems.get(word[:length])) is not None:
                found.append(node)
        return found

    def freeze(self) -> None:
        self.stem_lengths = tuple(sorted({len(stem) for stem in self.stems}))
        for node in (*self.words.values(), *self.stems.values()):
            node.freeze()


class TermTrie:
    """Which groups' and themes' terms a folded text holds, found word by word in one pass: for lexicons of
    thousands of terms, far faster than trying a regular expression of every term at every position.
    Matches exactly what `compile_terms` matches, for terms without `?`."""

    def __init__(self, groups: dict[str, dict[str, list[str]]]) -> None:  # group → theme → terms
        self.root = _Node()
        for group, themes in groups.items():
            for theme, theme_terms in themes.items():
                self._add(group, theme, theme_terms)
        self.root.freeze()
        self._first: dict[str, tuple[_Node, ...]] = {}  # where each word leads from the root, cached

    def _add(self, group: str, theme: str, terms: list[str]) -> None:
        for term in terms:
            node = self.root
            for word in term.split():
                if not _TERM_WORD.fullmatch(word):
                    raise ValueError(f"term {term!r}: words are letters, digits or +, a * may end one")
                table = node.stems if word.endswith("*") else node.words
                node = table.setdefault(word.rstrip("*"), _Node())
            node.themes |= {(group, theme)}

    def find(self, folded: str) -> set[tuple[str, str]]:
        """The (group, theme) of every term the text holds."""
        pieces = _PIECES.findall(folded)
        found: set[tuple[str, str]] = set()
        for i, word in enumerate(pieces):
            nodes = self._first.get(word)
            if nodes is None:
                nodes = tuple(self.root.after(word))
                if len(self._first) >= WORDS_CACHED:
                    self._first.clear()
                self._first[word] = nodes
            j = i + 1
            while nodes:  # the terms starting at this word, one more word at a time
                for node in nodes:
                    found |= node.themes
                if j == len(pieces):
                    break
                nodes = tuple(following for node in nodes for following in node.after(pieces[j]))
                j += 1
        return found


@dataclass(frozen=True)
class LanguageRules:
    """Everything the rules need for one language, compiled."""

    themes: dict[str, re.Pattern[str]]
    weak_themes: dict[str, re.Pattern[str]]
    terms: TermTrie  # groups "themes", "weak_themes" (whose patterns then give spans) and "related" (hints)
    positive: re.Pattern[str]
    negative: re.Pattern[str]
    negators: frozenset[str]
    intensifiers: frozenset[str]
    contrast: tuple[tuple[str, ...], ...]


@cache
def load_rules(lang: str, path: Path = LEXICON_PATH, related_path: Path = RELATED_PATH) -> LanguageRules:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))[lang]
    related = tomllib.loads(related_path.read_text(encoding="utf-8"))[lang]
    for source, themes in ((path, set(raw["themes"]) | set(raw["weak_themes"])), (related_path, set(related))):
        if themes - set(THEME_IDS):
            raise ValueError(f"{source}: unknown theme ids {sorted(themes - set(THEME_IDS))}")
    return LanguageRules(
        themes={theme: compile_terms(terms) for theme, terms in raw["themes"].items()},
        weak_themes={theme: compile_terms(terms) for theme, terms in raw["weak_themes"].items()},
        terms=TermTrie({"themes": raw["themes"], "weak_themes": raw["weak_themes"], "related": related}),
        positive=compile_terms(raw["cues"]["positive"]),
        negative=compile_terms(raw["cues"]["negative"]),
        negators=frozenset(raw["cues"]["negators"]),
        intensifiers=frozenset(raw["cues"]["intensifiers"]),
        contrast=tuple(tuple(marker.split()) for marker in raw["contrast"]),
    )

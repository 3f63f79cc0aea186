"""Where the training data may come from: lexicon terms and written examples come from training text and the
writers' knowledge, never from held-out text.

`make train` refuses a lexicon term (models/rules/*.toml, every list of both languages) that matches held-out
text and no training text, and a written example (models/annotations/written_*.jsonl) whose words occur in
held-out text and in no training review. Terms match as the tagger matches them: in folded text, word by word
(`lexicon.TermTrie`, or the term's pattern for a `?` term), within one line (the tagger's units never span
one), and only in texts of the term's language (the tagger reads a text with its own language's lexicon). An
example matches where its folded words and punctuation occur in that order, at word boundaries (its opening
and closing punctuation aside). The error names the terms and examples, never the held-out text.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from revint.models.lang import detect_language
from revint.models.lexicon import _PIECES, LEXICON_PATH, RELATED_PATH, TermTrie, compile_terms
from revint.models.train.corpus import Example
from revint.text import fold

LEXICON_FILES = (LEXICON_PATH, RELATED_PATH)


class ProvenanceError(ValueError):
    pass


@dataclass(frozen=True)
class Text:
    """The sections of one review (or one written example), in the language the tagger reads them in."""

    lang: str
    sections: tuple[str, ...]


def review_text(sections: Iterable[str], title: str | None = None, lang: str | None = None) -> Text:
    """A review's text; its language, when not given, detected on all its text as the tagging stage does."""
    kept = tuple(section for section in sections if section.strip())
    return Text(lang or detect_language("\n".join([title or "", *kept])), kept)


@dataclass(frozen=True)
class Term:
    text: str
    lang: str
    file: str  # the lexicon file's name
    table: str  # where in it: "fr.themes.workload", "en.cues.negators", "fr.contrast" …

    def __str__(self) -> str:
        return f"{self.file} [{self.table}] {self.text!r}"


def lexicon_terms(paths: Sequence[Path] = LEXICON_FILES) -> list[Term]:
    """Every term of every list of the lexicon files, under their top-level language tables."""
    terms: list[Term] = []

    def walk(table: str, value: object, lang: str, file: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{table}.{key}", inner, lang, file)
        elif isinstance(value, list):
            terms.extend(Term(term, lang, file, table) for term in value)

    for path in paths:
        for lang, tables in tomllib.loads(path.read_text(encoding="utf-8")).items():
            walk(lang, tables, lang, path.name)
    return terms


class _TermFinder:
    """Which of some terms the texts hold, per language, matched as the tagger matches them."""

    def __init__(self, terms: Iterable[Term]) -> None:
        by_lang: dict[str, set[str]] = {}
        for term in terms:
            by_lang.setdefault(term.lang, set()).add(term.text)
        self.tries = {
            lang: TermTrie({"terms": {text: [text] for text in texts if "?" not in text}})
            for lang, texts in by_lang.items()
        }
        self.patterns = {
            (lang, text): compile_terms([text]) for lang, texts in by_lang.items() for text in texts if "?" in text
        }

    def found(self, texts: Iterable[Text]) -> set[tuple[str, str]]:
        """(lang, term) of every term some text holds."""
        found: set[tuple[str, str]] = set()
        for text in texts:
            trie = self.tries.get(text.lang)
            if trie is None:
                continue  # a language the tagger does not tag
            for section in text.sections:
                for line in fold(section).splitlines():
                    found |= {(text.lang, term) for _, term in trie.find(line)}
                    found |= {
                        key for key, pattern in self.patterns.items() if key[0] == text.lang and pattern.search(line)
                    }
        return found


def unsupported_terms(terms: Sequence[Term], heldout: Iterable[Text], training: Iterable[Text]) -> list[Term]:
    """The terms held-out text holds and no training text does."""
    in_heldout = _TermFinder(terms).found(heldout)
    suspects = [term for term in terms if (term.lang, term.text) in in_heldout]
    in_training = _TermFinder(suspects).found(training) if suspects else set()
    return [term for term in suspects if (term.lang, term.text) not in in_training]


def _phrase(text: str) -> tuple[str, ...]:
    """A text's folded words and punctuation, without its opening and closing punctuation."""
    pieces = _PIECES.findall(fold(text))
    words = [i for i, piece in enumerate(pieces) if piece[0].isalnum() or piece[0] in "_+"]
    return tuple(pieces[words[0] : words[-1] + 1]) if words else ()


@dataclass
class _PhraseNode:
    following: dict[str, _PhraseNode] = field(default_factory=dict)
    phrase: tuple[str, ...] | None = None  # the phrase ending here


class _PhraseFinder:
    """Which of some phrases occur in texts, found piece by piece from every position (a trie of phrases)."""

    def __init__(self, phrases: Iterable[tuple[str, ...]]) -> None:
        self.root = _PhraseNode()
        for phrase in phrases:
            node = self.root
            for piece in phrase:
                node = node.following.setdefault(piece, _PhraseNode())
            node.phrase = phrase

    def found(self, texts: Iterable[Text]) -> set[tuple[str, ...]]:
        found: set[tuple[str, ...]] = set()
        for text in texts:
            for section in text.sections:
                pieces = _PIECES.findall(fold(section))
                for start in range(len(pieces)):
                    node: _PhraseNode | None = self.root
                    end = start
                    while node is not None and end < len(pieces):
                        node = node.following.get(pieces[end])
                        end += 1
                        if node is not None and node.phrase is not None:
                            found.add(node.phrase)
        return found


def unsupported_examples(
    examples: Sequence[Example], heldout: Iterable[Text], training: Iterable[Text]
) -> list[Example]:
    """The written examples whose words held-out text holds and no training text does."""
    phrases = {example: _phrase(example.text) for example in examples}
    in_heldout = _PhraseFinder(p for p in phrases.values() if p).found(heldout)
    suspects = {p for p in phrases.values() if p in in_heldout}
    in_training = _PhraseFinder(suspects).found(training) if suspects else set()
    return [example for example, phrase in phrases.items() if phrase in suspects - in_training]


def check(
    terms: Sequence[Term], examples: Sequence[Example], heldout: Sequence[Text], training: Sequence[Text]
) -> None:
    """Raise ProvenanceError naming every term and written example that matches held-out text and no training
    text; `training` is the real training reviews, to which the written examples are added for the terms."""
    written = [Text(example.lang, (example.text,)) for example in examples]
    bad_terms = unsupported_terms(terms, heldout, [*training, *written])
    bad_examples = unsupported_examples(examples, heldout, training)
    if bad_terms or bad_examples:
        lines = [str(term) for term in bad_terms]
        lines += [f"{example.origin}.jsonl {example.group}" for example in bad_examples]
        raise ProvenanceError(
            f"{len(bad_terms)} lexicon terms and {len(bad_examples)} written examples match held-out text and no "
            "training text (remove them; never write data from held-out text):\n  " + "\n  ".join(lines)
        )

"""spaCy components of the rules tagger, registered by name so `nlp.add_pipe` and config files find them.

- `revint_units_v1`: splits a review text into units (lines, bullets, sentences and contrast clauses).
- `revint_theme_rules_v1`: tags each unit with taxonomy themes and one polarity.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

import numpy
from spacy.attrs import IDX, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from revint.models.lexicon import LANGUAGES, LanguageRules, load_rules
from revint.taxonomy import Polarity
from revint.text import fold

SECTION_PRIOR = {"pros": 0.5, "cons": -0.5, "advice": -0.5, "body": 0.0}
_END_PUNCT = frozenset(".!?;…")
_BULLETS = frozenset("-*•·–—>")
_TOKENS = re.compile(r"[\w+]+|[,;:.!?()]")
_WORDS = re.compile(r"[\w+]+")
_CLAUSE_BREAKS = frozenset(",;:.!?()")
NEGATION_WINDOW = 2
OPENING_NEGATION_WORDS = 6  # "pas de télétravail", "zero avantages": short units that open with a negation

if not Doc.has_extension("section"):
    Doc.set_extension("section", default="body")
if not Doc.has_extension("mentions"):
    Doc.set_extension("mentions", default=None)
if not Doc.has_extension("units"):
    Doc.set_extension("units", default=None)  # set by revint_units_v1: see units()
if not Doc.has_extension("lang"):
    Doc.set_extension("lang", default="fr")  # the text's language, set by the tagger (a pipeline may serve both)


@dataclass(frozen=True)
class UnitMention:
    """One theme with its polarity in one unit of a text; offsets are character offsets in the text."""

    theme: str
    polarity: Polarity
    score: float
    text: str
    unit_index: int
    start_char: int
    end_char: int
    evidence: float | None = None  # the trained model's (models/theme_model.Found); the rules give none


class UnitSegmenter:
    """Marks unit starts as sentence starts (so `doc.sents` yields the units) and lists the units."""

    def __init__(self, contrast: tuple[tuple[str, ...], ...]) -> None:
        self.contrast: dict[str, list[tuple[str, ...]]] = {}  # markers by first word: one lookup per token
        for marker in contrast:
            self.contrast.setdefault(marker[0], []).append(marker)

    def _starts_contrast(self, words: list[str], i: int) -> bool:
        return any(tuple(words[i : i + len(m)]) == m for m in self.contrast.get(words[i], ()))

    def unit_starts(self, texts: list[str], spaces: list[str]) -> list[bool]:
        """Whether each token (its text, its trailing whitespace) starts a unit."""
        words = [fold(text) for text in texts]
        starts = []
        line_start = True
        for i, text in enumerate(texts):
            previous = texts[i - 1] if i else ""
            start = (
                i == 0
                or (previous.isspace() and "\n" in previous)
                or previous[-1] in _END_PUNCT
                or "\n" in spaces[i - 1]
                or (line_start and text in _BULLETS)
                or (words[i] in self.contrast and self._starts_contrast(words, i))
            )
            starts.append(start)
            if not text.isspace():
                line_start = False
            if "\n" in text or "\n" in spaces[i]:
                line_start = True
        return starts

    def __call__(self, doc: Doc) -> Doc:
        # Token texts and offsets read in bulk: making a Token object per token costs more than the rest.
        strings = doc.vocab.strings
        orth, trailing_space, offsets = doc.to_array([ORTH, SPACY, IDX]).T.tolist()
        texts = [strings[o] for o in orth]
        spaces = [" " if space else "" for space in trailing_space]
        whole = "".join(text + space for text, space in zip(texts, spaces, strict=True))
        starts = self.unit_starts(texts, spaces)
        if texts:
            # One bulk write: setting token.is_sent_start one token at a time is quadratic in spaCy.
            flags = numpy.array([1 if start else -1 for start in starts], dtype="int64").astype("uint64")
            doc.from_array([SENT_START], flags.reshape(-1, 1))  # type: ignore[arg-type]
        bounds = [offsets[i] for i, start in enumerate(starts) if start] + [len(whole)]
        found = []
        for index, (unit_start, unit_end) in enumerate(itertools.pairwise(bounds)):
            trimmed_start, trimmed_end = _trimmed(whole[unit_start:unit_end])
            if trimmed_start < trimmed_end:
                start, end = unit_start + trimmed_start, unit_start + trimmed_end
                found.append((index, start, end, whole[start:end]))
        doc._.units = found
        return doc


@Language.factory("revint_units_v1")
def make_unit_segmenter(nlp: Language, name: str) -> UnitSegmenter:
    """Contrast words of every supported language: reviews mix them, and none is a word of the other."""
    return UnitSegmenter(tuple(marker for lang in LANGUAGES for marker in load_rules(lang).contrast))


def units(doc: Doc) -> list[tuple[int, int, int, str]]:
    """(unit index, start char, end char, text) of each non-empty unit, trimmed of bullets and edge punctuation,
    as `revint_units_v1` found them (the unit index counts the doc's sentences)."""
    if doc._.units is None:
        raise RuntimeError("no units: run revint_units_v1 before the theme components")
    return doc._.units


def _trimmed(text: str) -> tuple[int, int]:
    """Offsets of a unit's text without bullets, spaces and edge punctuation."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in _BULLETS or text[start] in ",:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",:"):
        end -= 1
    return start, end


class ThemeRules:
    """Themes by lexicon match (longest match wins); polarity by cues, negation and the section prior."""

    def __init__(self, rules: LanguageRules) -> None:
        self.rules = rules

    def themes(self, folded: str, terms: set[tuple[str, str]] | None = None) -> set[str]:
        """Themes named in a unit; weak terms count only where no other theme is named. `terms`: the unit's
        lexicon finds (`rules.terms.find`), when already known."""
        found = self.rules.terms.find(folded) if terms is None else terms
        candidates = {(group, theme) for group, theme in found if group != "related"}
        if len({theme for _, theme in candidates}) < 2:  # no other theme's longer match can hide one
            strong = {theme for group, theme in candidates if group == "themes"}
            return strong or {theme for _, theme in candidates}
        lexicons = {"themes": self.rules.themes, "weak_themes": self.rules.weak_themes}
        matches = [
            (m.start(), m.end(), theme, "strong" if group == "themes" else "weak")
            for group, theme in candidates
            for m in lexicons[group][theme].finditer(folded)
        ]
        kept: dict[str, set[str]] = {"strong": set(), "weak": set()}
        for start, end, theme, strength in matches:
            inside_longer = any(
                s <= start and end <= e and (e - s) > (end - start) and t != theme for s, e, t, _ in matches
            )
            if not inside_longer:
                kept[strength].add(theme)
        return kept["strong"] or kept["weak"]

    def polarity_score(self, folded: str, section: str) -> float:
        """Cue votes (a negator flips the next cue), missing things count against, then the section prior."""
        tokens = list(_TOKENS.finditer(folded))
        starts = [t.start() for t in tokens]
        consumed: set[int] = set()

        def negator_before(char_start: int) -> int | None:
            index = bisect.bisect_left(starts, char_start)
            for j in range(index - 1, max(-1, index - 1 - NEGATION_WINDOW), -1):
                word = tokens[j].group()
                if word in _CLAUSE_BREAKS:
                    return None
                if word in self.rules.negators:
                    return j
            return None

        cues = [(m, 1.0) for m in self.rules.positive.finditer(folded)]
        cues += [(m, -1.0) for m in self.rules.negative.finditer(folded)]
        score = 0.0
        for match, sign in sorted(cues, key=lambda cue: cue[0].start()):
            word = match.group()
            if word in self.rules.negators:
                continue  # counted below, unless it negates a cue
            consumed.update(range(bisect.bisect_left(starts, match.start()), bisect.bisect_left(starts, match.end())))
            if word in self.rules.intensifiers and self.rules.positive.match(folded, match.end() + 1):
                continue  # "trop bien", "too good": an intensifier, not a complaint
            negator = negator_before(match.start())
            if negator is not None:
                consumed.add(negator)
                sign = -sign
            score += sign
        # "pas de télétravail", "no raises": a negator that negates no cue marks a missing thing.
        score -= sum(1 for i, t in enumerate(tokens) if t.group() in self.rules.negators and i not in consumed)
        return score + SECTION_PRIOR.get(section, 0.0)

    def opening_negation(self, text: str, section: str) -> Polarity | None:
        """The polarity of a short unit that opens with a negation and reads against its section ("pas de
        télétravail" under pros, "pas de stress" under cons); None for any other unit.

        The trained model follows the section on these rare phrases; the cues read them right (`make train`
        scores the out-of-fold predictions with this reading). A cue phrase that opens with a negator ("pas
        mal de", "pas terrible") is no opening negation.
        """
        prior = SECTION_PRIOR.get(section, 0.0)
        folded = fold(text)
        words = list(_WORDS.finditer(folded))
        if not prior or not words or len(words) > OPENING_NEGATION_WORDS or words[0].group() not in self.rules.negators:
            return None
        first = words[0]
        cue = self.rules.positive.match(folded, first.start()) or self.rules.negative.match(folded, first.start())
        if cue is not None and cue.end() > first.end():  # an idiom, not a negation: "pas mal de stress"
            return None
        score = self.polarity_score(folded, section)
        if score == 0 or (score > 0) == (prior > 0):
            return None
        return "positive" if score > 0 else "negative"

    def hints(self, text: str, section: str) -> list[str]:
        """What the rules find in a unit, as features for the trained classifier: themes, polarity, and the
        themes its related vocabulary points to."""
        folded = fold(text)
        terms = self.rules.terms.find(folded)
        related = sorted(f"rel={theme}" for group, theme in terms if group == "related")
        themes = sorted(self.themes(folded, terms))
        if not themes:
            return ["none", *related]
        score = self.polarity_score(folded, section)
        polarity = "positive" if score > 0 else "negative" if score < 0 else "neutral"
        return [*themes, *(f"{theme}/{polarity}" for theme in themes), f"polarity={polarity}", *related]

    def __call__(self, doc: Doc) -> Doc:
        mentions: list[UnitMention] = []
        section = doc._.section
        for index, start, end, text in units(doc):
            folded = fold(text)
            themes = self.themes(folded)
            if not themes:
                continue
            score = self.polarity_score(folded, section)
            if score == 0:
                continue  # no evidence either way (a neutral statement in a free body)
            polarity: Polarity = "positive" if score > 0 else "negative"
            confidence = round(min(0.95, 0.5 + 0.15 * abs(score)), 2)
            mentions.extend(
                UnitMention(theme, polarity, confidence, text, index, start, end) for theme in sorted(themes)
            )
        doc._.mentions = mentions
        return doc


@Language.factory("revint_theme_rules_v1")
def make_theme_rules(nlp: Language, name: str) -> ThemeRules:
    return ThemeRules(load_rules(nlp.lang))

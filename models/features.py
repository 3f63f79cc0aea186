"""Hashed features of one review unit, shared by training and tagging (so the two never disagree).

A unit becomes sparse (index, weight) pairs: its folded words, word pairs, character n-grams of each word
(they carry typos, missing accents and word endings: "augmentation"/"augmentations"/"augmentaion"), the
words after a negator, its words joined with the section (a bare "salaire" means one thing under pros,
another under cons), the section itself, and the rules' detections as hints. Weights are sub-linear
counts times inverse document frequency, L2-normalised, as in a classic TF-IDF text classifier.
"""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy

from revint.models.components import ThemeRules
from revint.models.lexicon import LANGUAGES, load_rules
from revint.text import fold

N_FEATURES = 2**18
CHAR_NGRAMS = (3, 4, 5)
HINT_WEIGHT = 1.0
# Words that negate or deny what follows ("pas de télétravail", "aucune évolution", "no raises", "lack of
# training"): the next NEGATION_SPAN words also count as negated words, so that the weights learnt for
# "télétravail" under negation carry over from "aucun télétravail" to "pas de télétravail".
_NEGATOR_WORDS = """pas aucun aucune jamais sans ni rien manque peu nul nulle zero no not never without nothing none
    lack few hardly barely isn aren don doesn didn wasn weren haven hasn couldn shouldn"""  # \w+ splits "isn't"
NEGATORS = frozenset(_NEGATOR_WORDS.split())
NEGATION_SPAN = 3
_WORD = re.compile(r"\w+")


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % N_FEATURES


@functools.cache
def _named(feature: str) -> int:
    """The hash of a feature from a small closed set (sections, hints), computed once."""
    return _hash(feature)


# Word pairs, words under a section and negated words are keyed by arithmetic on the word's hash: no strings
# to build per unit. The odd multipliers spread the families over the hashed space.
_PAIR, _NEGATED, _IN_SECTION = 1_000_003, 7_919, 104_729


@dataclass(frozen=True)
class FeatureBatch:
    """The features of a batch of units, laid out as a CSR matrix: unit i owns indptr[i]:indptr[i + 1]."""

    indices: numpy.ndarray  # int64 feature indices
    weights: numpy.ndarray  # float32
    indptr: numpy.ndarray  # int64, len(units) + 1


class Featurizer:
    """Turns (section, unit text, rule hints) into hashed features; caches each word's features."""

    def __init__(self, idf: numpy.ndarray | None = None) -> None:
        self.idf = idf  # set after fitting; None gives plain sub-linear counts
        self._words: dict[str, tuple[int, ...]] = {}

    def _word(self, word: str) -> tuple[int, ...]:
        """The word's own hash, then its character n-grams' hashes."""
        found = self._words.get(word)
        if found is None:
            padded = f"<{word}>"
            grams = [padded[i : i + n] for n in CHAR_NGRAMS for i in range(len(padded) - n + 1)]
            found = (_hash("w=" + word), *(_hash("c=" + gram) for gram in grams))
            if len(self._words) < 500_000:
                self._words[word] = found
        return found

    def keys(self, section: str, text: str) -> list[int]:
        """Every feature occurrence of one unit's text (repeats count)."""
        words = _WORD.findall(fold(text))
        per_word = [self._word(word) for word in words]
        in_section = _named("s=" + section)
        keys = [in_section]
        for features in per_word:
            keys.extend(features)
        hashes = [features[0] for features in per_word]
        keys += [(a * _PAIR + b) % N_FEATURES for a, b in itertools.pairwise(hashes)]
        keys += [(h * _IN_SECTION + in_section) % N_FEATURES for h in hashes]
        for i, word in enumerate(words):
            if word in NEGATORS:
                keys += [(h * _NEGATED + 1) % N_FEATURES for h in hashes[i + 1 : i + 1 + NEGATION_SPAN]]
        return keys

    def batch(self, units: Sequence[tuple[str, str, Sequence[str]]]) -> FeatureBatch:
        """(section, text, hints) units → per unit: the text's TF-IDF part (L2 norm 1), then each hint at
        weight HINT_WEIGHT (the rules are strong evidence). One numpy pass for the whole batch."""
        if not units:
            return FeatureBatch(numpy.zeros(0, numpy.int64), numpy.zeros(0, numpy.float32), numpy.zeros(1, numpy.int64))
        keys = [self.keys(section, text) for section, text, _ in units]
        owner = numpy.repeat(numpy.arange(len(units), dtype=numpy.int64), [len(k) for k in keys])
        flat = numpy.fromiter(itertools.chain.from_iterable(keys), dtype=numpy.int64, count=len(owner))
        pairs, counts = numpy.unique(owner * N_FEATURES + flat, return_counts=True)
        text_owner, text_keys = pairs // N_FEATURES, pairs % N_FEATURES
        weights = 1.0 + numpy.log(counts.astype(numpy.float32))
        if self.idf is not None:
            weights *= self.idf[text_keys]
        norms = numpy.sqrt(numpy.bincount(text_owner, weights * weights, minlength=len(units)))
        weights = (weights / norms[text_owner]).astype(numpy.float32)
        hints = [[_named("h=" + hint) for hint in unit_hints] for _, _, unit_hints in units]
        hint_owner = numpy.repeat(numpy.arange(len(units), dtype=numpy.int64), [len(h) for h in hints])
        hint_keys = numpy.array([key for unit_hints in hints for key in unit_hints], dtype=numpy.int64)
        owners = numpy.concatenate([text_owner, hint_owner])
        order = numpy.argsort(owners, kind="stable")
        return FeatureBatch(
            numpy.concatenate([text_keys, hint_keys])[order],
            numpy.concatenate([weights, numpy.full(len(hint_keys), HINT_WEIGHT, dtype=numpy.float32)])[order],
            numpy.concatenate([[0], numpy.cumsum(numpy.bincount(owners, minlength=len(units)))]),
        )


def inverse_document_frequency(units: Sequence[list[int]]) -> numpy.ndarray:
    """Smoothed idf over the training units' feature keys (features never seen get the highest idf)."""
    seen = numpy.zeros(N_FEATURES, dtype=numpy.float64)
    for keys in units:
        seen[numpy.unique(numpy.array(keys, dtype=numpy.int64))] += 1
    return (numpy.log((1 + len(units)) / (1 + seen)) + 1).astype(numpy.float32)


class UnitEncoder:
    """A unit's features with the rules' hints of its language: the one encoder of training and tagging."""

    def __init__(self, idf: numpy.ndarray | None = None) -> None:
        self.rules = {lang: ThemeRules(load_rules(lang)) for lang in LANGUAGES}
        self.featurizer = Featurizer(idf)

    def rules_for(self, lang: str) -> ThemeRules:
        return self.rules.get(lang, self.rules["fr"])

    def __call__(self, units: Sequence[tuple[str, str, str]]) -> FeatureBatch:
        """(lang, section, text) units → their features."""
        return self.featurizer.batch(
            [(section, text, self.rules_for(lang).hints(text, section)) for lang, section, text in units]
        )

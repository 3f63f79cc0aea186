"""The trained theme-and-polarity classifier as a spaCy component over review units.

`revint_theme_classifier_v1` runs after `revint_units_v1`: it classifies every unit of a batch of docs in
one pass of an inner multi-label text classifier (trained by `make train`, config in models/train), and
sets `doc._.mentions` like the rules component does. The packaged pipeline (models/revint_themes) loads
with `spacy.load`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import models.components  # noqa: F401  (registers revint_units_v1 and the Doc extensions)
from models.classifier_text import LABEL_SEPARATOR, classifier_text
from models.components import Mention, units

CLASSIFIER_DIR = "classifier"


class ThemeClassifier:
    def __init__(self, nlp: Language, name: str, threshold: float) -> None:
        self.name = name
        self.threshold = threshold
        self.inner: Language | None = None  # the trained text classifier, set by from_disk or use()

    def use(self, inner: Language) -> None:
        self.inner = inner

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        if self.inner is None:
            raise RuntimeError("revint_theme_classifier_v1 has no trained classifier: load a packaged pipeline")
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._classify(batch)
                batch = []
        yield from self._classify(batch)

    def _classify(self, docs: list[Doc]) -> list[Doc]:
        assert self.inner is not None
        spans = [(doc, index, start, end) for doc in docs for index, start, end in units(doc)]
        texts = (classifier_text(doc._.section, doc.text[start:end]) for doc, _, start, end in spans)
        found: dict[int, list[Mention]] = {id(doc): [] for doc in docs}
        for (doc, index, start, end), scored in zip(spans, self.inner.pipe(texts, batch_size=512), strict=True):
            for name, score in sorted(scored.cats.items()):
                if score >= self.threshold:
                    theme, polarity = name.split(LABEL_SEPARATOR)
                    text = doc.text[start:end]
                    found[id(doc)].append(Mention(theme, polarity, round(score, 3), text, index, start, end))  # type: ignore[arg-type]
        for doc in docs:
            doc._.mentions = found[id(doc)]
        return docs

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        assert self.inner is not None
        path.mkdir(parents=True, exist_ok=True)
        self.inner.to_disk(path / CLASSIFIER_DIR)
        (path / "settings.json").write_text(json.dumps({"threshold": self.threshold}), encoding="utf-8")

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> ThemeClassifier:
        self.inner = spacy.load(path / CLASSIFIER_DIR)
        self.threshold = json.loads((path / "settings.json").read_text(encoding="utf-8"))["threshold"]
        return self


@Language.factory("revint_theme_classifier_v1", default_config={"threshold": 0.5})
def make_theme_classifier(nlp: Language, name: str, threshold: float) -> ThemeClassifier:
    return ThemeClassifier(nlp, name, threshold)


def package(inner: Language, threshold: float, meta: dict[str, Any]) -> Language:
    """The full tagging pipeline around a trained inner classifier: tokenizer → units → classifier."""
    nlp = spacy.blank("fr")
    nlp.add_pipe("revint_units_v1")
    classifier = nlp.add_pipe("revint_theme_classifier_v1", config={"threshold": threshold})
    assert isinstance(classifier, ThemeClassifier)
    classifier.use(inner)
    nlp.meta.update(meta)
    return nlp

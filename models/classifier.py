"""The trained theme-and-polarity classifier as a spaCy component over review units.

`revint_theme_classifier_v1` runs after `revint_units_v1`. For every unit it asks the rules what they see
(hints), turns the unit into hashed features (`models.features.UnitEncoder`) and scores them with the
trained weights (`models.theme_model`), batch by batch; it sets `doc._.mentions` like the rules component
does. One packaged pipeline serves French and English: the doc's language (`doc._.lang`) picks the rules'
lexicon.
`package()` builds it; `spacy.load("models/revint_themes")` loads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from revint.models.components import UnitMention, units
from revint.models.features import UnitEncoder
from revint.models.language import french_tokenizer_pipeline
from revint.models.theme_model import ThemeModel

MODEL_DIR = "model"


class ThemeClassifier:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.model: ThemeModel | None = None  # set by from_disk or use()
        self.encode = UnitEncoder()

    def use(self, model: ThemeModel) -> None:
        self.model = model
        self.encode = UnitEncoder(model.idf)

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._classify(batch)
                batch = []
        yield from self._classify(batch)

    def _classify(self, docs: list[Doc]) -> list[Doc]:
        if self.model is None:
            raise RuntimeError("revint_theme_classifier_v1 has no trained model: load a packaged pipeline")
        spans = []  # (mentions of the doc, lang, section, unit), reading each doc's attributes once
        for doc in docs:
            doc._.mentions = []
            extensions = doc._
            spans += [(extensions.mentions, extensions.lang, extensions.section, unit) for unit in units(doc)]
        features = self.encode([(lang, section, unit[3]) for _, lang, section, unit in spans])
        for (mentions, lang, section, (index, start, end, text)), scores in zip(
            spans, self.model.probabilities(features), strict=True
        ):
            reading = self.encode.rules_for(lang).opening_negation(text, section)
            for found in self.model.labels(scores, section, reading):
                mentions.append(
                    UnitMention(
                        found.theme,
                        found.polarity,
                        round(found.score, 3),
                        text,
                        index,
                        start,
                        end,
                        round(found.evidence, 3),
                    )
                )
        return docs

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        if self.model is None:
            raise RuntimeError("nothing to save: revint_theme_classifier_v1 has no trained model")
        self.model.to_disk(Path(path) / MODEL_DIR)

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> ThemeClassifier:
        self.use(ThemeModel.from_disk(Path(path) / MODEL_DIR))
        return self


@Language.factory("revint_theme_classifier_v1")
def make_theme_classifier(nlp: Language, name: str) -> ThemeClassifier:
    return ThemeClassifier(nlp, name)


def package(model: ThemeModel, meta: dict[str, Any]) -> Language:
    """The full tagging pipeline around trained weights: tokenizer → units → classifier."""
    nlp = french_tokenizer_pipeline()
    nlp.add_pipe("revint_units_v1")
    classifier = nlp.add_pipe("revint_theme_classifier_v1")
    assert isinstance(classifier, ThemeClassifier)
    classifier.use(model)
    nlp.meta.update(meta)
    return nlp

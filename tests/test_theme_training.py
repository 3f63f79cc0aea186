"""The trained-classifier path: corpus assembly from references, scoring, and the packaged pipeline round trip."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import spacy
from spacy.pipeline.textcat_multilabel import MultiLabel_TextCategorizer
from spacy.training import Example as SpacyExample

from models.classifier import package
from models.classifier_text import classifier_text
from models.tagger import Tagger, TagInput
from models.train.corpus import GLASSDOOR_PAGES, LABELS, annotated_units, is_dev, written_examples
from models.train.evaluate import score


def test_scores_count_a_theme_once_per_unit_and_polarity_on_shared_themes() -> None:
    gold = [frozenset({("culture", "positive"), ("compensation", "negative")}), frozenset()]
    predicted = [
        frozenset({("culture", "positive"), ("compensation", "positive")}),
        frozenset({("career", "negative")}),
    ]
    scores = score(zip(gold, predicted, strict=True))
    assert scores.per_theme["culture"]["f1"] == 1.0
    assert scores.per_theme["career"]["precision"] == 0.0
    assert scores.polarity_accuracy == 0.5  # culture right, compensation wrong
    assert scores.units == 2


def test_written_examples_are_valid_and_cover_every_label() -> None:
    examples = list(written_examples())
    assert len(examples) >= 700
    counts = Counter(name for e in examples for name in e.labels)
    assert set(counts) == set(LABELS)
    assert all(e.lang in ("fr", "en") and e.section in ("pros", "cons", "advice", "body") for e in examples)


@pytest.mark.skipif(not GLASSDOOR_PAGES.exists(), reason="needs ../shared/corpus (the annotated reviews' text)")
def test_annotations_resolve_to_real_units_and_reach_the_training_targets() -> None:
    units = [*annotated_units(), *written_examples()]  # raises on held-out reviews or shifted text
    themes = Counter(name.split("/")[0] for e in units for name in e.labels)
    assert len(units) >= 2000
    assert min(themes.values()) >= 80, themes
    dev = [e for e in units if is_dev(e)]
    assert 0.1 < len(dev) / len(units) < 0.2


def test_packaged_classifier_survives_a_save_load_round_trip(tmp_path: Path) -> None:
    spacy.util.fix_random_seed(0)
    inner = spacy.blank("fr")
    textcat = inner.add_pipe("textcat_multilabel")
    assert isinstance(textcat, MultiLabel_TextCategorizer)
    data = [("pros", "Très bonne ambiance", "culture/positive"), ("cons", "Salaire trop bas", "compensation/negative")]
    examples = [
        SpacyExample.from_dict(inner.make_doc(classifier_text(s, t)), {"cats": {n: float(n == y) for n in LABELS}})
        for s, t, y in data
    ]
    for name in LABELS:
        textcat.add_label(name)
    optimizer = inner.initialize(lambda: examples)
    for _ in range(60):
        inner.update(examples, sgd=optimizer)
    package(inner, 0.5, {"name": "revint_themes", "version": "0.0.0"}).to_disk(tmp_path / "model")
    tagger = Tagger(model_dir=tmp_path / "model")
    assert tagger.version == "revint_themes-0.0.0"
    result = next(tagger.tag([TagInput("a", "Très bonne ambiance. Salaire trop bas.", "pros")]))
    assert {(m.theme, m.polarity) for m in result.mentions} == {("culture", "positive"), ("compensation", "negative")}
    assert sorted(m.text for m in result.mentions) == ["Salaire trop bas.", "Très bonne ambiance."]

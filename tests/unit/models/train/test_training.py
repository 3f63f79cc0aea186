"""The trained classifier: corpus assembly from references, scoring, fitting, and the packaged pipeline."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy
import pytest
import spacy

from revint.models.classifier import package
from revint.models.features import Featurizer
from revint.models.tagger import MODEL_DIR, Tagger, TagInput
from revint.models.theme_model import LABELS, OUTPUTS, ThemeModel
from revint.models.train.corpus import Example, annotated_units, load, written_examples
from revint.models.train.evaluate import calibration, mentions, score
from revint.models.train.fit import calibrate, fit
from revint.pipeline.training import GLASSDOOR_PAGES, corpus_reviews
from revint.taxonomy import THEME_IDS

SETTINGS = {
    "seed": 0,
    "C": 3.0,
    "class_weight": "balanced",
    "real_weight": 3.0,
    "max_iter": 1000,
    "both_threshold": 0.95,
}
THRESHOLDS = dict.fromkeys(THEME_IDS, 0.5)


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
    counts = Counter(name for e in examples for name in e.labels)
    assert set(counts) == set(LABELS)
    assert min(counts.values()) >= 80, counts
    assert all(e.lang in ("fr", "en") and e.section in ("pros", "cons", "advice", "body") for e in examples)
    assert len({e.group for e in examples}) == len(examples)  # ids are unique across files


@pytest.mark.skipif(not GLASSDOOR_PAGES.exists(), reason="needs ../shared/corpus (the annotated reviews' text)")
def test_annotations_resolve_to_real_units_and_dev_holds_real_reviews_only() -> None:
    reviews = corpus_reviews()
    real = list(annotated_units(reviews))  # raises on held-out reviews or shifted text
    themes = Counter(name.split("/")[0] for e in [*real, *written_examples()] for name in e.labels)
    assert len(real) >= 2000
    assert min(themes.values()) >= 80, themes
    train, dev = load(reviews)
    assert not any(e.written for e in dev)
    assert 0.08 < len(dev) / len(real) < 0.2
    assert not {e.group for e in dev} & {e.group for e in train}  # a review is all train or all dev


def test_featurizer_folds_case_and_accents_and_marks_negated_words() -> None:
    featurizer = Featurizer()
    assert set(featurizer.keys("cons", "TRES BONNE AMBIANCE")) == set(featurizer.keys("cons", "très bonne ambiance"))
    negated = set(featurizer.keys("cons", "pas de télétravail")) - set(featurizer.keys("cons", "de télétravail pas"))
    assert len(negated) == 3  # "de" and "télétravail" after "pas", and the pair "pas de"
    batch = featurizer.batch([("pros", "Salaire correct", ["compensation"]), ("cons", "RAS", [])])
    assert len(batch.indptr) == 3 and len(batch.indices) == len(batch.weights) == batch.indptr[-1]
    assert batch.weights[batch.indptr[1] - 1] == 1.0  # the hint closes the first unit


TINY = [
    ("pros", "Très bonne ambiance entre collègues", "culture/positive"),
    ("pros", "Super ambiance dans l'équipe", "culture/positive"),
    ("cons", "Ambiance toxique", "culture/negative"),
    ("cons", "Salaire trop bas", "compensation/negative"),
    ("cons", "Salaire bas et pas de prime", "compensation/negative"),
    ("pros", "Bon salaire", "compensation/positive"),
    ("cons", "RAS", None),
]


def tiny_model() -> ThemeModel:
    examples = [
        Example(f"t{i}", "fr", section, text, frozenset([label] if label else []), "written_test")
        for i, (section, text, label) in enumerate(TINY * 3)
    ]
    model = fit(examples, SETTINGS)
    model.thresholds = dict.fromkeys(model.thresholds, 0.5)
    return model


def test_packaged_classifier_survives_a_save_load_round_trip(tmp_path: Path) -> None:
    nlp = package(tiny_model(), {"name": "revint_themes", "version": "0.0.0"})
    nlp.to_disk(tmp_path / "model")
    tagger = Tagger(model_dir=tmp_path / "model")
    assert tagger.version == "revint_themes-0.0.0"
    text = "Très bonne ambiance. Salaire trop bas."
    result = next(tagger.tag([TagInput("a", text, "pros")]))
    assert {(m.theme, m.polarity) for m in result.mentions} == {("culture", "positive"), ("compensation", "negative")}
    assert sorted(m.text for m in result.mentions) == ["Salaire trop bas.", "Très bonne ambiance."]
    doc = nlp.make_doc(text)
    doc._.section = "pros"
    before = nlp(doc)._.mentions
    assert [(m.theme, m.polarity) for m in before] == [(m.theme, m.polarity) for m in result.mentions]
    assert [m.score for m in before] == pytest.approx([m.score for m in result.mentions], abs=0.01)  # float16


def test_a_model_for_another_label_set_is_refused(tmp_path: Path) -> None:
    tiny_model().to_disk(tmp_path)
    settings = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    settings["outputs"] = settings["outputs"][:-1]
    (tmp_path / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    with pytest.raises(ValueError, match="other labels"):
        ThemeModel.from_disk(tmp_path)


def test_the_committed_model_loads_with_spacy_and_stays_small() -> None:
    nlp = spacy.load(MODEL_DIR)
    assert nlp.pipe_names == ["revint_units_v1", "revint_theme_classifier_v1"]
    size = sum(f.stat().st_size for f in MODEL_DIR.rglob("*") if f.is_file())
    assert size <= 30 * 2**20
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["dev"]["per_theme"]) == {label.split("/")[0] for label in LABELS}


def test_the_committed_model_keeps_no_word_of_the_reviews_it_was_scored_on() -> None:
    """Its string store is the bare package's (tokenizer rules): `make train` saves it before reading dev units."""
    bare = set(package(tiny_model(), {"name": "revint_themes", "version": "0.0.0"}).vocab.strings)
    committed = json.loads((MODEL_DIR / "vocab" / "strings.json").read_text(encoding="utf-8"))
    assert set(committed) <= bare


def test_a_bare_spacy_load_finds_the_components_and_tags() -> None:
    """In a fresh interpreter that imports nothing of revint: spaCy finds the factories by entry point."""
    script = (
        "import spacy, sys\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "doc = nlp.make_doc('Salaire trop bas. Super ambiance.')\n"
        "doc._.section = 'cons'\n"
        "print(sorted({m.theme for m in nlp(doc)._.mentions}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(MODEL_DIR)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['compensation', 'culture']"


def test_a_label_never_seen_in_training_is_never_predicted() -> None:
    model = tiny_model()
    unseen = LABELS.index("diversity_inclusion/negative")
    assert not numpy.any(model.weights[:, unseen])
    assert model.bias[unseen] < -5


def _scores(**labels: float) -> numpy.ndarray:
    """A unit's probabilities: every output 0.01 but the labels given (`unit` for the unit's polarity)."""
    row = numpy.full(len(OUTPUTS), 0.01, dtype=numpy.float32)
    for name, value in labels.items():
        row[OUTPUTS.index(name.replace("__", "/"))] = value
    return row


def _decision(model: ThemeModel, row: numpy.ndarray, section: str, polarity: str | None = None) -> set[tuple[str, str]]:
    return {(theme, chosen) for theme, chosen, *_ in model.labels(row, section, polarity)}  # type: ignore[arg-type]


def test_a_theme_takes_both_polarities_only_when_both_labels_reach_the_bar() -> None:
    model = ThemeModel(numpy.zeros((1, len(OUTPUTS))), numpy.zeros(len(OUTPUTS)), numpy.ones(1), THRESHOLDS, 0.95)
    both = _scores(compensation__positive=0.96, compensation__negative=0.96, unit__negative=0.9)
    one = _scores(compensation__positive=0.96, compensation__negative=0.94, unit__negative=0.9)
    assert _decision(model, both, "cons") == {("compensation", "positive"), ("compensation", "negative")}
    assert _decision(model, one, "cons") == {("compensation", "negative")}  # the unit's polarity under cons
    assert _decision(model, one, "body") == {("compensation", "positive")}  # the likelier label in free text


def test_a_polarity_read_elsewhere_decides_for_every_theme_of_the_unit() -> None:
    model = ThemeModel(numpy.zeros((1, len(OUTPUTS))), numpy.zeros(len(OUTPUTS)), numpy.ones(1), THRESHOLDS, 0.95)
    row = _scores(work_life_balance__positive=0.97, work_life_balance__negative=0.97, career__positive=0.8)
    assert _decision(model, row, "pros", "negative") == {("work_life_balance", "negative"), ("career", "negative")}


def test_calibration_maps_overconfident_evidence_to_the_share_of_mentions_right_and_keeps_their_order() -> None:
    model = ThemeModel(numpy.zeros((1, len(OUTPUTS))), numpy.zeros(len(OUTPUTS)), numpy.ones(1), THRESHOLDS, 0.95)
    examples, rows = [], []
    for raw, right_of_20 in ((0.90, 12), (0.99, 19)):  # raw evidence 0.90 right 60 % of the time, 0.99 95 %
        for k in range(20):
            labels = frozenset({"compensation/negative"} if k < right_of_20 else {"culture/negative"})
            examples.append(Example(f"{raw}-{k}", "en", "cons", "low pay", labels, "t"))
            rows.append(_scores(compensation__negative=raw, unit__negative=1.0))
    calibrated = calibrate(model, examples, numpy.array(rows))
    assert calibrated.calibrated(0.90) == pytest.approx(0.60, abs=0.01)
    assert calibrated.calibrated(0.99) == pytest.approx(0.95, abs=0.01)
    assert [m.evidence for m in calibrated.labels(rows[0], "cons")] == [pytest.approx(calibrated.calibrated(0.90))]
    evidence = [calibrated.calibrated(raw) for raw in numpy.linspace(0.01, 0.99, 50)]
    assert evidence == sorted(evidence)


def test_the_evidence_calibration_survives_a_save_load_round_trip(tmp_path: Path) -> None:
    model = tiny_model()
    model.calibration = (0.6, -0.4)
    model.to_disk(tmp_path)
    assert ThemeModel.from_disk(tmp_path).calibration == (0.6, -0.4)


def test_the_reliability_table_bins_every_scored_mention_once_with_its_precision() -> None:
    examples = [
        Example("a", "fr", "cons", "Salaire bas, aucune augmentation", frozenset({"compensation/negative"}), "t"),
        Example("b", "fr", "pros", "Bonne ambiance entre collègues", frozenset({"culture/positive"}), "t"),
        Example("c", "en", "cons", "Managers never listen to the staff", frozenset({"culture/positive"}), "t"),
    ]
    pipelines = Tagger().pipelines
    table = calibration(pipelines, examples)
    scored = sum(1 for found in mentions(pipelines, examples) for m in found if m.evidence is not None)
    assert sum(row["mentions"] for row in table) == scored >= 3
    assert all(row["precision"] is None or 0.0 <= row["precision"] <= 1.0 for row in table)
    assert [row["evidence"] for row in table][-1].endswith("1.00")

"""Fitting the theme model: feature matrix, one logistic regression per output, thresholds per theme."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import numpy
from joblib import Parallel, delayed
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from revint.models.features import N_FEATURES, Featurizer, UnitEncoder, inverse_document_frequency
from revint.models.theme_model import LABELS, OUTPUTS, Found, ThemeModel, logit
from revint.models.train.corpus import Example
from revint.models.train.evaluate import Labels, confirms, gold, score
from revint.taxonomy import THEME_IDS


def feature_matrix(encode: UnitEncoder, examples: Sequence[Example]) -> csr_matrix:
    batch = encode([(e.lang, e.section, e.text) for e in examples])
    return csr_matrix((batch.weights, batch.indices, batch.indptr), shape=(len(examples), N_FEATURES))


def _is_complaint(example: Example) -> bool:
    negative = sum(name.endswith("/negative") for name in example.labels)
    return negative >= len(example.labels) - negative


def _regression(
    matrix: csr_matrix,
    target: numpy.ndarray,
    settings: Mapping[str, Any],
    class_weight: str | None,
    sample_weight: numpy.ndarray | None = None,
) -> tuple[numpy.ndarray, float]:
    if target.min() == target.max():  # a label never (or always) seen: a constant, not a regression
        return numpy.zeros(matrix.shape[1], dtype=numpy.float32), 10.0 if target[0] else -10.0
    regression = LogisticRegression(
        C=settings["C"], class_weight=class_weight, max_iter=settings["max_iter"], random_state=settings["seed"]
    ).fit(matrix, target, sample_weight=sample_weight)
    return regression.coef_[0], float(regression.intercept_[0])


def fit(train: Sequence[Example], settings: Mapping[str, Any]) -> ThemeModel:
    """Weights from the training examples; every threshold 0.5 until `choose_thresholds`."""
    idf = inverse_document_frequency([Featurizer().keys(e.section, e.text) for e in train])
    matrix = feature_matrix(UnitEncoder(idf), train)
    weights = numpy.zeros((N_FEATURES, len(OUTPUTS)), dtype=numpy.float32)
    bias = numpy.zeros(len(OUTPUTS), dtype=numpy.float32)
    labelled = [i for i, e in enumerate(train) if e.labels]
    real_weight = float(settings["real_weight"])
    unit_weights = numpy.array([1.0 if e.written else real_weight for e in train])
    tasks = [
        (
            matrix,
            numpy.array([name in e.labels for e in train], dtype=numpy.int8),
            settings["class_weight"],
            unit_weights,
        )
        for name in LABELS
    ]
    complaints = numpy.array([_is_complaint(train[i]) for i in labelled], dtype=numpy.int8)
    tasks.append((matrix[labelled], complaints, None, unit_weights[labelled]))
    fitted = Parallel(n_jobs=-1)(delayed(_regression)(m, t, settings, w, u) for m, t, w, u in tasks)
    for k, (coefficients, intercept) in enumerate(fitted):
        weights[:, k], bias[k] = coefficients, intercept
    return ThemeModel(weights, bias, idf, dict.fromkeys(THEME_IDS, 0.5), settings["both_threshold"])


def out_of_fold(
    train: Sequence[Example], settings: Mapping[str, Any], folds: int
) -> tuple[list[Example], numpy.ndarray]:
    """Probabilities for every real-review training unit from a model fitted without its fold (by review)."""
    real = [e for e in train if not e.written]
    examples: list[Example] = []
    parts: list[numpy.ndarray] = []
    for fold in range(folds):
        held = [e for e in real if zlib.crc32(e.group.encode()) % folds == fold]
        held_ids = {id(e) for e in held}
        model = fit([e for e in train if id(e) not in held_ids], settings)
        examples += held
        parts.append(model.probabilities(UnitEncoder(model.idf)([(e.lang, e.section, e.text) for e in held])))
    return examples, numpy.concatenate(parts)


def found(model: ThemeModel, examples: Sequence[Example], probabilities: numpy.ndarray) -> list[list[Found]]:
    """What the classifier finds in each unit from its probabilities, with the rules' reading of an opening
    negation."""
    rules = UnitEncoder().rules_for
    return [
        model.labels(row, e.section, rules(e.lang).opening_negation(e.text, e.section))
        for row, e in zip(probabilities, examples, strict=True)
    ]


def decide(model: ThemeModel, examples: Sequence[Example], probabilities: numpy.ndarray) -> list[Labels]:
    """Each unit's (theme, polarity) labels as the classifier decides them."""
    return [frozenset((f.theme, f.polarity) for f in unit) for unit in found(model, examples, probabilities)]


def calibrate(model: ThemeModel, examples: Sequence[Example], probabilities: numpy.ndarray) -> ThemeModel:
    """The model with its evidence calibrated on these (out-of-fold) units: a logistic regression of "the mention
    is right" (its theme and polarity are gold) on the logit of its raw evidence. Monotone, so it keeps the
    order of mentions."""
    raw = replace(model, calibration=(1.0, 0.0))
    logits, right = [], []
    for example, unit in zip(examples, found(raw, examples, probabilities), strict=True):
        for mention in unit:
            logits.append(logit(mention.evidence))
            right.append(confirms(example, mention.theme, mention.polarity))
    regression = LogisticRegression(C=1e6).fit(numpy.array(logits)[:, None], numpy.array(right))
    return replace(model, calibration=(float(regression.coef_[0][0]), float(regression.intercept_[0])))


def choose_thresholds(
    model: ThemeModel, examples: Sequence[Example], probabilities: numpy.ndarray, candidates: Sequence[float]
) -> ThemeModel:
    """Per theme, the candidate threshold with the best F1 on these units (the other themes held at 0.5)."""
    golds = [gold(e) for e in examples]

    def f1(theme: str, threshold: float) -> float:
        trial = replace(model, thresholds=model.thresholds | {theme: threshold})
        predicted = [
            frozenset((t, p) for t, p, *_ in trial.labels(row, e.section))
            for row, e in zip(probabilities, examples, strict=True)
        ]
        return score(zip(golds, predicted, strict=True)).per_theme[theme]["f1"]

    chosen = {theme: max(candidates, key=partial(f1, theme)) for theme in THEME_IDS}
    return replace(model, thresholds=chosen)

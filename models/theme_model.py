"""The trained weights of the theme classifier and how a unit's scores become (theme, polarity) labels.

One logistic regression per label `theme/polarity` (22 labels) over the hashed features of
`models.features`, and one more for the unit's polarity (is it a complaint?), learnt from every labelled
unit at once. A theme is found when either of its two labels reaches the theme's threshold; it takes the
unit's polarity under pros, cons and advice, and the likelier of its own two labels in a free text with no
section (there the unit model, which leans on the section, reads the words less well: 0.80 against 0.86
polarity accuracy in cross-validation on written free texts). Both polarities when both labels reach
`both_threshold` ("bon salaire mais pas d'augmentation" in one clause): an absolute bar, since real units
almost never carry both (6 of 3,370 real training units).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy

from revint.models.features import N_FEATURES, FeatureBatch
from revint.taxonomy import POLARITIES, THEME_IDS, Polarity

LABELS = tuple(f"{theme}/{polarity}" for theme in THEME_IDS for polarity in POLARITIES)
NEGATIVE_UNIT = "unit/negative"
OUTPUTS = (*LABELS, NEGATIVE_UNIT)  # the columns of the weights
SECTIONS_WITH_A_PRIOR = frozenset({"pros", "cons", "advice"})  # any other section is free text
WEIGHTS_FILE = "weights.npz"
SETTINGS_FILE = "settings.json"


class Found(NamedTuple):
    """A label found in a unit. `score` is the theme's (the likelier of its two labels, which the threshold
    reads); `evidence` how sure the model is that the unit, on its own, states this theme with this polarity:
    the chosen label's probability times the probability that the unit's polarity is this one, calibrated
    (`ThemeModel.calibration`) so that mentions at evidence p are right about p of the time."""

    theme: str
    polarity: Polarity
    score: float
    evidence: float


def logit(probability: float) -> float:
    """log(p / (1 - p)), with p kept a millionth away from 0 and 1."""
    probability = min(max(probability, 1e-6), 1.0 - 1e-6)
    return math.log(probability / (1.0 - probability))


@dataclass
class ThemeModel:
    weights: numpy.ndarray  # (N_FEATURES, len(OUTPUTS)) float32
    bias: numpy.ndarray  # (len(OUTPUTS),) float32
    idf: numpy.ndarray  # (N_FEATURES,) float32, used by the featurizer
    thresholds: dict[str, float]  # per theme
    both_threshold: float = 0.95
    # evidence = sigmoid(slope * logit(raw evidence) + intercept), fitted on out-of-fold mentions
    # (train/fit.py calibrate); (1, 0) leaves the raw evidence
    calibration: tuple[float, float] = (1.0, 0.0)

    def probabilities(self, batch: FeatureBatch) -> numpy.ndarray:
        """(units, outputs) probabilities: the sparse product of the batch with the weights, in bulk."""
        if len(batch.indptr) == 1:
            return numpy.zeros((0, len(OUTPUTS)), dtype=numpy.float32)
        contributions = self.weights[batch.indices] * batch.weights[:, None]
        logits = numpy.add.reduceat(contributions, batch.indptr[:-1], axis=0) + self.bias  # units are never empty
        return 1.0 / (1.0 + numpy.exp(-logits))

    def calibrated(self, raw: float) -> float:
        """The evidence a raw evidence (product of probabilities) stands for, through the calibration map."""
        slope, intercept = self.calibration
        if (slope, intercept) == (1.0, 0.0):
            return raw
        return 1.0 / (1.0 + math.exp(-(slope * logit(raw) + intercept)))

    def labels(self, probabilities: numpy.ndarray, section: str, polarity: Polarity | None = None) -> list[Found]:
        """The (theme, polarity) labels found in one unit of a section; `polarity`, when given, is the unit's,
        read elsewhere (the rules' reading of an opening negation), for every theme found."""
        found: list[Found] = []
        scores = probabilities.tolist()
        complaint = scores[-1] if section in SECTIONS_WITH_A_PRIOR else None
        unit_polarity: Polarity | None = polarity
        if polarity is None and complaint is not None:
            unit_polarity = "negative" if complaint >= 0.5 else "positive"
        for k, theme in enumerate(THEME_IDS):
            positive, negative = scores[2 * k], scores[2 * k + 1]
            threshold = self.thresholds[theme]
            if positive < threshold and negative < threshold:
                continue
            if polarity is None and min(positive, negative) >= self.both_threshold:
                both = positive + negative
                found += [
                    Found(theme, "positive", positive, self.calibrated(positive * positive / both)),
                    Found(theme, "negative", negative, self.calibrated(negative * negative / both)),
                ]
                continue
            chosen = unit_polarity or ("negative" if negative > positive else "positive")
            label = negative if chosen == "negative" else positive
            if polarity is not None:  # the rules' reading: as sure as the label's own regression
                agreement = 1.0
            elif complaint is not None:
                agreement = complaint if chosen == "negative" else 1.0 - complaint
            else:
                agreement = label / (positive + negative)
            found.append(Found(theme, chosen, max(positive, negative), self.calibrated(label * agreement)))
        return found

    def to_disk(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        numpy.savez_compressed(
            path / WEIGHTS_FILE, weights=self.weights.astype(numpy.float16), bias=self.bias, idf=self.idf
        )
        settings = {
            "outputs": OUTPUTS,
            "thresholds": self.thresholds,
            "both_threshold": self.both_threshold,
            "evidence_calibration": list(self.calibration),
        }
        (path / SETTINGS_FILE).write_text(json.dumps(settings, indent=1), encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path) -> ThemeModel:
        settings = json.loads((path / SETTINGS_FILE).read_text(encoding="utf-8"))
        if tuple(settings["outputs"]) != OUTPUTS:
            raise ValueError(f"{path}: the model was trained for other labels than this taxonomy's")
        with numpy.load(path / WEIGHTS_FILE) as arrays:
            weights = arrays["weights"].astype(numpy.float32)
            if weights.shape != (N_FEATURES, len(OUTPUTS)):
                raise ValueError(f"{path}: weights of shape {weights.shape}, expected {(N_FEATURES, len(OUTPUTS))}")
            if "both_threshold" not in settings:
                raise ValueError(f"{path}: packaged by an older revint (before 1.1.0): retrain it with `make train`")
            slope, intercept = settings.get("evidence_calibration", (1.0, 0.0))  # none before 2.1.0: raw evidence
            return cls(
                weights,
                arrays["bias"],
                arrays["idf"],
                settings["thresholds"],
                settings["both_threshold"],
                (float(slope), float(intercept)),
            )

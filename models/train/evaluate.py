"""Unit-level evaluation: per-theme precision/recall/F1, macro-F1, polarity accuracy, theme confusions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spacy.language import Language

from revint.models.components import UnitMention
from revint.taxonomy import THEME_IDS

if TYPE_CHECKING:
    from revint.models.train.corpus import Example

Labels = frozenset[tuple[str, str]]  # (theme, polarity) pairs of one unit


@dataclass(frozen=True)
class Scores:
    per_theme: dict[str, dict[str, float]]
    macro_f1: float
    polarity_accuracy: float
    polarity_pairs: int
    units: int
    confusions: list[tuple[str, str, int]]  # (gold theme, predicted theme, units) where only the other was found

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "theme_macro_f1": round(self.macro_f1, 4),
            "polarity_accuracy": round(self.polarity_accuracy, 4),
            "polarity_pairs": self.polarity_pairs,
            "per_theme": {t: {k: round(v, 4) for k, v in s.items()} for t, s in self.per_theme.items()},
            "top_confusions": [{"gold": g, "predicted": p, "units": n} for g, p, n in self.confusions],
        }


def _themes(labels: Labels) -> set[str]:
    return {theme for theme, _ in labels}


def score(pairs: Iterable[tuple[Labels, Labels]]) -> Scores:
    """Compare gold and predicted labels unit by unit. A theme counts once per unit, whatever its polarity;
    polarity accuracy is over the (unit, theme) pairs both sides found."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    polarity_right = polarity_total = units = 0
    for gold, predicted in pairs:
        units += 1
        gold_themes, predicted_themes = _themes(gold), _themes(predicted)
        for theme in gold_themes & predicted_themes:
            tp[theme] += 1
            polarity_total += 1
            polarity_right += {p for t, p in gold if t == theme} == {p for t, p in predicted if t == theme}
        for theme in predicted_themes - gold_themes:
            fp[theme] += 1
        for theme in gold_themes - predicted_themes:
            fn[theme] += 1
        for missed in gold_themes - predicted_themes:
            for extra in predicted_themes - gold_themes:
                confusions[(missed, extra)] += 1
    per_theme = {}
    for theme in THEME_IDS:
        precision = tp[theme] / (tp[theme] + fp[theme]) if tp[theme] + fp[theme] else 0.0
        recall = tp[theme] / (tp[theme] + fn[theme]) if tp[theme] + fn[theme] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_theme[theme] = {"precision": precision, "recall": recall, "f1": f1, "support": tp[theme] + fn[theme]}
    present = [t for t in THEME_IDS if per_theme[t]["support"] > 0]
    macro = sum(per_theme[t]["f1"] for t in present) / len(present) if present else 0.0
    return Scores(
        per_theme=per_theme,
        macro_f1=macro,
        polarity_accuracy=polarity_right / polarity_total if polarity_total else 0.0,
        polarity_pairs=polarity_total,
        units=units,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(8)],
    )


def confirms(example: Example, theme: str, polarity: str) -> bool:
    """Whether the example's gold labels hold this theme with this polarity (a mention found is right)."""
    return f"{theme}/{polarity}" in example.labels


def gold(example: Example) -> Labels:
    return frozenset(tuple(name.split("/", 1)) for name in example.labels)  # type: ignore[misc]


def mentions(pipelines: Mapping[str, Language], examples: list[Example]) -> list[list[UnitMention]]:
    """What a pipeline (chosen by the example's language) finds in each example, over all its units."""
    found: list[list[UnitMention]] = []
    for example in examples:
        nlp = pipelines.get(example.lang, pipelines["fr"])
        doc = nlp.make_doc(example.text)
        doc._.section = example.section
        doc._.lang = example.lang
        found.append(list(nlp(doc)._.mentions or []))
    return found


def predict(pipelines: Mapping[str, Language], examples: list[Example]) -> list[Labels]:
    return [frozenset((m.theme, m.polarity) for m in found) for found in mentions(pipelines, examples)]


EVIDENCE_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.96, 1.0001)


def calibration(pipelines: Mapping[str, Language], examples: list[Example]) -> list[dict[str, Any]]:
    """The reliability table: mentions binned by their evidence score, with the share of them the gold confirms
    (same theme and polarity). Quotes are chosen by this score, so it must mean what it says."""
    right: Counter[int] = Counter()
    total: Counter[int] = Counter()
    evidence: dict[int, float] = dict.fromkeys(range(len(EVIDENCE_BINS) - 1), 0.0)
    for example, found in zip(examples, mentions(pipelines, examples), strict=True):
        for m in found:
            if m.evidence is None:
                continue
            bin_ = next(i for i in range(len(EVIDENCE_BINS) - 1) if m.evidence < EVIDENCE_BINS[i + 1])
            total[bin_] += 1
            evidence[bin_] += m.evidence
            right[bin_] += confirms(example, m.theme, m.polarity)
    return [
        {
            "evidence": f"{EVIDENCE_BINS[i]:.2f}–{min(EVIDENCE_BINS[i + 1], 1.0):.2f}",
            "mentions": total[i],
            "mean_evidence": round(evidence[i] / total[i], 4) if total[i] else None,
            "precision": round(right[i] / total[i], 4) if total[i] else None,
        }
        for i in range(len(EVIDENCE_BINS) - 1)
    ]


def evaluate(pipelines: Mapping[str, Language], examples: list[Example]) -> Scores:
    return score(zip((gold(e) for e in examples), predict(pipelines, examples), strict=True))

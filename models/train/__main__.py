"""`python -m models.train` (or `make train`): corpus → spaCy training (seeded) → dev evaluation → package.

The packaged pipeline goes to models/revint_themes (committed, so the demo and the tests need no
training); its dev-split metrics go next to it in metrics.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import spacy
from spacy.cli.train import train
from spacy.language import Language

from models.classifier import package
from models.classifier_text import LABEL_SEPARATOR
from models.components import Mention
from models.train.corpus import CorpusMissing, Example, annotated_units, build, is_dev, written_examples
from models.train.evaluate import Labels, Scores, score
from pipeline.settings import REPO_ROOT

CONFIG = Path(__file__).parent / "config.cfg"
PACKAGE_DIR = REPO_ROOT / "models" / "revint_themes"
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
VERSION = "1.0.0"


def predict(pipelines: Mapping[str, Language], examples: list[Example]) -> list[Labels]:
    """What a pipeline (chosen by the example's language) finds in each example, over all its units."""
    found: list[Labels] = []
    for example in examples:
        nlp = pipelines.get(example.lang, pipelines["fr"])
        doc = nlp.make_doc(example.text)
        doc._.section = example.section
        mentions: list[Mention] = nlp(doc)._.mentions or []
        found.append(frozenset((m.theme, m.polarity) for m in mentions))
    return found


def gold(example: Example) -> Labels:
    return frozenset(tuple(name.split(LABEL_SEPARATOR, 1)) for name in example.labels)  # type: ignore[misc]


def evaluate(pipelines: Mapping[str, Language], examples: list[Example]) -> Scores:
    return score(zip((gold(e) for e in examples), predict(pipelines, examples), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m models.train")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "data" / "work" / "train")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        counts = build(args.work)
        dev = [e for e in [*annotated_units(), *written_examples()] if is_dev(e)]
    except CorpusMissing as error:
        sys.exit(f"cannot train: {error}")
    print(f"corpus: {counts['train']['units']} train units, {counts['dev']['units']} dev units")
    output = args.work / "output"
    shutil.rmtree(output, ignore_errors=True)
    overrides = {"paths.train": str(args.work / "train.spacy"), "paths.dev": str(args.work / "dev.spacy")}
    train(CONFIG, output, overrides=overrides | {"system.seed": args.seed})
    inner = spacy.load(output / "model-best")
    meta = {"name": "revint_themes", "version": VERSION, "description": "revint theme-and-polarity tagger"}
    by_threshold = {t: evaluate({"fr": package(inner, t, meta)}, dev) for t in THRESHOLDS}
    threshold = max(by_threshold, key=lambda t: by_threshold[t].macro_f1)
    nlp = package(inner, threshold, meta | {"trained": datetime.now(UTC).date().isoformat(), "seed": args.seed})
    shutil.rmtree(PACKAGE_DIR, ignore_errors=True)
    nlp.to_disk(PACKAGE_DIR)
    metrics = {
        "threshold": threshold,
        "dev": by_threshold[threshold].to_json_dict(),
        "train_label_counts": counts["train"],
    }
    (PACKAGE_DIR / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    print(
        f"packaged {PACKAGE_DIR} (threshold {threshold}): dev theme macro-F1 {by_threshold[threshold].macro_f1:.3f}, "
        f"polarity accuracy {by_threshold[threshold].polarity_accuracy:.3f}"
    )


if __name__ == "__main__":
    main()

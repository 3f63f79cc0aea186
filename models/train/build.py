"""Build the packaged model from the training corpus: fit (seeded) → thresholds → package → dev scores.
`make train` runs it on the shared corpus (`python -m revint.pipeline.training train`).

Thresholds per theme are chosen on out-of-fold scores of the real-review training units (folds by review),
not on the small dev split, which stays for measuring.

The packaged pipeline goes to models/revint_themes (committed, so the demo and the tests need no training);
its dev-split metrics go next to it in metrics.json. Settings: models/train/config.cfg.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy
from spacy.util import load_config

from revint.models.classifier import package
from revint.models.train.corpus import Example
from revint.models.train.evaluate import evaluate, gold, score
from revint.models.train.fit import calibrate, choose_thresholds, decide, fit, out_of_fold

CONFIG = Path(__file__).parent / "config.cfg"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / "revint_themes"
NAME = "revint_themes"
VERSION = "2.1.0"


def directory_megabytes(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def build_package(train: list[Example], dev: list[Example], out: Path = PACKAGE_DIR) -> dict[str, Any]:
    """Fit on `train`, choose thresholds on out-of-fold scores, package to `out`; returns the metrics written there."""
    config = load_config(CONFIG)
    settings: dict[str, Any] = dict(config["training"])
    grid = config["thresholds"]
    candidates = [round(float(t), 2) for t in numpy.arange(grid["low"], grid["high"] + 1e-9, grid["step"])]
    print(f"corpus: {len(train)} train units, {len(dev)} dev units; fitting {settings}")
    started = time.perf_counter()
    examples, probabilities = out_of_fold(train, settings, settings["folds"])
    elapsed = time.perf_counter() - started
    print(f"{settings['folds']}-fold out-of-fold scores of {len(examples)} real units in {elapsed:.0f} s")
    model = choose_thresholds(fit(train, settings), examples, probabilities, candidates)
    model = calibrate(model, examples, probabilities)
    print(f"fitted in {time.perf_counter() - started:.0f} s; thresholds {model.thresholds}")
    print("evidence calibration: sigmoid({:.3f} × logit(raw evidence) + {:.3f})".format(*model.calibration))
    meta = {
        "name": NAME,
        "version": VERSION,
        "description": "revint theme-and-polarity tagger: rules' hints + hashed n-gram logistic regressions",
        "trained": datetime.now(UTC).date().isoformat(),
        "seed": settings["seed"],
    }
    nlp = package(model, meta)
    # saved before it reads the dev reviews: their words would enter its string store (vocab/strings.json)
    shutil.rmtree(out, ignore_errors=True)
    nlp.to_disk(out)
    scores = {  # both on real reviews only
        "out_of_fold": score(zip(map(gold, examples), decide(model, examples, probabilities), strict=True)),
        "dev": evaluate({"fr": nlp}, dev),
    }
    metrics = {name: s.to_json_dict() for name, s in scores.items()} | {
        "settings": settings,
        "thresholds": model.thresholds,
        "evidence_calibration": list(model.calibration),
        "train_units": len(train),
        "train_label_counts": dict(sorted(Counter(label for e in train for label in e.labels).items())),
        "size_mb": round(directory_megabytes(out), 1),
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    for name, s in scores.items():
        print(f"{name}: {s.units} units, theme macro-F1 {s.macro_f1:.3f}, polarity accuracy {s.polarity_accuracy:.3f}")
    print(f"packaged {out} ({metrics['size_mb']} MB)")
    return metrics

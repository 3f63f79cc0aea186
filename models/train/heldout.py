"""Evaluation on the held-out real reviews, annotated independently of the training data.

References and gold labels live in models/evaluation/heldout_*.jsonl; the text comes from the held-out records
of ../shared/corpus, read by the caller (`python -m revint.pipeline.training heldout`, which writes
models/evaluation/results.json with the rules tagger's figures beside the trained model's). What is held out is
what ../shared/corpus/HELDOUT.md lists (models/train/corpus.py reads it): the 33 glassdoor.fr employers, 120 of
the 240 indeed.fr reviews — the other 120 are training data (models/annotations/indeed_fr_lidl.jsonl) — and the
folders held out whole (the GraphQL captures, glassdoor-en-us-2025, glassdoor-en-brightdata). A reference to a
review outside the held-out records it is given is refused, so that no released review is scored as held out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from revint.models.tagger import Tagger
from revint.models.train.corpus import Example, unit_hash
from revint.models.train.evaluate import calibration, evaluate
from revint.record import ReviewRecord

EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"
RESULTS = EVALUATION / "results.json"


def heldout_units(reviews: Mapping[str, Mapping[str, ReviewRecord]]) -> Iterator[Example]:
    """The annotated held-out units; `reviews` is dataset → review_id → record, of the held-out reviews only."""
    for path in sorted(EVALUATION.glob("heldout_*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            ref = json.loads(line)
            review = reviews.get(ref["dataset"], {}).get(ref["review_id"])
            if review is None:
                raise ValueError(f"{path}:{number}: {ref['review_id']} is no held-out review of {ref['dataset']}")
            text = review.sections()[ref["section"]][ref["start"] : ref["end"]]
            if unit_hash(text) != ref["sha1"]:
                raise ValueError(f"{path}:{number}: the unit text changed (parser change?): re-align the references")
            labels = frozenset(f"{theme}/{polarity}" for theme, polarity in ref["labels"])
            yield Example(ref["dataset"], ref["lang"], ref["section"], text, labels, ref["dataset"])


def heldout_report(units: list[Example]) -> dict[str, Any]:
    """Scores of the packaged model and of the rules, on all units and on each dataset, and the packaged model's
    reliability table (`calibration`), written to RESULTS."""
    report: dict[str, Any] = {}
    taggers = {tagger.version: tagger for tagger in (Tagger(), Tagger(model_dir=None))}  # packaged model, rules
    for name, tagger in taggers.items():
        report[name] = {"all": evaluate(tagger.pipelines, units).to_json_dict()}
        sets = {dataset: [u for u in units if u.group == dataset] for dataset in sorted({u.group for u in units})}
        sets["english (all sets)"] = [u for u in units if u.lang == "en"]
        for dataset, members in sets.items():
            report[name][dataset] = evaluate(tagger.pipelines, members).to_json_dict()
    model = Tagger()
    report[model.version]["calibration"] = calibration(model.pipelines, units)
    RESULTS.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return report

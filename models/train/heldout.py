"""Evaluation on the held-out real reviews, annotated independently of the training data.

References and gold labels live in models/evaluation/*.jsonl; the text is read from ../shared/corpus.
Run: `python -m models.train.heldout` — prints and writes models/evaluation/results.json, with
the rules tagger's figures beside the trained model's.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from revint.models.tagger import Tagger
from revint.models.train.corpus import CORPUS, CorpusMissing, Example, glassdoor_reviews, heldout_employers, unit_hash
from revint.models.train.evaluate import evaluate
from revint.record import ReviewRecord
from revint.spiders.parsers.glassdoor_json import parse_graphql
from revint.spiders.parsers.indeed import parse_export

EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"
RESULTS = EVALUATION / "results.json"
INDEED = CORPUS / "indeed-fr-lidl" / "indeed_fr_lidl_ratings_240.json"
GRAPHQL = CORPUS / "glassdoor-graphql-json"


def _json(path: Path) -> Any:
    raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:  # one capture holds cp1252 quotes
        return json.loads(raw.decode("cp1252"))


def heldout_reviews() -> dict[str, dict[str, ReviewRecord]]:
    """dataset → review_id → record, for the three held-out sets."""
    if not INDEED.exists() or not GRAPHQL.exists():
        raise CorpusMissing(f"the held-out evaluation reads {CORPUS}; put shared/ beside the repo")
    now = datetime.now(UTC)
    held = heldout_employers()
    glassdoor = {rid: record for rid, (employers, record) in glassdoor_reviews().items() if employers & held}
    indeed = {
        r.review_id: r
        for r in parse_export(_json(INDEED), "https://fr.indeed.com/cmp/Lidl/reviews", now, "Lidl").records
    }
    ebay: dict[str, ReviewRecord] = {}
    for path in sorted(GRAPHQL.glob("glassdoor_reviews_*.json")):
        for record in parse_graphql(_json(path), "https://www.glassdoor.com/eBay", now).records:
            ebay.setdefault(record.review_id, record)
    return {"glassdoor-heldout": glassdoor, "indeed-lidl": indeed, "glassdoor-graphql-ebay": ebay}


def heldout_units() -> Iterator[Example]:
    reviews = heldout_reviews()
    for path in sorted(EVALUATION.glob("heldout_*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            ref = json.loads(line)
            text = reviews[ref["dataset"]][ref["review_id"]].sections()[ref["section"]][ref["start"] : ref["end"]]
            if unit_hash(text) != ref["sha1"]:
                raise ValueError(f"{path}:{number}: the unit text changed (parser change?): re-align the references")
            labels = frozenset(f"{theme}/{polarity}" for theme, polarity in ref["labels"])
            yield Example(ref["dataset"], ref["lang"], ref["section"], text, labels, ref["dataset"])


def main() -> None:
    try:
        units = list(heldout_units())
    except CorpusMissing as error:
        sys.exit(f"cannot evaluate: {error}")
    report: dict[str, Any] = {}
    taggers = {tagger.version: tagger for tagger in (Tagger(), Tagger(model_dir=None))}  # packaged model, rules
    for name, tagger in taggers.items():
        report[name] = {"all": evaluate(tagger.pipelines, units).to_json_dict()}
        for dataset in sorted({u.group for u in units}):
            report[name][dataset] = evaluate(tagger.pipelines, [u for u in units if u.group == dataset]).to_json_dict()
    for name, sets in report.items():
        for dataset, scores in sets.items():
            print(
                f"{name:6} {dataset:24} units {scores['units']:5}  theme macro-F1 {scores['theme_macro_f1']:.3f}  "
                f"polarity accuracy {scores['polarity_accuracy']:.3f}"
            )
    RESULTS.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

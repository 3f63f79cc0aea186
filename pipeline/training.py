"""Train and evaluate the theme model on the team's shared corpus (../shared/corpus).

The wiring of two stages: the spiders' parsers read the saved pages and exports into review records, whose
text the model's annotations point into (models/train). `make train` runs `train`; `heldout` scores the
packaged model and the rules on the held-out sets and writes models/evaluation/results.json; `corpus` prints
the label counts per split.
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from revint.models.train.build import build_package
from revint.models.train.corpus import SavedReviews, heldout_employers, load
from revint.models.train.heldout import heldout_report, heldout_units
from revint.record import ReviewRecord
from revint.settings import SHARED_CORPUS
from revint.spiders.parsers.glassdoor import parse_page
from revint.spiders.parsers.glassdoor_json import parse_graphql
from revint.spiders.parsers.indeed import parse_export

GLASSDOOR_PAGES: Final = SHARED_CORPUS / "glassdoor-fr-datalake" / "glassdoor_fr_avis_pages_209.tar.xz"
INDEED: Final = SHARED_CORPUS / "indeed-fr-lidl" / "indeed_fr_lidl_ratings_240.json"
GRAPHQL: Final = SHARED_CORPUS / "glassdoor-graphql-json"


class CorpusMissing(RuntimeError):
    pass


def _need(path: Path) -> Path:
    if not path.exists():
        raise CorpusMissing(
            f"{path} is absent: put the team's shared/ folder beside the repo (../shared) and run again"
        )
    return path


def glassdoor_reviews() -> SavedReviews:
    """review_id → (employer ids of every saved page showing it, record), from the 209 pages read in place."""
    reviews: dict[str, tuple[set[str], ReviewRecord]] = {}
    with tarfile.open(_need(GLASSDOOR_PAGES)) as archive:
        for member in archive.getmembers():
            data = archive.extractfile(member) if member.isfile() else None
            if data is None:
                continue
            name = member.name.rsplit("/", 1)[-1]
            page = parse_page(
                data.read().decode("utf-8", "replace"), f"https://www.glassdoor.fr/{name}", datetime.now(UTC)
            )
            for record in page.records:
                reviews.setdefault(record.review_id, (set(), record))[0].add(name.split("-", 1)[0])
    return reviews


def _json(path: Path) -> Any:
    raw = _need(path).read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:  # one capture holds cp1252 quotes
        return json.loads(raw.decode("cp1252"))


def heldout_glassdoor_reviews() -> dict[str, ReviewRecord]:
    """review_id → record, for the reviews of the held-out glassdoor.fr employers."""
    held = heldout_employers()
    return {rid: record for rid, (employers, record) in glassdoor_reviews().items() if employers & held}


def heldout_reviews() -> dict[str, dict[str, ReviewRecord]]:
    """dataset → review_id → record, for the three held-out sets."""
    now = datetime.now(UTC)
    glassdoor = heldout_glassdoor_reviews()
    indeed = {
        r.review_id: r
        for r in parse_export(_json(INDEED), "https://fr.indeed.com/cmp/Lidl/reviews", now, "Lidl").records
    }
    ebay: dict[str, ReviewRecord] = {}
    for path in sorted(_need(GRAPHQL).glob("glassdoor_reviews_*.json")):
        for record in parse_graphql(_json(path), "https://www.glassdoor.com/eBay", now).records:
            ebay.setdefault(record.review_id, record)
    return {"glassdoor-heldout": glassdoor, "indeed-lidl": indeed, "glassdoor-graphql-ebay": ebay}


def train(out: Path | None) -> None:
    training, dev = load(glassdoor_reviews())
    build_package(training, dev, *([out] if out else []))


def heldout() -> None:
    report = heldout_report(list(heldout_units(heldout_reviews())))
    for name, sets in report.items():
        for dataset, scores in sets.items():
            print(
                f"{name:6} {dataset:24} units {scores['units']:5}  theme macro-F1 {scores['theme_macro_f1']:.3f}  "
                f"polarity accuracy {scores['polarity_accuracy']:.3f}"
            )


def corpus() -> None:
    for name, examples in zip(("train", "dev"), load(glassdoor_reviews()), strict=True):
        counts = Counter(label for e in examples for label in e.labels)
        print(f"{name}: {len(examples)} units; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m revint.pipeline.training", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    train_command = commands.add_parser("train", help="fit, choose thresholds, package (models/revint_themes)")
    train_command.add_argument("--out", type=Path, help="where to write the packaged pipeline")
    commands.add_parser("heldout", help="score the packaged model and the rules on the held-out sets")
    commands.add_parser("corpus", help="label counts per split")
    args = parser.parse_args()
    try:
        if args.command == "train":
            train(args.out)
        elif args.command == "heldout":
            heldout()
        else:
            corpus()
    except CorpusMissing as error:
        sys.exit(f"cannot {args.command}: {error}")


if __name__ == "__main__":
    main()

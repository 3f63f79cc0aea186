"""Train and evaluate the theme model on the team's shared corpus (../shared/corpus).

The wiring of two stages: the spiders' parsers read the saved pages and exports into review records, whose
text the model's annotations point into (models/train). What is held out follows ../shared/corpus/HELDOUT.md:
the 33 glassdoor.fr employers, 120 of the 240 indeed.fr reviews (by position in the export), and the folders
held out whole (the GraphQL captures and the two held-out English CSVs).

`make train` runs `train`: the provenance check (`provenance`: no lexicon term or written example that matches
held-out text and no training text, models/train/provenance.py), then fitting and packaging. `heldout` scores
the packaged model and the rules on the held-out sets and writes models/evaluation/results.json; `corpus` prints
the label counts per split.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tarfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from revint.models.train.build import build_package
from revint.models.train.corpus import (
    SavedReviews,
    heldout_employers,
    heldout_folders,
    heldout_places,
    heldout_positions,
    load,
    written_examples,
)
from revint.models.train.heldout import heldout_report, heldout_units
from revint.models.train.provenance import ProvenanceError, Text, check, lexicon_terms, review_text
from revint.record import ReviewRecord
from revint.settings import SHARED_CORPUS
from revint.spiders.parsers import indeed_csv
from revint.spiders.parsers.glassdoor import parse_page
from revint.spiders.parsers.glassdoor_csv import read_bright_data_row, read_kaggle_row, read_us_row
from revint.spiders.parsers.glassdoor_json import parse_graphql
from revint.spiders.parsers.indeed import parse_export

GLASSDOOR_PAGES: Final = SHARED_CORPUS / "glassdoor-fr-datalake" / "glassdoor_fr_avis_pages_209.tar.xz"
INDEED: Final = SHARED_CORPUS / "indeed-fr-lidl" / "indeed_fr_lidl_ratings_240.json"  # half held out
INDEED_EXTRA: Final = SHARED_CORPUS / "indeed-fr-lidl" / "indeed_fr_lidl_ratings_extra_21.json"
INDEED_URL: Final = "https://fr.indeed.com/cmp/Lidl/reviews"
GRAPHQL: Final = SHARED_CORPUS / "glassdoor-graphql-json"


@dataclass(frozen=True)
class CsvExport:
    """A CSV export of English reviews, read row by row with the reader `revint import` uses for its format."""

    dataset: str  # the name annotations give it
    path: Path
    read_row: Callable[[dict[str, str], str, datetime, str | None], ReviewRecord]
    company: str | None = None  # for an export that names no employer
    url: str = "https://www.glassdoor.com/Reviews"


TRAINING_CSVS: Final = (
    CsvExport("glassdoor-en-uk", SHARED_CORPUS / "glassdoor-en-uk" / "glassdoor_uk_reviews_9999.csv", read_kaggle_row),
    CsvExport(
        "indeed-en-bank",
        SHARED_CORPUS / "indeed-en-bank" / "indeed_us_bank_reviews_6996.csv",
        indeed_csv.read_row,
        "US bank",
        "https://www.indeed.com/cmp/reviews",
    ),
)
HELDOUT_CSVS: Final = (
    CsvExport(
        "glassdoor-en-us-2025", SHARED_CORPUS / "glassdoor-en-us-2025" / "glassdoor_us_reviews_7160.csv", read_us_row
    ),
    CsvExport(
        "glassdoor-en-brightdata",
        SHARED_CORPUS / "glassdoor-en-brightdata" / "glassdoor_brightdata_sample_1000.csv",
        read_bright_data_row,
    ),
)
# The folders HELDOUT.md holds out whole, as this module reads them (checked against HELDOUT.md before use).
HELDOUT_FOLDERS: Final = frozenset({GRAPHQL.name, *(export.path.parent.name for export in HELDOUT_CSVS)})


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


def indeed_reviews() -> SavedReviews:
    """review_id → ("<export file>#<position>" of each place it is at, record), for both indeed-fr-lidl exports,
    each read one array item at a time so that a review's position is the one HELDOUT.md lists."""
    reviews: dict[str, tuple[set[str], ReviewRecord]] = {}
    now = datetime.now(UTC)
    for path in (INDEED, INDEED_EXTRA):
        for position, item in enumerate(_json(path)):
            page = parse_export([item], INDEED_URL, now, "Lidl")
            if page.errors or len(page.records) != 1:
                raise ValueError(f"{path}: review {position} does not parse: {'; '.join(page.errors)}")
            record = page.records[0]
            reviews.setdefault(record.review_id, (set(), record))[0].add(f"{path.name}#{position}")
    return reviews


def check_heldout_sources() -> None:
    """Raise when HELDOUT.md and what this module reads as held out or as training disagree."""
    held = heldout_folders()
    if held != HELDOUT_FOLDERS:
        raise ValueError(
            f"HELDOUT.md holds out the folders {sorted(held)}; this module reads {sorted(HELDOUT_FOLDERS)}"
        )
    if not heldout_employers():
        raise ValueError("HELDOUT.md lists no held-out glassdoor.fr employer")
    if INDEED.name not in heldout_positions():
        raise ValueError(f"HELDOUT.md lists no held-out positions of {INDEED.name}")
    training_folders = {export.path.parent.name for export in TRAINING_CSVS} | {INDEED.parent.name}
    if training_folders & held:
        raise ValueError(f"HELDOUT.md holds out {sorted(training_folders & held)}, read here as training data")


def corpus_reviews() -> SavedReviews:
    """Every glassdoor.fr, indeed.fr and English training review with the places it is shown at: the training
    annotations point into them (and are refused on a held-out one, models/train/corpus.py)."""
    check_heldout_sources()
    return {**glassdoor_reviews(), **indeed_reviews(), **csv_reviews(TRAINING_CSVS)}


def heldout_glassdoor_reviews() -> dict[str, ReviewRecord]:
    """review_id → record, for the reviews of the held-out glassdoor.fr employers."""
    held = heldout_employers()
    return {rid: record for rid, (employers, record) in glassdoor_reviews().items() if employers & held}


def graphql_reviews() -> dict[str, ReviewRecord]:
    """review_id → record, for the GraphQL captures (all held out)."""
    reviews: dict[str, ReviewRecord] = {}
    for path in sorted(_need(GRAPHQL).glob("glassdoor_reviews_*.json")):
        for record in parse_graphql(_json(path), "https://www.glassdoor.com/eBay", datetime.now(UTC)).records:
            reviews.setdefault(record.review_id, record)
    return reviews


def heldout_reviews() -> dict[str, dict[str, ReviewRecord]]:
    """dataset → review_id → record, for the held-out sets that have annotations (models/evaluation)."""
    check_heldout_sources()
    held = heldout_places()
    indeed = {rid: record for rid, (places, record) in indeed_reviews().items() if places & held}
    return {
        "glassdoor-heldout": heldout_glassdoor_reviews(),
        "indeed-lidl": indeed,
        "glassdoor-graphql-ebay": graphql_reviews(),
        **{export.dataset: {rid: rec for rid, (_, rec) in csv_reviews([export]).items()} for export in HELDOUT_CSVS},
    }


def csv_rows(export: CsvExport) -> dict[int, ReviewRecord]:
    """Row number (0-based, as csv.DictReader counts data rows) → record, for the rows the import reader keeps:
    annotations of these exports point at rows, whose numbers stay put whatever is rejected."""
    records: dict[int, ReviewRecord] = {}
    now = datetime.now(UTC)
    with _need(export.path).open(encoding="utf-8", newline="") as file:
        for number, row in enumerate(csv.DictReader(file)):
            try:
                records[number] = export.read_row(row, export.url, now, export.company)
            except ValueError:
                continue  # a row the import rejects (spreadsheet artefact, malformed) is no review
    return records


def csv_reviews(exports: Iterable[CsvExport]) -> SavedReviews:
    """review_id → ("<dataset>#row<n>" of each row holding it, record), for CSV exports."""
    reviews: dict[str, tuple[set[str], ReviewRecord]] = {}
    for export in exports:
        for number, record in csv_rows(export).items():
            reviews.setdefault(record.review_id, (set(), record))[0].add(f"{export.dataset}#row{number}")
    return reviews


def _record_text(record: ReviewRecord) -> Text:
    return review_text(record.sections().values(), record.title, record.lang)


def training_texts(reviews: SavedReviews) -> list[Text]:
    """The text of every real training review: of `reviews` (corpus_reviews) those not held out — glassdoor.fr
    outside the held-out employers, the released indeed.fr reviews — and the English training CSVs."""
    held = heldout_places()
    return [_record_text(record) for places, record in reviews.values() if not places & held]


def heldout_texts(reviews: SavedReviews) -> list[Text]:
    """The text of every held-out review, annotated or not: of `reviews` (corpus_reviews) the held-out ones,
    the GraphQL captures and the held-out English CSVs."""
    held = heldout_places()
    texts = [_record_text(record) for places, record in reviews.values() if places & held]
    texts += [_record_text(record) for record in graphql_reviews().values()]
    return texts + [_record_text(record) for _, record in csv_reviews(HELDOUT_CSVS).values()]


def provenance(reviews: SavedReviews) -> None:
    """Refuse a lexicon term or written example that matches held-out text and no training text."""
    check(lexicon_terms(), list(written_examples()), heldout_texts(reviews), training_texts(reviews))


def train(out: Path | None) -> None:
    reviews = corpus_reviews()
    provenance(reviews)
    training, dev = load(reviews)
    build_package(training, dev, *([out] if out else []))


def heldout() -> None:
    report = heldout_report(list(heldout_units(heldout_reviews())))
    for name, sets in report.items():
        for dataset, scores in sets.items():
            if dataset == "calibration":
                continue
            weakest = ", ".join(f"{t} {scores['per_theme'][t]['f1']:.2f}" for t in ("workload", "job_content"))
            print(
                f"{name:24} {dataset:24} units {scores['units']:5}  theme macro-F1 {scores['theme_macro_f1']:.3f}  "
                f"polarity accuracy {scores['polarity_accuracy']:.3f}  ({weakest})"
            )
        for row in sets.get("calibration", []):
            print(
                f"{name:24} evidence {row['evidence']}: {row['mentions']:5} mentions, "
                f"mean evidence {row['mean_evidence']}, precision {row['precision']}"
            )


def corpus() -> None:
    for name, examples in zip(("train", "dev"), load(corpus_reviews()), strict=True):
        counts = Counter(label for e in examples for label in e.labels)
        print(f"{name}: {len(examples)} units; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m revint.pipeline.training", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    train_command = commands.add_parser(
        "train", help="check provenance, fit, choose thresholds, package (models/revint_themes)"
    )
    train_command.add_argument("--out", type=Path, help="where to write the packaged pipeline")
    commands.add_parser("heldout", help="score the packaged model and the rules on the held-out sets")
    commands.add_parser("corpus", help="label counts per split")
    commands.add_parser("provenance", help="refuse lexicon terms and written examples found only in held-out text")
    args = parser.parse_args()
    try:
        if args.command == "train":
            train(args.out)
        elif args.command == "heldout":
            heldout()
        elif args.command == "provenance":
            provenance(corpus_reviews())
        else:
            corpus()
    except (CorpusMissing, ProvenanceError) as error:
        sys.exit(f"cannot {args.command}: {error}")


if __name__ == "__main__":
    main()

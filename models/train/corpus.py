"""Assemble the training corpus: annotated units of real reviews plus examples written for revint.

Annotations (models/annotations/*.jsonl) hold references, not text: review id, section, character span
and a hash of the unit. The text is read from ../shared/corpus at build time, so that the third-party
reviews never enter the repo. Run: `python -m models.train.corpus OUT_DIR`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tarfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from models.classifier_text import classifier_text, label
from models.taxonomy import POLARITIES, THEME_IDS
from pipeline.settings import REPO_ROOT
from spiders.parsers.glassdoor import parse_page
from spiders.record import ReviewRecord

ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
GLASSDOOR_PAGES = CORPUS / "glassdoor-fr-datalake" / "glassdoor_fr_avis_pages_209.tar.xz"
HELDOUT = CORPUS / "HELDOUT.md"
LABELS = [label(theme, polarity) for theme in THEME_IDS for polarity in POLARITIES]
DEV_SHARE = 0.15


class CorpusMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Example:
    group: str  # examples of one review share a group, so that a review is all train or all dev
    lang: str
    section: str
    text: str
    labels: frozenset[str]
    origin: str


def unit_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def heldout_employers() -> set[str]:
    return set(re.findall(r"^\| (\d+) \|", HELDOUT.read_text(encoding="utf-8"), re.MULTILINE))


def glassdoor_reviews() -> dict[str, tuple[set[str], ReviewRecord]]:
    """review_id → (employer ids of every saved page showing it, record), from the 209 pages read in place."""
    if not GLASSDOOR_PAGES.exists():
        raise CorpusMissing(
            f"training reads the annotated reviews' text from {GLASSDOOR_PAGES}; put the team's shared/ "
            "folder beside the repo (../shared) and run again"
        )
    reviews: dict[str, tuple[set[str], ReviewRecord]] = {}
    with tarfile.open(GLASSDOOR_PAGES) as archive:
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


def annotated_units() -> Iterator[Example]:
    reviews = glassdoor_reviews()
    held_out = heldout_employers()
    for path in sorted(ANNOTATIONS.glob("glassdoor_*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            ref = json.loads(line)
            employers, review = reviews[ref["review_id"]]
            if employers & held_out:
                raise ValueError(f"{path}:{number}: {ref['review_id']} belongs to a held-out employer")
            text = review.sections()[ref["section"]][ref["start"] : ref["end"]]
            if unit_hash(text) != ref["sha1"]:
                raise ValueError(f"{path}:{number}: the unit text changed (parser change?): re-align annotations")
            yield Example(
                ref["review_id"],
                ref["lang"],
                ref["section"],
                text,
                frozenset(label(*p) for p in ref["labels"]),
                path.stem,
            )


def written_examples() -> Iterator[Example]:
    for path in sorted(ANNOTATIONS.glob("written_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            labels = frozenset(label(*pair) for pair in row["labels"])
            yield Example(row["id"], row["lang"], row["section"], row["text"], labels, path.stem)


def is_dev(example: Example) -> bool:
    return zlib.crc32(example.group.encode()) % 1000 < DEV_SHARE * 1000


def to_docbin(examples: list[Example]) -> DocBin:
    nlp = spacy.blank("fr")
    docs = DocBin(store_user_data=False)
    for example in examples:
        doc = nlp.make_doc(classifier_text(example.section, example.text))
        doc.cats = {name: float(name in example.labels) for name in LABELS}
        docs.add(doc)
    return docs


def build(out_dir: Path) -> dict[str, Counter[str]]:
    """Write train.spacy and dev.spacy; return label counts per split."""
    examples = [*annotated_units(), *written_examples()]
    unknown = {name for e in examples for name in e.labels} - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, Counter[str]] = {}
    for split in ("train", "dev"):
        chosen = [e for e in examples if is_dev(e) == (split == "dev")]
        to_docbin(chosen).to_disk(out_dir / f"{split}.spacy")
        counts[split] = Counter(name for e in chosen for name in e.labels)
        counts[split]["units"] = len(chosen)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m models.train.corpus")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    try:
        counts = build(args.out_dir)
    except CorpusMissing as error:
        sys.exit(f"cannot build the training corpus: {error}")
    for split, count in counts.items():
        print(
            f"{split}: {count['units']} units; "
            + ", ".join(f"{k} {v}" for k, v in sorted(count.items()) if k != "units")
        )


if __name__ == "__main__":
    main()

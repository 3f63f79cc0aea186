"""Assemble the training corpus: annotated units of real reviews plus examples written for revint.

Annotations (models/annotations/*.jsonl) hold references, not text: review id, section, character span
and a hash of the unit. The text is read from ../shared/corpus at build time, so that the third-party
reviews never enter the repo. `python -m models.train.corpus` prints the label counts per split.
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

from revint.models.theme_model import LABELS
from revint.record import ReviewRecord
from revint.settings import REPO_ROOT
from revint.spiders.parsers.glassdoor import parse_page

ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
GLASSDOOR_PAGES = CORPUS / "glassdoor-fr-datalake" / "glassdoor_fr_avis_pages_209.tar.xz"
HELDOUT = CORPUS / "HELDOUT.md"
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
    origin: str  # the annotation file's name: glassdoor_batch* (real reviews) or written_* (written for revint)

    @property
    def written(self) -> bool:
        return self.origin.startswith("written")


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
                frozenset(f"{theme}/{polarity}" for theme, polarity in ref["labels"]),
                path.stem,
            )


def written_examples() -> Iterator[Example]:
    for path in sorted(ANNOTATIONS.glob("written_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            labels = frozenset(f"{theme}/{polarity}" for theme, polarity in row["labels"])
            yield Example(row["id"], row["lang"], row["section"], row["text"], labels, path.stem)


def is_dev(example: Example) -> bool:
    return zlib.crc32(example.group.encode()) % 1000 < DEV_SHARE * 1000


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """(train, dev). Dev holds real reviews only (15 % of them, by review): it measures the model on what it
    is for. A written text that repeats an earlier one is dropped."""
    seen: set[tuple[str, str]] = set()
    train: list[Example] = []
    dev: list[Example] = []
    for example in examples:
        key = (example.section, " ".join(example.text.lower().split()))
        if example.written and key in seen:
            continue
        seen.add(key)
        (train if example.written or not is_dev(example) else dev).append(example)
    return train, dev


def load() -> tuple[list[Example], list[Example]]:
    """(train, dev) of the whole training corpus; raises CorpusMissing without ../shared/corpus."""
    examples = [*annotated_units(), *written_examples()]
    unknown = {name for e in examples for name in e.labels} - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}")
    return split(examples)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m models.train.corpus", description="label counts per split")
    parser.parse_args()
    try:
        splits = dict(zip(("train", "dev"), load(), strict=True))
    except CorpusMissing as error:
        sys.exit(f"cannot build the training corpus: {error}")
    for name, examples in splits.items():
        counts = Counter(label for e in examples for label in e.labels)
        print(f"{name}: {len(examples)} units; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()

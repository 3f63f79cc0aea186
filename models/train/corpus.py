"""Assemble the training corpus: annotated units of real reviews plus examples written for revint.

Annotations (models/annotations/glassdoor_*.jsonl and indeed_*.jsonl) hold references, not text: review id,
section, character span and a hash of the unit. The text comes from the review records of ../shared/corpus,
which the caller reads with the spiders' parsers (pipeline/training.py), so that the third-party reviews never
enter the repo. What is held out is read from ../shared/corpus/HELDOUT.md, and a reference to a held-out review
is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from revint.models.theme_model import LABELS
from revint.record import ReviewRecord
from revint.settings import SHARED_CORPUS

ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"
HELDOUT = SHARED_CORPUS / "HELDOUT.md"
DEV_SHARE = 0.15

# review_id → (where the review is shown, its record). A place is a glassdoor.fr employer id (of a saved page
# showing the review) or "<export file>#<position in its JSON array>" (indeed-fr-lidl); see `heldout_places`.
SavedReviews = Mapping[str, tuple[set[str], ReviewRecord]]


@dataclass(frozen=True)
class Example:
    group: str  # examples of one review share a group, so that a review is all train or all dev
    lang: str
    section: str
    text: str
    labels: frozenset[str]
    # the annotation file's name: glassdoor_batch*, indeed_* (real reviews) or written_* (written for revint)
    origin: str

    @property
    def written(self) -> bool:
        return self.origin.startswith("written")


def unit_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def heldout_employers() -> set[str]:
    """The held-out glassdoor.fr employers (`id_enterprise`), from HELDOUT.md's table."""
    return set(re.findall(r"^\| (\d+) \|", HELDOUT.read_text(encoding="utf-8"), re.MULTILINE))


def heldout_folders() -> set[str]:
    """The corpus folders held out whole ("- `glassdoor-en-us-2025/` (all of it)" in HELDOUT.md)."""
    return set(re.findall(r"^- `([^`/]+)/` \(all of it\)", HELDOUT.read_text(encoding="utf-8"), re.MULTILINE))


def heldout_positions() -> dict[str, set[int]]:
    """Export file name → the 0-based positions in its JSON array of the reviews held out ("in
    `indeed-fr-lidl/<file>`, the 120 reviews at these positions …: 0, 2, 3, …" in HELDOUT.md); raises when a
    list's length differs from the count stated before it."""
    found: dict[str, set[int]] = {}
    text = HELDOUT.read_text(encoding="utf-8")
    for name, count, numbers in re.findall(
        r"^- in `[^`/]+/([^`/]+)`, the (\d+) reviews at these positions[^:]*:\s*([\d,\s]+)", text, re.MULTILINE
    ):
        positions = [int(n) for n in re.findall(r"\d+", numbers)]
        if len(set(positions)) != len(positions) or len(positions) != int(count):
            raise ValueError(f"{HELDOUT}: {name}: {len(set(positions))} distinct positions listed, {count} stated")
        found[name] = set(positions)
    return found


def heldout_places() -> set[str]:
    """Where held-out reviews are shown, as in SavedReviews: employer ids and "<export file>#<position>"."""
    exports = {f"{name}#{position}" for name, positions in heldout_positions().items() for position in positions}
    return heldout_employers() | exports


def annotated_units(reviews: SavedReviews) -> Iterator[Example]:
    """The annotated units of real reviews (glassdoor.fr and indeed.fr); raises on a reference to a held-out
    review (one shown under a held-out employer or at a held-out position of an export), to a review the corpus
    lacks, or to a unit whose text moved."""
    held_out = heldout_places()
    for path in sorted([*ANNOTATIONS.glob("glassdoor_*.jsonl"), *ANNOTATIONS.glob("indeed_*.jsonl")]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            ref = json.loads(line)
            if ref["review_id"] not in reviews:
                raise ValueError(f"{path}:{number}: {ref['review_id']} is no review of the corpus read")
            places, review = reviews[ref["review_id"]]
            if places & held_out:
                raise ValueError(
                    f"{path}:{number}: {ref['review_id']} is held out ({', '.join(sorted(places & held_out))})"
                )
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


def load(reviews: SavedReviews) -> tuple[list[Example], list[Example]]:
    """(train, dev) of the whole training corpus."""
    examples = [*annotated_units(reviews), *written_examples()]
    unknown = {name for e in examples for name in e.labels} - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}")
    return split(examples)

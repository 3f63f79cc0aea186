"""A run folder, the hand-over between stages: the crawl writes `reviews.jsonl` (and its stats and page
archive), the tag stage writes `tagged.jsonl`, the load reads it, and the company profiles an import found in
overview pages (`company_profiles.jsonl`). Both files are JSON Lines appended and
flushed line by line, so a kill leaves at most one torn last line, which readers cut off.

One lock per run folder: whoever appends to a run's files (a crawl, the tag stage) or rewrites them
(`revint forget`) holds it, so a rewrite never drops lines a writer appends meanwhile.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Final

from revint.companies import CompanyProfile
from revint.errors import ReportedError
from revint.record import ReviewRecord, TaggedReview

REVIEWS_FILE: Final = "reviews.jsonl"
PROFILES_FILE: Final = "company_profiles.jsonl"
TAGGED_FILE: Final = "tagged.jsonl"
ARCHIVE_DIR: Final = "archive"
KNOWN_IDS_FILE: Final = "known_ids.txt"  # nightly mode: the ids the warehouse held when the crawl started
SPIDER_STATE: Final = "spider.state"  # in the crawl's job folder: Scrapy's saved spider state (seen review ids)
FRESH_FILE: Final = "fresh.jsonl"  # a nightly run's reviews to tag: new, or changed since the warehouse got them
CHUNKS_DIR: Final = "chunks"  # those reviews cut for the tagging workers, and their tagged halves, until merged
LOCK_FILE: Final = ".lock"


def stats_path(output: Path) -> Path:
    """Where a crawl writing `output` leaves its statistics (JSON)."""
    return output.with_suffix(".stats.json")


def review_id_of(line: str | bytes) -> str | None:
    """The review id of a JSON Lines line: a record (reviews.jsonl) or a tagged review (tagged.jsonl).

    None for a line that does not decode, such as one torn by a kill.
    """
    try:
        row = json.loads(line)
    except ValueError:
        return None
    review = row.get("review", row) if isinstance(row, dict) else None
    found = review.get("review_id") if isinstance(review, dict) else None
    return found if isinstance(found, str) else None


def intact_output(path: Path) -> tuple[set[str], int]:
    """The review ids in a JSON Lines output and the size of its intact part (up to a line torn by a kill)."""
    ids: set[str] = set()
    size = 0
    if not path.exists():
        return ids, size
    with path.open("rb") as lines:
        for line in lines:
            review_id = review_id_of(line) if line.endswith(b"\n") else None
            if review_id is None:
                break
            ids.add(review_id)
            size += len(line)
    return ids, size


class DamagedRunFile(ReportedError, ValueError):
    """A line inside a run file (not its last one, which a kill may tear) is not a review record."""


def read_reviews(path: Path) -> Iterator[ReviewRecord]:
    """The records of a reviews.jsonl; a last line torn by a killed crawl is left out (the crawl, resumed,
    writes that review again)."""
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as error:
                if not line.endswith("\n"):  # the last line, cut short
                    return
                raise DamagedRunFile(f"{path}:{number}: not a review record ({error})") from error
            yield ReviewRecord.from_json_dict(row)


def read_profiles(path: Path) -> list[CompanyProfile]:
    """The company profiles of a company_profiles.jsonl; none when the run has no such file (a crawl's run)."""
    if not path.exists():
        return []
    profiles = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    profiles.append(CompanyProfile.from_json_line(line))
                except (ValueError, TypeError, KeyError) as error:
                    raise DamagedRunFile(f"{path}:{number}: not a company profile ({error})") from error
    return profiles


def read_tagged(path: Path) -> list[TaggedReview]:
    """The tagged reviews of a tagged.jsonl."""
    with path.open(encoding="utf-8") as lines:
        return [TaggedReview.from_json_line(line) for line in lines if line.strip()]


class RunLock:
    """An exclusive advisory lock (flock) on `<run>/.lock` (or another file `name` of the run), held from acquire()
    to release()."""

    def __init__(self, run_dir: Path, name: str = LOCK_FILE) -> None:
        self.path = run_dir / name
        self.handle: IO[str] | None = None

    def acquire(self, on_wait: Callable[[], None] | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a")
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)

    def release(self) -> None:
        if self.handle:
            self.handle.close()  # closing the file releases the lock
            self.handle = None


@contextmanager
def run_lock(run_dir: Path, on_wait: Callable[[], None] | None = None, name: str = LOCK_FILE) -> Iterator[None]:
    lock = RunLock(run_dir, name)
    lock.acquire(on_wait)
    try:
        yield
    finally:
        lock.release()

"""One lock per run folder: whoever appends to a run's files (a crawl, the tag stage) or rewrites them
(`revint forget`) holds it, so a rewrite never drops lines a writer appends meanwhile."""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

LOCK_FILE = ".lock"


class RunLock:
    """An exclusive advisory lock (flock) on `<run>/.lock`, held from acquire() to release()."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / LOCK_FILE
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
def run_lock(run_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    lock = RunLock(run_dir)
    lock.acquire(on_wait)
    try:
        yield
    finally:
        lock.release()

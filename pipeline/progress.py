"""Periodic progress lines for long work, on stderr so stdout stays clean for data."""

from __future__ import annotations

import sys
import time


class Progress:
    """Prints `label: N unit…` at most every `every` seconds, and a final count on `done()`."""

    def __init__(self, label: str, unit: str, every: float = 2.0, total: int | None = None) -> None:
        self.label, self.unit, self.every, self.total = label, unit, every, total
        self.count = 0
        self.started = self.last = time.monotonic()

    def _line(self) -> str:
        of = f"/{self.total}" if self.total else ""
        return f"{self.label}: {self.count}{of} {self.unit} ({time.monotonic() - self.started:.1f} s)"

    def update(self, count: int) -> None:
        self.count = count
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            print(self._line(), file=sys.stderr, flush=True)

    def advance(self, step: int = 1) -> None:
        self.update(self.count + step)

    def done(self) -> float:
        print(self._line(), file=sys.stderr, flush=True)
        return time.monotonic() - self.started

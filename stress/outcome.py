"""What every stress part returns: counts for the `make stress` table (stress/__main__.py), where 0 is the bar for
every column but the tries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Outcome:
    part: str  # "hostile input", "random kills", "concurrent use", "security"
    tried: int = 0  # inputs fed, kills made, reads run, attacks tried
    crashes: int = 0  # an exception out of a parser, importer or command where a clear error was due
    rejected: Counter[str] = field(default_factory=Counter)  # items rejected, by reason (expected, reported)
    kills_survived: int = 0
    lost: int = 0  # reviews an uninterrupted run has and the resumed one lacks
    duplicated: int = 0
    failed_reads: int = 0
    xss_executions: int = 0
    disallowed_fetches: int = 0
    identity_leaks: int = 0  # reviewer names or profile links found in a table, export or file
    traces_after_forget: int = 0
    notes: list[str] = field(default_factory=list)  # what each failure was, to fix

    @property
    def failures(self) -> int:
        return (
            self.crashes
            + self.lost
            + self.duplicated
            + self.failed_reads
            + self.xss_executions
            + self.disallowed_fetches
            + self.identity_leaks
            + self.traces_after_forget
        )

"""What the benchmarks return, and how a comparison says what each of its sides times."""

from __future__ import annotations

from typing import Final

Figure = tuple[str, float | None, str]  # name, value (None on a note line), detail
Figures = list[Figure]

# Timed runs of each side of a comparison, taken in turn so that other work on the machine falls on both alike;
# the figures are the medians.
RUNS: Final = 3


def compared(**sides: str) -> Figure:
    """The note under a ratio: what each side's timing includes, on one line."""
    return ("", None, "; ".join(f"{side}: {includes}" for side, includes in sides.items()))

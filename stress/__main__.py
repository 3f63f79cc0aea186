"""`make stress`: every stress part in turn, then one table; exit status 1 when any bar is missed.

Parts: hostile input (stress/hostile.py), random kills (stress/kills.py), concurrent use (stress/concurrency.py),
security (stress/security.py). The regular test suite runs a small seeded slice of each (tests/stress/).
The flows the parts run report to one temporary Prefect server started here, as a deployment's runs report to theirs,
instead of each command starting its own."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from revint.pipeline.cli import no_usage_telemetry
from stress.outcome import Outcome
from tests.support.prefect_server import prefect_server

COLUMNS = (
    ("tried", "tried"),
    ("crashes", "crashes"),
    ("rejected", "rejected (reason)"),
    ("kills_survived", "kills survived"),
    ("lost", "lost"),
    ("duplicated", "duplicated"),
    ("failed_reads", "failed reads"),
    ("xss_executions", "XSS executions"),
    ("disallowed_fetches", "disallowed fetches"),
    ("identity_leaks", "identity leaks"),
    ("traces_after_forget", "traces after forget"),
)


PARTS = (
    ("hostile input", "hostile"),
    ("random kills", "kills"),
    ("concurrent use", "concurrency"),
    ("security", "security"),
)


def _parts(seed: int) -> list[tuple[str, Callable[..., Outcome]]]:
    """Each part's `run(seed=…, scratch=…)`, by module name (stress/<module>.py)."""
    return [(name, partial(importlib.import_module(f"stress.{module}").run, seed=seed)) for name, module in PARTS]


def table(outcomes: list[Outcome]) -> str:
    """One row per part, one column per count (rejected: the total, reasons listed below)."""
    header = "| part | " + " | ".join(title for _, title in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 1)]
    for outcome in outcomes:
        cells = [str(sum(outcome.rejected.values())) if name == "rejected" else str(getattr(outcome, name))
                 for name, _ in COLUMNS]  # fmt: skip
        lines.append(f"| {outcome.part} | " + " | ".join(cells) + " |")
    for outcome in outcomes:
        if outcome.rejected:
            reasons = ", ".join(f"{count} {reason}" for reason, count in outcome.rejected.most_common())
            lines.append(f"\n{outcome.part}, rejected with reason: {reasons}")
        lines += [f"\n{outcome.part}: {note}" for note in outcome.notes]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m stress", description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    no_usage_telemetry()
    outcomes = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch, prefect_server() as api:
        os.environ["PREFECT_API_URL"] = api  # for the `revint` commands the parts start
        for name, run in _parts(args.seed):
            began = time.monotonic()
            print(f"stress: {name}…", file=sys.stderr, flush=True)
            folder = Path(scratch) / name.replace(" ", "-")
            folder.mkdir()
            outcomes.append(run(scratch=folder))
            print(f"stress: {name} done in {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    print(table(outcomes))
    failures = sum(outcome.failures for outcome in outcomes)
    print(f"\n{failures} failures in {time.monotonic() - started:.0f} s (seed {args.seed})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""The concurrent-use part of `make stress` (stress/concurrency.py) on its seeded slice: an analyst reading the
warehouse in a loop from another process while a nightly run loads it. No read may fail, and the run must leave every
review of the site in the warehouse, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from stress.concurrency import run

pytestmark = pytest.mark.slow  # a crawl, then a nightly command in a subprocess


def test_reads_during_a_nightly_run_never_fail(
    prefect_api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)  # the command reports to the session's server
    outcome = run(seed=0, readers=1, scratch=tmp_path, simultaneous=False)

    notes = "\n".join(outcome.notes)
    assert outcome.tried > 0, notes
    assert (outcome.lost, outcome.duplicated, outcome.failed_reads, outcome.crashes) == (0, 0, 0, 0), notes

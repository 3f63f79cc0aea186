"""The concurrent-use part of `make stress` (stress/concurrency.py) on its seeded slice: an analyst reading the
warehouse in a loop from another process while a nightly run loads it. No read may fail, and the run must leave every
review of the site in the warehouse, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from stress.concurrency import run

pytestmark = pytest.mark.slow  # a crawl, then a nightly command in a subprocess


@pytest.mark.usefixtures("commands_report_to_the_session_server")
def test_reads_during_a_nightly_run_never_fail(tmp_path: Path) -> None:
    outcome = run(seed=0, readers=1, scratch=tmp_path, simultaneous=False)

    notes = "\n".join(outcome.notes)
    assert outcome.tried > 0, notes  # reads made
    assert outcome.failures == 0, notes  # failed reads, lost or duplicated reviews, crashes

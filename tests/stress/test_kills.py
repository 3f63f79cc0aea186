"""The random-kills part of `make stress` (stress/kills.py) on its seeded slice: the nightly command on a growing
fixture site killed twice with SIGKILL at seeded points, resumed, and compared with an uninterrupted run. The warehouse
must pass its checks after each kill, and the resumed one must lack no review and hold none twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from stress.kills import run

pytestmark = pytest.mark.slow  # three nightly commands or so, in subprocesses


def test_two_kills_of_the_nightly_command_lose_and_duplicate_nothing(
    prefect_api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)  # the commands report to the session's server
    outcome = run(seed=0, kills=2, scratch=tmp_path, imports=False)

    notes = "\n".join(outcome.notes)
    assert outcome.tried == 2, notes
    assert (outcome.lost, outcome.duplicated, outcome.failed_reads, outcome.crashes) == (0, 0, 0, 0), notes
    assert outcome.kills_survived == 2, notes

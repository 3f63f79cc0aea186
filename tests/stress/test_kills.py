"""The random-kills part of `make stress` (stress/kills.py) on its seeded slice: the nightly command on a growing
fixture site killed twice with SIGKILL at seeded points, resumed, and compared with an uninterrupted run. The warehouse
must pass its checks after each kill, and the resumed one must lack no review and hold none twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from stress.kills import run

pytestmark = pytest.mark.slow  # three nightly commands or so, in subprocesses


@pytest.mark.usefixtures("commands_report_to_the_session_server")
def test_two_kills_of_the_nightly_command_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    outcome = run(seed=0, kills=2, scratch=tmp_path, imports=False)

    assert (outcome.tried, outcome.kills_survived, outcome.failures) == (2, 2, 0), "\n".join(outcome.notes)

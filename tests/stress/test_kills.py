"""The random-kills part of `make stress` (stress/kills.py) on its seeded slice: the nightly command on a growing
fixture site killed once with SIGKILL at a seeded point, resumed, and compared with an uninterrupted run. The warehouse
must pass its checks after the kill, and the resumed one must lack no review and hold none twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from stress.kills import run

pytestmark = pytest.mark.slow  # four nightly commands, in subprocesses


@pytest.mark.usefixtures("commands_report_to_the_session_server")
def test_a_kill_of_the_nightly_command_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    outcome = run(seed=0, kills=1, scratch=tmp_path, imports=False)

    assert (outcome.tried, outcome.kills_survived, outcome.failures) == (1, 1, 0), "\n".join(outcome.notes)

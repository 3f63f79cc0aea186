"""The security part of `make stress` (stress/security.py) on its small seeded slice: a few payloads through the
site, report and digest in headless Chromium, injection strings through the commands, one spider against robots.txt,
and one sample company crawled, published and partly forgotten. Every counter must be 0; a failure names what to fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stress.outcome import Outcome
from stress.security import CHROMIUM, run

pytestmark = pytest.mark.slow  # about a minute: crawls, commands and a browser in subprocesses


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    scratch: Path = tmp_path_factory.mktemp("security")
    return run(seed=0, small=True, scratch=scratch)


def _notes(outcome: Outcome, *prefixes: str) -> str:
    return "\n".join(note for note in outcome.notes if note.startswith(prefixes))


def test_every_check_tried_something(outcome: Outcome) -> None:
    assert outcome.tried >= 60
    assert outcome.rejected["robots.txt: request forbidden"] > 0  # the fixture did lure the crawler


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (make browser installs Debian's as root)")
def test_no_review_text_runs_in_the_site_the_report_or_the_digest(outcome: Outcome) -> None:
    assert outcome.xss_executions == 0, _notes(outcome, "xss")


def test_no_command_crashes_or_changes_the_warehouse_when_fed_injection_strings(outcome: Outcome) -> None:
    assert outcome.crashes == 0, _notes(outcome, "xss:", "sql: revint", "forget:", "identity: `", "robots")


def test_the_crawler_fetches_nothing_robots_txt_disallows(outcome: Outcome) -> None:
    assert outcome.disallowed_fetches == 0, _notes(outcome, "robots")


def test_no_reviewer_name_or_profile_link_is_stored_or_published(outcome: Outcome) -> None:
    assert outcome.identity_leaks == 0, _notes(outcome, "identity leak")


def test_forget_leaves_no_trace_anywhere(outcome: Outcome) -> None:
    assert outcome.traces_after_forget == 0, _notes(outcome, "trace after forget", "forget:")

"""The hostile-input part of `make stress` (stress/hostile.py) on its small seeded slice: some 60 malformed and hostile
variants of the fixture pages, the sample site's pages and, where ../shared/corpus is, the real pages and exports,
read through `documents` and `parse_documents` (one also through `import_paths`). No exception may escape and no
valid review be lost; a failure names each variant and where it crashed.
"""

from __future__ import annotations

import pytest

from stress.hostile import run
from stress.outcome import Outcome

pytestmark = pytest.mark.slow  # some 20 s, half of it loading the tagger for the import


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    return run(seed=0, small=True, scratch=tmp_path_factory.mktemp("hostile"))


def _notes(outcome: Outcome, prefix: str) -> str:
    return "\n".join(note for note in outcome.notes if note.startswith(prefix))


def test_the_slice_feeds_enough_variants(outcome: Outcome) -> None:
    assert outcome.tried >= 50, outcome.notes


def test_no_parser_or_importer_crashes(outcome: Outcome) -> None:
    assert outcome.crashes == 0, _notes(outcome, "crash")


def test_every_valid_review_still_comes_out(outcome: Outcome) -> None:
    assert outcome.lost == 0, _notes(outcome, "lost")


def test_what_is_rejected_is_counted_with_its_reason(outcome: Outcome) -> None:
    assert sum(outcome.rejected.values()) > 0  # the slice does break reviews and documents
    assert not [reason for reason in outcome.rejected if reason.endswith("unexplained")]

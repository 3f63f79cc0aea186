"""Shared by the site parser and spider tests: fixture pages, the real corpus (tests skip where it is absent), a
fetch time."""

from __future__ import annotations

import re
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from revint.settings import SHARED_CORPUS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "sites"
CORPUS = SHARED_CORPUS
FETCHED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def fixture(site: str, name: str) -> str:
    """A fixture page written for these tests (UTF-8)."""
    return (FIXTURES / site / name).read_text(encoding="utf-8")


def corpus_file(*parts: str) -> Path:
    """A file of ../shared/corpus; the test is skipped when the corpus is not checked out next to the repo."""
    path = CORPUS.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared corpus is not next to this checkout")
    return path


def pages_in_tar(archive: Path, name: re.Pattern[str]) -> Iterator[tuple[re.Match[str], str, datetime]]:
    """The pages of a .tar.xz of saved pages whose member name `name` matches: the match, the page (UTF-8) and its
    modification time (when it was saved), read without extracting."""
    with tarfile.open(archive) as tar:
        for member in tar:
            found = name.search(member.name)
            extracted = tar.extractfile(member) if found and member.isfile() else None
            if found is not None and extracted is not None:
                yield found, extracted.read().decode("utf-8"), datetime.fromtimestamp(member.mtime, UTC)

"""A run folder's files: a last line torn by a kill is left out, a damaged line inside is an error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from revint.record import dumps
from revint.runfiles import DamagedRunFile, read_profiles, read_reviews
from tests.support.records import profile, review


def test_a_last_line_torn_by_a_killed_crawl_is_left_out(tmp_path: Path) -> None:
    lines = [dumps(review(n)) + "\n" for n in range(3)]
    path = tmp_path / "reviews.jsonl"
    path.write_text(lines[0] + lines[1] + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    assert [r.source_review_id for r in read_reviews(path)] == ["0", "1"]


def test_a_damaged_line_inside_the_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "reviews.jsonl"
    path.write_text(dumps(review(0)) + "\n" + "{not json\n" + dumps(review(2)) + "\n", encoding="utf-8")
    with pytest.raises(DamagedRunFile, match=f"{path}:2: not a review record"):
        list(read_reviews(path))


def test_company_profiles_read_back_as_written_and_a_run_without_them_has_none(tmp_path: Path) -> None:
    path = tmp_path / "company_profiles.jsonl"
    assert read_profiles(path) == []
    written = [profile("acme"), profile("globex", sector=None, founded=1990)]
    path.write_text("".join(p.to_json_line() + "\n" for p in written), encoding="utf-8")
    assert read_profiles(path) == written


def test_a_damaged_company_profile_line_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "company_profiles.jsonl"
    path.write_text(profile().to_json_line() + "\n" + '{"source": "x", "colour": "red"}\n', encoding="utf-8")
    with pytest.raises(DamagedRunFile, match=f"{path}:2: not a company profile"):
        read_profiles(path)

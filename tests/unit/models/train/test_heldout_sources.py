"""What is held out follows ../shared/corpus/HELDOUT.md: its lists as parsed, the indeed.fr split by position,
the refusal of a training reference to a held-out review, and the provenance check on the real data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from revint.models.train import corpus, heldout
from revint.models.train.corpus import (
    ANNOTATIONS,
    HELDOUT,
    annotated_units,
    heldout_employers,
    heldout_folders,
    heldout_places,
    heldout_positions,
)
from revint.models.train.heldout import EVALUATION, heldout_units
from revint.pipeline import training
from revint.record import ReviewRecord
from revint.settings import SHARED_CORPUS

needs_heldout_md = pytest.mark.skipif(not HELDOUT.exists(), reason=f"needs {HELDOUT} (../shared/corpus)")
needs_corpus = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason=f"needs {SHARED_CORPUS} (../shared/corpus)")


@needs_heldout_md
def test_heldout_md_parses_to_the_lists_the_code_expects() -> None:
    """Fails when HELDOUT.md changes: then read it again and follow it (pipeline/training.py, models/evaluation)."""
    positions = heldout_positions()
    assert set(positions) == {training.INDEED.name}
    assert len(positions[training.INDEED.name]) == 120
    assert positions[training.INDEED.name] <= set(range(240))
    assert len(heldout_employers()) == 33
    assert heldout_folders() == {"glassdoor-graphql-json", "glassdoor-en-us-2025", "glassdoor-en-brightdata"}
    assert heldout_folders() == training.HELDOUT_FOLDERS
    training.check_heldout_sources()


def test_a_position_list_that_disagrees_with_its_count_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = tmp_path / "HELDOUT.md"
    monkeypatch.setattr(corpus, "HELDOUT", listing)
    listing.write_text("- in `dir/a.json`, the 3 reviews at these positions (0-based):\n  0, 4, 7\n", encoding="utf-8")
    assert heldout_positions() == {"a.json": {0, 4, 7}}
    listing.write_text("- in `dir/a.json`, the 3 reviews at these positions (0-based):\n  0, 4\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"a\.json: 2 distinct positions listed, 3 stated"):
        heldout_positions()


def _record(text: str) -> ReviewRecord:
    return ReviewRecord("indeed", "x", "Lidl", "lidl", "https://fr.indeed.com/cmp/Lidl", datetime.now(UTC), cons=text)


def test_a_training_reference_to_a_held_out_review_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listing = tmp_path / "HELDOUT.md"
    listing.write_text("- in `dir/a.json`, the 1 reviews at these positions (0-based):\n  1\n", encoding="utf-8")
    monkeypatch.setattr(corpus, "HELDOUT", listing)
    monkeypatch.setattr(corpus, "ANNOTATIONS", tmp_path)
    ref = {"review_id": "indeed:b", "section": "cons", "start": 0, "end": 3, "lang": "fr", "labels": []}
    ref["sha1"] = corpus.unit_hash("RAS")
    (tmp_path / "indeed_fr_lidl.jsonl").write_text(json.dumps(ref) + "\n", encoding="utf-8")
    reviews = {"indeed:a": ({"a.json#0"}, _record("RAS")), "indeed:b": ({"a.json#1"}, _record("RAS"))}
    with pytest.raises(ValueError, match=r"indeed_fr_lidl.jsonl:1: indeed:b is held out \(a.json#1\)"):
        list(annotated_units(reviews))
    ref["review_id"] = "indeed:a"
    (tmp_path / "indeed_fr_lidl.jsonl").write_text(json.dumps(ref) + "\n", encoding="utf-8")
    assert [e.text for e in annotated_units(reviews)] == ["RAS"]


def test_a_held_out_reference_to_a_review_outside_the_held_out_records_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(heldout, "EVALUATION", tmp_path)
    ref = {"dataset": "indeed-lidl", "review_id": "indeed:a", "section": "cons", "start": 0, "end": 3, "lang": "fr"}
    (tmp_path / "heldout_x.jsonl").write_text(json.dumps(ref | {"sha1": "", "labels": []}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"heldout_x\.jsonl:1: indeed:a is no held-out review of indeed-lidl"):
        list(heldout_units({"indeed-lidl": {}}))


def _review_ids(path: Path) -> set[str]:
    return {json.loads(line)["review_id"] for line in path.read_text(encoding="utf-8").splitlines()}


@needs_corpus
def test_indeed_annotations_are_split_by_the_held_out_positions() -> None:
    reviews = training.indeed_reviews()
    held = heldout_places()
    held_ids = {rid for rid, (places, _) in reviews.items() if places & held}
    assert len(reviews) == 261 and len(held_ids) == 120
    evaluated, trained = (
        _review_ids(EVALUATION / "heldout_indeed.jsonl"),
        _review_ids(ANNOTATIONS / "indeed_fr_lidl.jsonl"),
    )
    assert evaluated == held_ids
    assert trained <= set(reviews) - held_ids
    assert len(evaluated | trained) == 261  # every review of both exports annotated, each in one place


@needs_corpus
def test_no_lexicon_term_or_written_example_comes_from_held_out_text_only() -> None:
    """The check `make train` runs first (models/train/provenance.py); its error names what to remove."""
    training.provenance(training.corpus_reviews())

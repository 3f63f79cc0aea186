"""`revint retag`: reviews tagged by another tagger version are tagged again, once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from revint.models.tagger import Tagger
from revint.pipeline.retag import retag
from revint.pipeline.warehouse.db import connect
from revint.pipeline.warehouse.load import load_batch
from revint.record import TaggedReview
from tests.support.records import mention, review


def test_retag_replaces_mentions_of_older_versions_and_then_has_nothing_to_do(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    old = replace(mention("career", "positive"), model_version="old")
    load_batch(
        con,
        [
            TaggedReview(review(1, cons="Salaire trop bas"), [old], "old"),
            TaggedReview(review(2, cons="RAS"), [], "old"),
        ],
    )
    tagger = Tagger(model_dir=None)
    first = retag(con, tagger)
    assert first.reviews == 2
    rows = con.execute("SELECT review_id, theme, polarity, model_version FROM mentions").fetchall()
    assert rows == [("test:1", "compensation", "negative", tagger.version)]
    assert con.execute("SELECT DISTINCT tagged_with FROM reviews").fetchall() == [(tagger.version,)]
    assert retag(con, tagger).reviews == 0
    assert retag(con, tagger, everything=True).reviews == 2

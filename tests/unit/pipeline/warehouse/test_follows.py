"""Following companies: names read as reports read them, stored once, a snapshot taken, nothing written on an error."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from revint.pipeline.digest import (
    NothingFollowed,
    follow_companies,
    followed_companies,
    produce_digest,
    unfollow_companies,
)
from revint.pipeline.insights.lookup import CompanyNotFound
from revint.pipeline.warehouse.db import connect, run_checks
from revint.pipeline.warehouse.load import load_batch
from revint.record import TaggedReview
from revint.taxonomy import THEMES
from tests.support.records import mention, review

COMPANIES = {"acme": "Acme", "altran": "Altran", "altran-telnet": "Altran Telnet", "altran-cis": "Altran CIS"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    load_batch(
        con,
        [
            TaggedReview(review(1000 * i + n, company_id, company_name=name), [mention()])
            for i, (company_id, name) in enumerate(COMPANIES.items())
            for n in range(5)
        ],
    )
    con.close()
    return path


def _rows(db: Path, query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_following_stores_the_company_once_with_a_snapshot_of_its_report(db: Path) -> None:
    first = follow_companies(db, ["Acme"])
    assert [e.company_id for e in first.changed] == ["acme"] and first.unchanged == []
    (followed,) = followed_companies(db)
    assert (followed.company_id, followed.name) == ("acme", "Acme")
    snapshot = _rows(db, "SELECT snapshot_at, digest_id, standing, reviews FROM digest_snapshots")
    assert len(snapshot) == 2 * len(THEMES)  # every theme, both polarities
    assert {row[:2] for row in snapshot} == {(followed.followed_at, None)}
    assert {row[2:] for row in snapshot} == {("not_shown", 5)}  # 5 reviews: not enough for a figure

    again = follow_companies(db, ["acme", "ACME"])
    assert again.changed == [] and [e.company_id for e in again.unchanged] == ["acme"]
    assert followed_companies(db) == [followed]  # same follow date
    assert len(_rows(db, "SELECT * FROM digest_snapshots")) == 2 * len(THEMES)


def test_a_group_name_follows_each_of_its_entities(db: Path) -> None:
    follow_companies(db, ["Altran"])
    assert {f.company_id for f in followed_companies(db)} == {"altran", "altran-telnet", "altran-cis"}
    stopped = unfollow_companies(db, ["Altran Telnet"])
    assert [e.company_id for e in stopped.changed] == ["altran-telnet"]
    assert {f.company_id for f in followed_companies(db)} == {"altran", "altran-cis"}


def test_unfollowing_drops_the_follow_and_its_snapshots_and_unfollowing_again_changes_nothing(db: Path) -> None:
    follow_companies(db, ["Acme", "Altran CIS"])
    stopped = unfollow_companies(db, ["acme"])
    assert [e.company_id for e in stopped.changed] == ["acme"]
    assert [f.company_id for f in followed_companies(db)] == ["altran-cis"]
    assert _rows(db, "SELECT DISTINCT company_id FROM digest_snapshots") == [("altran-cis",)]
    again = unfollow_companies(db, ["acme"])
    assert again.changed == [] and [e.company_id for e in again.unchanged] == ["acme"]


def test_an_unknown_name_is_refused_and_nothing_is_written(db: Path) -> None:
    follow_companies(db, ["Acme"])
    published = db.read_bytes()
    with pytest.raises(CompanyNotFound, match="'Initech' matches no company") as refused:
        follow_companies(db, ["Altran Telnet", "Initech"])
    assert refused.value.exit_status == 2
    with pytest.raises(CompanyNotFound):
        unfollow_companies(db, ["Acme", "Initech"])
    assert db.read_bytes() == published
    assert [f.company_id for f in followed_companies(db)] == ["acme"]


def test_the_key_checks_pass_after_follows_and_catch_a_bad_snapshot(db: Path) -> None:
    follow_companies(db, ["Altran"])
    unfollow_companies(db, ["Altran CIS"])
    con = connect(db)
    run_checks(con)
    con.execute("UPDATE digest_snapshots SET standing = 'concern', raising = 9 WHERE theme = 'culture'")
    with pytest.raises(Exception, match="digest_snapshots_values_accepted") as failed:
        run_checks(con)
    assert "digest_snapshots_counts_in_range" in str(failed.value)  # a figure on a theme not shown, above its reviews
    con.close()


def test_a_followed_company_whose_reviews_were_all_forgotten_is_listed_and_can_be_unfollowed_by_id(db: Path) -> None:
    follow_companies(db, ["Acme"])
    con = connect(db)
    for table in ("mentions", "review_subratings", "reviews"):  # as `revint forget` leaves it
        con.execute(f"DELETE FROM {table} WHERE review_id LIKE 'test:_'")
    con.execute("DELETE FROM companies WHERE company_id = 'acme'")
    con.close()
    (gone,) = followed_companies(db)
    assert (gone.company_id, gone.name) == ("acme", None)
    with pytest.raises(NothingFollowed, match="no company followed is still in the warehouse"):
        produce_digest(db)
    assert [e.company_id for e in unfollow_companies(db, ["acme"]).changed] == ["acme"]
    assert followed_companies(db) == []

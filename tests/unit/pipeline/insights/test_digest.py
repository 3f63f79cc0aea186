"""The digest: what changed for the companies followed since the previous digest, on real warehouses loaded twice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from revint.pipeline.digest import NothingFollowed, follow_companies, followed_companies, produce_digest
from revint.pipeline.insights.digest import NOT_SHOWN, ThemeState, as_html, as_markdown, markdown_text, theme_changes
from revint.pipeline.warehouse.db import connect, run_checks
from revint.pipeline.warehouse.load import load_batch
from revint.record import Mention, TaggedReview
from tests.support.records import mention, review

SURE = 0.99  # quotable: above the evidence bar
PAY = (
    "Le salaire de base reste sous la grille de la branche",
    "Pas un euro de prime malgré une année record pour le magasin",
    "Les augmentations annuelles ne couvrent même pas l'inflation",
    "Les heures supplémentaires ne sont jamais payées au bon taux",
)
HOSTILE = "On nous paie mal <script>alert(1)</script> depuis des années"


def _pay(n: int, text: str | None = None, evidence: float = SURE) -> list[Mention]:
    return [mention("compensation", text=text or f"{PAY[n % 4]} ({n})", evidence=evidence)]


def _acme(first: int, count: int, complaining: int, day: date) -> list[TaggedReview]:
    """`count` acme reviews of `day`, the first `complaining` of them about pay."""
    return [
        TaggedReview(
            review(first + n, "acme", review_date=day, job_title="Vendeur"), _pay(n) if n < complaining else []
        )
        for n in range(count)
    ]


def _load(db: Path, batch: list[TaggedReview]) -> None:
    con = connect(db)
    load_batch(con, batch)
    con.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Four other companies of 50 reviews, a fifth of them complaining about pay; acme: 30 reviews, as many."""
    path = tmp_path / "w.duckdb"
    others = [
        TaggedReview(review(1000 * (i + 1) + n, name), _pay(n) if n % 5 == 0 else [])
        for i, name in enumerate(("alpha", "beta", "gamma", "delta"))
        for n in range(50)
    ]
    _load(path, others + _acme(9000, 30, 6, date(2025, 1, 1)))
    follow_companies(path, ["acme", "beta"])
    return path


def _count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


def test_a_digest_after_a_load_tells_new_reviews_a_new_concern_and_new_quotes(db: Path) -> None:
    _load(db, _acme(9100, 30, 30, date(2026, 1, 5)))  # acme: 36 of 60 now complain about pay
    digest = produce_digest(db)
    (acme,) = digest.changed  # beta: no change, no section
    assert [c.company_id for c in digest.companies] == ["acme", "beta"]
    assert acme.new_reviews == 30 and acme.reviews == 60
    (pay,) = acme.themes
    assert (pay.theme, pay.polarity, pay.change) == ("compensation", "negative", "appeared")
    assert (pay.before.standing, pay.before.raising, pay.now.raising) == ("as_often", 6, 36)
    assert acme.quotes and all(q.quote.review_date == date(2026, 1, 5) for q in acme.quotes)
    text = as_markdown(digest)
    assert text.startswith("# Entreprises suivies\u00a0: ce qui a changé du ")
    assert "## Acme\n\n30 nouveaux avis (60 au total)." in text
    assert "- **Nouvelle préoccupation**\u00a0: Rémunération et avantages — 60\u00a0% (36 avis sur 60)" in text
    assert "Beta" not in text
    assert _count(db, "digest_runs") == 1
    assert _count(db, "digest_snapshots") == 2 * (2 * 2 * 11)  # the follow's and the digest's, of 2 companies


def test_a_digest_with_nothing_new_says_so_in_one_line(db: Path) -> None:
    produce_digest(db)  # the first digest: nothing loaded since the follow
    digest = produce_digest(db, lang="en")
    assert digest.changed == []
    lines = as_markdown(digest).splitlines()
    assert lines[-1].startswith("Nothing new since ") and lines[-1].endswith(" for the 2 companies followed.")
    assert len([line for line in lines if line]) == 2  # the title and that line
    assert "Nothing new since" in as_html(digest)


def test_a_rising_concern_is_told_against_the_previous_digest(db: Path) -> None:
    _load(db, _acme(9100, 30, 30, date(2026, 1, 5)))
    first = produce_digest(db)
    _load(db, _acme(9200, 20, 20, date(2026, 2, 5)))  # 56 of 80: 70 % against 60 %
    second = produce_digest(db, lang="en")
    (acme,) = second.changed
    assert acme.since == first.until and acme.compared_with == first.until
    (pay,) = acme.themes
    assert pay.change == "rose" and (pay.before.share, pay.now.share) == (0.6, 0.7)
    assert "- **Concern rising**: Pay & benefits — 70% (56 of 80 reviews); on " in as_markdown(second)


def test_since_looks_back_without_storing_a_snapshot(db: Path) -> None:
    (followed_at,) = {f.followed_at for f in followed_companies(db)}
    _load(db, _acme(9100, 30, 30, date(2026, 1, 5)))
    stored = produce_digest(db)
    runs, snapshots = _count(db, "digest_runs"), _count(db, "digest_snapshots")
    look_back = produce_digest(db, since=followed_at)  # the same period as the stored digest's
    assert look_back.changed == stored.changed
    assert (_count(db, "digest_runs"), _count(db, "digest_snapshots")) == (runs, snapshots)
    assert produce_digest(db).changed == []  # still compared with the stored digest
    long_ago = produce_digest(db, since=datetime(2000, 1, 1, tzinfo=UTC))
    assert [(c.new_reviews, c.compared_with) for c in long_ago.changed] == [(60, None), (50, None)]
    assert "Pas d'instantané du rapport antérieur au 2000-01-01 00:00 UTC" in as_markdown(long_ago)


def test_review_text_is_shown_as_text_never_run(db: Path) -> None:
    hostile = TaggedReview(review(9999, "acme", review_date=date(2026, 3, 1)), _pay(0, HOSTILE, evidence=0.999))
    _load(db, [*_acme(9100, 30, 30, date(2026, 1, 5)), hostile])
    digest = produce_digest(db)
    assert HOSTILE in [q.quote.text for q in digest.changed[0].quotes]
    page = as_html(digest)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    text = as_markdown(digest)
    assert "\\<script\\>alert(1)\\</script\\>" in text and "<script>" not in text


def test_the_key_checks_pass_after_digests(db: Path) -> None:
    _load(db, _acme(9100, 30, 30, date(2026, 1, 5)))
    produce_digest(db)
    produce_digest(db)
    con = connect(db)
    run_checks(con)
    assert con.execute(
        "SELECT list(digest_id ORDER BY digest_id), list(companies_changed) FROM digest_runs"
    ).fetchone() == (
        [1, 2],
        [1, 0],
    )
    con.close()


def test_a_digest_with_no_company_followed_is_refused(tmp_path: Path) -> None:
    _load(tmp_path / "w.duckdb", _acme(1, 3, 0, date(2025, 1, 1)))
    with pytest.raises(NothingFollowed, match="no company is followed"):
        produce_digest(tmp_path / "w.duckdb")


def _state(polarity: str, standing: str, raising: int | None, reviews: int = 100) -> ThemeState:
    share = None if raising is None else raising / reviews
    return ThemeState("workload", polarity, standing, raising, reviews, share)


@pytest.mark.parametrize(
    ("before", "now", "change"),
    [
        (_state("negative", "as_often", 20), _state("negative", "above", 30), "appeared"),
        (_state("negative", NOT_SHOWN, None), _state("negative", "above", 30), "appeared"),
        (_state("negative", "above", 30), _state("negative", "leaning_above", 30), "gone"),
        (_state("negative", "above", 30), _state("negative", NOT_SHOWN, None, 5), "gone"),
        (_state("negative", "above", 30), _state("negative", "above", 35), "rose"),
        (_state("negative", "above", 30), _state("negative", "above", 25), "fell"),
        (_state("negative", "above", 30), _state("negative", "above", 34), None),  # 4 points: not told
        (_state("negative", "as_often", 10), _state("negative", "leaning_above", 25), None),  # never a concern
        (_state("positive", "above", 30), _state("positive", NOT_SHOWN, None), "gone"),
    ],
)
def test_a_theme_changes_when_it_becomes_or_stops_being_a_concern_or_a_strength_or_moves_5_points(
    before: ThemeState, now: ThemeState, change: str | None
) -> None:
    assert [c.change for c in theme_changes([before], [now])] == ([change] if change else [])


def test_concerns_are_told_before_strengths() -> None:
    before = [_state("positive", NOT_SHOWN, None), _state("negative", "above", 30)]
    now = [_state("positive", "above", 40), _state("negative", "above", 20)]
    assert [(c.polarity, c.change) for c in theme_changes(before, now)] == [
        ("negative", "fell"),
        ("positive", "appeared"),
    ]


def test_markdown_text_formats_nothing() -> None:
    assert markdown_text("*gras* _x_ [lien](http://x) `code`\n# titre") == (
        "\\*gras\\* \\_x\\_ \\[lien\\](http://x) \\`code\\` \\# titre"
    )


def test_the_period_is_in_utc(db: Path) -> None:
    digest = produce_digest(db, since=datetime(2026, 1, 1, 1, 30, tzinfo=UTC))
    assert as_markdown(digest).startswith("# Entreprises suivies\u00a0: ce qui a changé du 2026-01-01 01:30 UTC au ")

"""`revint compare`: companies side by side, where they differ beyond chance, and what to ask each because of it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from revint.pipeline.insights.compare import compare
from revint.pipeline.insights.render import compare_text
from revint.pipeline.warehouse.db import connect
from revint.pipeline.warehouse.load import load_batch
from revint.record import Mention, TaggedReview
from tests.support.records import mention, review

COMPLAINTS = ("Salaires bas depuis des années", "Aucune augmentation cette année", "Primes supprimées sans explication")


def _company(name: str, first: int, complaining: Callable[[int], bool]) -> list[TaggedReview]:
    def mentions(n: int) -> list[Mention]:
        return [mention("compensation", text=f"{COMPLAINTS[n % 3]} ({n})", evidence=0.99)] if complaining(n) else []

    return [TaggedReview(review(first + n, name), mentions(n)) for n in range(50)]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("compare") / "w.duckdb"
    writer = connect(path)
    batch = _company("acme", 1000, lambda n: n % 10 < 6)  # 60 % complain of pay
    batch += _company("bolt", 2000, lambda n: n % 10 == 0)  # 10 %
    batch += _company("crux", 3000, lambda n: n % 10 < 2)  # 20 %
    batch += [r for i in range(4) for r in _company(f"other-{i}", 10_000 * (i + 1), lambda n: n % 5 == 0)]
    load_batch(writer, batch)
    writer.close()
    connection = connect(path, read_only=True)
    yield connection
    connection.close()


def test_two_companies_differ_where_one_is_criticised_more_beyond_chance(con: duckdb.DuckDBPyConnection) -> None:
    comparison = compare(con, ["acme", "bolt"])
    (difference,) = comparison.differences
    assert (difference.theme, difference.worse, difference.better) == ("compensation", "acme", "bolt")
    assert (difference.worse_count.raising, difference.better_count.raising) == (30, 5)
    assert [theme for theme, _ in comparison.questions["acme"]] == ["compensation"]
    assert comparison.questions["bolt"] == []
    text = compare_text(comparison)
    assert "Rémunération et avantages\u00a0: Acme 60\u00a0% (30 sur 50) contre Bolt 10\u00a0% (5 sur 50)" in text


def test_three_companies_side_by_side_in_json(con: duckdb.DuckDBPyConnection) -> None:
    payload = json.loads(json.dumps(compare(con, ["acme", "bolt", "crux"], lang="en").to_json_dict()))
    assert [c["company_id"] for c in payload["companies"]] == ["acme", "bolt", "crux"]
    (pay,) = [t for t in payload["themes"] if t["theme"] == "compensation"]
    assert [side["share"] for side in pay["by_company"]] == [0.6, 0.1, 0.2]
    assert pay["by_company"][0]["standing"] == "above"
    assert [d["worse"] for d in payload["differences"]] == ["acme"]


def test_compare_takes_two_or_three_different_companies(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="two or three"):
        compare(con, ["acme"])
    with pytest.raises(ValueError, match="two or three"):
        compare(con, ["acme", "bolt", "crux", "other-1"])
    with pytest.raises(ValueError, match="already compared"):
        compare(con, ["acme", "Acme"])


def test_a_company_with_too_few_reviews_is_shown_but_compared_with_nothing(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")
    tiny = [TaggedReview(review(900 + n, "tiny"), [mention("compensation", text=COMPLAINTS[n % 3])]) for n in range(5)]
    load_batch(writer, _company("bolt", 2000, lambda n: n % 10 == 0) + tiny + _company("other", 3000, lambda n: False))
    comparison = compare(writer, ["tiny", "bolt"])
    assert comparison.differences == []
    (tiny_side, _) = comparison.themes["compensation"]
    assert tiny_side.count.share == 1.0 and tiny_side.standing is None and tiny_side.reference is None
    writer.close()

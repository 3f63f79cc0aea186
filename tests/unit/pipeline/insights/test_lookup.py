"""Finding the companies a candidate means: groups of entities, --entity, typos, close-name suggestions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from revint.companies import canonical_company_id
from revint.pipeline.insights.lookup import CompanyNotFound, find_companies, find_company
from revint.pipeline.warehouse.db import connect
from revint.pipeline.warehouse.load import load_batch
from revint.record import TaggedReview
from tests.support.records import mention, review

NAMES = (
    "ALTRAN",
    "Altran Engineering Solution",
    "Altran Telnet",
    "Capgemini",
    "Groupe SII",
    "Groupe NICOLLIN - Groupe VEOLIA",
    "Eidos Montreal",
    "Polytechnique Montréal",
)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("lookup") / "w.duckdb"
    writer = connect(path)
    batch = [
        TaggedReview(review(100 * i + n, canonical_company_id(name), company_name=name), [mention()])
        for i, name in enumerate(NAMES)
        for n in range(i + 2)
    ]
    load_batch(writer, batch)
    writer.close()
    connection = connect(path, read_only=True)
    yield connection
    connection.close()


def names(con: duckdb.DuckDBPyConnection, query: str, entity: str | None = None) -> list[str]:
    return [e.name for e in find_companies(con, query, entity).entities]


@pytest.mark.parametrize("query", ["altran", "ALTRAN", "Altran", " altrán "])
def test_a_group_name_finds_all_its_entities(con: duckdb.DuckDBPyConnection, query: str) -> None:
    assert names(con, query) == ["ALTRAN", "Altran Engineering Solution", "Altran Telnet"]


def test_a_fuller_name_finds_one_entity_and_offers_the_others(con: duckdb.DuckDBPyConnection) -> None:
    match = find_companies(con, "Altran Engineering")
    assert [e.name for e in match.entities] == ["Altran Engineering Solution"]
    assert [e.name for e in match.others] == ["ALTRAN", "Altran Telnet"]


def test_entity_picks_one_member_of_a_group(con: duckdb.DuckDBPyConnection) -> None:
    assert names(con, "Altran", entity="telnet") == ["Altran Telnet"]
    assert names(con, "altran", entity="altran") == ["ALTRAN"]
    with pytest.raises(CompanyNotFound, match="not one of 'Altran'"):
        find_companies(con, "Altran", entity="Capgemini")


@pytest.mark.parametrize("typo", ["Capgemeni", "capgmini", "Cap Gemini SA"])
def test_a_small_typo_or_a_legal_suffix_still_finds_the_company(con: duckdb.DuckDBPyConnection, typo: str) -> None:
    assert names(con, typo) == ["Capgemini"]


def test_a_group_name_with_a_typo_still_finds_the_whole_group(con: duckdb.DuckDBPyConnection) -> None:
    assert names(con, "Altrann") == ["ALTRAN", "Altran Engineering Solution", "Altran Telnet"]
    assert names(con, "Altran Telnett") == ["Altran Telnet"]


def test_no_match_suggests_close_names_or_says_there_are_none(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(CompanyNotFound, match=r"matches no company; close names: Groupe SII"):
        find_companies(con, "Groupe SIE")
    with pytest.raises(CompanyNotFound, match=r"matches no company; `revint companies` lists them"):
        find_companies(con, "Zorglub Industries")


def test_a_word_common_to_unrelated_names_is_not_a_group(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(CompanyNotFound, match="matches no company"):
        find_companies(con, "Groupe")


def test_a_word_inside_names_finds_one_company_but_never_makes_a_group(con: duckdb.DuckDBPyConnection) -> None:
    assert names(con, "Veolia") == ["Groupe NICOLLIN - Groupe VEOLIA"]
    with pytest.raises(CompanyNotFound, match=r"'Montreal' is ambiguous: it is in Eidos Montreal .*Polytechnique"):
        find_companies(con, "Montreal")


def test_an_exact_name_is_found_even_when_too_many_names_start_with_it(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")
    orange = ["Orange", *(f"Orange Filiale {n}" for n in range(13))]
    load_batch(
        writer,
        [TaggedReview(review(n, canonical_company_id(name), company_name=name), []) for n, name in enumerate(orange)],
    )
    match = find_companies(writer, "Orange")
    assert [e.name for e in match.entities] == ["Orange"] and len(match.others) == 13
    assert [e.name for e in find_companies(writer, "orange", entity="Orange").entities] == ["Orange"]
    writer.close()


def test_find_company_refuses_a_group_and_lists_its_entities(con: duckdb.DuckDBPyConnection) -> None:
    assert find_company(con, "Altran Telnet") == ("altran-telnet", "Altran Telnet")
    with pytest.raises(CompanyNotFound, match=r"ambiguous: it names ALTRAN .*Altran Telnet"):
        find_company(con, "altran")


def test_an_empty_warehouse_says_to_load_reviews_first(tmp_path: Path) -> None:
    empty = connect(tmp_path / "w.duckdb")
    with pytest.raises(CompanyNotFound, match="load reviews first"):
        find_companies(empty, "Altran")
    empty.close()

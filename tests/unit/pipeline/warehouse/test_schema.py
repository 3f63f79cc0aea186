"""The review schema is written once: the record, the load's Arrow schemas, the warehouse tables and the data
dictionary (docs/warehouse.md) agree."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb
import pytest

from revint.companies import CompanyProfile
from revint.pipeline.warehouse.db import connect
from revint.pipeline.warehouse.schema import CHILD_TABLES, MENTION_SCHEMA, PROFILE_SCHEMA, REVIEW_SCHEMA
from revint.record import Mention, ReviewRecord
from tests.support.pages import REPO

DOCS = (REPO / "docs" / "warehouse.md").read_text(encoding="utf-8")
SET_BY_THE_LOAD = {"loaded_at", "first_loaded_at"}  # columns of `reviews` no record field feeds


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "w.duckdb")


def columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table]
    ).fetchall()
    return dict(rows)


def test_every_record_field_is_a_column_or_a_child_table_and_back(con: duckdb.DuckDBPyConnection) -> None:
    reviews = columns(con, "reviews")
    assert set(REVIEW_SCHEMA.names) == set(reviews) - SET_BY_THE_LOAD
    children = {child.field for child in CHILD_TABLES}
    record_fields = {f.name for f in dataclasses.fields(ReviewRecord)}
    assert record_fields - children <= set(REVIEW_SCHEMA.names)
    assert children == {f.name for f in dataclasses.fields(ReviewRecord) if f.type.startswith("dict")}
    for child in CHILD_TABLES:
        assert set(child.schema.names) == set(columns(con, child.name)), child.name
    assert (
        set(MENTION_SCHEMA.names)
        == set(columns(con, "mentions"))
        == {"review_id"} | {f.name for f in dataclasses.fields(Mention)}
    )


def test_every_company_profile_field_is_a_column_of_company_profiles_and_back(con: duckdb.DuckDBPyConnection) -> None:
    assert set(PROFILE_SCHEMA.names) == set(columns(con, "company_profiles"))
    assert list(PROFILE_SCHEMA.names) == [f.name for f in dataclasses.fields(CompanyProfile)]


def test_arrow_types_match_the_warehouse_column_types(con: duckdb.DuckDBPyConnection) -> None:
    duckdb_type = {"string": "VARCHAR", "double": "DOUBLE", "int32": "INTEGER", "bool": "BOOLEAN"}
    duckdb_type |= {"date32[day]": "DATE", "timestamp[us, tz=UTC]": "TIMESTAMP WITH TIME ZONE"}
    for table, schema in [
        ("reviews", REVIEW_SCHEMA),
        ("mentions", MENTION_SCHEMA),
        ("company_profiles", PROFILE_SCHEMA),
    ] + [(child.name, child.schema) for child in CHILD_TABLES]:
        stored = columns(con, table)
        for field in schema:
            assert duckdb_type[str(field.type)] == stored[field.name], (table, field.name)


def _sections(docs: str) -> dict[str, str]:
    r"""The data dictionary's text per table or view, by the `### \`name\`` heading that opens it."""
    parts = re.split(r"^#{2,3} ", docs, flags=re.MULTILINE)
    return {match.group(1): part for part in parts if (match := re.match(r"`(\w+)`", part))}


def test_the_data_dictionary_describes_every_table_and_column_under_its_own_heading(
    con: duckdb.DuckDBPyConnection,
) -> None:
    sections = _sections(DOCS)
    relations = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
    ).fetchall()
    missing = []
    for relation, kind in relations:
        section = sections.get(relation)
        if section is None:
            missing.append(relation)
        elif kind == "BASE TABLE":  # a view's columns are those of what it selects from
            missing += [f"{relation}.{c}" for c in columns(con, relation) if not re.search(rf"\b{c}\b", section)]
    assert missing == []

"""`revint questions --format json` keeps the shape docs/questions.schema.json publishes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from revint.pipeline.insights.report import company_report
from revint.pipeline.warehouse.db import connect
from tests.support.runs import SampleRun

Draft202012Validator = pytest.importorskip(
    "jsonschema", reason="jsonschema comes with the dev extra"
).Draft202012Validator
SCHEMA = json.loads((Path(__file__).resolve().parents[4] / "docs" / "questions.schema.json").read_text("utf-8"))


@pytest.fixture
def con(sample_run: SampleRun) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(sample_run.settings.db_path, read_only=True)
    yield connection
    connection.close()


def test_the_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_sample_company_s_report_validates_against_the_schema(con: duckdb.DuckDBPyConnection, lang: str) -> None:
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for (company,) in con.execute("SELECT company_id FROM companies").fetchall():
        payload = json.loads(json.dumps(company_report(con, company, entity=company, lang=lang).to_json_dict()))
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(payload)]
        assert errors == [], company


def test_narrowed_and_too_small_reports_validate_too(con: duckdb.DuckDBPyConnection) -> None:
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for report in (
        company_report(con, "helio-logistique", role="préparateur de commandes"),
        company_report(con, "helio-logistique", location="Lyon"),
        company_report(con, "nexalis-conseil", role="caissier"),  # too few: the company's figures, with a note
    ):
        payload = json.loads(json.dumps(report.to_json_dict()))
        assert [e.message for e in validator.iter_errors(payload)] == []

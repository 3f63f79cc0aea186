"""Insights from a real crawl of the sample site: ranked concerns, evidence drawn from reviews, questions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from revint.pipeline.insights.evidence import Count
from revint.pipeline.insights.lookup import Entity
from revint.pipeline.insights.questions import Question
from revint.pipeline.insights.render import as_html, as_text
from revint.pipeline.insights.report import (
    CompanyNotFound,
    CompanyReport,
    Quote,
    ThemeFinding,
    company_report,
    find_company,
    question_bank,
)
from revint.pipeline.warehouse.db import connect
from revint.taxonomy import THEMES
from tests.support.runs import SampleRun

SAMPLE_COMPANIES = 7


@pytest.fixture
def con(sample_run: SampleRun) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(sample_run.settings.db_path, read_only=True)
    yield connection
    connection.close()


def test_every_sample_company_gets_concerns_above_the_others_with_quotes_and_questions(
    con: duckdb.DuckDBPyConnection,
) -> None:
    companies = [row[0] for row in con.execute("SELECT company_id FROM companies").fetchall()]
    assert len(companies) == SAMPLE_COMPANIES
    for company in companies:
        report = company_report(con, company, entity=company)
        assert report.concerns, company
        for concern in report.concerns:
            assert concern.reviews_raising >= 3 and concern.standing == "above"
            assert concern.reference.share < concern.share <= 1
            assert concern.questions
            assert concern.quotes or "Aucune citation ne passe le seuil de preuve" in as_text(report)


def test_quotes_are_real_review_text_without_author_identity(con: duckdb.DuckDBPyConnection) -> None:
    report = company_report(con, "helio-logistique")
    for concern in report.concerns:
        for quote in concern.quotes:
            row = con.execute(
                "SELECT concat_ws('\n', pros, cons, advice, body) FROM reviews WHERE review_id = ?", [quote.review_id]
            ).fetchone()
            assert row is not None and quote.text in row[0]
            assert "membre-" not in quote.text


def test_one_review_is_not_quoted_for_two_concerns(con: duckdb.DuckDBPyConnection) -> None:
    for company in ("boulangeries-ferrand", "nexalis-conseil", "quantifi-labs"):
        quoted = [q.review_id for c in company_report(con, company).concerns for q in c.quotes]
        assert len(quoted) == len(set(quoted))


def test_companies_with_different_profiles_get_different_top_concerns(con: duckdb.DuckDBPyConnection) -> None:
    top = {company: company_report(con, company).concerns[0].theme for company in ("helio-logistique", "quantifi-labs")}
    assert top == {"helio-logistique": "working_conditions", "quantifi-labs": "organization"}


def test_company_found_by_id_name_or_unambiguous_part(con: duckdb.DuckDBPyConnection) -> None:
    expected = ("clinique-saint-aubin", "Clinique Saint-Aubin")
    assert find_company(con, "clinique-saint-aubin") == expected
    assert find_company(con, "Clinique Saint-Aubin") == expected
    assert find_company(con, "saint aubin") == expected


def test_an_unknown_company_gets_close_names(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(
        CompanyNotFound, match=r"'Helio Logistik SARL' matches no company; close names: Helio Logistique"
    ):
        find_company(con, "Helio Logistik SARL")


def test_reports_render_as_text_json_and_html_in_both_languages(con: duckdb.DuckDBPyConnection) -> None:
    french = company_report(con, "quantifi-labs", lang="fr")
    english = company_report(con, "quantifi-labs", lang="en")
    assert "Préoccupations récurrentes" in as_text(french)
    assert "Recurring concerns" in as_text(english)
    bank = question_bank()[english.concerns[0].theme]
    assert {q.text for q in english.concerns[0].questions} <= {q["en"] for q in bank}
    payload = json.loads(json.dumps(french.to_json_dict()))
    assert payload["company"] == "Quantifi Labs" and payload["concerns"][0]["questions"]
    html = as_html(french)
    assert html.startswith("<!DOCTYPE html>") and "<blockquote>" in html


def _report(quote: str, company_name: str = "Acme", concerns: bool = True) -> CompanyReport:
    def finding(theme: str, polarity: str, raising: int, **fields: object) -> ThemeFinding:
        count = Count(raising, 50)
        return ThemeFinding(
            theme,
            THEMES[theme][1],
            polarity,
            count,
            Count(0, 50),
            reference=Count(300, 1000),
            reference_name="other companies",
            others=Count(300, 1000),
            standing="above",
            excess=0.1,
            recent=count,
            earlier=Count(0, 0),
            **fields,  # type: ignore[arg-type]
        )

    quoted = Quote(quote, date(2024, 5, 17), "Cashier", False, "sample", "r1", "cons", 0, len(quote))
    question = Question("Who decides?", "manager", "They name a person.", "Nobody knows.")
    concern = finding("management", "negative", 30, quotes=[quoted], quotes_wanted=3, questions=[question])
    strength = finding("culture", "positive", 25)
    return CompanyReport(
        "acme",
        company_name,
        [Entity("acme", company_name, 50)],
        [],
        None,
        50,
        date(2021, 1, 4),
        date(2024, 5, 17),
        "en",
        concerns=[concern] if concerns else [],
        strengths=[strength],
    )


def test_html_page_holds_the_evidence_quotes_questions_and_strengths() -> None:
    html = as_html(_report("Nobody explains decisions."))
    for shown in (
        '<html lang="en">',
        "<title>Acme — revint</title>",
        "<p>50 reviews (2021-01 → 2024-05)</p>",
        "<h3>Management &amp; leadership</h3>",
        "30 of 50 reviews raise it negatively (60%; other companies: 30% of 1000 reviews)",
        "<blockquote>Nobody explains decisions.<footer>review of 2024-05-17, Cashier, former employee</footer>",
        "Only one quote clears the evidence bar",
        '<li>Who decides? <span class="whom">(ask the future manager)</span>',
        "Good sign: They name a person.",
        "Warning sign: Nobody knows.",
        "25 of 50 reviews praise it (50%; other companies: 30% of 1000 reviews)",
    ):
        assert shown in html, shown
    assert "No theme is criticised clearly more often" in as_html(_report("", concerns=False))


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "</blockquote></section><script>alert(1)</script>",
    ],
    ids=["script-tag", "onerror", "javascript-url", "closing-tags"],
)
def test_html_page_shows_markup_in_reviews_as_text(hostile: str) -> None:
    html = as_html(_report(f"Terrible {hostile} place", company_name=f"Acme {hostile}"))
    assert "<script" not in html and "<img" not in html and "<a " not in html and 'href="javascript:' not in html
    escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    assert f"<blockquote>Terrible {escaped} place<footer>" in html
    assert f"<h1>Acme {escaped}</h1>" in html
    assert ("&lt;script&gt;" in html) == ("<script>" in hostile)

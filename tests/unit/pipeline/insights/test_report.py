"""Insights from a real crawl of the sample site: ranked concerns, evidence drawn from reviews, questions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from revint.pipeline.insights.render import as_html, as_text
from revint.pipeline.insights.report import (
    CompanyNotFound,
    CompanyReport,
    Quote,
    ThemeFinding,
    company_report,
    find_company,
    pick_questions,
    question_bank,
)
from revint.pipeline.warehouse.db import connect
from tests.support.runs import SampleRun

SAMPLE_COMPANIES = 7


@pytest.fixture
def con(sample_run: SampleRun) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(sample_run.settings.db_path, read_only=True)
    yield connection
    connection.close()


def test_every_sample_company_gets_concerns_with_counts_quotes_and_questions(con: duckdb.DuckDBPyConnection) -> None:
    companies = [row[0] for row in con.execute("SELECT company_id FROM companies").fetchall()]
    assert len(companies) == SAMPLE_COMPANIES
    for company in companies:
        report = company_report(con, company)
        assert len(report.concerns) == 3, company
        for concern in report.concerns:
            assert concern.reviews_raising >= 2
            assert 0 < concern.share <= 1
            assert concern.quotes and concern.questions


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


def test_unknown_or_ambiguous_company_lists_the_candidates(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(CompanyNotFound, match=r"matches no company.*Helio Logistique"):
        find_company(con, "Initech")
    with pytest.raises(CompanyNotFound, match="ambiguous"):
        find_company(con, "e")


def test_reports_render_as_text_json_and_html_in_both_languages(con: duckdb.DuckDBPyConnection) -> None:
    french = company_report(con, "quantifi-labs", lang="fr")
    english = company_report(con, "quantifi-labs", lang="en")
    assert "Préoccupations récurrentes" in as_text(french)
    assert "Recurring concerns" in as_text(english)
    bank = question_bank()[english.concerns[0].theme]
    assert set(english.concerns[0].questions) <= {q["en"] for q in bank}
    payload = json.loads(json.dumps(french.to_json_dict()))
    assert payload["company"] == "Quantifi Labs" and len(payload["concerns"]) == 3
    html = as_html(french)
    assert html.startswith("<!DOCTYPE html>") and "<blockquote>" in html


def _report(quote: str, company_name: str = "Acme", concerns: bool = True) -> CompanyReport:
    finding = ThemeFinding(
        "management",
        "Management",
        reviews_raising=3,
        reviews=5,
        share=0.6,
        baseline_share=0.3,
        quotes=[Quote(quote, date(2024, 5, 17), "sample", "r1")],
        questions=["Who decides?"],
    )
    strength = ThemeFinding("culture", "Culture", reviews_raising=2, reviews=5, share=0.4, baseline_share=0.2)
    return CompanyReport(
        "acme", company_name, 5, date(2021, 1, 4), date(2024, 5, 17), "en", [finding] if concerns else [], [strength]
    )


def test_html_page_holds_the_evidence_quotes_questions_and_strengths() -> None:
    html = as_html(_report("Nobody explains decisions."))
    for shown in (
        '<html lang="en">',
        "<title>Acme — revint</title>",
        "<p>5 reviews (2021-01 → 2024-05)</p>",
        "<h2>Management</h2>",
        "3 of 5 reviews raise it negatively (60%; all companies: 30%)",
        "<blockquote>Nobody explains decisions.<footer>review of 2024-05-17</footer></blockquote>",
        "<li>Who decides?</li>",
        "<li>Culture — 2 positive reviews</li>",
    ):
        assert shown in html, shown
    assert "No recurring concern" in as_html(_report("", concerns=False))


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


def test_questions_are_chosen_by_what_reviewers_wrote() -> None:
    evidence = ["Plannings changés la veille, jamais prévenus", "planning modifié au dernier moment"]
    chosen = pick_questions("work_life_balance", evidence, "fr", count=1)[0]
    assert "plannings" in chosen
    assert pick_questions("work_life_balance", [], "fr") == [q["fr"] for q in question_bank()["work_life_balance"][:2]]


def test_cue_words_pick_the_question_a_complaint_calls_for_without_sharing_its_words() -> None:
    evidence = [
        "L'entrepôt n'est pas chauffé, on travaille à 5 degrés en janvier",
        "metier tres physique, le dos trinque, pas assez de pauses",
        "Chaleur l'été, froid l'hiver",
    ]
    safety = next(q for q in question_bank()["working_conditions"] if q["id"] == "working_conditions-03")
    assert pick_questions("working_conditions", evidence, "fr", count=1) == [safety["fr"]]


def test_question_bank_covers_every_theme_in_both_languages() -> None:
    for theme, questions in question_bank().items():
        assert len(questions) >= 2, theme
        assert all(q["fr"].strip() and q["en"].strip() for q in questions)
        assert all(q["cues"] and all(re.fullmatch("[a-z]{5,}", cue) for cue in q["cues"]) for q in questions)

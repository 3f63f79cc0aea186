"""What a report claims, on warehouses whose counts are known: concerns only above the other companies' share,
strengths against the positive share, divided themes, evidence minimums, trends, role filters, quotes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from revint.constants import RAW_EVIDENCE_VERSIONS
from revint.pipeline.insights import scope
from revint.pipeline.insights.evidence import Count
from revint.pipeline.insights.render import as_text
from revint.pipeline.insights.report import company_report
from revint.pipeline.warehouse.db import connect, refresh_marts
from revint.pipeline.warehouse.load import load_batch
from revint.record import Mention, TaggedReview
from tests.support.records import mention, review

SURE = 0.99  # evidence above the quote bar
PAY_COMPLAINTS = (
    "Les salaires sont bas et sans augmentation depuis trois ans",
    "Rémunération nettement inférieure à ce que proposent les concurrents",
    "On attend toujours la prime promise lors de l'entretien annuel",
    "Aucune revalorisation du fixe malgré les résultats de l'équipe",
)
PAY = "Les salaires sont bas et sans augmentation depuis trois ans"
PRAISE = "Une très bonne ambiance entre collègues au quotidien"
HOURS = "Des horaires de travail très lourds toute la semaine"
NICE_HOURS = "Les horaires de travail sont souples et bien respectés"
BOSS = "Le manager ne donne jamais de retour sur le travail"
COLD = "Il fait froid dans l'entrepôt tout l'hiver sans chauffage"


def _units(*themes: tuple[str, str, str]) -> list[Mention]:
    return [mention(t, p, unit=i, text=text, evidence=SURE) for i, (t, p, text) in enumerate(themes)]  # type: ignore[arg-type]


def _company(
    company: str, count: int, first: int, shape: Callable[[int], list[Mention]], **fields: object
) -> list[TaggedReview]:
    return [TaggedReview(review(first + n, company, **fields), shape(n)) for n in range(count)]


def _others() -> list[TaggedReview]:
    """Four companies of 50 reviews: pay complaints in 20 %, management complaints in 30 %, praise of the
    atmosphere in 40 %, hours criticised in 10 % and praised in 10 %."""

    def shape(n: int) -> list[Mention]:
        units = []
        if n % 10 < 2:
            units.append(("compensation", "negative", f"{PAY} {n}"))
        if n % 10 >= 7:
            units.append(("management", "negative", f"{BOSS} {n}"))
        if n % 5 < 2:
            units.append(("culture", "positive", f"{PRAISE} {n}"))
        if n % 10 == 5:
            units.append(("work_life_balance", "negative", f"{HOURS} {n}"))
        if n % 10 == 6:
            units.append(("work_life_balance", "positive", f"{NICE_HOURS} {n}"))
        return _units(*units)

    return [
        r
        for i, name in enumerate(("alpha", "beta", "gamma", "delta"))
        for r in _company(name, 50, 1000 * (i + 1), shape)
    ]


def _acme() -> list[TaggedReview]:
    """60 reviews: pay complaints in 60 % (against 20 %), management complaints in 30 % (as elsewhere), hours
    criticised in 40 % and praised in 30 % (divided), atmosphere praised in 40 % (as elsewhere)."""

    def shape(n: int) -> list[Mention]:
        units = []
        if n % 10 < 6:
            units.append(("compensation", "negative", f"{PAY_COMPLAINTS[n % 4]} ({n})"))
        if n % 10 >= 7:
            units.append(("management", "negative", f"{BOSS} ({n})"))
        if n % 10 in (1, 3, 5, 7):
            units.append(("work_life_balance", "negative", f"{HOURS} ({n})"))
        if n % 10 in (0, 2, 4):
            units.append(("work_life_balance", "positive", f"{NICE_HOURS} ({n})"))
        if n % 5 < 2:
            units.append(("culture", "positive", f"{PRAISE} ({n})"))
        return _units(*units)

    return [
        TaggedReview(
            review(
                9000 + n,
                "acme",
                review_date=date(2025, 6, 1) - timedelta(days=7 * n),
                job_title="Caissière" if n % 2 else "Consultant",
                is_current=n % 3 == 0,
            ),
            shape(n),
        )
        for n in range(60)
    ]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("ranking") / "w.duckdb"
    writer = connect(path)
    sunny = _company("sunny", 30, 20000, lambda n: _units(("culture", "positive", f"{PRAISE} [{n}]")))
    solo = _company("solo", 1, 30000, lambda n: _units(("compensation", "negative", PAY)))
    load_batch(writer, _others() + _acme() + sunny + solo)
    writer.close()
    connection = connect(path, read_only=True)
    yield connection
    connection.close()


def test_a_theme_raised_more_often_than_elsewhere_is_a_concern_and_one_at_the_others_share_is_not(
    con: duckdb.DuckDBPyConnection,
) -> None:
    report = company_report(con, "acme", entity="acme")
    assert [c.theme for c in report.concerns] == ["compensation", "work_life_balance"]
    pay = report.concerns[0]
    assert (pay.count.raising, pay.count.reviews) == (36, 60)
    assert pay.reference == Count(41, 231)  # the other companies, not acme itself
    management = next(f for f in report.as_elsewhere if f.theme == "management")
    assert management.standing == "as_often" and management.share == pytest.approx(0.3)


def test_no_concern_is_at_or_below_the_share_of_the_other_companies(con: duckdb.DuckDBPyConnection) -> None:
    for company in ("acme", "alpha", "beta", "gamma", "delta", "sunny"):
        report = company_report(con, company, entity=company)
        for concern in report.concerns:
            assert concern.count.lower_bound() > concern.reference.share, (company, concern.theme)
            assert concern.count.raising >= 3


def test_strengths_are_compared_with_how_often_other_companies_are_praised(con: duckdb.DuckDBPyConnection) -> None:
    report = company_report(con, "sunny", entity="sunny")
    assert report.concerns == []
    (culture,) = report.strengths
    assert culture.theme == "culture" and culture.share == 1.0
    others_praise = (80 + 24) / (200 + 60 + 1)  # the four others, acme and solo: all but sunny itself
    assert json.loads(json.dumps(report.to_json_dict()))["strengths"][0]["all_companies_share"] == round(
        others_praise, 3
    )
    assert "Aucun thème n'est critiqué nettement plus souvent" in as_text(report)


def test_a_theme_both_praised_and_criticised_is_shown_once_as_divided(con: duckdb.DuckDBPyConnection) -> None:
    report = company_report(con, "acme", entity="acme")
    hours = next(c for c in report.concerns if c.theme == "work_life_balance")
    assert hours.divided and (hours.count.raising, hours.opposite.raising) == (24, 18)
    assert "work_life_balance" not in {s.theme for s in report.strengths}
    assert "Avis partagés\u00a0: 24 s'en plaignent, 18 le saluent" in as_text(report)


def test_a_company_with_one_review_gets_not_enough_reviews_yet(con: duckdb.DuckDBPyConnection) -> None:
    report = company_report(con, "solo", entity="solo")
    assert not report.enough and report.concerns == [] and report.strengths == []
    assert "Pas encore assez d'avis (1 ; il en faut au moins 10)".replace(" ;", "\u00a0;") in as_text(report)


def test_reports_are_the_same_whatever_the_load_order(tmp_path: Path) -> None:
    reports = []
    for name, batch in (("forward", _others() + _acme()), ("reversed", list(reversed(_others() + _acme())))):
        writer = connect(tmp_path / f"{name}.duckdb")
        load_batch(writer, batch)
        reports.append(company_report(writer, "acme").to_json_dict())
        assert company_report(writer, "acme").to_json_dict() == reports[-1]
        writer.close()
    assert reports[0] == reports[1]


def test_quotes_are_sure_substantial_distinct_and_most_recent_first(con: duckdb.DuckDBPyConnection) -> None:
    pay = company_report(con, "acme", entity="acme").concerns[0]
    assert len(pay.quotes) == 3
    dates = [q.review_date for q in pay.quotes]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert {q.role for q in pay.quotes} == {"Caissière", "Consultant"}  # spread over roles
    assert len({q.text.split(" (")[0] for q in pay.quotes}) == 3  # no two say the same thing


def test_only_units_that_clear_the_evidence_bar_and_say_something_are_quoted(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")

    def shape(n: int) -> list[Mention]:
        if n < 10:
            return [mention("compensation", text="Salaire bas", evidence=SURE)]  # too thin to be evidence
        if n < 20:
            return [mention("compensation", text=f"{PAY} {n}", evidence=0.5)]  # not sure enough
        if n < 22:
            return [mention("compensation", text=PAY_COMPLAINTS[n - 19], evidence=SURE)]
        return []

    load_batch(writer, _others() + _company("acme", 40, 9000, shape))
    report = company_report(writer, "acme", entity="acme")
    pay = report.concerns[0]
    assert sorted(q.text for q in pay.quotes) == sorted(PAY_COMPLAINTS[1:3])
    assert "Seules 2 citations passent le seuil de preuve" in as_text(report)
    writer.close()


def test_a_role_filter_reports_that_job_familys_reviews_beside_the_company_figure(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")

    def shape(n: int) -> list[Mention]:
        return _units(("working_conditions", "negative", f"{COLD} {n}")) if n % 2 else []

    acme = [
        TaggedReview(review(9000 + n, "acme", job_title="Caissier H/F" if n % 2 else "Consultant"), shape(n))
        for n in range(40)
    ]
    load_batch(writer, _others() + acme)
    whole = company_report(writer, "acme", entity="acme")
    cashiers = company_report(writer, "acme", entity="acme", role="caissière")
    assert cashiers.reviews == 20 and cashiers.role is not None
    cold = cashiers.concerns[0]
    assert cold.theme == "working_conditions" and cold.share == 1.0
    assert cold.company is not None and cold.company.share == 0.5
    assert whole.concerns[0].share == 0.5
    assert all(q.role == "Caissier H/F" for q in cold.quotes)
    writer.close()


def test_a_role_with_too_few_reviews_falls_back_to_the_company_and_says_so(con: duckdb.DuckDBPyConnection) -> None:
    report = company_report(con, "acme", entity="acme", role="développeur")
    assert report.reviews == 60 and report.role is None
    assert "Trop peu d'avis pour ce métier" in as_text(report)


def test_a_concern_rising_over_the_last_twelve_months_says_so(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")
    acme = [
        TaggedReview(
            review(9000 + n, "acme", review_date=date(2025, 6, 1) - timedelta(days=15 * n)),
            _units(("compensation", "negative", f"{PAY} {n}")) if n < 20 or n % 4 == 0 else [],
        )
        for n in range(60)  # the last 12 months: 25 reviews, 22 complain; before: 35 reviews, 8 complain
    ]
    load_batch(writer, _others() + acme)
    pay = company_report(writer, "acme", entity="acme").concerns[0]
    assert pay.trend == "rising"
    assert (pay.recent.raising, pay.recent.reviews, pay.earlier.raising, pay.earlier.reviews) == (22, 25, 8, 35)
    writer.close()


def test_the_quarter_mart_has_every_theme_for_every_quarter_with_reviews(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT quarter, count(*), count(*) FILTER (WHERE reviews_negative = 0), any_value(company_name) "
        "FROM mart_company_theme_quarter WHERE company_id = 'acme' GROUP BY quarter ORDER BY quarter"
    ).fetchall()
    assert len(rows) >= 4
    assert all(themes == 11 and zeros >= 1 and name == "Acme" for _, themes, zeros, name in rows)


def test_a_company_is_compared_with_its_sector_when_the_sector_has_enough_other_companies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scope, "MIN_SECTOR_REVIEWS", 150)
    writer = connect(tmp_path / "w.duckdb")
    load_batch(writer, _others() + _acme())
    writer.execute("UPDATE companies SET sector = 'Retail' WHERE company_id IN ('acme', 'alpha', 'beta', 'gamma')")
    refresh_marts(writer)
    pay = company_report(writer, "acme", entity="acme").concerns[0]
    assert pay.reference_name == "sector" and pay.reference == Count(30, 150)
    assert pay.others == Count(40, 200)
    text = as_text(company_report(writer, "acme", entity="acme", lang="en"))
    assert (
        "36 of 60 reviews raise it negatively "
        "(60%; same sector: 20% of 150 reviews; other companies: 20% of 200 reviews)" in text
    )
    writer.execute("UPDATE companies SET sector = 'Retail' WHERE company_id IN ('acme', 'alpha')")
    writer.execute("UPDATE companies SET sector = NULL WHERE company_id IN ('beta', 'gamma')")
    refresh_marts(writer)  # one other company in the sector: too few to compare with
    assert company_report(writer, "acme", entity="acme").concerns[0].reference_name == "other companies"
    writer.close()


def test_concerns_beyond_top_are_listed_as_clearly_above_and_never_as_strengths(
    con: duckdb.DuckDBPyConnection,
) -> None:
    report = company_report(con, "acme", entity="acme", top=1)
    assert [c.theme for c in report.concerns] == ["compensation"]
    hours = next(f for f in report.as_elsewhere if f.theme == "work_life_balance")
    assert hours.standing == "above"
    assert "work_life_balance" not in {s.theme for s in report.strengths}
    text = as_text(report)
    assert text.index("Aussi nettement plus critiqués qu'ailleurs") < text.index("Équilibre vie pro / vie perso")


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Les salaires ne suivent pas du tout l'inflation", True),
        ("Salaire bas", False),  # a heading, not evidence
        ("Revoir leur stratégie salariale pour", False),  # cut short
        ("Délocalisation des équipes de Paris à....", False),
        ("Les salaires sont revus une fois par an:", False),
        ("Salaire bas et primes rares (formations", False),  # an open bracket
        ("Ambiance sympa mais salaires bas [voir plus", False),
        ("Les primes sont rares « sauf pour certains", False),
    ],
)
def test_only_units_with_substance_are_quotable(tmp_path: Path, text: str, quoted: bool) -> None:
    writer = connect(tmp_path / "w.duckdb")
    load_batch(writer, [TaggedReview(review(1), [mention("compensation", text=text, evidence=SURE)])])
    assert bool(writer.execute("SELECT count(*) FROM mart_quotes").fetchone()[0]) is quoted  # type: ignore[index]
    writer.close()


def test_a_location_filter_matches_whole_words_and_a_blank_one_is_no_filter(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")
    acme = [
        TaggedReview(review(9000 + n, "acme", location=("Aix-en-Provence" if n < 12 else "Roubaix")), [])
        for n in range(30)
    ]
    load_batch(writer, _others() + acme)
    assert company_report(writer, "acme", entity="acme", location="aix").reviews == 12
    blank = company_report(writer, "acme", entity="acme", location="  ")
    assert blank.reviews == 30 and blank.location is None
    too_few = company_report(writer, "acme", entity="acme", location="Lille")
    assert too_few.reviews == 30 and too_few.scope_reviews == 0
    assert "Trop peu d'avis pour ce métier ou ce lieu (0\u00a0; il en faut 10)" in as_text(too_few)
    writer.close()


def test_a_role_is_compared_with_the_same_job_at_other_companies(tmp_path: Path) -> None:
    """Cashiers everywhere complain of the cold half the time, consultants never: acme's cashiers are no worse
    than other companies' cashiers, though worse than all of other companies' reviews."""

    def company(name: str, first: int) -> list[TaggedReview]:
        return [
            TaggedReview(
                review(first + n, name, job_title="Caissier" if n % 2 else "Consultant"),
                _units(("working_conditions", "negative", f"{COLD} {n}")) if n % 4 == 1 else [],
            )
            for n in range(80)
        ]

    writer = connect(tmp_path / "w.duckdb")
    load_batch(writer, company("acme", 9000) + company("beta", 1000) + company("gamma", 2000))
    cashiers = company_report(writer, "acme", entity="acme", role="caissier")
    cold = next(f for f in cashiers.as_elsewhere if f.theme == "working_conditions")
    assert cold.reference_name == "same role elsewhere" and cold.reference == Count(40, 80)
    assert cold.standing == "as_often" and cashiers.concerns == []
    assert "même métier ailleurs\u00a0: 50\u00a0% de 80 avis" in as_text(cashiers)
    writer.close()


def test_a_falling_concern_says_so_with_the_month_its_twelve_months_end(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")
    acme = [
        TaggedReview(
            review(9000 + n, "acme", review_date=date(2025, 6, 1) - timedelta(days=15 * n)),
            _units(("compensation", "negative", f"{PAY_COMPLAINTS[n % 4]} {n}")) if n >= 25 or n % 5 == 0 else [],
        )
        for n in range(60)  # the last 12 months: 25 reviews, 5 complain; before: 35 reviews, all complain
    ]
    load_batch(writer, _others() + acme)
    pay = company_report(writer, "acme", entity="acme", lang="en").concerns[0]
    assert pay.trend == "falling"
    text = as_text(company_report(writer, "acme", entity="acme", lang="en"))
    assert "falling: 20% in the 12 months to 2025-06 (5 of 25) against 100% before (35 of 35)" in text
    writer.close()


def test_mentions_without_evidence_are_never_quoted_and_the_report_says_to_retag(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")
    acme = _company("acme", 30, 9000, lambda n: [mention("compensation", text=f"{PAY} {n}", evidence=None)])
    load_batch(writer, _others() + acme)
    report = company_report(writer, "acme", entity="acme")
    assert report.concerns[0].quotes == [] and report.unscored == 30
    assert "30 avis ont été analysés par une version du modèle sans score de preuve calibré" in as_text(report)
    writer.close()


def test_mentions_with_raw_evidence_of_an_older_tagger_wait_for_retag_before_being_quoted(tmp_path: Path) -> None:
    writer = connect(tmp_path / "w.duckdb")
    older = RAW_EVIDENCE_VERSIONS[-1]
    acme = _company(
        "acme", 30, 9000, lambda n: [replace(mention(text=f"{PAY} {n}", evidence=0.99), model_version=older)]
    )
    load_batch(writer, _others() + acme)
    report = company_report(writer, "acme", entity="acme", lang="en")
    assert report.concerns[0].quotes == [] and report.unscored == 30
    assert "30 reviews were tagged by a model version without calibrated evidence scores" in as_text(report)
    writer.close()

"""Warehouse figures: load throughput against DuckDB's own Arrow insert, and the concern query on 1M reviews."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from bench.figures import Figures, compared
from revint.pipeline.insights.report import company_report, insight_sql
from revint.pipeline.insights.site import build_site
from revint.pipeline.warehouse.db import connect, refresh_marts
from revint.pipeline.warehouse.load import arrow_tables, load_tables
from revint.record import Mention, ReviewRecord, TaggedReview
from revint.taxonomy import POLARITIES, THEME_IDS


def synthetic_batch(reviews: int, mentions_per_review: int = 5) -> list[TaggedReview]:
    rng = random.Random(7)
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    batch = []
    for n in range(reviews):
        record = ReviewRecord(
            source="bench",
            source_review_id=str(n),
            company_name=f"Company {n % 500}",
            company_id=f"company-{n % 500}",
            url=f"http://127.0.0.1/{n}",
            fetched_at=fetched,
            lang="fr",
            review_date=date(2020 + n % 6, 1 + n % 12, 1 + n % 28),
            pros="Bonne ambiance, collègues sympas",
            cons="Salaire trop bas et aucune évolution",
            rating=float(1 + n % 5),
            subratings={"compensation": float(1 + n % 5)},
        )
        mentions = [
            Mention(
                section="cons",
                unit_index=k,
                start_char=0,
                end_char=12,
                unit_text="Salaire trop bas",
                theme=rng.choice(THEME_IDS),
                polarity=rng.choice(POLARITIES),
                score=0.7,
                model_version="bench",
            )
            for k in range(mentions_per_review)
        ]
        batch.append(TaggedReview(record, mentions))
    return batch


def _medians(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each timing's median over the runs."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _revint_load(path: Path, tables: dict[str, pa.Table]) -> dict[str, float]:
    """The whole `load_tables` call into a fresh warehouse ("whole"), and the step times it reports."""
    con = connect(path)
    started = time.perf_counter()
    loaded = load_tables(con, tables)
    whole = time.perf_counter() - started
    con.close()
    return {"whole": whole, **loaded.seconds}


def _bare_insert(path: Path, tables: dict[str, pa.Table]) -> dict[str, float]:
    """DuckDB's own INSERT of each Arrow table, in the load's order, into a fresh warehouse's empty tables in one
    transaction: each statement's time (before the commit), the commit's, and the whole from registration to commit."""
    con = connect(path)
    started = time.perf_counter()
    for name, table in tables.items():
        con.register(f"raw_{name}", table)
    seconds: dict[str, float] = {}
    con.execute("BEGIN TRANSACTION")
    for name in tables:
        loaded_at = ", now() AS loaded_at" if name == "reviews" else ""  # the one column a batch lacks
        step = time.perf_counter()
        con.execute(f"INSERT INTO {name} BY NAME SELECT *{loaded_at} FROM raw_{name}")
        seconds[f"insert {name}"] = time.perf_counter() - step
    step = time.perf_counter()
    con.execute("COMMIT")
    seconds["commit"] = time.perf_counter() - step
    seconds["whole"] = time.perf_counter() - started
    con.close()
    return seconds


def load_throughput(scratch: Path, reviews: int = 20_000, runs: int = 5) -> Figures:
    """revint's load of Arrow tables against DuckDB's bare insert of the same tables, both into fresh warehouses."""
    batch = synthetic_batch(reviews)
    started = time.perf_counter()
    tables = arrow_tables(batch)
    converted = time.perf_counter() - started
    mentions = tables["mentions"].num_rows
    ours_runs, bare_runs = [], []
    for run in range(runs + 1):  # run 0 warms both sides up and is not counted
        ours_runs.append(_revint_load(scratch / f"revint-{run}.duckdb", tables))
        bare_runs.append(_bare_insert(scratch / f"bare-{run}.duckdb", tables))
    ours, bare = _medians(ours_runs[1:]), _medians(bare_runs[1:])
    return [
        ("records → Arrow s", converted, f"{reviews} reviews, {mentions} mentions (Python objects to Arrow, one run)"),
        ("load: mention rows/s", mentions / ours["whole"], "revint load_tables: upserts, key checks, marts, commit"),
        ("bare insert: mention rows/s", mentions / bare["whole"], "DuckDB INSERT of the same Arrow tables, COMMIT"),
        ("load / bare insert %", 100 * bare["whole"] / ours["whole"], "whole load against the bare inserts"),
        compared(
            revint="load_tables (staging, upserts, delete + insert of child rows and mentions, marts, checks), commit "
            "included",
            bare=f"one INSERT per Arrow table into the same empty tables, COMMIT included; medians of {runs} runs in "
            "turn after a warm-up, each into a fresh warehouse",
        ),
        ("mentions insert rows/s", mentions / ours["insert mentions"], "the mentions step inside revint's load"),
        ("bare mentions insert rows/s", mentions / bare["insert mentions"], "the mentions INSERT of the bare side"),
        ("mentions / bare insert %", 100 * bare["insert mentions"] / ours["insert mentions"], "goal >= 50 %"),
        compared(
            revint="its mentions INSERT (after their DELETE) in the open load transaction, commit excluded",
            bare="one INSERT of the same Arrow table after the reviews and child rows, in the open transaction, "
            "COMMIT excluded; the same runs",
        ),
        *(
            (f"  load step: {step} s", s, f"bare: {bare[step]:.2f} s" if step in bare else "")
            for step, s in ours.items()
            if step != "whole" and not step.startswith("insert")
        ),
    ]


PHRASES = (  # written for the bench: distinct enough that quotes are not near-duplicates of one another
    "Salaire trop bas depuis des années",
    "Aucune augmentation malgré les objectifs atteints",
    "Les plannings changent sans prévenir la veille",
    "Le manager ne donne jamais de retour utile",
    "Ambiance tendue entre les équipes du siège",
    "Formations promises mais jamais planifiées",
    "Trop de réunions inutiles chaque semaine",
    "Locaux vétustes et matériel souvent en panne",
    "Charge de travail intenable en fin de mois",
    "Peu de perspectives d’évolution interne",
    "Missions répétitives sans vraie autonomie",
    "Restructurations successives et inquiétude sur l’avenir",
)


def generate_warehouse(path: Path, reviews: int, companies: int) -> duckdb.DuckDBPyConnection:
    """A warehouse of `reviews` synthetic reviews with 3 mentions each, generated in SQL: each company raises one
    theme (its id modulo 11) more often than the others do, job titles from a few families, and units of varied
    text and evidence, so that reports have concerns, strengths and quotes to choose."""
    con = connect(path)
    themes = "[" + ", ".join(f"'{t}'" for t in THEME_IDS) + "]"
    phrases = "[" + ", ".join(f"'{p}'" for p in PHRASES) + "]"
    con.execute(
        f"INSERT INTO companies BY NAME SELECT 'c' || i AS company_id, 'Company ' || i AS name, "
        f"now() AS first_seen, now() AS last_seen FROM range({companies}) t(i)"
    )
    con.execute(
        f"""
        INSERT INTO reviews BY NAME
        SELECT 'gen:' || i AS review_id, 'gen' AS source, i::VARCHAR AS source_review_id,
               'c' || (hash(i) % {companies}) AS company_id, 'Company ' || (hash(i) % {companies}) AS company_name,
               'http://127.0.0.1/' || i AS url, 'fr' AS lang,
               DATE '2020-01-01' + (hash(i * 3) % 2000)::INTEGER AS review_date,
               'Salaire trop bas, ambiance correcte' AS cons, 1 + hash(i * 5) % 5 AS rating,
               ['Caissier', 'Consultant', 'Développeur', 'Préparateur de commandes'][1 + (hash(i * 7) % 4)::INTEGER]
                   AS job_title,
               hash(i * 9) % 2 = 0 AS is_current, now() AS fetched_at, now() AS loaded_at
        FROM range({reviews}) t(i)
        """
    )
    con.execute(
        f"""
        INSERT INTO mentions BY NAME
        SELECT 'gen:' || i AS review_id, 'cons' AS section, k AS unit_index, 0 AS start_char, 40 AS end_char,
               {phrases}[1 + (hash(i * 19 + k) % {len(PHRASES)})::INTEGER] AS unit_text,
               CASE WHEN hash(i * 17 + k) % 4 = 0 THEN {themes}[1 + ((hash(i) % {companies}) % 11)::INTEGER]
                    ELSE {themes}[1 + (hash(i * 11 + k) % 11)::INTEGER] END AS theme,
               CASE WHEN hash(i * 13 + k) % 3 = 0 THEN 'positive' ELSE 'negative' END AS polarity,
               0.7 AS score, 'gen' AS model_version, 0.5 + (hash(i * 23 + k) % 50) / 100 AS evidence
        FROM range({reviews}) t(i), range(3) s(k)
        """
    )
    refresh_marts(con)
    return con


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _latencies_ms(run: Callable[[str], object], companies: list[str]) -> list[float]:
    """Milliseconds of `run` on each company, after one untimed call."""
    run(companies[0])
    samples = []
    for company in companies:
        started = time.perf_counter()
        run(company)
        samples.append(1000 * (time.perf_counter() - started))
    return samples


def concern_query(scratch: Path, reviews: int = 1_000_000, companies: int = 2_000, runs: int = 100) -> Figures:
    started = time.perf_counter()
    con = generate_warehouse(scratch / "big.duckdb", reviews, companies)
    built = time.perf_counter() - started
    rng = random.Random(3)
    sample = [f"c{rng.randrange(companies)}" for _ in range(runs)]
    query = insight_sql("scope_themes")
    parameters = {"titles": None, "location": None}
    concerns = _latencies_ms(
        lambda c: con.execute(query, parameters | {"company_ids": [c], "first_id": c, "last_id": c}).fetchall(), sample
    )
    reports = _latencies_ms(lambda company: company_report(con, company, by_id=True), sample)
    roles = _latencies_ms(lambda company: company_report(con, company, by_id=True, role="caissier"), sample)
    shown = company_report(con, sample[0], by_id=True)
    return [
        ("1M warehouse build s", built, f"{reviews} reviews, {3 * reviews} mentions, marts refreshed"),
        ("theme counts query p95 ms", _p95(concerns), f"one company's theme counts, {runs} companies"),
        (
            "full report p95 ms",
            _p95(reports),
            f"concerns, strengths, quotes, questions; the same companies (goal <= 100 ms); e.g. {sample[0]}: "
            f"{len(shown.concerns)} concerns, {sum(len(c.quotes) for c in shown.concerns)} quotes",
        ),
        ("report for one role p95 ms", _p95(roles), "the same, on one job family's reviews (--role caissier)"),
    ]


def site_build(scratch: Path, reviews: int = 1_000_000, companies: int = 100) -> Figures:
    """`revint site` over a warehouse of 1M reviews in 100 companies (10,000 each)."""
    con = generate_warehouse(scratch / "site.duckdb", reviews, companies)
    built = build_site(con, scratch / "site", lang="fr")
    con.close()
    return [
        (
            "site build s",
            built.seconds,
            f"{built.pages} pages, {companies} companies of {reviews // companies} reviews (goal < 60 s)",
        )
    ]


def warehouse_figures() -> Figures:
    with tempfile.TemporaryDirectory() as scratch:
        return load_throughput(Path(scratch)) + concern_query(Path(scratch)) + site_build(Path(scratch))

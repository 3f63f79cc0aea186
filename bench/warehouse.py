"""Warehouse figures: load throughput against DuckDB's own Arrow insert, and the concern query on 1M reviews."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from revint.pipeline.insights.report import company_report, insight_sql
from revint.pipeline.warehouse.db import connect, refresh_marts
from revint.pipeline.warehouse.load import arrow_tables, load_tables
from revint.record import Mention, ReviewRecord, TaggedReview
from revint.taxonomy import POLARITIES, THEME_IDS

Figures = list[tuple[str, float, str]]


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


def load_throughput(scratch: Path, reviews: int = 20_000) -> Figures:
    """revint's load of Arrow tables (upserts, key checks, marts, one transaction) against a bare insert."""
    batch = synthetic_batch(reviews)
    started = time.perf_counter()
    tables = arrow_tables(batch)
    converted = time.perf_counter() - started
    mentions = tables["mentions"].num_rows
    con = connect(scratch / "load.duckdb")
    started = time.perf_counter()
    loaded = load_tables(con, tables)
    ours = time.perf_counter() - started
    mentions_insert = loaded.seconds["insert mentions"]
    plain = duckdb.connect(str(scratch / "plain.duckdb"))
    arrow = tables["mentions"]  # noqa: F841  (read by DuckDB's replacement scan below)
    plain.execute("CREATE TABLE mentions AS SELECT * FROM arrow LIMIT 0")
    started = time.perf_counter()
    plain.execute("INSERT INTO mentions SELECT * FROM arrow")
    theirs = time.perf_counter() - started
    return [
        ("records → Arrow s", converted, f"{reviews} reviews, {mentions} mentions (Python objects to Arrow)"),
        ("load: mention rows/s", mentions / ours, "revint load_tables: upserts, key checks, marts, one transaction"),
        ("duckdb insert rows/s", mentions / theirs, "bare INSERT of the same Arrow mentions table"),
        ("load / duckdb insert %", 100 * theirs / ours, "whole load transaction against the bare insert"),
        ("mentions insert rows/s", mentions / mentions_insert, "the mentions step inside revint's load"),
        ("mentions / duckdb insert %", 100 * theirs / mentions_insert, "goal >= 50 %"),
        *((f"  load step: {step} s", s, "") for step, s in loaded.seconds.items() if not step.startswith("insert")),
    ]


def generate_warehouse(path: Path, reviews: int, companies: int) -> duckdb.DuckDBPyConnection:
    """A warehouse of `reviews` synthetic reviews with 3 mentions each, generated in SQL."""
    con = connect(path)
    themes = "[" + ", ".join(f"'{t}'" for t in THEME_IDS) + "]"
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
               now() AS fetched_at, now() AS loaded_at
        FROM range({reviews}) t(i)
        """
    )
    con.execute(
        f"""
        INSERT INTO mentions
        SELECT 'gen:' || i, 'cons', k, 0, 16, 'Salaire trop bas', {themes}[1 + (hash(i * 11 + k) % 11)::INTEGER],
               CASE WHEN hash(i * 13 + k) % 3 = 0 THEN 'positive' ELSE 'negative' END, 0.7, 'gen'
        FROM range({reviews}) t(i), range(3) s(k)
        """
    )
    refresh_marts(con)
    return con


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def concern_query(scratch: Path, reviews: int = 1_000_000, companies: int = 2_000, runs: int = 100) -> Figures:
    started = time.perf_counter()
    con = generate_warehouse(scratch / "big.duckdb", reviews, companies)
    built = time.perf_counter() - started
    rng = random.Random(3)
    concerns, reports = [], []
    for run in range(runs):
        company = f"c{rng.randrange(companies)}"
        t = time.perf_counter()
        parameters = {"company_id": company, "polarity": "negative", "min_reviews": 2, "top": 3}
        con.execute(insight_sql("company_themes"), parameters)
        concerns.append(1000 * (time.perf_counter() - t))
        if run % 5 == 0:
            t = time.perf_counter()
            company_report(con, company)
            reports.append(1000 * (time.perf_counter() - t))
    return [
        ("1M warehouse build s", built, f"{reviews} reviews, {3 * reviews} mentions, marts refreshed"),
        ("concern query p95 ms", _p95(concerns), f"top concerns of one company, {runs} companies (goal <= 100 ms)"),
        ("full report p95 ms", _p95(reports), f"concerns, strengths, quotes, questions; {len(reports)} companies"),
    ]


def warehouse_figures() -> Figures:
    with tempfile.TemporaryDirectory() as scratch:
        return load_throughput(Path(scratch)) + concern_query(Path(scratch))

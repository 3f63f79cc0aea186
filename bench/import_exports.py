"""`revint import` of the four real CSV exports of ../shared/corpus (Glassdoor's Kaggle, commercial and US CSVs, an
Indeed CSV), each into one throwaway warehouse through `import_paths`, the code path of the command: parse, tag and
load, with what each file gave (rows read, reviews written, duplicates, rows rejected by reason)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Final

from bench.figures import Figures
from revint.pipeline.importing import ImportSummary, import_paths
from revint.settings import SHARED_CORPUS, Settings
from revint.spiders.parsers.csv_export import rejection_reasons

# (source, file, the employer for an export that names none): `revint import SOURCE FILE [--company …]`
EXPORTS: Final = (
    ("glassdoor", SHARED_CORPUS / "glassdoor-en-uk" / "glassdoor_uk_reviews_9999.csv", None),
    ("glassdoor", SHARED_CORPUS / "glassdoor-en-brightdata" / "glassdoor_brightdata_sample_1000.csv", None),
    ("glassdoor", SHARED_CORPUS / "glassdoor-en-us-2025" / "glassdoor_us_reviews_7160.csv", None),
    ("indeed", SHARED_CORPUS / "indeed-en-bank" / "indeed_us_bank_reviews_6996.csv", "Anonymised US bank"),
)


def _rows(summary: ImportSummary) -> int:
    """The rows the import read: the reviews parsed (duplicates included) and the rows rejected."""
    return summary.report.reviews + len(summary.report.errors)


def _detail(summary: ImportSummary, seconds: float) -> str:
    rejected = rejection_reasons(summary.report.errors)
    reasons = ", ".join(f"{count} {reason}" for reason, count in rejected.most_common()) or "none"
    tagging = summary.tag.seconds if summary.tag else 0.0
    return (
        f"{_rows(summary):,} rows, {_rows(summary) / seconds:,.0f} rows/s: {summary.written:,} reviews written "
        f"({summary.report.duplicates} duplicates), rejected: {reasons}; tag {tagging:.1f} s, parse and load "
        f"{seconds - tagging:.1f} s"
    )


def import_exports_figures(settings: Settings) -> Figures:
    """Seconds and rows/s of each export's import and of the four together, in a throwaway warehouse that the
    four fill in turn; [] when one of the files is absent."""
    if not all(path.is_file() for _, path, _ in EXPORTS):
        return []
    figures: Figures = []
    rows = 0
    total = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        local = replace(settings, data_dir=Path(scratch), db_path=Path(scratch) / "bench.duckdb")
        for source, path, company in EXPORTS:
            started = time.perf_counter()
            summary = import_paths(local, source, [path], company=company)
            seconds = time.perf_counter() - started
            if summary.report.failed:
                raise RuntimeError(f"revint import {source} {path}: {'; '.join(summary.report.failed)}")
            figures.append((f"{path.parent.name} s", seconds, _detail(summary, seconds)))
            rows += _rows(summary)
            total += seconds
        held = summary.load.reviews_total if summary.load else 0
    figures += [
        ("all four s", total, f"{rows:,} rows; the warehouse then holds {held:,} reviews"),
        ("all four rows/s", rows / total, "parse, tag and load, as `revint import` runs them"),
    ]
    return figures

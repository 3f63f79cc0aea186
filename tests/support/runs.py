"""Throwaway settings, the shared sample run's shape, and the `revint` command run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from revint.pipeline import stages
from revint.settings import Settings


def temporary_settings(root: Path) -> Settings:
    return replace(Settings.from_env(), data_dir=root, db_path=root / "revint.duckdb")


@dataclass(frozen=True)
class SampleRun:
    settings: Settings
    run_dir: Path
    crawl: stages.CrawlSummary


def revint(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "revint.pipeline.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )

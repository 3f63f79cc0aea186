"""The analyst notebooks run top to bottom against a real warehouse and draw their plots."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.support.pages import REPO
from tests.support.runs import SampleRun

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_analyst_notebooks() -> None:
    assert {p.name for p in NOTEBOOKS} >= {"company_deep_dive.ipynb", "theme_benchmark.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_plots(path: Path, sample_run: SampleRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVINT_DB", str(sample_run.settings.db_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    images = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert len(images) >= 2

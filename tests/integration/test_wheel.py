"""The installable product: a wheel built from this checkout, installed in a new virtualenv, runs `revint demo`
with the trained tagger and its bundled data, away from the source checkout.

The new virtualenv takes revint from the wheel alone; its third-party dependencies come from the project's
virtualenv (a .pth line, so that the test needs no download of Scrapy, spaCy or Prefect again).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from revint.models.tagger import Tagger
from tests.support.pages import REPO


def _site_packages(venv: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))


def test_the_wheel_runs_the_demo_with_the_trained_tagger_and_bundled_data(tmp_path: Path) -> None:
    dist, venv, home = tmp_path / "dist", tmp_path / "venv", tmp_path / "home"
    home.mkdir()  # a new user: Prefect keeps its temporary server's database in ~/.prefect
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--wheel-dir", str(dist), str(REPO)], check=True, timeout=600)
    (wheel,) = dist.glob("revint-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([*pip, "--python", str(venv / "bin" / "python"), "install", "--no-deps", str(wheel)], check=True)
    (_site_packages(venv) / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVINT_", "PYTHON"))} | {"HOME": str(home)}

    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import revint.models.tagger as t; print(t.MODEL_DIR)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv)  # the wheel's copy, not the checkout's

    demo = subprocess.run(
        [str(venv / "bin" / "revint"), "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert f"theme mentions ({Tagger().version})" in demo.stdout  # the trained tagger shipped in the wheel
    assert "load    355 reviews (355 new)" in demo.stdout  # the bundled sample site
    assert demo.stdout.count("Préoccupations récurrentes") == 3
    assert (home / ".local" / "share" / "revint" / "work" / "revint.duckdb").is_file()  # generated files at home

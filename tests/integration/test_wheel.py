"""The installable product: a wheel built from this checkout, installed in a new virtualenv, runs `revint demo`
with the trained tagger and its bundled data, away from the source checkout, for a new user at a terminal.

The new virtualenv takes revint from the wheel alone; its third-party dependencies come from the project's
virtualenv (a .pth line, so that the test needs no download of Scrapy, spaCy or Prefect again).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import sysconfig
from pathlib import Path

from revint.models.tagger import Tagger
from tests.support.pages import REPO


def _site_packages(venv: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))


def run_in_terminal(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """A command whose output goes to a terminal, as for a user at a prompt (Prefect says more there)."""
    terminal, its_end = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=its_end, stderr=its_end)
    os.close(its_end)
    chunks = []
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the command closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(terminal)
    return process.wait(timeout=600), b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")


def test_the_wheel_runs_the_demo_with_the_trained_tagger_and_bundled_data(tmp_path: Path) -> None:
    dist, venv, home = tmp_path / "dist", tmp_path / "venv", tmp_path / "home"
    home.mkdir()  # a new user: Prefect keeps its temporary server's database in ~/.prefect
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--wheel-dir", str(dist), str(REPO)], check=True, timeout=600)
    (wheel,) = dist.glob("revint-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([*pip, "--python", str(venv / "bin" / "python"), "install", "--no-deps", str(wheel)], check=True)
    (_site_packages(venv) / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    unset = ("REVINT_", "PYTHON", "XDG_", "DO_NOT_TRACK", "PREFECT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(unset)} | {"HOME": str(home)}

    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import revint.models.tagger as t; print(t.MODEL_DIR)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv)  # the wheel's copy, not the checkout's

    status, shown = run_in_terminal([str(venv / "bin" / "revint"), "demo"], tmp_path, env)
    assert status == 0, shown[-3000:]
    assert f"theme mentions ({Tagger().version})" in shown  # the trained tagger shipped in the wheel
    assert "load    355 reviews (355 new)" in shown  # the bundled sample site
    assert shown.count("Préoccupations récurrentes") == 3
    assert "usage data" not in shown and "| INFO" not in shown  # no telemetry notice, no Prefect chatter
    assert (home / ".local" / "share" / "revint" / "work" / "revint.duckdb").is_file()  # generated files at home

    for command in (
        ["questions", "Helio", "--role", "préparateur de commandes"],  # the job families ship too
        ["follow", "Helio"],
        ["digest"],  # its Markdown template
        ["site", str(tmp_path / "site")],  # the site's templates
    ):
        done = subprocess.run(
            [str(venv / "bin" / "revint"), *command], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (command, done.stderr[-2000:])

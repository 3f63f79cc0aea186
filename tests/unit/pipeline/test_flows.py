"""What the flows module promises without running a flow (tests/integration/test_flow.py runs one)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_revint_changes_no_environment_variable() -> None:
    """Prefect's settings are applied where flows start (run_without_server, the CLI), never on import."""
    script = (
        "import os\n"
        "before = dict(os.environ)\n"
        "import revint, revint.pipeline, revint.pipeline.cli, revint.pipeline.flows, revint.pipeline.stages\n"
        "import revint.models.tagger, revint.spiders.base, revint.spiders.settings\n"
        "print(sorted(set(os.environ.items()) ^ set(before.items())))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"

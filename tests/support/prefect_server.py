"""One temporary Prefect server for a whole test session or stress run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from revint.pipeline.cli import no_usage_telemetry


@contextmanager
def prefect_server() -> Iterator[str]:
    """A temporary Prefect server and database, telemetry off, for the flows this process runs; yields its API URL.

    A `revint` subprocess given that URL as PREFECT_API_URL reports to this server instead of starting a temporary
    one of its own (about 10 s each), as a deployment's flow runs report to theirs."""
    no_usage_telemetry()
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        temporary_settings({PREFECT_SERVER_ANALYTICS_ENABLED: False}),
        prefect_test_harness(server_startup_timeout=120),
    ):
        yield str(PREFECT_API_URL.value())

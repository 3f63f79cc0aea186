"""What the stress slices share."""

from __future__ import annotations

import pytest


@pytest.fixture
def commands_report_to_the_session_server(prefect_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The `revint` commands a slice starts report their flows to the session's Prefect server, instead of each
    starting a temporary one."""
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)

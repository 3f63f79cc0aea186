"""Shared by the site parser and spider tests: fixture pages and a server for them, the real corpus (tests skip
where it is absent), a fetch time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from revint.pipeline.sample_site import serve_locally
from revint.settings import REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "sites"
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
FETCHED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
ROBOTS_TXT = b"User-agent: *\nAllow: /\n"


def fixture(site: str, name: str) -> str:
    """A fixture page written for these tests (UTF-8)."""
    return (FIXTURES / site / name).read_text(encoding="utf-8")


def corpus_file(*parts: str) -> Path:
    """A file of ../shared/corpus; the test is skipped when the corpus is not checked out next to the repo."""
    path = CORPUS.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared corpus is not next to this checkout")
    return path


@contextmanager
def serve_routes(routes: Mapping[str, tuple[bytes, str]]) -> Iterator[str]:
    """Serve fixed bodies on 127.0.0.1 by path and query ("/avis?page=2" → (body, content type)), a permissive
    robots.txt, and 404 for anything else; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            found = {"/robots.txt": (ROBOTS_TXT, "text/plain"), **routes}.get(self.path)
            body, content_type = found or (b"<h1>Not found</h1>", "text/html")
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serve_locally(Handler) as base_url:
        yield base_url

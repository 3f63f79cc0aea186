"""A fixture review site for crawl tests: the sample site's page format, served on 127.0.0.1 in a thread.

Each path has canned replies (any status, headers, body bytes in any encoding; the n-th request of a path gets
the n-th reply, the last one repeats), every request is logged with its time, and a gate can hold requests
after the first few until the test opens it, so a crawl can be interrupted at a known point.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any

from revint.pipeline.sample_site import SampleCompany, render_company_page, serve_locally
from revint.pipeline.stages import CrawlSummary, crawl, new_run_dir, read_reviews
from revint.record import ReviewRecord
from revint.settings import Settings

ROBOTS_TXT = "User-agent: *\nDisallow: /membres/\nDisallow: /prive/\n"


def review(review_id: str, day: int, **overrides: Any) -> dict[str, Any]:
    """One review as the sample site's company files hold it, dated 2024-03-<day>."""
    fields: dict[str, Any] = {
        "id": review_id,
        "date": f"2024-03-{day:02d}",
        "lang": "fr",
        "title": f"Avis {review_id}",
        "rating": 4,
        "subratings": {"culture": 4, "management": 2},
        "job_title": "Technicienne",
        "location": "Rennes",
        "employment_status": "full_time",
        "current": True,
        "pros": "Bonne équipe.",
        "cons": "Locaux vieillissants.",
        "advice": "",
    }
    return fields | overrides


def company(slug: str, name: str, reviews: list[dict[str, Any]]) -> SampleCompany:
    """A company listing its reviews newest first, as the sample site does."""
    ordered = sorted(reviews, key=lambda r: (r["date"], r["id"]), reverse=True)
    return SampleCompany(slug=slug, name=name, sector="Industrie", city="Rennes", reviews=ordered)


def company_pages(company: SampleCompany) -> dict[str, str]:
    """Every review page of a company by path: page 1 at its plain URL, the others at `?page=N`."""
    base = f"/entreprise/{company.slug}/avis"
    pages = {base: render_company_page(company, 1)}
    pages |= {f"{base}?page={n}": render_company_page(company, n) for n in range(2, company.pages + 1)}
    return pages


@dataclass(frozen=True)
class Reply:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str | Callable[[], str]] = field(default_factory=dict)  # a callable is read when served
    delay: float = 0.0  # seconds before the reply is sent: a slow site


@dataclass(frozen=True)
class Hit:
    path: str
    at: float  # time.monotonic() when the request arrived
    user_agent: str | None


class FixtureSite:
    """The fixture site; `with FixtureSite(routes) as site:` serves it at `site.url`."""

    def __init__(self, routes: Mapping[str, Reply | str | Sequence[Reply]]) -> None:
        self.routes = {path: self._replies(route) for path, route in routes.items()}
        self.routes.setdefault("/robots.txt", [Reply(ROBOTS_TXT, content_type="text/plain; charset=utf-8")])
        self.hits: list[Hit] = []
        self.gate = threading.Event()
        self.gate.set()
        self.gate_after = 0  # while the gate is closed: page requests served before it holds the next ones
        self.held = 0  # requests held at the gate since it last closed
        self._lock = threading.Lock()
        self._serving = ExitStack()
        self.url = ""  # set while serving

    @staticmethod
    def _replies(route: Reply | str | Sequence[Reply]) -> list[Reply]:
        if isinstance(route, str):
            return [Reply(route)]
        return [route] if isinstance(route, Reply) else list(route)

    def __enter__(self) -> FixtureSite:
        self.url = self._serving.enter_context(serve_locally(self._handler()))
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.gate.set()  # requests held at the gate finish before the server stops
        self._serving.close()

    def hold_after(self, requests: int) -> None:
        """Serve the next `requests` page requests (robots.txt aside), then hold the others until `release()`."""
        with self._lock:
            self.gate_after = self._page_hits() + requests
            self.held = 0
            self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def _page_hits(self) -> int:
        return sum(1 for hit in self.hits if hit.path != "/robots.txt")

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def times(self, path: str) -> list[float]:
        with self._lock:
            return [hit.at for hit in self.hits if hit.path == path]

    def _reply(self, path: str, user_agent: str | None) -> Reply:
        """Log the request, wait at the gate if it is closed for it, and pick its reply."""
        with self._lock:
            served = sum(1 for hit in self.hits if hit.path == path)
            must_wait = not self.gate.is_set() and path != "/robots.txt" and self._page_hits() >= self.gate_after
            self.hits.append(Hit(path, time.monotonic(), user_agent))
            self.held += must_wait
        if must_wait:
            self.gate.wait()
        replies = self.routes.get(path, [Reply("<h1>Page introuvable</h1>", status=404)])
        return replies[min(served, len(replies) - 1)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet: the test reads site.hits
                pass

            def do_GET(self) -> None:
                reply = site._reply(self.path, self.headers.get("User-Agent"))
                time.sleep(reply.delay)
                data = reply.body if isinstance(reply.body, bytes) else reply.body.encode("utf-8")
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value() if callable(value) else value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def crawl_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a throwaway crawl: files under `data_dir`, short retry waits."""
    base = replace(Settings.from_env(), data_dir=data_dir, db_path=data_dir / "w.duckdb", retry_backoff=0.2)
    return replace(base, **overrides)


def run_crawl(settings: Settings, start_urls: list[str], **options: Any) -> tuple[CrawlSummary, list[ReviewRecord]]:
    """One sample-spider crawl into a new run dir, with no delay (the fixture servers are local)."""
    run_dir = new_run_dir(settings, "test")
    summary = crawl(settings, "sample", start_urls, run_dir, delay=0.0, **options)
    records = list(read_reviews(summary.output)) if summary.output.exists() else []
    return summary, records


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Poll until `condition()` holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)

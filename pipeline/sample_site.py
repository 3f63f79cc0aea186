"""The bundled sample review site: fictional companies served on 127.0.0.1 for the demo and the tests.

Its pages mimic a real review platform: paginated company review lists, reviewer pseudonyms with
profile links (which revint must never store), French sub-rating labels, a robots.txt and JSON-LD.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

PAGE_SIZE = 10
ROBOTS_TXT = "User-agent: *\nDisallow: /membres/\nDisallow: /recherche\n"
SUBRATING_LABELS = {
    "culture": "Culture et valeurs",
    "work_life_balance": "Équilibre travail/vie privée",
    "career": "Opportunités de carrière",
    "compensation": "Rémunération et avantages",
    "management": "Équipe dirigeante",
}
STATUS_LABELS = {
    "full_time": "CDI temps plein",
    "part_time": "Temps partiel",
    "contract": "CDD",
    "intern": "Stage",
    "apprentice": "Alternance",
    "freelance": "Freelance",
}
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


@dataclass(frozen=True)
class SampleCompany:
    slug: str
    name: str
    sector: str
    city: str
    reviews: list[dict[str, Any]]

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.reviews) // PAGE_SIZE))


def load_companies(site_dir: Path) -> dict[str, SampleCompany]:
    """Every company file under `site_dir/companies`, newest reviews first as review sites list them."""
    companies = {}
    for path in sorted((site_dir / "companies").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        info = raw["company"]
        reviews = sorted(raw["reviews"], key=lambda r: (r["date"], r["id"]), reverse=True)
        companies[info["slug"]] = SampleCompany(info["slug"], info["name"], info["sector"], info["city"], reviews)
    return companies


def _pseudonym(review_id: str) -> str:
    return "membre-" + hashlib.sha1(review_id.encode()).hexdigest()[:8]


def _french_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"


# Autoescaped, and a missing review field is an error naming it; JSON-LD keeps its key order and accents.
_TEMPLATES = Environment(
    loader=PackageLoader("revint.pipeline", "templates/sample_site"), autoescape=True, undefined=StrictUndefined
)
_TEMPLATES.filters |= {"pseudonym": _pseudonym, "french_date": _french_date}
_TEMPLATES.globals |= {"subrating_labels": SUBRATING_LABELS, "status_labels": STATUS_LABELS}
_TEMPLATES.policies["json.dumps_kwargs"] = {"ensure_ascii": False}


def render_review(review: dict[str, Any]) -> str:
    """One review block, exactly as company pages include it."""
    return _TEMPLATES.get_template("review.html.j2").render(review=review)


def render_company_page(company: SampleCompany, page: int) -> str:
    """Page `page` (from 1) of a company's reviews, with a JSON-LD rating summary and a link to the next page."""
    start = (page - 1) * PAGE_SIZE
    next_url = f"/entreprise/{company.slug}/avis?page={page + 1}" if page < company.pages else None
    json_ld = {
        "@context": "https://schema.org",
        "@type": "EmployerAggregateRating",
        "itemReviewed": {"@type": "Organization", "name": company.name},
        "ratingValue": round(sum(r["rating"] for r in company.reviews) / len(company.reviews), 1),
        "ratingCount": len(company.reviews),
        "bestRating": 5,
        "worstRating": 1,
    }
    return _TEMPLATES.get_template("company_page.html.j2").render(
        company=company,
        page=page,
        reviews=company.reviews[start : start + PAGE_SIZE],
        next_url=next_url,
        json_ld=json_ld,
    )


def render_index(companies: dict[str, SampleCompany]) -> str:
    """The home page: a link to every company's reviews."""
    return _TEMPLATES.get_template("index.html.j2").render(companies=companies.values())


def _handler_for(companies: dict[str, SampleCompany]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet: the crawler logs requests
            pass

        def _send(self, status: int, body: str, content_type: str = "text/html; charset=utf-8") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            parts = [p for p in url.path.split("/") if p]
            if url.path == "/robots.txt":
                self._send(200, ROBOTS_TXT, "text/plain; charset=utf-8")
            elif not parts:
                self._send(200, render_index(companies))
            elif len(parts) == 3 and parts[0] == "entreprise" and parts[2] == "avis" and parts[1] in companies:
                company = companies[parts[1]]
                page_arg = parse_qs(url.query).get("page", ["1"])[0]
                page = int(page_arg) if page_arg.isdigit() else 0
                if 1 <= page <= company.pages:
                    self._send(200, render_company_page(company, page))
                else:
                    self._send(404, "<h1>Page introuvable</h1>")
            else:
                self._send(404, "<h1>Page introuvable</h1>")

    return Handler


@contextmanager
def serve_sample_site(site_dir: Path, port: int = 0) -> Iterator[str]:
    """Serve the sample site on 127.0.0.1 in a background thread; yields its base URL."""
    with serve_locally(_handler_for(load_companies(site_dir)), port) as base_url:
        yield base_url


@contextmanager
def serve_locally(handler: Callable[..., BaseHTTPRequestHandler], port: int = 0) -> Iterator[str]:
    """Serve with `handler` on 127.0.0.1 (any free port by default) in a background thread; yields the base URL.

    Also what the tests and benchmarks serve their fixture pages and saved corpora with.
    """
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

"""`revint site DIR`: a static site any web server, or a file browser, can serve: an index with a search over
companies, a page per company (its report and chart), and a compare page. No network is needed to read it:
charts are inline SVG, the search and the compare page are a few lines of inline script over data embedded in
the page (as JSON, escaped by the template engine), and review text is always escaped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from revint.pipeline.insights.render import TEMPLATES, WORDS, as_html
from revint.pipeline.insights.report import CompanyReport, company_report
from revint.taxonomy import THEMES, theme_label

SITE_WORDS = {
    "fr": {
        "title": "revint — ce que les salariés disent, et les questions à poser",
        "search": "Chercher une entreprise",
        "companies": "{n} entreprises, {r} avis",
        "compare": "Comparer des entreprises",
        "compare_hint": "Choisissez deux ou trois entreprises. ▲\u00a0: nettement plus qu'ailleurs\u00a0; —\u00a0: "
        "moins de 3 avis qui le critiquent, ou trop peu d'avis pour comparer.",
        "theme": "Part des avis qui critiquent",
        "no_match": "Aucune entreprise ne correspond.",
        "concerns": "préoccupations",
        "reviews": "avis",
    },
    "en": {
        "title": "revint — what employees say, and the questions to ask",
        "search": "Search for a company",
        "companies": "{n} companies, {r} reviews",
        "compare": "Compare companies",
        "compare_hint": "Pick two or three companies. ▲: clearly more than elsewhere; —: fewer than 3 reviews "
        "criticise it, or too few reviews to compare.",
        "theme": "Share of reviews criticising",
        "no_match": "No company matches.",
        "concerns": "concerns",
        "reviews": "reviews",
    },
}


@dataclass(frozen=True)
class SiteSummary:
    directory: Path
    pages: int
    seconds: float


def page_name(company_id: str) -> str:
    """A company page's file name: its id, kept to letters, digits and hyphens."""
    return "companies/" + re.sub(r"[^a-z0-9-]+", "-", company_id.lower()).strip("-") + ".html"


def _entry(report: CompanyReport, page: str) -> dict[str, Any]:
    """What the index and the compare page know of a company."""
    findings = {f.theme: f for f in [*report.concerns, *report.as_elsewhere]}
    return {
        "name": report.company_name,
        "page": page,
        "reviews": report.reviews,
        "sector": report.sector or "",
        "concerns": [f.label for f in report.concerns],
        "themes": {
            theme: {"share": round(f.share, 3), "reference": round(f.reference.share, 3), "standing": f.standing}
            for theme, f in findings.items()
        },
    }


def build_site(
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    *,
    lang: str = "fr",
    progress: Callable[[int, int], None] | None = None,
) -> SiteSummary:
    """Write the site of every company in the warehouse to `directory` (created; pages are overwritten)."""
    started = time.perf_counter()
    (directory / "companies").mkdir(parents=True, exist_ok=True)
    for stale in (directory / "companies").glob("*.html"):  # a company gone (forgotten, merged) leaves no page
        stale.unlink()
    companies = con.execute("SELECT company_id FROM companies ORDER BY name, company_id").fetchall()
    entries = []
    for done, (company_id,) in enumerate(companies, 1):
        report = company_report(con, company_id, by_id=True, lang=lang)
        page = page_name(company_id)
        (directory / page).write_text(as_html(report, home="../index.html"), encoding="utf-8")
        entries.append(_entry(report, page))
        if progress:
            progress(done, len(companies))
    words = SITE_WORDS[lang] | {key: WORDS[lang][key] for key in ("percent", "colon")}
    themes = [[theme, theme_label(theme, lang)] for theme in THEMES]  # in taxonomy order
    for name in ("index.html", "compare.html"):
        page = TEMPLATES.get_template(f"site_{name}.j2").render(
            lang=lang, words=words, entries=entries, themes=themes, total=sum(e["reviews"] for e in entries)
        )
        (directory / name).write_text(page, encoding="utf-8")
    return SiteSummary(directory, len(entries) + 2, time.perf_counter() - started)

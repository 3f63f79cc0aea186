"""Which parsers read which source. The spiders, `revint parse` / `revint import` and `revint reparse` all look
them up here, so a page reads the same whether it was just fetched, saved by hand or taken from a run's archive.
A source may also have company overview pages, which give a company profile instead of reviews, and CSV exports in
several formats, whose header says which (spiders.parsers.csv_export)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from revint.companies import CompanyProfile
from revint.spiders.parsers import (
    glassdoor,
    glassdoor_csv,
    glassdoor_overview,
    indeed,
    indeed_csv,
    json_text,
    kununu,
    sample_site,
    schema_org,
)
from revint.spiders.parsers.csv_export import CsvParser, Row, csv_parser
from revint.spiders.parsers.page import ParsedPage

# (page text, the page's URL, fetch time)
PageParser = Callable[[str, str, datetime], ParsedPage]
# (decoded JSON, where it came from, fetch time, the employer when the data does not say)
ExportParser = Callable[[Any, str, datetime, str | None], ParsedPage]
# (page text, the page's URL, fetch time) → the profile, or None for a page that is no overview page
OverviewParser = Callable[[str, str, datetime], CompanyProfile | None]

_JSON_START: Final = re.compile(r"\s*[\[{]")


@dataclass(frozen=True)
class SourceParsers:
    """One source's parsers: its saved pages, and its exports where it has JSON or CSV formats of its own."""

    name: str  # the spider's name, the CLI's SOURCE argument and the `spider` of an archived page
    parse_page: PageParser
    parse_export: ExportParser | None = None  # its JSON exports
    parse_csv: CsvParser | None = None  # its CSV exports, rows as csv.DictReader gives them
    json_answers: bool = False  # the site also answers JSON that the export parser reads (Glassdoor's GraphQL)
    parse_overview: OverviewParser | None = None  # the source's company overview pages

    @property
    def export_formats(self) -> frozenset[str]:
        """The kinds of export files it reads: "json", "csv"."""
        return frozenset(kind for kind in ("json", "csv") if self.export_parser(kind) is not None)

    def export_parser(self, kind: str) -> ExportParser | None:
        """The parser of its exports of a kind ("json", "csv"); None when it has none."""
        return {"json": self.parse_export, "csv": self.parse_csv}.get(kind)

    def parse_fetched(self, text: str, url: str, fetched_at: datetime) -> ParsedPage:
        """A fetched body as the spider reads it; ValueError for JSON that does not parse."""
        if self.json_answers and self.parse_export is not None and _JSON_START.match(text):
            return self.parse_export(json_text.loads(text), url, fetched_at, None)
        return self.parse_page(text, url, fetched_at)


def _kununu_csv(rows: Iterable[Row], url: str, fetched_at: datetime, company_name: str | None) -> ParsedPage:
    """Kununu's CSV rows, read by its export parser as its JSON is (it takes a list)."""
    return kununu.parse_export(list(rows), url, fetched_at, company_name)


SOURCES: Final = {
    parsers.name: parsers
    for parsers in (
        SourceParsers(
            glassdoor.SOURCE,
            glassdoor.parse_page,
            glassdoor.parse_graphql,
            csv_parser(glassdoor.SOURCE, *glassdoor_csv.FORMATS),
            json_answers=True,
            parse_overview=glassdoor_overview.parse_overview,
        ),
        SourceParsers(
            indeed.SOURCE, indeed.parse_page, indeed.parse_export, csv_parser(indeed.SOURCE, indeed_csv.FORMAT)
        ),
        SourceParsers(kununu.SOURCE, kununu.parse_page, kununu.parse_export, _kununu_csv),
        SourceParsers("schema_org", schema_org.parse_page),  # its records name their site: schema_org.source_for
        SourceParsers(sample_site.SOURCE, sample_site.parse_page),
    )
}


def parsers_for(source: str) -> SourceParsers:
    """The parsers of a source; ValueError naming the known sources."""
    try:
        return SOURCES[source]
    except KeyError:
        raise ValueError(f"unknown source {source!r} (known: {', '.join(SOURCES)})") from None

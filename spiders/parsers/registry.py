"""Which parsers read which source. The spiders, `revint parse` / `revint import` and `revint reparse` all look
them up here, so a page reads the same whether it was just fetched, saved by hand or taken from a run's archive.
A source may also have company overview pages, which give a company profile instead of reviews."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from revint.companies import CompanyProfile
from revint.spiders.parsers import glassdoor, glassdoor_overview, indeed, kununu, sample_site, schema_org
from revint.spiders.parsers.page import ParsedPage

# (page text, the page's URL, fetch time)
PageParser = Callable[[str, str, datetime], ParsedPage]
# (decoded JSON or CSV rows as dicts, where they came from, fetch time, the employer when the data does not say)
ExportParser = Callable[[Any, str, datetime, str | None], ParsedPage]
# (page text, the page's URL, fetch time) → the profile, or None for a page that is no overview page
OverviewParser = Callable[[str, str, datetime], CompanyProfile | None]

_JSON_START: Final = re.compile(r"\s*[\[{]")
_JSON: Final = frozenset({"json"})


@dataclass(frozen=True)
class SourceParsers:
    """One source's parsers: its saved pages, and its exports where it has a JSON or CSV format of its own."""

    name: str  # the spider's name, the CLI's SOURCE argument and the `spider` of an archived page
    parse_page: PageParser
    parse_export: ExportParser | None = None
    export_formats: frozenset[str] = frozenset()  # "json", "csv": the files `parse_export` reads
    json_answers: bool = False  # the site also answers JSON that the export parser reads (Glassdoor's GraphQL)
    parse_overview: OverviewParser | None = None  # the source's company overview pages

    def parse_fetched(self, text: str, url: str, fetched_at: datetime) -> ParsedPage:
        """A fetched body as the spider reads it; ValueError for JSON that does not parse."""
        if self.json_answers and self.parse_export is not None and _JSON_START.match(text):
            return self.parse_export(json.loads(text), url, fetched_at, None)
        return self.parse_page(text, url, fetched_at)


SOURCES: Final = {
    parsers.name: parsers
    for parsers in (
        SourceParsers(
            glassdoor.SOURCE,
            glassdoor.parse_page,
            glassdoor.parse_graphql,
            _JSON,
            json_answers=True,
            parse_overview=glassdoor_overview.parse_overview,
        ),
        SourceParsers(indeed.SOURCE, indeed.parse_page, indeed.parse_export, _JSON),
        SourceParsers(kununu.SOURCE, kununu.parse_page, kununu.parse_export, frozenset({"json", "csv"})),
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

"""`revint.toml`: what the scheduled flows follow — sources to crawl, folders of exports to import, where the
warehouse, the site and the digest go, and how tagging spreads over workers.

The file is read with tomllib and validated with pydantic; an error names the file, the line and the setting
(`ConfigError`). Without a file (no `--config`, no `REVINT_CONFIG`, no ./revint.toml) the embedded default
follows the bundled sample site, served on 127.0.0.1 for the run, and writes under the settings' data folder.
Relative paths are read from the config file's folder.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from revint.errors import ReportedError
from revint.settings import Settings
from revint.spiders.parsers.registry import SOURCES

CONFIG_NAME = "revint.toml"
BUNDLED_SITE = "sample"  # the spider whose source, given no start URL, is the bundled sample site


class ConfigError(ReportedError):
    """The config file cannot be read or says something impossible; the message names the line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_source(source: str) -> str:
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r} (known: {', '.join(SOURCES)})")
    return source


KnownSource = Annotated[str, AfterValidator(_known_source)]  # a source revint has a spider and parsers for


class Source(_Strict):
    """One site (or one company on a site) the nightly flow crawls."""

    spider: KnownSource
    name: str = ""  # a label unique in the file; the spider's name by default
    start_urls: list[str] = []  # review pages; for schema_org also sitemaps or robots.txt
    company: str | None = None  # the company these URLs are about, for `revint backfill COMPANY`
    delay: Annotated[float, Field(ge=0)] | None = None  # seconds between requests (default: the settings')
    timeout_minutes: Annotated[float, Field(gt=0)] = 120.0  # a crawl still running then is stopped, then retried
    enabled: bool = True

    @field_validator("start_urls")
    @classmethod
    def _web_addresses(cls, urls: list[str]) -> list[str]:
        bad = [url for url in urls if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc]
        if bad:
            raise ValueError(f"not web addresses (http:// or https://): {', '.join(bad)}")
        return urls

    @model_validator(mode="after")
    def _named_and_started(self) -> Source:
        if not self.start_urls and self.spider != BUNDLED_SITE:
            raise ValueError(f"spider {self.spider!r} needs start_urls (only {BUNDLED_SITE!r} has a bundled site)")
        if not self.name:
            object.__setattr__(self, "name", self.spider)
        return self

    @property
    def bundled(self) -> bool:
        """The bundled sample site, served on 127.0.0.1 while the source is crawled."""
        return not self.start_urls

    @property
    def hosts(self) -> list[str]:
        return sorted({urlsplit(url).netloc for url in self.start_urls}) or ["127.0.0.1"]


class ImportFolder(_Strict):
    """A folder of saved pages or exports (`revint import SOURCE FOLDER`) read by the nightly flow."""

    source: KnownSource
    folder: Path
    company: str | None = None


class Tagging(_Strict):
    """How tagging spreads: chunks of reviews, mapped over Dask workers (local processes, or a cluster)."""

    chunk_reviews: Annotated[int, Field(ge=1)] = 2000
    workers: Annotated[int, Field(ge=1)] = 2  # local Dask worker processes, when no cluster address is given
    dask_address: str | None = None  # an existing Dask scheduler, e.g. "tcp://10.0.0.5:8786"


class Config(_Strict):
    warehouse: Path | None = None  # default: the settings' (REVINT_DB, or data/work/revint.duckdb)
    site_dir: Path | None = None  # default: <data>/work/site
    digest_dir: Path | None = None  # default: <data>/work/digests
    lang: Literal["fr", "en"] = "fr"
    crawl_retries: Annotated[int, Field(ge=0)] = 2  # a crawl that failed or timed out is tried again, resuming
    crawl_retry_delays: list[Annotated[float, Field(ge=0)]] = [60.0, 300.0]  # seconds before each retry
    tagging: Tagging = Tagging()
    sources: list[Source] = []
    imports: list[ImportFolder] = []
    path: Path | None = Field(default=None, exclude=True)  # the file it was read from

    def settings(self, base: Settings) -> Settings:
        return replace(base, db_path=self.warehouse) if self.warehouse else base

    def site_folder(self, settings: Settings) -> Path:
        return self.site_dir or settings.work_dir / "site"

    def digest_folder(self, settings: Settings) -> Path:
        return self.digest_dir or settings.work_dir / "digests"

    def active_sources(self, companies: list[str] | None = None) -> list[Source]:
        """The enabled sources; with `companies`, those whose company is one of them (case-insensitive)."""
        wanted = {name.casefold() for name in companies or []}
        return [
            s
            for s in self.sources
            if s.enabled and (not wanted or (s.company is not None and s.company.casefold() in wanted))
        ]


DEFAULT_CONFIG = Config(sources=[Source(spider=BUNDLED_SITE, company=None, delay=0.0)])


def config_path(given: Path | None) -> Path | None:
    """The config file to read: `--config`, else $REVINT_CONFIG, else ./revint.toml when present; None: the default."""
    if given is not None:
        return given
    if os.environ.get("REVINT_CONFIG"):
        return Path(os.environ["REVINT_CONFIG"])
    local = Path.cwd() / CONFIG_NAME
    return local if local.is_file() else None


def load_config(given: Path | None = None) -> Config:
    """The config named by `config_path`, validated, its relative paths made absolute; the default without one."""
    path = config_path(given)
    if path is None:
        return DEFAULT_CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the config {path}: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not TOML: {error}") from None
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError("\n".join(_located(path, text, problem) for problem in error.errors())) from None
    names = [source.name for source in config.sources]
    for index, source in enumerate(config.sources):
        if names.index(source.name) < index:
            raise ConfigError(
                f"{path}:{_line_of(text, ['sources', index])}: sources.{index}: another source is named "
                f"{source.name!r}: set a unique `name` on each"
            )
    return _anchored(config, path.resolve().parent).model_copy(update={"path": path})


def _anchored(config: Config, folder: Path) -> Config:
    def absolute(path: Path | None) -> Path | None:
        return None if path is None else (folder / path.expanduser())

    imports = [entry.model_copy(update={"folder": absolute(entry.folder)}) for entry in config.imports]
    return config.model_copy(
        update={
            "warehouse": absolute(config.warehouse),
            "site_dir": absolute(config.site_dir),
            "digest_dir": absolute(config.digest_dir),
            "imports": imports,
        }
    )


def _located(path: Path, text: str, problem: Any) -> str:
    """One validation problem as `file:line: where: what`, the line found from the problem's location."""
    location = [part for part in problem["loc"] if part != "__root__"]
    where = ".".join(str(part) for part in location) or "(top level)"
    return f"{path}:{_line_of(text, location)}: {where}: {problem['msg']}"


def _line_of(text: str, location: list[Any]) -> int:
    """The line a setting is on: the n-th `[[table]]` header for a list index, then the key within it; the table's
    line when the key is missing; 1 when nothing matches."""
    lines = text.splitlines()
    line, start, end = 1, 0, len(lines)
    table: str | None = None
    for part in location:
        if isinstance(part, int) and table is not None:
            headers = [i for i in range(start, end) if re.match(rf"\s*\[\[\s*{re.escape(table)}\s*\]\]", lines[i])]
            if part < len(headers):
                start = headers[part]
                line = start + 1
                following = [i for i in range(start + 1, end) if re.match(r"\s*\[", lines[i])]
                end = following[0] if following else end
            continue
        table = str(part)
        for i in range(start, end):
            if re.match(rf"\s*(\[+\s*)?{re.escape(table)}\b", lines[i]):
                line = i + 1
                break
    return line

"""`revint follow`, `revint unfollow` and `revint digest`: the companies a candidate follows, and what changed for
them since the last digest. The warehouse keeps the follows and the snapshots (pipeline/warehouse/follows.py); the
reports and the digest's words come from the insights stage (report.py, digest.py); this module wires them.

A company is followed with a snapshot of its report, so that its first digest compares concerns with what the report
said then; each digest stores the snapshot the next one compares with. `--since` looks back without storing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from revint.errors import UsageError
from revint.pipeline.insights.digest import Baseline, Digest, ThemeState, company_changes, snapshot
from revint.pipeline.insights.lookup import Entity, find_companies
from revint.pipeline.insights.report import company_report
from revint.pipeline.warehouse import follows
from revint.pipeline.warehouse.db import connect, write_session
from revint.pipeline.warehouse.follows import Followed


class NothingFollowed(UsageError):
    """A digest with no company followed: there is nothing to tell."""


class NotADate(UsageError, ValueError):
    """A `--since` that reads as no date."""


def parse_since(text: str) -> datetime:
    """`--since`: a date or a date and time (ISO 8601), read as UTC unless it says otherwise."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise NotADate(f"--since {text!r} is not a date (YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FollowChange:
    changed: list[Entity]  # followed (or no longer followed) by this command
    unchanged: list[Entity]  # already followed (or not followed)
    said: tuple[str, str]  # how each is told: ("following", "already following")

    def lines(self) -> list[str]:
        told = [(self.said[0], e) for e in self.changed] + [(self.said[1], e) for e in self.unchanged]
        return [f"{words} {entity.name} ({entity.company_id})" for words, entity in told]


def _entities(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[Entity]:
    """The entities the names name, as `revint questions` reads a name (a group name names its entities), each once.
    An unknown name raises CompanyNotFound (lookup.py) before anything is written."""
    found: dict[str, Entity] = {}
    for name in names:
        for entity in find_companies(con, name).entities:
            found.setdefault(entity.company_id, entity)
    return list(found.values())


def _report_snapshot(con: duckdb.DuckDBPyConnection, company_id: str) -> list[ThemeState]:
    return snapshot(company_report(con, company_id, by_id=True))


def follow_companies(db_path: Path, names: list[str]) -> FollowChange:
    with write_session(db_path) as con:
        entities = _entities(con, names)
        already = {f.company_id for f in follows.followed(con)}
        new = [e for e in entities if e.company_id not in already]
        baselines = {e.company_id: _report_snapshot(con, e.company_id) for e in new}
        follows.follow(con, datetime.now(UTC), baselines)
    return FollowChange(new, [e for e in entities if e.company_id in already], ("following", "already following"))


def unfollow_companies(db_path: Path, names: list[str]) -> FollowChange:
    """A name is read as for `revint follow`, or as the id of a company followed whose reviews were all forgotten."""
    with write_session(db_path) as con:
        gone = {f.company_id: Entity(f.company_id, f.company_id) for f in follows.followed(con) if f.name is None}
        known = [name for name in names if name not in gone]
        entities = _entities(con, known) + [gone[name] for name in dict.fromkeys(names) if name in gone]
        removed = set(follows.unfollow(con, [e.company_id for e in entities]))
    return FollowChange(
        [e for e in entities if e.company_id in removed],
        [e for e in entities if e.company_id not in removed],
        ("no longer following", "not followed:"),
    )


def followed_companies(db_path: Path) -> list[Followed]:
    con = connect(db_path, read_only=True)
    try:
        return follows.followed(con)
    finally:
        con.close()


def _digest(
    con: duckdb.DuckDBPyConnection, now: datetime, since: datetime | None, lang: str
) -> tuple[Digest, dict[str, list[ThemeState]]]:
    """The digest of every company followed (and still in the warehouse), and their reports' snapshots now.

    A company's period starts at `since` when given, else at its latest snapshot (the previous digest's, or the one
    taken when it was followed); its changes compare with its latest snapshot taken at or before that start.
    """
    followed = follows.followed(con)
    if not followed:
        raise NothingFollowed("no company is followed: `revint follow COMPANY` first")
    followed = [f for f in followed if f.name is not None]  # not those whose reviews were all forgotten since
    if not followed:
        raise NothingFollowed("no company followed is still in the warehouse: `revint follow` lists them")
    companies, snapshots = [], {}
    for company in followed:
        stored = follows.latest_snapshot(con, company.company_id, since or now)
        start = since or (stored.taken_at if stored else company.followed_at)
        baseline = Baseline(stored.taken_at, [ThemeState(*row) for row in stored.rows]) if stored else None
        report = company_report(con, company.company_id, by_id=True, lang=lang)
        quoted = [q.review_id for f in [*report.concerns, *report.strengths] for q in f.quotes]
        loaded = follows.loaded_since(con, quoted, start)
        new = follows.new_reviews(con, company.company_id, start)
        changes = company_changes(report, start, new, loaded, baseline)
        companies.append(changes)
        snapshots[company.company_id] = changes.now
    return Digest(min(c.since for c in companies), now, lang, companies), snapshots


def produce_digest(db_path: Path, *, since: datetime | None = None, lang: str = "fr") -> Digest:
    """What changed since the previous digest, storing this one's snapshots for the next to compare with; with
    `since`, what changed since then, storing nothing (a look back)."""
    if since is not None:
        con = connect(db_path, read_only=True)
        try:
            return _digest(con, datetime.now(UTC), since, lang)[0]
        finally:
            con.close()
    with write_session(db_path) as con:
        now = datetime.now(UTC)  # taken under the writers' lock: no load lands between the digest and its snapshot
        digest, snapshots = _digest(con, now, None, lang)
        follows.store_digest(con, now, snapshots, len(digest.changed))
    return digest

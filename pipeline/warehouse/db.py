"""Open a warehouse file, bring its schema up to date, and run the key checks."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

import duckdb

from revint.constants import SQL_CONSTANTS, TAGGED_LANGUAGES, sql_parameters
from revint.pipeline.warehouse.search import rebuild_index
from revint.taxonomy import THEMES

SQL_DIR = Path(__file__).parent / "sql"
SEED_TABLES: Final = ("taxonomy_themes", "tagged_languages")  # rewritten by seed_contract from revint/
_MIGRATION_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")


class DataQualityError(RuntimeError):
    """A key check found offending rows: the load is rolled back."""


class NotAWarehouse(OSError):
    """A path that holds no revint warehouse: a folder, another kind of file, another application's database."""


class StaleWarehouse(NotAWarehouse):
    """A warehouse another revint version built, opened read-only: its schema or marts are not this version's."""


@cache
def marts_fingerprint() -> str:
    """What defines the marts: the staging and mart SQL and the constants they read."""
    digest = hashlib.sha1(repr(sorted(SQL_CONSTANTS.items())).encode())
    for path in sorted((SQL_DIR / "staging").glob("*.sql")) + sorted((SQL_DIR / "marts").glob("*.sql")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@cache
def migrations() -> tuple[tuple[int, str, Path], ...]:
    """The numbered migrations of sql/migrations, in order: (version, name, file)."""
    found = []
    for path in sorted((SQL_DIR / "migrations").glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 001_name.sql: {path.name}")
        found.append((int(match.group(1)), match.group(2), path))
    return tuple(found)


def _built_with(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the marts the warehouse holds (None before migration 007 or before any build)."""
    try:
        row = con.execute("SELECT any_value(fingerprint) FROM mart_builds").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def _check_current(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Refuse a warehouse opened read-only whose schema or marts another revint version built."""
    applied = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    if (applied[0] if applied else 0) < migrations()[-1][0] or _built_with(con) != marts_fingerprint():
        con.close()
        raise StaleWarehouse(
            f"{db_path} was built by another version of revint: run `revint refresh --db {db_path}` once to bring "
            "its schema and marts up to date"
        )


def connect(db_path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse; a writable one also applies pending migrations and refreshes marts.

    A path that is not a warehouse is refused with a message naming it; a writable connection never adds revint's
    tables to another application's DuckDB database.
    """
    if db_path.is_dir():
        raise NotAWarehouse(f"{db_path} is a folder, not a warehouse file (check --db)")
    if read_only and not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `revint demo` or `revint load` first")
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.IOException as error:
        raise NotAWarehouse(f"{db_path} cannot be opened as a warehouse ({error}); check --db") from error
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "schema_migrations" not in tables and (tables or read_only):
        con.close()
        raise NotAWarehouse(f"{db_path} is a DuckDB database but not a revint warehouse (check --db)")
    if read_only:
        _check_current(con, db_path)
    else:
        migrate(con)
    return con


@contextmanager
def write_session(db_path: Path, *, compact: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write to a private copy of the warehouse and publish it atomically when the block succeeds.

    Readers keep querying the published file (or the copy they opened) while a load runs: DuckDB lets one
    process write a file and no one else open it, so writers never touch the published file. A failure or a
    kill leaves the published warehouse exactly as it was. Writers queue on a lock file.

    `compact` publishes a rewritten file instead of the draft: DuckDB only marks deleted rows, so after an
    erasure the draft would still hold the deleted text.
    """
    if "?" in str(db_path):  # DuckDB reads what follows a "?" as options and writes its log elsewhere
        raise NotAWarehouse(
            f"{db_path}: DuckDB cannot write a warehouse whose path holds '?'; rename the folder or file"
        )
    if db_path.exists():  # a path that is no warehouse is refused before anything is written; another version's
        with suppress(StaleWarehouse):  # warehouse is brought up to date by the writer below
            connect(db_path, read_only=True).close()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(db_path.with_name(db_path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        draft = db_path.with_name(db_path.name + ".draft")
        _remove_draft(draft)  # a writer killed mid-load leaves its draft and write-ahead log behind
        if db_path.exists():
            shutil.copyfile(db_path, draft)
        con = connect(draft)
        try:
            yield con
            con.execute("CHECKPOINT")
            published = _rewrite(con, draft) if compact else draft
            con.close()
            os.replace(published, db_path)
            _remove_draft(draft)
        except BaseException:
            con.close()
            _remove_draft(draft)
            _remove_draft(draft.with_name(draft.name + ".compact"))
            raise


def _rewrite(con: duckdb.DuckDBPyConnection, draft: Path) -> Path:
    """A fresh file holding the draft's live rows only: the schema from the migrations, every stored table's rows
    streamed across (Python's API, so that no path is ever written into SQL), then marts and search index."""
    path = draft.with_name(draft.name + ".compact")
    _remove_draft(path)
    fresh = connect(path)
    try:
        fresh.execute("DELETE FROM schema_migrations")  # the draft's own history comes across with the rest
        derived = {*mart_names(), *SEED_TABLES}
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall():
            if table not in derived:
                for batch in con.table(table).fetch_arrow_reader(100_000):
                    fresh.from_arrow(batch).insert_into(table)
        refresh_marts(fresh)
        rebuild_index(fresh)
        fresh.execute("CHECKPOINT")
    finally:
        fresh.close()
    return path


def _remove_draft(draft: Path) -> None:
    draft.unlink(missing_ok=True)
    draft.with_name(draft.name + ".wal").unlink(missing_ok=True)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the numbered migrations not yet recorded, each in its own transaction; build missing marts."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    done = []
    for version, name, path in migrations():
        if version in applied:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        done.append(path.name)
    seed_contract(con)
    marts = mart_names()
    existing = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if done or not marts <= existing or _built_with(con) != marts_fingerprint():
        refresh_marts(con)
    return done


def mart_names() -> set[str]:
    """The mart tables, one per file of sql/marts."""
    return {path.stem for path in (SQL_DIR / "marts").glob("*.sql")}


def seed_contract(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the tables that hold the contract's vocabularies: taxonomy themes, tagged languages."""
    seeds = named_queries("seeds.sql")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(seeds["clear_taxonomy_themes"])
        con.executemany(seeds["insert_taxonomy_theme"], [[theme, *labels] for theme, labels in THEMES.items()])
        con.execute(seeds["clear_tagged_languages"])
        con.executemany(seeds["insert_tagged_language"], [[lang] for lang in TAGGED_LANGUAGES])
    except Exception:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def refresh_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the staging views, then the mart tables from them (in file order: later marts may read earlier ones).

    Marts are tables, not views, so that a company's concerns are a lookup even on a million reviews;
    every write (load, forget) refreshes them inside its own transaction.
    """
    views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    for path in sorted((SQL_DIR / "staging").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))
    for path in sorted((SQL_DIR / "marts").glob("*.sql")):
        if path.stem in views:  # marts were views in early warehouses
            con.execute(f"DROP VIEW {path.stem}")
        query = path.read_text(encoding="utf-8")
        con.execute(query, sql_parameters(query))
    con.execute("DELETE FROM mart_builds")
    con.execute("INSERT INTO mart_builds VALUES (?, now())", [marts_fingerprint()])


@cache
def named_queries(file_name: str) -> Mapping[str, str]:
    """The statements of a file of sql/ by their `-- name:` line (each runs up to the next one)."""
    text = (SQL_DIR / file_name).read_text(encoding="utf-8")
    named = {}
    for block in text.split("-- name: ")[1:]:
        name, _, query = block.partition("\n")
        named[name.strip()] = query.strip().rstrip(";")
    return MappingProxyType(named)


def run_checks(con: duckdb.DuckDBPyConnection) -> None:
    """Raise DataQualityError naming every failed check with an example of its offending rows."""
    failures = []
    for name, query in named_queries("checks.sql").items():
        rows = con.execute(f"SELECT * FROM ({query}) LIMIT 3", sql_parameters(query)).fetchall()
        if rows:
            failures.append(f"{name}: e.g. {rows}")
    if failures:
        raise DataQualityError("data-quality checks failed:\n  " + "\n  ".join(failures))

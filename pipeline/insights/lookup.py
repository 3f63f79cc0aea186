"""Which companies a candidate means: an id, a name, part of a name, a group of entities ("Altran" covers
ALTRAN, Altran Engineering Solution and Altran Telnet), or a name with a small typo.

Names are compared by their canonical form (revint.companies: case, accents, punctuation and legal suffixes
ignored); typos by rapidfuzz's similarity of those forms. A group is the companies whose names start with the
query's words; words inside a name ("Montreal" in "Eidos Montreal") find one company, never a group. Groups
are lexical: a company that only shares its first word (Atos Medical under "Atos") is covered too, and the
report lists every entity it covers so that `--entity` can pick one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import duckdb
from rapidfuzz import fuzz, process

from revint.companies import canonical_company_id
from revint.errors import UsageError

# Words too common in employer names to name a group on their own ("Groupe", "France", "Services").
GENERIC_WORDS: Final = frozenset(
    (
        "groupe",
        "group",
        "france",
        "international",
        "services",
        "service",
        "solutions",
        "solution",
        "consulting",
        "conseil",
        "technologies",
        "technology",
        "engineering",
        "systems",
        "systemes",
        "the",
        "le",
        "la",
        "les",
        "de",
        "du",
        "des",
        "et",
        "and",
        "of",
        "bank",
        "banque",
    )
)
MAX_GROUP: Final = 12  # more entities than this share the words: the query is too vague to be a group
TYPO_SIMILARITY: Final = 88  # rapidfuzz ratio (0–100) at or above which a name is taken despite a typo
SUGGESTION_SIMILARITY: Final = 60


class CompanyNotFound(UsageError, LookupError):
    """No company, or too many, answer to a name."""


@dataclass(frozen=True)
class Entity:
    company_id: str
    name: str
    reviews: int = 0  # tagged reviews in the warehouse

    def words(self) -> list[str]:
        return canonical_company_id(self.name).split("-")

    def __str__(self) -> str:
        return f"{self.name} ({self.reviews} review{'' if self.reviews == 1 else 's'})"  # in error messages


@dataclass(frozen=True)
class CompanyMatch:
    """The entities a report covers, and related ones it does not (each reachable by its own name)."""

    query: str
    entities: tuple[Entity, ...]
    others: tuple[Entity, ...] = ()

    @property
    def company_ids(self) -> list[str]:
        return [e.company_id for e in self.entities]


def companies(con: duckdb.DuckDBPyConnection) -> list[Entity]:
    rows = con.execute("SELECT company_id, name FROM companies ORDER BY name, company_id").fetchall()
    return [Entity(*row) for row in rows]


def _with_counts(con: duckdb.DuckDBPyConnection, entities: list[Entity]) -> tuple[Entity, ...]:
    """The entities with their numbers of tagged reviews."""
    rows = con.execute(
        "SELECT company_id, count(DISTINCT review_id) FROM mart_review_theme WHERE list_contains(?, company_id) "
        "GROUP BY ALL",
        [[e.company_id for e in entities]],
    ).fetchall()
    reviews = dict(rows)
    return tuple(Entity(e.company_id, e.name, reviews.get(e.company_id, 0)) for e in entities)


def _exact(query: str, candidates: list[Entity]) -> list[Entity]:
    """The candidates a query names exactly: by id, name, or canonical name."""
    key = canonical_company_id(query)
    return [c for c in candidates if query in (c.company_id, c.name) or key in (c.company_id, "-".join(c.words()))]


def _starts_with(entity: Entity, words: list[str]) -> bool:
    return entity.words()[: len(words)] == words


def _contains(words: list[str], query: list[str]) -> bool:
    """Whether the query's words appear in `words`, in order and next to each other."""
    return any(words[i : i + len(query)] == query for i in range(len(words) - len(query) + 1))


def _matches(query: str, candidates: list[Entity]) -> list[Entity]:
    """The candidates a query names: the group of those whose names start with the query's words, else those it
    names exactly, else those whose names hold its words as a run of whole words (one company, or several the
    caller refuses as ambiguous)."""
    words = canonical_company_id(query).split("-")
    if words == [""]:
        return []
    leading = [c for c in candidates if _starts_with(c, words)]
    if len(leading) == 1 or (leading and set(words) - GENERIC_WORDS):  # "Groupe" alone names no group
        return leading
    return _exact(query, candidates) or [c for c in candidates if _contains(c.words(), words)]


def _typo_match(query: str, candidates: list[Entity]) -> tuple[list[Entity], list[Entity]]:
    """(the one candidate a small typo away, if there is exactly one; the close names to suggest)."""
    keys = {c.company_id: canonical_company_id(c.name).replace("-", " ") for c in candidates}
    scored = process.extract(
        canonical_company_id(query).replace("-", " "),
        keys,
        scorer=fuzz.ratio,
        limit=5,
        score_cutoff=SUGGESTION_SIMILARITY,
    )
    by_id = {c.company_id: c for c in candidates}
    close = [by_id[company_id] for _, _, company_id in scored]
    taken = [by_id[company_id] for _, score, company_id in scored if score >= TYPO_SIMILARITY]
    return (taken if len(taken) == 1 else []), close


def _head(entity: Entity) -> str | None:
    """The first distinctive word of a name ("nicollin" in "Groupe NICOLLIN")."""
    return next((w for w in entity.words() if w not in GENERIC_WORDS), None)


def _related(entities: list[Entity], candidates: list[Entity]) -> list[Entity]:
    """Other entities whose names start with the same distinctive word (Altran Telnet for ALTRAN)."""
    heads = {_head(e) for e in entities} - {None}
    chosen = {e.company_id for e in entities}
    return [c for c in candidates if c.company_id not in chosen and _head(c) in heads]


def _listing(entities: Sequence[Entity]) -> str:
    return ", ".join(map(str, entities))


def find_companies(con: duckdb.DuckDBPyConnection, query: str, entity: str | None = None) -> CompanyMatch:
    """The entities `query` names (one company, or a group); `entity` picks one of them."""
    known = companies(con)
    if not known:
        raise CompanyNotFound(f"{query!r} matches no company: the warehouse holds none (load reviews first)")
    named, found = query, _matches(query, known)
    if not found:
        corrected, close = _typo_match(query, known)
        if not corrected:
            hint = f"close names: {_listing(_with_counts(con, close))}" if close else "`revint companies` lists them"
            raise CompanyNotFound(f"{query!r} matches no company; {hint}")
        named = corrected[0].name  # "Capgemeni" is read as "Capgemini", group and all
        found = _matches(named, known)
    if entity is not None:
        picked = _exact(entity, found) or _matches(entity, found) or _typo_match(entity, found)[0]
        if len(picked) != 1:
            entities = _listing(_with_counts(con, found))
            raise CompanyNotFound(f"--entity {entity!r} is not one of {query!r}'s entities: {entities}")
        return CompanyMatch(query, _with_counts(con, picked), _with_counts(con, [c for c in found if c not in picked]))
    words = canonical_company_id(named).split("-")
    if len(found) > 1 and not all(_starts_with(c, words) for c in found):
        raise CompanyNotFound(f"{query!r} is ambiguous: it is in {_listing(_with_counts(con, found))}")
    if len(found) > MAX_GROUP:
        exact = _exact(named, found)
        if len(exact) != 1:
            raise CompanyNotFound(
                f"{query!r} matches {len(found)} companies, too many for one report: be more specific "
                f"(e.g. {_listing(_with_counts(con, found[:5]))})"
            )
        found = exact
    return CompanyMatch(query, _with_counts(con, found), _with_counts(con, _related(found, known)))


def company_by_id(con: duckdb.DuckDBPyConnection, company_id: str) -> CompanyMatch:
    """The one company with this id, for callers that hold ids rather than names (the site, the digest)."""
    known = companies(con)
    found = [c for c in known if c.company_id == company_id]
    if not found:
        raise CompanyNotFound(f"no company has the id {company_id!r}")
    return CompanyMatch(company_id, _with_counts(con, found), _with_counts(con, _related(found, known)))


def find_company(con: duckdb.DuckDBPyConnection, query: str) -> tuple[str, str]:
    """(company_id, name) of the one company `query` names; a group is refused with its entities listed."""
    match = find_companies(con, query)
    if len(match.entities) > 1:
        raise CompanyNotFound(f"{query!r} is ambiguous: it names {_listing(match.entities)}")
    (only,) = match.entities
    return only.company_id, only.name

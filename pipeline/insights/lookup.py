"""Which companies a candidate means: an id, a name, part of a name, a group of entities ("Altran" covers
ALTRAN, Altran Engineering Solution and Altran Telnet), or a name with a small typo.

Names are compared by their canonical form (revint.companies: case, accents, punctuation and legal suffixes
ignored); typos by rapidfuzz's similarity of those forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import duckdb
from rapidfuzz import fuzz, process

from revint.companies import canonical_company_id
from revint.errors import ReportedError

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


class CompanyNotFound(ReportedError, LookupError):
    """No company, or too many, answer to a name."""

    exit_status = 2


@dataclass(frozen=True)
class Entity:
    company_id: str
    name: str
    reviews: int  # tagged reviews in the warehouse

    def words(self) -> list[str]:
        return canonical_company_id(self.name).split("-")

    def __str__(self) -> str:
        return f"{self.name} ({self.reviews} reviews)"  # in error messages


@dataclass(frozen=True)
class CompanyMatch:
    """The entities a report covers, and related ones it does not (offered with `--entity` or by name)."""

    query: str
    entities: tuple[Entity, ...]
    others: tuple[Entity, ...] = ()

    @property
    def company_ids(self) -> list[str]:
        return [e.company_id for e in self.entities]


def companies(con: duckdb.DuckDBPyConnection) -> list[Entity]:
    rows = con.execute(
        """
        SELECT c.company_id, c.name, coalesce(t.reviews, 0)
        FROM companies AS c
        LEFT JOIN (SELECT company_id, any_value(reviews) AS reviews FROM mart_company_theme GROUP BY ALL) AS t
            USING (company_id)
        ORDER BY c.name, c.company_id
        """
    ).fetchall()
    return [Entity(*row) for row in rows]


def _contains(words: list[str], query: list[str]) -> bool:
    """Whether the query's words appear in `words`, in order and next to each other."""
    return any(words[i : i + len(query)] == query for i in range(len(words) - len(query) + 1))


def _exact(query: str, candidates: list[Entity]) -> list[Entity]:
    """The candidates a query names exactly: by id, name, or canonical name."""
    key = canonical_company_id(query)
    return [c for c in candidates if query in (c.company_id, c.name) or key in (c.company_id, "-".join(c.words()))]


def _matches(query: str, candidates: list[Entity]) -> list[Entity]:
    """The candidates a query names: every one whose name holds the query's words as a run of whole words
    (a group), else those it names exactly."""
    words = canonical_company_id(query).split("-")
    if words == [""]:
        return []
    within = [c for c in candidates if _contains(c.words(), words) or _contains(c.company_id.split("-"), words)]
    if len(within) > 1 and not set(words) - GENERIC_WORDS:
        return _exact(query, candidates)  # "Groupe" alone names no group
    return within or _exact(query, candidates)


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


def _related(entities: list[Entity], candidates: list[Entity]) -> list[Entity]:
    """Other entities that share the chosen ones' first distinctive word (Altran Telnet for ALTRAN)."""
    heads = {next((w for w in e.words() if w not in GENERIC_WORDS), None) for e in entities} - {None}
    chosen = {e.company_id for e in entities}
    return [c for c in candidates if c.company_id not in chosen and heads & set(c.words())]


def _listing(entities: list[Entity]) -> str:
    return ", ".join(map(str, entities))


def find_companies(con: duckdb.DuckDBPyConnection, query: str, entity: str | None = None) -> CompanyMatch:
    """The entities `query` names (one company, or a group); `entity` picks one of them."""
    known = companies(con)
    if not known:
        raise CompanyNotFound(f"{query!r} matches no company: the warehouse holds none (load reviews first)")
    found = _matches(query, known)
    if not found:
        found, close = _typo_match(query, known)
        if not found:
            hint = f"close names: {_listing(close)}" if close else "`revint companies` lists them"
            raise CompanyNotFound(f"{query!r} matches no company; {hint}")
    if len(found) > MAX_GROUP:
        raise CompanyNotFound(
            f"{query!r} matches {len(found)} companies, too many for one report: be more specific "
            f"(e.g. {_listing(found[:5])})"
        )
    if entity is not None:
        picked = _exact(entity, found) or _matches(entity, found) or _typo_match(entity, found)[0]
        if len(picked) != 1:
            raise CompanyNotFound(f"--entity {entity!r} is not one of {query!r}'s entities: {_listing(found)}")
        return CompanyMatch(query, tuple(picked), tuple(c for c in found if c not in picked))
    return CompanyMatch(query, tuple(found), tuple(_related(found, known)))


def find_company(con: duckdb.DuckDBPyConnection, query: str) -> tuple[str, str]:
    """(company_id, name) of the one company `query` names; a group is refused with its entities listed."""
    match = find_companies(con, query)
    if len(match.entities) > 1:
        raise CompanyNotFound(f"{query!r} is ambiguous: it names {_listing(list(match.entities))}")
    (only,) = match.entities
    return only.company_id, only.name

"""A company's report: ranked concerns with evidence and questions, plus what employees like."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from revint.companies import canonical_company_id
from revint.constants import sql_parameters
from revint.errors import ReportedError
from revint.taxonomy import THEMES
from revint.text import fold

INSIGHTS_DIR = Path(__file__).parent


class CompanyNotFound(ReportedError, LookupError):
    """No company, or several, answer to a name."""

    exit_status = 2


@dataclass(frozen=True)
class Quote:
    text: str
    review_date: date | None
    source: str
    review_id: str


@dataclass(frozen=True)
class ThemeFinding:
    theme: str
    label: str
    reviews_raising: int
    reviews: int
    share: float
    baseline_share: float
    quotes: list[Quote] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CompanyReport:
    company_id: str
    company_name: str
    reviews: int
    first_review: date | None
    last_review: date | None
    lang: str
    concerns: list[ThemeFinding]
    strengths: list[ThemeFinding]

    def to_json_dict(self) -> dict[str, Any]:
        def finding(f: ThemeFinding) -> dict[str, Any]:
            return {
                "theme": f.theme,
                "label": f.label,
                "reviews_raising": f.reviews_raising,
                "reviews": f.reviews,
                "share": round(f.share, 3),
                "all_companies_share": round(f.baseline_share, 3),
                "quotes": [
                    {
                        "text": q.text,
                        "date": q.review_date.isoformat() if q.review_date else None,
                        "source": q.source,
                        "review_id": q.review_id,
                    }
                    for q in f.quotes
                ],
                "questions": f.questions,
            }

        return {
            "company_id": self.company_id,
            "company": self.company_name,
            "reviews": self.reviews,
            "period": [d.isoformat() if d else None for d in (self.first_review, self.last_review)],
            "lang": self.lang,
            "concerns": [finding(f) for f in self.concerns],
            "strengths": [finding(f) for f in self.strengths],
        }


@cache
def insight_sql(name: str) -> str:
    return (INSIGHTS_DIR / "sql" / f"{name}.sql").read_text(encoding="utf-8")


@cache
def question_bank() -> dict[str, list[dict[str, Any]]]:
    bank = json.loads((INSIGHTS_DIR / "question_bank.json").read_text(encoding="utf-8"))
    themes: dict[str, list[dict[str, Any]]] = bank["themes"]
    missing = set(THEMES) - set(themes)
    if missing:
        raise ValueError(f"question bank lacks themes {sorted(missing)}")
    return themes


def _stems(text: str) -> set[str]:
    """Five-letter prefixes of the longer words: enough to match "horaires" with "horaire", "salaries"."""
    return {word[:5] for word in re.findall(r"[a-z]{5,}", fold(text))}


def pick_questions(theme: str, evidence: list[str], lang: str, count: int = 2) -> list[str]:
    """The theme's questions whose words and cue words (what a complaint it answers says: "froid", "dos" for
    the health-and-safety question) the quoted complaints use most, a word counting once per complaint;
    bank order breaks ties."""
    used = Counter(stem for text in evidence for stem in _stems(text))
    words = _question_words(theme)
    ranked = sorted(range(len(words)), key=lambda i: (-sum(used[stem] for stem in words[i]), i))
    return [question_bank()[theme][i][lang] for i in ranked[:count]]


@cache
def _question_words(theme: str) -> list[set[str]]:
    """Each of the theme's questions as the stems of its text in both languages and of its cue words."""
    return [_stems(f"{q['fr']} {q['en']} {' '.join(q['cues'])}") for q in question_bank()[theme]]


def find_company(con: duckdb.DuckDBPyConnection, query: str) -> tuple[str, str]:
    """(company_id, name) for an id, a name or an unambiguous part of a name."""
    companies = con.execute("SELECT company_id, name FROM companies ORDER BY name").fetchall()
    wanted = canonical_company_id(query)
    exact = [c for c in companies if c[0] in (query, wanted)]
    partial = [c for c in companies if fold(query).strip() in fold(c[1]) or wanted in c[0]]
    matches = exact or partial
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(f"{name} ({cid})" for cid, name in (matches or companies)) or "none: load reviews first"
    problem = "is ambiguous" if matches else "matches no company"
    raise CompanyNotFound(f"{query!r} {problem}; companies: {known}")


def _findings(
    con: duckdb.DuckDBPyConnection, company_id: str, polarity: str, top: int, lang: str, quotes: int
) -> list[ThemeFinding]:
    """Ranked themes with quotes; a review quoted for one theme is not quoted again for a later one."""
    rows = con.execute(
        insight_sql("company_themes"),
        {"company_id": company_id, "polarity": polarity, "min_reviews": 2, "top": top}
        | sql_parameters(insight_sql("company_themes")),
    ).fetchall()
    candidates_of: dict[str, list[Quote]] = {theme: [] for theme, *_ in rows}
    for theme, *quote in con.execute(
        insight_sql("theme_quotes"),
        {"company_id": company_id, "themes": list(candidates_of), "polarity": polarity, "quotes": 4 * quotes},
    ).fetchall():
        candidates_of[theme].append(Quote(*quote))
    quoted: set[str] = set()
    findings = []
    for theme, reviews, raising, share, baseline, _smoothed in rows:
        candidates = candidates_of[theme]
        chosen = ([q for q in candidates if q.review_id not in quoted] or candidates)[:quotes]
        quoted.update(q.review_id for q in chosen)
        evidence = [q.text for q in candidates]
        questions = pick_questions(theme, evidence, lang) if polarity == "negative" else []
        findings.append(
            ThemeFinding(
                theme=theme,
                label=THEMES[theme][0 if lang == "fr" else 1],
                reviews_raising=raising,
                reviews=reviews,
                share=share,
                baseline_share=baseline or 0.0,
                quotes=chosen,
                questions=questions,
            )
        )
    return findings


def company_report(
    con: duckdb.DuckDBPyConnection, query: str, *, top: int = 3, lang: str = "fr", quotes: int = 3
) -> CompanyReport:
    company_id, name = find_company(con, query)
    summary = con.execute(
        "SELECT count(*), min(review_date), max(review_date) FROM reviews WHERE company_id = ?", [company_id]
    ).fetchone()
    assert summary is not None
    return CompanyReport(
        company_id=company_id,
        company_name=name,
        reviews=summary[0],
        first_review=summary[1],
        last_review=summary[2],
        lang=lang,
        concerns=_findings(con, company_id, "negative", top, lang, quotes),
        strengths=_findings(con, company_id, "positive", 3, lang, 1),
    )

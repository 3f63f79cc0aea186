"""What changed for the companies a candidate follows: new reviews, concerns (and strengths) that appeared, stopped
or moved, and new quotes; worded in French or English as Markdown or a standalone web page, ready to send.

A company's changes compare its report now with a snapshot of its report then (the previous digest's, or the one
taken when it was followed): the report's standing, reviews raising and share for every theme and polarity, so that
the digest tells what a candidate who read the report then would find different now. Reviews and quotes are new
when their review was loaded after the period's start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal, NamedTuple

from revint.pipeline.insights.quotes import Quote
from revint.pipeline.insights.render import TEMPLATES
from revint.pipeline.insights.render import WORDS as REPORT_WORDS
from revint.pipeline.insights.report import CompanyReport
from revint.taxonomy import POLARITIES, THEMES, theme_label

NOT_SHOWN: Final = "not_shown"  # the report gives no figure for the theme (too few reviews raise it that way)
SHARE_MOVED: Final = 5  # a concern's share moving this many points (as shown, rounded) between two snapshots is told
Change = Literal["appeared", "rose", "fell", "gone"]
_CHANGE_ORDER: Final[tuple[Change, ...]] = ("appeared", "rose", "fell", "gone")

WORDS = {
    "fr": {
        "title": "Entreprises suivies\u00a0: ce qui a changé du {since} au {until}",
        "nothing_1": "Rien de nouveau depuis le {since} pour l'entreprise suivie.",
        "nothing_n": "Rien de nouveau depuis le {since} pour les {n} entreprises suivies.",
        "new_reviews_0": "Aucun nouvel avis",
        "new_reviews_1": "1 nouvel avis",
        "new_reviews_n": "{k} nouveaux avis",
        "since": "depuis le {since}",
        "in_all": "{n} au total",
        "negative_appeared": "Nouvelle préoccupation",
        "negative_rose": "Préoccupation en hausse",
        "negative_fell": "Préoccupation en baisse",
        "negative_gone": "N'est plus une préoccupation",
        "positive_appeared": "Nouveau point fort",
        "positive_rose": "Point fort plus cité",
        "positive_fell": "Point fort moins cité",
        "positive_gone": "N'est plus un point fort",
        "figure": "{pct} ({k} avis sur {n})",
        "not_shown": "pas de chiffre dans le rapport",
        "then": "le {at}",
        "not_compared": "Pas d'instantané du rapport antérieur au {since}\u00a0: préoccupations non comparées.",
        "new_quotes": "Nouvelles citations",
        "negative": "préoccupation",
        "positive": "point fort",
    },
    "en": {
        "title": "Companies you follow: what changed from {since} to {until}",
        "nothing_1": "Nothing new since {since} for the company followed.",
        "nothing_n": "Nothing new since {since} for the {n} companies followed.",
        "new_reviews_0": "No new review",
        "new_reviews_1": "1 new review",
        "new_reviews_n": "{k} new reviews",
        "since": "since {since}",
        "in_all": "{n} in all",
        "negative_appeared": "New concern",
        "negative_rose": "Concern rising",
        "negative_fell": "Concern falling",
        "negative_gone": "No longer a concern",
        "positive_appeared": "New strength",
        "positive_rose": "Strength praised more",
        "positive_fell": "Strength praised less",
        "positive_gone": "No longer a strength",
        "figure": "{pct} ({k} of {n} reviews)",
        "not_shown": "no figure in the report",
        "then": "on {at}",
        "not_compared": "No snapshot of the report from before {since}: concerns not compared.",
        "new_quotes": "New quotes",
        "negative": "concern",
        "positive": "strength",
    },
}


class ThemeState(NamedTuple):
    """A report's figures for one theme and polarity, as a snapshot stores them (the warehouse's column order)."""

    theme: str
    polarity: str
    standing: str  # a report's standing (evidence.Standing), or NOT_SHOWN
    raising: int | None
    reviews: int  # the report's reviews
    share: float | None

    @property
    def claimed(self) -> bool:
        """A concern (criticised) or a strength (praised): clearly more often than elsewhere."""
        return self.standing == "above"


@dataclass(frozen=True)
class Baseline:
    """The snapshot a company's changes are compared with."""

    taken_at: datetime
    states: list[ThemeState]


@dataclass(frozen=True)
class ThemeChange:
    theme: str
    polarity: str
    change: Change
    before: ThemeState
    now: ThemeState


@dataclass(frozen=True)
class NewQuote:
    theme: str  # of the concern or strength it is quoted under
    polarity: str
    quote: Quote


@dataclass(frozen=True)
class CompanyChanges:
    company_id: str
    name: str
    since: datetime  # reviews loaded after this are new
    compared_with: datetime | None  # when the baseline was taken; None: no snapshot that early
    reviews: int  # the report's reviews now
    new_reviews: int
    themes: list[ThemeChange]
    quotes: list[NewQuote]
    now: list[ThemeState]  # the report's snapshot now: what the next digest compares with

    @property
    def changed(self) -> bool:
        return bool(self.new_reviews or self.themes or self.quotes)


@dataclass(frozen=True)
class Digest:
    since: datetime  # the earliest start of the companies' periods
    until: datetime
    lang: str
    companies: list[CompanyChanges]  # every company followed, changed or not

    @property
    def changed(self) -> list[CompanyChanges]:
        return [c for c in self.companies if c.changed]


def snapshot(report: CompanyReport) -> list[ThemeState]:
    """Every theme and polarity of the taxonomy as the report shows it: its standing and figures, or NOT_SHOWN."""
    shown = {(f.theme, f.polarity): f for f in [*report.concerns, *report.as_elsewhere, *report.strengths]}
    states = []
    for theme in THEMES:
        for polarity in POLARITIES:
            finding = shown.get((theme, polarity))
            if finding is None:
                states.append(ThemeState(theme, polarity, NOT_SHOWN, None, report.reviews, None))
            else:
                count = finding.count
                states.append(ThemeState(theme, polarity, finding.standing, count.raising, count.reviews, count.share))
    return states


def _change(before: ThemeState, now: ThemeState) -> Change | None:
    if now.claimed != before.claimed:
        return "appeared" if now.claimed else "gone"
    if now.claimed and now.share is not None and before.share is not None:
        moved = _points(now.share) - _points(before.share)  # the percentages the reader compares
        if abs(moved) >= SHARE_MOVED:
            return "rose" if moved > 0 else "fell"
    return None


def _points(share: float) -> int:
    return round(100 * share)


def theme_changes(before: Sequence[ThemeState], now: Sequence[ThemeState]) -> list[ThemeChange]:
    """Themes that became a concern or a strength, stopped being one, or whose share moved by SHARE_MOVED points or
    more while one: concerns first, then strengths; appeared, rose, fell, gone."""
    previous = {(s.theme, s.polarity): s for s in before}
    changes = []
    for state in now:
        old = previous.get((state.theme, state.polarity))
        change = _change(old, state) if old else None
        if old and change:
            changes.append(ThemeChange(state.theme, state.polarity, change, old, state))
    return sorted(changes, key=lambda c: (c.polarity != "negative", _CHANGE_ORDER.index(c.change)))


def company_changes(
    report: CompanyReport, since: datetime, new_reviews: int, loaded_since: set[str], baseline: Baseline | None
) -> CompanyChanges:
    """A company's changes: `new_reviews` loaded after `since`, its report against `baseline`, and the quotes of the
    report whose review is in `loaded_since` (loaded after `since`)."""
    now = snapshot(report)
    quotes = [
        NewQuote(f.theme, f.polarity, q)
        for f in [*report.concerns, *report.strengths]
        for q in f.quotes
        if q.review_id in loaded_since
    ]
    return CompanyChanges(
        company_id=report.company_id,
        name=report.company_name,
        since=since,
        compared_with=baseline.taken_at if baseline else None,
        reviews=report.reviews,
        new_reviews=new_reviews,
        themes=theme_changes(baseline.states, now) if baseline else [],
        quotes=quotes,
        now=now,
    )


# Rendering: the same worded lines for Markdown and HTML.


@dataclass
class SectionLines:
    heading: str
    summary: str
    notes: list[str]
    changes: list[tuple[str, str]]  # (what changed, the theme with its figures now and then)
    quotes: list[tuple[str, str, str]]  # (the concern or strength it is quoted under, text, footer)


@dataclass
class DigestLines:
    title: str
    nothing: str | None  # the one line of a digest with no change
    sections: list[SectionLines]
    words: dict[str, str]


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _figure(state: ThemeState, words: dict[str, str]) -> str:
    if state.raising is None or state.share is None:
        return words["not_shown"]
    return words["figure"].format(pct=f"{_points(state.share)}{words['percent']}", k=state.raising, n=state.reviews)


def _change_line(change: ThemeChange, compared_with: datetime, lang: str, words: dict[str, str]) -> tuple[str, str]:
    then = words["then"].format(at=_when(compared_with))
    detail = f"{theme_label(change.theme, lang)} — {_figure(change.now, words)}{words['semicolon']} {then}"
    return words[f"{change.polarity}_{change.change}"], f"{detail}{words['colon']} {_figure(change.before, words)}"


def _footer(quote: Quote, words: dict[str, str]) -> str:
    parts = [f"{words['review_of']} {quote.review_date}" if quote.review_date else "", quote.role or ""]
    parts.append({True: words["current"], False: words["former"], None: ""}[quote.is_current])
    return ", ".join(part for part in parts if part)


def _section(company: CompanyChanges, digest: Digest, words: dict[str, str]) -> SectionLines:
    count = words[{0: "new_reviews_0", 1: "new_reviews_1"}.get(company.new_reviews, "new_reviews_n")]
    details = [words["since"].format(since=_when(company.since))] if company.since != digest.since else []
    details.append(words["in_all"].format(n=company.reviews))
    summary = f"{count.format(k=company.new_reviews)} ({', '.join(details)})."
    notes, changes = [], []
    if company.compared_with is None:
        notes.append(words["not_compared"].format(since=_when(company.since)))
    else:
        changes = [_change_line(c, company.compared_with, digest.lang, words) for c in company.themes]
    return SectionLines(
        heading=company.name,
        summary=summary,
        notes=notes,
        changes=changes,
        quotes=[
            (f"{theme_label(q.theme, digest.lang)} ({words[q.polarity]})", q.quote.text, _footer(q.quote, words))
            for q in company.quotes
        ],
    )


def digest_lines(digest: Digest) -> DigestLines:
    words = REPORT_WORDS[digest.lang] | WORDS[digest.lang]
    since, until = _when(digest.since), _when(digest.until)
    changed = digest.changed
    nothing = None
    if not changed:
        key = "nothing_1" if len(digest.companies) == 1 else "nothing_n"
        nothing = words[key].format(since=since, n=len(digest.companies))
    return DigestLines(
        title=words["title"].format(since=since, until=until),
        nothing=nothing,
        sections=[_section(company, digest, words) for company in changed],
        words=words,
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_LINE_BREAKS = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def markdown_text(value: object) -> str:
    """A value as literal Markdown text, on one line: what review text holds neither formats the message nor
    passes HTML through to whatever renders it (`<script>` is written `\\<script\\>`)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)))


_MARKDOWN = TEMPLATES.overlay(finalize=markdown_text)  # every value written escapes as HTML's autoescape does


def as_markdown(digest: Digest) -> str:
    return _MARKDOWN.get_template("digest.md.j2").render(view=digest_lines(digest)).strip()


def as_html(digest: Digest) -> str:
    """The digest as a standalone page; every text from the data is escaped by the template engine."""
    return TEMPLATES.get_template("digest.html.j2").render(digest=digest, view=digest_lines(digest))

"""A company report as terminal text or a standalone web page (JSON comes from CompanyReport itself).

Both read the same lines, worded here in French and English: every number with its denominator, every
comparison with what it is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from revint.pipeline.insights.compare import Comparison
from revint.pipeline.insights.evidence import MIN_REVIEWS, Count
from revint.pipeline.insights.lookup import Entity
from revint.pipeline.insights.questions import AUDIENCES
from revint.pipeline.insights.quotes import Quote
from revint.pipeline.insights.report import CompanyReport, ThemeFinding
from revint.taxonomy import THEMES, theme_label

WORDS = {
    "fr": {
        "reviews": "avis",
        "review": "avis",
        "entities": "{n} entités",
        "others": "Autres entités proches, non comprises (chacune se demande par son nom)",
        "sector": "secteur",
        "scope_role": "Avis de la famille de métiers « {role} »",
        "scope_location": "Avis du lieu « {location} »",
        "too_few_in_scope": "Trop peu d'avis pour ce métier ou ce lieu ({n}\u00a0; il en faut {min})\u00a0: "
        "chiffres de toute l'entreprise.",
        "not_enough_reviews": "Pas encore assez d'avis ({n}\u00a0; il en faut au moins {min}) pour dégager des "
        "préoccupations.",
        "nothing_to_compare_with": "Pas assez d'avis d'autres entreprises pour comparer.",
        "role_against_all_roles": "Trop peu d'avis de ce métier ailleurs\u00a0: comparaison avec tous les métiers.",
        "unscored": "{n} avis ont été analysés par une version du modèle sans score de preuve calibré\u00a0: "
        "leurs extraits ne seront cités qu'après `revint retag`.",
        "concerns": "Préoccupations récurrentes (plus fréquentes qu'ailleurs)",
        "none": "Aucun thème n'est critiqué nettement plus souvent qu'ailleurs dans ces avis.",
        "raise": "{k} avis sur {n} en parlent négativement",
        "praise": "{k} avis sur {n} en parlent positivement",
        "ref_others": "autres entreprises",
        "ref_sector": "même secteur",
        "ref_role": "même métier ailleurs",
        "of_n": "de {n} avis",
        "company_wide": "toute l'entreprise",
        "rising": "en hausse",
        "falling": "en baisse",
        "trend": "{word}\u00a0: {recent} sur les 12 mois jusqu'à {end} ({rk} sur {rn}) "
        "contre {earlier} avant ({ek} sur {en})",
        "divided": "Avis partagés\u00a0: {neg} s'en plaignent, {pos} le saluent",
        "divided_praise": "Avis partagés\u00a0: {pos} le saluent, {neg} s'en plaignent",
        "bar_0": "Aucune citation ne passe le seuil de preuve",
        "bar_1": "Une seule citation passe le seuil de preuve",
        "bar_n": "Seules {k} citations passent le seuil de preuve",
        "review_of": "avis du",
        "current": "salarié actuel",
        "former": "ancien salarié",
        "ask": "Questions à poser",
        "ask_whom": "à poser {whom}",
        "good": "Bon signe",
        "warning": "Signal d'alerte",
        "above": "Aussi nettement plus critiqués qu'ailleurs",
        "leaning_above": "Plus critiqués qu'ailleurs, sans certitude (trop peu d'avis)",
        "as_often": "Évoqués aussi, sans écart net avec ailleurs",
        "below": "Critiqués moins souvent qu'ailleurs",
        "covers": "Entités couvertes",
        "likes": "Points forts (plus cités qu'ailleurs)",
        "chart": "Part des avis qui critiquent chaque thème, face à la référence",
        "chart_reference": "référence",
        "all_companies": "toutes les entreprises",
        "no_likes": "Aucun thème n'est salué nettement plus souvent qu'ailleurs.",
        "colon": "\u00a0:",  # French puts a (non-breaking) space before a colon and a semicolon
        "semicolon": "\u00a0;",
        "percent": "\u00a0%",
    },
    "en": {
        "reviews": "reviews",
        "review": "review",
        "entities": "{n} entities",
        "others": "Related entities not included (ask for each by its name)",
        "sector": "sector",
        "scope_role": "Reviews of the job family “{role}”",
        "scope_location": "Reviews from “{location}”",
        "too_few_in_scope": "Too few reviews for this role or place ({n}; {min} needed): company-wide figures.",
        "not_enough_reviews": "Not enough reviews yet ({n}; at least {min} needed) to tell recurring concerns.",
        "nothing_to_compare_with": "Not enough reviews of other companies to compare with.",
        "role_against_all_roles": "Too few reviews of this job elsewhere: compared with all jobs.",
        "unscored": "{n} reviews were tagged by a model version without calibrated evidence scores: they are "
        "quoted only after `revint retag`.",
        "concerns": "Recurring concerns (raised more often than elsewhere)",
        "none": "No theme is criticised clearly more often than elsewhere in these reviews.",
        "raise": "{k} of {n} reviews raise it negatively",
        "praise": "{k} of {n} reviews praise it",
        "ref_others": "other companies",
        "ref_sector": "same sector",
        "ref_role": "same job elsewhere",
        "of_n": "of {n} reviews",
        "company_wide": "whole company",
        "rising": "rising",
        "falling": "falling",
        "trend": "{word}: {recent} in the 12 months to {end} ({rk} of {rn}) against {earlier} before ({ek} of {en})",
        "divided": "Divided: {neg} reviews complain, {pos} praise it",
        "divided_praise": "Divided: {pos} reviews praise it, {neg} complain",
        "bar_0": "No quote clears the evidence bar",
        "bar_1": "Only one quote clears the evidence bar",
        "bar_n": "Only {k} quotes clear the evidence bar",
        "review_of": "review of",
        "current": "current employee",
        "former": "former employee",
        "ask": "Questions to ask",
        "ask_whom": "ask {whom}",
        "good": "Good sign",
        "warning": "Warning sign",
        "above": "Also criticised clearly more often than elsewhere",
        "leaning_above": "Criticised more often than elsewhere, but too few reviews to be sure",
        "as_often": "Also raised, with no clear difference from elsewhere",
        "below": "Criticised less often than elsewhere",
        "covers": "Entities covered",
        "likes": "Strengths (praised more often than elsewhere)",
        "chart": "Share of reviews criticising each theme, against the reference",
        "chart_reference": "reference",
        "all_companies": "all companies",
        "no_likes": "No theme is praised clearly more often than elsewhere.",
        "colon": ":",
        "semicolon": ";",
        "percent": "%",
    },
}
TEMPLATES = Environment(  # the insights' templates: HTML autoescaped; Markdown escaped by its own finalize (digest.py)
    loader=PackageLoader("revint.pipeline.insights", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), disabled_extensions=("md.j2",), default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class QuestionLines:
    text: str
    whom: str
    good: str
    warning: str


@dataclass
class FindingLines:
    """One concern or strength, worded."""

    heading: str
    evidence: str
    notes: list[str] = field(default_factory=list)  # trend, divided, fewer quotes than wanted
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (text, footer)
    questions: list[QuestionLines] = field(default_factory=list)


@dataclass
class ReportLines:
    title: str
    subtitle: str
    notes: list[str]
    concerns: list[FindingLines]
    strengths: list[FindingLines]
    elsewhere: list[tuple[str, list[str]]]  # (heading, lines) of the other themes criticised, by standing
    words: dict[str, str]


def _pct(share: float, words: dict[str, str]) -> str:
    return f"{100 * share:.0f}{words['percent']}"


def _period(report: CompanyReport) -> str:
    if not report.first_review or not report.last_review:
        return ""
    return f" ({report.first_review:%Y-%m} → {report.last_review:%Y-%m})"


_REFERENCE_WORDS = {"other companies": "ref_others", "sector": "ref_sector", "same role elsewhere": "ref_role"}


def _share_of(count: Count, words: dict[str, str]) -> str:
    return f"{_pct(count.share, words)} {words['of_n'].format(n=count.reviews)}"


def _reference(finding: ThemeFinding, words: dict[str, str]) -> str:
    """The comparison behind a finding: its share, the reference's (with its reviews), the other companies'
    beside a sector's or a role's, the whole company's beside a role's or a place's."""
    parts = [_pct(finding.share, words)]
    parts.append(
        f"{words[_REFERENCE_WORDS[finding.reference_name]]}{words['colon']} {_share_of(finding.reference, words)}"
    )
    if finding.reference_name != "other companies":
        parts.append(f"{words['ref_others']}{words['colon']} {_share_of(finding.others, words)}")
    if finding.company is not None:
        parts.append(f"{words['company_wide']}{words['colon']} {_share_of(finding.company, words)}")
    return f"({(words['semicolon'] + ' ').join(parts)})"


def _evidence(finding: ThemeFinding, words: dict[str, str]) -> str:
    key = "raise" if finding.polarity == "negative" else "praise"
    return f"{words[key].format(k=finding.count.raising, n=finding.count.reviews)} {_reference(finding, words)}"


def _footer(quote: Quote, words: dict[str, str]) -> str:
    parts = [f"{words['review_of']} {quote.review_date}" if quote.review_date else ""]
    parts += [quote.role or "", {True: words["current"], False: words["former"], None: ""}[quote.is_current]]
    return ", ".join(part for part in parts if part)


def _finding_lines(finding: ThemeFinding, lang: str, last: date | None) -> FindingLines:
    words = WORDS[lang]
    notes = []
    if finding.trend:
        notes.append(
            words["trend"].format(
                word=words[finding.trend],
                end=f"{last:%Y-%m}" if last else "?",
                recent=_pct(finding.recent.share, words),
                rk=finding.recent.raising,
                rn=finding.recent.reviews,
                earlier=_pct(finding.earlier.share, words),
                ek=finding.earlier.raising,
                en=finding.earlier.reviews,
            )
        )
    if finding.divided:
        negative, positive = (
            (finding.count, finding.opposite) if finding.polarity == "negative" else (finding.opposite, finding.count)
        )
        key = "divided" if finding.polarity == "negative" else "divided_praise"
        notes.append(words[key].format(neg=negative.raising, pos=positive.raising))
    shown = len(finding.quotes)
    if shown < finding.quotes_wanted:
        notes.append(words[{0: "bar_0", 1: "bar_1"}.get(shown, "bar_n")].format(k=shown))
    return FindingLines(
        heading=finding.label,
        evidence=_evidence(finding, words),
        notes=notes,
        quotes=[(q.text, _footer(q, words)) for q in finding.quotes],
        questions=[
            QuestionLines(q.text, words["ask_whom"].format(whom=AUDIENCES[q.ask][lang]), q.good_sign, q.warning_sign)
            for q in finding.questions
        ],
    )


def _entities(entities: list[Entity], words: dict[str, str]) -> str:
    return ", ".join(f"{e.name} ({e.reviews} {words['review' if e.reviews == 1 else 'reviews']})" for e in entities)


def _elsewhere(report: CompanyReport, standing: str, words: dict[str, str]) -> list[str]:
    """One line per theme of this standing, and one per question it is worth (themes more often criticised)."""
    lines = []
    for f in report.as_elsewhere:
        if f.standing == standing:
            lines.append(
                f"{f.label} — {words['raise'].format(k=f.count.raising, n=f.count.reviews)} {_reference(f, words)}"
            )
            whom = words["ask_whom"]
            lines += [f"  → {q.text}  [{whom.format(whom=AUDIENCES[q.ask][report.lang])}]" for q in f.questions]
    return lines


def report_lines(report: CompanyReport) -> ReportLines:
    words = WORDS[report.lang]
    title = report.company_name
    if len(report.entities) > 1:
        title = f"{report.company_name} — {words['entities'].format(n=len(report.entities))}"
    subtitle = f"{report.reviews} {words['reviews']}{_period(report)}"
    if report.sector:
        subtitle += f" · {words['sector']}{words['colon']} {report.sector}"
    notes = []
    if report.role:
        notes.append(words["scope_role"].format(role=report.role))
    if report.location:
        notes.append(words["scope_location"].format(location=report.location))
    for note in report.notes:
        shown = report.scope_reviews if note == "too_few_in_scope" else report.reviews
        notes.append(words[note].format(n=shown, min=MIN_REVIEWS))
    if report.unscored:
        notes.append(words["unscored"].format(n=report.unscored))
    if len(report.entities) > 1:
        notes.append(f"{words['covers']}{words['colon']} {_entities(report.entities, words)}")
    if report.others:
        notes.append(f"{words['others']}{words['colon']} {_entities(report.others, words)}")
    return ReportLines(
        title=title,
        subtitle=subtitle,
        notes=notes,
        concerns=[_finding_lines(f, report.lang, report.last_review) for f in report.concerns],
        strengths=[_finding_lines(f, report.lang, report.last_review) for f in report.strengths],
        elsewhere=[
            (words[standing], lines)
            for standing in ("above", "leaning_above", "as_often", "below")
            if (lines := _elsewhere(report, standing, words))
        ],
        words=words,
    )


def _text_block(finding: FindingLines, bullet: str, words: dict[str, str]) -> list[str]:
    lines = [f"  {bullet} {finding.heading} — {finding.evidence}", *(f"     {note}" for note in finding.notes)]
    lines += [f"       « {text} »" + (f" — {footer}" if footer else "") for text, footer in finding.quotes]
    if finding.questions:
        lines.append(f"     {words['ask']}{words['colon']}")
    for question in finding.questions:
        lines.append(f"       → {question.text}  [{question.whom}]")
        lines.append(f"         + {words['good']}{words['colon']} {question.good}")
        lines.append(f"         − {words['warning']}{words['colon']} {question.warning}")
    return lines


def as_text(report: CompanyReport) -> str:
    view = report_lines(report)
    words = view.words
    lines = [view.title, view.subtitle, *view.notes, ""]
    if not report.enough:
        return "\n".join(lines).rstrip()
    lines.append(words["concerns"])
    if not view.concerns:
        lines.append("  " + words["none"])
    for rank, finding in enumerate(view.concerns, 1):
        lines += _text_block(finding, f"{rank}.", words)
    for heading, items in view.elsewhere:
        lines += ["", f"{heading}{words['colon']}", *(f"  {item}" for item in items)]
    lines += ["", words["likes"]]
    if not view.strengths:
        lines.append("  " + words["no_likes"])
    for finding in view.strengths:
        lines += _text_block(finding, "•", words)
    return "\n".join(lines)


@dataclass
class Bar:
    label: str
    share: float
    reference: float
    share_text: str
    reference_text: str


def theme_chart(report: CompanyReport) -> list[Bar]:
    """A bar per theme 3 reviews or more criticise: the report's share against its reference, in taxonomy order."""
    words = WORDS[report.lang]
    findings = {f.theme: f for f in [*report.concerns, *report.as_elsewhere]}
    return [
        Bar(f.label, f.share, f.reference.share, _pct(f.share, words), _pct(f.reference.share, words))
        for theme in THEMES
        if (f := findings.get(theme))
    ]


def as_html(report: CompanyReport, *, home: str | None = None) -> str:
    """The report as a standalone page with its chart (inline SVG: no network needed); every text from the data
    is escaped by the template engine. `home`: the site index's address, for a page of `revint site`."""
    return TEMPLATES.get_template("report.html.j2").render(
        report=report, view=report_lines(report), chart=theme_chart(report), home=home
    )


COMPARE_WORDS = {
    "fr": {
        "title": "Comparaison",
        "theme": "Part des avis qui critiquent",
        "legend": "▲ nettement plus qu'ailleurs · △ plus qu'ailleurs, sans certitude",
        "differ": "Où ils diffèrent le plus",
        "no_difference": "Aucun thème n'oppose nettement ces entreprises.",
        "difference": "{label}\u00a0: {worse} {ws} ({wk} sur {wn}) contre {better} {bs} ({bk} sur {bn})",
        "ask": "Questions à poser à chacune, à cause de ces écarts",
        "nothing_to_ask": "rien de plus que ses propres rapports",
    },
    "en": {
        "title": "Comparison",
        "theme": "Share of reviews criticising",
        "legend": "▲ clearly more than elsewhere · △ more than elsewhere, not surely",
        "differ": "Where they differ most",
        "no_difference": "No theme sets these companies clearly apart.",
        "difference": "{label}: {worse} {ws} ({wk} of {wn}) against {better} {bs} ({bk} of {bn})",
        "ask": "Questions to ask each, because of these differences",
        "nothing_to_ask": "nothing beyond its own report",
    },
}
_MARKS = {"above": "▲", "leaning_above": "△", "as_often": " ", "below": " ", None: " "}


def compare_text(comparison: Comparison) -> str:
    """The comparison as terminal text: a table of shares, the differences, the questions."""
    words, cwords = WORDS[comparison.lang], COMPARE_WORDS[comparison.lang]
    names = {company_id: name for company_id, name, _ in comparison.companies}
    width = 30
    header = f"{cwords['theme'][:width]:{width}}" + "".join(f"{name[:16]:>18}" for _, name, _ in comparison.companies)
    lines = [
        f"{cwords['title']}{words['colon']} "
        + " · ".join(f"{n} ({r} {words['reviews']})" for _, n, r in comparison.companies),
        "",
        header,
    ]
    for theme, sides in comparison.themes.items():
        label = theme_label(theme, comparison.lang)
        cells = "".join(f"{_pct(side.count.share, words):>16}{_MARKS[side.standing]} " for side in sides)
        lines.append(f"{label[:width]:{width}}{cells}")
    lines += [f"  {cwords['legend']}", "", f"{cwords['differ']}{words['colon']}"]
    if not comparison.differences:
        lines.append(f"  {cwords['no_difference']}")
    for d in comparison.differences:
        lines.append(
            "  "
            + cwords["difference"].format(
                label=d.label,
                worse=names[d.worse],
                ws=_pct(d.worse_count.share, words),
                wk=d.worse_count.raising,
                wn=d.worse_count.reviews,
                better=names[d.better],
                bs=_pct(d.better_count.share, words),
                bk=d.better_count.raising,
                bn=d.better_count.reviews,
            )
        )
    lines += ["", f"{cwords['ask']}{words['colon']}"]
    for company_id, name, _ in comparison.companies:
        asked = comparison.questions.get(company_id, [])
        lines.append(f"  {name}{words['colon']}" + ("" if asked else f" {cwords['nothing_to_ask']}"))
        for theme, question in asked:
            whom = words["ask_whom"].format(whom=AUDIENCES[question.ask][comparison.lang])
            lines.append(f"    → ({theme_label(theme, comparison.lang)}) {question.text}  [{whom}]")
    return "\n".join(lines)

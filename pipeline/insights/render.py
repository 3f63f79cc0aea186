"""A company report as terminal text or a standalone web page (JSON comes from CompanyReport itself)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from revint.pipeline.insights.report import CompanyReport, ThemeFinding

WORDS = {
    "fr": {
        "reviews": "avis",
        "concerns": "Préoccupations récurrentes",
        "ask": "Questions à poser",
        "raise": "avis sur {n} en parlent négativement",
        "all": "toutes entreprises",
        "likes": "Points forts cités",
        "none": "Aucune préoccupation récurrente (au moins 2 avis) dans ces données.",
        "review_of": "avis du",
        "positively": "avis positifs",
        "colon": "\u00a0:",  # French puts a (non-breaking) space before a colon and a semicolon
        "semicolon": "\u00a0;",
        "percent": "\u00a0%",
    },
    "en": {
        "reviews": "reviews",
        "concerns": "Recurring concerns",
        "ask": "Questions to ask",
        "raise": "of {n} reviews raise it negatively",
        "all": "all companies",
        "likes": "Strengths mentioned",
        "none": "No recurring concern (2 reviews or more) in this data.",
        "review_of": "review of",
        "positively": "positive reviews",
        "colon": ":",
        "semicolon": ";",
        "percent": "%",
    },
}
_TEMPLATES = Environment(
    loader=PackageLoader("revint.pipeline.insights", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _pct(share: float, words: dict[str, str]) -> str:
    return f"{100 * share:.0f}{words['percent']}"


def _period(report: CompanyReport) -> str:
    if not report.first_review or not report.last_review:
        return ""
    return f" ({report.first_review:%Y-%m} → {report.last_review:%Y-%m})"


def _evidence(finding: ThemeFinding, words: dict[str, str]) -> str:
    raise_text = words["raise"].format(n=finding.reviews)
    return (
        f"{finding.reviews_raising} {raise_text} ({_pct(finding.share, words)}{words['semicolon']} "
        f"{words['all']}{words['colon']} {_pct(finding.baseline_share, words)})"
    )


def as_text(report: CompanyReport) -> str:
    words = WORDS[report.lang]
    lines = [f"{report.company_name} — {report.reviews} {words['reviews']}{_period(report)}", ""]
    lines.append(words["concerns"])
    if not report.concerns:
        lines.append("  " + words["none"])
    for rank, finding in enumerate(report.concerns, 1):
        lines.append(f"  {rank}. {finding.label} — {_evidence(finding, words)}")
        for quote in finding.quotes:
            when = f" ({words['review_of']} {quote.review_date})" if quote.review_date else ""
            lines.append(f"       « {quote.text} »{when}")
        lines.append(f"     {words['ask']}{words['colon']}")
        lines.extend(f"       → {question}" for question in finding.questions)
    if report.strengths:
        liked = ", ".join(f"{f.label} ({f.reviews_raising} {words['positively']})" for f in report.strengths)
        lines += ["", f"{words['likes']}{words['colon']} {liked}"]
    return "\n".join(lines)


def as_html(report: CompanyReport) -> str:
    """The report as a standalone page; every text from the data is escaped by the template engine."""
    words = WORDS[report.lang]
    return _TEMPLATES.get_template("report.html.j2").render(
        report=report,
        words=words,
        period=_period(report),
        concerns=[(finding, _evidence(finding, words)) for finding in report.concerns],
    )

"""A company report as terminal text or a standalone web page (JSON comes from CompanyReport itself)."""

from __future__ import annotations

from html import escape

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
    words = WORDS[report.lang]
    sections = []
    for finding in report.concerns:
        quotes = "".join(
            f"<blockquote>{escape(q.text)}<footer>{words['review_of']} {q.review_date or ''}</footer></blockquote>"
            for q in finding.quotes
        )
        questions = "".join(f"<li>{escape(q)}</li>" for q in finding.questions)
        sections.append(
            f"<section class='concern'><h2>{escape(finding.label)}</h2>"
            f"<p class='evidence'>{escape(_evidence(finding, words))}</p>{quotes}"
            f"<h3>{words['ask']}</h3><ol>{questions}</ol></section>"
        )
    liked = "".join(f"<li>{escape(f.label)} — {f.reviews_raising} {words['positively']}</li>" for f in report.strengths)
    body = "".join(sections) or f"<p>{words['none']}</p>"
    return f"""<!DOCTYPE html>
<html lang="{report.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(report.company_name)} — revint</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
.concern {{ border-left: 4px solid #c0392b; padding-left: 1rem; margin: 1.5rem 0; }}
.evidence {{ color: #555; }}
blockquote {{ margin: .5rem 0; font-style: italic; }}
blockquote footer {{ font-style: normal; font-size: .8rem; color: #777; }}
</style></head><body>
<h1>{escape(report.company_name)}</h1>
<p>{report.reviews} {words["reviews"]}{escape(_period(report))}</p>
<h2>{words["concerns"]}</h2>
{body}
<h2>{words["likes"]}</h2><ul>{liked}</ul>
</body></html>"""

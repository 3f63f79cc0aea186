"""Company-level validity of the tagger on the held-out US Glassdoor employers: across employers, does the share of
reviews complaining about a theme fall as the employees' own sub-rating of it rises? Spearman's ρ per theme (the five
themes Glassdoor rates), averaged; a keyword list scores about −0.53."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean

from scipy.stats import spearmanr

from bench.figures import Figures
from revint.models.tagger import Tagger
from revint.pipeline.stages import tag_review
from revint.pipeline.training import HELDOUT_CSVS, csv_rows

RATED_THEMES = ("work_life_balance", "culture", "career", "compensation", "management")
MIN_REVIEWS = 20  # employers with fewer reviews are left out: their shares are noise


def company_validity() -> Figures:
    """ρ per rated theme over the employers of glassdoor-en-us-2025 with MIN_REVIEWS reviews or more."""
    export = next(e for e in HELDOUT_CSVS if e.dataset == "glassdoor-en-us-2025")
    if not export.path.exists():
        return []
    tagger = Tagger()
    complained: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    ratings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for record in csv_rows(export).values():
        negative = {m.theme for m in tag_review(record, tagger).mentions if m.polarity == "negative"}
        for theme in RATED_THEMES:
            complained[record.company_id][theme].append(theme in negative)
            if theme in record.subratings:
                ratings[record.company_id][theme].append(record.subratings[theme])
    employers = [c for c, themes in complained.items() if len(themes[RATED_THEMES[0]]) >= MIN_REVIEWS]
    figures: Figures = []
    for theme in RATED_THEMES:
        rated = [c for c in employers if ratings[c][theme]]
        shares = [mean(complained[c][theme]) for c in rated]
        rho = float(spearmanr(shares, [mean(ratings[c][theme]) for c in rated]).statistic)
        figures.append((f"ρ {theme}", rho, f"{len(rated)} employers"))
    average = mean(value for _, value, _ in figures if value is not None)
    figures.append(("ρ averaged over 5 themes", average, f"{tagger.version}; goal ≤ −0.60"))
    return figures

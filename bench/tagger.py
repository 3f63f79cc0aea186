"""Tagger speed: words per second of revint's tagger next to the full fr_core_news_sm pipeline, same texts."""

from __future__ import annotations

import json
import resource
import time

import spacy

from revint.models.tagger import Tagger, TagInput
from revint.settings import Settings

Figures = list[tuple[str, float, str]]


def review_texts(settings: Settings, copies: int = 10) -> list[TagInput]:
    """Every section of every sample-site review, `copies` times over (~40k words by default)."""
    items = []
    for path in sorted((settings.sample_site_dir / "companies").glob("*.json")):
        for review in json.loads(path.read_text(encoding="utf-8"))["reviews"]:
            for section in ("pros", "cons", "advice"):
                if review.get(section):
                    items.append(TagInput(review["id"], review[section], section, review["lang"]))
    return items * copies


def _timed_tagging(tagger: Tagger, items: list[TagInput]) -> tuple[float, int]:
    started = time.perf_counter()
    mentions = sum(len(result.mentions) for result in tagger.tag(items))
    return time.perf_counter() - started, mentions


def tagger_speed(settings: Settings) -> Figures:
    items = review_texts(settings)
    words = sum(len(item.text.split()) for item in items)
    tagger, rules = Tagger(), Tagger(model_dir=None)
    ours, mentions = _timed_tagging(tagger, items)
    rules_time, rules_mentions = _timed_tagging(rules, items)
    reference = spacy.load("fr_core_news_sm")
    started = time.perf_counter()
    for _ in reference.pipe((item.text for item in items), batch_size=256):
        pass
    theirs = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        ("tagger words/s", words / ours, f"{tagger.version}: {len(items)} texts, {words} words, {mentions} mentions"),
        ("rules alone words/s", words / rules_time, f"{rules.version}, the fallback: {rules_mentions} mentions"),
        ("fr_core_news_sm words/s", words / theirs, "full pipeline, same texts, one process"),
        ("speed ratio", theirs / ours, "goal >= 10x"),
        ("peak memory MB", peak_mb, "this benchmark process, both pipelines loaded"),
    ]

"""Tagger speed: words per second of revint's tagger next to the full fr_core_news_sm pipeline, same texts."""

from __future__ import annotations

import json
import resource
import statistics
import time

import spacy
from spacy.language import Language

from bench.figures import RUNS, Figures, compared
from revint.models.tagger import BATCH_SIZE, Tagger, TagInput
from revint.settings import Settings


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


def _timed_reference(nlp: Language, texts: list[str]) -> float:
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=BATCH_SIZE):
        pass
    return time.perf_counter() - started


def tagger_speed(settings: Settings, runs: int = RUNS) -> Figures:
    """The three pipelines, loaded beforehand and warmed up on one batch, each timed `runs` times in turn."""
    items = review_texts(settings)
    texts = [item.text for item in items]
    words = sum(len(text.split()) for text in texts)
    tagger, rules, reference = Tagger(), Tagger(model_dir=None), spacy.load("fr_core_news_sm")
    _timed_tagging(tagger, items[:BATCH_SIZE])
    _timed_tagging(rules, items[:BATCH_SIZE])
    _timed_reference(reference, texts[:BATCH_SIZE])
    ours_runs, rules_runs, theirs_runs = [], [], []
    for _ in range(runs):
        seconds, mentions = _timed_tagging(tagger, items)
        ours_runs.append(seconds)
        seconds, rules_mentions = _timed_tagging(rules, items)
        rules_runs.append(seconds)
        theirs_runs.append(_timed_reference(reference, texts))
    ours, rules_time, theirs = (statistics.median(times) for times in (ours_runs, rules_runs, theirs_runs))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        ("tagger words/s", words / ours, f"{tagger.version}: {len(items)} texts, {words} words, {mentions} mentions"),
        ("rules alone words/s", words / rules_time, f"{rules.version}, the baseline: {rules_mentions} mentions"),
        ("fr_core_news_sm words/s", words / theirs, "full pipeline, same texts, one process"),
        ("speed ratio", theirs / ours, "goal >= 5x"),
        compared(
            tagger=f"Tagger.tag, {_components(tagger.pipelines['fr'])}, mentions out",
            spacy=f"nlp.pipe, {_components(reference)}; both on the same {len(items)} texts {BATCH_SIZE} a batch, "
            f"loaded beforehand, warmed up on one batch, medians of {runs} runs in turn",
        ),
        ("peak memory MB", peak_mb, "this benchmark process, both pipelines loaded"),
    ]


def _components(nlp: Language) -> str:
    return " + ".join(["tokenizer", *nlp.pipe_names])

"""The tagger behind `revint tag` and the pipeline's tag stage: text in, theme mentions out."""

from __future__ import annotations

import itertools
import json
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

import revint.models.classifier  # registers the trained component
import revint.models.components  # registers the rule components
import revint.models.language  # noqa: F401  (registers the packaged pipeline's language)
from revint.models.components import UnitMention
from revint.models.lang import detect_language
from revint.models.lexicon import LANGUAGES
from revint.record import Mention

RULES_VERSION = "rules-v3"
BATCH_SIZE = 256


@dataclass(frozen=True)
class TagInput:
    id: str
    text: str
    section: str = "body"
    lang_hint: str | None = None
    lang: str | None = None  # a language already known (e.g. detected on the whole review): no detection


@dataclass(frozen=True)
class TagResult:
    id: str
    lang: str
    mentions: list[UnitMention] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lang": self.lang,
            "themes": [
                {"theme": m.theme, "polarity": m.polarity, "score": m.score, "evidence": m.evidence, "text": m.text}
                for m in self.mentions
            ],
        }


MODEL_DIR = Path(__file__).parent / "revint_themes"


def build_rules_pipeline(lang: str) -> Language:
    """A blank tokenizer for the language plus the rule components: the baseline the trained model is scored
    against."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("revint_units_v1")
    nlp.add_pipe("revint_theme_rules_v1")
    return nlp


class ModelMissing(OSError):
    """The packaged model is not where it should be, or cannot be loaded."""


def load_trained(model_dir: Path) -> Language:
    """The packaged pipeline at `model_dir`; ModelMissing, naming the path, when it is absent or unreadable."""
    if not (model_dir / "config.cfg").is_file():
        raise ModelMissing(
            f"no trained model at {model_dir} (its config.cfg is missing): reinstall revint or run make train"
        )
    try:
        return spacy.load(model_dir)
    except Exception as error:  # spaCy and numpy raise many kinds for a damaged package
        raise ModelMissing(
            f"the trained model at {model_dir} cannot be loaded: {type(error).__name__}: {error}"
        ) from error


def trained_version(model_dir: Path = MODEL_DIR) -> str:
    """The packaged pipeline's version as Tagger(model_dir).version says it, read from its meta.json alone (no
    model load); ModelMissing when there is none."""
    try:
        return _version(json.loads((model_dir / "meta.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as error:
        raise ModelMissing(f"no readable meta.json in {model_dir}: {error}") from error


def _version(meta: Mapping[str, Any]) -> str:
    return f"{meta['name']}-{meta['version']}"


class Tagger:
    """Tags texts in batches with the packaged trained pipeline, or with the rules alone when asked for
    (`model_dir=None`). Texts in other languages than fr and en get no mentions.
    """

    def __init__(self, model_dir: Path | None = MODEL_DIR) -> None:
        if model_dir is None:
            self.version = RULES_VERSION
            self.pipelines = {lang: build_rules_pipeline(lang) for lang in LANGUAGES}
        else:
            trained = load_trained(model_dir)
            self.version = _version(trained.meta)
            self.pipelines = dict.fromkeys(LANGUAGES, trained)

    def tag_sections(self, sections: Mapping[str, str], lang: str) -> list[Mention]:
        """The mentions of one review's sections (pros, cons, …), all read in the review's language."""
        items = [TagInput(name, text, name, lang=lang) for name, text in sections.items()]
        return [
            Mention(
                section=result.id,
                unit_index=m.unit_index,
                start_char=m.start_char,
                end_char=m.end_char,
                unit_text=m.text,
                theme=m.theme,
                polarity=m.polarity,
                score=m.score,
                model_version=self.version,
                evidence=m.evidence,
            )
            for result in self.tag(items)
            for m in result.mentions
        ]

    def tag(self, items: Iterable[TagInput]) -> Iterator[TagResult]:
        batch: list[tuple[TagInput, str]] = []
        for item in items:
            batch.append((item, item.lang or detect_language(item.text, item.lang_hint)))
            if len(batch) >= BATCH_SIZE:
                yield from self._tag_batch(batch)
                batch = []
        yield from self._tag_batch(batch)

    def _tag_batch(self, batch: list[tuple[TagInput, str]]) -> Iterator[TagResult]:
        by_lang: dict[str, list[int]] = {}
        for position, (_, lang) in enumerate(batch):
            by_lang.setdefault(lang, []).append(position)
        results: dict[int, TagResult] = {}
        for lang, positions in by_lang.items():
            nlp = self.pipelines.get(lang)
            if nlp is None:
                results.update({p: TagResult(batch[p][0].id, lang) for p in positions})
                continue
            docs = []
            for p in positions:
                doc = nlp.make_doc(batch[p][0].text)
                doc._.section = batch[p][0].section
                doc._.lang = lang
                docs.append(doc)
            for p, doc in zip(positions, nlp.pipe(docs), strict=True):
                results[p] = TagResult(batch[p][0].id, lang, list(doc._.mentions or []))
        for position in range(len(batch)):
            yield results[position]


_worker: Tagger | None = None


def _start_worker(model_dir: Path | None) -> None:
    global _worker
    _worker = Tagger(model_dir)


def _tag_chunk(chunk: list[TagInput]) -> list[TagResult]:
    assert _worker is not None
    return list(_worker.tag(chunk))


def _chunks(items: Iterable[TagInput], size: int) -> Iterator[list[TagInput]]:
    chunk: list[TagInput] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def tag_in_processes(
    items: Iterable[TagInput], processes: int, chunk_size: int = 2000, model_dir: Path | None = MODEL_DIR
) -> Iterator[TagResult]:
    """Tag with a pool of processes once the input outgrows one chunk; results keep the input order.

    Small inputs never pay for starting the pool.
    """
    tagger = Tagger(model_dir)  # here first: a missing model is one error, not one per worker started again and again
    chunks = _chunks(items, chunk_size)
    first = next(chunks, [])
    if processes < 2 or len(first) < chunk_size:
        for chunk in itertools.chain([first], chunks):
            yield from tagger.tag(chunk)
        return
    with multiprocessing.Pool(processes, initializer=_start_worker, initargs=(model_dir,)) as pool:
        for results in pool.imap(_tag_chunk, itertools.chain([first], chunks)):
            yield from results

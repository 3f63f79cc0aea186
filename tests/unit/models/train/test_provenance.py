"""The provenance check: a lexicon term or written example that matches held-out text and no training text is
refused, matched as the tagger matches (folded, word by word, wildcards, one line, the term's language)."""

from __future__ import annotations

from pathlib import Path

import pytest

from revint.models.train.corpus import Example
from revint.models.train.provenance import (
    ProvenanceError,
    Term,
    Text,
    check,
    lexicon_terms,
    review_text,
    unsupported_examples,
    unsupported_terms,
)


def fr(*sections: str) -> Text:
    return Text("fr", sections)


def en(*sections: str) -> Text:
    return Text("en", sections)


def terms(*texts: str, lang: str = "fr") -> list[Term]:
    return [Term(text, lang, "related.toml", f"{lang}.workload") for text in texts]


def flagged(found: list[Term]) -> set[str]:
    return {term.text for term in found}


def test_a_term_only_held_out_text_holds_is_refused_and_one_training_text_holds_is_kept() -> None:
    heldout = [fr("40 Palettes-par-jour, et la cadence"), fr("Quel rythme")]
    training = [fr("la cadence est dure")]
    found = unsupported_terms(terms("palettes par jour", "cadence*", "rythme infernal"), heldout, training)
    assert flagged(found) == {"palettes par jour"}  # "cadence" is in training text; "rythme infernal" nowhere


@pytest.mark.parametrize(
    ("term", "heldout_text", "matches"),
    [
        ("dictateur*", "Des DICTATEURS au boulot", True),  # folded, a stem with any ending
        ("repas fourni*", "repas fournis le midi", True),
        ("conditions de travaille", "conditions de travail", False),  # a whole word is not a stem
        ("sur 13 mois", "payé sur 13 mois", True),
        ("sur 13 mois", "payé sur 13, mois", False),  # punctuation breaks a term
        ("palettes par jour", "palettes\npar jour", False),  # a term never runs across a line (a unit)
        ("recogni?ed", "never recognised", True),  # the lexicon's one-letter wildcard
        ("n+1", "mon n+1 est absent", True),
    ],
)
def test_terms_match_as_the_tagger_matches_them(term: str, heldout_text: str, matches: bool) -> None:
    lang = "en" if term == "recogni?ed" else "fr"
    found = unsupported_terms(terms(term, lang=lang), [Text(lang, (heldout_text,))], [])
    assert bool(found) == matches


def test_a_term_matches_only_texts_of_its_language() -> None:
    """The tagger reads a text with its own language's lexicon: an English text neither taints nor clears a
    French term."""
    assert not unsupported_terms(terms("open space"), [en("open space everywhere")], [])
    assert unsupported_terms(terms("open space"), [fr("open space bruyant")], [en("open space everywhere")])


def test_a_review_text_takes_its_language_from_all_its_text_unless_given() -> None:
    assert review_text(["Great team", "Long hours and low pay"], "Good company").lang == "en"
    assert review_text(["Bonne équipe", "  "], lang="fr") == Text("fr", ("Bonne équipe",))


def example(text: str, identifier: str = "w-1") -> Example:
    return Example(identifier, "fr", "cons", text, frozenset(), "written_test")


def test_an_example_held_out_text_holds_word_for_word_is_refused() -> None:
    examples = [
        example("Des chefs qui crient.", "w-1"),
        example("Bonne ambiance", "w-2"),
        example("Rien à dire", "w-3"),
    ]
    heldout = [fr("franchement des CHEFS qui crient tout le temps"), fr("Bonne ambiance, rien à dire")]
    training = [fr("Très bonne ambiance")]
    found = unsupported_examples(examples, heldout, training)
    # w-1 (its closing full stop aside) and w-3 are only in held-out text; w-2 is in training text too
    assert [e.group for e in found] == ["w-1", "w-3"]


@pytest.mark.parametrize(
    "heldout_text",
    ["des chefs qui crieront", "deschefs qui crient", "des chefs, qui crient", "chefs qui crient"],
)
def test_an_example_matches_only_its_words_in_order_at_word_boundaries(heldout_text: str) -> None:
    assert not unsupported_examples([example("Des chefs qui crient")], [fr(heldout_text)], [])


def test_the_error_names_terms_and_examples_and_never_the_held_out_text() -> None:
    secret = "un texte tenu à part avec palettes par jour"
    with pytest.raises(ProvenanceError) as error:
        check(terms("palettes par jour"), [example("texte tenu à part", "w-9")], [fr(secret)], [])
    message = str(error.value)
    assert "related.toml [fr.workload] 'palettes par jour'" in message
    assert "written_test.jsonl w-9" in message
    assert secret not in message and "texte tenu" not in message


def test_written_examples_clear_a_term_but_not_themselves() -> None:
    """A term may come from a written example; an example itself needs real training text."""
    heldout = [fr("ici 40 palettes par jour")]
    check(terms("palettes par jour"), [example("on en fait 40 palettes par jour")], heldout, [])
    with pytest.raises(ProvenanceError, match=r"^0 lexicon terms and 1 written examples") as error:
        check(terms("palettes par jour"), [example("40 palettes par jour", "w-1")], heldout, [])
    assert "written_test.jsonl w-1" in str(error.value)


def test_every_list_of_the_lexicon_files_is_read(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(
        '[fr]\ncontrast = ["mais"]\n[fr.themes]\nworkload = ["cadence*"]\n[fr.cues]\nnegators = ["pas"]\n'
        '[en]\ncontrast = ["but"]\n',
        encoding="utf-8",
    )
    found = {(t.lang, t.table, t.text, t.file) for t in lexicon_terms([lexicon])}
    assert found == {
        ("fr", "fr.contrast", "mais", "lexicon.toml"),
        ("fr", "fr.themes.workload", "cadence*", "lexicon.toml"),
        ("fr", "fr.cues.negators", "pas", "lexicon.toml"),
        ("en", "en.contrast", "but", "lexicon.toml"),
    }

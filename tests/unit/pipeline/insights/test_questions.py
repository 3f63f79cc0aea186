"""The question bank: questions chosen by what the quoted complaints say, whom to ask, what to listen for."""

from __future__ import annotations

import re

from revint.pipeline.insights.questions import AUDIENCES, pick_questions, question_bank


def test_questions_are_chosen_by_what_reviewers_wrote() -> None:
    evidence = ["Plannings changés la veille, jamais prévenus", "planning modifié au dernier moment"]
    chosen = pick_questions("work_life_balance", evidence, "fr", count=1)[0]
    assert "plannings" in chosen.text
    first_two = [q["fr"] for q in question_bank()["work_life_balance"][:2]]
    assert [q.text for q in pick_questions("work_life_balance", [], "fr")] == first_two


def test_cue_words_pick_the_question_a_complaint_calls_for_without_sharing_its_words() -> None:
    evidence = [
        "L'entrepôt n'est pas chauffé, on travaille à 5 degrés en janvier",
        "metier tres physique, le dos trinque, pas assez de pauses",
        "Chaleur l'été, froid l'hiver",
    ]
    safety = next(q for q in question_bank()["working_conditions"] if q["id"] == "working_conditions-03")
    assert [q.text for q in pick_questions("working_conditions", evidence, "fr", count=1)] == [safety["fr"]]


def test_every_question_says_whom_to_ask_and_what_to_listen_for_in_both_languages() -> None:
    for theme, questions in question_bank().items():
        assert len(questions) >= 2, theme
        assert all(q["fr"].strip() and q["en"].strip() for q in questions)
        assert all(q["ask"] in AUDIENCES for q in questions), theme
        for sign in ("good", "warning"):
            assert all(q["listen_for"][sign]["fr"].strip() and q["listen_for"][sign]["en"].strip() for q in questions)
        assert all(q["cues"] and all(re.fullmatch("[a-z]{5,}", cue) for cue in q["cues"]) for q in questions)

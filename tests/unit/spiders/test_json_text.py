"""JSON nested thousands deep, as a hostile page or export may hold it: the value that deep becomes null, the rest
reads."""

from __future__ import annotations

import json
from typing import Any

from revint.spiders.parsers.json_text import MAX_DEPTH, capped, loads, value_at


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _depth(value: Any) -> int:
    depth = 0
    while isinstance(value, list) and value:
        value, depth = value[0], depth + 1
    return depth


def test_what_nests_thousands_deep_is_cut_to_null_and_the_other_reviews_still_read() -> None:
    text = '[{"id": 1, "pros": ' + _deep(10_000) + '}, {"id": 2, "pros": "bonne équipe [sic] {ok}"}]'
    first, second = loads(text)
    assert second == {"id": 2, "pros": "bonne équipe [sic] {ok}"}
    assert _depth(first["pros"]) == MAX_DEPTH - 2  # the document's list and the review's object are two levels


def test_a_script_value_is_read_from_its_start_and_what_follows_it_ignored() -> None:
    script = 'window.s = {"a": ' + _deep(5_000) + ', "b": "x\\"]"}; run();'
    value = value_at(script, script.index("{"))
    assert value["b"] == 'x"]' and _depth(value["a"]) == MAX_DEPTH - 1  # under the object: one level


def test_shallow_json_is_left_as_it_is() -> None:
    text = json.dumps({"a": [[{"b": "[{"}]], "c": "\\\\"})
    assert capped(text) == text

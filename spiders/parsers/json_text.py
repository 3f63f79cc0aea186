"""JSON read from pages and exports, however deep a hostile document nests it: Python's json module recurses, and a
value nested thousands deep would end the whole document with a RecursionError. Here such a value becomes null, so
the reviews around it still read (and the review holding it is rejected by validation for what it lacks)."""

from __future__ import annotations

import json
from typing import Any, Final

MAX_DEPTH: Final = 200  # real review JSON nests under 20 levels (Glassdoor's Apollo cache, the deepest, about 12)


def loads(text: str, *, strict: bool = True) -> Any:
    """A whole JSON document, as json.loads reads it (`strict=False`: control characters allowed in strings)."""
    try:
        return json.loads(text, strict=strict)
    except RecursionError:
        return json.loads(capped(text), strict=strict)


def value_at(text: str, start: int) -> Any:
    """The JSON value that begins at `start` in a page script (what follows it is ignored); control characters in
    strings allowed, as browsers allow them. JSONDecodeError (a ValueError) when it is not JSON."""
    decoder = json.JSONDecoder(strict=False)
    try:
        return decoder.raw_decode(text, start)[0]
    except RecursionError:
        return decoder.raw_decode(capped(text[start:]), 0)[0]


def capped(text: str, max_depth: int = MAX_DEPTH) -> str:
    """`text` with every array or object opening deeper than `max_depth` replaced by null (strings kept as they are)."""
    out: list[str] = []
    depth = skipping = 0  # skipping: the depth inside a value being dropped, 0 when none is
    in_string = escaped = False
    for char in text:
        if in_string:
            if not skipping:
                out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            if skipping:
                skipping += 1
                continue
            if depth >= max_depth:
                skipping = 1
                continue
            depth += 1
        elif char in "]}":
            if skipping:
                skipping -= 1
                if not skipping:
                    out.append("null")
                continue
            depth -= 1
        if not skipping:
            out.append(char)
    return "".join(out)

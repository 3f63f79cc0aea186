"""Text folding shared by language id and the rules: lower case, no accents, same length as the input."""

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-folded text whose character offsets match the input's."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)
        bare = "".join(c for c in base if not unicodedata.combining(c)).lower()
        out.append(bare if len(bare) == 1 else ch.lower()[:1] or " ")
    return "".join(out).replace("’", "'")

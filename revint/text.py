"""Text folding shared by language id and the rules: lower case, no accents, same length as the input."""

import unicodedata


def _fold_char(ch: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).lower()
    return bare if len(bare) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


# Latin letters (with their accented and upper-case forms) and typographic apostrophes, one char to one.
_TABLE = {code: _fold_char(chr(code)) for code in range(0x250)} | {ord("’"): "'", ord("‘"): "'"}


def fold(text: str) -> str:
    """Case- and accent-folded text whose character offsets match the input's."""
    return text.translate(_TABLE)

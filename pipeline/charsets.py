"""Saved pages and exports to text when nothing tells their encoding, or what does is wrong: guessed, and said so.

A page saved from a browser or a scraper keeps its bytes but loses the Content-Type its server sent, so many declare
no charset (none of the 209 real glassdoor.fr pages does). Read as UTF-8 regardless, a latin-1 page gave reviews
full of U+FFFD and a UTF-16 page gave nothing, without a word: here an undeclared encoding is detected
(charset-normalizer) and the guess comes back as a note for the report.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Final

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, read_bom

# The encodings the sources' pages and exports come in (French, English and German sites). Left free to choose
# among every code page, charset-normalizer reads a latin-1 French page as cp1250 (à → ŕ): the page's markup swamps
# its language model, and cp1250 wins the tie.
CANDIDATES: Final = ("utf_8", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be", "cp1252", "latin_1", "iso8859_15")
_REPLACEMENT: Final = "\ufffd"


@dataclass(frozen=True)
class Decoded:
    text: str
    note: str | None = None  # how the encoding was guessed, when it was: "no charset declared; read as cp1252 …"


def decode_page(body: bytes) -> Decoded:
    """A page read as a browser reads it, by its BOM or its <meta> charset; guessed when it declares none."""
    if read_bom(body)[0] or html_body_declared_encoding(body):
        return _as_declared(body, *html_to_unicode(None, body))
    return _guess(body, "no charset declared")


def decode_export(body: bytes) -> Decoded:
    """An export read by its BOM, else as UTF-8 (what JSON must be and exporters mostly write) unless it is not."""
    match read_bom(body):
        case (str(encoding), bytes(bom)):
            return _as_declared(body, encoding, body[len(bom) :].decode(encoding, errors="replace"))
    return _guess(body, "not valid UTF-8")  # _guess() keeps quiet about valid UTF-8


def _as_declared(body: bytes, encoding: str, text: str) -> Decoded:
    """The text read in the declared encoding, unless some of the body does not decode in it (the text has those
    bytes quietly replaced): then the declaration is wrong, and the encoding is guessed."""
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return _guess(body, f"declared {encoding} does not decode")
    return Decoded(text)


def _guess(body: bytes, why: str) -> Decoded:
    """UTF-8 when the bytes are UTF-8, with no note: other encodings almost never make valid multi-byte sequences.
    UTF-8 with a few bad bytes (a page cut mid-character, a stray byte) is still UTF-8, its bad bytes replaced:
    charset-normalizer would read the whole page as cp1252 (é → Ã©). Anything else is charset-normalizer's pick
    among CANDIDATES; when none fits a body without NUL bytes, UTF-8 again, bad bytes replaced. ValueError when
    nothing fits (not text at all)."""
    if b"\x00" not in body:  # NUL bytes are UTF-16 or UTF-32, whose ASCII is valid UTF-8 too
        text = body.decode("utf-8", errors="replace")
        replaced = text.count(_REPLACEMENT) - body.count(_REPLACEMENT.encode())
        if not replaced:
            return Decoded(text)
        multibyte = len(text) - len(text.encode("ascii", errors="ignore")) - text.count(_REPLACEMENT)
        if multibyte > replaced:
            plural = "s" if replaced > 1 else ""
            return Decoded(text, f"{why}; read as utf-8 (guessed), {replaced} undecodable sequence{plural} replaced")
    match = from_bytes(body, cp_isolation=list(CANDIDATES)).best()
    if match is None and b"\x00" not in body:  # mostly ASCII with stray bytes: UTF-8 loses only those
        return Decoded(text, f"{why}; read as utf-8 (guessed), {replaced} undecodable sequences replaced")
    if match is None:
        raise ValueError(f"{why}, and no encoding revint reads fits its bytes")
    encoding = codecs.lookup(match.encoding).name
    return Decoded(body.decode(encoding, errors="replace"), f"{why}; read as {encoding} (guessed)")

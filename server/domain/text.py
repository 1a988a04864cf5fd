"""Normalising what people type, before any rule looks at its length.

One rule for every text a person enters (names, organisations, cards, comments, cluster
names, takeaways, questions, announcements): characters that cannot be stored or written
into XML, and characters that hide or reorder what others read, go; the rest of Unicode
(emoji sequences, combining marks, every script) stays.
"""

import re
import unicodedata

from .errors import DomainError

_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Every way of ending a line becomes "\n" before anything else looks at the text.
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")

# Format characters (Cf) that are kept: the joiners that emoji sequences and scripts such
# as Persian or Devanagari need, and the Arabic and Kaithi marks that are drawn as signs.
_KEPT_FORMAT = frozenset(
    "\u200c\u200d"  # zero-width non-joiner and joiner
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd"
)
# Letters that draw nothing: a name of only these looks empty.
_BLANK_LETTERS = frozenset("\u3164\uffa0")  # Hangul fillers
# Tag characters are invisible and can smuggle text; they stay only where they belong,
# inside a subdivision flag (black flag, tags, cancel tag), e.g. Scotland's.
_FLAG = re.compile("(\U0001f3f4[\U000e0020-\U000e007e]{1,32}\U000e007f)")


def _unsafe(char: str) -> bool:
    """Controls (but tab and newline), lone surrogates, noncharacters, and format
    characters that hide or reorder text: bidi overrides, zero-width spaces, tags."""
    if char in "\t\n":
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):
        return True
    if category == "Cf":
        return char not in _KEPT_FORMAT
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE or char in _BLANK_LETTERS


def _remove(text: str) -> str:
    unsafe = {ord(char): None for char in set(text) if _unsafe(char)}
    return text.translate(unsafe) if unsafe else text


def remove_unsafe_characters(text: str) -> str:
    """The text without characters XML cannot hold or that hide or reorder what others
    read. Exports use it too, for rows stored before this rule existed."""
    parts = _FLAG.split(text)  # flags at odd positions, kept whole
    return "".join(part if index % 2 else _remove(part) for index, part in enumerate(parts))


def clean_text(text: str, *, multiline: bool) -> str:
    """Drop unsafe characters, NFC-normalise, fold runs of spaces, trim.

    Multi-line text keeps single blank lines; single-line text becomes one line.
    """
    text = remove_unsafe_characters(_LINE_BREAKS.sub("\n", text))
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = text.replace("\n", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def optional_text(
    value: str | None, most: int, too_long: str, *, multiline: bool = False
) -> str | None:
    """An optional field as typed, cleaned: None when nothing is left, refused with the
    error `too_long` (and `max`) when longer than `most` characters."""
    cleaned = clean_text(value or "", multiline=multiline)
    if len(cleaned) > most:
        raise DomainError(too_long, max=most)
    return cleaned or None

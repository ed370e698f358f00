"""Quotes checked against the archived text of their source, and the passages they mark.

Matching is case-sensitive on the visible text of the Markdown, after Unicode
NFC normalisation, removing invisible characters (zero-width spaces, word
joiners, byte-order marks, soft hyphens), and folding runs of white space,
curly and straight quotes, and the dashes: a quote that looks the same as the
passage must be found in it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from builder.check.markdown import parser, text_segments

_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        # Invisible: none is white space to `str.split`, so removing them keeps the words of a text where they were.
        **dict.fromkeys("\u200b\u2060\ufeff\u00ad", None),
    }
)
_WORD = re.compile(r"\S+")


def fold(text: str) -> str:
    """The form in which quotes and texts are compared."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.translate(_FOLD).split())


@dataclass(frozen=True)
class ArchivedText:
    """A source's archived text as plain folded text, with where each character came from."""

    path: str
    markdown: str
    plain: str

    @property
    def visible(self) -> str:
        """The concatenated visible text of the Markdown, before folding."""
        return _visible(self.markdown)

    def origin(self, offset: int) -> int:
        """The offset in `visible` of the character at `offset` in `plain`.

        Only the passages of a source page need this, so the word starts it is
        computed from are found then, not for every text read.
        """
        plain_starts, visible_starts = _word_starts(self)
        word = bisect.bisect_right(plain_starts, offset) - 1
        return visible_starts[word] + offset - plain_starts[word]


def archive(path: str, markdown: str) -> ArchivedText:
    plain = _plain_paragraphs(markdown)
    return ArchivedText(path, markdown, fold(plain if plain is not None else _visible(markdown)))


@lru_cache(maxsize=16)
def _visible(markdown: str) -> str:
    return "".join(text for _, text in text_segments(parser().parse(markdown)))


# Most archived texts are headings and paragraphs of plain words. Parsing their Markdown is
# most of the time it takes to check a large desk, and it would give, once white space is
# folded, their own words: for such a text (no character that marks anything inline, no
# line that may start another kind of block), the headings' words and the lines are taken
# as they stand. Anything else is parsed.
_INLINE_MARKS = re.compile(r"[\\`*_\[\]<>&!~|]")
_HEADING = re.compile(r"^#{1,6}[ \t]+([^#\n]*)$", re.M)
_OTHER_BLOCK = re.compile(r"^(?:[ \t]|[>+\-=*#|]|[0-9]{1,9}[.)])", re.M)


def _plain_paragraphs(markdown: str) -> str | None:
    """The words of a text of plain paragraphs and headings, or None when its Markdown must be parsed."""
    if _INLINE_MARKS.search(markdown):
        return None
    words = _HEADING.sub(r"\1", markdown)
    return None if _OTHER_BLOCK.search(words) else words


@lru_cache(maxsize=16)
def _word_starts(text: ArchivedText) -> tuple[list[int], list[int]]:
    """Where each word starts in `plain` and in `visible` (folding changes no length; spaces become one)."""
    plain_starts: list[int] = []
    visible_starts: list[int] = []
    position = 0
    for word in _WORD.finditer(text.visible):
        plain_starts.append(position)
        visible_starts.append(word.start())
        position += len(word[0]) + 1
    return plain_starts, visible_starts


@dataclass(frozen=True)
class Passage:
    """Where a quote stands in an archived text, in `plain` coordinates."""

    start: int
    end: int


def find_quote(quote: str, text: ArchivedText) -> Passage | None:
    needle = fold(quote)
    start = text.plain.find(needle)
    if start < 0 or not needle:
        return None
    return Passage(start, start + len(needle))


def closest_passage(quote: str, text: ArchivedText) -> tuple[str, float]:
    """The passage of the text most like the quote, and how alike they are (0-100)."""
    needle = fold(quote)
    alignment = fuzz.partial_ratio_alignment(needle, text.plain)
    if alignment is None:
        return "", 0.0
    start, end = alignment.dest_start, alignment.dest_end
    # Widen to whole words, so that the editor sees words of the text, not fragments.
    while start > 0 and not text.plain[start - 1].isspace():
        start -= 1
    while end < len(text.plain) and not text.plain[end].isspace():
        end += 1
    return text.plain[start:end].strip(), alignment.score

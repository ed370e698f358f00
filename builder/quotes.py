"""Quotes checked against the archived text of their source, and the passages they mark.

Matching is case-sensitive on the visible text of the Markdown, after folding
runs of white space, curly and straight quotes, and the dashes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from builder.markdown import parser, text_segments

_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
_CHUNK = re.compile(r"\s+|\S+")


def fold(text: str) -> str:
    """The form in which quotes and texts are compared."""
    return " ".join(text.translate(_FOLD).split())


@dataclass(frozen=True)
class ArchivedText:
    """A source's archived text as plain folded text, with where each character came from."""

    path: str
    markdown: str
    plain: str
    origins: tuple[int, ...]
    """For each character of `plain`, its offset in the concatenated visible text."""


def archive(path: str, markdown: str) -> ArchivedText:
    raw = "".join(text for _, text in text_segments(parser().parse(markdown)))
    plain: list[str] = []
    origins: list[int] = []
    for chunk in _CHUNK.finditer(raw.translate(_FOLD)):
        if chunk[0][0].isspace():
            if plain and plain[-1] != " ":
                plain.append(" ")
                origins.append(chunk.start())
        else:
            plain.append(chunk[0])
            origins.extend(range(chunk.start(), chunk.end()))
    text = "".join(plain).rstrip()
    return ArchivedText(path, markdown, text, tuple(origins[: len(text)]))


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

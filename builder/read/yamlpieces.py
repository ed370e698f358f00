"""A claims file cut into the pieces editors edit one at a time: each claim, each source, each setting.

A large desk keeps thousands of claims in one file, and an edit changes one of
them; cutting the text along its top-level keys and the items of `claims:` and
`sources:` lets each piece be read (and cached) on its own, and located only
when a problem needs its lines. The cut is made only on plain block YAML,
where it cannot change what the file means: every line of a piece is indented
deeper than the item it belongs to. Anything else (flow collections across
lines, documents, directives, lines out of step) gives None, and the file is
read whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, AnyStr, Literal

# A top-level key at the start of a line; its value follows on the line or below it.
_TOP = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?=[ \t]|$)")
# Lines that start in the first column: keys, documents, directives, indentless items.
_FIRST_COLUMN = re.compile(r"^[^\s#].*$", re.M)
_CONTENT = re.compile(r"^( *)[^ \n#]", re.M)
# The two lists whose items are pieces of their own.
SPLIT_KEYS = {"claims": "item", "sources": "entry"}

PieceKind = Literal["top", "item", "entry"]


@dataclass(frozen=True)
class Piece:
    """A run of whole lines of a file that is YAML on its own."""

    text: str
    line: int
    """The line of the file the piece starts on (0-based)."""
    kind: PieceKind
    """`top`: `key: value` at the top level; `item`: one item of `claims:`; `entry`: one entry of `sources:`."""
    key: str
    """The top-level key it belongs to."""
    indent: int
    """The column (0-based) at which an item's `-` or an entry's key stands."""
    start: int = 0
    """Its offset in the file's text."""


@dataclass(frozen=True)
class Section:
    """A top-level key whose items or entries are pieces: where the key and its first element stand."""

    key: str
    key_line: int
    first: tuple[int, int] | None
    """(line, column), 0-based, of the first item's `-` or entry's key."""


@dataclass(frozen=True)
class Cut:
    pieces: tuple[Piece, ...]
    sections: tuple[Section, ...]


def cut(text: str) -> Cut | None:
    """The pieces of a plain block-YAML mapping, in file order; None when the text is not one."""
    lines = _Lines(text)
    tops: list[tuple[int, str]] = []  # (offset, key)
    for match in _FIRST_COLUMN.finditer(text):
        line = match[0]
        if line.startswith("- ") or line == "-":
            if not tops or SPLIT_KEYS.get(tops[-1][1]) != "item":
                return None
            continue  # an item of an indentless `claims:` list
        top = _TOP.match(line)
        if top is None:
            return None  # `---`, `...`, `%YAML`, a flow collection's closing bracket, ...
        tops.append((match.start(), top[1]))
    if not tops or len({key for _, key in tops}) != len(tops):
        return None  # repeated keys: the reference reader says where
    if _CONTENT.search(text, 0, tops[0][0]):
        return None  # an indented document
    pieces: list[Piece] = []
    sections: list[Section] = []
    bounds = [*(offset for offset, _ in tops[1:]), len(text)]
    for index, ((begin, key), end) in enumerate(zip(tops, bounds, strict=True)):
        found = _elements(text, begin, end, key, lines) if key in SPLIT_KEYS else None
        if found is None:
            start = 0 if index == 0 else begin  # comments before the first key travel with it
            pieces.append(Piece(text[start:end], lines.of(start), "top", key, 0, start))
            continue
        section, elements = found
        sections.append(section)
        pieces.extend(elements)
    return Cut(tuple(pieces), tuple(sections))


def with_piece(cut: Cut, piece: Piece, text: str) -> Cut:
    """The cut of the file in which `piece` of `cut` now reads `text` and nothing else changed: what
    `cut` gives for the new file, without cutting it again (half a second at 10,000 claims). `text`
    must be one piece as `cut` would make it (for an item, see `lone_item`)."""
    at = next(index for index, known in enumerate(cut.pieces) if known is piece)
    lines = text.count("\n") - piece.text.count("\n")
    chars = len(text) - len(piece.text)
    pieces = [*cut.pieces[:at], replace(piece, text=text)]
    pieces.extend(Piece(p.text, p.line + lines, p.kind, p.key, p.indent, p.start + chars) for p in cut.pieces[at + 1 :])
    sections = tuple(
        section
        if section.key_line <= piece.line
        else replace(
            section,
            key_line=section.key_line + lines,
            first=(section.first[0] + lines, section.first[1]) if section.first else None,
        )
        for section in cut.sections
    )
    return Cut(tuple(pieces), sections)


class _Lines:
    """Line numbers of offsets asked for in increasing order, counted as the text is walked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 0

    def of(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 0
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _elements(text: str, begin: int, end: int, key: str, lines: _Lines) -> tuple[Section, list[Piece]] | None:
    """The items (or entries) of the block value of `key`, or None to keep the section whole."""
    header_end = text.find("\n", begin, end)
    if header_end < 0 or not re.fullmatch(rf"{re.escape(key)}:[ \t]*(?:#.*)?", text[begin:header_end]):
        return None  # an inline value (`claims: []`): one piece
    body_start = header_end + 1
    first = _CONTENT.search(text, body_start, end)
    if first is None:
        return None
    kind = SPLIT_KEYS[key]
    if kind == "item":
        found = list_items(text, first.start(), end)
        if found is None:
            return None
        indent, offsets = len(found[0]), found[1]
    else:
        indent = len(first[1])
        offsets = _entries(text, first.start(), end, indent)
        if offsets is None:
            return None
    section = Section(key, lines.of(begin), (lines.of(offsets[0]), indent))
    pieces = [
        Piece(text[a:b], lines.of(a), kind, key, indent, a) for a, b in zip(offsets, [*offsets[1:], end], strict=True)
    ]
    return section, pieces


def _entries(text: str, first: int, end: int, indent: int) -> list[int] | None:
    """Where each entry of the block mapping whose first entry's line starts at `first` begins; None unless
    every line up to `end` is an entry's first line (at `indent`), deeper, blank or a comment."""
    at = first + indent
    if indent == 0 or text[at] in "-?[{'\"&*!|>%@`":
        return None
    if re.compile(rf"\n(?! {{{indent}}}|[ \t]*(?:#|$))", re.M).search(text, first, end):
        return None
    return [first, *(m.start() + 1 for m in re.compile(rf"\n {{{indent}}}[^ #\n]").finditer(text, first, end))]


def list_items(text: AnyStr, first: int, end: int) -> tuple[AnyStr, list[int]] | None:
    """The items of the block list whose first item's line starts at `first` and which ends at `end`:
    their indentation and where each starts. None unless the list is plain: its first line is an
    item's, and every line after it an item's first line, deeper than the items, blank or a comment.

    The one rule of where a list's items lie, for the reader of pieces (by text) and for the history
    (by bytes: it reads hundreds of versions of a file, and only the changed part of each again)."""
    binary = isinstance(text, bytes)
    head = _ITEM_LINE[binary].match(text, first, end)
    if head is None:
        return None
    indent: AnyStr = head[1]
    item, stray = _list_lines(len(indent), binary)
    if stray.search(text, first, end) is not None:
        return None
    return indent, [first, *(m.start() + 1 for m in item.finditer(text, first, end))]


_ITEM_LINE: dict[bool, re.Pattern[Any]] = {
    False: re.compile(r"( *)-(?: |$)", re.M),
    True: re.compile(rb"( *)-(?: |$)", re.M),
}


@lru_cache(maxsize=16)
def _list_lines(width: int, binary: bool) -> tuple[re.Pattern[Any], re.Pattern[Any]]:
    """The newline before an item's first line, and before a line that belongs to no item, of a list
    whose items stand at column `width` (a search for a newline first is the fast one)."""
    item = rf"\n {{{width}}}-(?: |$)"
    stray = rf"\n(?! {{{width}}}(?:-(?: |$)| )|[ \t]*(?:#|$))"
    if binary:
        return re.compile(item.encode(), re.M), re.compile(stray.encode(), re.M)
    return re.compile(item, re.M), re.compile(stray, re.M)


def lone_item(text: str, indent: int) -> bool:
    """Whether `text` is exactly one item of a list whose items stand at `indent`, as `cut` would make it."""
    found = list_items(text, 0, len(text))
    return found is not None and len(found[0]) == indent and len(found[1]) == 1

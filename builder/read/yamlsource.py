"""YAML read into plain Python data that remembers where every value was written.

PyYAML's own loaders forget positions and silently keep the last of two equal
keys, which would drop a figure without a word. The reference reader
(`yamlwhole.py`) composes the document into nodes, then turns them into data
by hand, so that each value keeps its line and column and a repeated key is an
error.

Composing is slow (see docs/speed.md), and a large desk's `claims.yaml` runs to
tens of MB. So a file is first cut into its pieces (`yamlpieces`), and each
piece that holds nothing on which YAML 1.1 (PyYAML's) and YAML 1.2 disagree is
read by `yaml_rs` (in Rust, some twenty times faster), the rest by the
reference reader. Positions are then composed only when a problem asks for
one, and only for its piece. Every piece read is remembered by its text, so
that a rebuild after an edit reads only the pieces that changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from builder.problems import Location, Problems
from builder.read import yamlpieces, yamlwhole
from builder.read.yamlwhole import (
    Key,
    YamlDocument,
    read_whole,
)


def parse_yaml(
    text: str, path: str, problems: Problems, line_offset: int = 0, remember: bool = True
) -> YamlDocument | None:
    """Read one YAML document; on a syntax error, record it and return None.

    `line_offset` shifts reported lines, for YAML embedded further down a file
    (front matter). Without `remember`, the pieces kept of the last read of
    `path` are left as they are (for reading other versions of the file, from
    git, between two reads of the file itself).
    """
    if not text.strip():
        # Blank (spaces, tabs, new lines): an empty document, said so, not a syntax error at a tab.
        return YamlDocument(path=path, data=None)
    doc = _read_in_pieces(text, path, line_offset, remember)
    if doc is not None:
        return doc
    return read_whole(text, path, problems, line_offset)


# -- the fast reader --------------------------------------------------------------------

# What yaml_rs (YAML 1.2) reads as a string but the reference reader (PyYAML, YAML 1.1)
# as something else, when written plain: booleans, sexagesimal and binary numbers,
# timestamps, the merge and value keys.
_WORDS_1_1 = frozenset(["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "=", "<<"])
_SCALAR_1_1 = re.compile(
    r"""[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*
    |\.[0-9_]+(?:[eE][-+][0-9]+)?|[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.(?:inf|Inf|INF|nan|NaN|NAN))
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[\s\S]*)?""",
    re.X,
)
# Numbers whose text the two versions read apart (017, 0o17, 1e3, 1_000, .5), or whose text
# is not the integer's own (+3000, -0): where a piece holds a number, its text is searched for
# these, and the reference reader, which keeps a plain number's text, reads the piece.
_NUMBER_1_1 = re.compile(
    r"(?<![\w.,-])(?:[-+]?(?:0[0-9_oOxXbB]|\.[0-9]|[0-9][0-9_]*(?:\.[0-9_]*)?[eE]|[0-9]+_)|\+[0-9]|-0(?![.0-9]))"
)
# yaml_rs reads a quoted date as a date; the reference reader keeps it text.
_QUOTED_DATE = re.compile(r"""['"][0-9]{4}-[0-9]{1,2}-[0-9]{1,2}""")
_NESTED_FLOW = re.compile(r"[\[{][^\n\]}]*[\[{]")

_cache: dict[tuple[str, str], Any] = {}
"""Pieces read by the fast reader, by (file, text), from the last read of each file."""


def forget() -> None:
    """Drop the pieces kept for the next read."""
    _cache.clear()


def release(documents: Iterable[YamlDocument]) -> None:
    """Let go of what `documents` were read into (their data, pieces and positions): for a one-off
    build past its analysis, which reports nothing more at a position, as every problem's place is
    located when it is reported. At 100,000 claims that is a fifth of the build's memory. A place
    asked for afterwards gives its file alone."""
    for document in documents:
        document.data = None
        document.unlocated = None
        document.values.clear()
        document.keys.clear()


def read_piece(path: str, text: str) -> Any:
    """The data of one piece of `path` (from the cache when read before), or None when it must be read whole."""
    value = _cache.get((path, text), _MISSING)
    if value is _MISSING:
        value = _read_piece(text, _yaml_rs())
    return None if value is _MISSING else value


def piece_document(
    path: str, piece: yamlpieces.Piece, index: int, data: Any, section: yamlpieces.Section
) -> YamlDocument:
    """A document of one item of `claims:` (the `index`-th), located like the file it stands in."""
    located = _Unlocated(yamlpieces.Cut((piece,), (section,)), piece.text, 0)
    located.items.setdefault(piece.key, {})[index] = piece
    return YamlDocument(path=path, data={piece.key: {index: data}}, unlocated=located)


def _yaml_rs() -> Any:
    import yaml_rs

    return yaml_rs


def _read_in_pieces(text: str, path: str, line_offset: int, remember: bool = True) -> YamlDocument | None:
    """The data of a document read piece by piece, positions left for later; None to read it whole."""
    if text.count("\n") + text.count(",") >= yamlwhole.MAX_EVENTS // 2:
        return None  # perhaps too many values: the reference reader counts them
    try:
        yaml_rs = _yaml_rs()
    except ImportError:  # pragma: no cover - a platform without its wheel
        return None
    cut = yamlpieces.cut(text)
    if cut is None:
        return None
    data: dict[str, Any] = {}
    seen: dict[tuple[str, str], Any] = {}
    located = _Unlocated(cut, text, line_offset)
    for piece in cut.pieces:
        value = _cache.get((path, piece.text), _MISSING)
        if value is _MISSING:
            value = _read_piece(piece.text, yaml_rs)
            if value is _MISSING:
                return None
        seen[(path, piece.text)] = value
        if not _assemble(data, piece, value):
            return None
        located.add(piece, value)
    if not remember:
        return YamlDocument(path=path, data=data, unlocated=located)
    for key in [key for key in _cache if key[0] == path]:
        del _cache[key]  # the pieces of this file's last read; what it holds now is in `seen`
    _cache.update(seen)
    return YamlDocument(path=path, data=data, unlocated=located, read_from=None if line_offset else (text, cut))


_MISSING = object()


def _read_piece(text: str, yaml_rs: Any) -> Any:
    """A piece's data, by yaml_rs where both readers agree on it, else by the reference reader."""
    if not _reference_only(text):
        try:
            value = yaml_rs.loads(text, parse_datetime=True)
        except Exception:  # its own error type, or a limit: the reference reader says what is wrong
            return _MISSING
        seen: set[str] = set()
        agrees = _agrees(value, seen)
        numbers_agree = "number" not in seen or not _NUMBER_1_1.search(text)
        if agrees and numbers_agree and ("date" not in seen or not _QUOTED_DATE.search(text)):
            return value
    problems = Problems()
    doc = read_whole(text, "", problems)
    return _MISSING if doc is None or len(problems) else doc.data


def _reference_only(text: str) -> bool:
    """Whether a piece holds what only the reference reader reads as the contract means it.

    Tags (`!!binary`), anchors and aliases (bounded by the reference reader), merge
    keys, flow collections in flow collections and deep indentation (the reference
    reader refuses more than 100 levels). A false alarm only costs time.
    """
    return (
        "!" in text
        or "&" in text
        or "*" in text
        or "<<" in text
        or "\t" in text
        or "\n" + " " * 60 in text
        or (("[" in text or "{" in text) and _NESTED_FLOW.search(text) is not None)
    )


def _agrees(value: Any, seen: set[str]) -> bool:
    """Whether the reference reader gives the same data, as far as the data alone can tell.

    `seen` collects "number" and "date" when the piece holds one, whose text decides.
    """
    if isinstance(value, str):
        return value not in _WORDS_1_1 and not (value[:1] in "0123456789+-." and _SCALAR_1_1.fullmatch(value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and k not in _WORDS_1_1 and _agrees(v, seen) for k, v in value.items())
    if isinstance(value, list):
        return all(_agrees(item, seen) for item in value)
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, float):
        return False  # its text (3.000, 1.50) is not its value's: the reference reader keeps it
    if isinstance(value, int):
        seen.add("number")
        return True
    if isinstance(value, date) and not isinstance(value, datetime):
        seen.add("date")
        return True
    return False  # a date with a time, or anything else


def _assemble(data: dict[str, Any], piece: yamlpieces.Piece, value: Any) -> bool:
    """Put a piece's value in its place; False when it is not the shape its lines promise."""
    if piece.kind == "top":
        if not isinstance(value, dict) or list(value) != [piece.key]:
            return False
        data[piece.key] = value[piece.key]
    elif piece.kind == "item":
        if not isinstance(value, list) or len(value) != 1:
            return False
        data.setdefault(piece.key, []).append(value[0])
    else:
        if not isinstance(value, dict) or len(value) != 1:
            return False
        ((name, entry),) = value.items()
        mapping = data.setdefault(piece.key, {})
        if not isinstance(name, str) or name in mapping:
            return False
        mapping[name] = entry
    return True


class _Unlocated:
    """The pieces of a fast-read document, each composed for its positions the first time one is asked for."""

    def __init__(self, cut: yamlpieces.Cut, text: str, line_offset: int) -> None:
        self.line_offset = line_offset
        self.text = text
        self.items: dict[str, dict[int, yamlpieces.Piece]] = {}
        self.entries: dict[str, dict[str, yamlpieces.Piece]] = {}
        self.tops: dict[str, yamlpieces.Piece] = {}
        self.done: set[int] = set()
        self.sections = {section.key: section for section in cut.sections}

    def add(self, piece: yamlpieces.Piece, value: Any) -> None:
        """A piece read, with its value (an entry's value names it)."""
        if piece.kind == "item":
            items = self.items.setdefault(piece.key, {})
            items[len(items)] = piece
        elif piece.kind == "entry":
            self.entries.setdefault(piece.key, {})[next(iter(value))] = piece
        else:
            self.tops[piece.key] = piece

    def locate(self, doc: YamlDocument, key: Key) -> None:
        if not key:
            self._root(doc)
            return
        top = str(key[0])
        section = self.sections.get(top)
        if section is None:
            if top in self.tops:
                self._compose(doc, self.tops[top], ())
            return
        self._section(doc, section)
        if len(key) < 2:
            return
        if top in self.items and isinstance(key[1], int) and key[1] in self.items[top]:
            self._compose(doc, self.items[top][key[1]], (top, key[1]))
        elif top in self.entries and key[1] in self.entries[top]:
            self._compose(doc, self.entries[top][str(key[1])], (top,))

    def _root(self, doc: YamlDocument) -> None:
        if () not in doc.values:
            first = re.search(r"^[^\s#]", self.text, re.M)
            line = self.text.count("\n", 0, first.start()) if first else 0
            doc.values[()] = self._location(doc, line, 0)

    def _section(self, doc: YamlDocument, section: yamlpieces.Section) -> None:
        key = (section.key,)
        if key in doc.keys:
            return
        doc.keys[key] = self._location(doc, section.key_line, 0)
        if section.first is not None:
            doc.values[key] = self._location(doc, *section.first)

    def _location(self, doc: YamlDocument, line: int, col: int) -> Location:
        return Location(doc.path, line + 1 + self.line_offset, col + 1)

    def _compose(self, doc: YamlDocument, piece: yamlpieces.Piece, prefix: Key) -> None:
        if id(piece) in self.done:
            return
        self.done.add(id(piece))
        located = read_whole(piece.text, doc.path, Problems(), self.line_offset + piece.line)
        if located is None:
            return
        for source, target in ((located.values, doc.values), (located.keys, doc.keys)):
            for key, where in source.items():
                if not key:
                    continue
                if piece.kind == "item":
                    key = (*prefix, *key[1:])
                elif piece.kind == "entry":
                    key = (*prefix, *key)
                target.setdefault(key, where)

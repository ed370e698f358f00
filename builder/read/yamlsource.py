"""YAML read into plain Python data that remembers where every value was written.

PyYAML's own loaders forget positions and silently keep the last of two equal
keys, which would drop a figure without a word. The reference reader here
composes the document into nodes (in C when libyaml is there), then turns them
into data by hand, so that each value keeps its line and column and a repeated
key is an error.

Composing is slow (see docs/speed.md), and a large desk's `claims.yaml` runs to
tens of MB. So a file is first cut into its pieces (`yamlpieces`), and each
piece that holds nothing on which YAML 1.1 (PyYAML's) and YAML 1.2 disagree is
read by `yaml_rs` (in Rust, some twenty times faster), the rest by the
reference reader. Positions are then composed only when a problem asks for
one, and only for its piece. Every piece read is remembered by its text, so
that a rebuild after an edit reads only the pieces that changed.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

from builder.problems import Location, Problems
from builder.read import yamlpieces

try:
    from yaml import CSafeLoader as _ComposeLoader
except ImportError:  # pragma: no cover - libyaml is absent on some platforms
    from yaml import SafeLoader as _ComposeLoader  # type: ignore[assignment]

Key = tuple[str | int, ...]

# An alias bomb expands a few lines into billions of values; no editorial
# file comes near this many through aliases.
MAX_NODES = 1_000_000
# libyaml composes nested collections by recursion in C, and crashes the
# interpreter at some tens of thousands of levels; an editorial file needs
# fewer than ten. The file's events are counted and its depth measured before
# it is composed, which bounds the time and memory that composing takes.
MAX_DEPTH = 100
MAX_EVENTS = 2_000_000


@dataclass
class YamlDocument:
    """Data read from one YAML file, with the location of every value and key."""

    path: str
    data: Any
    values: dict[Key, Location] = field(default_factory=dict)
    keys: dict[Key, Location] = field(default_factory=dict)
    unlocated: _Unlocated | None = field(default=None, repr=False)
    """The pieces whose positions are composed only when asked for (read by the fast reader)."""
    read_from: tuple[str, yamlpieces.Cut] | None = field(default=None, repr=False)
    """The text it was read from and its pieces, when read in pieces as a whole file: what the live
    preview compares the next save with, to find the one claim it changed."""

    def at(self, key: Key) -> Location:
        """Where the value at `key` was written, or its nearest written parent."""
        if self.unlocated is not None:
            self.unlocated.locate(self, key)
        for end in range(len(key), -1, -1):
            found = self.values.get(key[:end])
            if found is not None:
                return found
        return Location(self.path)

    def key_at(self, key: Key) -> Location:
        """Where the mapping key that introduces `key` was written."""
        if self.unlocated is not None:
            self.unlocated.locate(self, key)
        return self.keys.get(key) or self.at(key)


@dataclass(frozen=True, eq=False)
class Place:
    """Where a value (or, with `of_key`, its key) was written; located only when asked."""

    doc: YamlDocument
    key: Key
    of_key: bool = False

    def location(self) -> Location:
        return self.doc.key_at(self.key) if self.of_key else self.doc.at(self.key)

    def __str__(self) -> str:
        return str(self.location())


class WrittenInt(int):
    """A plain YAML integer that keeps the characters it was read from.

    YAML 1.1 reads `010` as 8, `1:30` as 90 and `0x10` as 16; a figure must be read
    from what the editor wrote (`builder.values.as_written`), so the reader hands
    the text over with the number.
    """

    as_written: str

    def __new__(cls, value: int, text: str) -> WrittenInt:
        number = super().__new__(cls, value)
        number.as_written = text
        return number

    def __reduce__(self) -> tuple[type[WrittenInt], tuple[int, str]]:
        return WrittenInt, (int(self), self.as_written)


class WrittenFloat(float):
    """A plain YAML float that keeps the characters it was read from (`3.000`, `1.50`)."""

    as_written: str

    def __new__(cls, value: float, text: str) -> WrittenFloat:
        number = super().__new__(cls, value)
        number.as_written = text
        return number

    def __reduce__(self) -> tuple[type[WrittenFloat], tuple[float, str]]:
        return WrittenFloat, (float(self), self.as_written)


class _Lines:
    """Lines and columns as an editor counts them.

    YAML also breaks lines at U+0085, U+2028 and U+2029, so libyaml's own line
    numbers drift from the editor's after one of them; a mark's character index
    does not.
    """

    def __init__(self, text: str, path: str, line_offset: int) -> None:
        self.starts = [0, *(match.end() for match in re.finditer("\n", text))]
        self.path = path
        self.line_offset = line_offset

    def at(self, mark: yaml.Mark) -> Location:
        line = bisect.bisect_right(self.starts, mark.index) - 1
        return Location(self.path, line + 1 + self.line_offset, mark.index - self.starts[line] + 1)


class _Converter:
    def __init__(self, doc: YamlDocument, problems: Problems, lines: _Lines) -> None:
        self.doc = doc
        self.problems = problems
        self.lines = lines
        self.constructor = yaml.SafeLoader("")
        self.expanded = 0
        self.active: set[int] = set()
        self.done: dict[int, tuple[Any, int]] = {}

    def location(self, mark: yaml.Mark) -> Location:
        return self.lines.at(mark)

    def convert(self, node: yaml.Node, key: Key) -> Any:
        self.doc.values[key] = self.location(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.done:
            # An alias: share the value already built, but count what it
            # stands for, since every later stage walks the expanded tree.
            value, size = self.done[id(node)]
            self.expanded += size
            if self.expanded > MAX_NODES:
                raise _TooLarge(self.location(node.start_mark))
            return value
        if id(node) in self.active:
            self.problems.error(self.location(node.start_mark), "an alias refers to itself")
            return None
        self.active.add(id(node))
        before = self.expanded
        try:
            if isinstance(node, yaml.SequenceNode):
                value: Any = [self.convert(item, (*key, i)) for i, item in enumerate(node.value)]
            else:
                value = self.mapping(node, key)
        finally:
            self.active.discard(id(node))
        self.expanded += 1
        self.done[id(node)] = (value, self.expanded - before + len(node.value))
        return value

    def scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except Exception as error:  # PyYAML's constructors fail in many ways (`!!timestamp x`)
            known = isinstance(error, (yaml.YAMLError, ValueError, TypeError, OverflowError)) and str(error)
            reason = str(error).splitlines()[0] if known else f"it is not a valid {node.tag.rsplit(':', 1)[-1]}"
            self.problems.error(self.location(node.start_mark), f"cannot read the value {node.value!r}: {reason}")
            return None
        if type(value) is int:
            return WrittenInt(value, node.value)
        if type(value) is float and math.isfinite(value):  # .nan and .inf are refused as figures anyway
            return WrittenFloat(value, node.value)
        return value

    def mapping(self, node: yaml.MappingNode, key: Key) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            where = self.location(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.error(where, "a key must be a plain word, not a list or mapping")
                continue
            name = str(key_node.value)
            if name in first_seen:
                self.problems.error(
                    where,
                    f"key '{name}' is given twice in this mapping "
                    f"(first at line {first_seen[name].line}); only one can count",
                )
                continue
            first_seen[name] = where
            self.doc.keys[(*key, name)] = where
            result[name] = self.convert(value_node, (*key, name))
        return result


class _TooLarge(Exception):
    def __init__(self, location: Location) -> None:
        self.location = location


def _refusal(text: str) -> tuple[yaml.Mark, str] | None:
    """Why a document is too deep or too large to compose, and where; None when it is not.

    libyaml's parser streams events in constant memory, so this pass is cheap;
    a syntax error surfaces here as it would when composing.
    """
    depth = 0
    for events, event in enumerate(yaml.parse(text, Loader=_ComposeLoader), 1):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark, f"the document is nested more than {MAX_DEPTH} levels deep"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if events > MAX_EVENTS:
            return event.start_mark, f"the document holds more than {MAX_EVENTS:,} values"
    return None


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


def read_whole(text: str, path: str, problems: Problems, line_offset: int = 0) -> YamlDocument | None:
    """The reference reader: the whole document composed by PyYAML, every position kept."""
    doc = YamlDocument(path=path, data=None)
    lines = _Lines(text, path, line_offset)
    try:
        refused = _refusal(text)
        if refused is not None:
            mark, reason = refused
            problems.error(lines.at(mark), f"{reason}; refusing to read it")
            return None
        node = yaml.compose(text, Loader=_ComposeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = lines.at(mark) if mark is not None else Location(path, 1 + line_offset)
        problem = error.problem or "not valid YAML"
        if "maximum nesting depth" in problem:  # PyYAML 6.0.4 stops at 1,000 levels itself
            problems.error(where, f"the document is nested more than {MAX_DEPTH} levels deep; refusing to read it")
            return None
        context = f" ({error.context})" if error.context else ""
        problems.error(where, f"YAML syntax: {problem}{context}")
        return None
    except yaml.YAMLError as error:
        problems.error(Location(path, 1 + line_offset), f"YAML syntax: {error}")
        return None
    if node is None:
        return doc
    converter = _Converter(doc, problems, lines)
    try:
        doc.data = converter.convert(node, ())
    except _TooLarge as too_large:
        problems.error(
            too_large.location,
            f"the document expands to more than {MAX_NODES:,} values (aliases nested too deep?); refusing to read it",
        )
        return None
    except RecursionError:
        problems.error(Location(path, 1 + line_offset), "the document is nested too deeply to read")
        return None
    return doc


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
    if text.count("\n") + text.count(",") >= MAX_EVENTS // 2:
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

"""YAML read whole by the reference reader: composed into nodes by PyYAML (in C where libyaml is), then
into data by hand, so that each value keeps its line and column, a repeated key is an error, and a plain
number keeps the characters it was written with. `yamlsource.py` reads most files faster, in pieces, and
comes here for what it cannot read."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from builder.problems import Location, Problems
from builder.read import yamlpieces

try:
    from yaml import CSafeLoader as _ComposeLoader
except ImportError:  # pragma: no cover - libyaml is absent on some platforms
    from yaml import SafeLoader as _ComposeLoader  # type: ignore[assignment]

if TYPE_CHECKING:  # a document read in pieces composes its positions there, on demand
    from builder.read.yamlsource import _Unlocated

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

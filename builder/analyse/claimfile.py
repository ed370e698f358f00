"""One version of a claims file as the history reads it: what each claim states (its canonical value as
written and the editors' verdicts), cut from the file's bytes by the items of its `claims:` list, so that
the next version is read by what changed."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from builder.check.values import written
from builder.problems import Problems
from builder.read import yamlsource
from builder.read.load import CLAIMS_FILE
from builder.read.yamlpieces import list_items
from builder.read.yamlsource import parse_yaml


@dataclass(frozen=True)
class _File:
    """What history needs of one version of one YAML file."""

    includes: tuple[str, ...]
    claims: dict[str, _Record]
    layout: _Layout | None = field(default=None, compare=False, repr=False)
    """Where its items lie, when it is plain block YAML: for reading the next version."""
    blob: str = field(default="", compare=False)
    saved: list[_Claim | None] | None = field(default=None, compare=False, repr=False)
    """Its items, as the cache kept them, until its layout is needed (`_Reader.restored`)."""


@dataclass(frozen=True)
class _Layout:
    """Where the items of `claims:` lie in one version of a file, for reading the next by what changed."""

    data: bytes
    """The version, without a byte-order mark and with CRLF line ends as LF."""
    indent: bytes
    head: tuple[int, int]
    """Where the `claims:` line starts, and where the list after it begins."""
    end: int
    """Where the list ends."""
    starts: list[int]
    """Where each item starts."""
    items: list[_Claim | None]
    """Each item read, or None without an id."""

    def rest(self) -> bytes:
        """The file without its `claims:` list."""
        return self.data[: self.head[0]] + self.data[self.end :]


def _normalised(data: bytes) -> bytes:
    data = data.removeprefix(codecs.BOM_UTF8)
    return data.replace(b"\r\n", b"\n") if b"\r" in data else data


def _claims_of(items: list[_Claim | None]) -> dict[str, _Record]:
    return dict(filter(None, reversed(items)))  # the first item of an id counts, as in the build; in C


_CLAIMS_KEY = re.compile(rb"^claims:[ \t]*(?:#.*)?$", re.M)
# A line that ends the list: at the first column, and neither a comment nor an indentless item.
_SECTION_END = re.compile(rb"\n(?![ \t]|#|-(?:[ \t]|\n|\Z)|\n|\Z)")
_CONTENT = re.compile(rb"^ *[^ \n#]", re.M)


def _split(data: bytes) -> _Layout | None:
    """Where the items of the `claims:` list lie; None unless the list is plain block YAML (as the
    reader of pieces decides, `yamlpieces.list_items`)."""
    keys = list(_CLAIMS_KEY.finditer(data))
    if len(keys) != 1:
        return None
    begin = keys[0].end() + 1
    after = _SECTION_END.search(data, begin - 1)
    end = after.start() + 1 if after else len(data)
    first = _CONTENT.search(data, begin, end)
    found = list_items(data, first.start(), end) if first is not None else None
    if found is None:
        return None
    return _Layout(data, found[0], (keys[0].start(), begin), end, found[1], [])


def _item(text: str, path: str) -> _Claim | bool | None:
    """What history needs of one list item; None without an id; False if unreadable alone."""
    # By the build's own reader of pieces (Rust where YAML 1.1 and 1.2 agree): composing every item of
    # a large file with PyYAML, on each build from a fresh clone, would cost more than the build itself.
    data = yamlsource.read_piece(path, text)
    if data is None:
        doc = parse_yaml(text, path, Problems(), remember=False)
        data = doc.data if doc is not None else None
    if not isinstance(data, list) or len(data) != 1:
        return False
    return _claim(data[0])


class _Record(NamedTuple):
    """What one version of a claim states, as history follows it."""

    value: str | None
    """The canonical value as written; None when it cannot be read."""
    shape: str
    """A digest of the whole claim but its id, to tell a renamed claim."""
    verdicts: tuple[str, ...] = ()
    """Each variant's source, with the editors' verdict after `: ` where it has one, sorted."""
    title: str = ""
    """Its title, to name it once it is removed."""

    def states(self) -> tuple[str | None, tuple[str, ...]]:
        """What a change of which is a correction: the canonical value and the editors' verdicts."""
        return self.value, self.verdicts


_Claim = tuple[str, _Record]
"""A claim as history needs it: its id and what it states."""


def _claim(item: Any) -> _Claim | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return None
    rest = {k: v for k, v in item.items() if k != "id"}
    # A digest of the whole claim, not the claim: compared only for equality (a rename), and kept in the cache.
    shape = hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()[:32]
    title = item.get("title")
    return item["id"], _Record(
        _value(item.get("canonical")), shape, _verdicts(item.get("variants")), title if isinstance(title, str) else ""
    )


def _verdicts(variants: Any) -> tuple[str, ...]:
    """Each variant's source, with the editors' verdict after `: ` where it has one, sorted: so that a verdict
    given to a variant that was there before (a correction) is told from a new variant given one."""
    if not isinstance(variants, list):
        return ()
    found = []
    for v in variants:
        if isinstance(v, dict) and isinstance(v.get("source"), str):
            verdict = v.get("verdict")
            found.append(f"{v['source']}: {verdict}" if isinstance(verdict, str) else v["source"])
    return tuple(sorted(found))


def _patterns(data: dict[str, Any]) -> tuple[str, ...]:
    includes = data.get("include")
    return tuple(p for p in includes if isinstance(p, str)) if isinstance(includes, list) else ()


def _whole(text: str, path: str) -> _File | None:
    doc = parse_yaml(text, path, Problems(), remember=False)
    if doc is None or not isinstance(doc.data, dict):
        return None
    claims = doc.data.get("claims")
    found: dict[str, _Record] = {}
    for item in claims if isinstance(claims, list) else []:
        claim = _claim(item)
        if claim is not None:
            found.setdefault(*claim)
    return _File(_patterns(doc.data), found)


def _value(canonical: Any) -> str | None:
    if not isinstance(canonical, dict) or canonical.get("value") is None:
        return None
    value = canonical["value"]
    return value if isinstance(value, str) else written(value)


def _claims(files: dict[str, _File]) -> dict[str, _Record]:
    """The claims of the files the site's claims.yaml includes at this commit."""
    top = files.get(CLAIMS_FILE)
    if top is None:
        return {}
    included = [p for p in sorted(files) if p != CLAIMS_FILE and any(_matches(g, p) for g in top.includes)]
    merged: dict[str, _Record] = {}
    for path in reversed([CLAIMS_FILE, *included]):
        merged.update(files[path].claims)  # the first file that defines an id wins
    return merged


def _matches(pattern: str, path: str) -> bool:
    """Whether `path` is one of the files the include pattern names (`*`, `?`, `[...]`, `**/`)."""

    def match(parts: list[str], names: list[str]) -> bool:
        if not parts:
            return not names
        if parts[0] == "**":
            return any(match(parts[1:], names[i:]) for i in range(len(names) + 1))
        return bool(names) and fnmatchcase(names[0], parts[0]) and match(parts[1:], names[1:])

    return match([p for p in pattern.split("/") if p not in ("", ".")], path.split("/"))

"""Each claim's canonical figures over the git history, read in one pass and cached.

One `git log` lists every commit that touched a YAML file of the site, with
the blobs it changed; one `git cat-file --batch` gives those blobs one at a
time as the commits are replayed; each version of a file is read by the items
that changed since the version before it, and each distinct item is parsed
once. Replaying the commits from the oldest gives the claim files at every
commit, and so, per claim, the commits where its canonical value changed. A
merge takes a value it shares with a parent from that parent, so a figure set
on a branch is dated by the branch's commit.

The result is cached in `.factsheet-cache/history.json` at the site root,
keyed by HEAD, the files followed and the package version: a rebuild with no
new commit costs two `git rev-parse` calls. The cache also keeps the state of
the files at the last commit that touched them, from which a build after new
commits replays only those.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

from builder import __version__
from builder.check.model import ClaimHistory, FigureChange, Site
from builder.check.values import written
from builder.problems import Location, Problems
from builder.read import cache, git, yamlsource
from builder.read.load import CLAIMS_FILE
from builder.read.yamlsource import parse_yaml

CACHE_FILE = f"{cache.CACHE_DIR}/history.json"
YAML_FILES = ("**/*.yaml", "**/*.yml")


@dataclass(frozen=True)
class _File:
    """What history needs of one version of one YAML file."""

    includes: tuple[str, ...]
    claims: dict[str, tuple[str | None, str]]
    """Claim id: (canonical value as written, or None when unreadable; a digest of the whole claim, for renames)."""
    layout: _Layout | None = field(default=None, compare=False, repr=False)
    """Where its items lie, when it is plain block YAML: for reading the next version."""
    blob: str = field(default="", compare=False)
    saved: list[_Claim | None] | None = field(default=None, compare=False, repr=False)
    """Its items, as the cache kept them, until its layout is needed (`_Reader.restored`)."""


@dataclass(frozen=True)
class _Event:
    change: FigureChange
    previous: _Event | None


@dataclass
class _State:
    files: dict[str, _File]
    claims: dict[str, tuple[str | None, str]]
    events: dict[str, _Event]


def with_history(site: Site, problems: Problems) -> Site:
    """`site` with the history of its claims, when its folder is in a git repository."""
    try:
        repo = git.repository(site.root)
    except git.GitError:
        return site
    if repo.head is None:
        return site
    if repo.shallow:
        problems.warning(
            Location(CLAIMS_FILE),
            "this git repository is a shallow clone, so claim pages show no history; "
            "fetch the whole history (in GitHub Actions: fetch-depth: 0)",
        )
        return site
    try:
        history = claim_history(site.root, repo, site.claim_files)
    except git.GitError as error:
        problems.warning(Location(CLAIMS_FILE), f"claim history left out: git failed: {error}")
        return site
    return replace(site, history={c.id: history[c.id] for c in site.claims if c.id in history})


def claim_history(root: Path, repo: git.Repository, claim_files: Iterable[str]) -> dict[str, ClaimHistory]:
    """Per claim id, its canonical figures at HEAD's history; from the cache when HEAD has not moved, and
    from the cache's state plus the new commits when HEAD has moved on from it."""
    pathspecs = sorted({*YAML_FILES, *claim_files})
    key = {"version": __version__, "head": repo.head, "prefix": repo.prefix, "pathspecs": pathspecs}
    saved = _read_cache(root)
    if saved is not None and saved.get("key") == key:
        history = _history_of(saved)
        if history is not None:
            return history
    start = _saved_state(saved, key, repo)
    history, last = compute(repo, pathspecs, start)
    _write_cache(root, key, history, last)
    return history


def compute(
    repo: git.Repository, pathspecs: list[str], start: tuple[str, _State] | None = None
) -> tuple[dict[str, ClaimHistory], tuple[str, _State] | None]:
    """The history itself: one `git log`, one `git cat-file --batch` read as the commits are replayed (so
    that only the versions in use are held), each blob parsed once. With `start` (a commit HEAD
    descends from, and the state of its files), only the commits after it are replayed. Also gives
    the last commit that touched the files, and their state there, for the next call's `start`."""
    commits = git.log(repo, pathspecs, since=start[0] if start else None)
    if start is not None and not _follows(commits, start[0]):
        start, commits = None, git.log(repo, pathspecs)
    children: dict[str, int] = {}
    for commit in commits:
        for parent in commit.parents:
            children[parent] = children.get(parent, 0) + 1
    states: dict[str, _State] = dict([start]) if start else {}
    with git.BlobReader(repo) as blobs:
        reader = _Reader(blobs.read)
        for commit in commits:
            parents = [states[p] for p in commit.parents if p in states]
            states[commit.sha] = _replay(commit, parents, reader)
            for parent in commit.parents:
                children[parent] -= 1
                if children[parent] == 0:
                    states.pop(parent, None)
    # The last commit is the one whose files are HEAD's: HEAD itself, or the
    # newest commit before it that touched them.
    last = (commits[-1].sha, states[commits[-1].sha]) if commits else start
    if last is None:
        return {}, None
    return {claim_id: ClaimHistory(_chain(event)) for claim_id, event in sorted(last[1].events.items())}, last


def _follows(commits: list[git.Commit], start: str) -> bool:
    """Whether every parent of `commits` is one of them or `start`: no branch joins from before it."""
    known = {start, *(commit.sha for commit in commits)}
    return all(parent in known for commit in commits for parent in commit.parents)


def _replay(commit: git.Commit, parents: list[_State], reader: _Reader) -> _State:
    first = parents[0] if parents else _State({}, {}, {})
    files = dict(first.files)
    touched: set[str] = set()
    for path, blob in commit.changes:
        old = files.get(path)
        if blob is None:
            files.pop(path, None)
        else:
            read = reader.file(blob, path, reader.restored(old))
            if read is not None:  # a version that cannot be read keeps the last one that could
                files[path] = read
        new = files.get(path)
        if old is not new:
            before, after = old.claims if old else {}, new.claims if new else {}
            touched.update(claim_id for claim_id, _ in before.items() ^ after.items())  # in C: 10,000 a commit
    merged = _claims(files)
    if len(parents) != 1 or _includes(files) != _includes(first.files):
        touched = set(merged) | set(first.events)
    events = dict(first.events)
    vanished = {first.claims[i][1]: i for i in touched if i in first.claims and i not in merged}
    change = FigureChange("", _utc(commit.time), commit.subject, commit.sha[:7])
    for claim_id in sorted(touched):
        if claim_id not in merged:
            events.pop(claim_id, None)
            continue
        value, shape = merged[claim_id]
        known = [p.events[claim_id] for p in parents if claim_id in p.events]
        if value is None:
            if known:
                events[claim_id] = known[0]
            continue
        same = next((e for e in known if e.change.value == value), None)
        if same is None and not known and shape in vanished:
            same = first.events.get(vanished[shape])  # renamed, nothing else changed
        events[claim_id] = same or _Event(replace(change, value=value), known[0] if known else None)
    return _State(files, merged, events)


def _includes(files: dict[str, _File]) -> tuple[str, ...] | None:
    top = files.get(CLAIMS_FILE)
    return top.includes if top else None


def _claims(files: dict[str, _File]) -> dict[str, tuple[str | None, str]]:
    """The claims of the files the site's claims.yaml includes at this commit."""
    top = files.get(CLAIMS_FILE)
    if top is None:
        return {}
    included = [p for p in sorted(files) if p != CLAIMS_FILE and any(_matches(g, p) for g in top.includes)]
    merged: dict[str, tuple[str | None, str]] = {}
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


class _Reader:
    """Claim files as history needs them, each distinct text read once.

    Commits mostly change a claim or two of a long file, so the `claims:` list
    is cut into its items and each distinct item is parsed once, by the same
    reader of pieces as the build; a file that is not plain block YAML is
    parsed whole. A version is read by what changed since the version before
    it, when that is some items of the list: what lies before the first
    changed byte and after the last is the same, so only the items between are
    cut and looked up again (at 10,000 claims, 11 MB a version, cutting each
    version whole took 0.3 s).
    """

    def __init__(self, read: Callable[[str], bytes | None]) -> None:
        self._read_blob = read
        self.files: OrderedDict[str, _File | None] = OrderedDict()
        """The last versions read, by blob: a merge or a revert brings one back."""
        self.items: dict[bytes, _Claim | bool | None] = {}
        """Each item read, by a digest of its bytes."""
        self.rests: dict[bytes, tuple[str, ...] | None] = {}
        """The includes of each file without its list, by digest (the sources of a large desk are megabytes)."""

    def file(self, blob: str, path: str, before: _File | None = None) -> _File | None:
        """The version `blob` of `path`, read by what changed since `before` (the version it follows) when it can."""
        if blob in self.files:
            self.files.move_to_end(blob)
            return self.files[blob]
        data = self._read_blob(blob)
        read = None if data is None or b"\0" in data else _normalised(data)
        found = None if read is None else self._read(read, path, before)
        if found is not None:
            found = replace(found, blob=blob)
        self.files[blob] = found
        if len(self.files) > KEPT_VERSIONS:
            self.files.popitem(last=False)
        return found

    def restored(self, file: _File | None) -> _File | None:
        """`file` with its layout, when it was saved in the cache without one: read its blob again and
        cut it (30 ms at 10,000 claims), rather than read its 10,000 items (1.5 s)."""
        if file is None or file.saved is None:
            return file
        data = self._read_blob(file.blob)
        layout = None if data is None or b"\0" in data else _split(_normalised(data))
        if layout is None or len(layout.starts) != len(file.saved):
            return replace(file, saved=None)
        return replace(file, layout=replace(layout, items=file.saved), saved=None)

    def _read(self, data: bytes, path: str, before: _File | None) -> _File | None:
        if before is not None and before.layout is not None:
            found = self._changed(before, data, path)
            if found is not None:
                return found
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        layout = _split(data)
        if layout is None:
            return _whole(text, path)
        includes: tuple[str, ...] | None = ()
        if path == CLAIMS_FILE:
            rest = layout.rest()
            key = hashlib.sha256(rest).digest()
            if key not in self.rests:
                doc = parse_yaml(rest.decode("utf-8"), path, Problems(), remember=False)
                self.rests[key] = _patterns(doc.data) if doc is not None and isinstance(doc.data, dict) else None
            includes = self.rests[key]
            if includes is None:
                return None
        items = self._items(data, layout.starts, layout.end, path)
        if items is None:
            return _whole(text, path)
        return _File(includes, _claims_of(items), replace(layout, items=items))

    def _items(self, data: bytes, starts: list[int], end: int, path: str) -> list[_Claim | None] | None:
        """Each item between `starts` and `end` read; None when one cannot be read alone."""
        items: list[_Claim | None] = []
        for begin, stop in zip(starts, [*starts[1:], end], strict=True):
            piece = data[begin:stop]
            # By a digest of its bytes, not its text: at 100,000 claims the texts would be 130 MB more.
            key = hashlib.blake2b(piece, digest_size=16).digest()
            if key not in self.items:
                self.items[key] = _item(piece.decode("utf-8"), path)
            found = self.items[key]
            if found is False:
                return None
            items.append(found if isinstance(found, tuple) else None)
        return items

    def _changed(self, before: _File, data: bytes, path: str) -> _File | None:
        """The version `data` read from `before` by the items that changed; None unless only items did."""
        layout = before.layout
        assert layout is not None
        old = layout.data
        if old == data:
            return before  # line ends or a byte-order mark changed, nothing else
        first_change = _common_prefix(old, data)
        unchanged_end = _common_suffix(old, data, min(len(old), len(data)) - first_change)
        old_stop, shift = len(old) - unchanged_end, len(data) - len(old)
        if not layout.starts or first_change < layout.starts[0] or old_stop > layout.end:
            return None  # a change outside the list's items
        # From the item holding the first changed byte (and the one before, when the change is in the
        # `- ` that starts it, which may then join it) to the first item that starts after the last one.
        first = max(0, bisect_right(layout.starts, first_change) - 1)
        if first and first_change < layout.starts[first] + len(layout.indent) + 2:
            first -= 1
        after = bisect_right(layout.starts, old_stop)
        begin = layout.starts[first]
        stop = (layout.starts[after] if after < len(layout.starts) else layout.end) + shift
        if stop < len(data) and data[stop - 1 : stop] != b"\n":
            return None
        span = data[begin:stop]
        if not span.startswith(layout.indent + b"- "):
            return None
        if _out_of_list(layout.indent).search(b"\n" + span) is not None:
            return None  # a line that is not an item's, as `_split` checks (read alone, most would not parse)
        starts = [begin, *(begin + m.start() + 1 for m in _item_start(layout.indent).finditer(span))]
        try:
            items = self._items(data, starts, stop, path)
        except UnicodeDecodeError:
            return None
        if items is None:
            return None
        all_starts = [*layout.starts[:first], *starts, *(s + shift for s in layout.starts[after:])]
        all_items = [*layout.items[:first], *items, *layout.items[after:]]
        new = _Layout(data, layout.indent, layout.head, layout.end + shift, all_starts, all_items)
        return _File(before.includes, _claims_of(all_items), new)


KEPT_VERSIONS = 4
"""File versions kept by blob, for a merge or a revert (each holds its bytes: 11 MB at 10,000 claims)."""


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


def _claims_of(items: list[_Claim | None]) -> dict[str, tuple[str | None, str]]:
    return dict(filter(None, reversed(items)))  # the first item of an id counts, as in the build; in C


_STEP = 1 << 15


def _common_prefix(a: bytes, b: bytes) -> int:
    """How many bytes `a` and `b` start with in common (compared a block at a time, in C)."""
    size = min(len(a), len(b))
    low = 0
    while low < size and a[low : min(low + _STEP, size)] == b[low : min(low + _STEP, size)]:
        low += _STEP
    if low >= size:
        return size
    high = min(low + _STEP, size)
    while high - low > 1:  # the first difference lies in a[low:high]
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    return low


def _common_suffix(a: bytes, b: bytes, most: int) -> int:
    """How many bytes, at most `most`, `a` and `b` end with in common."""
    ends = len(a), len(b)

    def same(low: int, high: int) -> bool:  # the bytes from `high` to `low` before the ends
        return a[ends[0] - high : ends[0] - low] == b[ends[1] - high : ends[1] - low]

    low = 0
    while low < most and same(low, min(low + _STEP, most)):
        low += _STEP
    if low >= most:
        return most
    high = min(low + _STEP, most)
    while high - low > 1:
        middle = (low + high) // 2
        if same(low, middle):
            low = middle
        else:
            high = middle
    return low


_CLAIMS_KEY = re.compile(rb"^claims:[ \t]*(?:#.*)?$", re.M)
# A line that ends the list: at the first column, and neither a comment nor an indentless item.
_SECTION_END = re.compile(rb"\n(?![ \t]|#|-[ \t]|\n|\Z)")
_FIRST = re.compile(rb"^( *)(?![ #])\S", re.M)


@lru_cache(maxsize=8)
def _item_start(indent: bytes) -> re.Pattern[bytes]:
    """A newline before an item's start (the literal first character makes the search fast)."""
    return re.compile(b"\n" + re.escape(indent) + b"- ")


@lru_cache(maxsize=8)
def _out_of_list(indent: bytes) -> re.Pattern[bytes]:
    """A newline before a line that is neither part of an item at `indent`, nor blank, nor a comment."""
    return re.compile(b"\n(?!" + re.escape(indent) + b"(?:- | )|[ \t]*(?:#|\n|$))")


def _split(data: bytes) -> _Layout | None:
    """Where the items of the `claims:` list lie; None unless the list is plain block YAML."""
    keys = list(_CLAIMS_KEY.finditer(data))
    if len(keys) != 1:
        return None
    begin = keys[0].end() + 1
    after = _SECTION_END.search(data, begin - 1)
    end = after.start() + 1 if after else len(data)
    first = _FIRST.search(data, begin, end)
    if first is None or data[first.end() - 1 : first.end() + 1] != b"- ":
        return None
    indent = first.group(1)
    if _out_of_list(indent).search(data, begin - 1, end) is not None:
        return None  # a line less indented than the items, or something else at their indentation
    starts = [first.start(), *(m.start() + 1 for m in _item_start(indent).finditer(data, first.start(), end))]
    return _Layout(data, indent, (keys[0].start(), begin), end, starts, [])


def _item(text: str, path: str) -> _Claim | bool | None:
    """What history needs of one list item; None without an id; False if unreadable alone."""
    # By the build's own reader of pieces (Rust where YAML 1.1 and 1.2 agree): composed by PyYAML,
    # every item of a 10,000-claim file took 10 s, on each build from a fresh clone.
    data = yamlsource.read_piece(path, text)
    if data is None:
        doc = parse_yaml(text, path, Problems(), remember=False)
        data = doc.data if doc is not None else None
    if not isinstance(data, list) or len(data) != 1:
        return False
    return _claim(data[0])


_Claim = tuple[str, tuple[str | None, str]]
"""A claim as history needs it: (id, (canonical value as written, a digest of the whole claim))."""


def _claim(item: Any) -> _Claim | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return None
    rest = {k: v for k, v in item.items() if k != "id"}
    # A digest of the whole claim, not the claim: compared only for equality (a rename), and kept in the cache.
    shape = hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return item["id"], (_value(item.get("canonical")), shape)


def _patterns(data: dict[str, Any]) -> tuple[str, ...]:
    includes = data.get("include")
    return tuple(p for p in includes if isinstance(p, str)) if isinstance(includes, list) else ()


def _whole(text: str, path: str) -> _File | None:
    doc = parse_yaml(text, path, Problems(), remember=False)
    if doc is None or not isinstance(doc.data, dict):
        return None
    claims = doc.data.get("claims")
    found: dict[str, tuple[str | None, str]] = {}
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


def _utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _chain(event: _Event | None) -> tuple[FigureChange, ...]:
    changes = []
    while event is not None:
        changes.append(event.change)
        event = event.previous
    return tuple(reversed(changes))


# -- the cache ---------------------------------------------------------------------
#
# The history at the last HEAD, and the state to go on from: the last commit that touched the
# claim files, and what each file held there (its blob, includes and items), so that a build
# after new commits replays only those.


def _read_cache(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _history_of(saved: dict[str, Any]) -> dict[str, ClaimHistory] | None:
    try:
        return {
            claim_id: ClaimHistory(tuple(FigureChange(**change) for change in changes))
            for claim_id, changes in saved["claims"].items()
        }
    except (TypeError, KeyError, AttributeError):
        return None


def _saved_state(saved: dict[str, Any] | None, key: dict[str, Any], repo: git.Repository) -> tuple[str, _State] | None:
    """The state the cache kept, when it is of this site and HEAD descends from its commit."""
    if saved is None or not isinstance(saved.get("key"), dict) or not isinstance(saved.get("state"), dict):
        return None
    if {k: v for k, v in saved["key"].items() if k != "head"} != {k: v for k, v in key.items() if k != "head"}:
        return None
    history = _history_of(saved)
    try:
        commit, files = saved["state"]["commit"], saved["state"]["files"]
        restored = {
            path: _File(
                tuple(file["includes"]),
                _claims_of(items) if (items := _claims_in(file["items"])) is not None else {},
                blob=file["blob"],
                saved=items,
            )
            for path, file in files.items()
        }
        if history is None or any(f.saved is None for f in restored.values()):
            return None
        # Object names only: they go on git's command line and to its input (a cache may come from elsewhere).
        names = [commit, *(f.blob for f in restored.values())]
        if not all(isinstance(name, str) and _OBJECT_NAME.fullmatch(name) for name in names):
            return None
        if not all(isinstance(pattern, str) for f in restored.values() for pattern in f.includes):
            return None
    except (TypeError, KeyError, AttributeError, ValueError):
        return None
    if not git.is_ancestor(repo, commit, key["head"]):
        return None  # HEAD went back, or to another branch: read from the start
    events: dict[str, _Event] = {}
    for claim_id, entry in history.items():
        event = None
        for change in entry.changes:
            event = _Event(change, event)
        if event is not None:
            events[claim_id] = event
    return commit, _State(restored, _claims(restored), events)


_OBJECT_NAME = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _claims_in(items: Any) -> list[_Claim | None] | None:
    if not isinstance(items, list):
        return None
    found: list[_Claim | None] = []
    for item in items:
        if item is None:
            found.append(None)
        elif isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and isinstance(item[2], str):
            found.append((item[0], (item[1], item[2])))
        else:
            return None
    return found


def _write_cache(
    root: Path, key: dict[str, Any], history: dict[str, ClaimHistory], last: tuple[str, _State] | None
) -> None:
    """Best effort: a site folder that cannot be written to is simply not cached."""
    data: dict[str, Any] = {
        "key": key,
        "claims": {
            claim_id: [
                {"value": c.value, "time": c.time, "subject": c.subject, "commit": c.commit} for c in entry.changes
            ]
            for claim_id, entry in history.items()
        },
    }
    files = last[1].files if last is not None else {}
    items = {path: _items_of(file) for path, file in files.items()}
    if last is not None and all(items[path] is not None and file.blob for path, file in files.items()):
        data["state"] = {
            "commit": last[0],
            "files": {
                path: {
                    "blob": file.blob,
                    "includes": list(file.includes),
                    "items": [None if item is None else [item[0], *item[1]] for item in items[path] or []],
                }
                for path, file in files.items()
            },
        }
    cache.keep(root, "history.json", json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _items_of(file: _File) -> list[_Claim | None] | None:
    """A file's items in order; None when it was read whole (its state is then not kept)."""
    if file.layout is not None:
        return file.layout.items
    return file.saved

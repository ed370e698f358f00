"""Each claim's canonical figures over the git history, read in one pass and cached.

One `git log` lists every commit that touched a YAML file of the site, with
the blobs it changed; one `git cat-file --batch` reads those blobs; each
distinct blob is parsed once. Replaying the commits from the oldest gives
the claim files at every commit, and so, per claim, the commits where its
canonical value changed. A merge takes a value it shares with a parent from
that parent, so a figure set on a branch is dated by the branch's commit.

The result is cached in `.factsheet-cache/history.json` at the site root,
keyed by HEAD, the files followed and the package version: a rebuild with no
new commit costs two `git rev-parse` calls.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from builder import __version__, cache, git
from builder.load import CLAIMS_FILE
from builder.model import ClaimHistory, FigureChange, Site
from builder.problems import Location, Problems
from builder.values import written
from builder.yamlsource import parse_yaml

CACHE_FILE = f"{cache.CACHE_DIR}/history.json"
YAML_FILES = ("**/*.yaml", "**/*.yml")


@dataclass(frozen=True)
class _File:
    """What history needs of one version of one YAML file."""

    includes: tuple[str, ...]
    claims: dict[str, tuple[str | None, str]]
    """Claim id: (canonical value as written, or None when unreadable; the whole claim, for renames)."""


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
    """Per claim id, its canonical figures at HEAD's history; from the cache when HEAD has not moved."""
    pathspecs = sorted({*YAML_FILES, *claim_files})
    key = {"version": __version__, "head": repo.head, "prefix": repo.prefix, "pathspecs": pathspecs}
    cached = _read_cache(root, key)
    if cached is not None:
        return cached
    history = compute(repo, pathspecs)
    _write_cache(root, key, history)
    return history


def compute(repo: git.Repository, pathspecs: list[str]) -> dict[str, ClaimHistory]:
    """The history itself: one `git log`, one `git cat-file --batch`, each blob parsed once."""
    commits = git.log(repo, pathspecs)
    blobs = git.read_blobs(repo, (blob for c in commits for _, blob in c.changes if blob))
    reader = _Reader()
    children: dict[str, int] = {}
    for commit in commits:
        for parent in commit.parents:
            children[parent] = children.get(parent, 0) + 1
    states: dict[str, _State] = {}
    for commit in commits:
        parents = [states[p] for p in commit.parents if p in states]
        states[commit.sha] = _replay(commit, parents, blobs, reader)
        for parent in commit.parents:
            children[parent] -= 1
            if children[parent] == 0:
                states.pop(parent, None)
    if not commits:
        return {}
    # The last commit is the one whose files are HEAD's: HEAD itself, or the
    # newest commit before it that touched them.
    final = states[commits[-1].sha]
    return {claim_id: ClaimHistory(_chain(event)) for claim_id, event in sorted(final.events.items())}


def _replay(commit: git.Commit, parents: list[_State], blobs: dict[str, bytes], reader: _Reader) -> _State:
    first = parents[0] if parents else _State({}, {}, {})
    files = dict(first.files)
    touched: set[str] = set()
    for path, blob in commit.changes:
        old = files.get(path)
        if blob is None:
            files.pop(path, None)
        else:
            read = reader.file(blob, blobs.get(blob), path)
            if read is not None:  # a version that cannot be read keeps the last one that could
                files[path] = read
        new = files.get(path)
        if old is not new:
            before, after = old.claims if old else {}, new.claims if new else {}
            touched.update(i for i in before.keys() | after.keys() if before.get(i) != after.get(i))
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
    `parse_yaml` as the build; a file that is not plain block YAML is parsed
    whole.
    """

    def __init__(self) -> None:
        self.files: dict[str, _File | None] = {}
        self.items: dict[str, tuple[str, str | None, str] | bool | None] = {}
        self.rests: dict[str, tuple[str, ...] | None] = {}

    def file(self, blob: str, data: bytes | None, path: str) -> _File | None:
        if blob not in self.files:
            self.files[blob] = self._read(data, path)
        return self.files[blob]

    def _read(self, data: bytes | None, path: str) -> _File | None:
        if data is None or b"\0" in data:
            return None
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError:
            return None
        split = _split(text)
        if split is None:
            return _whole(text, path)
        rest, items = split
        includes: tuple[str, ...] | None = ()
        if path == CLAIMS_FILE:
            if rest not in self.rests:
                doc = parse_yaml(rest, path, Problems())
                self.rests[rest] = _patterns(doc.data) if doc is not None and isinstance(doc.data, dict) else None
            includes = self.rests[rest]
            if includes is None:
                return None
        claims: dict[str, tuple[str | None, str]] = {}
        for item in items:
            if item not in self.items:
                self.items[item] = _item(item, path)
            found = self.items[item]
            if found is False:
                return _whole(text, path)
            if isinstance(found, tuple):
                claims.setdefault(found[0], (found[1], found[2]))
        return _File(includes, claims)


_CLAIMS_KEY = re.compile(r"^claims:[ \t]*(?:#.*)?$", re.M)
_SECTION_END = re.compile(r"^(?![ \t]|#|-[ \t]|$)", re.M)
_FIRST = re.compile(r"^( *)(?![ #])\S", re.M)


def _split(text: str) -> tuple[str, list[str]] | None:
    """The file without its `claims:` list, and the text of each item; None unless plain block YAML."""
    keys = list(_CLAIMS_KEY.finditer(text))
    if len(keys) != 1:
        return None
    begin = keys[0].end() + 1
    after = _SECTION_END.search(text, begin)
    end = after.start() if after else len(text)
    body = text[begin:end]
    first = _FIRST.search(body)
    if first is None or not body.startswith("- ", first.end() - 1):
        return None
    indent = re.escape(first.group(1))
    if re.search(rf"^(?!{indent}(?:- | )|[ \t]*(?:#|$))", body, re.M):
        return None  # a line less indented than the items, or something else at their indentation
    starts = [m.start() for m in re.finditer(rf"^{indent}- ", body, re.M)]
    items = [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    return text[: keys[0].start()] + text[end:], items


def _item(text: str, path: str) -> tuple[str, str | None, str] | bool | None:
    """(id, canonical value, the whole claim) of one list item; None without an id; False if unreadable alone."""
    doc = parse_yaml(text, path, Problems())
    if doc is None or not isinstance(doc.data, list) or len(doc.data) != 1:
        return False
    return _claim(doc.data[0])


def _claim(item: Any) -> tuple[str, str | None, str] | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return None
    rest = {k: v for k, v in item.items() if k != "id"}
    return item["id"], _value(item.get("canonical")), json.dumps(rest, sort_keys=True, default=str)


def _patterns(data: dict[str, Any]) -> tuple[str, ...]:
    includes = data.get("include")
    return tuple(p for p in includes if isinstance(p, str)) if isinstance(includes, list) else ()


def _whole(text: str, path: str) -> _File | None:
    doc = parse_yaml(text, path, Problems())
    if doc is None or not isinstance(doc.data, dict):
        return None
    claims = doc.data.get("claims")
    found: dict[str, tuple[str | None, str]] = {}
    for item in claims if isinstance(claims, list) else []:
        claim = _claim(item)
        if claim is not None:
            found.setdefault(claim[0], (claim[1], claim[2]))
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


def _read_cache(root: Path, key: dict[str, Any]) -> dict[str, ClaimHistory] | None:
    try:
        data = json.loads((root / CACHE_FILE).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return {
            claim_id: ClaimHistory(tuple(FigureChange(**change) for change in changes))
            for claim_id, changes in data["claims"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _write_cache(root: Path, key: dict[str, Any], history: dict[str, ClaimHistory]) -> None:
    """Best effort: a site folder that cannot be written to is simply not cached."""
    data = {
        "key": key,
        "claims": {
            claim_id: [
                {"value": c.value, "time": c.time, "subject": c.subject, "commit": c.commit} for c in entry.changes
            ]
            for claim_id, entry in history.items()
        },
    }
    cache.keep(root, "history.json", json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))

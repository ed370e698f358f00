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

import hashlib
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from builder import __version__
from builder.analyse.claimfile import (
    _Claim,
    _claims,
    _claims_of,
    _File,
    _item,
    _Layout,
    _normalised,
    _patterns,
    _split,
    _whole,
)
from builder.analyse.historycache import (
    GitHistory,
    _chain,
    _Event,
    _history_of,
    _read_cache,
    _saved_state,
    _State,
    _utc,
    _write_cache,
)
from builder.check.model import ClaimHistory, FigureChange, RemovedClaim, Site
from builder.problems import Location, Problems
from builder.read import git
from builder.read.ends import common_prefix, common_suffix
from builder.read.load import CLAIMS_FILE
from builder.read.yamlpieces import list_items
from builder.read.yamlsource import parse_yaml

YAML_FILES = ("**/*.yaml", "**/*.yml")


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
            "this git repository is a shallow clone, so claim pages show no history and corrections are left out; "
            "fetch the whole history (in GitHub Actions: fetch-depth: 0)",
        )
        return site
    try:
        history = claim_history(site.root, repo, site.claim_files)
    except git.GitError as error:
        problems.warning(Location(CLAIMS_FILE), f"claim history left out: git failed: {error}")
        return site
    present = {c.id for c in site.claims}
    return replace(
        site,
        history={c.id: history.claims[c.id] for c in site.claims if c.id in history.claims},
        removed=tuple(r for r in history.removed if r.id not in present),
        history_read=True,
    )


def claim_history(root: Path, repo: git.Repository, claim_files: Iterable[str]) -> GitHistory:
    """What each claim stated over HEAD's history, and the claims removed; from the cache when HEAD has not
    moved, and from the cache's state plus the new commits when HEAD has moved on from it."""
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
) -> tuple[GitHistory, tuple[str, _State] | None]:
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
        return GitHistory({}, ()), None
    state = last[1]
    claims = {claim_id: ClaimHistory(_chain(event)) for claim_id, event in sorted(state.events.items())}
    removed = sorted(state.removed.values(), key=lambda r: (r.removal.time, r.id), reverse=True)
    return GitHistory(claims, tuple(removed)), last


def _follows(commits: list[git.Commit], start: str) -> bool:
    """Whether every parent of `commits` is one of them or `start`: no branch joins from before it."""
    known = {start, *(commit.sha for commit in commits)}
    return all(parent in known for commit in commits for parent in commit.parents)


def _replay(commit: git.Commit, parents: list[_State], reader: _Reader) -> _State:
    first = parents[0] if parents else _State({}, {}, {}, {})
    files, touched = _read_changes(commit, first, reader)
    merged = _claims(files)
    if len(parents) != 1 or _includes(files) != _includes(first.files):
        touched = set(merged) | set(first.events)
    events = dict(first.events)
    removed = {k: v for p in reversed(parents) for k, v in p.removed.items()}
    gone = {i for i in touched if i in first.claims and i not in merged}
    shapes = {merged[i].shape for i in touched if i in merged}
    vanished = {first.claims[i].shape: i for i in gone}
    change = FigureChange("", _utc(commit.time), commit.subject, commit.sha[:7])
    for claim_id in sorted(touched):
        if claim_id not in merged:
            event = events.pop(claim_id, None)
            if claim_id in gone and first.claims[claim_id].shape not in shapes and event is not None:
                removal = replace(change, value=event.change.value, verdicts=event.change.verdicts)
                removed[claim_id] = RemovedClaim(claim_id, first.claims[claim_id].title, event.change, removal)
            continue
        removed.pop(claim_id, None)
        record = merged[claim_id]
        known = [p.events[claim_id] for p in parents if claim_id in p.events]
        if record.value is None:
            if known:
                events[claim_id] = known[0]
            continue
        same = next((e for e in known if (e.change.value, e.change.verdicts) == record.states()), None)
        if same is None and not known and record.shape in vanished:
            same = first.events.get(vanished[record.shape])  # renamed, nothing else changed
        if same is None:
            same = _Event(replace(change, value=record.value, verdicts=record.verdicts), known[0] if known else None)
        events[claim_id] = same
    return _State(files, merged, events, removed)


def _read_changes(commit: git.Commit, first: _State, reader: _Reader) -> tuple[dict[str, _File], set[str]]:
    """The files after `commit` (from its first parent's), and the claims whose records it changed."""
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
    return files, touched


def _includes(files: dict[str, _File]) -> tuple[str, ...] | None:
    top = files.get(CLAIMS_FILE)
    return top.includes if top else None


class _Reader:
    """Claim files as history needs them, each distinct text read once.

    Commits mostly change a claim or two of a long file, so the `claims:` list
    is cut into its items and each distinct item is parsed once, by the same
    reader of pieces as the build; a file that is not plain block YAML is
    parsed whole. A version is read by what changed since the version before
    it, when that is some items of the list: what lies before the first
    changed byte and after the last is the same, so only the items between are
    cut and looked up again (cutting each version of a large file whole would
    cost more than reading the commits).
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
        cut it, much faster than reading each of its items again."""
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
            # By a digest of its bytes, not its text: a large desk's texts would be much more memory.
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
        first_change = common_prefix(old, data)
        unchanged_end = common_suffix(old, data, min(len(old), len(data)) - first_change)
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
        found = list_items(data, begin, stop)
        if found is None or found[0] != layout.indent:
            return None  # a line that is not an item's, as `_split` checks (read alone, most would not parse)
        starts = found[1]
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
"""File versions kept by blob, for a merge or a revert (each holds its bytes, so few are kept)."""


# -- the cache ---------------------------------------------------------------------
#
# The history at the last HEAD, and the state to go on from: the last commit that touched the
# claim files, and what each file held there (its blob, includes and items), so that a build
# after new commits replays only those.

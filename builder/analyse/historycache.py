"""The history as a build keeps it in `.factsheet-cache/history.json`: each claim's changes and the state of
the last commit read, so that the next build reads only the commits since."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from builder.analyse.claimfile import (
    _Claim,
    _claims,
    _claims_of,
    _File,
    _Record,
)
from builder.check.model import ClaimHistory, FigureChange, RemovedClaim
from builder.read import cache, git

CACHE_FILE = f"{cache.CACHE_DIR}/history.json"


@dataclass(frozen=True)
class _Event:
    change: FigureChange
    previous: _Event | None


@dataclass
class _State:
    files: dict[str, _File]
    claims: dict[str, _Record]
    events: dict[str, _Event]
    removed: dict[str, RemovedClaim]


@dataclass(frozen=True)
class GitHistory:
    """What the history gives the build."""

    claims: dict[str, ClaimHistory]
    """What each claim stated, by claim id, for the claims at HEAD and those removed."""
    removed: tuple[RemovedClaim, ...]
    """The claims removed, the last removed first."""


def _utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _chain(event: _Event | None) -> tuple[FigureChange, ...]:
    changes = []
    while event is not None:
        changes.append(event.change)
        event = event.previous
    return tuple(reversed(changes))


def _read_cache(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _change(saved: dict[str, Any]) -> FigureChange:
    return FigureChange(**{**saved, "verdicts": tuple(saved["verdicts"])})


def _saved(change: FigureChange) -> dict[str, Any]:
    return {
        "value": change.value,
        "time": change.time,
        "subject": change.subject,
        "commit": change.commit,
        "verdicts": list(change.verdicts),
    }


def _history_of(saved: dict[str, Any]) -> GitHistory | None:
    try:
        return GitHistory(
            {
                claim_id: ClaimHistory(tuple(_change(change) for change in changes))
                for claim_id, changes in saved["claims"].items()
            },
            tuple(
                RemovedClaim(r["id"], r["title"], _change(r["last"]), _change(r["removal"])) for r in saved["removed"]
            ),
        )
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
    for claim_id, entry in history.claims.items():
        event = None
        for change in entry.changes:
            event = _Event(change, event)
        if event is not None:
            events[claim_id] = event
    removed = {r.id: r for r in history.removed}
    return commit, _State(restored, _claims(restored), events, removed)


_OBJECT_NAME = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _claims_in(items: Any) -> list[_Claim | None] | None:
    if not isinstance(items, list):
        return None
    found: list[_Claim | None] = []
    for item in items:
        if item is None:
            found.append(None)
        elif (
            isinstance(item, list)
            and len(item) == 5
            and all(isinstance(part, str) for part in (item[0], item[2], item[4]))
            and isinstance(item[3], list)
        ):
            found.append((item[0], _Record(item[1], item[2], tuple(item[3]), item[4])))
        else:
            return None
    return found


def _write_cache(root: Path, key: dict[str, Any], history: GitHistory, last: tuple[str, _State] | None) -> None:
    """Best effort: a site folder that cannot be written to is simply not cached."""
    data: dict[str, Any] = {
        "key": key,
        "claims": {claim_id: [_saved(c) for c in entry.changes] for claim_id, entry in history.claims.items()},
        "removed": [
            {"id": r.id, "title": r.title, "last": _saved(r.last), "removal": _saved(r.removal)}
            for r in history.removed
        ],
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
                    "items": [
                        None
                        if item is None
                        else [item[0], item[1].value, item[1].shape, list(item[1].verdicts), item[1].title]
                        for item in items[path] or []
                    ],
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

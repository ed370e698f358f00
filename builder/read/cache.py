"""`.factsheet-cache/` at the site root: what a build keeps to spare the next one work.

Everything in it can be made again from the site's files (and git), so it is
git-ignored (by a `.gitignore` of its own too) and safe to delete; a cache that
cannot be written is simply not kept.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from builder.files import atomic_write

CACHE_DIR = ".factsheet-cache"


def folder(root: Path) -> Path:
    return root / CACHE_DIR


def keep(root: Path, name: str, data: bytes) -> None:
    """`data` as the cache file `name`, replaced atomically (`files.atomic_write`); best effort."""
    place = folder(root)
    with contextlib.suppress(OSError):
        made(root)
        atomic_write(place / name, data)


def made(root: Path) -> Path:
    """The cache folder, made if it is not there, with its `.gitignore` (OSError when it cannot be)."""
    place = folder(root)
    place.mkdir(exist_ok=True)
    if not (place / ".gitignore").exists():
        (place / ".gitignore").write_text("# written by factsheet; safe to delete\n*\n", encoding="utf-8")
    return place


def forget(root: Path, name: str) -> None:
    with contextlib.suppress(OSError):
        (folder(root) / name).unlink(missing_ok=True)

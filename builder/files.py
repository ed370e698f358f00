"""A file of the site: its bytes, or the digest of bytes written before; and a file replaced whole or not at all.

Shared by the stages that make files (render), write them (write) and keep them between builds (the
search index's cache), so that each writes a file the same way.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Kept:
    """An output file that a build wrote and no longer holds: its digest, enough to tell whether a new
    one is the same. `serve` keeps these instead of the bytes of every file (a large desk's site)."""

    digest: bytes

    @classmethod
    def of(cls, data: bytes) -> Kept:
        return cls(hashlib.sha256(data).digest())


Output = bytes | Kept
"""A file to write, or one written before that the next build shows unchanged."""


def atomic_write(path: Path, data: bytes) -> None:
    """`data` at `path`, through a temporary file beside it and a rename, so that no reader sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

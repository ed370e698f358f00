"""What a one-off build does with each file as it is made: staged for the swap, fed to the search index's
scratch folder, its digest kept for a session's next build; and the memory a build gives back."""

from __future__ import annotations

import ctypes
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from builder.files import Kept
from builder.render.search import Fed, Scratch
from builder.write.staging import Staging


def _give_back_memory() -> None:
    """Hand the memory freed by a build back to the system (glibc keeps it otherwise): `serve`, which
    keeps only the digests of the site it wrote, then holds much less (docs/speed.md has the measures)."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


@dataclass(frozen=True)
class Staged:
    """One file of a streamed build, as its sink left it."""

    new: bool
    """Whether its bytes differ from those the output holds now."""
    stamp: list[int]
    """Its `uptodate.stamp`, as it was staged (the swap keeps it), for the record of the build."""
    fed: Fed | None = None
    """Its document, waiting for Pagefind, if it is searched."""
    kept: Kept | None = None
    """Its digest, for a session's next build to compare with."""


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _staging_sink(
    staging: Staging, scratch: Scratch | None, keep: bool
) -> Callable[[str, bytes | Iterable[bytes]], Staged]:
    """What a streamed build does with each file made: staged, fed to the search index's scratch folder
    when it is a page, and, with `keep`, its digest kept for the session's next build."""

    def sink(path: str, data: bytes | Iterable[bytes]) -> Staged:
        fed = scratch.put(path, data) if scratch is not None and isinstance(data, bytes) else None
        if not keep:
            return Staged(*staging.put(path, data), fed)
        if isinstance(data, bytes):
            return Staged(*staging.put(path, data), fed, Kept.of(data))
        digest = hashlib.sha256()
        new, stamp = staging.put(path, _digested(data, digest))
        return Staged(new, stamp, fed, Kept(digest.digest()))

    return sink


def _digested(parts: Iterable[bytes], digest: hashlib._Hash) -> Iterator[bytes]:
    """`parts`, each added to `digest` as it goes by."""
    for part in parts:
        digest.update(part)
        yield part

"""One writer of an output folder at a time, across processes (a build, serve, another build), and how a
session tells that another writer has changed the folder since it last wrote."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from builder.write.writer import MARKER


def lock_file(out: Path) -> Path:
    """Where the lock of an output folder is: in the system's temporary folder, named by the folder's
    path and the user, so that a build that fails leaves nothing in the desk."""
    user = os.getuid() if hasattr(os, "getuid") else 0
    digest = hashlib.sha256(os.fsencode(out.resolve())).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"factsheet-{user}-{digest}.lock"


@contextlib.contextmanager
def output_lock(lock_file: Path) -> Iterator[None]:
    """One writer of an output folder at a time (`build`, `serve` and another `build`), across processes.

    A POSIX record lock (`fcntl.lockf`), not `flock`: the render workers are forks of the build, and a
    `flock` lock would live on in a worker after the build let go of it. Where the lock file cannot be
    made (a read-only desk), or on a system without `fcntl`, the writer goes on without it.

    The lock file is removed when the writer lets go, while it still holds it, so that the temporary
    folder does not keep one for every output folder ever built. A writer that waited on the file it
    removed then holds a lock on a file no longer at its path, which locks nothing: it takes the lock of
    the file that is there now instead.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    while True:
        try:
            handle = os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError:
            yield
            return
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX)
            held = _same_file(handle, lock_file)
        except BaseException:
            os.close(handle)
            raise
        if held:
            break
        os.close(handle)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_file)
        os.close(handle)  # closing the file lets go of the lock


def _same_file(handle: int, path: Path) -> bool:
    """Whether the open file `handle` is still the file at `path`."""
    try:
        return os.path.samestat(os.fstat(handle), os.stat(path))
    except FileNotFoundError:
        return False


def identity(out: Path) -> tuple[int, ...] | None:
    """What tells this output folder as a writer left it from one another writer replaced or rewrote: the
    folder's inode (a full build swaps in a new folder) and its marker's (rewritten when the files change)."""
    try:
        folder, marker = out.stat(), (out / MARKER).stat()
    except OSError:
        return None
    return (folder.st_ino, marker.st_ino, marker.st_mtime_ns, marker.st_size)

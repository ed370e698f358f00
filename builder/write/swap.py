"""One folder put in place of another in one step (renameat2 on Linux, renamex_np on macOS), what the old
one held of the user's carried over; and a folder removed, read-only parts included."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
from collections.abc import Callable, Collection
from pathlib import Path


def _exchange_keeping(staging: Path, out: Path, kept: Collection[str]) -> bool:
    """Swap the staged site in, with what the output holds that factsheet did not write (`kept`, files and
    whole folders) moved over into it first; False, everything back where it was, when they cannot swap."""
    moved = []
    try:
        for relative in kept:
            name = relative.rstrip("/")
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            os.rename(out / name, staging / name)
            moved.append(name)
        if _exchange(staging, out):
            return True
    except BaseException:
        _move_back(staging, out, moved)
        raise
    _move_back(staging, out, moved)
    return False


def _move_back(staging: Path, out: Path, moved: list[str]) -> None:
    for name in reversed(moved):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging / name, out / name)


def remove_tree(folder: Path) -> None:
    """Remove a folder factsheet made (a staging folder, with the previous site after a swap) on every
    path: a folder in it that a user made read-only is made writable first, so nothing is left behind."""

    def writable_and_again(function: Callable[..., object], path: str, _error: object) -> None:
        try:
            os.chmod(os.path.dirname(path), 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
                _rmtree(path, writable_and_again)
            else:
                function(path)
        except OSError:
            pass  # not ours to force: left, and the next build's `_remove_leftovers` tries again

    if folder.exists() or folder.is_symlink():
        _rmtree(str(folder), writable_and_again)


def _rmtree(path: str, handler: Callable[[Callable[..., object], str, object], None]) -> None:
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=handler)
    else:  # pragma: no cover - Python 3.11 names the handler onerror
        shutil.rmtree(path, onerror=handler)


def _exchange(staging: Path, out: Path) -> bool:
    """Swap two folders in one atomic step; False when the system cannot do it for these two."""
    if _swap_call is None:
        return _rename_pair(staging, out)
    if _swap_call(os.fsencode(staging), os.fsencode(out)) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return _rename_pair(staging, out)
    if code in (errno.EXDEV, errno.EBUSY):
        return False
    raise OSError(code, os.strerror(code), str(out))


def _rename_pair(staging: Path, out: Path) -> bool:
    """Where no atomic swap exists: two renames, with a moment between them when `out` is missing."""
    aside = staging.with_name(staging.name + "-old")
    try:
        os.rename(out, aside)
    except OSError as error:
        if error.errno in (errno.EXDEV, errno.EBUSY, errno.EACCES, errno.EPERM):
            return False
        raise
    os.rename(staging, out)
    os.rename(aside, staging)  # removed with the staging folder
    return True


def _swap_function():  # type: ignore[no-untyped-def]
    """renameat2(RENAME_EXCHANGE) on Linux, renamex_np(RENAME_SWAP) on macOS, or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        call = libc.renameat2
        call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        return lambda a, b: call(at_fdcwd, a, at_fdcwd, b, rename_exchange)
    if sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        rename_swap = 2
        call = libc.renamex_np
        call.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        return lambda a, b: call(a, b, rename_swap)
    return None


_swap_call = _swap_function()

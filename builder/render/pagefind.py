"""The Pagefind binary a build runs: what version it says it is (asked once a process, and again when the
file is replaced), and the one error that means search cannot be built here."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache


class SearchUnavailable(Exception):
    """Pagefind could not build the index; the message says why, in one line."""


# --- What Pagefind is fed --------------------------------------------------------------------
#
@lru_cache(maxsize=8)
def _reported_version(binary: str, size: int, modified: int) -> str:
    # `size` and `modified` are only part of the memo's key: a replaced binary is asked again.
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchUnavailable(f"pagefind did not run: {error}") from error
    if done.returncode != 0 or not done.stdout.strip():
        raise SearchUnavailable(f"pagefind did not run: `{binary} --version` failed")
    return done.stdout.strip()


def _version(binary: str) -> str:
    """What `binary --version` says: asked once a process, and again if the file is replaced."""
    try:
        found = os.stat(binary)
    except OSError as error:
        raise SearchUnavailable(f"pagefind did not run: {error}") from error
    return _reported_version(binary, found.st_size, found.st_mtime_ns)

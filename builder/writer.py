"""Stage 5: the one place that writes output, so that writes are safe and minimal.

Only files whose bytes changed are rewritten, each atomically (a temporary
file in the same folder, then a rename), so a reader or a browser never
sees half a page. A folder is only ever emptied of stale files when it
carries the marker this writer leaves, so `--out` can never wipe a folder
the user cares about.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

MARKER = ".factsheet-output"
MARKER_TEXT = b"This folder is written by `factsheet build`; files here are replaced on every build.\n"


class OutputError(Exception):
    """The output folder cannot be written safely."""


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def check_output(out: Path, protected: tuple[Path, ...] = ()) -> None:
    """Refuse a folder that is not ours before anything is touched."""
    resolved = out.resolve()
    for place in (*protected, Path.home()):
        if resolved == place.resolve() or place.resolve().is_relative_to(resolved):
            raise OutputError(f"refusing to write the site into '{out}': it holds your own files")
    if out.exists() and not out.is_dir():
        raise OutputError(f"'{out}' exists and is not a folder")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
        raise OutputError(
            f"'{out}' is not empty and was not written by factsheet (no {MARKER} in it); "
            "choose an empty or new folder, or remove it first"
        )


def _atomic_write(path: Path, data: bytes) -> None:
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


def write_site(
    outputs: dict[str, bytes],
    out: Path,
    protected: tuple[Path, ...] = (),
    known: dict[str, bytes] | None = None,
) -> WriteReport:
    """Make `out` hold exactly `outputs` (plus the marker).

    `known` is what this process wrote last time; files it already holds with
    the same bytes are not read back from disk.
    """
    check_output(out, protected)
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).exists():
        _atomic_write(out / MARKER, MARKER_TEXT)
    written, unchanged = [], 0
    for relative, data in sorted(outputs.items()):
        path = out / relative
        if known is not None and known.get(relative) == data and path.is_file():
            unchanged += 1
            continue
        try:
            if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
                unchanged += 1
                continue
        except OSError:
            pass
        _atomic_write(path, data)
        written.append(relative)
    stale = sorted(set(known) - set(outputs)) if known is not None else _stale(out, outputs)
    for relative in stale:
        (out / relative).unlink(missing_ok=True)
    if stale:
        _remove_empty_folders(out)
    return WriteReport(tuple(written), unchanged, tuple(stale))


def _stale(out: Path, outputs: dict[str, bytes]) -> list[str]:
    found = (path.relative_to(out).as_posix() for path in out.rglob("*") if not path.is_dir())
    return sorted(relative for relative in found if relative != MARKER and relative not in outputs)


def _remove_empty_folders(out: Path) -> None:
    for path in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if not any(path.iterdir()):
            path.rmdir()

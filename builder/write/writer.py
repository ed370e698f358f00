"""Stage 5: the one place that writes output, so that writes are safe and minimal.

A full build (`factsheet build`) writes the new site into a staging folder
beside the output, hard-linking the files whose bytes did not change, and
swaps it in with one atomic rename only when every file is there: a failure
or a kill at any moment leaves the previous site whole. A rebuild of `serve`
rewrites only the files whose bytes changed, each atomically (a temporary
file, then a rename), so that a page being served is never half written.

A folder is only ever written into when it carries the marker this writer
leaves, so `--out` can never wipe a folder the user cares about. The marker
lists every file factsheet wrote there; anything else in the folder (a
`CNAME`, a `.nojekyll`, a `.git` of the publishing branch) is the user's, and
every build carries it over untouched.
"""

from __future__ import annotations

import filecmp
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from builder.files import Kept, Output, atomic_write
from builder.write.swap import (
    _exchange_keeping,
    remove_tree,
)

MARKER = ".factsheet-output"
MARKER_TEXT = b"This folder is written by `factsheet build`; files here are replaced on every build.\n"
MANIFEST_HEADING = b"Files factsheet wrote here (every other file is left as it is):\n"
STAGING = "factsheet-staging"
"""Part of the name of the folders that a full build prepares beside the output."""


class OutputError(Exception):
    """The output folder cannot be written safely."""


class Lost(Exception):
    """A file kept only as its digest is no longer in the output (removed behind the build's back):
    the site must be rendered again in full."""


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    kept: tuple[str, ...] = ()
    """What the output folder holds that factsheet did not write, left as it was (a folder by its name + "/")."""


def marker_text(files: Iterable[str]) -> bytes:
    """The marker of an output folder that holds `files` as factsheet wrote them."""
    return MARKER_TEXT + MANIFEST_HEADING + "".join(f"{name}\n" for name in sorted(files)).encode("utf-8")


def written_here(out: Path) -> set[str] | None:
    """The files factsheet wrote into `out`, as its marker lists them; None when the marker lists none (a
    folder written before markers listed their files, or no marker at all)."""
    try:
        text = (out / MARKER).read_bytes()
    except OSError:
        return None
    head = MARKER_TEXT + MANIFEST_HEADING
    if not text.startswith(head):
        return None
    return {line for line in text[len(head) :].decode("utf-8", "replace").split("\n") if line}


# Before markers listed their files, every file of the folder was taken for factsheet's; for such a
# folder, only the kinds of file factsheet writes are (so a `CNAME` or a `.git` survives the first
# build after an upgrade too).
_WRITTEN_KINDS = re.compile(r"(?:[^/.][^/]*/)*[^/.][^/]*\.(?:html|json|xml|txt|csv|css|js|svg|pf_[a-z]+|gz)")


def _ours(out: Path) -> Callable[[str], bool]:
    """Whether a file of `out` (by its path in it) is one factsheet wrote."""
    listed = written_here(out)
    if listed is not None:
        return listed.__contains__
    return lambda relative: _WRITTEN_KINDS.fullmatch(relative) is not None


def protected_folders(root: Path) -> tuple[Path, ...]:
    """The folders of a site that hold the editors' own files: never an output folder."""
    return (root, root / "content", root / "templates")


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


Later = Callable[[], dict[str, Output]]
"""Files that are still being made while the others are written (the search index), asked for last;
`Kept` when they are those of the last build (see `write_site`)."""


def write_site(
    outputs: dict[str, Output],
    out: Path,
    protected: tuple[Path, ...] = (),
    known: dict[str, Output] | None = None,
    later: Later | None = None,
) -> WriteReport:
    """Make `out` hold exactly `outputs` and what `later` gives (plus the marker).

    Without `known`, the whole site is staged and swapped in (every output must
    then be bytes); with `known`, what this process wrote last time, the changed
    files are replaced one by one, and files it already holds with the same
    bytes (or digest) are not read back; an output that is `Kept` is one of
    these, and raises `Lost` if its file is gone. `later` is called once
    `outputs` are written, and its files written then, so that they can be made
    meanwhile; `outputs` gets them too.
    """
    check_output(out, protected)
    try:
        if known is None:
            return _swap(_bytes(outputs), out.resolve() if out.is_symlink() else out, later)
        return _in_place(outputs, out, known, later)
    except OSError as error:
        raise _output_error(out, error) from error


def _bytes(outputs: dict[str, Output]) -> dict[str, bytes]:
    """`outputs`, every one bytes: with nothing to compare a `Kept` one with, the site must be rendered in full."""
    for relative, data in outputs.items():
        if isinstance(data, Kept):
            raise Lost(relative)
    return cast(dict[str, bytes], outputs)


def _output_error(out: Path, error: OSError, relative: str | None = None) -> OutputError:
    # A staged file is named where it was going: its staging folder is gone by the time one reads this.
    where = out / relative if relative is not None else error.filename or out
    return OutputError(f"cannot write the site into '{out}' ({where}: {error.strerror or error})")


# -- a full build: stage, then swap ---------------------------------------------------


def _same(path: Path, data: bytes) -> bool:
    """Whether `path` is a plain file holding exactly `data`."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _same_file(path: Path, staged: Path) -> bool:
    """Whether `path` is a plain file holding exactly the bytes of the file `staged`."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != staged.stat().st_size:
            return False
        return filecmp.cmp(path, staged, shallow=False)
    except OSError:
        return False


def _swap(outputs: dict[str, bytes], out: Path, later: Later | None = None) -> WriteReport:
    _remove_leftovers(out)
    ours = (out / MARKER).is_file()
    unchanged = {relative for relative, data in outputs.items() if ours and _same(out / relative, data)}
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.{STAGING}-"))
    except PermissionError:  # a folder we may write into, in a parent we may not
        return _in_place(outputs, out, None, later)
    try:
        _stage(outputs, out, staging, unchanged)
        if later is not None:
            more = _bytes(later())
            more_unchanged = {path for path, data in more.items() if ours and _same(out / path, data)}
            _stage(more, out, staging, more_unchanged, marker=False)
            outputs.update(more)
            unchanged |= more_unchanged
        stale, kept = _stale(out, outputs) if ours else ([], [])
        written = tuple(sorted(set(outputs) - unchanged))
        if ours and not written and not stale:
            return WriteReport((), len(unchanged), (), tuple(kept))
        (staging / MARKER).write_bytes(marker_text(outputs))
        os.chmod(staging, _folder_mode(out))
        if not out.exists():
            os.rename(staging, out)
        elif not _exchange_keeping(staging, out, kept):
            # A folder that cannot be swapped (a mount point, a file system without
            # the call): the files are replaced one by one instead.
            return _in_place(outputs, out, None)
    finally:
        if staging.exists():
            remove_tree(staging)
    return WriteReport(written, len(unchanged), tuple(stale), tuple(kept))


def _stage(outputs: dict[str, bytes], out: Path, staging: Path, unchanged: set[str], marker: bool = True) -> None:
    """Every output file in `staging`: unchanged ones linked to the current file, so their dates stay."""
    if marker:
        (staging / MARKER).write_bytes(MARKER_TEXT)
    made: set[Path] = set()
    # Files are made readable by all (0644) whatever the umask: a web server reads them as another user.
    exact = os.umask(0o022)
    os.umask(exact)
    for relative, data in sorted(outputs.items()):
        path = staging / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        if relative in unchanged:
            try:
                os.link(out / relative, path)
                continue
            except OSError:
                pass  # a file system without hard links: write the bytes again
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            _write_all(handle, data)
            if exact & 0o644:
                os.fchmod(handle, 0o644)
        finally:
            os.close(handle)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _folder_mode(out: Path) -> int:
    """The output folder's permissions, or the usual ones for a new folder (mkdtemp makes it private)."""
    try:
        return out.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o777 & ~mask


def _remove_leftovers(out: Path) -> None:
    """Staging folders of builds that were killed before they could clean up."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.{STAGING}-[A-Za-z0-9_]+(-old)?")
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            remove_tree(entry)


# -- a full build written as it is made --------------------------------------------------


# -- a rebuild of serve: replace changed files one by one ----------------------------


def _in_place(
    outputs: dict[str, Output], out: Path, known: dict[str, Output] | None, later: Later | None = None
) -> WriteReport:
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).exists():
        atomic_write(out / MARKER, MARKER_TEXT)
    before, kept = _stale(out, outputs) if known is None else ([], [])
    written, unchanged = _write_changed(outputs, out, known)
    if later is not None:
        more = later()
        outputs.update(more)
        more_written, more_unchanged = _write_changed(more, out, known)
        written, unchanged = sorted(written + more_written), unchanged + more_unchanged
    stale = sorted(set(known) - set(outputs)) if known is not None else [f for f in before if f not in outputs]
    for relative in stale:
        (out / relative).unlink(missing_ok=True)
    _remove_emptied_folders(out, stale)
    marker = marker_text(outputs)
    if not _same(out / MARKER, marker):
        atomic_write(out / MARKER, marker)
    return WriteReport(tuple(written), unchanged, tuple(stale), tuple(kept))


def _write_changed(outputs: dict[str, Output], out: Path, known: dict[str, Output] | None) -> tuple[list[str], int]:
    """Each file whose bytes changed replaced atomically; (the files written, how many were unchanged)."""
    written, unchanged = [], 0
    folder = os.fspath(out)  # str paths: at 30,000 files, Path objects took longer than the checks
    for relative in sorted(outputs):
        data = outputs[relative]
        before = known.get(relative) if known is not None else None
        if before is not None and _unchanged(before, data) and os.path.isfile(os.path.join(folder, relative)):
            unchanged += 1
            continue
        path = out / relative
        if isinstance(data, Kept):
            raise Lost(relative)
        if _same(path, data):  # written already (serve writes an edited claim's page first)
            unchanged += 1
            continue
        atomic_write(path, data)
        written.append(relative)
    return written, unchanged


def _unchanged(before: Output, data: Output) -> bool:
    if isinstance(before, Kept) and isinstance(data, bytes):
        return Kept.of(data) == before
    return before == data


def _stale(out: Path, outputs: Collection[str]) -> tuple[list[str], list[str]]:
    """What `out` holds beside `outputs`: the files factsheet wrote there that the site no longer has (to
    remove), and what factsheet did not write (to keep: files, and whole folders by their name and "/",
    such as `.git/`, so that a folder of the user's is moved over whole, never walked)."""
    if not out.is_dir():
        return [], []
    ours = _ours(out)
    needed = {"/".join(parts[:depth]) for parts in (f.split("/") for f in outputs) for depth in range(1, len(parts))}
    stale: list[str] = []
    kept: list[str] = []
    for folder, folders, files in os.walk(out):
        base = os.path.relpath(folder, out).replace(os.sep, "/")
        prefix = "" if base == "." else base + "/"
        for name in list(folders):
            relative = prefix + name
            if relative in needed and not os.path.islink(os.path.join(folder, name)):
                continue
            if os.path.islink(os.path.join(folder, name)) or not _holds_ours(ours, relative, out):
                folders.remove(name)  # the user's: kept whole, not walked
                kept.append(relative + "/")
        for name in files:
            relative = prefix + name
            if relative != MARKER and relative not in outputs:
                (stale if ours(relative) else kept).append(relative)
    return sorted(stale), sorted(kept)


def _holds_ours(ours: Callable[[str], bool], folder: str, out: Path) -> bool:
    """Whether a folder of the output holds any file that factsheet wrote."""
    for path, _, files in os.walk(out / folder):
        base = os.path.relpath(path, out).replace(os.sep, "/")
        if any(ours(f"{base}/{name}") for name in files):
            return True
    return False


def _remove_emptied_folders(out: Path, removed: Iterable[str]) -> None:
    """The folders that removing `removed` emptied, deepest first (a folder that was empty before is left)."""
    folders = {out / relative.rsplit("/", 1)[0] for relative in removed if "/" in relative}
    for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
        while folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

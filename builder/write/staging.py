"""A full build written into a staging folder as each file is made (a file unchanged since the last build
hard-linked), then swapped in whole: a failure or a kill at any moment leaves the previous site as it was."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterable
from pathlib import Path

from builder.files import atomic_write
from builder.write import prepare
from builder.write.swap import (
    _exchange_keeping,
    remove_tree,
)
from builder.write.uptodate import stamp
from builder.write.writer import (
    MARKER,
    MARKER_TEXT,
    STAGING,
    WriteReport,
    _folder_mode,
    _output_error,
    _remove_emptied_folders,
    _remove_leftovers,
    _same,
    _same_file,
    _stale,
    _write_all,
    check_output,
    marker_text,
)


class Staging:
    """A full build's new tree, filled file by file as the pages are made (by any process), then swapped in.

    The same guarantees as `write_site`'s full build (the previous site stays whole until the
    swap; unchanged files are hard links to the current ones, so they keep their dates), without
    holding the whole site in memory. `put` may be called from forked workers: it only writes
    files into the staging folder.
    """

    def __init__(self, out: Path, folder: Path) -> None:
        self.out = out
        self.folder = folder
        self.ours = (out / MARKER).is_file()
        self.made: set[str] = set()
        """The folders made in it, by path (str paths: pathlib took a tenth of the time of staging 30,000 files)."""
        mask = os.umask(0o022)
        os.umask(mask)
        self.exact = not mask & 0o644
        self.preparing: subprocess.Popen[bytes] | None = None
        """The process making the folders and files this build is sure to stage (`prepare`), until it ends."""
        self.prepared: list[str] = []
        """What it was given to make."""

    @classmethod
    def make(cls, out: Path, protected: tuple[Path, ...] = ()) -> Staging | None:
        """A staging folder beside `out`; None where one cannot be made (then write the site in memory)."""
        check_output(out, protected)
        out = out.resolve() if out.is_symlink() else out
        _remove_leftovers(out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.{STAGING}-"))
            (folder / MARKER).write_bytes(MARKER_TEXT)
        except OSError:
            return None
        return cls(out, folder)

    def prepare(self, names: Iterable[str]) -> None:
        """Start making the folders (names ending in "/") and empty files that this build is sure to stage,
        each folder before what it holds, in a process of its own (`write/prepare.py`), while this one reads
        and checks the desk on one core: creating a large desk's tens of thousands of files and folders is
        otherwise done by the render, on every core. The render writes into whatever is there by then and
        makes the rest, so nothing waits for that process; `finish` stops it and removes what it made that
        was not staged. Files are made only where the output holds no site of ours yet: otherwise most are
        hard links to the current ones, and an empty file made first would be thrown away."""
        if self.preparing is not None:
            return
        wanted = [name for name in names if name.endswith("/") or not self.ours]
        with tempfile.TemporaryFile() as listing:
            listing.write("\0".join(wanted).encode())
            listing.seek(0)
            try:
                self.preparing = subprocess.Popen(
                    [sys.executable, "-I", "-S", prepare.__file__, str(self.folder), str(os.getpid())],
                    stdin=listing,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:  # no interpreter to start (an embedded Python): the render makes everything
                return
        self.prepared = wanted

    def _stop_preparing(self) -> None:
        """The preparing process ended, stopped if it is still at work (what it did not make, the render made)."""
        if self.preparing is not None:
            if self.preparing.poll() is None:
                self.preparing.kill()
            self.preparing.wait()
            self.preparing = None

    def _unprepare(self, files: Collection[str]) -> None:
        """What was prepared and not staged removed, so that the swapped site holds only what was staged."""
        for name in reversed(self.prepared):  # what a folder holds before the folder
            if name.endswith("/"):
                if name + "index.html" not in files:  # a folder that holds a page holds something
                    with contextlib.suppress(OSError):  # it stays when it holds anything
                        os.rmdir(os.path.join(self.folder, name))
            elif name not in files:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.folder, name))

    def put(self, relative: str, data: bytes | Iterable[bytes]) -> tuple[bool, list[int]]:
        """Stage one file, its bytes or its parts in order (a large file is never held whole):
        whether its bytes differ from the file the output holds now, and its `uptodate.stamp`,
        which the swap keeps (taken here, on every core, rather than of every file after it). A
        file that cannot be written (a full disk, a quota) is an `OutputError` naming it, in a
        forked worker too."""
        try:
            return self._put(relative, data)
        except OSError as error:
            raise _output_error(self.out, error, relative) from error

    def _put(self, relative: str, data: bytes | Iterable[bytes]) -> tuple[bool, list[int]]:
        path = os.path.join(self.folder, relative)
        folder = os.path.dirname(path)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        if isinstance(data, bytes) and self.ours:
            current = self.out / relative
            if _same(current, data) and self._link(current, Path(path)):
                return False, stamp(os.lstat(path))
        # Not O_TRUNC: the file is new or prepared empty, and ext4 writes out at once a file truncated to
        # nothing and written again (its `auto_da_alloc`). What was there before is cut after (a file staged
        # twice).
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            size = 0
            for part in [data] if isinstance(data, bytes) else data:
                _write_all(handle, part)
                size += len(part)
            if not self.exact:
                os.fchmod(handle, 0o644)
            state = os.fstat(handle)
            if state.st_size > size:
                os.ftruncate(handle, size)
                state = os.fstat(handle)
            written = stamp(state)  # its time is that of its last write: closing leaves it
        finally:
            os.close(handle)
        if isinstance(data, bytes) or not self.ours:
            return True, written
        # Parts are compared once written: an unchanged file is linked, as one given whole is.
        current = self.out / relative
        if _same_file(current, Path(path)) and self._link(current, Path(path)):
            return False, stamp(os.lstat(path))
        return True, written

    def staged(self, relative: str) -> bytes:
        """The bytes staged for one file."""
        try:
            with open(os.path.join(self.folder, relative), "rb") as staged:  # a str path: Path costs more than the read
                return staged.read()
        except OSError as error:
            raise _output_error(self.out, error, relative) from error

    @staticmethod
    def _link(current: Path, path: Path) -> bool:
        """The staged file replaced by a hard link to the current one, so that it keeps its date; False
        where the file system has no hard links (then whatever was staged stays)."""
        link = path.with_name(f".{path.name}.factsheet-link")
        try:
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            os.link(current, link)
            os.replace(link, path)
            return True
        except OSError:
            return False

    def discard(self, folder: str) -> None:
        """Unstage everything staged under `folder` (a relative path ending in "/")."""
        shutil.rmtree(self.folder / folder, ignore_errors=True)

    def finish(self, written: Iterable[str], files: Collection[str]) -> WriteReport:
        """Swap the staged tree in (unless nothing changed); `files` is every file staged."""
        try:
            self._stop_preparing()
            self._unprepare(files)
            changed = tuple(sorted(written))
            stale, kept = _stale(self.out, files) if self.ours else ([], [])
            report = WriteReport(changed, len(files) - len(changed), tuple(stale), tuple(kept))
            if self.ours and not changed and not stale:
                return report
            (self.folder / MARKER).write_bytes(marker_text(files))
            os.chmod(self.folder, _folder_mode(self.out))
            if not self.out.exists():
                os.rename(self.folder, self.out)
            elif not _exchange_keeping(self.folder, self.out, kept):
                _move_in(self.folder, self.out, files, stale)
            return report
        except OSError as error:
            raise _output_error(self.out, error) from error
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Remove the staging folder (after a swap, it holds the previous site)."""
        self._stop_preparing()  # first, or it could go on making folders in what is removed
        remove_tree(self.folder)


def _move_in(folder: Path, out: Path, files: Collection[str], stale: list[str]) -> None:
    """Where the folders cannot be swapped (a mount point): each file moved in, atomically, then the stale removed."""
    for relative in sorted(files):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder / relative, target)
    for relative in stale:
        (out / relative).unlink(missing_ok=True)
    _remove_emptied_folders(out, stale)
    atomic_write(out / MARKER, marker_text(files))

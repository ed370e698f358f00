"""Whether the last build is still current, so that a build with nothing to do does nothing.

A desk of 10,000 claims takes many seconds to read, check and render; a build
whose inputs (every YAML file, page, archived text and template of the site,
the git commit its history comes from, the factsheet package itself, the
packages it runs with and the `SOURCE_DATE_EPOCH` it dates by) are byte for
byte those of the last build,
and whose output folder still holds exactly the files that build wrote,
unmodified, would write the same bytes again. The last build leaves a
manifest of both in `.factsheet-cache/build.json`; checking it costs a read
and a hash of the inputs and a `stat` of each output file and folder (a
folder's time moves when a file is added to it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder import __version__
from builder.problems import Location, Problem, Severity
from builder.read import cache, git
from builder.write.writer import MARKER, written_here

MANIFEST = "build.json"
READ = "inputs.json"
"""The files the last build read that the walk of the desk (`_site_files`) does not find: an archived
text kept outside `content/`, a file included from a folder the walk leaves out. The next build's
digest reads them too. (A build that reads a new one records it for the build after: that one then
builds again once, as its digest now covers a file the recorded one did not.)"""
_SKIPPED_FOLDERS = frozenset({".git", cache.CACHE_DIR, "node_modules", "__pycache__", ".venv", "venv"})
_PACKAGE = Path(__file__).parent.parent
"""The `builder` package: every module, template and catalog of it."""


@dataclass(frozen=True)
class Current:
    """The last build, still current: how many files it wrote, and the warnings it gave."""

    files: int
    warnings: tuple[Problem, ...]
    paths: tuple[str, ...] = ()
    """Each file it wrote, by its path in the output folder."""


def inputs_digest(
    root: Path, out: Path, also: Iterable[str] | None = None, search: bool = True, cards: bool = True
) -> str:
    """A digest of everything a build reads, and of where it writes: the files of the desk's walk, and
    those of `also` beyond it (by default, those the last build recorded reading, `last_read`). Without
    `search` (`factsheet build --no-search`), another digest: a site built with its search index is not
    what such a build asks for, nor the other way round; nor is one without `cards` (`--no-cards`)."""
    digest = hashlib.sha256()
    digest.update(repr((__version__, os.environ.get("SOURCE_DATE_EPOCH"), str(out.resolve()))).encode())
    if not search:
        digest.update(b"\0without search\0")
    if not cards:
        digest.update(b"\0without cards\0")
    digest.update(repr(_libraries()).encode())
    digest.update(_git_state(root).encode())
    for path in sorted(_PACKAGE.rglob("*")):
        # The package's own code and templates: an edited checkout of factsheet builds anew.
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js", ".svg", ".xml", ".txt", ".mo", ".ttf"):
            digest.update(f"{path.relative_to(_PACKAGE)}\0".encode() + path.read_bytes())
    walked = _site_files(root, out)
    for relative in [*walked, *_beyond(root, walked, last_read(root) if also is None else also)]:
        digest.update(f"\0{relative}\0".encode())
        try:
            digest.update((root / relative).read_bytes())
        except OSError:
            digest.update(b"\0unreadable")
    return digest.hexdigest()


def _libraries() -> tuple[object, ...]:
    """The packages installed where this Python imports from, by their names and versions, and the
    Pagefind a build would run: a newer Markdown parser, template engine or Pagefind may write other
    bytes (one listing of each folder, no import)."""
    found: list[object] = [os.environ.get("PAGEFIND_BINARY_PATH")]
    try:
        here = os.getcwd()
    except OSError:  # the working folder was removed
        here = ""
    for folder in sys.path:
        # The working folder, which `python -m` and `-c` put first, is not where packages are installed:
        # counting what it holds made the digest depend on where a command ran (`serve --root desk`
        # run from a checkout of factsheet, with its egg-info, found no site current).
        if not folder or os.path.abspath(folder) == here:
            continue
        try:
            with os.scandir(folder) as entries:
                found.extend(sorted(e.name for e in entries if e.name.endswith((".dist-info", ".egg-info"))))
        except OSError:
            continue
    for name in ("pagefind_extended", "pagefind"):  # one installed outside Python, as Pagefind's wrapper finds it
        program = shutil.which(name)
        if program is not None:
            with contextlib.suppress(OSError):
                found.append((program, os.stat(program).st_mtime_ns))
    return tuple(found)


def last_read(root: Path) -> list[str]:
    """The files beyond the walk that the last build read (see `READ`); none when not recorded."""
    try:
        names = json.loads((cache.folder(root) / READ).read_text(encoding="utf-8"))["beyond"]
    except (OSError, ValueError, TypeError, KeyError):
        return []
    return names if isinstance(names, list) and all(isinstance(name, str) for name in names) else []


def _beyond(root: Path, walked: list[str], read: Iterable[str]) -> list[str]:
    """Those of `read` (paths in the desk) that `walked` leaves out and that a build could read: regular
    files inside the desk, as `load.read_text` reads them (the record may be damaged, or from elsewhere)."""
    inside = root.resolve()
    found = set()
    for relative in set(read).difference(walked):
        try:
            resolved = (root / relative).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            continue
        if resolved.is_relative_to(inside) and resolved.is_file():
            found.add(relative)
    return sorted(found)


def stamps(root: Path, out: Path, leaving_out: str, also: Iterable[str] = ()) -> tuple[object, ...]:
    """The size and time of every file a build reads but `leaving_out`, with the files of `also` (those
    the last build read) that the walk does not find, and the git commit: what tells a session that
    nothing else changed since it last read them, without reading them."""
    found: list[object] = [_git_state(root)]
    walked = _site_files(root, out)
    for relative in [*walked, *_beyond(root, walked, also)]:
        if relative == leaving_out:
            continue
        try:
            about = os.stat(root / relative)
        except OSError:
            found.append((relative, None))
            continue
        found.append((relative, about.st_size, about.st_mtime_ns, about.st_ino))
    return tuple(found)


def _git_state(root: Path) -> str:
    try:
        repo = git.repository(root)
    except git.GitError:
        return "no git"
    return f"{repo.head} {repo.shallow} {repo.prefix}"


def _site_files(root: Path, out: Path) -> list[str]:
    """Every file a build may read: YAML anywhere in the site (included files), content/, templates/."""
    skipped = {out.resolve()}
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(name for name in folders if _walked(here / name, skipped))
        relative = here.relative_to(root).as_posix()
        inside_content = relative.split("/")[0] in ("content", "templates")
        for name in sorted(files):
            if inside_content or name.endswith((".yaml", ".yml")):
                found.append(name if relative == "." else f"{relative}/{name}")
    return found


def _walked(folder: Path, skipped: set[Path]) -> bool:
    """Whether the walk goes into `folder`: not into the output, nor any other folder a build wrote (a site
    kept as `site.old/`, built with another `--out`), which holds no input and may hold 30,000 files."""
    name = folder.name
    return (
        name not in _SKIPPED_FOLDERS
        and "factsheet-staging" not in name
        and folder.resolve() not in skipped
        and not (folder / MARKER).exists()
    )


def _output_state(out: Path, stamped: Mapping[str, list[int]] | None = None) -> dict[str, dict[str, list[int]]]:
    """Each file factsheet wrote into the output folder (as its marker lists them) with its size,
    modification time and inode (`stamp`; as `stamped` gives it, where the build took it as it wrote the
    file): what the user adds beside them (a `CNAME`) is theirs, and leaves the site current. An output
    folder whose marker lists no files (written by an earlier version) is walked whole, each folder's
    modification time too (which moves when a file is added or removed)."""
    listed = written_here(out)
    if listed is not None:
        base = os.path.join(os.fspath(out), "")
        given = stamped or {}
        return {
            "files": {name: given.get(name) or stamp(os.lstat(base + name)) for name in sorted({*listed, MARKER})},
            "folders": {},
        }
    files: dict[str, list[int]] = {}
    folders: dict[str, list[int]] = {"": stamp(os.lstat(out))}
    stack = [(out, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                stat = entry.stat(follow_symlinks=False)
                if entry.is_dir(follow_symlinks=False):
                    folders[name] = stamp(stat)
                    stack.append((Path(entry.path), name + "/"))
                else:
                    files[name] = stamp(stat)
    return {"files": files, "folders": folders}


def stamp(stat: os.stat_result) -> list[int]:
    """What tells a file changed since it was written: its size, modification time and inode."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _unchanged(out: Path, state: dict[str, dict[str, list[int]]]) -> bool:
    """Whether the output is as `state` describes it: one `lstat` a file and a folder, no walk."""
    base = os.path.join(os.fspath(out), "")  # str paths: pathlib would take longer than the stat calls
    lstat = os.lstat
    try:
        for group in ("folders", "files"):
            for name, (size, mtime, inode) in state[group].items():
                stat = lstat(base + name)
                if stat.st_mtime_ns != mtime or stat.st_size != size or stat.st_ino != inode:
                    return False
    except (OSError, ValueError, TypeError):  # TypeError: stamps not of three numbers (a damaged manifest)
        return False
    return True


def _inside(names: list[str]) -> bool:
    """Whether each of `names` is the path of a file or folder inside the output folder, as a build writes
    them (relative, by "/", with no empty, "." or ".." part): `serve` reads such a file, and may later
    remove it. A name that is not text is a `TypeError`.

    The names are joined by "/" between two more, so that each bad one shows as one of a few strings: a
    search in C over them all, rather than a test of each name in Python, which was most of the check."""
    if not names:
        return True
    joined = "/" + "/".join(names) + "/"
    return not any(bad in joined for bad in ("//", "/./", "/../", "\\", "\0"))


def _output_shaped(state: object) -> bool:
    """Whether `state` has the shape `_output_state` gives: files and folders (the folder itself by "")
    by names inside the output folder; each one's three numbers are for `_unchanged` to compare."""
    if not isinstance(state, dict):
        return False
    files, folders = state.get("files"), state.get("folders")
    if not isinstance(files, dict) or not isinstance(folders, dict):
        return False
    return _inside(list(files)) and _inside([name for name in folders if name != ""])


def current(root: Path, out: Path, digest: str) -> Current | None:
    """The last build, when its inputs had this digest and its output is untouched; else None."""
    try:
        manifest = json.loads((cache.folder(root) / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            return None
        if manifest.get("inputs") != digest or manifest.get("out") != str(out.resolve()):
            return None
        state = manifest["output"]
        if not _output_shaped(state):
            return None  # a manifest damaged, or not written here (a cache may come from elsewhere)
        if not _unchanged(out, state):
            return None
        warnings = tuple(
            Problem(Location(w["path"], w["line"], w["col"]), Severity.WARNING, w["message"])
            for w in manifest["warnings"]
        )
        paths = tuple(name for name in state["files"] if name != MARKER)
        return Current(len(paths), warnings, paths)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def record(
    root: Path,
    out: Path,
    digest: str,
    problems: list[Problem],
    read: Iterable[str] = (),
    stamped: Mapping[str, list[int]] | None = None,
) -> None:
    """Remember the build just written, and which of the files it `read` the next digest must read beyond
    the walk (best effort: a site folder we cannot write to is just not cached); `stamped`, the `stamp` of
    each file the build took as it wrote it (moved into the output since, which keeps it), by its path."""
    beyond = _beyond(root, _site_files(root, out), read)
    if beyond != last_read(root):
        cache.keep(root, READ, json.dumps({"beyond": beyond}).encode("utf-8"))
    warnings: list[dict[str, Any]] = [
        {"path": p.location.path, "line": p.location.line, "col": p.location.col, "message": p.message}
        for p in problems
        if p.severity is Severity.WARNING
    ]
    try:
        output = _output_state(out, stamped)
        data = {"inputs": digest, "out": str(out.resolve()), "output": output, "warnings": warnings}
    except OSError:
        return
    cache.keep(root, MANIFEST, json.dumps(data, separators=(",", ":")).encode("utf-8"))


def forget(root: Path) -> None:
    """The output is about to change: the manifest no longer describes it."""
    cache.forget(root, MANIFEST)


def last_build(
    root: Path, out: Path, search: bool = True, digest: str | None = None, cards: bool = True
) -> tuple[str, Current | None]:
    """The one question every command asks before it builds: the digest of the inputs as they stand (or
    `digest`, when the caller has it), and the last build, when it is still current for them; else None."""
    digest = digest or inputs_digest(root, out, search=search, cards=cards)
    return digest, current(root, out, digest)

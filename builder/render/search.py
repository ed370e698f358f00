"""Full-text search with Pagefind, built from the rendered pages.

Pagefind's bundle (its script, styles and index fragments) becomes more output
files, written by the same writer as every page; the search box needs no
server. If the binary cannot run, the site is still built, without search.

Pagefind's own indexing is most of the cost, so:

- the bundle is cached by a digest of exactly what Pagefind is fed, its
  version and the language: a build whose searched text did not change
  reuses it without running Pagefind;
- Pagefind is fed only what it reads: each page's `<html>` tag, its `<title>`
  and the content of its `data-pagefind-body` element, without the parts
  that Pagefind skips anyway (`data-pagefind-ignore`, `<svg>`, `<script>`,
  `<style>`, `<nav>`); on a synthetic desk that is 60% of the bytes, and the
  bundle is byte for byte the one the whole pages give;
- those documents are indexed by Pagefind's command line in a scratch folder
  in memory (`/dev/shm`) when there is one, as creating thousands of files
  on a slow disk costs more than indexing them; each is written there by the
  process that made its page, so that none holds them all (`Scratch`).
  Pagefind's service mode (`pagefind --service`, JSON over a pipe, no
  files) was measured too, with every request pipelined: it indexes on one
  thread, and took 2.5 times as long and 50% more CPU on 10,000 claims;
- what a page says that factsheet computes (tallies, verdicts, deviations) or
  that another page carries is marked `data-pagefind-ignore` in the
  templates: Pagefind's time grows with the words it indexes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from builder.files import atomic_write
from builder.render import urls
from builder.render.pagefind import SearchUnavailable, _version
from builder.render.pagetext import indexed_text
from builder.render.parallel import workers

BUNDLE = "pagefind/"
CACHE_FILE = "search.zip"
CACHE_FORMAT = b"factsheet search cache 2"
"""Part of the cache key, to change when the way the bundle is stored changes (a change in how
pages are cut changes the documents, and so the key, by itself)."""
SCRATCH = Path("/dev/shm")
SCRATCH_ROOM = 2 * 2**30
"""The free space the scratch folder in memory must have: room for the documents of the largest desks."""
TIMEOUT = 600


def _binary() -> str:
    try:
        from pagefind.service import get_executable
    except ImportError as error:
        raise SearchUnavailable("the pagefind package is not installed") from error
    path = get_executable()
    if path is None:
        raise SearchUnavailable("no pagefind binary (install the pagefind[bin] package)")
    return str(path)


# Lists that only repeat what the claim and source pages say: indexing them would double the
# index and the time to build it, and a search would find each figure several times.
LIST_PAGES = ("index.html", "404.html", "discrepancies/", "outlets/", "originators/")


def searched(path: str) -> bool:
    """Whether the output file at `path` is indexed."""
    return path.endswith(".html") and not path.startswith(LIST_PAGES) and not urls.is_embed(path)


def document(path: str, page: bytes) -> bytes | None:
    """What Pagefind is fed of one output file, or None when it is not searched."""
    return indexed_text(page) if searched(path) else None


def index_documents(documents: dict[str, bytes], language: str, cache_dir: Path | None = None) -> dict[str, bytes]:
    """The bundle for documents made by `document`, by the path of their pages (see `document`)."""
    bundle: dict[str, bytes] = {}
    with Scratch() as scratch:
        fed = {path: scratch.add(path, document) for path, document in documents.items()}
        index_fed(scratch, fed, language, bundle.__setitem__, cache_dir)
    return dict(sorted(bundle.items()))


@dataclass(frozen=True)
class Fed:
    """A document waiting in the scratch folder for Pagefind: what the cache key needs of it."""

    size: int
    digest: bytes
    problem: str = ""
    """Why it could not be written, if it could not."""


class Scratch:
    """The folder in which the documents wait for Pagefind, each written by the process that made its
    page (a forked render worker too), so that no process holds them all (some 50 MB at 10,000 claims,
    ten times that at 100,000). In memory (`/dev/shm`) when there is one with room: creating
    thousands of files on a slow disk costs more than indexing them.

    A document that cannot be written is remembered, and the index is then not built (see `index_fed`).
    The folder's name holds the process id of the build that made it, so that the next build can
    remove it if that build was killed before it could (`_remove_abandoned`): in memory, it would
    otherwise hold its share of the machine's memory until the machine restarts.
    """

    def __init__(self) -> None:
        _binary()  # no documents are written for a Pagefind that is not there
        where = _scratch(SCRATCH_ROOM)
        _remove_abandoned(Path(where or tempfile.gettempdir()))
        try:
            self._folder = tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=where)
        except OSError as error:
            raise SearchUnavailable(f"cannot make a scratch folder for pagefind: {error.strerror}") from error
        self.folder = Path(self._folder.name)
        self.waiting = self.folder / "documents"
        self._made: set[str] = set()

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._folder.cleanup()

    def put(self, path: str, page: bytes) -> Fed | None:
        """What Pagefind is fed of one output file, written to wait; None when the file is not searched."""
        document = indexed_text(page) if searched(path) else None
        return None if document is None else self.add(path, document)

    def add(self, path: str, document: bytes) -> Fed:
        file = os.path.join(self.waiting, path)  # str paths, as in `shard_folder`
        try:
            folder = os.path.dirname(file)
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            with open(file, "wb") as written:
                written.write(document)
        except OSError as error:
            return Fed(-1, b"", error.strerror or str(error))
        return Fed(len(document), hashlib.sha256(document).digest())

    def shard_folder(self, number: int, paths: list[str]) -> Path:
        """A site folder for Pagefind holding the documents of `paths`, moved there in sorted order:
        Pagefind numbers pages in the order the folder lists them, which in memory (tmpfs) is the
        order they were added, so the bundle is the same on any machine."""
        site = self.folder / f"shard-{number}" / "site"
        # With str paths: pathlib took longer than the renames, on the one core that the build's
        # Python threads share while the other shards are indexed.
        into, waiting = os.fspath(site), os.fspath(self.waiting)
        made: set[str] = set()
        try:
            for path in sorted(paths):
                folder = os.path.dirname(path)
                if folder not in made:
                    os.makedirs(os.path.join(into, folder), exist_ok=True)
                    made.add(folder)
                os.rename(os.path.join(waiting, path), os.path.join(into, path))
        except OSError as error:
            raise SearchUnavailable(f"cannot write pagefind's scratch files: {error.strerror}") from error
        return site


def index_fed(
    scratch: Scratch, fed: dict[str, Fed], language: str, put: Callable[[str, bytes], object], cache_dir: Path | None
) -> None:
    """The bundle for the documents waiting in `scratch`, each file handed to `put` with its output path
    as soon as its shard is indexed (from one of several threads), so that the bundle is never held whole.

    More than `SHARD_SIZE` documents are split into shards, each indexed by a Pagefind of its own,
    side by side, and cached on its own: `pagefind/` holds the first, `pagefind/shards/<n>/` the
    others, and `pagefind/shards.json` lists them for the search box to merge.
    """
    for item in fed.values():
        if item.problem:
            raise SearchUnavailable(f"cannot write pagefind's scratch files: {item.problem}")
    binary = _binary()
    version = _version(binary)
    language = pagefind_language(language)
    shards = _shards(dict(sorted(fed.items())))

    def indexed(number: int) -> None:
        key = _cache_key(shards[number], language, version)
        cache = cache_dir / _cache_name(number) if cache_dir is not None else None
        bundle = _read_cache(cache, key) if cache is not None else None
        if bundle is None:
            pages = scratch.shard_folder(number, list(shards[number]))
            bundle = _index_folder(binary, pages, language)
            # Removed now, beside the other shards' indexing, rather than all at the end, after the last.
            shutil.rmtree(pages.parent, ignore_errors=True)
            if cache is not None:
                _write_cache(cache, key, bundle)
        folder = BUNDLE if number == 0 else f"{BUNDLE}shards/{number}/"
        for path, data in bundle.items():
            if number == 0 or not _ui(path):  # the search box's own files: only the first shard's
                put(folder + path.removeprefix(BUNDLE), data)

    with ThreadPoolExecutor(max_workers=min(len(shards), workers())) as pool:
        list(pool.map(indexed, range(len(shards))))
    if cache_dir is not None:
        _forget_shards(cache_dir, len(shards))
    put(SHARDS_FILE, (json.dumps([f"shards/{n}/" for n in range(1, len(shards))]) + "\n").encode())


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def pagefind_language(language: str) -> str:
    """The language Pagefind is told the pages are in: the site's, when it has the shape of a language
    tag (BCP 47), else "unknown", as Pagefind calls pages of no language it knows. Pagefind names its
    files after it, and on a site whose language was markup it panicked."""
    return language if _LANGUAGE_TAG.fullmatch(language) else "unknown"


SHARD_SIZE = 1500
"""Pagefind indexes on about one core: a large desk's pages are indexed in
shards of about this many, one Pagefind per core, and an edit indexes again only its page's shard."""
SHARDS_FILE = BUNDLE + "shards.json"
_UI_FILES = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")


def _shards(documents: dict[str, Fed]) -> list[dict[str, Fed]]:
    """The documents in shards; a page's shard depends on its path alone (and on how many shards there are)."""
    count = max(1, -(-len(documents) // SHARD_SIZE))
    if count == 1:
        return [documents]
    shards: list[dict[str, Fed]] = [{} for _ in range(count)]
    for path, document in documents.items():
        shards[int(hashlib.sha256(path.encode()).hexdigest()[:8], 16) % count][path] = document
    return shards


def _cache_name(number: int) -> str:
    return CACHE_FILE if number == 0 else f"search-{number}.zip"


def _forget_shards(cache_dir: Path, count: int) -> None:
    """The cached shards beyond `count`, from a desk that had more."""
    with contextlib.suppress(OSError):
        for path in cache_dir.glob("search-*.zip"):
            number = path.stem.removeprefix("search-")
            if not number.isdigit() or int(number) >= count:
                path.unlink(missing_ok=True)


def _ui(path: str) -> bool:
    """The search box's own files, which only the first shard needs."""
    return path.removeprefix(BUNDLE).startswith(_UI_FILES)


SCRATCH_PREFIX = "factsheet-search-"
_SCRATCH_NAME = re.compile(re.escape(SCRATCH_PREFIX) + r"(\d+)-[A-Za-z0-9_]+")
ABANDONED_AFTER = 3600
"""Seconds a dead build's scratch folder is left untouched before the next build removes it."""


def _remove_abandoned(folder: Path) -> None:
    """The scratch folders in `folder` that builds killed before they could clean up left behind: this
    user's, named for a process that no longer runs, untouched for `ABANDONED_AFTER` seconds (a build in
    another container sharing the folder has a process id this one cannot see); on POSIX only."""
    if os.name != "posix":
        return  # elsewhere os.kill(pid, 0) would not ask, it would end the process
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        named = _SCRATCH_NAME.fullmatch(entry.name)
        if named is None or int(named[1]) == os.getpid():
            continue
        try:
            about = entry.lstat()
            if not stat.S_ISDIR(about.st_mode) or about.st_uid != os.getuid():
                continue
            if time.time() - about.st_mtime < ABANDONED_AFTER:
                continue
            os.kill(int(named[1]), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except (OSError, OverflowError):
            continue  # a live process of another user, or no way to tell: left alone


def _scratch(needed: int) -> Path | None:
    """A folder in memory for the scratch files, if there is one with room; else the system's temporary folder."""
    try:
        if SCRATCH.is_dir() and os.access(SCRATCH, os.W_OK) and shutil.disk_usage(SCRATCH).free > needed:
            return SCRATCH
    except OSError:
        pass
    return None


def _index_folder(binary: str, pages: Path, language: str) -> dict[str, bytes]:
    """Pagefind's command line run on the site folder `pages`; its bundle, by output path."""
    bundle = pages.parent / "bundle"
    command = [binary, "--site", str(pages), "--output-path", str(bundle), "--force-language", language]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchUnavailable(f"pagefind did not run: {error}") from error
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()
        raise SearchUnavailable(f"pagefind failed: {last[-1] if last else done.returncode}")
    return dict(sorted(_read_folder(os.fspath(bundle), BUNDLE)))


def _read_folder(folder: str, prefix: str) -> Iterator[tuple[str, bytes]]:
    """Every file under `folder`, by its path below it after `prefix` (with `os`: see `Scratch.shard_folder`)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _read_folder(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                with open(entry.path, "rb") as file:
                    yield prefix + entry.name, file.read()


# --- The cache ---------------------------------------------------------------------------------
#
# One zip file, the key as its comment: only the latest bundle is kept, it is replaced in one
# rename, and reading it runs no code (unlike a pickle, which a cache folder copied from
# elsewhere could turn into a program). Members are stored, not compressed: the fragments are
# compressed already.


def _cache_key(documents: dict[str, Fed], language: str, version: str) -> str:
    digest = hashlib.sha256(b"%s\0%s\0%s\0" % (CACHE_FORMAT, version.encode(), language.encode()))
    for path, fed in documents.items():
        digest.update(b"%s\0%d\0%s" % (path.encode(), fed.size, fed.digest))
    return digest.hexdigest()


def _read_cache(cache: Path, key: str) -> dict[str, bytes] | None:
    """The cached bundle if it was made for `key`; None if there is none, or another, or it is damaged."""
    try:
        with zipfile.ZipFile(cache) as archive:
            if archive.comment != key.encode():
                return None
            bundle: dict[str, bytes] = {}
            for member in archive.infolist():
                name = PurePosixPath(member.filename)
                if member.is_dir() or not name.parts or name.is_absolute() or ".." in name.parts or "\\" in str(name):
                    return None  # not a name Pagefind writes: the file was not made here
                bundle[BUNDLE + member.filename] = archive.read(member)
            return bundle
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None


def _write_cache(cache: Path, key: str, bundle: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.comment = key.encode()
        for path, data in bundle.items():
            # A fixed date, so that the same bundle makes the same file.
            archive.writestr(zipfile.ZipInfo(path.removeprefix(BUNDLE), (1980, 1, 1, 0, 0, 0)), data)
    with contextlib.suppress(OSError):  # the cache only saves time: without it the next build indexes again
        atomic_write(cache, buffer.getvalue())

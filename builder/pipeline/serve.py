"""`factsheet serve`: build, serve the output on loopback, rebuild on every save, reload the open tab.

The browser side is livereload's: its `livereload.js` and its websocket
protocol (hello, then reload). The server side is ours, because the
`livereload` package's own server misses rename-saves, drops reloads that
come close together, rebuilds nothing while no browser is
connected, serves the current folder when given no root, and accepts any
Origin on its websocket and anyone on `/forcereload`. Here `watchfiles`
sees every kind of save, the build runs on every batch of changes, and
only the output folder is ever served, to this machine's own pages.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import os
import posixpath
import signal
import socket
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
from tornado import httpserver, netutil, web

from builder import progress
from builder.pipeline.build import Session
from builder.pipeline.preview import (
    SCRIPT_PATH,
    SOCKET_PATH,
    Preview,
    ReloadSocket,
    ScriptHandler,
    SiteHandler,
)
from builder.pipeline.stages import BuildResult
from builder.problems import Location, Problems
from builder.read.load import CLAIMS_FILE
from builder.words import plural
from builder.write import uptodate
from builder.write.writer import OutputError

WATCH_STEP = 30
"""Milliseconds: a batch of changes ends after this long without one (see `Server.watch`)."""
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv"})
SITE_SUFFIXES = frozenset({".yaml", ".yml", ".md"})
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".part", ".crdownload")


def relevant(root: Path, out: Path, read: Callable[[], Iterable[str]] = tuple) -> Callable[[object, str], bool]:
    """Which changed files call for a rebuild: the site's data, pages and templates, and any other file
    the last build `read` (an archived text kept as `archive/ap.txt`); not the output, not editors'
    scratch files (vim's `4913`, `.swp`, sed's temporary files)."""
    root, out = root.resolve(), out.resolve()
    known: tuple[object, frozenset[str]] = ((), frozenset())

    def names() -> frozenset[str]:
        """`read()` as the watcher reports paths; made again only when the build has read another list."""
        nonlocal known
        listed = read()
        if listed is not known[0]:
            known = (listed, frozenset(posixpath.normpath(name) for name in listed))
        return known[1]

    def accept(_change: object, path: str) -> bool:
        file = Path(path)
        if file.is_relative_to(out) or not file.is_relative_to(root):
            return False
        relative = file.relative_to(root)
        if relative.as_posix() in names():
            return True
        parts = relative.parts
        if not parts or any(part in IGNORED_FOLDERS or part.startswith(".") for part in parts):
            return False
        name = parts[-1]
        if name.endswith(IGNORED_SUFFIXES) or name.startswith("#"):
            return False
        return parts[0] == "templates" or file.suffix in SITE_SUFFIXES

    return accept


def describe(paths: Iterable[str], root: Path) -> str:
    names = sorted({Path(p).resolve().relative_to(root.resolve()).as_posix() for p in paths})
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def bind(host: str, port: int, tries: int = 20) -> tuple[list[socket.socket], int]:
    """Sockets on the first free port from `port`; a busy port is said aloud, not a traceback."""
    for candidate in range(port, port + tries):
        try:
            return netutil.bind_sockets(candidate, address=host), candidate
        except OSError as error:
            if error.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise click.ClickException(f"cannot listen on {host}:{candidate}: {error.strerror}") from None
            click.echo(f"Port {candidate} is busy.", err=True)
    raise click.ClickException(f"no free port from {port} to {port + tries - 1}; choose one with --port")


class Server:
    def __init__(self, root: Path, out: Path, host: str, port: int, cards: bool = True) -> None:
        self.root, self.out, self.host, self.cards = root, out, host, cards
        self.sockets, self.port = bind(host, port)
        self.preview = Preview(root, out, self.port, Session(root, out, cards=cards))
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="factsheet-build")

    @property
    def url(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/"

    def rebuild(self, what: str, first_digest: str | None = None) -> BuildResult | None:
        """One build; its result is reported in one line, or with its problems. The first is given
        `first_digest`, that of the inputs as it starts (`uptodate.inputs_digest`): it starts from the site
        the last build left when that is current, and says each stage as it starts on a terminal (the first
        build of a large desk takes long)."""
        start = time.perf_counter()
        try:
            # The search index is built once, at start: rebuilding it on every save would slow the preview.
            result = self.preview.session.build(
                search=self.preview.session.bundle is None,
                progress=progress.on_terminal() if first_digest is not None else None,
                digest=first_digest,
                adopt=first_digest is not None,
            )
        except OutputError as error:
            # Shown as a build's problems are, in the open tabs too: a full disk is not a 404.
            result = BuildResult(Problems())
            result.problems.error(Location(os.path.relpath(self.out, self.root).replace(os.sep, "/")), str(error))
        except Exception:  # a bug must not stop the preview: say it, keep serving the last good site
            click.echo(f"{what}: internal error, please report it:\n{traceback.format_exc()}", err=True)
            return None
        took = (time.perf_counter() - start) * 1000
        if not result.ok:
            click.echo(f"{what}: the build failed in {took:.0f} ms; the last good site is kept:", err=True)
            for problem in result.problems.sorted():
                click.echo(f"  {problem}", err=True)
            return result
        report = result.report
        assert report is not None
        if result.current is not None:
            click.echo(f"{what}: the site is current ({plural(result.current, 'file')}), read in {took:.0f} ms")
            return result
        click.echo(f"{what}: {len(report.written):,} written, {len(report.removed):,} removed, in {took:.0f} ms")
        return result

    def edited_page(self, what: str) -> str | None:
        """The page of the one claim a save changed, written before the whole rebuild (see `quick`)."""
        start = time.perf_counter()
        try:
            path = self.preview.session.edited_page()
        except Exception:  # the rebuild that follows does it all, and reports any problem
            return None
        if path is not None:
            click.echo(f"wrote {path} first ({what} changed), in {(time.perf_counter() - start) * 1000:.0f} ms")
        return path

    def after(self, result: BuildResult | None) -> None:
        """Show the outcome in the open tabs: the error page, or the pages that changed."""
        if result is None:
            return
        was_failing = self.preview.problems is not None
        if not result.ok:
            self.preview.problems = result.problems.sorted()
            self.preview.reload("*")
            return
        self.preview.problems = None
        written = result.report.written if result.report else ()
        if written or was_failing:
            pages = [p for p in written if p.endswith(".html")]
            self.preview.reload("/" + pages[0] if pages and not was_failing else "*")

    async def watch(self, stop: asyncio.Event) -> None:
        from watchfiles import awatch

        loop = asyncio.get_running_loop()
        accept = relevant(self.root, self.out, lambda: self.preview.session.inputs)
        # A batch ends once a whole `step` passes without a change, so a rename-save or a `git checkout`
        # of many files (changes less than a step apart) is one rebuild. It is also what every save waits
        # before anything is done: the watcher yields about two steps after the last change, most of the
        # time in which the page must follow a save (docs/speed.md has the measures).
        # Editors save in one go, or delete and create within a millisecond; a formatter run after the
        # save comes later than any step and is a rebuild of its own either way.
        async for changes in awatch(self.root, watch_filter=accept, debounce=1000, step=WATCH_STEP, stop_event=stop):
            what = describe((path for _, path in changes), self.root)
            if what == CLAIMS_FILE and self.preview.problems is None:
                first = await loop.run_in_executor(self.executor, self.edited_page, what)
                if first is not None:
                    self.preview.reload("/" + first)
            result = await loop.run_in_executor(self.executor, self.rebuild, f"changed {what}")
            self.after(result)

    async def run(self, open_browser: bool) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        # The first build runs before the watcher and the build thread start, in this thread alone,
        # so that it renders on every core (a process with threads renders on one, see `parallel`).
        # A save while it runs is not missed: the inputs are compared with what it started from once
        # the watcher is watching (awatch sets up its watches on its first step). Both digests read the
        # same files beyond the desk's walk: those the last build recorded (the first build may record more).
        beyond = uptodate.last_read(self.root)
        started_from = uptodate.inputs_digest(self.root, self.out, beyond, cards=self.cards)
        self.after(self.rebuild("initial build", first_digest=started_from))
        watcher = asyncio.create_task(self.watch(stop))
        for _ in range(3):
            await asyncio.sleep(0)
        if uptodate.inputs_digest(self.root, self.out, beyond, cards=self.cards) != started_from:
            what = "changed during the initial build"
            self.after(await loop.run_in_executor(self.executor, self.rebuild, what))
        app = web.Application(
            [
                (SOCKET_PATH, ReloadSocket, {"preview": self.preview}),
                (SCRIPT_PATH, ScriptHandler, {"preview": self.preview}),
                (r"/(.*)", SiteHandler, {"preview": self.preview}),
            ],
            websocket_ping_interval=20,
        )
        server = httpserver.HTTPServer(app)
        server.add_sockets(self.sockets)
        click.echo(f"Serving {self.out} at {self.url} (Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(self.url)
        await stop.wait()
        server.stop()
        for socket_ in list(self.preview.sockets):
            socket_.close()
        await server.close_all_connections()
        await watcher
        self.executor.shutdown(wait=True, cancel_futures=True)


def serve(root: Path, out: Path, host: str, port: int, open_browser: bool, cards: bool = True) -> None:
    # One line per rebuild is the log; tornado's line per request would drown it.
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    if not _is_loopback(host):
        click.echo(f"warning: serving on {host}: other machines on the network can read this preview.", err=True)
    server = Server(root, out, host, port, cards)
    asyncio.run(server.run(open_browser))
    click.echo("Stopped.")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

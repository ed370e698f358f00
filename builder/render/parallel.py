"""Pages rendered on every core: the rendering of a large desk is most of its build.

Each worker is a fork of the build process, so it starts with the analysis and
the compiled templates already in memory and is handed only its share of the
work; it sends back what it made (the rendered bytes, or what became of them
once written). Results come back in the order given, so the output is the same
bytes whether one core or several made it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 400
"""Below this many pages a fork costs more than it saves."""


def workers() -> int:
    """How many processes to render with: the cores this process may use, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8, int(os.environ.get("FACTSHEET_JOBS", "0")) or cores))


def map_pages(render: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[render(item) for item in items]`, spread over forked workers when there is enough to do.

    Forking is only safe in a process with one thread (a lock held by another thread
    would stay held in the child), so `serve`, which watches files in threads, renders
    in its own process; so does a platform without fork. A worker that fails is
    redone here, so that an error surfaces with its own traceback.
    """
    count = min(workers(), len(items) // MIN_PER_WORKER)
    if count < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return [render(item) for item in items]
    shares = [range(start, len(items), count) for start in range(count)]
    # This process takes the last share: after the pages it still reads the workers' results and makes the
    # site-wide files, and a build lists its costliest single files first (the feeds, the site's index).
    own, others = shares[-1], shares[:-1]
    children: list[tuple[int, int]] = []
    for share in others:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(read_end)
            _work(render, items, share, write_end)
        os.close(write_end)
        children.append((pid, read_end))
    results: list[R | None] = [None] * len(items)
    running = [pid for pid, _ in children]  # not yet waited for
    unread = [read_end for _, read_end in children]  # pipes not yet handed to a reader, which closes them
    try:
        for index in own:
            results[index] = render(items[index])
        for (pid, read_end), share in zip(children, others, strict=True):
            unread.remove(read_end)
            with os.fdopen(read_end, "rb") as stream:
                data = stream.read()
            _, status = os.waitpid(pid, 0)
            running.remove(pid)
            pages = pickle.loads(data) if status == 0 and data else None
            for position, index in enumerate(share):
                results[index] = pages[position] if pages is not None else render(items[index])
    except BaseException:
        # The build stops (an error in a template, Ctrl-C, SIGTERM): so do the workers, before the
        # caller removes what they would go on writing into (the staging folder, the scratch folder).
        _stop(running, unread)
        raise
    return [page for page in results if page is not None]


def _stop(running: list[int], unread: list[int]) -> None:
    """The workers `running` ended and waited for, the pipes `unread` closed."""
    for pid in running:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    for read_end in unread:
        with contextlib.suppress(OSError):
            os.close(read_end)


def _work(render: Callable[[T], R], items: Sequence[T], share: range, write_end: int) -> None:
    code = 1
    try:
        pages = [render(items[index]) for index in share]
        with os.fdopen(write_end, "wb") as stream:
            pickle.dump(pages, stream, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    except BaseException:  # the parent renders this share again and reports the error
        pass
    finally:
        sys.stdout.flush()
        os._exit(code)

"""Pages rendered on every core: the rendering of a large desk is most of its build.

Each worker is a fork of the build process, so it starts with the analysis and
the compiled templates already in memory. The work is cut into chunks of
consecutive pages, and each process, the build's own among them, takes the next
chunk whenever it is free, so that all end together however unequal the pages
(a site's index, a feed, a source of a thousand figures); each worker sends back
what it made (the rendered bytes, or what became of them once written). Results
are put back in the order given, so the output is the same bytes whether one
core or several made it, and whichever made each page.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
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


CHUNKS = 1000
"""At most this many chunks of work: few enough that their numbers (4 bytes each) fit in one page, the least a
pipe holds, so that `_chunks` fills its pipe before anyone reads it; many enough that the processes end within
a few pages of each other."""


def map_pages(render: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[render(item) for item in items]`, spread over forked workers when there is enough to do.

    Forking is only safe in a process with one thread (a lock held by another thread
    would stay held in the child), so `serve`, which watches files in threads, renders
    in its own process; so does a platform without fork. What a worker that fails had
    taken is redone here, so that an error surfaces with its own traceback.
    """
    count = min(workers(), len(items) // MIN_PER_WORKER)
    if count < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return [render(item) for item in items]
    size = -(-len(items) // CHUNKS)
    chunks = _chunks(len(items), size)
    children: list[tuple[int, int]] = []
    results: list[R | None] = [None] * len(items)
    running: list[int] = []  # not yet waited for
    unread: list[int] = []  # pipes not yet handed to a reader, which closes them
    try:
        for _ in range(count - 1):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                os.close(read_end)
                _work(render, items, _taken(chunks, size, len(items)), write_end)
            os.close(write_end)
            children.append((pid, read_end))
            running.append(pid)
            unread.append(read_end)
        for index in _taken(chunks, size, len(items)):
            results[index] = render(items[index])
        for pid, read_end in children:
            unread.remove(read_end)
            with os.fdopen(read_end, "rb") as stream:
                data = stream.read()
            _, status = os.waitpid(pid, 0)
            running.remove(pid)
            for index, page in pickle.loads(data) if status == 0 and data else ():
                results[index] = page
        for index, page in enumerate(results):  # what a worker that failed had taken
            if page is None:
                results[index] = render(items[index])
    except BaseException:
        # The build stops (an error in a template, Ctrl-C, SIGTERM): so do the workers, before the
        # caller removes what they would go on writing into (the staging folder, the scratch folder).
        _stop(running, unread)
        raise
    finally:
        os.close(chunks)
    return [page for page in results if page is not None]


def _chunks(count: int, size: int) -> int:
    """A pipe that holds the first index of each chunk of `size` of `count` items, 4 bytes each, and is then
    closed for writing: whichever process reads it next takes the next chunk. Each read of 4 bytes gets one
    whole number (a pipe's reads are one at a time, and every number is 4 bytes), and a read that gets nothing
    means no chunk is left. At most `CHUNKS` numbers, which a pipe holds at once."""
    read_end, write_end = os.pipe()
    try:
        data = b"".join(start.to_bytes(4, "little") for start in range(0, count, size))
        while data:
            data = data[os.write(write_end, data) :]
    finally:
        os.close(write_end)
    return read_end


def _taken(chunks: int, size: int, count: int) -> Iterator[int]:
    """The indices of each chunk this process takes from `chunks` (see `_chunks`), until none is left."""
    while start := os.read(chunks, 4):
        first = int.from_bytes(start, "little")
        yield from range(first, min(first + size, count))


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


def _work(render: Callable[[T], R], items: Sequence[T], indices: Iterable[int], write_end: int) -> None:
    code = 1
    try:
        pages = [(index, render(items[index])) for index in indices]
        with os.fdopen(write_end, "wb") as stream:
            pickle.dump(pages, stream, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    except BaseException:  # the parent renders what this took again, and reports the error
        pass
    finally:
        sys.stdout.flush()
        os._exit(code)

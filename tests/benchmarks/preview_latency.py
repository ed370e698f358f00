"""Save-to-page-updated latency of `factsheet serve`, on a copy of the example site or on a synthetic desk.

Run: python -m tests.benchmarks.preview_latency [--edits N] [--claims N]

It starts the real server on a free loopback port and does what an open tab
does: it connects to the reload socket (livereload's protocol), then, for each
save of claims.yaml as an editor's, waits for the reload message and fetches
the claim page over HTTP, until the page shows the new figure. The watcher,
the settling of a burst of changes, the page written first, the message and
the server's answer are all in the time, from the moment the save is done
(polling the page instead would take
the server's lock from the build thread every few milliseconds, and slow what
it measures). It prints the median and the worst of N saves, in
milliseconds, and the median of what `serve` itself says it took to write the
page. With `--claims`, the desk is the benchmark's synthetic one of that many
claims (`generate`), built first with `factsheet build`, as an editor's desk
is before they start the preview, and the edit is the benchmark's own
(claim-0's canonical figure). Before each save it waits for the rebuild after
the last one to end, so that each save is timed alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.benchmarks.generate import generate
from tests.benchmarks.run import EDITED_CLAIM, edit_canonical
from tests.conftest import copy_example
from tests.test_serve import CLAIM, Served, start, stop

PROTOCOL = "http://livereload.com/protocols/official-7"
START_WAIT = 600.0
"""Seconds to wait for `serve` to start: it reads and checks a large desk first."""


def _example_edit(root: Path) -> tuple[str, Callable[[int], str]]:
    """The example's claim page and an edit of its figure: the text the page shows after edit `number`."""
    path = root / "claims.yaml"
    current = ["about 400"]

    def edit(number: int) -> str:
        new = f"about {401 + number}"
        path.write_text(path.read_text().replace(f"value: {current[0]}\n", f"value: {new}\n", 1))
        current[0] = new
        return f"{new} killed"

    return "/" + CLAIM, edit


def _synthetic_edit(root: Path) -> tuple[str, Callable[[int], str]]:
    """The synthetic desk's edited claim page and an edit of its canonical figure (see `run.edit_canonical`)."""

    def edit(number: int) -> str:
        value = 123_456 + number
        edit_canonical(root / "claims.yaml", EDITED_CLAIM, f"      value: about {value:,}")
        return f"about {value:,}"

    return f"/claims/{EDITED_CLAIM}/", edit


def _wait_for_rebuilds(served: Served, count: int, deadline: float) -> None:
    while len(served.rebuilds()) < count:
        if time.perf_counter() > deadline:
            sys.exit(f"the rebuild after a save did not end in time: {served.output()[-2000:]}")
        time.sleep(0.01)


async def _saves(served: Served, page: str, edit: Callable[[int], str], edits: int) -> list[float]:
    """Milliseconds from each save to the page fetched after the reload message, showing the edit."""
    origin = f"http://127.0.0.1:{served.port}"
    request = HTTPRequest(f"ws://127.0.0.1:{served.port}/livereload", headers={"Origin": origin})
    connection = await websocket_connect(request)
    await connection.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
    await asyncio.wait_for(connection.read_message(), 10)
    await connection.write_message(json.dumps({"command": "info", "url": origin + page}))
    latencies: list[float] = []
    for number in range(edits):
        rebuilds = len(served.rebuilds())
        shown = edit(number)
        saved = time.perf_counter()  # the save is done: timed from there, as the target is
        while True:
            message = await asyncio.wait_for(connection.read_message(), 10)
            if message is None:
                sys.exit(f"the reload socket closed: {served.output()[-2000:]}")
            if json.loads(message).get("command") == "reload" and shown in served.get(page)[1]:
                break
        latencies.append((time.perf_counter() - saved) * 1000)
        _wait_for_rebuilds(served, rebuilds + 1, saved + START_WAIT)
        while True:  # the rebuild's own reload message, if any, is not the next save's
            try:
                await asyncio.wait_for(connection.read_message(), 0.3)
            except TimeoutError:
                break
    connection.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--claims", type=int, default=0, help="a synthetic desk of this many claims, not the example")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if options.claims:
            root = Path(folder) / "desk"
            generate(root, options.claims)
            built = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=root, check=False)
            if built.returncode != 0:
                sys.exit("the synthetic desk did not build")
            page, edit = _synthetic_edit(root)
        else:
            root = copy_example(Path(folder) / "desk")
            page, edit = _example_edit(root)
        started = time.perf_counter()
        served = start(root, wait=START_WAIT)
        print(f"serving after {time.perf_counter() - started:.1f} s", flush=True)
        try:
            latencies = asyncio.run(_saves(served, page, edit, options.edits))
        finally:
            stop(served)
    first = [float(ms) for ms in re.findall(r"^wrote \S+ first .*, in (\d+) ms$", served.output(), re.M)]
    said = f"; serve says it wrote the page in a median {statistics.median(first):.0f} ms" if first else ""
    print(
        f"save to page updated, {options.edits} saves: median {statistics.median(latencies):.0f} ms, "
        f"worst {max(latencies):.0f} ms{said}"
    )


if __name__ == "__main__":
    main()

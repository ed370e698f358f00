"""Save-to-page-updated latency of `factsheet serve` on a copy of the example site.

Run: python -m tests.benchmarks.preview_latency [--edits N]

It starts the real server on a free loopback port, rewrites claims.yaml as an
editor's save would, and polls the claim page over HTTP until it shows the new
figure. It prints the median and the worst of N saves, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import copy_example
from tests.test_serve import CLAIM, start, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    edits = parser.parse_args().edits
    with tempfile.TemporaryDirectory() as folder:
        root = copy_example(Path(folder) / "desk")
        served = start(root)
        latencies = []
        try:
            current = "about 400"
            for number in range(edits):
                new = f"about {401 + number}"
                path = root / "claims.yaml"
                text = path.read_text().replace(f"value: {current}\n", f"value: {new}\n", 1)
                saved = time.perf_counter()
                path.write_text(text)
                deadline = saved + 10
                while time.perf_counter() < deadline:
                    _, body = served.get("/" + CLAIM)
                    if f"{new} killed" in body:
                        break
                    time.sleep(0.002)
                else:
                    sys.exit(f"the page did not update within 10 s: {served.output()}")
                latencies.append((time.perf_counter() - saved) * 1000)
                current = new
                time.sleep(0.3)
        finally:
            stop(served)
    print(
        f"save to page updated, {edits} saves: median {statistics.median(latencies):.0f} ms, "
        f"worst {max(latencies):.0f} ms"
    )


if __name__ == "__main__":
    main()

"""The benchmark runs (at 1,000 claims) and reports every measure; no time is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_benchmark_reports_cold_warm_and_incremental_builds(tmp_path: Path) -> None:
    # One run of each measure, not the default three: the test checks the reporting, not the times.
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.run", "--sizes", "1000", "--repeat", "1", "--json", str(results)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    print(done.stdout, file=sys.stderr)
    row = json.loads(results.read_text())["sizes"]["1000"]
    for mode in ("cold", "warm", "incremental"):
        measured = row[mode]
        assert measured["wall_s"] > 0 and measured["cpu_s"] > 0 and measured["peak_mb"] > 0
        assert measured["min"]["wall_s"] <= measured["wall_s"] <= measured["max"]["wall_s"]
    for mode in ("cold", "incremental"):
        assert {"load", "validate", "analyse", "render", "write", "search"} <= row[mode]["stages_ms"].keys()
    assert row["cold"]["cpu_s"] > row["incremental"]["cpu_s"] / 2  # the workers' and Pagefind's CPU counted too
    assert row["cold"]["written"] == row["cold"]["files"] > 3000 and not row["cold"]["current"]
    # Nothing changed: the warm build finds the last one current, and neither renders nor writes.
    assert row["warm"]["current"] and row["warm"]["written"] == 0 and row["warm"]["files"] == row["cold"]["files"]
    assert 0 < row["incremental"]["written"] < row["cold"]["written"] / 10
    assert 0 < row["incremental"]["first_page_s"] < row["incremental"]["wall_s"]
    if "hugo_cold" in row:  # the same pages: 1,000 claims, 100 sources, the index
        assert row["hugo_cold"]["pages"] == 1101 and row["ratio_to_hugo"] > 0
    assert "| claims | cold build (CPU) |" in done.stdout

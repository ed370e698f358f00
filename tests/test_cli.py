"""The command line as editors and CI use it: exit status, what is printed, and what is (not) written.

A few tests run the real program in a subprocess (`python -m builder`, the
`factsheet` script); the rest use click's CliRunner from inside the site folder.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder import __version__
from builder.cli import main
from builder.render import search
from builder.write.writer import MARKER, written_here
from tests.benchmarks.generate import generate
from tests.benchmarks.run import edit_canonical
from tests.sitefactory import ABOUT, CLAIMS, edit, position, tree, write_site

try:
    import resource
except ImportError:  # not POSIX: no file size limit to set
    resource = None  # type: ignore[assignment]

BROKEN = edit(CLAIMS, "value: 12,000", "value: lots")
BROKEN_AT = "claims.yaml:{}:{}: error: 'lots' is not a figure".format(*position(BROKEN, "lots"))
BAD_SYNTAX = edit(CLAIMS, "  title: Test desk\n", "  title: Test: desk\n")
BAD_QUOTE = edit(CLAIMS, "of them were killed or wounded", "of them were killed in action")
BAD_ABOUT = edit(ABOUT, "[[troops-total]]", "[[troops-totl]]")
INCLUDE_NOTHING = edit(CLAIMS, "sources:\n", "include:\n  - claims/*.yaml\nsources:\n")


def run(
    args: list[str], cwd: Path, preexec_fn: Callable[[], None] | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """The real program, as a shell would start it; `preexec_fn` runs in the child before it starts."""
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        preexec_fn=preexec_fn,
    )


def run_with_file_size_limit(args: list[str], cwd: Path, limit: int) -> subprocess.CompletedProcess[str]:
    """`run`, where writing a file past `limit` bytes fails (EFBIG) as writing on a full disk does (ENOSPC)."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return run(args, cwd, preexec_fn=limited)


def run_on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """The program with its standard error on a pseudo-terminal, as in an editor's shell: (status, out, err)."""
    import pty  # POSIX only

    terminal, its_end = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "builder", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=its_end
        )
        os.close(its_end)
        said = read_terminal(terminal)
        out = process.stdout.read() if process.stdout else b""
        process.wait(timeout=120)
    finally:
        os.close(terminal)
    return process.returncode, out.decode(), said.decode().replace("\r\n", "\n")


def read_terminal(terminal: int) -> bytes:
    """What the programs on the other end of a pseudo-terminal write to it, until they have all closed it."""
    said = bytearray()
    while True:
        try:
            part = os.read(terminal, 4096)
        except OSError:  # EIO: the last program closed its end
            break
        if not part:
            break
        said += part
    return bytes(said)


def invoke(args: list[str]) -> Result:
    """The program through CliRunner, in the current folder; a crash is never an exit status."""
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the command crashed: {result.exception!r}\n{result.output}") from result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid site, and the current folder set to it."""
    root = write_site(tmp_path / "desk")
    monkeypatch.chdir(root)
    return root


def counts(output: str) -> dict[str, int]:
    """The `N written, N unchanged, N removed` of a build's summary line."""
    match = re.search(r"([\d,]+) written, ([\d,]+) unchanged, ([\d,]+) removed", output)
    assert match is not None, output
    numbers = (int(n.replace(",", "")) for n in match.groups())
    return dict(zip(("written", "unchanged", "removed"), numbers, strict=True))


# -- build ---------------------------------------------------------------------------


def test_build_writes_the_site(tmp_path: Path) -> None:
    root = write_site(tmp_path / "desk")
    done = run(["build"], root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (root / "site" / "index.html").is_file()
    assert (root / "site" / "claims" / "troops-total" / "index.html").is_file()
    assert (root / "site" / "about" / "index.html").is_file()
    data = json.loads((root / "site" / "claims.json").read_text(encoding="utf-8"))
    claims = {claim["id"]: claim for claim in data["claims"]}
    assert set(claims) == {"troops-total", "casualties-total"}
    assert claims["troops-total"]["canonical"]["low"] == pytest.approx(9900)
    assert claims["troops-total"]["canonical"]["high"] == pytest.approx(12100)
    assert [v["source"] for v in claims["troops-total"]["variants"]] == ["ap-2025-03-27", "reuters-2025-04-01"]


@pytest.mark.skipif(os.name != "posix", reason="no pseudo-terminals to test with (not POSIX)")
def test_a_build_on_a_terminal_says_each_stage_as_it_starts_and_a_script_gets_the_summary_alone(
    tmp_path: Path,
) -> None:
    root = write_site(tmp_path / "desk")
    status, out, said = run_on_a_terminal(["build"], root)
    assert status == 0, said
    stages = [re.fullmatch(r" *(\d+\.\d) s  (.+)\.\.\.", line) for line in said.splitlines()]
    assert all(stages), said
    assert [m[2] for m in stages if m] == [
        "reading the claims, pages and archived texts",
        "checking the claims",
        "reading their history from git, where there is one",
        "comparing the figures",
        "rendering and writing the pages",
        "writing the site-wide files, indexing for search",
    ]
    times = [float(m[1]) for m in stages if m]
    assert times == sorted(times)
    assert out.startswith("Built 2 claims into ")
    write_site(root, edit(CLAIMS, "value: 12,000", "value: 13,000"))
    piped = run(["build"], root)  # no terminal: the summary alone
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout.startswith("Built 2 claims"), piped
    status, out, said = run_on_a_terminal(["check"], root)
    assert status == 0
    assert [re.sub(r"^ *\d+\.\d s  ", "", line) for line in said.splitlines()] == [
        "reading the claims, pages and archived texts...",
        "checking the claims...",
        "reading their history from git, where there is one...",  # for the warnings of the corrections
        "comparing the figures...",
    ], said
    assert out == "OK: 2 claims, 2 sources, 1 page.\n"  # the outcome on standard output, as build's


def test_every_command_keeps_one_rule_for_its_streams(tmp_path: Path) -> None:
    """The README's rule: what a command was asked for (its outcome, a report) on standard output; problems,
    their count and progress on standard error. Counts agree with their number in every line."""
    root = write_site(tmp_path / "desk", edit(CLAIMS, "value: 12,000", "value: 12.000"))
    checked = run(["check"], root)
    assert checked.returncode == 1 and checked.stdout == ""
    assert checked.stderr.splitlines()[-1] == "1 error; fix it and check again."
    built = run(["build"], root)
    assert built.returncode == 1 and built.stdout == ""
    assert built.stderr.splitlines()[-1] == "1 error; nothing was written."
    write_site(root, edit(edit(CLAIMS, "value: 12,000", "value: 12.000"), "value: more than 3,000", "value: 3.000"))
    assert run(["check"], root).stderr.splitlines()[-1] == "2 errors; fix them and check again."
    write_site(root)
    built = run(["build"], root)
    assert built.returncode == 0 and built.stderr == ""
    assert re.fullmatch(r"Built 2 claims into [\d,]+ files in .*\n", built.stdout)
    init = run(["init", "one"], tmp_path)
    assert init.stdout.startswith("wrote ") and all(line.startswith("warning: ") for line in init.stderr.splitlines())
    one = run(["check", "--root", "one"], tmp_path)
    assert one.stdout == "OK: 1 claim, 2 sources, 1 page.\n" and "warning" in one.stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"claims.yaml": BROKEN}, BROKEN_AT, id="figure"),
        pytest.param(
            {"claims.yaml": BAD_SYNTAX},
            "claims.yaml:{}:{}: error: YAML syntax".format(*position(BAD_SYNTAX, ": desk")),
            id="yaml-syntax",
        ),
        pytest.param(
            {"claims.yaml": BAD_QUOTE},
            "claims.yaml:{}:{}: error: quote not found".format(*position(BAD_QUOTE, '"about 4,000')),
            id="quote",
        ),
        pytest.param(
            {"content/about.md": BAD_ABOUT},
            "content/about.md:{}:{}: error: unknown claim".format(*position(BAD_ABOUT, "[[troops-totl]]")),
            id="page-reference",
        ),
        pytest.param(
            {"claims.yaml": CLAIMS.replace("Test desk", "Café desk").encode("latin-1")}, "claims.yaml:2:", id="not-utf8"
        ),
        pytest.param({"claims.yaml": ""}, "claims.yaml:1:1: error:", id="empty"),
    ],
)
def test_broken_build_reports_and_leaves_the_site_unchanged(tmp_path: Path, files: dict, expected: str) -> None:
    root = write_site(tmp_path / "desk")
    first = run(["build"], root)
    assert first.returncode == 0, first.stderr
    before = tree(root / "site")
    assert "index.html" in before
    write_site(root, files=files)
    done = run(["build"], root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert expected in done.stderr
    assert re.search(r"^\S+:\d+:\d+: error: ", done.stderr, re.M)
    assert "Traceback" not in done.stdout + done.stderr
    assert tree(root / "site") == before


def test_broken_build_creates_no_output_folder(desk: Path) -> None:
    write_site(desk, BROKEN)
    result = invoke(["build"])
    assert result.exit_code == 1
    assert BROKEN_AT in result.stderr
    assert not (desk / "site").exists()
    assert sorted(p.name for p in desk.iterdir()) == ["claims.yaml", "content"]


def test_second_build_into_its_own_output_rewrites_nothing(desk: Path) -> None:
    first = invoke(["build"])
    assert first.exit_code == 0, first.output
    site = desk / "site"
    outputs = [p for p in site.rglob("*") if p.is_file() and p.name != ".factsheet-output"]
    stamps = {p: p.stat().st_mtime_ns for p in outputs}
    assert counts(first.output) == {"written": len(outputs), "unchanged": 0, "removed": 0}
    second = invoke(["build"])
    assert second.exit_code == 0, second.output
    assert counts(second.output) == {"written": 0, "unchanged": len(outputs), "removed": 0}
    assert {p: p.stat().st_mtime_ns for p in outputs} == stamps


def test_stale_files_are_removed_on_the_next_build(desk: Path) -> None:
    assert invoke(["build"]).exit_code == 0
    site = desk / "site"
    assert (site / "claims" / "casualties-total" / "index.html").is_file()
    assert (site / "topics" / "casualties" / "index.html").is_file()
    (site / "leftover.html").write_text("<p>old</p>", encoding="utf-8")
    fewer = CLAIMS[: CLAIMS.index("  - id: casualties-total")].replace("    related: [casualties-total]\n", "")
    write_site(desk, fewer, {"content/about.md": edit(ABOUT, "[[casualties-total|about 4,000]]", "about 4,000")})
    result = invoke(["build"])
    assert result.exit_code == 0, result.output
    assert not (site / "claims" / "casualties-total").exists()
    assert not (site / "topics" / "casualties").exists()
    assert (site / "leftover.html").read_text(encoding="utf-8") == "<p>old</p>"  # not factsheet's: kept
    assert "kept 1 file factsheet did not write: leftover.html" in result.output
    assert (site / "claims" / "troops-total" / "index.html").is_file()
    data = json.loads((site / "claims.json").read_text(encoding="utf-8"))
    assert [claim["id"] for claim in data["claims"]] == ["troops-total"]
    assert counts(result.output)["removed"] >= 3


def test_build_refuses_a_folder_it_did_not_write(desk: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "drafts").mkdir(parents=True)
    (mine / "notes.txt").write_text("do not lose\n", encoding="utf-8")
    (mine / "drafts" / "a.md").write_text("draft\n", encoding="utf-8")
    before = tree(mine)
    result = invoke(["build", "--out", str(mine)])
    assert result.exit_code == 1
    assert "error:" in result.stderr and "not empty" in result.stderr
    assert tree(mine) == before
    assert sorted(p.name for p in mine.iterdir()) == ["drafts", "notes.txt"]


@pytest.mark.parametrize("out", [".", "content", ".."])
def test_build_refuses_to_write_over_the_site_itself(desk: Path, out: str) -> None:
    watched = desk.parent
    before = tree(watched)
    result = invoke(["build", "--out", out])
    assert result.exit_code == 1
    assert "error:" in result.stderr
    assert tree(watched) == before
    assert not (desk / ".factsheet-output").exists()


def test_build_into_a_new_folder_elsewhere(desk: Path, tmp_path: Path) -> None:
    out = tmp_path / "public" / "desk"
    result = invoke(["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
    assert not (desk / "site").exists()


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    root = write_site(tmp_path / "desk")
    first = run(["build", "--out", str(tmp_path / "a")], root, PYTHONHASHSEED="1")
    second = run(["build", "--out", str(tmp_path / "b")], root, PYTHONHASHSEED="2")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert "claims.json" in a and "index.html" in a
    assert a == b


def _without_marker(files: dict[str, str]) -> dict[str, str]:
    return {path: digest for path, digest in files.items() if path != MARKER}


def test_build_without_search_writes_the_site_but_its_index(tmp_path: Path) -> None:
    """`--no-search` writes every file a full build writes, byte for byte, but Pagefind's, and warns of
    nothing; the up-to-date check takes neither kind of site for the other's."""
    root = write_site(tmp_path / "desk")
    full = run(["build", "--out", str(tmp_path / "full")], root)
    assert full.returncode == 0, full.stderr
    with_index = tree(tmp_path / "full")
    index = {path for path in with_index if path.startswith(search.BUNDLE)}
    assert f"{search.BUNDLE}pagefind-ui.js" in index and any("/fragment/" in path for path in index)

    bare = run(["build", "--no-search"], root)
    assert bare.returncode == 0, bare.stderr
    without_index = {path: digest for path, digest in with_index.items() if path not in index}
    assert bare.stderr == "" and counts(bare.stdout)["written"] == len(without_index) - 1  # the output's marker
    assert _without_marker(tree(root / "site")) == _without_marker(without_index)
    assert written_here(root / "site") == set(without_index) - {MARKER}  # the marker lists the files it wrote
    assert "Nothing changed" in run(["build", "--no-search"], root).stdout

    searched = run(["build"], root)
    assert searched.returncode == 0 and "Nothing changed" not in searched.stdout, searched.stdout
    assert tree(root / "site") == with_index
    assert "Nothing changed" in run(["build"], root).stdout
    assert run(["build", "--no-search"], root).returncode == 0
    assert not (root / "site" / search.BUNDLE).exists()


# -- check ---------------------------------------------------------------------------


@pytest.mark.parametrize("built_before", [False, True], ids=["fresh", "after-build"])
@pytest.mark.parametrize(("claims", "status"), [(CLAIMS, 0), (BROKEN, 1)], ids=["valid", "broken"])
def test_check_writes_nothing(tmp_path: Path, claims: str, status: int, built_before: bool) -> None:
    root = write_site(tmp_path / "desk")
    if built_before:
        assert run(["build"], root).returncode == 0
    write_site(root, claims)
    before = tree(tmp_path)
    done = run(["check"], root)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert tree(tmp_path) == before
    assert (root / "site").exists() == built_before
    if status:
        assert BROKEN_AT in done.stderr
    else:
        assert "error" not in done.stderr


def test_check_text_format(desk: Path) -> None:
    write_site(desk, BROKEN)
    result = invoke(["check"])
    assert result.exit_code == 1
    assert BROKEN_AT in result.stderr.splitlines()[0]
    assert result.stdout == ""


def test_check_warnings_alone_exit_zero(desk: Path) -> None:
    write_site(desk, INCLUDE_NOTHING)
    result = invoke(["check"])
    assert result.exit_code == 0, result.output
    line, col = position(INCLUDE_NOTHING, "claims/*.yaml")
    assert f"claims.yaml:{line}:{col}: warning: include 'claims/*.yaml' matches no file" in result.stderr


def test_check_github_format(desk: Path) -> None:
    claims = edit(INCLUDE_NOTHING, "value: 12,000", "value: lots")
    write_site(desk, claims)
    result = invoke(["check", "--format", "github"])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("::")]
    warning_at, error_at = position(claims, "claims/*.yaml"), position(claims, "lots")
    assert len(lines) == 2, result.stdout
    assert lines[0] == (
        f"::warning file=claims.yaml,line={warning_at[0]},col={warning_at[1]}::include 'claims/*.yaml' matches no file"
    )
    assert lines[1].startswith(f"::error file=claims.yaml,line={error_at[0]},col={error_at[1]}::'lots' is not a figure")


def test_check_json_format(desk: Path) -> None:
    claims = edit(INCLUDE_NOTHING, "value: 12,000", "value: lots")
    write_site(desk, claims)
    result = invoke(["check", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    assert all(set(item) == {"path", "line", "column", "severity", "message"} for item in data), data
    assert [(d["path"], d["line"], d["column"], d["severity"]) for d in data] == [
        ("claims.yaml", *position(claims, "claims/*.yaml"), "warning"),
        ("claims.yaml", *position(claims, "lots"), "error"),
    ]
    assert "matches no file" in data[0]["message"]
    assert "'lots' is not a figure" in data[1]["message"]


def test_check_json_format_on_a_valid_site(desk: Path) -> None:
    result = invoke(["check", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_paths_are_shown_from_the_current_folder(tmp_path: Path) -> None:
    write_site(tmp_path / "desk", BROKEN)
    done = run(["check", "--root", "desk"], tmp_path)
    assert done.returncode == 1
    assert f"desk/{BROKEN_AT}" in done.stderr


# -- usage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--format", "xml"],
        ["check", "--bogus"],
        ["build", "--bogus"],
        ["build", "--out"],
        ["frobnicate"],
    ],
)
def test_bad_usage_exits_2(desk: Path, args: list[str]) -> None:
    before = tree(desk)
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.stderr
    assert tree(desk) == before


def test_bad_usage_exits_2_in_a_real_process(desk: Path) -> None:
    done = run(["check", "--format", "xml"], desk)
    assert done.returncode == 2
    assert "xml" in done.stderr
    assert "Traceback" not in done.stderr


def test_help(tmp_path: Path) -> None:
    done = run(["--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "build" in done.stdout and "check" in done.stdout
    sub = run(["build", "--help"], tmp_path)
    assert sub.returncode == 0
    assert "--out" in sub.stdout and "--root" in sub.stdout


def test_version(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "factsheet"
    assert script.exists(), f"the factsheet script is not installed beside {sys.executable}"
    done = subprocess.run([str(script), "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout
    assert "factsheet" in done.stdout
    same = run(["--version"], tmp_path)
    assert same.returncode == 0 and __version__ in same.stdout


def test_a_terminated_build_cleans_up_and_keeps_the_last_site(tmp_path: Path) -> None:
    """SIGTERM (a cancelled CI job, `timeout`) in the middle of rendering: the build stops with 143, its
    workers with it, and leaves no staging folder, no scratch folder and the last site as it was."""
    root = tmp_path / "desk"
    generate(root, 2000)
    assert run(["build", "--no-cards"], root).returncode == 0  # 6,000 images would be most of the test's time
    before = tree(root / "site")
    edit_canonical(root / "claims.yaml")  # so that the next build has work to do
    scratch = search._scratch(search.SCRATCH_ROOM) or Path(tempfile.gettempdir())
    build = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "--no-cards"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ours = f"{search.SCRATCH_PREFIX}{build.pid}-*"
    deadline = time.monotonic() + 60
    while not list(scratch.glob(ours)) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # the scratch folder is made once the desk is analysed, as rendering starts
    time.sleep(0.2)
    build.send_signal(signal.SIGTERM)
    _, errors = build.communicate(timeout=120)
    assert build.returncode == 128 + signal.SIGTERM, errors
    assert "Traceback" not in errors
    assert [p.name for p in root.iterdir() if "staging" in p.name] == []
    assert list(scratch.glob(ours)) == []
    assert tree(root / "site") == before

"""A build with nothing to do does nothing, and anything a build reads makes it build again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.pipeline.build import build
from builder.render import search
from builder.write import uptodate
from tests.conftest import REPO
from tests.sitefactory import CLAIMS, edit, write_site


def _stamps(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "desk")
    first = build(root, root / "site")
    assert first.ok and first.current is None and first.report is not None and first.report.written
    return root


def test_a_second_build_with_nothing_changed_does_nothing(desk: Path) -> None:
    before = _stamps(desk / "site")
    again = build(desk, desk / "site")
    assert again.ok and again.current == len(before) - 1  # every file but the marker
    assert again.outputs is None, "the site was rendered again"
    assert _stamps(desk / "site") == before


def test_the_warnings_of_the_last_build_are_told_again(tmp_path: Path) -> None:
    root = write_site(tmp_path / "desk", edit(CLAIMS, "  base_url: https://example.org/desk/\n", ""))
    first = build(root, root / "site")
    warnings = [str(p) for p in first.problems.sorted()]
    assert any("base_url" in w for w in warnings)
    again = build(root, root / "site")
    assert again.current is not None and [str(p) for p in again.problems.sorted()] == warnings


def _retitle(root: Path) -> None:
    path = root / "claims.yaml"
    path.write_text(edit(path.read_text(), "title: North Korean soldiers sent to Russia", "title: Soldiers sent"))


def _setting(root: Path) -> None:
    path = root / "claims.yaml"
    path.write_text(
        edit(path.read_text(), "  base_url: https://example.org/desk/\n", "  base_url: https://example.org/other/\n")
    )


def _template(root: Path) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "footer.html").write_text("<p>Our own footer.</p>\n")


def _included(root: Path) -> None:
    (root / "more").mkdir()
    (root / "more" / "extra.yaml").write_text("claims: []\n")
    path = root / "claims.yaml"
    path.write_text(edit(path.read_text(), "sources:\n", "include:\n  - more/*.yaml\nsources:\n"))
    assert build(root, root / "site").current is None
    (root / "more" / "extra.yaml").write_text(
        "claims:\n  - id: extra-claim\n    title: An extra claim\n    canonical:\n      value: 5\n"
    )


def _archived_text(root: Path) -> None:
    for path in (root / "content" / "sources").glob("*.md"):
        path.write_text(path.read_text() + "\nOne more paragraph.\n")


def _page(root: Path) -> None:
    path = root / "content" / "about.md"
    path.write_text(path.read_text() + "\nOne more line.\n")


def _output_edited(root: Path) -> None:
    (root / "site" / "index.html").write_text("edited by hand")


def _output_removed(root: Path) -> None:
    (root / "site" / "index.html").unlink()


def _version(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uptodate, "__version__", "99.0")


def _source_date(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


CHANGES: dict[str, Callable[..., None]] = {
    "a claim": _retitle,
    "a setting": _setting,
    "a template": _template,
    "an included file": _included,
    "an archived text": _archived_text,
    "a page": _page,
    "an output file edited": _output_edited,
    "an output file removed": _output_removed,
}


def test_a_file_the_user_adds_to_the_output_leaves_the_site_current_and_is_kept(desk: Path) -> None:
    """A `CNAME` or `.nojekyll` added beside the site is the user's: the site factsheet wrote is as it was."""
    (desk / "site" / "CNAME").write_text("facts.example.org\n")
    again = build(desk, desk / "site")
    assert again.ok and again.current is not None
    assert (desk / "site" / "CNAME").read_text() == "facts.example.org\n"


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_builds_again(desk: Path, change: Callable[[Path], None]) -> None:
    change(desk)
    again = build(desk, desk / "site")
    assert again.ok, [str(p) for p in again.problems.sorted()]
    assert again.current is None and again.report is not None
    assert again.report.written or again.report.removed
    assert build(desk, desk / "site").current is not None, "the build after it was not current"


def _packaged_template(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A packaged template edited in a checkout of factsheet (read so, rather than edited, for the other tests)."""
    template = Path(uptodate.__file__).parent.parent / "render" / "templates" / "claim.html"
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read(path) + (b"<!-- edited -->" if path == template else b""))


def _library(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another version of a library installed where Python imports from (as `pip install -U` leaves it)."""
    folder = root.parent / "site-packages"
    (folder / "jinja2-99.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(folder))


@pytest.mark.parametrize(
    "change",
    [_version, _source_date, _library, _packaged_template],
    ids=["the package version", "SOURCE_DATE_EPOCH", "a library", "a packaged template"],
)
def test_the_package_and_the_environment_count(
    desk: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path, pytest.MonkeyPatch], None]
) -> None:
    change(desk, monkeypatch)
    assert build(desk, desk / "site").current is None


def test_the_folder_a_command_runs_in_does_not_count(tmp_path: Path) -> None:
    """`python -m builder` puts its working folder first on the path: a build run from a folder holding
    a package's metadata (a checkout of factsheet has its egg-info) finds the site another folder's built."""
    root = write_site(tmp_path / "desk")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "other-1.0.dist-info").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    said = []
    for cwd in (root, elsewhere):
        done = subprocess.run(
            [sys.executable, "-m", "builder", "build", "--root", str(root)],
            cwd=cwd, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        said.append(done.stdout)
    assert said[0].startswith("Built ") and said[1].startswith("Nothing changed since the last build"), said


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")
def test_a_new_commit_builds_again(desk: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "E",
        "GIT_AUTHOR_EMAIL": "e@example.org",
        "GIT_COMMITTER_NAME": "E",
        "GIT_COMMITTER_EMAIL": "e@example.org",
    }
    for args in (["init", "-q"], ["add", "claims.yaml"], ["commit", "-q", "-m", "first"]):
        subprocess.run(["git", *args], cwd=desk, check=True, env=env)
    assert build(desk, desk / "site").current is None  # the history section appears
    assert build(desk, desk / "site").current is not None
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "second"], cwd=desk, check=True, env=env)
    assert build(desk, desk / "site").current is None


def test_a_failed_build_leaves_no_stale_record(desk: Path) -> None:
    path = desk / "claims.yaml"
    good = path.read_text()
    path.write_text(edit(good, "value: 12,000", "value: more than about 5"))
    assert not build(desk, desk / "site").ok
    path.write_text(good)
    assert build(desk, desk / "site").current is not None  # the output is still that of the good build


def _text_kept_in(root: Path, relative: str) -> Path:
    """The site's archived text moved to `relative` (the contract allows any path in the desk), built."""
    text = root / relative
    text.parent.mkdir(parents=True, exist_ok=True)
    (root / "content" / "sources" / "ap-2025-03-27.md").rename(text)
    claims = root / "claims.yaml"
    claims.write_text(edit(claims.read_text(), "text: content/sources/ap-2025-03-27.md", f"text: {relative}"))
    assert build(root, root / "site").ok
    return text


@pytest.mark.parametrize("relative", ["archive/ap-2025-03-27.txt", "node_modules/ap.md", "content/../ap.md"])
def test_an_archived_text_kept_anywhere_in_the_desk_builds_again_when_edited(desk: Path, relative: str) -> None:
    """A text outside the folders a build is known to read (here a folder the check passes by, and a path
    named through `..`) is read by the check as the last build recorded reading it."""
    text = _text_kept_in(desk, relative)
    build(desk, desk / "site")  # the check now reads the text too (see `uptodate.READ`)
    assert build(desk, desk / "site").current is not None
    text.write_text(text.read_text() + "\nA paragraph added to the archive.\n")
    again = build(desk, desk / "site")
    assert again.current is None, "an edited archived text was taken for the last build's"
    page = (desk / "site" / "sources" / "ap-2025-03-27" / "index.html").read_text()
    assert "A paragraph added to the archive." in BeautifulSoup(page, "html.parser").get_text()
    assert build(desk, desk / "site").current is not None


def test_a_folder_a_build_wrote_is_not_an_input_unless_it_is_read(desk: Path) -> None:
    """A copy of the site kept in the desk (`site.old/`) holds nothing a build reads: a YAML file in it
    does not make a build stale, until `claims.yaml` includes it."""
    shutil.copytree(desk / "site", desk / "site.old")
    stray = desk / "site.old" / "extra.yaml"
    stray.write_text("claims: []\n")
    assert build(desk, desk / "site").current is not None
    stray.write_text("claims: [] # edited\n")
    assert build(desk, desk / "site").current is not None, "a folder factsheet wrote was taken for an input"
    claims = desk / "claims.yaml"
    claims.write_text(edit(claims.read_text(), "sources:\n", "include:\n  - site.old/extra.yaml\nsources:\n"))
    assert build(desk, desk / "site").current is None
    build(desk, desk / "site")
    assert build(desk, desk / "site").current is not None
    stray.write_text("claims: []\n")
    assert build(desk, desk / "site").current is None, "an included file was not read by the check"


@pytest.mark.parametrize(
    "listed",
    [["../outside.txt"], ["/etc/hostname"], ["pipe"], ["content"], "archive.txt", [1, 2], {"a": 1}],
    ids=["a file outside the desk", "an absolute path", "a named pipe", "a folder", "not a list", "numbers", "a map"],
)
def test_a_damaged_list_of_the_files_read_is_not_followed(desk: Path, listed: object) -> None:
    """The list of files beyond the walk comes from the cache, which may be damaged or copied from elsewhere:
    only regular files inside the desk are read (a named pipe would block the check forever)."""
    (desk.parent / "outside.txt").write_text("not the desk's\n")
    os.mkfifo(desk / "pipe")
    (desk / ".factsheet-cache" / uptodate.READ).write_text(json.dumps({"beyond": listed}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--root", str(desk)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert build(desk, desk / "site").current is not None


def test_a_site_written_without_search_is_built_again_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When Pagefind could not run, the next build tries again rather than find that site current: the
    editor who installs Pagefind after the warning, or whose Pagefind failed once, gets the search box."""
    root = write_site(tmp_path / "desk")

    def missing() -> str:
        raise search.SearchUnavailable("no pagefind binary (install the pagefind[bin] package)")

    with monkeypatch.context() as patched:
        patched.setattr(search, "_binary", missing)
        first = build(root, root / "site")
    assert first.ok and any("without search" in str(p) for p in first.problems.sorted())
    assert not (root / "site" / search.BUNDLE).exists()
    again = build(root, root / "site")
    assert again.current is None and not any("without search" in str(p) for p in again.problems.sorted())
    assert (root / "site" / search.SHARDS_FILE).is_file()
    assert build(root, root / "site").current is not None


DAMAGE: dict[str, Callable[[dict], object]] = {
    "files a list": lambda m: {**m, "output": {**m["output"], "files": list(m["output"]["files"])}},
    "a stamp a string": lambda m: {**m, "output": {**m["output"], "files": dict.fromkeys(m["output"]["files"], "x")}},
    "a stamp of two numbers": lambda m: {
        **m,
        "output": {**m["output"], "files": {k: v[:2] for k, v in m["output"]["files"].items()}},
    },
    "no folders": lambda m: {**m, "output": {"files": m["output"]["files"]}},
    "the output a list": lambda m: {**m, "output": []},
    "warnings a mapping": lambda m: {**m, "warnings": {"a": 1}},
    "a warning a number": lambda m: {**m, "warnings": [1]},
    "the manifest a list": lambda m: [m],
    "not JSON": lambda m: "{",
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_record_builds_again(desk: Path, damage: str) -> None:
    """A record of the last build that is not as a build writes it (damaged, or copied from elsewhere) is
    no record: the build builds, and says nothing of it."""
    record = desk / ".factsheet-cache" / uptodate.MANIFEST
    damaged = DAMAGE[damage](json.loads(record.read_text(encoding="utf-8")))
    record.write_text(damaged if isinstance(damaged, str) else json.dumps(damaged), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--root", str(desk)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "Built " in done.stdout and "Nothing changed" not in done.stdout

"""`factsheet init`: a new site that builds and checks as it is, safe in a folder that is not empty,
with a GitHub workflow that reviews pull requests without trusting them.

One test builds the package into a wheel and installs it into a virtual
environment of its own, to prove the starter files and templates ship.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from builder.scaffold import FILES
from tests.conftest import REPO
from tests.sitefactory import tree
from tests.test_cli import resource, run_with_file_size_limit


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_init_writes_a_site_that_builds_and_checks(tmp_path: Path) -> None:
    done = run(["init", "desk"], tmp_path)
    assert done.returncode == 0, done.stderr
    root = tmp_path / "desk"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == sorted(FILES)
    assert not (root / "templates").exists(), "the starter site uses the packaged templates"
    checked = run(["check", "--root", "desk"], tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "OK: 1 claim, 2 sources, 1 page." in checked.stdout
    built = run(["build"], root)
    assert built.returncode == 0, built.stderr
    page = BeautifulSoup((root / "site/claims/fair-visitors/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.h1.get_text(strip=True) == "Visitors to the spring fair"
    rows = page.select("table.variants tbody tr[id]")
    assert [[c for c in row["class"] if c.startswith("row-")] for row in rows] == [["row-consistent"], ["row-differs"]]
    about = BeautifulSoup((root / "site/about/index.html").read_text(encoding="utf-8"), "html.parser")
    assert about.select_one("a.claim-ref").get_text() == "about 48,000 visitors"
    quoted = BeautifulSoup((root / "site/sources/example-wire-2025-04-14/index.html").read_text(), "html.parser")
    assert quoted.select("mark"), "the example quote is found in its archived text"


def test_a_new_site_in_git_shows_its_history_and_diffs(tmp_path: Path) -> None:
    from tests.gitsite import change, commit, git

    assert run(["init", "desk"], tmp_path).returncode == 0
    root = tmp_path / "desk"
    git(root, "init", "-q", "-b", "main")
    commit(root, "A new desk", "2025-04-16T10:00:00Z")
    change(root, "claims.yaml", "value: about 48,000", "value: about 55,000")
    done = run(["diff", "--format", "markdown"], root)
    assert done.returncode == 0, done.stderr
    assert "1 verdict and 1 status changed" in done.stdout.splitlines()[0]
    assert "now agreed: the Daily Example figure now agrees" in done.stdout
    commit(root, "Visitors: about 55,000", "2025-04-17T10:00:00Z")
    assert run(["build"], root).returncode == 0
    page = BeautifulSoup((root / "site/claims/fair-visitors/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "last changed on April 17, 2025" in page.find("p", class_="last-changed").get_text()
    assert [td.get_text() for td in page.select("table.history td.figure")] == ["about 48,000"]
    untracked = git(root, "status", "--porcelain", "--untracked-files=all")
    assert "site/" not in untracked and ".factsheet-cache" not in untracked, "the site and the cache are ignored"


def test_the_new_site_ignores_its_output_and_cache(tmp_path: Path) -> None:
    assert run(["init", "desk"], tmp_path).returncode == 0
    ignored = (tmp_path / "desk" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/site/" in ignored and ".factsheet-cache/" in ignored


def test_the_new_sites_requirement_is_where_this_factsheet_came_from(tmp_path: Path) -> None:
    """This test's factsheet is installed from its folder (editable), which CI cannot reach: the file and
    the terminal say so and what to write, rather than pin a version no package index serves."""
    done = run(["init", "desk"], tmp_path)
    requirements = (tmp_path / "desk" / "requirements.txt").read_text(encoding="utf-8")
    active = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    assert active == [] and "write here where CI should install it" in requirements
    assert "warning: " in done.stderr and "requirements.txt" in done.stderr and "git+https://" in done.stderr


@pytest.mark.parametrize(
    ("direct_url", "line"),
    [
        (None, "factsheet==1.2.0"),  # from a package index: no record
        (
            '{"url": "https://github.com/desk/factsheet", "vcs_info": {"vcs": "git", "commit_id": "0123abc",'
            ' "requested_revision": "main"}}',
            "factsheet @ git+https://github.com/desk/factsheet@0123abc",
        ),
        (
            '{"url": "https://files.example.org/factsheet-1.2.0-py3-none-any.whl", "archive_info": {}}',
            "factsheet @ https://files.example.org/factsheet-1.2.0-py3-none-any.whl",
        ),
        ('{"url": "file:///home/ed/factsheet", "dir_info": {"editable": true}}', None),
        ('{"url": "file:///tmp/factsheet-1.2.0-py3-none-any.whl", "archive_info": {}}', None),
        ("not json", None),
    ],
)
def test_a_requirement_from_what_pip_recorded(direct_url: str | None, line: str | None) -> None:
    from builder.scaffold import requirement

    assert requirement(direct_url, "1.2.0").line == line


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    root = tmp_path / "mine"
    root.mkdir()
    (root / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = tree(root)
    done = run(["init", "mine"], tmp_path)
    assert done.returncode == 1
    assert "not empty" in done.stderr and "--force" in done.stderr
    assert tree(root) == before


def test_force_adds_what_is_missing_and_says_what_it_kept(tmp_path: Path) -> None:
    root = tmp_path / "mine"
    (root / "content").mkdir(parents=True)
    (root / "claims.yaml").write_text("site:\n  title: Mine\n", encoding="utf-8")
    (root / "content" / "about.md").write_text("---\ntitle: Mine\n---\n", encoding="utf-8")
    done = run(["init", "mine", "--force"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (root / "claims.yaml").read_text(encoding="utf-8") == "site:\n  title: Mine\n"
    assert (root / "content" / "about.md").read_text(encoding="utf-8") == "---\ntitle: Mine\n---\n"
    kept = [line for line in done.stderr.splitlines() if line.startswith("kept ")]
    assert len(kept) == 2 and any("claims.yaml" in line for line in kept) and all("not replaced" in k for k in kept)
    assert (root / ".github" / "workflows" / "factsheet.yml").is_file()
    again = run(["init", "mine", "--force"], tmp_path)
    assert again.returncode == 0
    assert "wrote" not in again.stdout


@pytest.mark.skipif(resource is None, reason="no resource module (not POSIX): no file size limit to set")
@pytest.mark.parametrize("there", [False, True], ids=["new folder", "empty folder"])
def test_a_file_init_cannot_write_takes_back_the_whole_site(tmp_path: Path, there: bool) -> None:
    """The workflow, written last, is larger than the limit: the files before it go too, so that the
    folder is as it was and `init` can be run again once there is room."""
    if there:
        (tmp_path / "mine").mkdir()
    before = sorted(tmp_path.rglob("*"))  # folders too
    done = run_with_file_size_limit(["init", "mine"], tmp_path, 2048)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0] == "error: cannot write 'mine/.github/workflows/factsheet.yml': File too large; nothing was written"
    assert sorted(tmp_path.rglob("*")) == before
    assert run(["init", "mine"], tmp_path).returncode == 0


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    done = run(["init", "file"], tmp_path)
    assert done.returncode == 1
    assert "not a folder" in done.stderr


# -- the workflow -----------------------------------------------------------------------------


def workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps_running(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


@pytest.mark.parametrize(
    "path",
    [REPO / "builder/scaffold/github/workflows/factsheet.yml", REPO / ".github/workflows/factsheet.yml"],
    ids=["starter", "this-repository"],
)
def test_the_workflow_reviews_pull_requests_without_trusting_them(path: Path) -> None:
    flow = workflow(path)
    assert "pull_request" in flow["on"] and "pull_request_target" not in flow["on"]
    code = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")]
    assert not any("pull_request_target" in line for line in code)
    assert flow["on"]["push"]["branches"] == ["main"]
    assert flow["permissions"] == {}
    jobs = flow["jobs"]
    for name, job in jobs.items():
        assert "permissions" in job, f"job {name} states its permissions"
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
                assert step["with"]["fetch-depth"] == 0
    review = jobs["review"]
    assert review["permissions"] == {"contents": "read"}
    assert "pull_request" in review["if"]
    runs = "\n".join(steps_running(review))
    assert "factsheet check --format github" in runs
    assert re.search(r'factsheet diff "\$BASE" HEAD --format markdown > diff.md', runs)
    assert "GITHUB_STEP_SUMMARY" in runs
    # The preview artifact is opened from disk, where search cannot run: built without its index.
    assert "factsheet build --no-search" in runs
    uploads = {
        step["with"]["name"]: step["with"]["path"]
        for step in review["steps"]
        if "upload-artifact" in step.get("uses", "")
    }
    assert uploads == {"diff": "diff.md", "site": "site/"}

    comment = jobs["comment"]
    assert comment["permissions"] == {"pull-requests": "write"}
    assert not any("checkout" in step.get("uses", "") for step in comment["steps"]), "never checks out the PR"
    assert "head.repo.full_name == github.repository" in comment["if"]
    assert "diff.md" in "\n".join(steps_running(comment))

    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert "factsheet check --format github" in "\n".join(steps_running(jobs["build"]))
    # The publish keeps the cache between runs (history, search index), restored before the build.
    build_steps = jobs["build"]["steps"]
    cached = [n for n, step in enumerate(build_steps) if step.get("uses") == "actions/cache@v4"]
    built = [n for n, step in enumerate(build_steps) if step.get("run") == "factsheet build"]
    assert len(cached) == 1 and cached[0] < built[0]
    cache = build_steps[cached[0]]["with"]
    assert cache["path"] == ".factsheet-cache" and "github.sha" in cache["key"]
    assert cache["key"].startswith(cache["restore-keys"])  # a new key each run, the latest one restored
    assert not any("actions/cache" in step.get("uses", "") for step in review["steps"])  # a PR writes no cache
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["if"] == "github.ref == 'refs/heads/main'"
    assert [step["uses"] for step in deploy["steps"]] == ["actions/deploy-pages@v4"]


def test_this_repository_uses_the_starter_workflow() -> None:
    """The same workflow, but for how factsheet is installed: from this checkout, not from a package index."""
    starter = workflow(REPO / "builder/scaffold/github/workflows/factsheet.yml")
    ours = workflow(REPO / ".github/workflows/factsheet.yml")
    for flow in (starter, ours):
        for job in flow["jobs"].values():
            for step in job["steps"]:
                if step.get("name") == "Install factsheet":
                    step["run"] = "INSTALL"
    assert ours == starter


# -- the installed package --------------------------------------------------------------------


def _venv_or_skip(folder: Path) -> Path:
    made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        print(f"cannot create a virtual environment: {made.stderr}")
        pytest.skip(f"cannot create a virtual environment here: {made.stderr.strip()[:200]}")
    return folder / ("Scripts" if os.name == "nt" else "bin")


def test_the_installed_wheel_inits_builds_and_checks(tmp_path: Path) -> None:
    """The wheel alone (no source tree) holds the templates and the starter files."""
    start = time.monotonic()
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(REPO / "pyproject.toml", source)
    shutil.copy(REPO / "README.md", source)
    shutil.copytree(REPO / "builder", source / "builder", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = tmp_path / "wheels"
    args = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)]
    if _has_setuptools():  # build with it, rather than download it into an isolated build environment
        args.append("--no-build-isolation")
    built = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = wheels.glob("factsheet-*.whl")

    scripts = _venv_or_skip(tmp_path / "venv")
    python = scripts / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # The dependencies are this environment's (no download); the package itself only the wheel's.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True
    ).stdout.strip()
    Path(purelib, "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}

    def factsheet(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(scripts / "factsheet"), *args], cwd=work, env=env, capture_output=True, text=True, timeout=120
        )

    where = subprocess.run(
        [str(python), "-c", "import builder; print(builder.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv"), where.stdout + where.stderr
    assert factsheet("init", "desk").returncode == 0
    checked = factsheet("check", "--root", "desk")
    assert checked.returncode == 0, checked.stderr
    built = factsheet("build", "--root", "desk")
    assert built.returncode == 0, built.stderr
    assert (work / "desk/site/claims/fair-visitors/index.html").is_file()
    assert (work / "desk/site/static/style.css").is_file()
    assert time.monotonic() - start < 60


def _has_setuptools() -> bool:
    """Whether this environment can build a wheel by itself (setuptools with a `bdist_wheel` command)."""
    try:
        import setuptools
    except ImportError:
        return False
    try:
        import wheel  # noqa: F401
    except ImportError:
        major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
        return (major, minor) >= (70, 1)
    return True

"""Real git repositories of small sites, with commits at fixed dates, for the diff and history tests.

Every git command runs with its own identity, dates and an empty global
configuration, so hashes and dates are the same on every machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import gitenv
from tests.sitefactory import write_site

if shutil.which("git") is None:  # pragma: no cover - git is part of every supported set-up
    pytest.skip("git is not installed", allow_module_level=True)

BASE_ENV = gitenv.ENV


def git(root: Path, *args: str, when: str = "2025-01-01T12:00:00Z") -> str:
    """Run git in `root` as the test's editor, at the commit date `when`; its output."""
    env = {**os.environ, **BASE_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def commit(root: Path, subject: str, when: str) -> str:
    """Commit everything in the work tree; the new commit's hash."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", subject, when=when)
    return git(root, "rev-parse", "HEAD").strip()


def new_repo(root: Path, files: dict[str, str | bytes | None] | None = None, claims: str | None = None) -> Path:
    """A repository whose first commit (2025-01-01) is the minimal site, changed by `files`."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    if claims is None:
        write_site(root, files=files)
    else:
        write_site(root, claims, files=files)
    commit(root, "First version of the desk", "2025-01-01T12:00:00Z")
    return root


def change(root: Path, path: str, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a file of the work tree."""
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"expected one {old!r} in {path}"
    file.write_text(text.replace(old, new), encoding="utf-8")

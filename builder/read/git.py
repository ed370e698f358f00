"""The one place that runs git: read-only plumbing, never the working tree, the index or a checkout.

Everything goes through `git` itself in a subprocess, so a site reads its
history exactly as the editors' own git sees it (packs, worktrees, alternates,
`safe.directory`). Each function is one git call, whatever the number of
claims or files it is asked about.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",  # never refresh the index behind the editor's back
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "LC_ALL": "C",
}
_HEADER = "%x1e%H%x00%P%x00%ct%x00%s%x00"


class GitError(Exception):
    """git failed, or answered something that cannot be used."""


class GitMissing(GitError):
    """There is no `git` program to run."""


class NotARepository(GitError):
    """The folder is not inside a git work tree."""


class UnknownRevision(GitError):
    """A revision that git cannot resolve to a commit."""


@dataclass(frozen=True)
class Repository:
    top: Path
    """The top folder of the work tree."""
    prefix: str
    """The site root relative to `top`, with forward slashes and a trailing slash ("" at the top)."""
    head: str | None
    """The commit HEAD points to; None before the first commit."""
    shallow: bool


@dataclass(frozen=True)
class TreeFile:
    path: str
    """Relative to the site root."""
    blob: str
    size: int


@dataclass(frozen=True)
class Commit:
    """One commit of a `log`, with the files it changed against its first parent."""

    sha: str
    parents: tuple[str, ...]
    time: int
    """The committer date, seconds since the epoch."""
    subject: str
    changes: tuple[tuple[str, str | None], ...]
    """(path relative to the site root, new blob or None when the file was deleted)."""


def run(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    """The output of `git ARGS` run in `cwd`; any failure is a `GitError` carrying git's own message."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, env={**os.environ, **_ENV}, check=False
        )
    except FileNotFoundError as error:
        raise GitMissing("git is not installed (no 'git' program on the PATH)") from error
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror}") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed (status {done.returncode})")
    return done.stdout


def repository(root: Path) -> Repository:
    """The work tree holding `root`; `NotARepository` outside git."""
    if not root.is_dir():
        raise NotARepository(f"'{root}' is not a folder")
    try:
        lines = run(["rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository"], root)
    except GitMissing:
        raise
    except GitError as error:
        raise NotARepository(f"'{root}' is not in a git repository ({error})") from error
    top, prefix, shallow = [*lines.decode("utf-8", "surrogateescape").split("\n"), "", "", ""][:3]
    if not top:
        raise NotARepository(f"'{root}' is not in a git work tree")
    return Repository(Path(top), prefix, _head(root), shallow == "true")


def _head(root: Path) -> str | None:
    try:
        return run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root).decode().strip() or None
    except GitError:
        return None


def resolve(repo: Repository, revision: str) -> str:
    """The full hash of the commit `revision` names (anything git understands: HEAD~2, main, v1.0, a hash)."""
    if not revision or revision.startswith("-"):
        raise UnknownRevision(f"'{revision}' is not a revision")
    if ".." in revision or revision.startswith("^"):
        raise UnknownRevision(
            f"'{revision}' names a range of commits, not one; give the two revisions apart: "
            "factsheet diff BASE HEAD (for example: factsheet diff main HEAD)"
        )
    try:
        sha = run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], repo.top)
    except GitError as error:
        if repo.shallow:
            raise UnknownRevision(
                f"unknown revision '{revision}': this repository is a shallow clone, which lacks the older "
                "commits; fetch them with 'git fetch --unshallow' (in GitHub Actions, give actions/checkout "
                "'fetch-depth: 0')"
            ) from error
        raise UnknownRevision(f"unknown revision '{revision}': git knows no commit by that name") from error
    commit = sha.decode().strip()
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
        raise UnknownRevision(f"'{revision}' does not name one commit; give a branch, a tag, a hash or HEAD~N")
    return commit


def describe(repo: Repository, commit: str) -> str:
    """The subject line of a commit."""
    return run(["show", "-s", "--no-show-signature", "--format=%s", commit, "--"], repo.top).decode("utf-8", "replace")


def files_at(repo: Repository, commit: str) -> list[TreeFile]:
    """Every regular file under the site root at `commit` (symbolic links and submodules left out)."""
    pathspec = [f":(top,literal){repo.prefix}"] if repo.prefix else []
    out = run(["ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", *pathspec], repo.top)
    found = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, blob, size = meta.split()
        if kind != b"blob" or mode not in (b"100644", b"100755"):
            continue
        name = path.decode("utf-8", "surrogateescape")
        found.append(TreeFile(name[len(repo.prefix) :], blob.decode(), int(size)))
    return found


def paths_at(repo: Repository, commit: str) -> list[str]:
    """The path of every file of the whole repository at `commit`, from its top."""
    out = run(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit], repo.top)
    return [name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name]


def read_blobs(repo: Repository, blobs: Iterable[str]) -> dict[str, bytes]:
    """The contents of many blobs, by name, from one `git cat-file --batch`; the missing ones left out."""
    with BlobReader(repo) as reader:
        return {blob: data for blob in sorted(set(blobs)) if (data := reader.read(blob)) is not None}


class BlobReader:
    """Blobs read one at a time from one `git cat-file --batch`, as they are needed: the history of a
    large desk is hundreds of versions of an 11 MB file, which `read_blobs` would hold all at once."""

    def __init__(self, repo: Repository) -> None:
        # A file, not a pipe: a pipe left unread could fill and stop git. Closed by `close`.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._git = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=repo.top,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                env={**os.environ, **_ENV},
            )
        except FileNotFoundError as error:
            self._errors.close()
            raise GitMissing("git is not installed (no 'git' program on the PATH)") from error
        except OSError as error:
            self._errors.close()
            raise GitError(f"cannot run git: {error.strerror}") from error

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def read(self, blob: str) -> bytes | None:
        """The content of `blob`; None when the repository does not have it."""
        assert self._git.stdin is not None and self._git.stdout is not None
        try:
            self._git.stdin.write(f"{blob}\n".encode())
            self._git.stdin.flush()
            header = self._git.stdout.readline().split()
        except OSError as error:
            raise self._failure() from error
        if len(header) != 3:
            if len(header) == 2 and header[1] == b"missing":
                return None
            raise self._failure()
        size = int(header[2])
        data = self._git.stdout.read(size + 1)
        if len(data) != size + 1:
            raise self._failure()
        return data[:size]

    def _failure(self) -> GitError:
        self._stop()
        self._errors.seek(0)
        message = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        self.close()
        return GitError(message[-1] if message else "git cat-file stopped answering")

    def _stop(self) -> None:
        if self._git.poll() is None:
            with contextlib.suppress(OSError):
                assert self._git.stdin is not None
                self._git.stdin.close()
            try:
                self._git.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._git.kill()
                self._git.wait()

    def close(self) -> None:
        self._stop()
        for stream in (self._git.stdin, self._git.stdout, self._errors):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def is_ancestor(repo: Repository, commit: str, of: str) -> bool:
    """Whether `commit` is `of` or one of its ancestors (False too when git does not know it)."""
    try:
        run(["merge-base", "--is-ancestor", commit, of], repo.top)
    except GitMissing:
        raise
    except GitError:
        return False
    return True


def log(repo: Repository, pathspecs: Sequence[str], since: str | None = None) -> list[Commit]:
    """Every commit up to HEAD that changed a file matching `pathspecs` (relative to the site root), oldest first;
    with `since`, only those that `since` does not reach.

    Parents are rewritten to the nearest such commit, and each commit lists its
    changes against its first parent, so that replaying the changes from the
    first commit on gives the files at every commit, merges included.
    """
    if repo.head is None:
        return []
    specs = [f":(top,glob){repo.prefix}{spec}" for spec in pathspecs]
    out = run(
        [
            "log",
            "--topo-order",
            "--reverse",
            "--parents",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--no-show-signature",
            "--no-color",
            "--diff-merges=first-parent",
            "-z",
            "--encoding=UTF-8",
            f"--format={_HEADER}",
            f"{since}..{repo.head}" if since else repo.head,
            "--",
            *specs,
        ],
        repo.top,
    )
    return [_commit(record, repo.prefix) for record in out.split(b"\x1e") if record.strip(b"\0\n")]


def _commit(record: bytes, prefix: str) -> Commit:
    fields = record.split(b"\0")
    sha, parents, time, subject = (f.decode("utf-8", "replace") for f in fields[:4])
    changes: list[tuple[str, str | None]] = []
    tokens = [t.lstrip(b"\n") for t in fields[4:]]
    index = 0
    while index + 1 < len(tokens):
        meta, path = tokens[index].split(), tokens[index + 1].decode("utf-8", "surrogateescape")
        if not tokens[index].startswith(b":") or len(meta) < 5:
            index += 1
            continue
        index += 2
        regular = meta[1] in (b"100644", b"100755")
        if path.startswith(prefix):
            changes.append((path[len(prefix) :], meta[3].decode() if regular else None))
    return Commit(sha, tuple(parents.split()), int(time), subject, tuple(changes))

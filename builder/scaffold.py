"""`factsheet init`: a new site that builds as it is, from the files packaged in `builder/scaffold/`.

The packaged files carry no leading dots (`gitignore`, `github/...`), which
packaging tools may drop; `FILES` says where each one goes.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Literal

from builder import __version__

FILES = {
    "claims.yaml": "claims.yaml",
    "content/about.md": "content/about.md",
    "content/sources/example-wire-2025-04-14.md": "content/sources/example-wire-2025-04-14.md",
    ".gitignore": "gitignore",
    "requirements.txt": "requirements.txt",
    ".github/workflows/factsheet.yml": "github/workflows/factsheet.yml",
}
"""Where each file goes in the new site: its packaged name under `builder/scaffold/`."""


class ScaffoldError(Exception):
    """The folder cannot take a new site."""


@dataclass(frozen=True)
class Outcome:
    path: str
    action: Literal["written", "kept", "same"]
    """`kept`: a different file was there and was left as it was; `same`: it already held these bytes."""


@dataclass(frozen=True)
class Requirement:
    """Where another machine (the desk's CI) can install the factsheet that runs here from."""

    line: str | None
    """The line of requirements.txt; None when this factsheet came from nowhere another machine reaches."""
    origin: str
    """Where it came from, in words."""


EXAMPLE = "factsheet @ git+https://github.com/OWNER/factsheet@COMMIT"


def requirement(direct_url: str | None, version: str) -> Requirement:
    """What pip recorded of an install (PEP 610's `direct_url.json`; None for one from a package index),
    as a requirement: a package index's version, a git address at its commit, or an archive's address."""
    if direct_url is None:
        return Requirement(f"factsheet=={version}", f"version {version} from a package index")
    try:
        direct = json.loads(direct_url)
        url = str(direct["url"])
    except (ValueError, KeyError, TypeError):
        return Requirement(None, "an install whose record pip left unreadable")
    vcs = direct.get("vcs_info")
    if url.startswith("file:"):
        return Requirement(None, f"{url}, on this machine only")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return Requirement(
            f"factsheet @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}", f"{url} at {vcs['commit_id']}"
        )
    if "archive_info" in direct:
        return Requirement(f"factsheet @ {url}", url)
    return Requirement(None, f"{url}, which pip cannot install from again")


def installed_requirement() -> Requirement:
    """`requirement` of the factsheet that is running."""
    try:
        found = metadata.distribution("factsheet")
    except metadata.PackageNotFoundError:
        return Requirement(None, "its source folder, not installed")
    return requirement(found.read_text("direct_url.json"), found.version)


def content(name: str, needs: Requirement | None = None) -> bytes:
    data = resources.files("builder").joinpath("scaffold", *name.split("/")).read_bytes()
    if name == "requirements.txt":
        needs = needs or installed_requirement()
        line = needs.line or (
            "# It is installed from nowhere another machine can reach: write here where CI should install it\n"
            f"# from, for example\n#   {EXAMPLE}\n# or a version from a package index (factsheet=={__version__})."
        )
        data = data.replace(b"@ORIGIN@", needs.origin.encode()).replace(b"@REQUIREMENT@", line.encode())
    return data


def init_site(folder: Path, force: bool = False) -> list[Outcome]:
    """Write the starter site into `folder`; an existing file is never replaced."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"'{folder}' exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ScaffoldError(
            f"'{folder}' is not empty; choose an empty or new folder, or add --force "
            "to add the starter files that are missing (no existing file is replaced)"
        )
    outcomes = []
    created: list[Path] = []  # files and folders this call made, in order: taken back if one cannot be written
    path = folder
    try:
        for target, name in FILES.items():
            data = content(name)
            path = folder / target
            for parent in reversed(path.parents):
                if not parent.is_dir():
                    parent.mkdir()
                    created.append(parent)
            try:
                with path.open("xb") as stream:  # "x": fails rather than replace a file
                    created.append(path)
                    stream.write(data)
            except FileExistsError:
                same = path.is_file() and path.read_bytes() == data
                outcomes.append(Outcome(target, "same" if same else "kept"))
                continue
            outcomes.append(Outcome(target, "written"))
    except OSError as error:
        # Half a starter site would not build, and would make the folder "not empty" to the next `init`.
        _take_back(created)
        where = error.filename or path  # a folder on the way that is a file, or the file itself
        raise ScaffoldError(f"cannot write '{where}': {error.strerror or error}; nothing was written") from error
    return outcomes


def _take_back(created: list[Path]) -> None:
    for path in reversed(created):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()

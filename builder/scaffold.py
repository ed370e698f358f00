"""`factsheet init`: a new site that builds as it is, from the files packaged in `builder/scaffold/`.

The packaged files carry no leading dots (`gitignore`, `github/...`), which
packaging tools may drop; `FILES` says where each one goes.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from importlib import resources
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


def content(name: str) -> bytes:
    data = resources.files("builder").joinpath("scaffold", *name.split("/")).read_bytes()
    return data.replace(b"@VERSION@", __version__.encode())


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

"""Shared fixtures: where the repository, its example site and the shared contract files are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"


def load_conformance(name: str) -> dict:
    """A conformance file of the contract; its absence is a failure, never a silent skip."""
    path = CONFORMANCE / name
    if not path.exists():
        pytest.fail(f"the contract's conformance cases are missing: {path} (clone with shared/ beside the repository)")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built once for the whole run; tests only read it (copy it to change anything)."""
    from builder.build import build

    out = tmp_path_factory.mktemp("example") / "site"
    result = build(REPO, out)
    assert result.ok, [str(p) for p in result.problems.sorted()]
    return out


def copy_example(root: Path) -> Path:
    """A copy of the example desk's own files (data, pages, templates) at `root`, to edit freely."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "claims.yaml", root)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root

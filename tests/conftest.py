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


def copy_example(root: Path) -> Path:
    """A copy of the example desk's own files (data, pages, templates) at `root`, to edit freely."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "claims.yaml", root)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root

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
    from builder.pipeline.build import build

    out = tmp_path_factory.mktemp("example") / "site"
    result = build(REPO, out)
    assert result.ok, [str(p) for p in result.problems.sorted()]
    return out


ESTIMATES = REPO / "tests" / "fixtures" / "estimates"
"""A large real desk: The Economist's table of estimates of the war's dead and wounded (see its README.md)."""


@pytest.fixture(scope="session")
def estimates_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The large real desk built once, from a copy (a build writes beside the desk's claims.yaml)."""
    from builder.pipeline.build import build

    root = tmp_path_factory.mktemp("estimates")
    shutil.copy(ESTIMATES / "claims.yaml", root)
    result = build(root, root / "site")
    assert result.ok, [str(p) for p in result.problems.sorted()]
    return root / "site"


def copy_example(root: Path, language: str | None = None) -> Path:
    """A copy of the example desk's own files (data, pages, templates) at `root`, to edit freely; with
    `language`, its `site.language` that one (`ar`: the example right to left)."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "claims.yaml", root)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    if language is not None:
        claims = root / "claims.yaml"
        text = claims.read_text(encoding="utf-8")
        assert "  language: en\n" in text
        claims.write_text(text.replace("  language: en\n", f"  language: {language}\n", 1), encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def fast_yaml_agrees_with_the_reference(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Every YAML document the tests read in this process through the fast reader is read by the
    reference reader too, and both must give the same data and the same positions; but in a test
    marked `lazy_positions`, whose positions must be found as the program finds them."""
    from builder.read import yamlsource

    if request.node.get_closest_marker("lazy_positions") is not None:
        return

    fast = yamlsource._read_in_pieces
    piece = yamlsource.read_piece

    def checked(text: str, path: str, line_offset: int, remember: bool = True) -> yamlsource.YamlDocument | None:
        doc = fast(text, path, line_offset, remember)
        if doc is not None:
            assert_same_reading(doc, text, path, line_offset)
        return doc

    def checked_piece(path: str, text: str) -> object:
        data = piece(path, text)
        if data is not None:
            assert_same_data(data, text, path)
        return data

    monkeypatch.setattr(yamlsource, "_read_in_pieces", checked)
    monkeypatch.setattr(yamlsource, "read_piece", checked_piece)


def assert_same_data(data: object, text: str, path: str) -> None:
    """The reference reader gives `data` for `text`, to the type."""
    from builder.problems import Problems
    from builder.read import yamlsource

    problems = Problems()
    reference = yamlsource.read_whole(text, path, problems)
    assert reference is not None and not len(problems), (text[:500], [str(p) for p in problems.sorted()])
    assert data == reference.data, text[:500]
    assert _types(data) == _types(reference.data), text[:500]


def assert_same_reading(doc: object, text: str, path: str, line_offset: int = 0) -> None:
    from builder.problems import Problems
    from builder.read import yamlsource

    assert isinstance(doc, yamlsource.YamlDocument)
    problems = Problems()
    reference = yamlsource.read_whole(text, path, problems, line_offset)
    assert reference is not None and not len(problems), (text[:500], [str(p) for p in problems.sorted()])
    assert doc.data == reference.data, text[:500]
    assert _types(doc.data) == _types(reference.data), text[:500]
    for key, where in list(reference.values.items())[:2000]:
        assert doc.at(key) == where, (key, text[:500])
    for key, where in list(reference.keys.items())[:2000]:
        assert doc.key_at(key) == where, (key, text[:500])


def _types(value: object) -> object:
    """The data with each scalar's type beside it (1 == 1.0 == True, and a date is no string), and each number's
    text as written: the reference reader keeps it (`010`, `3.000`); a number the fast reader gives must be
    written as its own digits, or the page would show another figure than the file."""
    from builder.check.values import as_written

    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        kind = "int" if isinstance(value, int) else "float"
        return (kind, value, as_written(value) or (str(value) if kind == "int" else repr(value)))
    return (type(value).__name__, value)

"""The shape of the package, as docs/architecture.md draws it: one folder per stage, data flowing one way.

Read from the source (every import, at the top of a module or inside a function), so that a change that
makes a stage reach into a later one, or two modules need each other, fails here with its names.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "builder"
STAGES = ["foundation", "read", "check", "analyse", "render", "write", "pipeline", "review", "command"]
"""In the order data flows; a module may import from its own stage and the ones before it."""
FOUNDATION = {
    "builder",
    "builder.problems",
    "builder.words",
    "builder.progress",
    "builder.files",
    "builder.verdicts",
    "builder.languages",
}
COMMAND = {"builder.cli", "builder.__main__", "builder.scaffold"}
LONGEST = 400
"""Lines a module may have: past this, it holds more than one job; split it by job."""


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def stage(module: str) -> str:
    if module in FOUNDATION:
        return "foundation"
    if module in COMMAND:
        return "command"
    parts = module.split(".")
    assert len(parts) >= 2 and parts[1] in STAGES, f"{module} is in no stage's folder"
    return parts[1]


def imports(path: Path, top_only: bool = False) -> set[str]:
    """The modules of the package that `path` imports (`from builder.x import y` counts `builder.x.y`
    when that is a module)."""
    known = modules()
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "builder":
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "builder")
    return found


def test_every_module_is_in_a_stage_and_imports_no_later_stage() -> None:
    later = []
    for module, path in modules().items():
        for imported in imports(path):
            if STAGES.index(stage(imported)) > STAGES.index(stage(module)):
                later.append(f"{module} ({stage(module)}) imports {imported} ({stage(imported)})")
    assert later == []


def test_no_two_modules_need_each_other() -> None:
    """No cycle among the imports made when a module loads (those inside a function run later, on use)."""
    graph = {module: imports(path, top_only=True) - {module} for module, path in modules().items()}
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            pytest.fail("import cycle: " + " -> ".join([*trail[trail.index(module) :], module]))
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_modules_stay_small() -> None:
    sizes = {module: len(path.read_text(encoding="utf-8").splitlines()) for module, path in modules().items()}
    assert {module: size for module, size in sizes.items() if size > LONGEST} == {}


def test_each_stage_folder_says_what_it_is() -> None:
    for name in STAGES:
        if name in ("foundation", "command"):
            continue
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"builder/{name}/__init__.py has no docstring"


def test_the_stages_are_the_folders() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(STAGES) - {"foundation", "command"}
    by_stage = defaultdict(list)
    for module in modules():
        by_stage[stage(module)].append(module)
    assert all(by_stage[name] for name in STAGES)


TIMING = re.compile(r"\b\d[\d,.]*\s?(?:ms|µs|s|seconds|minutes)\b")
"""A time in a comment or a docstring: it goes stale as the code changes; docs/speed.md keeps the measures."""


def test_comments_and_docstrings_quote_no_timings() -> None:
    quoted = []
    for module, path in modules().items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        docs = [ast.get_docstring(node, clean=False) or "" for node in ast.walk(tree) if _has_docstring(node)]
        comments = [
            t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT
        ]
        quoted += [
            f"{module}: {match[0]!r} in {part[:60]!r}" for part in docs + comments for match in TIMING.finditer(part)
        ]
    assert quoted == []


def _has_docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)

"""The documentation cannot drift from the code: the contract copy, the README's commands, the style."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main
from tests.conftest import REPO, SHARED

EXTENSIONS = "\n## Extensions beyond the shared contract\n"
"""Where docs/claims-format.md goes on past the shared contract: what factsheet reads that the contract does not
have yet."""


def test_contract_copy_is_the_shared_contract_then_its_extensions() -> None:
    """docs/claims-format.md is the shared contract word for word, then one section of factsheet's extensions."""
    shared = SHARED / "spec" / "claims-format.md"
    assert shared.exists(), f"the shared contract is missing at {shared}"
    contract = shared.read_text(encoding="utf-8")
    ours = (REPO / "docs" / "claims-format.md").read_text(encoding="utf-8")
    assert ours.startswith(contract), "docs/claims-format.md does not start with the shared contract, verbatim"
    beyond = ours[len(contract) :]
    assert beyond.startswith(EXTENSIONS), f"after the shared contract, only the section{EXTENSIONS!r}"
    assert EXTENSIONS not in contract and beyond.count("\n## ") == 1, "one section of extensions, at the end"
    for extension in ("### `originators:`", "### `site.policies`", "### `corrections:`"):
        assert f"\n{extension}\n" in beyond, extension


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"^(python3 -m venv .*)$", readme, re.MULTILINE)
    assert len(commands) == 2, "the README starts with two set-up commands"
    ci = (REPO / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines()


def test_every_command_is_documented() -> None:
    readme = (REPO / "README.md").read_text()
    for name in main.commands:
        assert f"factsheet {name}" in readme, f"'factsheet {name}' is not in the README"


def test_every_option_is_documented() -> None:
    """Each command's row in the README's command-line table names every option the command takes."""
    rows = {
        line.split("`")[1].split()[1]: line
        for line in (REPO / "README.md").read_text().splitlines()
        if line.startswith("| `factsheet ")
    }
    for name, command in main.commands.items():
        for parameter in command.params:
            for option in parameter.opts:
                if option.startswith("--"):
                    assert option in rows[name], f"'factsheet {name} {option}' is not in the README's table"


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "builder", "tests"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_tutorial_works_as_written(tmp_path: Path) -> None:
    """The README's "Your first desk", run as an editor runs it: each `sh` block in turn, in one shell, from
    a folder beside which the desk is made, with this test's own factsheet as `.venv`; what it says the
    commands print, they print."""
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tutorial activates a virtual environment, and this test runs in none")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tutorial = readme.split("## Your first desk", 1)[1].split("\n## ", 1)[0]
    script = "set -euo pipefail\n" + "\n".join(re.findall(r"```sh\n(.*?)```", tutorial, re.DOTALL))
    here = tmp_path / "factsheet"
    here.mkdir()
    (here / ".venv").symlink_to(sys.prefix)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "HOME": str(tmp_path),
        "GIT_AUTHOR_NAME": "An Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "An Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["bash", "-c", script], cwd=here, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: 1 claim, 2 sources, 1 page." in done.stdout and "OK: 2 claims, 3 sources, 1 page." in done.stdout
    assert "verdict on about 215 stalls: differs (above) → consistent" in done.stdout
    assert "status: disputed → now agreed" in done.stdout
    # The mistake it shows, made as it says, is reported as it says.
    desk = tmp_path / "my-desk"
    stalls = desk / "claims" / "stalls.yaml"
    stalls.write_text(stalls.read_text().replace("value: 212\n      according_to", "value: 2.120\n      according_to"))
    checked = subprocess.run(
        [str(Path(sys.prefix) / "bin" / "factsheet"), "check"], cwd=desk, capture_output=True, text=True, timeout=120
    )
    said = re.search(r"`(claims/stalls\.yaml:\d+:\d+: error: [^`]*?) \.\.\.`", " ".join(tutorial.split()))
    assert said is not None and said[1] in checked.stderr, checked.stderr


def _anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_every_link_between_the_documents_leads_somewhere() -> None:
    """The README and docs/ link to each other's files and sections; a moved section must not leave a link
    to nowhere."""
    broken = []
    for document in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = document.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # an outside address
            path, _, anchor = target.partition("#")
            linked = (document.parent / path).resolve() if path else document
            if not linked.exists():
                broken.append(f"{document.name}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked.read_text(encoding="utf-8")):
                broken.append(f"{document.name}: {target} (no such section)")
    assert broken == []

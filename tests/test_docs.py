"""The documentation cannot drift from the code: the contract copy, the README's commands, the style."""

from __future__ import annotations

import re
import subprocess
import sys

from builder.cli import main
from tests.conftest import REPO, SHARED


def test_contract_copy_is_the_shared_contract() -> None:
    shared = SHARED / "spec" / "claims-format.md"
    assert shared.exists(), f"the shared contract is missing at {shared}"
    assert (REPO / "docs" / "claims-format.md").read_text() == shared.read_text()


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

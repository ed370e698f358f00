"""Properties over generated input (hypothesis), bounded in examples and derandomized, so the suite stays fast.

- value phrases: any text is an interval or a FigureError, never another exception; every phrase the
  contract's table allows gives the table's interval; every accepted phrase reads back to the same
  interval (whatever its case and spacing, and through claims.json's numbers);
- YAML values given as figures: an interval or a FigureError;
- claims files: random values in random places, damaged text, random bytes: `check` never raises, and
  every problem names a line and column inside its file;
- the fuzzing entry point (`python -m tests.fuzz`) runs, for a few seconds here and longer in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests import fuzz
from tests.conftest import REPO


def test_value_phrases_are_intervals_or_errors_and_read_back_the_same() -> None:
    fuzz.phrases()


def test_every_phrase_of_the_contract_gives_the_contract_interval() -> None:
    fuzz.contract()


def test_yaml_values_as_figures_are_intervals_or_errors() -> None:
    fuzz.values()


def test_random_claims_files_never_crash_and_every_problem_is_inside_its_file() -> None:
    fuzz.claims()


def test_random_bytes_as_files_never_crash() -> None:
    fuzz.files()


def test_the_fuzzer_runs_for_a_bounded_time() -> None:
    """`FACTSHEET_FUZZ_SECONDS` (set by .ci/run) runs it longer."""
    seconds = float(os.environ.get("FACTSHEET_FUZZ_SECONDS", "3"))
    done = subprocess.run(
        [sys.executable, "-m", "tests.fuzz", "--seconds", str(seconds), "--seed", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "no failure" in done.stdout, done.stdout
    print(done.stdout.strip())

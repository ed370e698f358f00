"""Fuzzing the value-phrase parser and the loader, for a bounded time.

    python -m tests.fuzz --seconds 60 [--target phrases|values|claims|all] [--engine random|atheris]

Each target is a hypothesis property (tests/test_properties.py runs the same
ones with a fixed number of examples); here they are fed random bytes through
hypothesis's `fuzz_one_input` until the time is up, or by atheris (coverage-
guided) when it is installed and asked for. A failure prints the input that
caused it and exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.check.interval import Interval
from builder.check.values import FigureError, parse_value
from builder.pipeline.stages import check, render
from tests.sitefactory import ABOUT, ARCHIVED_TEXT, CLAIMS, write_site

TOLERANCE = 0.10

# -- phrases ------------------------------------------------------------------------------

WORDS_TEXT = """
about around approximately roughly some an estimated ~ more than over above upwards of at least no fewer
less a minimum up to most maximum under below nearly almost close just between and to - – — thousand million
billion dozens hundreds thousands tens millions , . 0 1 2 5 9 10 000 1,000 12,000 3.5 −
"""
WORDS = tuple(WORDS_TEXT.split())

phrase_pieces = st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=8).map(" ".join)
any_phrase = st.one_of(phrase_pieces, st.text(max_size=40))


def _grouped(number: int) -> str:
    return f"{number:,}"


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, float]:
    """A number as journalists write it, and its value."""
    whole = draw(st.integers(0, 999_999_999))
    text = draw(st.sampled_from([str(whole), _grouped(whole)]))
    value = float(whole)
    if draw(st.booleans()):
        decimals = draw(st.integers(1, 99))
        text, value = f"{text}.{decimals:02d}", float(f"{whole}.{decimals:02d}")
    if draw(st.booleans()) and value < 1e6:
        scale, factor = draw(st.sampled_from([("thousand", 1e3), ("million", 1e6), ("billion", 1e9)]))
        text, value = f"{text} {scale}", value * factor
    return text, value


QUALIFIED: dict[str, Callable[[Interval], Interval]] = {
    "about": lambda c: Interval.make(min(c.low * 0.9, c.high * 1.1), max(c.low * 0.9, c.high * 1.1)),
    "more than": lambda c: Interval.make(c.low, math.inf, True),
    "at least": lambda c: Interval.make(c.low, math.inf),
    "up to": lambda c: Interval.make(0, c.high),
    "fewer than": lambda c: Interval.make(0, c.high, False, True),
    "nearly": lambda c: Interval.make(c.low * 0.9, c.high, False, True),
    "just over": lambda c: Interval.make(c.low, c.high * 1.1, True, False),
}
SYNONYMS = {
    "about": ["about", "around", "approximately", "roughly", "some", "an estimated", "estimated", "~"],
    "more than": ["more than", "over", "above", "upwards of"],
    "at least": ["at least", "no fewer than", "no less than", "a minimum of"],
    "up to": ["up to", "at most", "no more than", "a maximum of"],
    "fewer than": ["fewer than", "less than", "under", "below"],
    "nearly": ["nearly", "almost", "close to", "just under"],
    "just over": ["just over"],
}
VAGUE = {
    "dozens": Interval.make(24, 99),
    "hundreds": Interval.make(200, 999),
    "thousands": Interval.make(2000, 9999),
    "tens of thousands": Interval.make(20000, 99999),
    "hundreds of thousands": Interval.make(200000, 999999),
    "millions": Interval.make(2e6, 1e9, False, True),
}


@st.composite
def contract_phrases(draw: st.DrawFn) -> tuple[str, Interval]:
    """A phrase from the contract's table, written any way the table allows, and the interval the table gives."""
    shape = draw(st.sampled_from(["number", "range", "between", "vague"]))
    if shape == "vague":
        word = draw(st.sampled_from(sorted(VAGUE)))
        text, core = word, VAGUE[word]
    elif shape == "number":
        text, value = draw(numbers())
        core = Interval.point(value)
    else:
        (low_text, low), (high_text, high) = sorted([draw(numbers()), draw(numbers())], key=lambda n: n[1])
        if shape == "between":
            text = f"between {low_text} and {high_text}"
        else:
            text = f"{low_text}{draw(st.sampled_from(['-', '–', ' to ', ' - ']))}{high_text}"
        core = Interval.make(low, high)
        if high_text.endswith(("thousand", "million", "billion")) and not low_text.endswith(
            ("thousand", "million", "billion")
        ):
            return draw(contract_phrases())  # "2-3 million": the scale binds both ends; left to the unit tests
    if draw(st.booleans()):
        rule = draw(st.sampled_from(sorted(QUALIFIED)))
        expected = QUALIFIED[rule](core)
        if expected.low > expected.high or (expected.low == expected.high and expected.low_open | expected.high_open):
            return draw(contract_phrases())  # empty, as "fewer than 0": refused, which test_values tells
        text = f"{draw(st.sampled_from(SYNONYMS[rule]))} {text}"
    else:
        expected = core
    text = "".join(c.upper() if draw(st.booleans()) else c for c in text) if draw(st.booleans()) else text
    return f"{' ' * draw(st.integers(0, 2))}{text}{' ' * draw(st.integers(0, 2))}", expected


def _close(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def same_interval(a: Interval, b: Interval) -> bool:
    return _close(a.low, b.low) and _close(a.high, b.high) and (a.low_open, a.high_open) == (b.low_open, b.high_open)


def _json_ends(interval: Interval) -> tuple[float | None, float | None]:
    """The ends as claims.json writes and a reader parses them back."""
    low, high = (None if math.isinf(end) else end for end in (interval.low, interval.high))
    return json.loads(json.dumps([low, high], allow_nan=False))


def check_phrase(phrase: str) -> None:
    """A phrase is an interval or a FigureError, never another exception; an accepted one reads back the same."""
    try:
        interval = parse_value(phrase, TOLERANCE)
    except FigureError:
        return
    assert not math.isnan(interval.low) and not math.isnan(interval.high), phrase
    assert interval.low <= interval.high, (phrase, interval)
    for variant in (phrase.upper(), f"  {phrase}  ", " ".join(phrase.split())):
        assert same_interval(parse_value(variant, TOLERANCE), interval), (phrase, variant)
    low, high = _json_ends(interval)
    assert (low if low is not None else -math.inf) == interval.low
    assert (high if high is not None else math.inf) == interval.high


def check_contract_phrase(case: tuple[str, Interval]) -> None:
    phrase, expected = case
    interval = parse_value(phrase, TOLERANCE)
    assert same_interval(interval, expected), (phrase, interval, expected)
    check_phrase(phrase)


# -- values as YAML gives them ----------------------------------------------------------------

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(min_value=date(1, 1, 1)),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)
range_values = st.dictionaries(st.sampled_from(["low", "high", "mid"]), yaml_scalars, max_size=3)


def check_value(value: Any) -> None:
    """Any YAML value given as a figure is an interval or a FigureError."""
    try:
        interval = parse_value(value, TOLERANCE)
    except FigureError:
        return
    assert interval.low <= interval.high and not math.isnan(interval.low + interval.high), (value, interval)


# -- whole claims files -----------------------------------------------------------------------

BASE = yaml.safe_load(CLAIMS)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = _replace(copy[path[0]], path[1:], value)
    return copy


@st.composite
def mutated_claims(draw: st.DrawFn) -> str:
    """The minimal site's claims.yaml with random values put in random places, then its text damaged at random."""
    data = BASE
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.sampled_from(_paths(data)))
        data = _replace(data, path, draw(yaml_values | st.text(max_size=30) | range_values))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=draw(st.booleans()))
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "cut"]))
        if action == "delete" and len(lines) > 1:
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])  # a key given twice, or a list item repeated
        elif action == "insert":
            lines.insert(at, draw(st.text(max_size=20)))
        else:
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
    return "\n".join(lines)


page_texts = st.one_of(
    st.just(ABOUT),
    st.text(max_size=200).map(lambda body: f"---\ntitle: Page\n---\n\n{body}"),
    st.text(max_size=200),
)


def check_site(claims: str | bytes, about: str | bytes = ABOUT, archived: str | bytes = ARCHIVED_TEXT) -> None:
    """`check` on a site with these files never raises, every problem names a place inside its file, and a site
    that passes renders."""
    with tempfile.TemporaryDirectory(prefix="factsheet-fuzz-") as folder:
        root = write_site(
            Path(folder),
            files={"claims.yaml": claims, "content/about.md": about, "content/sources/ap-2025-03-27.md": archived},
        )
        result = check(root)
        for problem in result.problems.sorted():
            where = problem.location
            path = root / where.path
            assert path.is_file(), f"{problem} names no file of the site"
            # Lines as an editor counts them, and as factsheet reads them: a lone CR breaks a line too.
            text = path.read_bytes().decode("utf-8", "replace")
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            assert 1 <= where.line <= len(lines), f"{problem}: line outside the file ({len(lines)} lines)"
            assert 1 <= where.col <= len(lines[where.line - 1]) + 1, f"{problem}: column outside its line"
        if result.ok:  # what is accepted renders too
            rendered, _ = render(root)
            assert rendered.outputs is not None, [str(p) for p in rendered.problems.sorted()]


# -- hypothesis properties, shared with the tests ----------------------------------------------


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@_settings(300)
@given(any_phrase)
def phrases(phrase: str) -> None:
    check_phrase(phrase)


@_settings(300)
@given(contract_phrases())
def contract(case: tuple[str, Interval]) -> None:
    check_contract_phrase(case)


@_settings(200)
@given(yaml_values | range_values)
def values(value: Any) -> None:
    check_value(value)


@_settings(60)
@given(mutated_claims() | st.text(max_size=300), page_texts)
def claims(text: str, about: str) -> None:
    check_site(text, about)


@_settings(30)
@given(st.binary(max_size=200), st.binary(max_size=200))
def files(claims: bytes, archived: bytes) -> None:
    check_site(claims, archived=archived)


TARGETS = {"phrases": phrases, "contract": contract, "values": values, "claims": claims, "files": files}


# -- the entry point --------------------------------------------------------------------------------


def fuzz(names: list[str], seconds: float, seed: int) -> int:
    """Feed random bytes to each target in turn until the time is up; the number of inputs tried."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    tried = 0
    while time.monotonic() < deadline:
        for name in names:
            data = rng.randbytes(rng.choice([16, 64, 256, 1024]))
            try:
                TARGETS[name].hypothesis.fuzz_one_input(data)
            except Exception:
                print(f"fuzz: target {name} failed on input {data.hex()}", file=sys.stderr)
                raise
            tried += 1
    return tried


def _atheris(names: list[str]) -> None:  # pragma: no cover - only when atheris is installed
    import atheris

    targets = [TARGETS[name].hypothesis.fuzz_one_input for name in names]

    def one(data: bytes) -> None:
        for target in targets:
            target(data)

    atheris.Setup([sys.argv[0], f"-max_total_time={int(_ARGS.seconds)}"], one)
    atheris.Fuzz()


_ARGS: argparse.Namespace


def main(argv: list[str] | None = None) -> int:
    global _ARGS
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (default 60)")
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--engine", choices=["random", "atheris"], default="random")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FACTSHEET_FUZZ_SEED", "0")) or None)
    _ARGS = parser.parse_args(argv)
    names = list(TARGETS) if _ARGS.target == "all" else [_ARGS.target]
    if _ARGS.engine == "atheris":
        _atheris(names)
        return 0
    seed = _ARGS.seed if _ARGS.seed is not None else random.SystemRandom().randrange(2**32)
    started = time.monotonic()
    try:
        tried = fuzz(names, _ARGS.seconds, seed)
    except Exception:
        print(f"fuzz: FAILED (seed {seed}); replay with --seed {seed}", file=sys.stderr)
        raise
    took = time.monotonic() - started
    print(f"fuzz: {tried} inputs over {', '.join(names)} in {took:.1f} s (seed {seed}), no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())

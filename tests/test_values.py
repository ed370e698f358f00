"""Value phrases become intervals exactly as the contract's table and conformance cases say."""

from __future__ import annotations

import math

import pytest

from builder.check.interval import Interval
from builder.check.values import FigureError, parse_value, read_value
from tests.conftest import load_conformance

VALUES = load_conformance("values.yaml")


def _end(value: float) -> float | None:
    return None if math.isinf(value) else value


@pytest.mark.parametrize("case", VALUES["phrases"], ids=lambda c: str(c["value"]))
def test_conformance_phrase_becomes_its_interval(case: dict) -> None:
    reading = read_value(case["value"], VALUES["tolerance"])
    interval = reading.interval
    assert reading.unit == case.get("unit")  # "40%" is in the unit %, and a figure without one names none
    assert (_end(interval.low) is None) == (case["low"] is None)
    assert (_end(interval.high) is None) == (case["high"] is None)
    if case["low"] is not None:
        assert interval.low == pytest.approx(case["low"])
    if case["high"] is not None:
        assert interval.high == pytest.approx(case["high"])
    assert (interval.low_open, interval.high_open) == (case["low_open"], case["high_open"])


@pytest.mark.parametrize("phrase", VALUES["errors"])
def test_conformance_phrase_is_rejected(phrase: str) -> None:
    with pytest.raises(FigureError) as error:
        parse_value(phrase, VALUES["tolerance"])
    message = str(error.value)
    # The editor is told which figure, and either the forms there are or how to write this one plainly.
    assert f"'{phrase.strip()}'" in message
    assert "accepted forms" in message or "write" in message


def test_rejection_lists_the_accepted_forms() -> None:
    with pytest.raises(FigureError, match=r"accepted forms: .*about.*between A and B"):
        parse_value("lots", 0.1)


def test_tolerance_of_the_site_widens_about() -> None:
    assert parse_value("about 1,000", 0.25) == Interval(750, 1250)


def test_yaml_numbers_are_points() -> None:
    assert parse_value(11000, 0.1) == Interval(11000, 11000)
    assert parse_value(0.5, 0.1) == Interval(0.5, 0.5)


def test_negative_and_zero_figures_are_allowed() -> None:
    assert parse_value(-5, 0.1) == Interval(-5, -5)
    assert parse_value("about -100", 0.1) == Interval(-110, -90)
    assert parse_value(0, 0.1) == Interval(0, 0)


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"low": 300, "high": 400}, Interval(300, 400)),
        ({"low": 5}, Interval(5, math.inf)),
        ({"high": 7}, Interval(-math.inf, 7)),
    ],
)
def test_low_high_mapping(mapping: dict, expected: Interval) -> None:
    assert parse_value(mapping, 0.1) == expected


@pytest.mark.parametrize(
    "bad",
    [{"low": 5, "high": 3}, {"low": float("nan")}, {"high": float("inf")}, {}, {"low": 1, "hi": 2}, float("nan")],
)
def test_impossible_figures_are_rejected(bad: object) -> None:
    with pytest.raises(FigureError):
        parse_value(bad, 0.1)


def test_backwards_range_is_rejected() -> None:
    with pytest.raises(FigureError, match="backwards"):
        parse_value("400-300", 0.1)


def test_scale_words_bind_each_end_they_follow() -> None:
    assert parse_value("1.5 million to 2 million", 0.1) == Interval(1.5e6, 2e6)
    assert parse_value("500 thousand-2 million", 0.1) == Interval(5e5, 2e6)


def test_white_space_and_case_are_free() -> None:
    assert parse_value("  ABOUT   3,000 ", 0.1) == parse_value("about 3,000", 0.1)
    assert parse_value("~ 40", 0.1) == parse_value("~40", 0.1)

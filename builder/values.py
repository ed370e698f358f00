"""Figures as journalists write them ("about 11,000", "up to 12,000") turned into intervals.

The grammar is the contract's table: an optional qualifier, then a number, a
range of two numbers, or a vague quantity word. A qualifier is a pair of rules,
one for each end of what follows it, so that "about 705-712" and "about 3,000"
are the same rule applied to different cores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from builder.interval import INF, Interval

ACCEPTED_FORMS = (
    "a number (3000, 3,000, 1.2 million), "
    "about/around/approximately/roughly/some/an estimated/estimated/~ X, "
    "more than/over/above/upwards of X, at least/no fewer than/no less than/a minimum of X, "
    "up to/at most/no more than/a maximum of X, fewer than/less than/under/below X, "
    "nearly/almost/close to/just under X, just over X, A-B, A to B, between A and B, "
    "dozens, hundreds, thousands, tens of thousands, hundreds of thousands, millions, "
    "or a mapping {low: A, high: B}"
)


class FigureError(ValueError):
    """A figure that is not one of the accepted forms."""


End = tuple[float, bool]  # a number and whether it is excluded
Qualifier = Callable[[Interval, float], Interval]


def _approx(core: Interval, t: float) -> Interval:
    ends = sorted((core.low * (1 - t), core.high * (1 + t)))
    return Interval.make(ends[0], ends[1])


QUALIFIERS: dict[str, Qualifier] = {}
for _words, _rule in (
    (("about", "around", "approximately", "roughly", "some", "an estimated", "estimated", "~"), _approx),
    (("more than", "over", "above", "upwards of"), lambda c, t: Interval.make(c.low, INF, True)),
    (("at least", "no fewer than", "no less than", "a minimum of"), lambda c, t: Interval.make(c.low, INF)),
    (("up to", "at most", "no more than", "a maximum of"), lambda c, t: Interval.make(0, c.high)),
    (("fewer than", "less than", "under", "below"), lambda c, t: Interval.make(0, c.high, False, True)),
    (
        ("nearly", "almost", "close to", "just under"),
        lambda c, t: Interval.make(c.low * (1 - t), c.high, False, True),
    ),
    (("just over",), lambda c, t: Interval.make(c.low, c.high * (1 + t), True, False)),
):
    for _word in _words:
        QUALIFIERS[_word] = _rule

VAGUE = {
    "dozens": Interval.make(24, 99),
    "hundreds": Interval.make(200, 999),
    "thousands": Interval.make(2000, 9999),
    "tens of thousands": Interval.make(20000, 99999),
    "hundreds of thousands": Interval.make(200000, 999999),
    "millions": Interval.make(2e6, 1e9, False, True),
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
# Beyond these sizes a float no longer holds the figure, and a deviation between
# two figures overflows to infinity; no reported figure comes near them.
LARGEST = 1e18
SMALLEST = 1e-18
MAX_DIGITS = 15
"""A float holds 15 significant digits for certain; a figure written with more would not read back the same."""

_NUMBER = r"[-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE = r"(?:\s+(?:thousand|million|billion))?"
_QUALIFIER = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
_PHRASE = re.compile(
    rf"""^(?:(?P<qualifier>{_QUALIFIER})\s*)?
    (?:
        between\s+(?P<b_low>{_NUMBER}{_SCALE})\s+and\s+(?P<b_high>{_NUMBER}{_SCALE})
      | (?P<r_low>{_NUMBER}{_SCALE})\s*(?:[-\u2013\u2014]|\s+to\s+)\s*(?P<r_high>{_NUMBER}{_SCALE})
      | (?P<single>{_NUMBER}{_SCALE})
      | (?P<vague>{"|".join(re.escape(v) for v in sorted(VAGUE, key=len, reverse=True))})
    )$""",
    re.VERBOSE,
)


def _number(text: str) -> tuple[float, bool]:
    """A number and whether it carried its own scale word."""
    parts = text.split()
    digits = parts[0].replace(",", "").replace("\u2212", "-")
    _precise(digits, f"'{parts[0]}'")
    value = float(digits)
    if len(parts) == 2:
        return value * SCALES[parts[1]], True
    return value, False


def _range(low_text: str, high_text: str) -> Interval:
    low, low_scaled = _number(low_text)
    high, _ = _number(high_text)
    if not low_scaled:
        # "2-3 million": a scale word after a range binds both ends.
        high_words = high_text.split()
        if len(high_words) == 2:
            low *= SCALES[high_words[1]]
    if low > high:
        raise FigureError(f"the range runs backwards: {low_text} is more than {high_text}")
    return Interval.make(low, high)


def parse_phrase(phrase: str, tolerance: float) -> Interval:
    """The interval a written figure stands for, or FigureError saying why it is none."""
    text = " ".join(phrase.strip().lower().split())
    match = _PHRASE.match(text)
    if match is None:
        raise FigureError(f"'{phrase}' is not a figure; accepted forms: {ACCEPTED_FORMS}")
    if match["b_low"]:
        core = _range(match["b_low"], match["b_high"])
    elif match["r_low"]:
        core = _range(match["r_low"], match["r_high"])
    elif match["single"]:
        core = Interval.point(_number(match["single"])[0])
    else:
        core = VAGUE[match["vague"]]
    for end in (core.low, core.high):
        _sized(end, f"'{phrase}'")
    if match["qualifier"]:
        result = QUALIFIERS[match["qualifier"]](core, tolerance)
        if result.low > result.high or (result.low == result.high and (result.low_open or result.high_open)):
            raise FigureError(f"'{phrase}' gives an empty interval")  # "fewer than 0" is [0, 0)
        return result
    return core


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FigureError(f"{what} must be a number, not {value!r}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if math.isnan(number) or (math.isinf(number) and not isinstance(value, int)):
        raise FigureError(f"{what} must be a finite number, not {value}")
    _sized(number, what)
    _precise(repr(value), what)
    return number


def _precise(number: str, what: str) -> None:
    """Refuse a number written with more significant digits than a float holds for certain."""
    if len(number) <= MAX_DIGITS:
        return  # too short to hold too many digits (the common case, and Decimal is slow)
    if len(Decimal(number).normalize().as_tuple().digits) > MAX_DIGITS:
        raise FigureError(f"{what} has more than {MAX_DIGITS} significant digits, too many to compare; round it")


def _sized(number: float, what: str) -> float:
    """`number`, unless it is too large or too small to compare (see LARGEST, SMALLEST)."""
    if abs(number) > LARGEST:
        raise FigureError(f"{what} is too large: figures may be at most 10^18 in size")
    if 0 < abs(number) < SMALLEST:
        raise FigureError(f"{what} is too small: figures other than 0 may be no smaller than 10^-18")
    return number


def parse_value(value: Any, tolerance: float) -> Interval:
    """The interval of a `value:` as YAML gives it: a number, a phrase or {low, high}."""
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"low", "high"})
        if unknown:
            raise FigureError(f"a range takes only 'low' and 'high', not {', '.join(map(repr, unknown))}")
        if value.get("low") is None and value.get("high") is None:
            raise FigureError("a range needs 'low', 'high' or both")
        low = -INF if value.get("low") is None else _finite(value["low"], "'low'")
        high = INF if value.get("high") is None else _finite(value["high"], "'high'")
        if low > high:
            raise FigureError(f"'low' ({value['low']}) is more than 'high' ({value['high']})")
        return Interval.make(low, high)
    if isinstance(value, str):
        return parse_phrase(value, tolerance)
    return Interval.point(_finite(value, "a figure"))


def written(value: Any) -> str:
    """A value as the editor wrote it, for showing beside its interval."""
    if isinstance(value, Mapping):
        # Symbols, not phrases: "up to X" would read as [0, X], but {high: X} has no lower end.
        low, high = value.get("low"), value.get("high")
        if low is None:
            return f"≤ {_plain(high)}"
        if high is None:
            return f"≥ {_plain(low)}"
        return f"{_plain(low)}–{_plain(high)}"
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

"""Figures as journalists write them ("about 11,000", "up to 12,000") turned into intervals.

The grammar is the contract's table: an optional qualifier, then a number, a
range of two numbers, or a vague quantity word, and optionally a suffix ("or
more", "+", "± 200") or a percent sign. A qualifier is a pair of rules, one for
each end of what follows it, so that "about 705-712" and "about 3,000" are the
same rule applied to different cores.

A figure is read from the characters the editor wrote, never from what a YAML
reader made of them: the reader hands a plain scalar's text over with its value
(`as_written`), and a number written so that a reader could take it for another
(`3.000`, `010`, `1:30`) is refused here, with the way to write it plainly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from builder.check.interval import INF, Interval
from builder.check.lookalikes import LOOKALIKES

ACCEPTED_FORMS = (
    "a number (3000, 3,000, 3 000, 1.2 million, 12k, 1.2bn, 40%), "
    "about/around/approximately/roughly/some/an estimated/estimated/c./ca./circa/approx./~/≈ X, "
    "more than/over/above/upwards of/well over/far more than X, "
    "at least/no fewer than/no less than/a minimum of X, X or more, X+, "
    "up to/at most/no more than/a maximum of/as many as X, X or fewer, X or less, "
    "fewer than/less than/under/below X, nearly/almost/close to/just under X, just over X, "
    "A-B, A to B, between A and B, X ± Y, "
    "dozens, a dozen, hundreds, several hundred, thousands, several thousand, tens of thousands, "
    "hundreds of thousands, millions, several million, tens of millions, hundreds of millions, "
    "or a mapping {low: A, high: B}"
)
PERCENT = "%"
"""The unit a figure written as a percentage ("40%", "40 per cent") is in."""


class FigureError(ValueError):
    """A figure that is not one of the accepted forms."""

    def __init__(self, message: str, end: str | None = None) -> None:
        super().__init__(message)
        self.end = end
        """The end of a range (`low`, `high`) the problem is at, when it is at one."""


@dataclass(frozen=True)
class Reading:
    """What a written figure stands for."""

    interval: Interval
    unit: str | None = None
    """A unit the figure names itself (`%` for "40%"), else None."""
    fractional: bool = False
    """Whether a number written in it has a fractional part after its scale ("2.5", but not "2.5 million")."""
    bounded: bool = True
    """Whether both ends are numbers the figure states: not "more than X" (no upper end), "up to X" (its
    lower end, 0, is the convention for counts, not a number anyone reported), nor "millions" (whose upper
    end is the table's convention). A deviation from the middle of a figure that is not would be a number
    nobody reported."""


Qualifier = Callable[[Interval, float], Interval]


def _approx(core: Interval, t: float) -> Interval:
    ends = sorted((core.low * (1 - t), core.high * (1 + t)))
    return Interval.make(ends[0], ends[1])


def _more_than(core: Interval, t: float) -> Interval:
    return Interval.make(core.low, INF, True)


def _at_least(core: Interval, t: float) -> Interval:
    return Interval.make(core.low, INF)


def _up_to(core: Interval, t: float) -> Interval:
    return Interval.make(0, core.high)


def _under(core: Interval, t: float) -> Interval:
    return Interval.make(0, core.high, False, True)


_ABOUT = ("about", "around", "approximately", "roughly", "some", "an estimated", "estimated", "~", "≈")
QUALIFIERS: dict[str, Qualifier] = {}
for _words, _rule in (
    ((*_ABOUT, "c.", "ca.", "circa", "approx."), _approx),
    (("more than", "over", "above", "upwards of", "well over", "far more than"), _more_than),
    (("at least", "no fewer than", "no less than", "a minimum of"), _at_least),
    (("up to", "at most", "no more than", "a maximum of", "as many as"), _up_to),
    (("fewer than", "less than", "under", "below"), _under),
    (
        ("nearly", "almost", "close to", "just under"),
        lambda c, t: Interval.make(c.low * (1 - t), c.high, False, True),
    ),
    (("just over",), lambda c, t: Interval.make(c.low, c.high * (1 + t), True, False)),
):
    for _word in _words:
        QUALIFIERS[_word] = _rule
SUFFIXES: dict[str, Qualifier] = {"or more": _at_least, "+": _at_least, "or fewer": _up_to, "or less": _up_to}
"""Words after a number that bound it, as the qualifier of the same meaning would."""
_FROM_ZERO: frozenset[Qualifier] = frozenset({_up_to, _under})
"""The qualifiers whose lower end is the 0 of counts rather than a number the figure states."""

VAGUE = {
    "dozens": Interval.make(24, 99),
    "a dozen": Interval.make(12, 12),
    "hundreds": Interval.make(200, 999),
    "several hundred": Interval.make(300, 999),
    "thousands": Interval.make(2000, 9999),
    "several thousand": Interval.make(3000, 9999),
    "tens of thousands": Interval.make(20000, 99999),
    "hundreds of thousands": Interval.make(200000, 999999),
    "millions": Interval.make(2e6, 1e9, False, True),
    "several million": Interval.make(3e6, 9999999),
    "tens of millions": Interval.make(2e7, 99999999),
    "hundreds of millions": Interval.make(2e8, 999999999),
}
PLURAL_QUANTITIES = frozenset(word for word in VAGUE if word.endswith("s"))
"""The word quantities that take "of" before a count noun ("hundreds of troops", but "a dozen troops")."""
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9}
# Beyond these sizes a float no longer holds the figure, and a deviation between
# two figures overflows to infinity; no reported figure comes near them.
LARGEST = 1e18
SMALLEST = 1e-18
MAX_DIGITS = 15
"""A float holds 15 significant digits for certain; a figure written with more would not read back the same."""

# Digits grouped by threes with commas, or with single spaces (no-break and thin spaces
# are folded to a space before matching), or not grouped.
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ ]\d{3})+|\d+)(?:\.\d+)?"
_NUMBER = rf"[-\u2212]?{_DIGITS}(?:\s*(?:k|bn)\b|\s+(?:thousand|million|billion)\b)?"
_PERCENT = r"(?:\s*%|\s+per\s?cent\b)"
_QUALIFIER = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
_PHRASE = re.compile(
    rf"""^(?:(?P<qualifier>{_QUALIFIER})\s*)?
    (?:
        between\s+(?P<b_low>{_NUMBER})(?P<b_percent>{_PERCENT})?\s+and\s+(?P<b_high>{_NUMBER})
      | (?P<r_low>{_NUMBER})(?P<r_percent>{_PERCENT})?\s*(?:[-\u2013\u2014]|\s+to\s+)\s*(?P<r_high>{_NUMBER})
      | (?P<pm>{_NUMBER})\s*(?:±|\+/-)\s*(?P<pm_by>{_NUMBER})
      | (?P<single>{_NUMBER})(?P<single_percent>{_PERCENT})?\s*(?P<suffix>or\s+more|or\s+fewer|or\s+less|\+)?
      | (?P<vague>{"|".join(re.escape(v) for v in sorted(VAGUE, key=len, reverse=True))})
    )(?P<percent>{_PERCENT})?$""",
    re.VERBOSE,
)
_NUMBER_PARTS = re.compile(rf"(?P<digits>[-\u2212]?{_DIGITS})\s*(?P<scale>k|bn|thousand|million|billion)?")
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
"""A number as YAML carries it: digits, perhaps a point and decimals, no grouping."""
_GROUPED = re.compile(rf"[-\u2212]?{_DIGITS}")
"""An end of a range written as a string: a number, its digits perhaps grouped, with no scale word."""


def _bounded(interval: Interval) -> bool:
    return not (math.isinf(interval.low) or math.isinf(interval.high))


def _fractional(core: Interval) -> bool:
    return any(not math.isinf(end) and not float(end).is_integer() for end in (core.low, core.high))


def plain_number(text: str) -> bool:
    """Whether `text` is a number as YAML carries one to the contract: digits, perhaps a point and decimals."""
    return _PLAIN_NUMBER.fullmatch(text) is not None


def as_written(value: Any) -> str | None:
    """The characters a YAML reader read `value` from, where it keeps them (plain numbers), else None."""
    text = getattr(value, "as_written", None)
    return text if isinstance(text, str) else None


def _lookalike(phrase: str, text: str) -> None:
    """Refuse a figure written so that a reader could take it for another number."""
    for pattern, why in LOOKALIKES:
        if pattern.search(text):
            raise FigureError(f"'{_shown(phrase)}' {why}")


def _shown(phrase: str) -> str:
    """A phrase as a message quotes it (a long one is cut where every message is, `problems.cut_quoted`)."""
    return phrase.strip()


def _number(text: str) -> tuple[float, bool]:
    """A number and whether it carried its own scale word."""
    match = _NUMBER_PARTS.fullmatch(text)
    assert match is not None  # the phrase's pattern matched it
    digits = match["digits"].replace(",", "").replace(" ", "").replace("\u2212", "-")
    _precise(digits, f"'{match['digits']}'")
    value = float(digits)
    if match["scale"]:
        return value * SCALES[match["scale"]], True
    return value, False


def _range(low_text: str, high_text: str) -> Interval:
    low, low_scaled = _number(low_text)
    high, high_scaled = _number(high_text)
    if not low_scaled and high_scaled:
        # "2-3 million": a scale word after a range binds both ends.
        low *= SCALES[_NUMBER_PARTS.fullmatch(high_text)["scale"]]  # type: ignore[index]
    if low > high:
        raise FigureError(f"the range runs backwards: {low_text} is more than {high_text}")
    return Interval.make(low, high)


def _folded(phrase: str) -> str:
    """A phrase as the grammar reads it: lower case, each run of white space (no-break, thin) one space."""
    return " ".join(phrase.strip().lower().split())


def read_phrase(phrase: str, tolerance: float) -> Reading:
    """What a written figure stands for, or FigureError saying why it is none."""
    text = _folded(phrase)
    _lookalike(phrase, text)
    match = _PHRASE.match(text)
    if match is None:
        raise FigureError(f"'{_shown(phrase)}' is not a figure; accepted forms: {ACCEPTED_FORMS}")
    if match["b_low"]:
        core = _range(match["b_low"], match["b_high"])
    elif match["r_low"]:
        core = _range(match["r_low"], match["r_high"])
    elif match["pm"]:
        middle, by = _number(match["pm"])[0], _number(match["pm_by"])[0]
        if by < 0:
            raise FigureError(f"'{_shown(phrase)}' has a negative margin; write X ± Y with Y positive")
        core = Interval.make(middle - by, middle + by)
    elif match["single"]:
        core = Interval.point(_number(match["single"])[0])
    else:
        core = VAGUE[match["vague"]]
    for end in (core.low, core.high):
        _sized(end, f"'{_shown(phrase)}'")
    percent = any(match[group] for group in ("b_percent", "r_percent", "single_percent", "percent"))
    unit = PERCENT if percent else None
    rule = QUALIFIERS.get(match["qualifier"] or "")
    suffix = match["suffix"]
    if suffix:
        if rule is not None:
            raise FigureError(
                f"'{_shown(phrase)}' bounds the figure twice ('{match['qualifier']}' and '{suffix}'); keep one"
            )
        rule = SUFFIXES[" ".join(suffix.split())]
    if rule is None:
        return Reading(core, unit, _fractional(core), _bounded(core) and match["vague"] != "millions")
    result = rule(core, tolerance)
    if result.low > result.high or (result.low == result.high and (result.low_open or result.high_open)):
        raise FigureError(f"'{_shown(phrase)}' gives an empty interval")  # "fewer than 0" is [0, 0)
    return Reading(result, unit, _fractional(core), _bounded(result) and rule not in _FROM_ZERO)


def parse_phrase(phrase: str, tolerance: float) -> Interval:
    """The interval a written figure stands for, or FigureError saying why it is none."""
    return read_phrase(phrase, tolerance).interval


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FigureError(f"{what} must be a number, not {value!r}")
    text = as_written(value)
    if text is not None and not _PLAIN_NUMBER.fullmatch(text):
        _lookalike(text, _folded(text))
        raise FigureError(f"{what} must be a number written in digits (1500 or 1.5), not '{_shown(text)}'")
    if text is not None:
        _lookalike(text, text)  # 3.000 is a plain number to YAML, and a look-alike to a reader
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if math.isnan(number) or (math.isinf(number) and not isinstance(value, int)):
        raise FigureError(f"{what} must be a finite number, not {value}")
    _sized(number, what)
    _precise(text if text is not None else repr(value), what)
    return number


def _end_of_range(value: Any, end: str) -> float:
    try:
        if isinstance(value, str):
            return _grouped(value, f"'{end}'")
        return _finite(value, f"'{end}'")
    except FigureError as error:
        raise FigureError(str(error), end) from None


def _grouped(text: str, what: str) -> float:
    """An end of a range written as a string: digits, grouped by threes as in a phrase (`140,000`, `3 000`)."""
    folded = _folded(text)
    _lookalike(text, folded)
    if not _GROUPED.fullmatch(folded):
        raise FigureError(f"{what} must be a number written in digits (1500, 1,500 or 1.5), not '{_shown(text)}'")
    number, _ = _number(folded)
    return _sized(number, what)


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


def read_value(value: Any, tolerance: float) -> Reading:
    """What a `value:` stands for, as YAML gives it: a number, a phrase or {low, high}.

    A plain YAML number is read from its characters where the reader kept them
    (`as_written`), so that `3.000` or `010` is refused rather than read as 3 or 8.
    """
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"low", "high"})
        if unknown:
            raise FigureError(f"a range takes only 'low' and 'high', not {', '.join(map(repr, unknown))}")
        if value.get("low") is None and value.get("high") is None:
            raise FigureError("a range needs 'low', 'high' or both")
        low = -INF if value.get("low") is None else _end_of_range(value["low"], "low")
        high = INF if value.get("high") is None else _end_of_range(value["high"], "high")
        if low > high:
            raise FigureError(f"'low' ({written(value['low'])}) is more than 'high' ({written(value['high'])})")
        interval = Interval.make(low, high)
        return Reading(interval, None, _fractional(interval), _bounded(interval))
    if isinstance(value, str):
        return read_phrase(value, tolerance)
    text = as_written(value)
    if text is not None and not isinstance(value, bool):
        return read_phrase(text, tolerance)
    interval = Interval.point(_finite(value, "a figure"))
    return Reading(interval, None, _fractional(interval))


def parse_value(value: Any, tolerance: float) -> Interval:
    """The interval of a `value:` as YAML gives it: a number, a phrase or {low, high}."""
    return read_value(value, tolerance).interval


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
    text = as_written(value)
    if text is not None:
        return text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

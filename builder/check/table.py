"""The contract's table of figures as journalists write them, in English, and the rule each row applies.

Every site reads these words. A site in another language reads its phrase file's words
besides (`grammar.py`), each given one of the rules here by name (`RULES`), so that
"약 1만" and "about 10,000" are the same interval by the same code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from builder.check.interval import INF, Interval

WORD_FORMS = (
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
"""The table's forms besides a number, for the message that lists them."""
ACCEPTED_FORMS = "a number (3000, 3,000, 3 000, 1.2 million, 12k, 1.2bn, 40%), " + WORD_FORMS
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


def _nearly(core: Interval, t: float) -> Interval:
    return Interval.make(core.low * (1 - t), core.high, False, True)


def _just_over(core: Interval, t: float) -> Interval:
    return Interval.make(core.low, core.high * (1 + t), True, False)


RULES: dict[str, Qualifier] = {
    "about": _approx,
    "more_than": _more_than,
    "at_least": _at_least,
    "up_to": _up_to,
    "fewer_than": _under,
    "nearly": _nearly,
    "just_over": _just_over,
}
"""Each row of the table that bounds a figure, by the name a language's phrase file gives it."""

_ABOUT = ("about", "around", "approximately", "roughly", "some", "an estimated", "estimated", "~", "≈")
QUALIFIERS: dict[str, Qualifier] = {}
for _words, _rule in (
    ((*_ABOUT, "c.", "ca.", "circa", "approx."), _approx),
    (("more than", "over", "above", "upwards of", "well over", "far more than"), _more_than),
    (("at least", "no fewer than", "no less than", "a minimum of"), _at_least),
    (("up to", "at most", "no more than", "a maximum of", "as many as"), _up_to),
    (("fewer than", "less than", "under", "below"), _under),
    (("nearly", "almost", "close to", "just under"), _nearly),
    (("just over",), _just_over),
):
    for _word in _words:
        QUALIFIERS[_word] = _rule
SUFFIXES: dict[str, Qualifier] = {"or more": _at_least, "+": _at_least, "or fewer": _up_to, "or less": _up_to}
"""Words after a number that bound it, as the qualifier of the same meaning would."""
FROM_ZERO: frozenset[Qualifier] = frozenset({_up_to, _under})
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


def bounded(interval: Interval) -> bool:
    return not (math.isinf(interval.low) or math.isinf(interval.high))


def fractional(core: Interval) -> bool:
    return any(not math.isinf(end) and not float(end).is_integer() for end in (core.low, core.high))


def shown(phrase: str) -> str:
    """A phrase as a message quotes it (a long one is cut where every message is, `problems.cut_quoted`)."""
    return phrase.strip()


def precise(number: str, what: str) -> None:
    """Refuse a number written with more significant digits than a float holds for certain."""
    if len(number) <= MAX_DIGITS:
        return  # too short to hold too many digits (the common case, and Decimal is slow)
    if len(Decimal(number).normalize().as_tuple().digits) > MAX_DIGITS:
        raise FigureError(f"{what} has more than {MAX_DIGITS} significant digits, too many to compare; round it")


def sized(number: float, what: str) -> float:
    """`number`, unless it is too large or too small to compare (see LARGEST, SMALLEST)."""
    if abs(number) > LARGEST:
        raise FigureError(f"{what} is too large: figures may be at most 10^18 in size")
    if 0 < abs(number) < SMALLEST:
        raise FigureError(f"{what} is too small: figures other than 0 may be no smaller than 10^-18")
    return number


def qualified(phrase: str, core: Interval, unit: str | None, rule: Qualifier | None, tolerance: float) -> Reading:
    """The reading of a figure whose core (a number, a range, a word quantity) `rule` bounds, if any."""
    if rule is None:
        # A core open above is a word quantity whose upper end is the table's convention (`millions`).
        return Reading(core, unit, fractional(core), bounded(core) and not core.high_open)
    result = rule(core, tolerance)
    if result.low > result.high or (result.low == result.high and (result.low_open or result.high_open)):
        raise FigureError(f"'{shown(phrase)}' gives an empty interval")  # "fewer than 0" is [0, 0)
    return Reading(result, unit, fractional(core), bounded(result) and rule not in FROM_ZERO)

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

This English grammar reads every figure of most desks, and is kept apart for its speed; a
site in another language reads with its phrase file (`grammar.py`), whose grammar holds
these words too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from builder.check.grammar import Grammar, grammar_for
from builder.check.interval import INF, Interval
from builder.check.lookalikes import LOOKALIKES
from builder.check.table import (
    ACCEPTED_FORMS,
    FROM_ZERO,
    PERCENT,
    PLURAL_QUANTITIES,
    QUALIFIERS,
    SCALES,
    SUFFIXES,
    VAGUE,
    FigureError,
    Reading,
    bounded,
    fractional,
    precise,
    shown,
    sized,
)

__all__ = [
    "ACCEPTED_FORMS",
    "PERCENT",
    "PLURAL_QUANTITIES",
    "FigureError",
    "Reading",
    "as_written",
    "parse_phrase",
    "parse_value",
    "plain_number",
    "read_phrase",
    "read_value",
    "written",
]

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


def plain_number(text: str) -> bool:
    """Whether `text` is a number as YAML carries one to the contract: digits, perhaps a point and decimals."""
    return _PLAIN_NUMBER.fullmatch(text) is not None


def as_written(value: Any) -> str | None:
    """The characters a YAML reader read `value` from, where it keeps them (plain numbers), else None."""
    text = getattr(value, "as_written", None)
    return text if isinstance(text, str) else None


def _lookalike(phrase: str, text: str) -> None:
    """Refuse a figure written so that a reader could take it for another number."""
    for pattern, why, needs in LOOKALIKES:
        if needs in text and pattern.search(text):
            raise FigureError(f"'{shown(phrase)}' {why}")


def _number(text: str) -> tuple[float, bool]:
    """A number and whether it carried its own scale word."""
    match = _NUMBER_PARTS.fullmatch(text)
    assert match is not None  # the phrase's pattern matched it
    digits = match["digits"].replace(",", "").replace(" ", "").replace("\u2212", "-")
    precise(digits, f"'{match['digits']}'")
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


def read_phrase(phrase: str, tolerance: float, language: str | None = None) -> Reading:
    """What a written figure stands for, or FigureError saying why it is none.

    `language` is the site's (`site.language`); where a phrase file is shipped for it, its words are
    read besides the contract's, and its digits as it writes them (`grammar.py`)."""
    if language is None or language == "en" or (grammar := grammar_for(language)) is None:
        return _english(phrase, tolerance)
    return grammar.read(phrase, tolerance)


def _english(phrase: str, tolerance: float) -> Reading:
    """What a figure written by the contract's table stands for."""
    text = _folded(phrase)
    _lookalike(phrase, text)
    match = _PHRASE.match(text)
    if match is None:
        raise FigureError(f"'{shown(phrase)}' is not a figure; accepted forms: {ACCEPTED_FORMS}")
    if match["b_low"]:
        core = _range(match["b_low"], match["b_high"])
    elif match["r_low"]:
        core = _range(match["r_low"], match["r_high"])
    elif match["pm"]:
        middle, by = _number(match["pm"])[0], _number(match["pm_by"])[0]
        if by < 0:
            raise FigureError(f"'{shown(phrase)}' has a negative margin; write X ± Y with Y positive")
        core = Interval.make(middle - by, middle + by)
    elif match["single"]:
        core = Interval.point(_number(match["single"])[0])
    else:
        core = VAGUE[match["vague"]]
    for end in (core.low, core.high):
        sized(end, f"'{shown(phrase)}'")
    percent = any(match[group] for group in ("b_percent", "r_percent", "single_percent", "percent"))
    unit = PERCENT if percent else None
    rule = QUALIFIERS.get(match["qualifier"] or "")
    suffix = match["suffix"]
    if suffix:
        if rule is not None:
            raise FigureError(
                f"'{shown(phrase)}' bounds the figure twice ('{match['qualifier']}' and '{suffix}'); keep one"
            )
        rule = SUFFIXES[" ".join(suffix.split())]
    if rule is None:
        return Reading(core, unit, fractional(core), bounded(core) and match["vague"] != "millions")
    result = rule(core, tolerance)
    if result.low > result.high or (result.low == result.high and (result.low_open or result.high_open)):
        raise FigureError(f"'{shown(phrase)}' gives an empty interval")  # "fewer than 0" is [0, 0)
    return Reading(result, unit, fractional(core), bounded(result) and rule not in FROM_ZERO)


def parse_phrase(phrase: str, tolerance: float, language: str | None = None) -> Interval:
    """The interval a written figure stands for, or FigureError saying why it is none."""
    return read_phrase(phrase, tolerance, language).interval


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FigureError(f"{what} must be a number, not {value!r}")
    text = as_written(value)
    if text is not None and not _PLAIN_NUMBER.fullmatch(text):
        _lookalike(text, _folded(text))
        raise FigureError(f"{what} must be a number written in digits (1500 or 1.5), not '{shown(text)}'")
    if text is not None:
        _lookalike(text, text)  # 3.000 is a plain number to YAML, and a look-alike to a reader
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if math.isnan(number) or (math.isinf(number) and not isinstance(value, int)):
        raise FigureError(f"{what} must be a finite number, not {value}")
    sized(number, what)
    precise(text if text is not None else repr(value), what)
    return number


def _end_of_range(value: Any, end: str, grammar: Grammar | None) -> float:
    try:
        text = value if isinstance(value, str) else as_written(value)
        if grammar is not None and text is not None and not isinstance(value, bool):
            return grammar.end(text, f"'{end}'")
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
        raise FigureError(f"{what} must be a number written in digits (1500, 1,500 or 1.5), not '{shown(text)}'")
    number, _ = _number(folded)
    return sized(number, what)


def read_value(value: Any, tolerance: float, language: str | None = None) -> Reading:
    """What a `value:` stands for, as YAML gives it: a number, a phrase or {low, high}.

    A plain YAML number is read from its characters where the reader kept them
    (`as_written`), so that `3.000` or `010` is refused rather than read as 3 or 8. `language`
    is the site's, as `read_phrase` takes it; it reads the ends of a range too.
    """
    if isinstance(value, str):  # first: most figures are phrases, and a Mapping is slower to tell
        return read_phrase(value, tolerance, language)
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"low", "high"})
        if unknown:
            raise FigureError(f"a range takes only 'low' and 'high', not {', '.join(map(repr, unknown))}")
        if value.get("low") is None and value.get("high") is None:
            raise FigureError("a range needs 'low', 'high' or both")
        grammar = None if language is None or language == "en" else grammar_for(language)
        low = -INF if value.get("low") is None else _end_of_range(value["low"], "low", grammar)
        high = INF if value.get("high") is None else _end_of_range(value["high"], "high", grammar)
        if low > high:
            raise FigureError(f"'low' ({written(value['low'])}) is more than 'high' ({written(value['high'])})")
        interval = Interval.make(low, high)
        return Reading(interval, None, fractional(interval), bounded(interval))
    text = as_written(value)
    if text is not None and not isinstance(value, bool):
        return read_phrase(text, tolerance, language)
    interval = Interval.point(_finite(value, "a figure"))
    return Reading(interval, None, fractional(interval))


def parse_value(value: Any, tolerance: float, language: str | None = None) -> Interval:
    """The interval of a `value:` as YAML gives it: a number, a phrase or {low, high}."""
    return read_value(value, tolerance, language).interval


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

"""Numbers written in units that combine, as Korean writes them: `3만` (30,000), `1만1000` (11,000),
`1억2000만` (120,000,000), `3천만` (30,000,000), `1.5만` (15,000).

Units of a myriad (만, 10^4) and its powers (억, 10^8; 조, 10^12) each take a coefficient below 10,000,
largest first; within a coefficient, 천 (1000) and 백 (100) take one digit each (`3천5백`). What does not
read one way is refused, never guessed: `1억5000` is written for 1억5000만 (150,000,000) as often as for
100,005,000, and `1만12000` has more digits after 만 than a Korean number can hold there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from builder.check.phrasebook import MYRIAD
from builder.check.table import FigureError, precise, shown


@dataclass(frozen=True)
class Composed:
    value: float
    last: int | None
    """The unit the number ends with (`만` in `3만`, but none in `1만1000`), which a range's bare first
    end takes (`3~5만` is 30,000 to 50,000)."""
    myriad: bool
    """Whether it holds a unit of a myriad or more (만, 억), and so takes no unit from the other end of a range."""


class _State:
    """A number read so far, one token at a time."""

    def __init__(self) -> None:
        self.total = Decimal(0)
        """The myriad sections done (`1억` of `1억2000만`)."""
        self.section = Decimal(0)
        """The units under a myriad read since (`3천` of `1만3천`)."""
        self.digits: Decimal | None = None
        """The digits read and not yet given a unit."""
        self.largest: int | None = None
        """The last unit of a myriad or more."""
        self.small: int | None = None
        """The last unit under a myriad since it."""
        self.numbers = 0
        """How many runs of digits were read."""
        self.decimal = False


def compose(
    phrase: str, text: str, tokens: re.Pattern[str], scales: dict[str, int], plain: Callable[[str], str]
) -> Composed:
    """The number `text` (a part of `phrase`) says in units of `scales`; FigureError where it says none
    exactly. `tokens` finds its digits (group `digits`) and unit words (group `unit`)."""
    sign = -1 if text[:1] in "-\u2212" else 1
    state, last = _State(), None
    for token in tokens.finditer(text.lstrip("-\u2212")):
        if token["digits"] is not None:
            number = plain(token["digits"])
            precise(number, f"'{token['digits']}'")
            state.digits, last = Decimal(number), None
            state.numbers += 1
            state.decimal = state.decimal or state.digits != state.digits.to_integral_value()
        elif token["unit"] is not None:
            last = scales[token["unit"]]
            _unit(phrase, state, token["unit"], last)
    value = _end(phrase, text.lstrip("-\u2212"), state, scales)
    if state.decimal and not (state.numbers == 1 and last is not None and last >= MYRIAD):
        raise FigureError(
            f"'{shown(phrase)}' has a decimal in a number of several units; a decimal is read before one "
            "unit alone (1.5만), else write the number in digits"
        )
    return Composed(sign * float(value), last, state.largest is not None)


def _unit(phrase: str, state: _State, word: str, factor: int) -> None:
    digits, state.digits = state.digits, None
    if factor < MYRIAD:
        if digits is None or digits not in range(1, 10) or (state.small is not None and factor >= state.small):
            raise FigureError(
                f"'{shown(phrase)}' has {word} where a number in these units cannot: it takes one digit from 1 to 9, "
                f"largest unit first (3천5백 is 3,500); or write the number in digits"
            )
        state.section += digits * factor
        state.small = factor
        return
    coefficient = state.section + (digits or 0)
    if state.largest is not None and factor >= state.largest:
        raise FigureError(
            f"'{shown(phrase)}' has {word} after a smaller unit; write the largest unit first (1억2000만)"
        )
    if coefficient >= MYRIAD:
        raise FigureError(
            f"'{shown(phrase)}' has more than four digits before {word}; write 1억2000만 for 120,000,000, "
            "or the number in digits"
        )
    state.total += coefficient * factor
    state.section, state.small, state.largest = Decimal(0), None, factor


def _end(phrase: str, text: str, state: _State, scales: dict[str, int]) -> Decimal:
    """The whole number, once the digits after the last unit (`1000` of `1만1000`) are added."""
    digits = state.digits
    after_large = state.largest is not None and state.largest > MYRIAD
    if after_large and (digits is not None or state.small is not None):
        # 1억5000 and 1억5천: 만 left out, as writers of prices do, or 100,005,000 as written?
        myriad = next(word for word, factor in scales.items() if factor == MYRIAD)
        literal = state.total + state.section + (digits or 0)
        meant = state.total + (state.section + (digits or 0)) * MYRIAD
        raise FigureError(
            f"'{shown(phrase)}' could be {text}{myriad} ({meant:,}) or {literal:,}; "
            f"write {text}{myriad}, or the number in digits"
        )
    if digits is not None:
        limit = state.small or (MYRIAD if state.largest is not None else None)
        if limit is not None and digits >= limit:
            raise FigureError(
                f"'{shown(phrase)}' has more digits after its last unit than a number in these units holds there "
                "(1만2000 is 12,000, 1만5천300 is 15,300); or write the number in digits"
            )
        state.section += digits
    return state.total + state.section

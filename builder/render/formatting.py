"""Numbers, intervals and deviations as a reader sees them."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from builder.check.interval import Interval, tidy
from builder.check.model import Figure
from builder.check.units import Unit
from builder.check.values import PLURAL_QUANTITIES
from builder.words import N_

if TYPE_CHECKING:
    from builder.analyse.analysis import VariantAnalysis

POSITION_TEXT = {
    "above": N_("the whole figure lies above the canonical figure"),
    "below": N_("the whole figure lies below the canonical figure"),
    "within": N_("the figure lies within the canonical figure"),
    "overlaps": N_("the figure and the canonical figure overlap"),
}
"""What each word a deviation can be shown as says; a figure without both ends has no middle to measure from."""
POSITION_WORDS = {
    "above": N_("above"),
    "below": N_("below"),
    "within": N_("within"),
    "overlaps": N_("overlaps"),
    "same": N_("same"),
}
"""The words a deviation can be shown as, marked for the catalog."""


# Pages show the same numbers again and again (a claim's figures in its table and in its chart).
@lru_cache(maxsize=1 << 16)
def number(value: float) -> str:
    """`12100.0` as 12,100 and `0.125` as 0.125: thousands separated, no binary noise."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    value = tidy(value)
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.{max(0, 3 - math.floor(math.log10(abs(value))))}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


@lru_cache(maxsize=1 << 16)
def interval(value: Interval | None) -> str:
    """Mathematical notation: [9,900, 12,100], (1,000, ∞), a single number for a point."""
    if value is None:
        return "—"
    if value.is_point:
        return number(value.low)
    left = "(" if value.low_open or math.isinf(value.low) else "["
    right = ")" if value.high_open or math.isinf(value.high) else "]"
    return f"{left}{number(value.low)}, {number(value.high)}{right}"


def deviation(value: float | None) -> str:
    """+9%, −27%, 0%; one decimal below 1%, so that +0.4% is not shown as 0%."""
    if value is None:
        return "—"
    percent = value * 100
    if percent == 0:
        return "0%"
    digits = 1 if abs(percent) < 1 else 0
    text = f"{abs(percent):,.{digits}f}%"
    return ("+" if percent > 0 else "−") + text


def variant_deviation(item: VariantAnalysis, percentage: Callable[[float | None], str] = deviation) -> str:
    """A variant's deviation as its page shows it: a signed percentage when both figures state both their
    ends (written by `percentage`: the site's language writes its own); otherwise where the figure lies
    ("above", "below", "within", "overlaps"), which is true of an open-ended figure where a percentage from
    its one end would not be ("thousands" is not "+500%" of "more than 1,000")."""
    if item.position is None:
        return "—"
    if item.bounded and item.deviation is not None:
        return percentage(item.deviation)
    if item.computed == "matches" and item.position == "within":
        return "same"
    return item.position


def figure_with_unit(figure: Figure, unit: Unit | None) -> str:
    """A figure as written plus a unit ("about 11,000 soldiers", "hundreds of troops", "1,300 km²")."""
    if figure.text is not None or not unit:
        return figure.written
    if not unit.physical and _word_quantity(figure.written):
        return f"{figure.written} of {unit.shown}"  # a word quantity takes "of" before a count noun
    return f"{figure.written} {unit.shown}"


@lru_cache(maxsize=8192)
def _word_quantity(written: str) -> bool:
    """Whether a figure is written as a word quantity ("hundreds"): asked for every figure of every table."""
    return " ".join(written.lower().split()) in PLURAL_QUANTITIES

"""Numbers, intervals and deviations as a reader sees them."""

from __future__ import annotations

import math
from functools import lru_cache

from builder.interval import Interval, tidy
from builder.model import Figure
from builder.units import Unit
from builder.values import PLURAL_QUANTITIES


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


def figure_with_unit(figure: Figure, unit: Unit | None) -> str:
    """A figure as written plus a unit ("about 11,000 soldiers", "hundreds of troops", "240 mm launchers")."""
    if figure.text is not None or not unit:
        return figure.written
    if not unit.physical and " ".join(figure.written.lower().split()) in PLURAL_QUANTITIES:
        return f"{figure.written} of {unit.text}"  # a word quantity takes "of" before a count noun
    return f"{figure.written} {unit.text}"

"""Intervals of real numbers with open, closed or infinite ends."""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf


def tidy(number: float) -> float:
    """Round away binary noise (3000 * 1.1 is 3300.0000000000005) so output is stable."""
    if math.isinf(number):
        return number
    return float(f"{number:.15g}")


@dataclass(frozen=True)
class Interval:
    """`[low, high]`; an infinite end is `-inf` or `inf` and never counts as open."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    @staticmethod
    def point(value: float) -> Interval:
        return Interval(tidy(value), tidy(value))

    @staticmethod
    def make(low: float, high: float, low_open: bool = False, high_open: bool = False) -> Interval:
        return Interval(tidy(low), tidy(high), low_open and not math.isinf(low), high_open and not math.isinf(high))

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    @property
    def mid(self) -> float | None:
        """The middle, or the finite end when the other is infinite; None if both are."""
        low_finite, high_finite = not math.isinf(self.low), not math.isinf(self.high)
        if low_finite and high_finite:
            return (self.low + self.high) / 2
        if low_finite:
            return self.low
        if high_finite:
            return self.high
        return None

    def same_as(self, other: Interval) -> bool:
        return (
            math.isclose(self.low, other.low, rel_tol=1e-9, abs_tol=1e-12)
            and math.isclose(self.high, other.high, rel_tol=1e-9, abs_tol=1e-12)
            and self.low_open == other.low_open
            and self.high_open == other.high_open
        )

    def overlaps(self, other: Interval) -> bool:
        """Whether some number lies in both intervals."""
        if self.low > other.low or (self.low == other.low and self.low_open):
            low, low_open = self.low, self.low_open
        else:
            low, low_open = other.low, other.low_open
        if self.high < other.high or (self.high == other.high and self.high_open):
            high, high_open = self.high, self.high_open
        else:
            high, high_open = other.high, other.high_open
        return low < high or (low == high and not low_open and not high_open)

    def widened(self, slack: float) -> Interval:
        """Each finite end moved outwards by `slack` of its magnitude."""
        return Interval.make(
            self.low - abs(self.low) * slack,
            self.high + abs(self.high) * slack,
            self.low_open,
            self.high_open,
        )

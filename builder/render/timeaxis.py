"""The time axis of the chart over time (`timechart.py`): where each day lies across the plot, and its labels.

The axis runs from the first day any figure, the canonical figure or its history names to the end of the
last, at one scale throughout, so a month is a month wide wherever it lies. One stretch of it where nothing
at all is drawn, longer than the rest of the chart together (figures of early 2025 and a desk whose history
began in late 2026), is cut out and shown as a break, so that the figures keep the width of the chart.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from builder.render.localised import ENGLISH, Localised

DAY = timedelta(days=1)
CUT = 0.5
"""An empty stretch longer than this share of the whole span is cut out of the axis."""
BREAK = 0.06
"""The width of a cut, as a share of the days drawn."""
EDGE = 0.02
"""The share of the days drawn added before the first day and after the last, so that a mark drawn a few
pixels wide about a day at either end stays inside the plot."""
PAD = 0.05
"""The share added after the last day instead when the history's last value runs to the end, so that it
shows as a step rather than a dot at the edge."""
AT_MOST = 4
"""Labels on the time axis: few enough to fit a phone's width."""
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
DAY_STEPS = (1, 2, 7, 14)
CLEAR = 14.0
"""How close to a break (percent of the width) a label may come: a label is about that wide on a phone."""


@dataclass(frozen=True)
class Days:
    """The time axis: its stretches of days, each from its first day to the day after its last, in order, with
    a break between each two."""

    stretches: tuple[tuple[date, date], ...]

    @cached_property
    def drawn(self) -> int:
        """The days drawn, without the breaks."""
        return sum((end - start).days for start, end in self.stretches)

    @cached_property
    def _starts(self) -> tuple[tuple[date, date, float], ...]:
        """Each stretch with where it starts, in days from the start of the axis (the breaks' included)."""
        made, offset = [], 0.0
        for start, end in self.stretches:
            made.append((start, end, offset))
            offset += (end - start).days + self.drawn * BREAK
        return tuple(made)

    @cached_property
    def _per_day(self) -> float:
        """The width of a day, in percent."""
        return 100 / (self.drawn * (1 + BREAK * (len(self.stretches) - 1)))

    def at(self, day: date) -> float:
        """Where `day` begins across the plot, in percent; the day after a stretch is where it ends (a day
        inside a cut, where nothing is drawn, lies where the next stretch starts)."""
        last = len(self.stretches) - 1
        for at, (start, end, offset) in enumerate(self._starts):
            if day <= end or at == last:
                return (offset + max(0, (day - start).days)) * self._per_day
        raise AssertionError("unreachable: the last stretch takes every later day")

    def breaks(self) -> list[tuple[float, float]]:
        """Each break, from where it starts to where it ends across the plot (percent)."""
        pairs = itertools.pairwise(self.stretches)
        return [(self.at(before[1]), self.at(after[0])) for before, after in pairs]


def axis(spans: Iterable[tuple[date, date]], runs_on: bool) -> Days:
    """The axis over `spans` (each a first day and the day after the last), with its one long empty stretch
    cut out; `runs_on` when a line runs to the end (the history's last value), which then gets room to."""
    merged: list[list[date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    first, last = merged[0][0], merged[-1][1]
    gaps = [(merged[at + 1][0] - merged[at][1], at) for at in range(len(merged) - 1)]
    stretches = [(first, last)]
    if gaps:
        gap, at = max(gaps)
        if gap > (last - first) * CUT:
            stretches = [(first, merged[at][1]), (merged[at + 1][0], last)]
    drawn = sum(((end - start) for start, end in stretches), timedelta())
    stretches[0] = (first - max(DAY, drawn * EDGE), stretches[0][1])
    stretches[-1] = (stretches[-1][0], last + max(DAY, drawn * (PAD if runs_on else EDGE)))
    return Days(tuple(stretches))


def ticks(axis: Days, speech: Localised = ENGLISH) -> list[tuple[date, str]]:
    """Round dates on the axis, each with its label, at most `AT_MOST` in all (shared by the stretches as their
    widths are, one at least each), none too near a break, the first of each stretch with its year."""
    made = []
    for at, (start, end) in enumerate(axis.stretches):
        share = (end - start).days / axis.drawn
        own = _round_dates(start, end, max(1, round(AT_MOST * share)), speech)
        if at + 1 < len(axis.stretches):
            own = [(day, label) for day, label in own if axis.at(day) < axis.breaks()[at][0] - CLEAR]
        if at and (not own or axis.at(own[0][0]) > axis.at(start) + CLEAR):
            own.insert(0, (start, speech.short(start, "yMMMd")))
        made += own
    return made


def _round_dates(start: date, end: date, at_most: int, speech: Localised) -> list[tuple[date, str]]:
    """At most `at_most` round dates from `start` to before `end`: days on a span of a month or so, else the
    first of a month every 1, 2, 3 or 6 months ("Jan 2025", then "Apr"), or of a year ("2025")."""
    span = (end - start).days
    if span < 45:
        step = next((s for s in DAY_STEPS if span / s <= at_most), DAY_STEPS[-1])
        days = [start + k * step * DAY for k in range(math.ceil(span / step))]
        return [(day, speech.short(day, "yMMMd" if at == 0 else "MMMd")) for at, day in enumerate(days)]
    months = span / 30.44
    step = next((s for s in MONTH_STEPS if months / s <= at_most), MONTH_STEPS[-1])
    index = math.ceil((start.year * 12 + start.month - 1 + (start.day > 1)) / step) * step
    made: list[tuple[date, str]] = []
    while (day := date(index // 12, index % 12 + 1, 1)) < end:
        skeleton = "y" if step >= 12 else "yMMM" if not made or day.month == 1 else "MMM"
        made.append((day, speech.short(day, skeleton)))
        index += step
    return made

"""A claim's figures over time, as the chart over time draws them (`render/timechart.py`).

Which figures carry a date (their own `as_of`, or their source's `published`) and which do not, and the
canonical figure's values over the desk's git history, each read as the check reads a figure. Pure. A
claim qualifies when its figures carry at least `MIN_DATES` distinct dates; for any other claim `timeline`
looks at nothing but its figures' dates and gives None, so that a desk of single-date claims pays nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from builder.analyse.analysis import ClaimAnalysis, VariantAnalysis, interval_in_unit
from builder.check.dates import Period
from builder.check.figures import read_figure
from builder.check.interval import Interval
from builder.check.model import FigureChange
from builder.check.values import FigureError

MIN_DATES = 2
"""How many distinct dates a claim's figures must carry for a chart over time to say anything."""


@dataclass(frozen=True)
class Step:
    """A value that the desk's git history gave the canonical figure: it holds from its commit's day until the
    next change."""

    change: FigureChange
    day: date
    """The day of the commit (UTC)."""
    interval: Interval | None
    """The value read as a figure in the claim's unit; None when it cannot be, and then it is left out of the
    line (and listed as not drawn), never guessed."""


@dataclass(frozen=True)
class Timeline:
    """What the chart over time shows of one claim."""

    dated: tuple[VariantAnalysis, ...]
    """The figures with a date and an interval in the claim's unit, oldest first: the marks."""
    unplaced: tuple[VariantAnalysis, ...]
    """Figures with a date but no interval in the claim's unit (another kind of unit): listed, not drawn."""
    undated: tuple[VariantAnalysis, ...]
    """Figures that carry no date: listed beside the chart, never placed at a guessed date."""
    canonical: Period | None
    """The canonical figure's own date, where it has one (it is drawn there)."""
    steps: tuple[Step, ...]
    """The canonical figure's values over the git history, oldest first; empty outside git."""

    @property
    def drawn_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.interval is not None)


def qualifies(analysed: ClaimAnalysis) -> bool:
    """Whether the claim's figures that can be drawn (a number in the claim's unit) carry at least `MIN_DATES`
    distinct dates."""
    if analysed.interval is None:
        return False
    dates = {item.dated for item in analysed.variants if item.dated is not None and item.interval is not None}
    return len(dates) >= MIN_DATES


def timeline(analysed: ClaimAnalysis, language: str) -> Timeline | None:
    """The claim's figures over time, or None when it does not qualify (`qualifies`). `language` is the
    site's: the history's values are read in it, as the check read them."""
    if not qualifies(analysed):
        return None
    drawn = [item for item in analysed.variants if item.dated is not None and item.interval is not None]
    drawn.sort(key=lambda item: (item.dated.start, item.dated.end, item.variant.index))  # type: ignore[union-attr]
    history = analysed.history.figures if analysed.history is not None else ()
    return Timeline(
        dated=tuple(drawn),
        unplaced=tuple(item for item in analysed.variants if item.dated is not None and item.interval is None),
        undated=tuple(item for item in analysed.variants if item.dated is None),
        canonical=analysed.dated,
        steps=tuple(
            Step(change, date.fromisoformat(change.date), _read(change.value, analysed, language)) for change in history
        ),
    )


def _read(value: str, analysed: ClaimAnalysis, language: str) -> Interval | None:
    """An earlier canonical value as an interval in the claim's unit, read as the check reads a figure; None
    when it is no figure the site's language reads, or is in a unit that cannot be compared."""
    claim = analysed.claim
    try:
        _, reading, unit = read_figure(value, claim.unit, claim.kind, claim.tolerance, language)
    except FigureError:
        return None
    converted = interval_in_unit(reading.interval, unit, claim.unit or claim.canonical.figure.unit)
    return converted[0] if converted is not None else None

"""The claim chart: every source's interval against the canonical one, as inline SVG.

Drawn at build time so that it needs no JavaScript; each verdict has its own
marker shape and a text label, so colour is never the only carrier.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from functools import cached_property
from html import escape
from itertools import repeat

from builder import formatting
from builder.analysis import ClaimAnalysis
from builder.interval import Interval

WIDTH = 400
ROW = 36
TOP = 8
AXIS = 30
LEFT, RIGHT = 8, 392
LINE = 16
"""How much lower each further line of a label is."""
INDENT = 14
"""How far a label's further lines are indented, to stand under its name rather than its verdict symbol."""
# Labels are fitted without measuring them: each character is given the width, at the labels' 13 units,
# of the widest of its kind in DejaVu Sans, the default sans-serif face on Linux and wider than the faces
# the stylesheet names first (measured in Chromium: "i" 3.6, "r" 5.2, digits 8.3, "D" 10.0, "m" 12.7).
_WIDTHS = {
    **dict.fromkeys(string.ascii_lowercase + string.digits + string.punctuation, 8.3),
    **dict.fromkeys(string.ascii_uppercase, 10.3),
    **dict.fromkeys(" fijlrt.,:;'-()[]!/|IJ", 5.2),
    **dict.fromkeys("mwMW—%&@●◐✕◷", 13.0),
}
_OTHER = 13.0
"""Any other character (an accented letter, a letter of another script, a CJK ideograph) is given a whole
em: wider than most, never narrower than one."""

SYMBOLS = {
    "matches": "●",
    "consistent": "◐",
    "differs": "✕",
    "outdated": "◷",
    "incomparable": "?",
    "misattributed": "!",
    "misquoted": "!",
    "retracted": "!",
    "different-measure": "≠",
}


@dataclass(frozen=True)
class Row:
    label: str
    interval: Interval | None
    css: str

    @cached_property
    def lines(self) -> tuple[str, ...]:
        """The label on one line, or on two when one would run past the chart's edge and lose its end
        (the verdict): broken after the name ("● Outlet:", then "figure — verdict"), a line still too long
        cut with an ellipsis. The whole label is in the chart's description and the table below it."""
        if _width(self.label) <= RIGHT - LEFT:
            return (self.label,)
        name, colon, rest = self.label.partition(": ")
        lines = (name + ":", rest) if colon else (self.label,)
        rooms = (RIGHT - LEFT, RIGHT - LEFT - INDENT)
        return tuple(_cut(line, room) for line, room in zip(lines, rooms, strict=False))

    @property
    def height(self) -> int:
        return ROW + LINE * (len(self.lines) - 1)


def _width(text: str) -> float:
    """At most how wide `text` is drawn as a label, in the chart's units."""
    return sum(map(_WIDTHS.get, text, repeat(_OTHER)))


def _cut(line: str, room: float) -> str:
    """`line`, or as much of it as fits in `room` with an ellipsis after it."""
    if _width(line) <= room:
        return line
    while line and _width(line + "…") > room:
        line = line[:-1]
    return line.rstrip() + "…"


def _nice_step(span: float) -> float:
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _domain(intervals: list[Interval]) -> tuple[float, float]:
    ends = [e for i in intervals for e in (i.low, i.high) if not math.isinf(e)]
    # Counts start at zero, so that a 0.4% rounding difference looks as small as it is.
    low, high = min(0.0, *ends), max(0.0, *ends)
    span = high - low or 1.0
    return (low if low == 0 else low - span * 0.1), (high if high == 0 else high + span * 0.12)


def _bar(interval: Interval, y: float, scale: tuple[float, float], css: str) -> str:
    low, high = scale
    span = high - low

    def x(value: float) -> float:
        if math.isinf(value):
            return LEFT if value < 0 else RIGHT
        return LEFT + (value - low) / span * (RIGHT - LEFT)

    x1, x2 = x(interval.low), x(interval.high)
    if interval.is_point:
        return f'<path class="mark {css}" d="M{x1:.1f} {y - 6:.1f}l6 6-6 6-6-6z"/>'
    at_y = f"{y:.1f}"
    parts = [f'<line class="bar {css}" x1="{x1:.1f}" x2="{x2:.1f}" y1="{at_y}" y2="{at_y}"/>']
    for at, value, is_open, side in (
        (x1, interval.low, interval.low_open, -1),
        (x2, interval.high, interval.high_open, 1),
    ):
        if math.isinf(value):
            parts.append(f'<path class="arrow {css}" d="M{at:.1f} {at_y}l{-8 * side} -5v10z"/>')
        else:
            fill = "open" if is_open else "closed"
            parts.append(f'<circle class="end {fill} {css}" cx="{at:.1f}" cy="{at_y}" r="4"/>')
    return "".join(parts)


def chart(analysed: ClaimAnalysis, labels: dict[int, str], chart_id: str) -> str | None:
    """The SVG of a numeric claim, or None when nothing can be drawn (a text claim)."""
    if analysed.interval is None:
        return None
    rows = [Row(f"Canonical: {analysed.claim.canonical.figure.written}", analysed.interval, "canonical")]
    for item in analysed.variants:
        figure = item.variant.figure
        shown = f"{figure.written} (desk's reading)" if figure.derived else figure.written
        label = f"{SYMBOLS[item.verdict]} {labels[item.variant.index]}: {shown} — {item.verdict}"
        rows.append(Row(label, item.interval, f"verdict-{item.verdict}"))
    drawable = [r.interval for r in rows if r.interval is not None]
    scale = _domain(drawable)
    rows_height = sum(row.height for row in rows)
    height = TOP + rows_height + AXIS
    body = []
    low, high = scale
    ref = analysed.interval
    band_x1 = LEFT + (max(ref.low, low) - low) / (high - low) * (RIGHT - LEFT)
    band_x2 = LEFT + (min(ref.high, high) - low) / (high - low) * (RIGHT - LEFT)
    body.append(
        f'<rect class="band" x="{band_x1:.1f}" y="{TOP}" width="{max(band_x2 - band_x1, 1.5):.1f}" '
        f'height="{rows_height}"/>'
    )
    y = TOP
    for row in rows:
        first, *more = row.lines
        further = "".join(f'<tspan x="{LEFT + INDENT}" dy="{LINE}">{escape(line)}</tspan>' for line in more)
        body.append(f'<text class="label" x="{LEFT}" y="{y + 13}">{escape(first)}{further}</text>')
        below = y + row.height - ROW  # the bar goes under the label's last line
        if row.interval is not None:
            body.append(_bar(row.interval, below + 24, scale, row.css))
        else:
            body.append(
                f'<text class="label muted" x="{RIGHT}" y="{below + 27}" text-anchor="end">not comparable</text>'
            )
        y += row.height
    step = _nice_step(high - low)
    tick = math.ceil(low / step) * step
    axis_y = TOP + rows_height + 6
    body.append(f'<line class="axis" x1="{LEFT}" x2="{RIGHT}" y1="{axis_y}" y2="{axis_y}"/>')
    while tick <= high:
        tx = LEFT + (tick - low) / (high - low) * (RIGHT - LEFT)
        anchor = "start" if tx < LEFT + 20 else "end" if tx > RIGHT - 20 else "middle"
        body.append(f'<line class="tick" x1="{tx:.1f}" x2="{tx:.1f}" y1="{axis_y}" y2="{axis_y + 4}"/>')
        body.append(
            f'<text class="tick-label" x="{tx:.1f}" y="{axis_y + 16}" text-anchor="{anchor}">'
            f"{formatting.number(tick)}</text>"
        )
        tick += step
    unit = analysed.claim.unit.text if analysed.claim.unit else ""
    summary = "; ".join(f"{row.label}, interval {formatting.interval(row.interval)}" for row in rows)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">Each source\'s figure against the canonical figure'
        f"{' (' + escape(unit) + ')' if unit else ''}</title>"
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>' + "".join(body) + "</svg>"
    )

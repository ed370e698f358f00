"""The chart over time: a claim's dated figures, time across and the figure up, drawn at build time.

Each figure is its interval drawn over the span of its date (`analyse/timeline.py`): a month is a month wide,
a year a year wide, from the interval's low end to its high end; an exact number is a bar, an end without a
limit an arrow and a fade, a figure off the scale a double chevron at its edge, as on the interval chart
(`chart.py`, whose scale and marks this one shares). A span too narrow to see (a day on a chart of years) is
drawn at its middle, a few pixels wide. Each figure carries its verdict's colour, dashes and symbol, and the
legend says each symbol's word, so colour never carries it alone. The canonical figure is drawn at its own
date, and its values over the desk's git history as a step line, a dot at each commit that changed it.

Every position is a percentage of the plot (x of its width, y of its height), so the SVG fills its column
at any width without scaling its text: labels are in CSS pixels, as large on a phone as on a desktop. The
numbers' column is the SVG's padding (an `axis-*` class, by the longest number). Time runs left to right
in every language, as the interval chart's numbers do. No script.
"""

from __future__ import annotations

import math
from html import escape

from builder.analyse.analysis import ClaimAnalysis, VariantAnalysis
from builder.analyse.timeline import Step, Timeline
from builder.check.dates import Period
from builder.check.interval import Interval
from builder.render import party, timeaxis
from builder.render.chart import Scale, arrow, chevron, domain, ticks, unit_words
from builder.render.localised import ENGLISH, Localised
from builder.render.timeaxis import DAY, Days
from builder.verdicts import ORDER, SYMBOLS, WORDS

NARROW = 0.8
"""A date's span narrower than this share of the width (percent) is drawn at its middle, a few pixels wide."""
THIN = 1.0
"""An interval lower than this share of the height (percent) is drawn as a bar, as an exact number is."""


def _dated(item: VariantAnalysis) -> Period:
    assert item.dated is not None  # the timeline's marks all carry a date
    return item.dated


def days(timeline: Timeline) -> Days:
    """The time axis: over every figure's date, the canonical figure's and its history's."""
    periods = [_dated(item) for item in timeline.dated]
    if timeline.canonical is not None:
        periods.append(timeline.canonical)
    spans = [(period.start, period.end + DAY) for period in periods]
    if timeline.steps:
        spans.append((timeline.steps[0].day, timeline.steps[-1].day + DAY))
    return timeaxis.axis(spans, runs_on=bool(timeline.drawn_steps))


def _y(scale: Scale, value: float) -> float:
    """Where `value` lies down the plot, in percent from the top."""
    return 100 - scale.at(value)


def _at(x: float, y: float, shape: str) -> str:
    """`shape`, drawn about (0, 0), placed at (`x`, `y`) percent (SVG paths take no percentages)."""
    return f'<svg x="{x:.2f}%" y="{y:.2f}%" overflow="visible">{shape}</svg>'


def mark(
    interval: Interval, span: Period, axis: Days, scale: Scale, bounded: bool, fade: str, frame: bool = False
) -> tuple[str, float, float]:
    """A figure as SVG: its interval over its date's span, a rectangle (a bar for an exact number); an arrow
    and a fade towards an end it does not state (`bounded`: "up to X" states no lower end), a double chevron
    where it runs off the scale. Also where its symbol goes: above its top, at its middle (x, y percent).
    `fade` is the id that the chart's fading masks begin with. A `frame` (the canonical figure) is an
    outline, wider than a figure where its span is narrow, so that the figures under it still show."""
    x1, x2 = axis.at(span.start), axis.at(span.end + DAY)
    middle = (x1 + x2) / 2
    under, over = scale.beyond(interval)
    top, bottom = _y(scale, interval.high), _y(scale, interval.low)
    up = math.isinf(interval.high)
    down = math.isinf(interval.low) or (not bounded and interval.low == 0 and not up)
    narrow = x2 - x1 < NARROW
    half = 8 if frame else 5
    masked = f' mask="url(#{fade}-up)"' if up else f' mask="url(#{fade}-down)"' if down else ""
    if bottom - top < THIN:
        level = (top + bottom) / 2
        if narrow:
            parts = [_at(middle, level, f'<path class="bar" d="M{-half} 0h{2 * half}"/>')]
        else:
            parts = [f'<line class="bar" x1="{x1:.2f}%" x2="{x2:.2f}%" y1="{level:.2f}%" y2="{level:.2f}%"/>']
    elif narrow:
        # A few pixels wide about its middle: a rectangle still, so that it fades as a wide one does.
        kind, width = ("frame", half) if frame else ("span narrow", 2)
        box = f'<rect class="{kind}" x="{-width}" width="{2 * width}" y="0" height="{bottom - top:.2f}%"{masked}/>'
        parts = [_at(middle, top, box)]
    else:
        parts = [
            f'<rect class="{"frame" if frame else "span"}" x="{x1:.2f}%" width="{x2 - x1:.2f}%" y="{top:.2f}%" '
            f'height="{bottom - top:.2f}%"{masked}/>'
        ]
    for off, unbounded, level, turn in ((over, up, top, -90), (under, math.isinf(interval.low), bottom, 90)):
        if off:
            parts.append(_at(middle, level, f'<path class="off-scale" d="{chevron(1)}" transform="rotate({turn})"/>'))
        elif unbounded:
            parts.append(_at(middle, level, f'<path class="arrow" d="{arrow(1)}" transform="rotate({turn})"/>'))
    return "".join(parts), middle, top


def history(steps: tuple[Step, ...], axis: Days, scale: Scale) -> str:
    """The canonical figure's values over the git history as a step line: each from its commit's day to the
    next change (the last to the end of the axis), through its middle, over a band of its interval, a dot
    where it was set. A value that cannot be read breaks the line until the next one that can."""
    parts = []
    before: float | None = None
    for at, step in enumerate(steps):
        start = axis.at(step.day)
        end = axis.at(steps[at + 1].day) if at + 1 < len(steps) else 100.0
        middle = step.interval.mid if step.interval is not None else None
        if step.interval is None or middle is None:
            before = None
            continue
        level = _y(scale, middle)
        top, bottom = _y(scale, step.interval.high), _y(scale, step.interval.low)
        if bottom - top >= THIN and end > start:
            parts.append(
                f'<rect class="history-band" x="{start:.2f}%" width="{end - start:.2f}%" y="{top:.2f}%" '
                f'height="{bottom - top:.2f}%"/>'
            )
        if before is not None:
            parts.append(
                f'<line class="history-line" x1="{start:.2f}%" x2="{start:.2f}%" y1="{before:.2f}%" y2="{level:.2f}%"/>'
            )
        parts.append(
            f'<line class="history-line" x1="{start:.2f}%" x2="{end:.2f}%" y1="{level:.2f}%" y2="{level:.2f}%"/>'
        )
        parts.append(_at(start, level, '<circle class="history-dot" r="4"/>'))
        before = level
    return f'<g class="history">{"".join(parts)}</g>' if parts else ""


def figure_class(item: VariantAnalysis) -> str:
    """The classes of one figure's marks: its verdict's colour and dashes. The one place for a mark of the
    figure's own (an interested party's, say) to be added to the chart."""
    return f"figure verdict-{item.verdict}"


def _axes(axis: Days, scale: Scale, speech: Localised) -> tuple[str, int]:
    """The grid of the figures' scale with its numbers, and the time axis with its dates; and the length of
    the longest number, for the width of their column."""
    parts = []
    longest = 1
    for value in ticks(scale):
        y = _y(scale, value)
        label = speech.number(value)
        longest = max(longest, len(label))
        parts.append(f'<line class="grid" x1="0" x2="100%" y1="{y:.2f}%" y2="{y:.2f}%"/>')
        parts.append(f'<text class="value" x="-6" y="{y:.2f}%" dy="0.35em" text-anchor="end">{label}</text>')
    parts.append('<line class="axis" x1="0" x2="100%" y1="100%" y2="100%"/>')
    for start, end in axis.breaks():
        parts.append(f'<rect class="cut" x="{start:.2f}%" width="{end - start:.2f}%" y="0" height="100%"/>')
        # Above the axis more than below, where a date's label may run under it.
        parts += [_at(x, 100, '<path class="cut-mark" d="M-2 2L4 -10"/>') for x in (start, end)]
    for day, label in timeaxis.ticks(axis, speech):
        x = axis.at(day)
        anchor = "start" if x < 8 else "end" if x > 92 else "middle"
        parts.append(_at(x, 100, '<line class="tick" y2="5"/>'))
        parts.append(
            f'<text class="date" x="{x:.2f}%" y="100%" dy="1.25em" text-anchor="{anchor}">{escape(label)}</text>'
        )
    return "".join(parts), longest


def _fades(chart_id: str, drawn: str) -> str:
    """The masks that fade a figure towards an end it does not state, those that `drawn` uses."""
    made = []
    for name, (y1, y2) in (("up", (1, 0)), ("down", (0, 1))):
        if f"url(#{chart_id}-{name})" in drawn:
            made.append(
                f'<linearGradient id="{chart_id}-{name}-g" x1="0" x2="0" y1="{y1}" y2="{y2}">'
                '<stop offset="0.3" stop-color="#fff"/><stop offset="1" stop-color="#fff" stop-opacity="0"/>'
                f'</linearGradient><mask id="{chart_id}-{name}" maskContentUnits="objectBoundingBox">'
                f'<rect width="1" height="1" fill="url(#{chart_id}-{name}-g)"/></mask>'
            )
    return f"<defs>{''.join(made)}</defs>" if made else ""


def _legend(analysed: ClaimAnalysis, timeline: Timeline, speech: Localised) -> str:
    """Each verdict drawn, by its symbol and word; the canonical figure and its history, by a sample."""
    drawn = {item.verdict for item in timeline.dated}
    items = [
        f'<li><span class="key verdict-{verdict}" aria-hidden="true">{SYMBOLS[verdict]}</span> '
        f"{escape(speech.gettext(WORDS[verdict]))}</li>"
        for verdict in ORDER
        if verdict in drawn
    ]
    if any(item.party for item in timeline.dated):
        items.append(f"<li>{party.badge(speech)}</li>")
    sample = '<svg class="key" width="22" height="12" aria-hidden="true" focusable="false">{}</svg>'
    if timeline.canonical is not None:
        words = speech.gettext("the canonical figure, at its date")
        shape = '<rect class="frame" x="2" width="18" y="1" height="10"/>'
        items.append(f'<li class="canonical-figure">{sample.format(shape)} {escape(words)}</li>')
    if timeline.drawn_steps:
        words = speech.gettext("the canonical figure over the desk’s history, a dot where it changed")
        shape = (
            '<line class="history-line" x1="5" x2="22" y1="6" y2="6"/><circle class="history-dot" cx="5" cy="6" r="4"/>'
        )
        items.append(f'<li class="history">{sample.format(shape)} {escape(words)}</li>')
    return f'<ul class="timechart-legend">{"".join(items)}</ul>'


def timechart(analysed: ClaimAnalysis, timeline: Timeline, chart_id: str, speech: Localised = ENGLISH) -> str:
    """The chart over time as HTML: its title, the SVG (an image named by the title) and its legend."""
    canonical = analysed.interval
    assert canonical is not None  # a claim qualifies only with a number (`timeline.qualifies`)
    axis = days(timeline)
    intervals = [item.interval for item in timeline.dated if item.interval is not None]
    scale = domain(canonical, [*intervals, *(step.interval for step in timeline.drawn_steps if step.interval)])
    grid, longest = _axes(axis, scale, speech)
    marks = []
    if timeline.canonical is not None:  # under the figures, its thick outline around any that it frames
        bounded = analysed.claim.canonical.figure.bounded
        shape, _, _ = mark(canonical, timeline.canonical, axis, scale, bounded, chart_id, frame=True)
        marks.append(f'<g class="canonical-figure">{shape}</g>')
    for item in timeline.dated:
        assert item.interval is not None
        shape, x, y = mark(item.interval, _dated(item), axis, scale, item.variant.figure.bounded, chart_id)
        hides, flag = (party.ROW, party.SYMBOL) if item.party else ("", "")  # a party's: marked, and hidden on request
        marks.append(
            f'<g class="{figure_class(item)}"{hides}>{shape}'
            f'<text class="symbol" x="{x:.2f}%" y="{y:.2f}%" dy="-0.4em" text-anchor="middle">'
            f"{SYMBOLS[item.verdict]}{flag}</text></g>"
        )
    drawn = "".join(marks)
    first = speech.day(_dated(timeline.dated[0]))
    last = speech.day(max((_dated(item) for item in timeline.dated), key=lambda p: (p.end, p.start)))
    unit = unit_words(analysed, speech)
    if unit:
        title = speech.gettext("Figures over time, %(unit)s: %(first)s to %(last)s", unit=unit, first=first, last=last)
    else:
        title = speech.gettext("Figures over time: %(first)s to %(last)s", first=first, last=last)
    width = "axis-s" if longest <= 4 else "axis-m" if longest <= 7 else "axis-l"
    return (
        f'<p class="chart-title" id="{chart_id}-title">{escape(title)}</p>'
        f'<svg class="timechart {width}" width="100%" role="img" aria-labelledby="{chart_id}-title" focusable="false">'
        f"{_fades(chart_id, drawn)}{grid}{history(timeline.steps, axis, scale)}{drawn}</svg>"
        + _legend(analysed, timeline, speech)
    )

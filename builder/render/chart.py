"""The claim chart: every source's interval against the canonical one, drawn at build time.

Each row is HTML: a label, set in the page's own type so that it wraps like any text and is as
large on a phone as on a desktop, above a track drawn in SVG whose positions are percentages of
its width, so nothing is scaled down with the chart. A label never lies over a track, and the
canonical band is drawn in every track, so no label covers a bar or the band. Each verdict has
its own marker shape and a symbol in the label, so colour is never the only carrier. Needs no
JavaScript.

A claim with many figures (a count that rose over a war, reported by the same few bodies again
and again) is drawn one row per originator, each of its figures a mark on that row, so that
the chart stays about a screen tall; the table below the chart lists every figure.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from builder.analyse.analysis import ClaimAnalysis, VariantAnalysis
from builder.check.interval import Interval
from builder.check.names import folded
from builder.render import formatting, party
from builder.render.localised import ENGLISH, Localised
from builder.verdicts import SYMBOLS, WORDS

ROWS_EACH = 12
"""Up to this many figures, each has a row of its own; beyond it, the figures of one originator share one."""
ROWS_SHOWN = 10
"""Past `ROWS_EACH` figures, the rows shown at first, the latest first; the rest are one click away."""
REACH = 20
"""How far from the canonical figure the scale reaches, in units of its size (`_size`: its width, or half its
magnitude, whichever is more; so about ten times the figure): a figure farther off is drawn at the edge with
a double chevron, so that one far figure cannot squeeze the band to a hairline."""
TRACK = 22
"""The height of a row's track (CSS px); its marks are centred on it."""
MIDDLE = TRACK // 2


@dataclass(frozen=True)
class Row:
    """One row of the chart: a label, and the figures drawn on its track (one, or an originator's series)."""

    label: str
    """Who reported what ("● EU Today: around 11,000 troops")."""
    verdict: str
    """The verdict of its (latest) figure, which its marks are drawn in."""
    items: tuple[VariantAnalysis, ...]
    party: bool = False
    """Whether its figures are a party's (an originator's figures are all a party's, or none is)."""


@dataclass(frozen=True)
class Scale:
    low: float
    high: float

    def at(self, value: float) -> float:
        """Where `value` lies across the track, in percent, clamped to the track."""
        if math.isinf(value):
            return 0.0 if value < 0 else 100.0
        return min(100.0, max(0.0, (value - self.low) / (self.high - self.low) * 100))

    def beyond(self, interval: Interval) -> tuple[bool, bool]:
        """Whether the interval runs off the scale below, above (a finite end past the edge)."""
        return (
            not math.isinf(interval.low) and interval.low < self.low,
            not math.isinf(interval.high) and interval.high > self.high,
        )


def _size(canonical: Interval) -> float:
    """How large the canonical figure is, the measure of how far the scale reaches from it."""
    finite = [abs(end) for end in (canonical.low, canonical.high) if not math.isinf(end)]
    if not finite:
        return 1.0
    width = canonical.high - canonical.low
    size = max(width if not math.isinf(width) else max(finite), 0.5 * max(finite))
    return size or 1.0


def domain(canonical: Interval, intervals: Iterable[Interval]) -> Scale:
    """The scale: from zero (so that a 0.4% rounding difference looks as small as it is) to the farthest
    figure within `REACH` of the canonical figure, with a margin."""
    reach = REACH * _size(canonical)
    lowest = (canonical.low if not math.isinf(canonical.low) else min(canonical.high, 0)) - reach
    highest = (canonical.high if not math.isinf(canonical.high) else max(canonical.low, 0)) + reach
    ends = [
        end
        for interval in (canonical, *intervals)
        for end in (interval.low, interval.high)
        if not math.isinf(end) and lowest <= end <= highest
    ]
    low, high = min(0.0, *ends), max(0.0, *ends)
    if low == high:  # nothing but zero and unbounded ends
        return Scale(-1.0, 1.0)
    span = high - low
    return Scale(low if low == 0 else low - span * 0.06, high if high == 0 else high + span * 0.08)


def ticks(scale: Scale) -> list[float]:
    """Three to five round values across the scale (few, so that their labels fit a phone's width)."""
    span = scale.high - scale.low
    raw = span / 3
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(scale.low / step) * step
    return [first + k * step for k in range(int((scale.high - first) / step + 1e-9) + 1)]


def mark(interval: Interval, scale: Scale, css: str) -> str:
    """An interval as SVG: a bar with a closed (filled) or open (hollow) end, or an arrow where it has no end;
    a diamond for an exact number; a double chevron at the edge for a part that runs off the scale."""
    under, over = scale.beyond(interval)
    x1, x2 = scale.at(interval.low), scale.at(interval.high)
    parts = []
    if interval.is_point and not (under or over):
        parts.append(_at(x1, f'<path class="mark {css}" d="M0 -6l6 6-6 6-6-6z"/>'))
    else:
        parts.append(f'<line class="bar {css}" x1="{x1:.2f}%" x2="{x2:.2f}%" y1="{MIDDLE}" y2="{MIDDLE}"/>')
        for at, value, is_open, side, off in (
            (x1, interval.low, interval.low_open, -1, under),
            (x2, interval.high, interval.high_open, 1, over),
        ):
            if off:
                parts.append(_at(at, f'<path class="off-scale {css}" d="{chevron(side)}"/>'))
            elif math.isinf(value):
                parts.append(_at(at, f'<path class="arrow {css}" d="{arrow(side)}"/>'))
            else:
                fill = "open" if is_open else "closed"
                parts.append(f'<circle class="end {fill} {css}" cx="{at:.2f}%" cy="{MIDDLE}" r="4"/>')
    return "".join(parts)


def arrow(side: int) -> str:
    """The head of an end that has no limit, as an SVG path about (0, 0), pointing right (`side` 1) or left."""
    return f"M0 0l{-8 * side} -5v10z"


def chevron(side: int) -> str:
    """The double chevron of a figure that runs off the scale, as an SVG path about (0, 0), pointing right
    (`side` 1) or left."""
    return f"M{-11 * side} -5l{5 * side} 5{-5 * side} 5M{-6 * side} -5l{5 * side} 5{-5 * side} 5"


def _at(x: float, shape: str) -> str:
    """`shape`, drawn about (0, 0), placed at `x` percent across the track (SVG paths take no percentages)."""
    return f'<svg x="{x:.2f}%" y="{MIDDLE}" overflow="visible">{shape}</svg>'


def band(canonical: Interval, scale: Scale, speech: Localised) -> tuple[str, str]:
    """The canonical figure as drawn in every track, and what the label calls it: a shaded band, or, for an
    exact figure (a band too thin to see), a line."""
    x1, x2 = scale.at(canonical.low), scale.at(canonical.high)
    if x2 - x1 < 0.6:
        line = f'<line class="band-line" x1="{x1:.2f}%" x2="{x1:.2f}%" y1="0" y2="{TRACK}"/>'
        return line, speech.gettext("the line")
    band = f'<rect class="band" x="{x1:.2f}%" y="0" width="{x2 - x1:.2f}%" height="{TRACK}"/>'
    return band, speech.gettext("the shaded band")


def _names(items: Sequence[VariantAnalysis], speech: Localised) -> dict[int, str]:
    """Each figure's name in the chart: its outlet (or, unknown, the start of its title); where sources of one
    name meet, with the date of each, then its own title."""
    sources = {item.source.id: item.source for item in items}.values()
    of_name = Counter(source.name for source in sources)
    of_day = Counter((source.name, source.published) for source in sources)
    names = {}
    for item in items:
        source = item.source
        name = source.name
        if of_name[name] > 1:
            alike = of_day[name, source.published] > 1 or not source.published
            name = f"{name}, {source.title}" if alike else f"{name}, {speech.day(source.published)}"
        names[item.variant.index] = name
    return names


def _figure(item: VariantAnalysis, unit_of: ClaimAnalysis, speech: Localised) -> str:
    figure = item.variant.figure
    shown = formatting.figure_with_unit(figure, figure.unit or unit_of.claim.unit)
    return speech.gettext("%(figure)s (desk's reading)", figure=shown) if figure.derived else shown


def rows(analysed: ClaimAnalysis, speech: Localised = ENGLISH) -> list[Row]:
    """The chart's rows after the canonical one: one per figure, in the desk's order; or, past `ROWS_EACH`
    figures, one per originator (a figure without one keeps a row of its own), the latest first."""
    items = analysed.variants
    names = _names(items, speech)
    groups: dict[str, list[VariantAnalysis]] = {}
    many = len(items) > ROWS_EACH
    for item in items:
        groups.setdefault(_row_key(item, many), []).append(item)
    made = []
    for group in groups.values():
        if len(group) == 1:
            item = group[0]
            label = f"{SYMBOLS[item.verdict]} {names[item.variant.index]}: {_figure(item, analysed, speech)}"
            if item.party and item.variant.figure.according_to:  # so that the mark is not read as the outlet's
                label = speech.gettext(
                    "%(row)s, according to %(originator)s", row=label, originator=item.variant.figure.according_to
                )
            made.append(Row(label, item.verdict, (item,), item.party))
            continue
        dated = sorted(group, key=lambda i: i.dated.end if i.dated else date.min)
        latest = dated[-1]
        span = [speech.day(i.dated) for i in (dated[0], latest) if i.dated]
        count = len(group)
        if len(span) == 2 and span[0] != span[1]:
            figures = speech.ngettext(
                "%(num)s figure from %(first)s to %(last)s",
                "%(num)s figures from %(first)s to %(last)s",
                count,
                first=span[0],
                last=span[1],
            )
        else:
            figures = speech.ngettext("%(num)s figure", "%(num)s figures", count)
        latest_figure = _figure(latest, analysed, speech)
        if latest.dated:
            latest_text = speech.gettext(
                "the latest %(figure)s (%(date)s)", figure=latest_figure, date=speech.day(latest.dated)
            )
        else:
            latest_text = speech.gettext("the latest %(figure)s", figure=latest_figure)
        label = f"{SYMBOLS[latest.verdict]} {group[0].originator}: {figures}; {latest_text}"
        made.append(Row(label, latest.verdict, tuple(dated), latest.party))
    if len(items) > ROWS_EACH:
        made.sort(key=lambda row: max((i.dated.end for i in row.items if i.dated), default=date.min), reverse=True)
    return made


def _row_key(item: VariantAnalysis, many: bool) -> str:
    """The row a figure is drawn on: its own, or (with `many` figures) its originator's, if it has one."""
    if many and item.originator is not None:
        return "originator:" + folded(item.originator)
    return f"figure:{item.variant.index}"


def row_count(analysed: ClaimAnalysis) -> int:
    """How many rows `rows` gives, without making them (nor their labels)."""
    many = len(analysed.variants) > ROWS_EACH
    return len({_row_key(item, many) for item in analysed.variants})


def unit_words(analysed: ClaimAnalysis, speech: Localised) -> str:
    unit = analysed.claim.unit or analysed.claim.canonical.figure.unit
    if unit is None:
        return ""
    if unit.physical or unit.text == "%":
        return speech.gettext("in %(unit)s", unit=unit.shown)
    return speech.gettext("number of %(unit)s", unit=unit.shown)


def canonical_label(analysed: ClaimAnalysis, band_name: str, speech: Localised) -> str:
    """The canonical row's label: "Canonical figure (the shaded band): about 400 killed"; a party's with whose
    it is ("..., according to X"), which its mark (`party`) then follows, on the page and in the chart's file."""
    figure = formatting.figure_with_unit(analysed.claim.canonical.figure, analysed.claim.unit)
    label = speech.gettext("Canonical figure (%(band)s): %(figure)s", band=band_name, figure=figure)
    if analysed.canonical_party:
        originator = analysed.claim.canonical.figure.according_to
        label = speech.gettext("%(row)s, according to %(originator)s", row=label, originator=originator)
    return label


def row_label(row: Row, scale: Scale, speech: Localised, words: str | None = None) -> str:
    """A row's label with its verdict, and whether its figures are off the scale or not on it at all; its
    `words` in place of the row's own (a party's row, marked)."""
    verdict = speech.gettext(WORDS[row.verdict])
    named = row.label if words is None else words
    drawn = [i.interval for i in row.items if i.interval is not None]
    if not drawn:
        return speech.gettext("%(row)s, not on the scale — %(verdict)s", row=named, verdict=verdict)
    if any(any(scale.beyond(interval)) for interval in drawn):
        return speech.gettext("%(row)s, beyond the scale » — %(verdict)s", row=named, verdict=verdict)
    return speech.gettext("%(row)s — %(verdict)s", row=named, verdict=verdict)


def marks(row: Row, scale: Scale) -> str:
    """A row's figures as SVG, in its verdict's style, the latest drawn full and the earlier faded."""
    drawn = [i.interval for i in row.items if i.interval is not None]
    css = f"verdict-{row.verdict}"
    return "".join(
        f'<g class="{"latest" if at == len(drawn) - 1 else "earlier"}">{mark(interval, scale, css)}</g>'
        for at, interval in enumerate(drawn)
    )


def title(analysed: ClaimAnalysis, speech: Localised) -> str:
    """What the chart shows, with the unit its scale counts."""
    unit = unit_words(analysed, speech)
    if unit:
        return speech.gettext("Each source's figure against the canonical figure, %(unit)s", unit=unit)
    return speech.gettext("Each source's figure against the canonical figure")


def scale_of(analysed: ClaimAnalysis, rest: Sequence[Row]) -> Scale | None:
    """The chart's scale for the claim and its rows; None for a claim without a numeric canonical figure."""
    canonical = analysed.interval
    if canonical is None:
        return None
    return domain(canonical, (i.interval for row in rest for i in row.items if i.interval is not None))


def chart(analysed: ClaimAnalysis, chart_id: str, speech: Localised = ENGLISH) -> str | None:
    """The chart of a numeric claim as HTML, or None when nothing can be drawn (a text claim)."""
    rest = rows(analysed, speech)
    scale = scale_of(analysed, rest)
    if scale is None or analysed.interval is None:
        return None
    canonical = analysed.interval
    drawn_band, band_name = band(canonical, scale, speech)
    badge = party.badge(speech)
    html = escape(canonical_label(analysed, band_name, speech))
    if analysed.canonical_party:  # marked, but never hidden
        html += f" {badge}"
    lines = [_row(html, drawn_band + mark(canonical, scale, "canonical"), canonical=True)]
    for row in rest:
        words = _MARKED if row.party else None  # the mark after the row's words, before its verdict
        label_html = _html(row_label(row, scale, speech, words), row, badge)
        lines.append(_row(label_html, drawn_band + marks(row, scale), row.party))
    shown, more = lines[: ROWS_SHOWN + 1], lines[ROWS_SHOWN + 1 :]
    rows_html = f'<ol class="chart" aria-labelledby="{chart_id}-title">{"".join(shown)}</ol>'
    if more:
        folded_rows = speech.ngettext(
            "%(num)s more row, of older figures", "%(num)s more rows, of older figures", len(more)
        )
        rows_html += (
            f'<details class="chart-more"><summary>{escape(folded_rows)}'
            f'</summary><ol class="chart">{"".join(more)}</ol></details>'
        )
    axis = []
    for tick in ticks(scale):
        x = scale.at(tick)
        anchor = "start" if x < 8 else "end" if x > 92 else "middle"
        axis.append(f'<line class="tick" x1="{x:.2f}%" x2="{x:.2f}%" y1="0" y2="5"/>')
        axis.append(f'<text x="{x:.2f}%" y="19" text-anchor="{anchor}">{speech.number(tick)}</text>')
    unit = unit_words(analysed, speech)
    return (
        f'<p class="chart-title" id="{chart_id}-title">{escape(title(analysed, speech))}</p>'
        + rows_html
        + f'<svg class="chart-axis" width="100%" height="24" aria-hidden="true" focusable="false">'
        f'<line class="axis" x1="0" x2="100%" y1="0" y2="0"/>{"".join(axis)}</svg>'
        + (f'<p class="axis-unit">{escape(unit)}</p>' if unit else "")
    )


_MARKED = "\0"
"""Where a party's mark goes in a label, put in its words before they are escaped (so that no message is cut)."""


def _html(label: str, row: Row, badge: str) -> str:
    """A row's label as HTML, escaped; a party's row's with its words and its mark (`party.badge`) where the
    label says `_MARKED`."""
    html = escape(label)
    return html.replace(_MARKED, f"{escape(row.label)} {badge}", 1) if row.party else html


def _row(label: str, marks: str, hides: bool = False, canonical: bool = False) -> str:
    """One row of the chart, its label HTML (`_html`); a row of a party's figures `hides` (`party.ROW`)."""
    kind = "chart-row canonical" if canonical else "chart-row"
    return (
        f'<li class="{kind}"{party.ROW if hides else ""}><span class="chart-label">{label}</span>'
        f'<svg class="track" width="100%" height="{TRACK}" aria-hidden="true" focusable="false">{marks}</svg></li>'
    )

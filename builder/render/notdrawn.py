"""What the chart over time (`timechart.py`) does not draw, listed beside it: the figures that carry no date,
those in a unit that cannot be drawn on its scale, and the canonical figure's earlier values that cannot be
read as a figure in the claim's unit. Nothing is left off the chart in silence.

The chart's text equivalent is the page's own tables, named by its caption: the table of what each source
reported gives every figure with its date and verdict, and the History the canonical figure's earlier
values. A table of the same figures in date order under the chart was dropped: it repeated them at the cost
of a tenth of a claim page's render.

Made in Python, as the chart is. Every text of the desk is escaped here; `badge` is the page's verdict badge
(a word and a symbol, `badges.verdict_badge`).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from builder.analyse.analysis import VariantAnalysis
from builder.analyse.timeline import Step, Timeline
from builder.render import party
from builder.render.localised import Localised
from builder.words import N_

Badge = Callable[[str], str]
"""A verdict as the page shows it, as markup."""

NOT_DATED = N_("Not dated, so not drawn:")
OTHER_UNIT = N_("Dated, but in a unit that cannot be drawn on this scale:")
NOT_READ = N_("Earlier canonical figures not drawn, as they are not figures in the claim's unit:")


def lists(timeline: Timeline, speech: Localised, badge: Badge) -> str:
    """The lists of what is not drawn, each under its reason; empty when everything is drawn."""
    listed = [
        _figures(intro, items, speech, badge)
        for intro, items in ((NOT_DATED, timeline.undated), (OTHER_UNIT, timeline.unplaced))
        if items
    ]
    unread = [step for step in timeline.steps if step.interval is None]
    if unread:
        listed.append(_list(NOT_READ, [_step(step, speech) for step in unread], speech))
    return "".join(listed)


def _list(intro: str, items: list[str], speech: Localised) -> str:
    return f'<p class="not-drawn">{escape(speech.gettext(intro))}</p><ul class="not-drawn">{"".join(items)}</ul>'


def _figures(intro: str, items: tuple[VariantAnalysis, ...], speech: Localised, badge: Badge) -> str:
    """Each figure with its source (linked to its row of the table of variants), whose it is, and its date."""
    rows = []
    for item in items:
        figure = item.variant.figure
        link = f'<a href="#variant-{item.variant.index + 1}">{escape(item.source.name)}</a>'
        who = f" ({escape(figure.according_to)})" if figure.according_to else ""
        when = f", {escape(speech.day(item.dated))}" if item.dated else ""
        hides, mark = (party.ROW, f" {party.badge(speech)}") if item.party else ("", "")
        rows.append(f"<li{hides}>{link}{who}{mark}: {escape(figure.as_written)}{when} {badge(item.verdict)}</li>")
    return _list(intro, rows, speech)


def _step(step: Step, speech: Localised) -> str:
    """An earlier canonical value as the desk wrote it, the day its commit set it, and the commit."""
    change = step.change
    when = f'<time datetime="{escape(change.time)}">{escape(speech.day(change.date))}</time>'
    return f"<li>{escape(change.value)}, {when} <code>{escape(change.commit)}</code></li>"

"""The text equivalent of the chart over time (`timechart.py`): the figures it does not draw, listed beside it,
and a table in date order of every dated figure, the canonical figure at its date and each value of its
history, in a `<details>` under the chart.

Made in Python, as the chart is: a claim page of the benchmark's desk, whose every claim has one, renders
these rows in a fraction of what the sandboxed template took. Every text of the desk is escaped here;
`badge` is the page's verdict badge (a word and a symbol, `pages.verdict_badge`).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from builder.analyse.analysis import ClaimAnalysis, VariantAnalysis
from builder.analyse.timeline import Entry, Timeline
from builder.render import formatting, party
from builder.render.localised import Localised
from builder.words import N_

Badge = Callable[[str], str]
"""A verdict as the page shows it, as markup."""

NOT_DATED = N_("Not dated, so not drawn:")
OTHER_UNIT = N_("Dated, but in a unit that cannot be drawn on this scale:")
HEAD = (N_("Date"), N_("Originator"), N_("Figure as written"), N_("Verdict"))


def text(analysed: ClaimAnalysis, timeline: Timeline, speech: Localised, badge: Badge) -> str:
    """The lists of figures not drawn, then the table."""
    listed = [
        _listed(intro, items, speech, badge)
        for intro, items in ((NOT_DATED, timeline.undated), (OTHER_UNIT, timeline.unplaced))
        if items
    ]
    return "".join(listed) + _table(analysed, timeline, speech, badge)


def _link(item: VariantAnalysis) -> str:
    """The figure's source, linked to its row of the table of variants."""
    return f'<a href="#variant-{item.variant.index + 1}">{escape(item.source.name)}</a>'


def _listed(intro: str, items: tuple[VariantAnalysis, ...], speech: Localised, badge: Badge) -> str:
    rows = []
    for item in items:
        figure = item.variant.figure
        who = f" ({escape(figure.according_to)})" if figure.according_to else ""
        when = f", {escape(speech.day(item.dated))}" if item.dated else ""
        hides, mark = (party.ROW, f" {party.badge(speech)}") if item.party else ("", "")
        written = escape(figure.as_written)
        rows.append(f"<li{hides}>{_link(item)}{who}{mark}: {written}{when} {badge(item.verdict)}</li>")
    return f'<p class="not-drawn">{escape(speech.gettext(intro))}</p><ul class="not-drawn">{"".join(rows)}</ul>'


def _written(item: VariantAnalysis, analysed: ClaimAnalysis, speech: Localised) -> str:
    """A figure as its source wrote it, with its unit; where the desk read a figure from its words, the reading."""
    figure = item.variant.figure
    shown = formatting.figure_with_unit(figure, figure.unit or analysed.claim.unit)
    if not figure.derived:
        return escape(shown)
    reading = speech.gettext("the desk reads it as %(reading)s", reading=shown)
    return f'{escape(figure.as_written)}<br><span class="derived">{escape(reading)}</span>'


def _row(entry: Entry, analysed: ClaimAnalysis, speech: Localised, badge: Badge) -> str:
    """One row: its date, who, the figure as written, and its verdict (or why it is not drawn)."""
    when = escape(speech.day(entry.when))
    if entry.item is not None:
        item = entry.item
        by = item.variant.figure.according_to
        hides, mark = (party.ROW, f" {party.badge(speech)}") if item.party else ("", "")  # beside whose stake
        who = f"{escape(by)}{mark}<br>{_link(item)}" if by else f"{_link(item)}{mark}"
        verdict = badge(item.verdict)
        if item.interval is None:
            elsewhere = speech.gettext("not drawn: another unit")
            verdict += f'<br><span class="muted">{escape(elsewhere)}</span>'
        start = f'<tr class="row-{item.verdict}"{hides}><th scope="row">{when}</th>'
        cells = (start, who, _written(item, analysed, speech))
    elif entry.step is not None:
        change = entry.step.change
        set_by = escape(speech.gettext("Canonical figure, as the desk set it"))
        verdict = ""
        if entry.step.interval is None:
            unread = speech.gettext("not drawn: not a figure in the claim's unit")
            verdict = f'<span class="muted">{escape(unread)}</span>'
        cells = (
            f'<tr class="history"><th scope="row"><time datetime="{escape(change.time)}">{when}</time></th>',
            f"{set_by} <code>{escape(change.commit)}</code>",
            escape(change.value),
        )
    else:
        canonical = analysed.claim.canonical.figure
        by = f'<br><span class="by">{escape(canonical.according_to)}</span>' if canonical.according_to else ""
        if analysed.canonical_party:  # marked, but never hidden
            by += f" {party.badge(speech)}"
        name = escape(speech.gettext("Canonical figure"))
        cells = (f'<tr class="canonical"><th scope="row">{when}</th>', name + by, escape(canonical.as_written))
        verdict = ""
    start, who, figure = cells
    return f'{start}<td>{who}</td><td class="figure">{figure}</td><td class="verdict-cell">{verdict}</td></tr>'


def _table(analysed: ClaimAnalysis, timeline: Timeline, speech: Localised, badge: Badge) -> str:
    summary = escape(speech.gettext("The figures over time as a table"))
    caption = speech.gettext(
        "The dated figures of “%(claim)s” and its canonical figure over time, the earliest first",
        claim=analysed.claim.title,
    )
    head = "".join(f'<th scope="col">{escape(speech.gettext(word))}</th>' for word in HEAD)
    rows = "".join(_row(entry, analysed, speech, badge) for entry in timeline.entries)
    return (
        f'<details class="timechart-data"><summary>{summary}</summary><div class="table-wrap">'
        f'<table class="cards timechart-table"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div></details>"
    )

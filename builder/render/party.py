"""The mark of a party's figure: one made by a party to the events it reports on (`originators:` with
`party: true`, `Site.party`), told by a symbol and words, never by colour alone, with its meaning in its tooltip.

Every table, the chart and the claim page's byline put the same mark beside the figure (`badge`, in HTML;
`label`, in plain text); the element of a row that holds a party's figure carries `data-party` (`ROW`), which
the claim page's control hides (`static/parties.js`). A chart or table of figures elsewhere marks its rows
the same way: `badge(speech)` beside the figure and `ROW` on the row, and the control hides them too.
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup, escape

from builder.render.localised import Localised
from builder.words import N_

SYMBOL = "⚑"
WORDS = N_("party to the events")
MEANING = N_("A party to the events it reports on (for example a government at war): its figures may serve its side.")
ROW = Markup(" data-party")
"""The attribute of a row (a table's, the chart's) whose figure is a party's: what the claim page's control hides."""


@cache
def badge(speech: Localised) -> Markup:
    """The mark, in HTML: the symbol (hidden from screen readers, which read the words) and the words."""
    return Markup(
        f'<span class="party" title="{escape(speech.gettext(MEANING))}">'
        f'<span aria-hidden="true">{SYMBOL}</span> {escape(speech.gettext(WORDS))}</span>'
    )


def label(speech: Localised) -> str:
    """The mark in plain text ("⚑ party to the events"), where no markup goes (an SVG title, an aria-label)."""
    return f"{SYMBOL} {speech.gettext(WORDS)}"

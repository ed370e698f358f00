"""A verdict, a status and a deviation as a page shows them: a word and a symbol, never colour alone, with
what it means in its tooltip, in the site's language. The templates call these as filters (`pages.environment`)."""

from __future__ import annotations

from functools import cache, lru_cache

from markupsafe import Markup, escape

from builder.analyse.analysis import VariantAnalysis
from builder.render import formatting
from builder.render.localised import Localised
from builder.verdicts import MEANING, SYMBOLS, WORDS


@cache
def verdict_badge(speech: Localised, verdict: str) -> Markup:
    """A verdict as a word and a symbol (never colour alone), its meaning in the tooltip."""
    return Markup(
        f'<span class="verdict verdict-{verdict}" title="{escape(speech.gettext(MEANING[verdict]))}">'
        f'<span aria-hidden="true">{SYMBOLS[verdict]}</span> {escape(speech.gettext(WORDS[verdict]))}</span>'
    )


def word(speech: Localised, name: str) -> str:
    """A verdict or status as the site's language says it."""
    return speech.gettext(WORDS[name])


def deviation_mark(speech: Localised, item: VariantAnalysis | float | None) -> Markup:
    """A variant's deviation (`formatting.variant_deviation`); a word says what it means in its tooltip. A
    number, as a site's own template from before may give it (`item.deviation|deviation`), is shown as one."""
    if item is None or isinstance(item, float):
        return Markup(f'<span class="deviation">{escape(speech.deviation(item))}</span>')
    return _deviation_shown(speech, formatting.variant_deviation(item, speech.deviation))


@lru_cache(maxsize=4096)
def _deviation_shown(speech: Localised, text: str) -> Markup:
    """A deviation's text as a page shows it: a few hundred of them make every table of a desk."""
    meaning = formatting.POSITION_TEXT.get(text)
    title = f' title="{escape(speech.gettext(meaning))}"' if meaning else ""
    shown = speech.gettext(formatting.POSITION_WORDS[text]) if text in formatting.POSITION_WORDS else text
    return Markup(f'<span class="deviation"{title}>{escape(shown)}</span>')


@cache
def status_badge(speech: Localised, status: str) -> Markup:
    return Markup(f'<span class="status status-{status}">{escape(speech.gettext(WORDS[status]))}</span>')

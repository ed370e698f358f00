"""The site's language as its pages speak it: interface words from its catalog, numbers and dates as
its readers write them, lists joined by its rules.

A figure as written is never touched here: a reporter's "약 1만1000" or "about 11,000" is shown as
written. What the site computes (counts, interval ends, deviations, chart ticks, dates) is said the
locale's way: `11,000` in English, `11 000` in Ukrainian and French, `11.000` in Spanish.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from gettext import NullTranslations
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol
from markupsafe import Markup

from builder import languages, words
from builder.check.dates import Period
from builder.render import formatting
from builder.render.pagehelpers import escaped


@dataclass(frozen=True, eq=False)
class Localised:
    """One language's way of saying what a page shows. One per language and process (`localised`), known by
    its identity: pages look up badges by it, and hashing its fields on each would cost more than the badge."""

    tag: str
    translations: NullTranslations = field(repr=False)
    locale: Locale = field(repr=False)
    english: bool
    """Whether numbers and lists are written the English way, as `formatting` and `words` write them."""
    group: str
    decimal: str
    percent: tuple[str, str]
    """What stands before and after a percentage's number (`%` after it, with a space in French)."""

    @property
    def direction(self) -> str:
        return languages.direction(self.tag)

    def gettext(self, message: str, **values: Any) -> str:
        """`message` in the site's language, its `%(name)s` places filled with `values`."""
        translated = self.translations.gettext(message)
        return translated % values if values else translated

    def ngettext(self, one: str, many: str, count: int, **values: Any) -> str:
        """The form of `one`/`many` that the language gives `count`, with `%(num)s` the count as it writes it."""
        return self.translations.ngettext(one, many, count) % {"num": self.count(count), **values}

    def markup(self, message: str, **values: Any) -> Markup:
        """`gettext` as the templates call it: the message is markup (it may hold a link), the values are
        escaped as they fill it, as jinja's own newstyle gettext does (each escaped as the pages escape their
        output, `pagehelpers.escaped`, rather than by `Markup.__mod__`, which wraps each value first)."""
        translated = self.translations.gettext(message)
        if not values:
            return _markup(translated)
        return Markup(translated % {name: escaped(value) for name, value in values.items()})

    def markup_plural(self, one: str, many: str, count: int, **values: Any) -> Markup:
        """`ngettext` as the templates call it; `%(num)s` is the count unless given."""
        values.setdefault("num", count)
        return Markup(self.translations.ngettext(one, many, count) % {n: escaped(v) for n, v in values.items()})

    def count(self, value: int) -> str:
        return f"{value:,}" if self.english else self._digits(f"{value:,}")

    def number(self, value: float) -> str:
        """A computed number (an interval's end, a chart's tick): `formatting.number`, in the locale's marks."""
        text = formatting.number(value)
        return text if self.english or math.isinf(value) else self._digits(text)

    def interval(self, value: Any) -> str:
        """An interval in mathematical notation; its ends parted by a semicolon where a comma may be a
        decimal mark ("[1,5; 2,5]")."""
        text = formatting.interval(value)
        return text if self.english or value is None else self._digits(text.replace(", ", "; "))

    def deviation(self, value: float | None) -> str:
        """A deviation ("+9%", "−27%") with the locale's marks and percent sign."""
        text = formatting.deviation(value)
        if self.english or not text.endswith("%"):
            return text
        sign = text[0] if text[0] in "+−" else ""
        digits = self._digits(text[len(sign) : -1])
        before, after = self.percent
        return f"{sign}{before}{digits}{after}"

    def joined(self, phrases: Sequence[str]) -> str:
        if self.english or len(phrases) <= 1:
            return words.joined(phrases)
        return format_list(list(phrases), locale=self.locale)

    def day(self, value: Period | date | str | None) -> str:
        """A date as written in the desk (YYYY, YYYY-MM or YYYY-MM-DD) said the locale's way."""
        if value is None:
            return ""
        return _day(str(value), self.tag)

    def short(self, value: date, skeleton: str) -> str:
        """A date on a chart's time axis, short, the locale's way: `skeleton` is a CLDR skeleton ("y" 2025,
        "yMMM" Mar 2025, "MMM" Mar, "MMMd" Mar 9)."""
        return _short(value, skeleton, self.tag)

    def _digits(self, text: str) -> str:
        # One pass: the English marks swapped for the locale's (a group mark may be a decimal one elsewhere).
        return text.translate({ord(","): self.group, ord("."): self.decimal})


@lru_cache(maxsize=4096)
def _markup(message: str) -> Markup:
    return Markup(message)


@lru_cache(maxsize=4096)
def _day(text: str, tag: str) -> str:
    parts = text.split("-")
    locale = languages.locale(tag)
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 3:
            return format_date(date(*numbers), "long", locale=locale)
        if len(numbers) == 2:
            return format_skeleton("yMMMM", date(numbers[0], numbers[1], 1), locale=locale)
    except (ValueError, TypeError):
        return text
    return text


@lru_cache(maxsize=4096)
def _short(value: date, skeleton: str, tag: str) -> str:
    return format_skeleton(skeleton, value, locale=languages.locale(tag))


@lru_cache(maxsize=16)
def localised(tag: str) -> Localised:
    """How a site in the language of `tag` says things (English where it has no catalog, with its numbers)."""
    locale = languages.locale(tag)
    english = languages.primary(tag) == languages.ENGLISH
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    sample = format_percent(0.09, locale=locale)
    before, _, after = sample.partition("9")
    return Localised(tag, languages.translations(tag), locale, english, group, decimal, (before, after))


ENGLISH = localised(languages.ENGLISH)
"""English, as the command line and a site without `site.language` speak."""

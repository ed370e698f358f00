"""The languages a site can be written for: each one's catalog of interface words, and its direction.

A site's pages speak its `site.language` (a BCP 47 tag; its first subtag picks the catalog, so `uk-UA`
reads `uk`). The catalogs are gettext's, managed with Babel: `locales/<language>/LC_MESSAGES/factsheet.po`
in this package, compiled to the `.mo` beside it that the wheel ships (docs/languages.md says how to add
one). English is the catalog's own words, the message ids themselves, so it needs no file.

A foundation module: the check warns of a language with no catalog, the render speaks in one.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "factsheet"
ENGLISH = "en"
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur"})
"""Languages written from right to left, whose pages say `dir="rtl"`."""


def primary(tag: str) -> str:
    """The language of a tag, without its region or script: `uk-UA` and `uk` are `uk`."""
    return tag.split("-")[0].split("_")[0].lower()


@lru_cache(maxsize=1)
def shipped() -> tuple[str, ...]:
    """The languages with a catalog, English first."""
    found = sorted(p.name for p in LOCALES.glob("*") if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file())
    return (ENGLISH, *(name for name in found if name != ENGLISH))


def has_catalog(tag: str) -> bool:
    return primary(tag) in shipped()


@lru_cache(maxsize=16)
def translations(tag: str) -> gettext.NullTranslations:
    """The catalog of the tag's language; English (the messages as written) where there is none."""
    language = primary(tag)
    if language == ENGLISH or not has_catalog(language):
        return NullTranslations()
    return Translations.load(str(LOCALES), [language], DOMAIN)


@lru_cache(maxsize=16)
def locale(tag: str) -> Locale:
    """The tag's locale, for numbers and dates; English where Babel knows no such language."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(primary(tag))
        except (UnknownLocaleError, ValueError):
            return Locale.parse(ENGLISH)


def direction(tag: str) -> Literal["ltr", "rtl"]:
    return "rtl" if primary(tag) in RIGHT_TO_LEFT else "ltr"

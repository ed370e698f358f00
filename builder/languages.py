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


FONTS = Path(__file__).parent / "render" / "fonts"
SHIPPED_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
"""DejaVu Sans, shipped with the package (its licence in the same folder): Latin, Greek, Cyrillic, Arabic,
Hebrew, Armenian and Georgian, so that the share cards of most sites are the same bytes on every machine."""
CJK_FONTS = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJK-Bold.ttc",
    "NotoSansCJKkr-Regular.otf",
    "NotoSansCJKkr-Bold.otf",
    "NanumGothic.ttf",
    "NanumGothicBold.ttf",
)
"""Fonts of Korean, Japanese and Chinese, taken from the system (some 20 MB each: not shipped); Debian's
`fonts-noto-cjk` has the first two."""
NEEDS_SYSTEM_FONT = {"ko": CJK_FONTS, "ja": CJK_FONTS, "zh": CJK_FONTS}
UNCOVERED = frozenset({"hi", "bn", "mr", "ne", "pa", "gu", "ta", "te", "kn", "ml", "si", "th", "lo", "my", "km", "bo"})
"""Languages whose script DejaVu Sans lacks, and for which factsheet knows no font to look for."""
FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
)


def fonts(tag: str) -> tuple[Path, ...] | None:
    """The font files that draw the tag's language on images (the share cards, the charts as PNG): the shipped
    DejaVu Sans, with the system's font of a script it lacks; None when no font for that script is found."""
    shipped_fonts = tuple(FONTS / name for name in SHIPPED_FONTS)
    language = primary(tag)
    if language in UNCOVERED:
        return None
    wanted = NEEDS_SYSTEM_FONT.get(language)
    if wanted is None:
        return shipped_fonts
    found = _system_fonts(wanted)
    return (*shipped_fonts, *found) if found else None


@lru_cache(maxsize=4)
def _system_fonts(names: tuple[str, ...]) -> tuple[Path, ...]:
    """The first font folder's files of `names` (the first name that is found, and the other weights of
    its family: those of the same prefix before the weight)."""
    for folder in FONT_FOLDERS:
        if not folder.is_dir():
            continue
        by_name = {path.name: path for path in sorted(folder.rglob("*")) if path.name in names}
        for name in names:
            if name in by_name:
                family = name.split("-")[0].removesuffix("Bold.ttf").removesuffix(".ttf")
                return tuple(by_name[n] for n in names if n in by_name and n.startswith(family))
    return ()

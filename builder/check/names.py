"""Names of outlets, topics and originators: when two are the same, their URL slugs, and look-alike letters.

Names come in every script (the example's story is reported in Korean,
Ukrainian and Russian), so a slug is an ASCII transliteration made by
`anyascii` (one table for every script, kept up to date with Unicode), and
two spellings of one name ("South Korea’s military" with a curly apostrophe,
"South Korea's military" with a straight one) are one name, as the contract
folds them. A word that mixes scripts is told apart by `confusable_homoglyphs`,
which knows the Unicode script of each letter and the letters that look alike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

MAX_SLUG = 80

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
# Scripts that are written mixed within one word as a matter of course: Japanese mixes
# kanji with kana, Korean may mix hanja with hangul. Punctuation and digits are COMMON.
_TOGETHER = (frozenset({"HAN", "HIRAGANA", "KATAKANA"}), frozenset({"HAN", "HANGUL"}))
_NEUTRAL = frozenset({"COMMON", "INHERITED"})


@lru_cache(maxsize=1 << 16)
def folded(name: str) -> str:
    """How two names are compared: NFKC, case folded, quotes and apostrophes straight, white space single."""
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES).casefold()
    return " ".join(text.split())


@lru_cache(maxsize=1 << 16)
def slug(name: str) -> str:
    """A URL segment for a name in any script ("Associated Press" -> associated-press, 연합뉴스 -> yeonhabnyuseu).

    A long name is cut, and a digest of the whole keeps two long names apart: a folder
    name has at most 255 bytes.
    """
    ascii_name = anyascii(unicodedata.normalize("NFKC", name))
    segment = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(segment) <= MAX_SLUG:
        return segment
    digest = hashlib.sha256(segment.encode()).hexdigest()[:10]
    return f"{segment[: MAX_SLUG - 11].rstrip('-')}-{digest}"


@dataclass(frozen=True)
class MixedWord:
    """A word whose letters come from more than one script, and the letters of the scripts it mostly is not."""

    word: str
    scripts: tuple[str, ...]
    """Its scripts, the most used first."""
    strays: tuple[str, ...]
    """Each letter of the other scripts, described ("'у' (CYRILLIC SMALL LETTER U), like Latin 'y'")."""

    def __str__(self) -> str:
        mix = " and ".join(script.title() for script in self.scripts)
        return f"the word '{self.word}' mixes {mix} letters: {', '.join(self.strays)}"


def mixed_words(name: str) -> tuple[MixedWord, ...]:
    """The words of `name` that mix scripts, as a look-alike letter typed by mistake would."""
    from confusable_homoglyphs import categories, confusables

    found = []
    for word in name.split():
        scripts: dict[str, list[str]] = {}
        for char in word:
            script = categories.alias(char)
            if script not in _NEUTRAL:
                scripts.setdefault(script, []).append(char)
        if len(scripts) < 2 or any(set(scripts) <= together for together in _TOGETHER):
            continue
        ranked = sorted(scripts, key=lambda script: -len(scripts[script]))
        main = ranked[0]
        strays = []
        for script in ranked[1:]:
            for char in dict.fromkeys(scripts[script]):
                described = f"'{char}' ({unicodedata.name(char, f'U+{ord(char):04X}')})"
                alike = confusables.is_confusable(char, preferred_aliases=[main.lower()]) or []
                glyphs = [g["c"] for entry in alike for g in entry["homoglyphs"]]
                if glyphs:
                    described += f", like {main.title()} '{glyphs[0]}'"
                strays.append(described)
        found.append(MixedWord(word, tuple(ranked), tuple(strays)))
    return tuple(found)

"""Counts and lists in words, one rule for every page and every command: "1 claim", "2 claims"; "a, b and c";
and the markers of messages for the site's catalog."""

from __future__ import annotations

from collections.abc import Sequence


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 claim`, `2 claims`, `0 claims`, `12,000 files` (`many` where adding an s is not the plural)."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def joined(phrases: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def N_(message: str) -> str:
    """A message marked for the site's catalog where it is written, translated where a page shows it
    (`render/localised.py`); the command line speaks English."""
    return message


def Nn_(one: str, many: str) -> tuple[str, str]:
    """A message with its plural, marked for the catalog (`ngettext` is given both where it is shown)."""
    return one, many

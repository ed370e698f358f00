"""Counts and lists in words, one rule for every page and every command: "1 claim", "2 claims"; "a, b and c"."""

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

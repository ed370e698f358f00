"""What a page says in words about a set of figures: counts by verdict, and the few disagreements named first.

One place for the words, so that a count reads the same on every page ("1 differs", "2 differ";
"60 are earlier figures", never "60 differ"); plurals and lists are `words.py`'s, shared with the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from builder.analyse.analysis import ClaimAnalysis, VariantAnalysis
from builder.render.localised import ENGLISH, Localised
from builder.verdicts import AGREEING, COUNTED, DISPUTING, ORDER

NAMED_FIRST = 5
"""How many figures a claim's first screen names in each of its lists (its disagreements, the figures that
count something else); the rest are one step away, in its table."""


def verdict_counts(items: Iterable[VariantAnalysis]) -> dict[str, int]:
    """How many items have each verdict, in `verdicts.ORDER`, verdicts no item has left out."""
    counts = dict.fromkeys(ORDER, 0)
    for item in items:
        counts[item.verdict] += 1
    return {verdict: count for verdict, count in counts.items() if count}


def tally(
    items: Iterable[VariantAnalysis], agreeing_together: bool = False, language: Localised = ENGLISH
) -> list[str]:
    """Each count by verdict in words, in `verdicts.ORDER`: ["4 agree", "1 differs", "60 are earlier figures"];
    with `agreeing_together`, `matches` and `consistent` are counted as one ("agree"). In the site's `language`."""
    counts = verdict_counts(items)
    if agreeing_together:
        agree = sum(counts.pop(verdict, 0) for verdict in sorted(AGREEING))
        counts = {"agree": agree, **counts} if agree else counts
    return [language.ngettext(*COUNTED[verdict], count) for verdict, count in counts.items()]


def named_disagreements(analysed: ClaimAnalysis, limit: int = NAMED_FIRST) -> list[VariantAnalysis]:
    """The disagreements a claim's first screen names: the disputing ones (`differs` and the editorial
    verdicts), the largest gap first, then the earlier figures, the most recent first; at most `limit`."""
    disputing = [item for item in analysed.variants if item.verdict in DISPUTING]
    disputing.sort(key=lambda item: -(item.gap or 0.0))
    earlier = [item for item in analysed.variants if item.verdict == "outdated"]
    earlier.sort(key=lambda item: item.dated.end if item.dated else date.min, reverse=True)
    return (disputing + earlier)[:limit]

"""Every verdict and status, and everything said of them, in one place.

A new verdict is added here (its name, its group, its symbol, its meaning and the words that count it),
then given a style in `render/static/style.css`; `tests/test_verdicts.py` fails while any table here
lacks it. An editor's verdict is given in claims.yaml (`EditorialVerdict`: the check reads it from
here); a computed one needs its rule in `analyse/analysis.py`'s `compare`. A claim's status follows from
its verdicts here (`claim_status`). Pages, charts, feeds, the command line and `diff` read their words here.

A foundation module, not the analysis's: the check reads the editorial verdicts before anything is analysed.
"""

from __future__ import annotations

from typing import Literal

from builder.words import N_, Nn_

Verdict = Literal[
    "matches",
    "consistent",
    "differs",
    "outdated",
    "incomparable",
    "misattributed",
    "misquoted",
    "retracted",
    "different-measure",
]
EditorialVerdict = Literal["misattributed", "misquoted", "retracted", "different-measure"]
"""The verdicts an editor gives a variant (`verdict:` in claims.yaml, with a note); the others are computed."""
Status = Literal["agreed", "disputed", "evolving", "single-source", "unsourced"]

AGREEING: frozenset[str] = frozenset({"matches", "consistent"})
DISPUTING: frozenset[str] = frozenset({"differs", "misattributed", "misquoted", "retracted"})
DISAGREEING: frozenset[str] = DISPUTING | {"outdated"}
SET_ASIDE: frozenset[str] = frozenset({"incomparable", "different-measure"})
"""Verdicts of figures that are neither agreement nor disagreement: left out of the status and the discrepancies."""

ORDER = (
    "matches",
    "consistent",
    "differs",
    "misattributed",
    "misquoted",
    "retracted",
    "outdated",
    "different-measure",
    "incomparable",
)
"""The one order of verdicts in every count: agreeing, then disagreeing, then those set aside."""

WORDS = {
    "matches": N_("matches"),
    "consistent": N_("consistent"),
    "differs": N_("differs"),
    "outdated": N_("outdated"),
    "incomparable": N_("incomparable"),
    "misattributed": N_("misattributed"),
    "misquoted": N_("misquoted"),
    "retracted": N_("retracted"),
    "different-measure": N_("different-measure"),
    "agreed": N_("agreed"),
    "disputed": N_("disputed"),
    "evolving": N_("evolving"),
    "single-source": N_("single-source"),
    "unsourced": N_("unsourced"),
}
"""Each verdict and status as a page shows it: in English its own name; in the site's language its catalog's word."""

SYMBOLS = {
    "matches": "●",
    "consistent": "◐",
    "differs": "✕",
    "outdated": "◷",
    "incomparable": "?",
    "misattributed": "!",
    "misquoted": "!",
    "retracted": "!",
    "different-measure": "≠",
}
"""Each verdict's symbol, beside its word on badges and in the chart, so that colour never carries it alone."""

MEANING = {
    "matches": N_("the same interval as the canonical figure"),
    "consistent": N_("overlaps the canonical figure"),
    "differs": N_("does not overlap the canonical figure"),
    "outdated": N_("does not overlap, and is older than the canonical figure"),
    "incomparable": N_("cannot be compared (another kind of unit, or a number against text)"),
    "misattributed": N_("an editor found the figure attributed to the wrong origin"),
    "misquoted": N_("an editor found the figure misquoted"),
    "retracted": N_("the source retracted the figure"),
    "different-measure": N_("an editor found that the source counts something else (another region, period or subset)"),
}
"""What each verdict means, in a badge's tooltip."""

COUNTED = {
    # how a count of figures with the verdict is said: (of one figure, of several)
    "agree": Nn_("%(num)s agrees", "%(num)s agree"),
    "matches": Nn_("%(num)s matches", "%(num)s match"),
    "consistent": Nn_("%(num)s is consistent", "%(num)s are consistent"),
    "differs": Nn_("%(num)s differs", "%(num)s differ"),
    "misattributed": Nn_("%(num)s is misattributed", "%(num)s are misattributed"),
    "misquoted": Nn_("%(num)s is misquoted", "%(num)s are misquoted"),
    "retracted": Nn_("%(num)s was retracted", "%(num)s were retracted"),
    "outdated": Nn_("%(num)s is an earlier figure", "%(num)s are earlier figures"),
    "different-measure": Nn_("%(num)s counts something else", "%(num)s count something else"),
    "incomparable": Nn_("%(num)s cannot be compared", "%(num)s cannot be compared"),
}
"""Counts on pages: "4 agree", "1 differs", "56 are earlier figures" ("agree" is `matches` and `consistent`), as
messages of the catalog with their plurals (`%(num)s` is the count)."""

CHANGED = {
    "matches": ("matches", "match"),
    "consistent": ("agrees", "agree"),
    "differs": ("differs", "differ"),
    "outdated": ("is outdated", "are outdated"),
    "incomparable": ("cannot be compared", "cannot be compared"),
    "misattributed": ("is marked misattributed", "are marked misattributed"),
    "misquoted": ("is marked misquoted", "are marked misquoted"),
    "retracted": ("is marked retracted", "are marked retracted"),
    "different-measure": ("is marked as counting something else", "are marked as counting something else"),
}
"""How `diff` says a figure now has the verdict: "the BBC figure no longer matches (it differs)"."""

STATUS_MEANING = {
    "agreed": N_("Every source's figure agrees with the canonical figure."),
    "disputed": N_("At least one source contradicts the canonical figure, or an editor flagged a variant."),
    "evolving": N_("The only disagreements are older figures that the canonical figure supersedes."),
    "single-source": N_("One source reported this figure, and it agrees."),
    "unsourced": N_("No source's figure can be compared with the canonical figure."),
}

STATUS_HEADLINE = {
    "agreed": N_("Agreed by every source"),
    "single-source": N_("Reported by one source"),
    "evolving": N_("Evolving: older figures differ"),
    "disputed": N_("Disputed"),
    "unsourced": N_("No comparable source"),
}
"""A claim's status as the first words of its summary in the feed and in ClaimReview."""

STATUS_RATING = {"agreed": 5, "single-source": 4, "evolving": 3, "disputed": 2, "unsourced": 1}
"""The status as a ClaimReview rating: how well the sources bear the canonical figure out."""


def claim_status(verdicts: list[str]) -> Status:
    """The status of a claim from the verdicts of its variants."""
    comparable = [v for v in verdicts if v not in SET_ASIDE]
    if not comparable:
        return "unsourced"
    if any(v in DISPUTING for v in comparable):
        return "disputed"
    if any(v == "outdated" for v in comparable):
        return "evolving"
    return "single-source" if len(comparable) == 1 else "agreed"

"""Why a claim's status changed, in the words a reviewer reads: the variants whose verdict moved, alike ones
said together ("the BBC and Reuters figures now agree")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from builder.verdicts import AGREEING, CHANGED

if TYPE_CHECKING:  # the diff holds the explanation: the type only, not the module, is needed here
    from builder.review.diff import VariantDiff


def explain(status: str, variants: Iterable[VariantDiff]) -> str:
    """Why a claim's status is now `status`, from the variants whose verdict moved, alike ones together."""
    groups: dict[tuple[str, ...], list[str]] = {}
    variants = list(variants)
    labels = [v.label for v in variants]
    for v in variants:
        state = v.new or v.old
        assert state is not None
        name = v.label if labels.count(v.label) == 1 else f"{v.label} ({state.figure.text})"
        if v.new is None:
            key: tuple[str, ...] = ("removed",)
        elif v.old is None:
            key = ("added", v.new.verdict)
        elif v.old.verdict != v.new.verdict:
            key = ("moved", v.old.verdict, v.new.verdict)
        else:
            continue
        groups.setdefault(key, []).append(name)
    reasons = [_reason(key, labels) for key, labels in groups.items()]
    return f"now {status}" + (f": {'; '.join(reasons)}" if reasons else "")


def _reason(key: tuple[str, ...], labels: list[str]) -> str:
    one = len(labels) == 1
    names = labels[0] if one else f"{', '.join(labels[:-1])} and {labels[-1]}"

    def verb(verdict: str) -> str:
        return CHANGED[verdict][0 if one else 1]

    figures = f"{names} figure" if one else f"{names} figures"
    if key[0] == "removed":
        return f"the {figures} {'was' if one else 'were'} removed"
    if key[0] == "added":
        return f"{'a new' if one else 'new'} {figures} {verb(key[1])}"
    old, new = key[1], key[2]
    if old in AGREEING and new not in AGREEING:
        return f"the {figures} no longer {verb(old)} ({'it' if one else 'they'} {verb(new)})"
    if new in AGREEING:
        return f"the {figures} now {verb(new)}"
    return f"the {figures} {'is' if one else 'are'} now {new} (was {old})"

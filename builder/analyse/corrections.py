"""The desk's corrections, read from its own history: each published change of what a claim stated.

A claim's first version in git is what the desk published; every later change of its canonical figure,
and every verdict an editor gave, changed or took back on a variant that stays, is a correction, as is
every claim removed. A new variant (a source that reported since) is news, not a correction, and a
claim's status is computed from its variants, so it changes with them and is not listed apart.

Why each was made is the editor's note for readers on the claim (`corrections:`, by the commit's day),
else the commit's subject line. A note of a day on which git has no change of the claim is listed too,
with its words alone (`noted`), since the editor published it, and the editors are warned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from builder.check.model import Claim, ClaimHistory, CorrectionNote, FigureChange, RemovedClaim, Site
from builder.problems import Location, Where
from builder.read.load import CLAIMS_FILE
from builder.words import plural

Kind = Literal["figure", "verdict", "removed", "noted"]


@dataclass(frozen=True)
class Correction:
    claim_id: str
    title: str
    kind: Kind
    """`figure` (the canonical figure), `verdict` (an editor's verdict on one source's figure), `removed`
    (the claim), `noted` (an editor's note whose change git does not show)."""
    time: str
    """When: the commit's time, ISO 8601 in UTC; a note's day at midnight for `noted`."""
    was: str | None
    """The figure as written, or the editor's verdict; None for no editor's verdict (the computed one)."""
    became: str | None
    """Likewise after; None for a removed claim."""
    source_id: str | None
    """The source whose figure's verdict changed (`verdict`)."""
    reason: str
    by_editor: bool
    """Whether `reason` is an editor's note (Markdown) rather than a commit's subject (plain text)."""
    commit: str | None

    @property
    def day(self) -> str:
        return self.time[:10]

    @property
    def anchor(self) -> str:
        """An id for it on /corrections/ and in the feed, the same on every build."""
        made_by = self.commit or self.day
        return "-".join(filter(None, [self.claim_id, made_by, self.kind, self.source_id]))


def of_claim(claim: Claim, history: ClaimHistory | None) -> tuple[Correction, ...]:
    """The corrections of one claim, the newest first."""
    changes = history.changes if history is not None else ()
    notes = {note.day.isoformat(): note.note for note in claim.corrections}
    found: list[Correction] = []
    for before, after in pairwise(changes):
        note = notes.get(after.date)
        said = (note, True) if note is not None else (after.subject, False)
        if before.value != after.value:
            found.append(
                Correction(
                    claim.id, claim.title, "figure", after.time, before.value, after.value, None, *said, after.commit
                )
            )
        old, new = _verdicts(before), _verdicts(after)
        for source in sorted(old.keys() & new.keys()):
            if old[source] != new[source]:
                found.append(
                    Correction(
                        claim.id,
                        claim.title,
                        "verdict",
                        after.time,
                        old[source],
                        new[source],
                        source,
                        *said,
                        after.commit,
                    )
                )
    shown = {c.day for c in found}
    found.extend(_noted(claim, note) for note in claim.corrections if note.day.isoformat() not in shown)
    return _newest_first(found)


def of_site(site: Site, per_claim: Iterable[tuple[Correction, ...]]) -> tuple[Correction, ...]:
    """Every correction of the desk, the newest first: its claims' and the claims it removed."""
    found = [c for corrections in per_claim for c in corrections]
    found.extend(_removed(r) for r in site.removed)
    return _newest_first(found)


def _verdicts(change: FigureChange) -> dict[str, str | None]:
    """Each variant's editor's verdict (None for none) by its source; a source with several variants keeps
    their verdicts together."""
    found: dict[str, list[str]] = {}
    for entry in change.verdicts:
        source, _, verdict = entry.partition(": ")
        found.setdefault(source, []).append(verdict)
    return {source: ", ".join(v for v in verdicts if v) or None for source, verdicts in found.items()}


def _noted(claim: Claim, note: CorrectionNote) -> Correction:
    day = note.day.isoformat()
    return Correction(claim.id, claim.title, "noted", f"{day}T00:00:00Z", None, None, None, note.note, True, None)


def _removed(removed: RemovedClaim) -> Correction:
    change = removed.removal
    return Correction(
        removed.id,
        removed.title,
        "removed",
        change.time,
        removed.last.value,
        None,
        None,
        change.subject,
        False,
        change.commit,
    )


def _newest_first(corrections: list[Correction]) -> tuple[Correction, ...]:
    """Newest first; the corrections of one commit by claim, kind and source (a sort in reverse keeps the
    order of equal times)."""
    ordered = sorted(corrections, key=lambda c: (c.claim_id, c.kind, c.source_id or ""))
    return tuple(sorted(ordered, key=lambda c: c.time, reverse=True))


def problems_of(
    site: Site, claims: Iterable[tuple[Claim, tuple[Correction, ...]]], published: int
) -> list[tuple[Where, str]]:
    """What the editors should hear of the corrections (each claim with its corrections, and how many the site
    publishes): warnings, each at its place."""
    policies = site.settings.policies
    if not site.history_read:
        if policies.corrections is not None or any(claim.corrections for claim in site.claims):
            return [(Location(CLAIMS_FILE), NO_HISTORY)]
        return []
    found: list[tuple[Where, str]] = []
    for claim, corrections in claims:
        shown = {c.day for c in corrections if c.kind != "noted"}
        for note in claim.corrections:
            if note.day.isoformat() not in shown:
                found.append((note.location, UNMATCHED.format(day=note.day.isoformat())))
    if published and policies.corrections is None:
        found.append((Location(CLAIMS_FILE), NO_POLICY.format(count=plural(published, "correction"))))
    return found


NO_HISTORY = (
    "corrections need the desk's git history, and this build has none (the folder is not in a git repository, "
    "or its clone is shallow): /corrections/ and corrections.xml are left out, and claim pages show the "
    "editors' correction notes alone"
)
UNMATCHED = (
    "git shows no change of this claim's canonical figure or verdicts on {day}: the note is published alone; "
    "date it by the day (UTC) of the commit that made the correction"
)
NO_POLICY = (
    "the site publishes {count} but names no corrections policy: add a page to content/ and "
    "name it in site.policies.corrections"
)

"""The page of the claim an editor just changed, first, while the rest of the site follows.

On a desk of thousands of claims a full rebuild after a save takes seconds: the
whole file is read and checked again, the lists of every claim rendered again.
The editor, though, is looking at one claim. When a save changed one item of
`claims:` and nothing else (the same id, topic, originators and related
claims, so that no other claim's verdicts, no URL and no list changes shape),
that claim alone is read, checked against the last good site, analysed and its
page written: its bytes are those the full build will give it. The full build
then runs as usual and brings every other page up to date. Whenever any of
this does not hold, nothing is done here and the full build does it all.

What the quick path found (the claim as checked and analysed, and the file's new pieces) is
also what the full rebuild needs of the edit: with nothing else changed, that
rebuild starts from the last analysis with this claim in it, rather than from
reading and checking every claim again (`Session.build`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from builder.analyse.analysis import Analysis, ClaimAnalysis, reanalysed
from builder.check.model import Claim
from builder.check.validate import revalidate_claim
from builder.files import atomic_write
from builder.problems import Location, Problems
from builder.read import yamlpieces, yamlsource
from builder.read.ends import common_prefix, common_suffix
from builder.read.load import CLAIMS_FILE, read_text
from builder.render.pages import claim_page


@dataclass(frozen=True)
class Edit:
    """A save of `claims.yaml` that changed one claim and left it standing where it was."""

    page: str
    """The output path of the claim's page, written."""
    written: bytes
    """What was written there: the bytes the rebuild then takes for that page rather than render it again."""
    index: int
    """The claim's place in the site's claims (those of `claims.yaml` come first, in file order)."""
    analysed: ClaimAnalysis
    """The claim as checked, as `validate` would give it, and analysed, as `analyse` would."""
    text: str
    """The new text of `claims.yaml`."""
    before: yamlpieces.Cut
    piece: yamlpieces.Piece
    """The piece of `before` that the save changed, and what it reads now: `piece_text`."""
    piece_text: str

    @cached_property
    def read(self) -> tuple[str, yamlpieces.Cut]:
        """The new text of `claims.yaml`, and its pieces: made when the rebuild asks, not before the page
        is shown (every piece of a large desk is moved: not worth doing before the page is out)."""
        return self.text, yamlpieces.with_piece(self.before, self.piece, self.piece_text)


def edited_claim_page(
    root: Path, out: Path, analysis: Analysis, before: tuple[str, yamlpieces.Cut], cards: bool = False
) -> Edit | None:
    """Write the page of the one claim a save of `claims.yaml` changed; the edit, or None. Its images (with
    `cards`) are left to the rebuild that follows: the page comes first.

    `analysis` is the last good build's, and `before` the text and pieces of `claims.yaml` it read.
    """
    old, cut = before
    new = read_text(root, CLAIMS_FILE, Problems(), Location(CLAIMS_FILE))
    if new is None or new == old:
        return None
    found = _changed_item(old, new, cut)
    if found is None:
        return None
    index, piece, text = found
    data = yamlsource.read_piece(CLAIMS_FILE, text)
    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        return None
    claims = analysis.site.claims
    if index >= len(claims) or analysis.site.claim_files[:1] != (CLAIMS_FILE,):
        return None
    # claims.yaml's claims come first in the site, in file order (a valid site has them all).
    previous = claims[index]
    section = next((s for s in cut.sections if s.key == "claims"), None)
    if section is None:
        return None
    moved = replace(piece, text=text)
    doc = yamlsource.piece_document(CLAIMS_FILE, moved, index, data[0], section)
    problems = Problems()
    claim = revalidate_claim(doc, index, data[0], analysis.site, problems)
    if claim is None or not _same_shape(previous, claim):
        return None
    analysed = reanalysed(analysis, claim)
    updated = replace(analysis, by_id={**analysis.by_id, claim.id: analysed})
    path, page = claim_page(updated, analysed, cards)
    target = out / path
    try:
        if not (target.is_file() and target.read_bytes() == page):
            atomic_write(target, page)
    except OSError:
        return None
    return Edit(path, page, index, analysed, new, cut, piece, text)


def _changed_item(old: str, new: str, cut: yamlpieces.Cut) -> tuple[int, yamlpieces.Piece, str] | None:
    """The item of `claims:` holding every changed character, its index and its new text; None otherwise."""
    prefix = common_prefix(old, new)
    suffix = common_suffix(old, new, min(len(old), len(new)) - prefix)
    changed_end = len(old) - suffix
    # The pieces are in file order: the one holding the first change is found by bisection, and its
    # index among the claims by counting back over the claims before it, rather than by two lists of
    # every piece made on each save, which a large desk would pay on every keystroke's save.
    at = bisect.bisect_right(cut.pieces, prefix, key=_start) - 1
    if at < 0 or not _claim_item(cut.pieces[at]):
        return None
    first = at
    while first > 0 and _claim_item(cut.pieces[first - 1]):
        first -= 1
    index, piece = at - first, cut.pieces[at]
    end = piece.start + len(piece.text)
    if prefix == piece.start or changed_end > end:
        return None  # the change touches the start of the item or runs past its end
    text = new[piece.start : end + len(new) - len(old)]
    if not yamlpieces.lone_item(text, piece.indent):
        return None
    return index, piece, text


def _start(piece: yamlpieces.Piece) -> int:
    return piece.start


def _claim_item(piece: yamlpieces.Piece) -> bool:
    return piece.kind == "item" and piece.key == "claims"


def _same_shape(before: Claim, after: Claim) -> bool:
    """Whether an edited claim still stands in the site as before: the same id, topic, related claims,
    sources and originators, so that no other page than its own shows it differently until the full build."""
    return (
        before.id == after.id
        and before.topic == after.topic
        and before.related == after.related
        and _origins(before) == _origins(after)
        and before.canonical.source_id == after.canonical.source_id
    )


def _origins(claim: Claim) -> list[tuple[str, str | None]]:
    return [(variant.source_id, variant.figure.according_to) for variant in claim.variants]

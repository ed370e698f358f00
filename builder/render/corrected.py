"""A correction as readers are told it: one sentence of what was and what became, in the site's language,
the same on the claim page, on /corrections/, in corrections.xml and in the claim's ClaimReview."""

from __future__ import annotations

from builder.analyse.analysis import Analysis
from builder.analyse.corrections import Correction
from builder.render.localised import Localised
from builder.verdicts import WORDS
from builder.words import N_

FIGURE = N_("The canonical figure was %(was)s; it is now %(became)s.")
VERDICT_CHANGED = N_("The editors' verdict on the figure from “%(source)s” was “%(was)s”; it is now “%(became)s”.")
VERDICT_GIVEN = N_("The editors gave the figure from “%(source)s” the verdict “%(became)s”.")
VERDICT_WITHDRAWN = N_(
    "The editors withdrew their verdict “%(was)s” on the figure from “%(source)s”; its verdict is computed again."
)
REMOVED = N_("The claim was removed; its canonical figure was %(was)s.")


def described(correction: Correction, analysis: Analysis, speech: Localised) -> str:
    """What changed, as plain text (empty for an editor's note alone, which says it itself)."""
    if correction.kind == "figure":
        return speech.gettext(FIGURE, was=correction.was, became=correction.became)
    if correction.kind == "removed":
        return speech.gettext(REMOVED, was=correction.was)
    if correction.kind == "noted":
        return ""
    source = analysis.site.sources.get(correction.source_id or "")
    name = source.title if source is not None else correction.source_id
    was, became = _verdict(correction.was, speech), _verdict(correction.became, speech)
    if correction.was is None:
        return speech.gettext(VERDICT_GIVEN, source=name, became=became)
    if correction.became is None:
        return speech.gettext(VERDICT_WITHDRAWN, source=name, was=was)
    return speech.gettext(VERDICT_CHANGED, source=name, was=was, became=became)


def text(correction: Correction, analysis: Analysis, speech: Localised) -> str:
    """What changed and why, as plain text: a feed's summary, a CorrectionComment's text."""
    return " ".join(filter(None, [described(correction, analysis, speech), correction.reason]))


def _verdict(verdicts: str | None, speech: Localised) -> str:
    if verdicts is None:
        return ""
    return speech.joined([speech.gettext(WORDS[v]) if v in WORDS else v for v in verdicts.split(", ")])

"""Quoted passages in an archived text: highlighted, and each anchored for the claims that quote it."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from builder.markdown import demote_headings, parser, text_segments
from builder.quotes import ArchivedText, Passage


def passage_id(passage: Passage) -> str:
    """A stable anchor: it names the passage by its place, so that other quotes cannot move it."""
    return f"passage-{passage.start}-{passage.end}"


def _merged(passages: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(passages):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def archived_html(text: ArchivedText, passages: Iterable[Passage]) -> Markup:
    """The text as HTML with every quoted passage marked, and an anchor where each begins."""
    distinct = sorted(set(passages), key=lambda p: (p.start, p.end))
    raw = [(text.origin(p.start), text.origin(p.end - 1) + 1) for p in distinct]
    highlights = _merged(raw)
    anchors = sorted({(start, passage_id(p)) for (start, _), p in zip(raw, distinct, strict=True)})
    tokens = parser().parse(text.markdown)
    demote_headings(tokens, below=2)
    offset = 0
    for token, segment in text_segments(tokens):
        if token is not None and token.type == "text":
            end = offset + len(segment)
            token.meta = {
                **(token.meta or {}),
                "marks": [
                    (max(s, offset) - offset, min(e, end) - offset) for s, e in highlights if s < end and e > offset
                ],
                "anchors": [(at - offset, name) for at, name in anchors if offset <= at < end],
            }
        offset += len(segment)
    return Markup(parser().renderer.render(tokens, parser().options, {}))

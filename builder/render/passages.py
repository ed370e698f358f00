"""Quoted passages in an archived text: highlighted, and each anchored for the claims that quote it."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator

from markdown_it.common.utils import escapeHtml
from markupsafe import Markup
from mdit_py_plugins.anchors.index import slugify, unique_slug

from builder.check.markdown import demote_headings, marked_text, parser, text_segments
from builder.check.quotes import ArchivedText, Passage

_LONG_SPACE = re.compile(r"\s\s+")


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


def _origin(visible: str) -> Callable[[int], int]:
    """`ArchivedText.origin` from the visible text: an offset of the folded text to one of `visible`.

    Folding turns each run of white space into one space and drops it at the start, so the two
    differ by a shift that grows only at the start and where a run is longer than one character.
    """
    leading = len(visible) - len(visible.lstrip())
    at: list[int] = []  # where each longer run stands in the folded text
    shifts: list[int] = []  # the shift after it
    shift = leading
    for run in _LONG_SPACE.finditer(visible, leading):
        at.append(run.start() - shift)
        shift += run.end() - run.start() - 1
        shifts.append(shift)

    def origin(offset: int) -> int:
        before = bisect_left(at, offset)
        return offset + (shifts[before - 1] if before else leading)

    return origin


Marks = list[tuple[int, int]]
Anchors = list[tuple[int, str]]


def _placed(segments: list[tuple[bool, str]], passages: Iterable[Passage]) -> Iterator[tuple[int, Marks, Anchors]]:
    """For each text segment of the visible text (`True, text`; breaks are `False, text`): its
    position in `segments`, and the highlights and passage anchors within it."""
    origin = _origin("".join(segment for _, segment in segments))
    distinct = sorted(set(passages), key=lambda p: (p.start, p.end))
    raw = [(origin(p.start), origin(p.end - 1) + 1) for p in distinct]
    highlights = _merged(raw)
    anchors = sorted({(start, passage_id(p)) for (start, _), p in zip(raw, distinct, strict=True)})
    offset = 0
    first_mark = first_anchor = 0  # the first highlight and anchor not wholly before this segment
    for index, (is_text, segment) in enumerate(segments):
        end = offset + len(segment)
        if is_text:
            while first_mark < len(highlights) and highlights[first_mark][1] <= offset:
                first_mark += 1
            while first_anchor < len(anchors) and anchors[first_anchor][0] < offset:
                first_anchor += 1
            marks = []
            for s, e in itertools.islice(highlights, first_mark, None):
                if s >= end:
                    break
                marks.append((max(s, offset) - offset, min(e, end) - offset))
            here = []
            for at, name in itertools.islice(anchors, first_anchor, None):
                if at >= end:
                    break
                here.append((at - offset, name))
            yield index, marks, here
        offset = end


def archived_html(text: ArchivedText, passages: Iterable[Passage]) -> Markup:
    """The text as HTML with every quoted passage marked, and an anchor where each begins."""
    blocks = _plain_blocks(text.markdown)
    if blocks is not None:
        return _plain_html(blocks, passages)
    md = parser()
    tokens = md.parse(text.markdown)
    # The visible text of these tokens is `text.visible`: the passages are placed in it from
    # this one parse.
    found = list(text_segments(tokens))
    segments = [(token is not None and token.type == "text", segment) for token, segment in found]
    for index, marks, anchors in _placed(segments, passages):
        token = found[index][0]
        assert token is not None
        token.meta = {**(token.meta or {}), "marks": marks, "anchors": anchors}
    demote_headings(tokens, below=2)
    return Markup(md.renderer.render(tokens, md.options, {}))


# Most archived texts are headings and paragraphs of plain words (see `quotes`). Parsing and
# rendering their Markdown was most of the time a large desk's source pages took; for such a
# text, with no character that marks anything inline, no white space but spaces and line ends,
# and no line that may start another kind of block, the HTML is made here, as markdown-it
# (with `parser()`'s rules) makes it. Anything else is parsed.
_INLINE_MARK = re.compile(r"[\\`*_\[\]<>&!~|\x00\r]")
_OTHER_SPACE = re.compile(r"[^\S \n]")
_ATX = re.compile(r"(#{1,6}) +([^# ][^#]*)\Z")
_OTHER_BLOCK = re.compile(r"[ >+\-=*#|]|[0-9]{1,9}[.)]")
_ANCHORED = (2, 3)
"""The levels of the headings that `parser()` gives an id (its anchors plugin), before demotion."""

Block = tuple[int, list[str]]
"""A heading (its level, [its text]) or a paragraph (0, its lines)."""


def _plain_blocks(markdown: str) -> list[Block] | None:
    """The headings and paragraphs of a text of plain paragraphs, or None when it must be parsed."""
    if _INLINE_MARK.search(markdown) or _OTHER_SPACE.search(markdown):
        return None
    blocks: list[Block] = []
    lines: list[str] = []
    for line in markdown.split("\n"):
        heading = _ATX.match(line)
        if not line or heading:
            if lines:
                blocks.append((0, lines))
                lines = []
            if heading:
                blocks.append((len(heading[1]), [heading[2].rstrip(" ")]))
        elif _OTHER_BLOCK.match(line):
            return None
        else:
            lines.append(line)
    if lines:
        blocks.append((0, lines))
    return blocks


def _plain_html(blocks: list[Block], passages: Iterable[Passage]) -> Markup:
    """The HTML markdown-it gives these blocks: each line of a block is a text, ended by a line
    break ("<br>" after two spaces or more) but the last, and each block ends a line of the
    visible text."""
    segments: list[tuple[bool, str]] = []  # the visible text, as `text_segments` has it
    out: list[str] = []
    html_of: dict[int, int] = {}  # the place in `out` of each text of `segments`
    levels = [level for level, _ in blocks if level]
    shift = max(0, 3 - min(levels)) if levels else 0  # as `demote_headings(below=2)`
    slugs: set[str] = set()
    for level, lines in blocks:
        attrs = ""
        if level:
            tag = f"h{min(6, level + shift)}"
            if level in _ANCHORED:
                attrs = f' id="{escapeHtml(unique_slug(slugify(lines[0]), slugs))}"'
        else:
            tag = "p"
        out.append(f"<{tag}{attrs}>")
        last = len(lines) - 1
        for number, line in enumerate(lines):
            line_break = None
            if number == last:
                line = line.rstrip(" ")
            elif line.endswith("  "):
                line, line_break = line.rstrip(" "), "<br>\n"
            else:
                line, line_break = line.removesuffix(" "), "\n"
            html_of[len(segments)] = len(out)
            segments += [(True, line), (False, "\n")]
            out.append(escapeHtml(line))
            if line_break is not None:
                out.append(line_break)
        out.append(f"</{tag}>\n")
    for index, marks, anchors in _placed(segments, passages):
        if marks or anchors:
            out[html_of[index]] = marked_text(segments[index][1], marks, anchors)
    return Markup("".join(out))

"""Markdown for notes, narrative pages and archived texts, with `[[claim-id]]` references."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

_REF = re.compile(r"\[\[([^\]|\n]*)(?:\|([^\]\n]*))?\]\]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class ClaimRef:
    """A `[[claim-id]]` or `[[claim-id|text]]` written in a page."""

    claim_id: str
    label: str | None
    line: int
    """0-based line within the Markdown text."""
    col: int
    """0-based column within that line."""


def _claim_ref_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = _REF.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("claim_ref", "", 0)
        token.meta = {"id": match[1].strip(), "label": match[2].strip() if match[2] else None}
        token.content = match[0]
    state.pos = match.end()
    return True


def _render_claim_ref(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    meta = tokens[idx].meta
    link: Callable[[str, str | None], str] | None = env.get("claim_ref")
    return link(meta["id"], meta["label"]) if link else escapeHtml(tokens[idx].content)


def _render_text(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    """Text, with the quoted passages of an archived source marked and anchored."""
    token = tokens[idx]
    meta = token.meta or {}
    return marked_text(token.content, meta.get("marks", []), meta.get("anchors", []))


def marked_text(content: str, marks: list[tuple[int, int]], anchors: list[tuple[int, str]]) -> str:
    """Text as HTML with the spans `marks` in <mark> and an empty anchor at each of `anchors`."""
    if not marks and not anchors:
        return escapeHtml(content)
    cuts = sorted({0, len(content), *(p for m in marks for p in m), *(a for a, _ in anchors)})
    out = []
    for start, end in itertools.pairwise(cuts):
        out.extend(f'<span id="{name}" class="passage-anchor"></span>' for at, name in anchors if at == start)
        piece = escapeHtml(content[start:end])
        marked = any(s <= start and end <= e for s, e in marks)
        out.append(f"<mark>{piece}</mark>" if marked else piece)
    return "".join(out)


def safe_link(url: str) -> bool:
    """Whether a Markdown link or image may point at `url`: web and mail addresses and links within the site.

    markdown-it's own check lets `data:image/...` through; here every scheme but
    these few is refused (`javascript:`, `vbscript:`, `data:`, `file:` ...), and the
    link is shown as the text it was written as. Browsers ignore leading control
    characters and spaces and any tab or line break in a URL, so this does too.
    """
    cleaned = re.sub(r"[\t\n\r]", "", url).lstrip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(cleaned)
    return match is None or match[1].lower() in SAFE_SCHEMES


@cache
def parser(raw_html: bool = False) -> MarkdownIt:
    """The shared parser. Raw HTML is off unless a trusted desk turns it on."""
    md = MarkdownIt("commonmark" if raw_html else "js-default", {"html": raw_html, "typographer": False})
    md.enable("table")
    md.validateLink = safe_link  # type: ignore[method-assign]
    # Headings get ids, so that readers can link to a section of a page.
    md.use(anchors_plugin, min_level=2, max_level=3)
    md.inline.ruler.before("link", "claim_ref", _claim_ref_rule)
    md.add_render_rule("claim_ref", _render_claim_ref)
    md.add_render_rule("text", _render_text)
    return md


def demote_headings(tokens: list[Token], below: int) -> None:
    """Shift headings so that the highest is at level `below` + 1, under the page's own headings;
    an editor may start sections at `#` or at `##`."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = below + 1 - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and shift > 0:
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"


def render(markdown: str, env: dict[str, Any], below: int = 1, raw_html: bool = False) -> str:
    """Markdown as HTML, its headings under the page's own (an editor's `#` becomes an h2)."""
    md = parser(raw_html)
    tokens = md.parse(markdown, env)
    demote_headings(tokens, below)
    return md.renderer.render(tokens, md.options, env)


def claim_refs(markdown: str) -> list[ClaimRef]:
    """Every claim reference outside code, with its position, in reading order."""
    lines = markdown.split("\n")
    found: list[ClaimRef] = []
    for block in parser().parse(markdown):
        if block.type != "inline" or not block.children or block.map is None:
            continue
        first, last = block.map
        search_from = (first, 0)
        for child in block.children:
            if child.type != "claim_ref":
                continue
            line, col = _find(lines, child.content, search_from, last)
            search_from = (line, col + len(child.content))
            found.append(ClaimRef(child.meta["id"], child.meta["label"], line, col))
    return found


def _find(lines: list[str], needle: str, start: tuple[int, int], last: int) -> tuple[int, int]:
    line, col = start
    while line < max(last, line + 1) and line < len(lines):
        index = lines[line].find(needle, col)
        if index >= 0:
            return line, index
        line, col = line + 1, 0
    return start


def text_segments(tokens: list[Token]) -> Iterator[tuple[Token | None, str]]:
    """The visible text of a document, token by token; None stands for a break."""
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type in ("text", "code_inline"):
                    yield child, child.content
                elif child.type in ("softbreak", "hardbreak"):
                    yield None, "\n"
        elif token.type.endswith("_close") and token.block:
            yield None, "\n"

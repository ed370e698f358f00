"""The chart of intervals as one self-contained SVG: for download (print, slides) and for the share card.

The page's chart (`chart.py`) is HTML rows around SVG tracks, styled by the site's stylesheet and set in the
reader's type. A file taken away has neither: here every label is SVG text, the styles are in the file
(the light colours of `static/style.css`, read from it, so that a colour is set in one place), and the
size is fixed (`WIDTH` units wide, each a CSS pixel; the PNG is drawn at twice that).

The scale, the marks, the band, the rows and every word are `chart.py`'s: each track is a nested SVG of the
track's width, so the percentages of `chart.mark` place the marks as on the page. SVG text does not wrap:
labels are broken into lines by an estimate of their width (`text_width`), on the generous side.

Right-to-left text is wrapped in Unicode's right-to-left embedding (RLE … PDF) and anchored at the right:
resvg, which rasterises the SVG, lays out a line by its first strong character and ignores `direction`,
while browsers follow the embedding as well; the scale itself runs from left to right, as on the page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources

from builder import languages
from builder.analyse.analysis import ClaimAnalysis
from builder.render import chart, party
from builder.render.localised import Localised

WIDTH = 800
"""The chart's width, in CSS pixels."""
PAD = 24
LABEL = 15
"""The labels' size; the line under a label is `LINE` tall."""
LINE = 20
GAP = 8
"""Between a track and the next row's label."""
FONT_FAMILY = "DejaVu Sans, sans-serif"
"""The shipped font (`languages.fonts`); a browser without it takes its own."""
CJK_FAMILY = {"ko": "Noto Sans CJK KR, NanumGothic", "ja": "Noto Sans CJK JP", "zh": "Noto Sans CJK SC"}
"""The system's font of a CJK language, named first: a Hangul letter missing from DejaVu Sans would be taken
from any font that has it, in no particular weight, and a bold title would be set in the regular one."""
RLE, PDF = "\u202b", "\u202c"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters no XML document may hold (a desk's title may; resvg would refuse the whole SVG)."""


def text_of(text: str, rtl: bool = False) -> str:
    """`text` as the content of an SVG text element: escaped, without what XML forbids, and for a
    right-to-left language in a right-to-left embedding."""
    shown = NOT_XML.sub("", text)
    return escape(f"{RLE}{shown}{PDF}" if rtl else shown, quote=False)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """About how wide `text` is set at `size`: wide (CJK) characters a full em, others DejaVu Sans's average,
    rounded up so that a line broken by it fits."""
    em = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            em += 1.0
        elif unicodedata.combining(char) or unicodedata.category(char) == "Cf":
            continue
        else:
            em += 0.66 if bold else 0.58
    return em * size


def lines(text: str, size: float, width: float, most: int = 3, bold: bool = False) -> list[str]:
    """`text` broken at spaces into lines that fit `width`, at most `most` of them (the last cut short with
    an ellipsis), one empty line for no text; a word longer than a line is broken where it must."""
    words = text.split()
    made: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if line:
            made.append(line)
        line = word
        while text_width(line, size, bold) > width:
            cut = max(1, int(len(line) * width / text_width(line, size, bold)) - 1)
            made.append(line[:cut])
            line = line[cut:]
    if line:
        made.append(line)
    if len(made) > most:
        made = made[:most]
        last = made[-1]
        while last and text_width(last + "…", size, bold) > width:
            last = last[:-1]
        made[-1] = last.rstrip() + "…"
    return made or [""]


@dataclass(frozen=True)
class Text:
    """How text is set in one direction: where a line starts, and its anchor."""

    rtl: bool
    width: float

    def line(self, text: str, y: float, css: str, x: float = 0.0) -> str:
        at = self.width - x if self.rtl else x
        anchor = ' text-anchor="end"' if self.rtl else ""
        return f'<text class="{css}" x="{at:.1f}" y="{y:.1f}"{anchor}>{text_of(text, self.rtl)}</text>'


@dataclass(frozen=True)
class Drawn:
    """The chart as SVG elements from (0, 0) (its labels start at x 0), `height` tall."""

    body: str
    height: float


def drawn(
    analysed: ClaimAnalysis, speech: Localised, most_rows: int | None = None, width: float = WIDTH - 2 * PAD
) -> Drawn | None:
    """The chart of a numeric claim, its title first, `width` wide, or None (a text claim); with `most_rows`,
    the rows after the canonical one cut to that many and the rest counted in a line."""
    canonical = analysed.interval
    rest = chart.rows(analysed, speech)
    scale = chart.scale_of(analysed, rest)
    if scale is None or canonical is None:
        return None
    text = Text(speech.direction == "rtl", width)
    band, band_name = chart.band(canonical, scale, speech)
    parts = []
    y = 0.0
    for title_line in lines(chart.title(analysed, speech), LABEL, width, most=2, bold=True):
        y += LINE
        parts.append(text.line(title_line, y - 5, "title"))
    y += 6
    shown = rest if most_rows is None else rest[:most_rows]
    canonical_label = chart.canonical_label(analysed, band_name, speech)
    if analysed.canonical_party:  # marked in words, as on the page
        canonical_label += f" {party.label(speech)}"
    labelled = [(canonical_label, band + chart.mark(canonical, scale, "canonical"))]
    labelled += [
        (chart.row_label(row, scale, speech, _marked(row, speech)), band + chart.marks(row, scale)) for row in shown
    ]
    for at, (label, marks) in enumerate(labelled):
        css = "label canonical-label" if at == 0 else "label"
        for label_line in lines(label, LABEL, width, most=2):
            y += LINE
            parts.append(text.line(label_line, y - 5, css))
        parts.append(
            f'<svg x="0" y="{y + 2:.1f}" width="{width}" height="{chart.TRACK}" overflow="visible">{marks}</svg>'
        )
        y += 2 + chart.TRACK + GAP
    if len(shown) < len(rest):
        more = len(rest) - len(shown)
        y += LINE
        words = speech.ngettext("%(num)s more row on the claim's page", "%(num)s more rows on the claim's page", more)
        parts.append(text.line(words, y - 5, "muted"))
    axis = [f'<line class="axis" x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}"/>']
    for tick in chart.ticks(scale):
        x = scale.at(tick) * width / 100
        anchor = "start" if x < 0.08 * width else "end" if x > 0.92 * width else "middle"
        axis.append(f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{y:.1f}" y2="{y + 5:.1f}"/>')
        axis.append(
            f'<text class="muted" x="{x:.1f}" y="{y + 20:.1f}" text-anchor="{anchor}">{speech.number(tick)}</text>'
        )
    y += 24
    unit = chart.unit_words(analysed, speech)
    if unit:
        y += LINE
        axis.append(Text(not text.rtl, width).line(unit, y - 5, "muted"))  # at the end of the scale, as on the page
    return Drawn(f'<g class="chart">{"".join(parts)}{"".join(axis)}</g>', y)


def standalone(analysed: ClaimAnalysis, speech: Localised, credit: str) -> str | None:
    """The chart as a file of its own: the claim's title, the chart, and `credit` (the site, its address)
    under it; None for a claim with no chart."""
    chart_drawn = drawn(analysed, speech)
    if chart_drawn is None:
        return None
    width = WIDTH - 2 * PAD
    text = Text(speech.direction == "rtl", width)
    head = []
    y = PAD
    for title_line in lines(analysed.claim.title, 22, width, most=3, bold=True):
        y += 28
        head.append(text.line(title_line, y - 6, "headline"))
    y += 8
    top = y
    y += chart_drawn.height + 12
    foot = []
    for credit_line in lines(credit, 12, width, most=2):
        y += 16
        foot.append(text.line(credit_line, y - 3, "credit"))
    height = round(y + PAD)
    return document(
        WIDTH,
        height,
        f'<g transform="translate({PAD} 0)">{"".join(head)}</g>'
        f'<g transform="translate({PAD} {top:.1f})">{chart_drawn.body}</g>'
        f'<g transform="translate({PAD} 0)">{"".join(foot)}</g>',
        speech,
    )


def document(width: int, height: int, body: str, speech: Localised) -> str:
    """A whole SVG file: its size, its styles, a light background, `body`."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{family(speech.tag)}" font-size="{LABEL}" '
        f'xml:lang="{escape(speech.tag)}">'
        f"<style>{stylesheet()}</style>"
        f'<rect width="{width}" height="{height}" fill="{colour("paper")}"/>{body}</svg>\n'
    )


def family(tag: str) -> str:
    """The fonts an image in the language `tag` names, first the one that draws its script."""
    cjk = CJK_FAMILY.get(languages.primary(tag))
    return f"{cjk}, {FONT_FAMILY}" if cjk else FONT_FAMILY


@cache
def _style_css() -> str:
    return resources.files("builder.render").joinpath("static", "style.css").read_text(encoding="utf-8")


@cache
def colours() -> dict[str, str]:
    """The light theme's colours of the site's stylesheet, by name (`--ink: #1a1a1a` is `ink`)."""
    root = re.search(r":root\s*\{(.*?)\}", _style_css(), re.S)
    assert root is not None, "style.css sets its colours in :root"
    return dict(re.findall(r"--([\w-]+):\s*([^;]+);", root.group(1)))


def colour(name: str) -> str:
    return colours()[name]


@cache
def stylesheet() -> str:
    """The rules of the page's chart (`.chart ...` in style.css) with their colours filled in (resvg reads
    no CSS variables), and the type of the labels."""
    rules = []
    for selectors, declarations in re.findall(r"^([^@{}\n]+)\{([^{}]*)\}", _style_css(), re.M):
        kept = [s.strip() for s in selectors.split(",") if s.strip().startswith(".chart .")]
        if kept:
            filled = re.sub(r"var\(--([\w-]+)\)", lambda m: colour(m.group(1)), declarations.strip())
            rules.append(f"{', '.join(kept)} {{ {filled} }}")
    ink, muted = colour("ink"), colour("muted")
    rules += [
        f"text {{ fill: {ink}; }}",
        f".headline {{ font-size: 22px; font-weight: bold; fill: {ink}; }}",
        ".title, .canonical-label { font-weight: bold; }",
        f".muted, .credit {{ fill: {muted}; }}",
        ".muted { font-size: 13px; } .credit { font-size: 12px; }",
        f".axis, .tick {{ stroke: {muted}; stroke-width: 1; }}",
    ]
    return " ".join(rules)


def _marked(row: chart.Row, speech: Localised) -> str | None:
    """A party's row's words with the mark in words (`party.label`), as text holds it; None for another's."""
    return f"{row.label} {party.label(speech)}" if row.party else None

"""Each claim's images: its share card (`card.png`, 1200×630, named by the page's `og:image`) and its chart
for download (`chart.svg`, and `chart.png` drawn from it), made at build time.

A card is an SVG (`card_svg`): the site's name and the claim's status at the top, its title, its canonical
figure as written, and its chart (`chartsvg.drawn`, cut to the rows that fit). resvg rasterises it (through
`resvg_py`, a wheel with no browser and no system library) with the fonts of the site's language
(`languages.fonts`: the shipped DejaVu Sans, and the system's CJK font for Korean, Japanese, Chinese).

Rasterising is most of the cost, so each PNG is kept in `.factsheet-cache/images/` by a digest of what
makes it (`Drawing.key`: the SVG text, each font file's bytes, resvg's version, the size): a warm build or
the preview reads it rather than drawing it again, and a claim, a template of the card (this module's
code makes the SVG, so a change of it changes the SVG) or a font that changes gets a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import resvg_py

from builder import languages
from builder.analyse.analysis import ClaimAnalysis
from builder.check.model import Settings
from builder.files import atomic_write
from builder.render import chartsvg, urls
from builder.render.chartsvg import Text, colour, lines
from builder.render.formatting import figure_with_unit
from builder.render.localised import Localised
from builder.verdicts import WORDS

WIDTH, HEIGHT = 1200, 630
"""The size Facebook, LinkedIn and X show a large preview at (1.91:1)."""
PAD = 56
CHART_ZOOM = 2
"""The downloadable chart's PNG is drawn at twice its SVG's size: sharp in print and on slides."""
FORMAT = b"factsheet images 1"
"""Part of each image's cache key: changed when the way an image is stored changes."""
CACHE = "images"
STATUS_COLOUR = {
    "agreed": "agree",
    "single-source": "agree",
    "disputed": "differ",
    "evolving": "old",
    "unsourced": "neutral",
}
"""Each status's colour on a card, as `.status-<status>` has it in style.css."""


@dataclass(frozen=True)
class Drawing:
    """How a build draws its images: with these fonts, keeping each PNG in `cache` (None: keeps none)."""

    fonts: tuple[Path, ...]
    fonts_digest: bytes
    cache: Path | None

    @classmethod
    def of(cls, language: str, cache: Path | None) -> Drawing:
        """The drawing of a site in `language`; its fonts read once, before the render's workers start."""
        fonts = languages.fonts(language) or languages.fonts(languages.ENGLISH) or ()
        digest = hashlib.sha256()
        for font in fonts:
            stat = font.stat()
            digest.update(font.name.encode() + b"\0" + _font_digest(font, stat.st_mtime_ns, stat.st_size))
        return cls(fonts, digest.digest(), cache)

    def key(self, svg: str, zoom: float) -> str:
        digest = hashlib.sha256(FORMAT)
        digest.update(resvg_py.__version__.encode() + b"\0" + self.fonts_digest + repr(zoom).encode())
        digest.update(svg.encode("utf-8"))
        return digest.hexdigest()

    def png(self, svg: str, zoom: float = 1.0) -> bytes:
        """`svg` as a PNG, from the cache when the same SVG was drawn with the same fonts before."""
        key = self.key(svg, zoom)
        kept = self.cache / key[:2] / f"{key}.png" if self.cache is not None else None
        if kept is not None:
            with contextlib.suppress(OSError):
                return kept.read_bytes()
        data = rasterise(svg, self.fonts, zoom)
        if kept is not None:
            with contextlib.suppress(OSError):  # a cache that cannot be written is not kept
                kept.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(kept, data)
        return data


@lru_cache(maxsize=16)
def _font_digest(font: Path, mtime_ns: int, size: int) -> bytes:
    """A font file's digest, read once a process while the file stays as it is (a CJK font is 20 MB: the
    preview would read it again on every save)."""
    return hashlib.sha256(font.read_bytes()).digest()


def rasterise(svg: str, fonts: tuple[Path, ...], zoom: float = 1.0) -> bytes:
    """The one call of resvg: no system font is read but those given, so that the same fonts make the same
    bytes on every machine."""
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg, skip_system_fonts=True, font_files=[str(font) for font in fonts], zoom=zoom
        )
    )


CHART_SCALE = 1.2
"""The card's chart is drawn 1.2 times the downloadable one's size: its labels 18 pixels tall, legible in a
preview a third of the card's size."""


def card_svg(analysed: ClaimAnalysis, speech: Localised, site_title: str) -> str:
    """The share card of a claim as SVG, `WIDTH` by `HEIGHT`."""
    claim = analysed.claim
    width = WIDTH - 2 * PAD
    text = Text(speech.direction == "rtl", width)
    status = speech.gettext(WORDS[analysed.status])
    status_width = chartsvg.text_width(status, 26, bold=True) + 28
    site = lines(site_title, 26, width - status_width - 24, most=1)[0]
    parts = [text.line(site, 40, "card-site")]
    box_x = 0 if text.rtl else width - status_width
    tint = colour(STATUS_COLOUR.get(analysed.status, "neutral"))
    parts.append(
        f'<rect x="{box_x:.1f}" y="8" width="{status_width:.1f}" height="44" rx="5" fill="none" '
        f'stroke="{tint}" stroke-width="3"/>'
        f'<text class="card-status" x="{box_x + status_width / 2:.1f}" y="40" text-anchor="middle" '
        f'style="fill: {tint}">{chartsvg.text_of(status, text.rtl)}</text>'
    )
    y = 56.0
    for title_line in lines(claim.title, 40, width, most=2, bold=True):
        y += 50
        parts.append(text.line(title_line, y, "card-title"))
    figure = figure_with_unit(claim.canonical.figure, claim.unit)
    y += 68
    parts.append(text.line(lines(figure, 56, width, most=1, bold=True)[0], y, "card-figure"))
    y += 20
    top = y + PAD - 16
    chart = _chart(analysed, speech, (HEIGHT - 16 - top) / CHART_SCALE, width / CHART_SCALE)
    body = f'<g transform="translate({PAD} {PAD - 16})">{"".join(parts)}</g>'
    if chart is not None:
        fitted = min(CHART_SCALE, (HEIGHT - 16 - top) / chart.height)
        body += f'<g transform="translate({PAD} {top:.1f}) scale({fitted:.3f})">{chart.body}</g>'
    band = f'<rect width="{WIDTH}" height="10" fill="{colour("accent")}"/>'
    return chartsvg.document(WIDTH, HEIGHT, band + body, speech).replace("<style>", f"<style>{_card_style()}", 1)


def _chart(analysed: ClaimAnalysis, speech: Localised, room: float, width: float) -> chartsvg.Drawn | None:
    """The claim's chart, `width` wide, with as many of its rows as fit `room` units of height (at least the
    canonical row and one other)."""
    most = len(analysed.variants)
    drawn = chartsvg.drawn(analysed, speech, most, width)
    while drawn is not None and drawn.height > room and most > 1:
        most -= 1
        drawn = chartsvg.drawn(analysed, speech, most, width)
    return drawn


def _card_style() -> str:
    return (
        f".card-site {{ font-size: 26px; fill: {colour('muted')}; }} "
        ".card-status { font-size: 26px; font-weight: bold; } "
        ".card-title { font-size: 40px; font-weight: bold; } .card-figure { font-size: 56px; font-weight: bold; } "
    )


def card_png(analysed: ClaimAnalysis, speech: Localised, site_title: str, drawing: Drawing) -> bytes:
    return drawing.png(card_svg(analysed, speech, site_title))


def chart_png(svg: str, drawing: Drawing) -> bytes:
    return drawing.png(svg, CHART_ZOOM)


def image_jobs(
    analysed: ClaimAnalysis, speech: Localised, settings: Settings, drawing: Drawing
) -> list[tuple[str, Callable[[], bytes]]]:
    """The claim's images by their paths, each to be made by calling it: its card, and, when it has a chart,
    the chart as SVG and PNG."""
    claim_id = analysed.claim.id
    jobs: list[tuple[str, Callable[[], bytes]]] = [
        (urls.claim_card(claim_id), partial(card_png, analysed, speech, settings.title, drawing))
    ]
    if analysed.interval is not None:
        credit = settings.title
        if settings.base_url:
            # An address reads left to right in a right-to-left line too (a bidirectional isolate).
            credit += " — \u2066" + settings.base_url.rstrip("/") + "/" + urls.claim(claim_id) + "\u2069"
        svg = partial(chartsvg.standalone, analysed, speech, credit)
        jobs.append((urls.claim_chart(claim_id, "svg"), partial(_svg_bytes, svg)))
        jobs.append((urls.claim_chart(claim_id, "png"), partial(_chart_png, svg, drawing)))
    return jobs


def image_paths(analysed: ClaimAnalysis) -> list[str]:
    """The paths `image_jobs` makes, without making anything."""
    claim_id = analysed.claim.id
    paths = [urls.claim_card(claim_id)]
    if analysed.interval is not None:
        paths += [urls.claim_chart(claim_id, "svg"), urls.claim_chart(claim_id, "png")]
    return paths


def _svg_bytes(svg: Callable[[], str | None]) -> bytes:
    return (svg() or "").encode("utf-8")


def _chart_png(svg: Callable[[], str | None], drawing: Drawing) -> bytes:
    return chart_png(svg() or "", drawing)

"""A claim's fact box, for the pages of other sites: what its page (`claims/<id>/embed/`) shows, the
snippet that frames it (offered on the claim's page, and the `html` of its oEmbed answer), its oEmbed
answer (`claims/<id>/oembed.json`, https://oembed.com), and its stylesheet.

A host page frames the box from another origin, so the snippet and the oEmbed answer name it by its
absolute address: both need `site.base_url`, as the feed does, and a site without one offers neither.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from markupsafe import Markup

from builder.analyse.analysis import ClaimAnalysis
from builder.check.model import Settings
from builder.render import publish, urls
from builder.render.chart import ROWS_SHOWN, chart, row_count
from builder.render.localised import Localised

WIDTH = 400
"""The width the fact box is made for (CSS px): it fits it without scrolling sideways, and the snippet
caps its frame at it."""

# The height the snippet gives the frame: the box's height at `WIDTH` in Chromium, measured on the example
# and on the large desk of the fixtures, rounded up, so that a box is seldom cut off where its host runs
# no resizing script (a little space below it is the lesser harm).
_BOX = 320
"""The box without its chart: site, title, figure, who stands behind it, tally, date and link."""
_CHART = 170
"""The chart's title, its canonical row and its axis."""
_ROW = 64
"""One row of the chart: a label of up to two lines above its track."""
_FOLD = 80
"""The line that folds away the rows past `ROWS_SHOWN` (only a claim of many figures has it, whose rows, an
originator's figures each, have the longer labels)."""

_PARTY = 30
"""A party's mark (`party.badge`) in a label, which often takes a line of its own."""

CACHE_AGE = 86_400
"""How long a consumer may keep the oEmbed answer (s): the box it frames is live, only its title and
height are in the answer."""


def height(analysed: ClaimAnalysis) -> int:
    """The frame's height (CSS px) for the box of `analysed` at `WIDTH`."""
    if analysed.interval is None:  # no chart: a claim of words
        return _BOX
    rows = row_count(analysed)
    drawn = _CHART + _ROW * min(rows, ROWS_SHOWN)
    marked = sum(1 for item in analysed.variants if item.party) + analysed.canonical_party
    return _BOX + drawn + (_FOLD if rows > ROWS_SHOWN else 0) + _PARTY * min(marked, ROWS_SHOWN + 1)


def frame_title(settings: Settings, analysed: ClaimAnalysis) -> str:
    """What the frame is called to a screen reader on the host page: the claim and the site it is from."""
    return f"{analysed.claim.title} · {settings.title}"


def snippet(settings: Settings, analysed: ClaimAnalysis, tall: int | None = None) -> str | None:
    """The `<iframe>` a host page pastes to show the box (`tall`: its `height`, when known), or None without
    `site.base_url`. Its style attribute is the host's to keep or drop: a host page's policy, not this site's,
    rules it."""
    if not settings.base_url:
        return None
    source = publish.absolute(settings, urls.claim_embed(analysed.claim.id))
    return (
        f'<iframe src="{_attribute(source)}" title="{_attribute(frame_title(settings, analysed))}" width="100%" '
        f'height="{height(analysed) if tall is None else tall}" style="border:0;max-width:{WIDTH}px" '
        'loading="lazy"></iframe>'
    )


def host_script(settings: Settings) -> str | None:
    """The `<script>` a host page adds once to fit each frame to its box (`static/embed-host.js`), or None
    without `site.base_url`."""
    if not settings.base_url:
        return None
    return f'<script src="{_attribute(publish.absolute(settings, urls.EMBED_HOST))}" defer></script>'


def _attribute(text: str) -> str:
    """`text` safe in a double-quoted attribute, and as readable as it can be there (an apostrophe kept)."""
    return escape(text, quote=False).replace('"', "&quot;")


def oembed(settings: Settings, analysed: ClaimAnalysis) -> dict[str, Any] | None:
    """The claim's oEmbed answer, a `rich` one whose `html` is the snippet; None without `site.base_url`."""
    tall = height(analysed)
    html = snippet(settings, analysed, tall)
    if html is None or settings.base_url is None:
        return None
    return {
        "version": "1.0",
        "type": "rich",
        "title": analysed.claim.title,
        "provider_name": settings.title,
        "provider_url": settings.base_url,
        "html": html,
        "width": WIDTH,
        "height": tall,
        "cache_age": CACHE_AGE,
    }


def oembed_data(settings: Settings, analysed: ClaimAnalysis) -> dict[str, bytes]:
    """`oembed.json` as its page spec gives a data file (no template: it is JSON, made here). Compact, as
    the answers of oEmbed's providers are: a CMS reads it, and Python writes it in C only so."""
    answer = oembed(settings, analysed)
    return {"data": (json.dumps(answer, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")}


def claim_page_values(settings: Settings, analysed: ClaimAnalysis) -> dict[str, Any]:
    """What a claim's page needs to offer its box: the snippets, the box's link, the oEmbed answer's address
    (each made here rather than in the template, where each reach into `urls` is checked by the sandbox)."""
    claim_id = analysed.claim.id
    return {
        "embed_snippet": snippet(settings, analysed),
        "embed_host": host_script(settings),
        "embed_href": urls.relative(urls.claim(claim_id), urls.claim_embed(claim_id)),
        "oembed_url": publish.absolute(settings, urls.claim_oembed(claim_id)) if settings.base_url else None,
    }


def box_values(
    settings: Settings, analysed: ClaimAnalysis, speech: Localised, shared: dict[str, Markup] | None = None
) -> dict[str, Any]:
    """The values of `embed.html`: the claim, its chart of intervals (taken from `shared`, where its claim's
    page just left it, else drawn), when it last changed, and its links."""
    drawn = shared.pop("chart", None) if shared else None
    changed = publish.last_change(analysed)
    here, claim_id = urls.claim_embed(analysed.claim.id), analysed.claim.id
    return {
        "site_href": urls.relative(here, urls.INDEX),
        "claim_href": urls.relative(here, urls.claim(claim_id)),
        "canonical_url": publish.absolute(settings, urls.claim(claim_id)) if settings.base_url else None,
        "stylesheet": urls.relative(here, urls.EMBED_STYLESHEET),
        "script": urls.relative(here, urls.EMBED_RESIZE),
        "icon": urls.relative(here, urls.FAVICON),
        "analysed": analysed,
        "chart": drawn if drawn is not None else Markup(chart(analysed, "chart", speech) or ""),
        "changed": changed,
        "newest": None if changed else publish.newest_date(analysed),
    }


_SHARED = re.compile(r"/\* embed\.css: from here \*/\n(.*?)/\* embed\.css: to here \*/\n", re.DOTALL)


def stylesheet(site_css: bytes, own: bytes) -> bytes:
    """`static/embed.css`: the parts of the site's stylesheet the box shares with its pages (the colours,
    light and dark, the badges, the chart), marked there, then the box's `own` rules. Taken from the one
    stylesheet rather than copied, so that a new verdict's colour or a change of the chart reaches the box."""
    shared = _SHARED.findall(site_css.decode("utf-8"))
    header = "/* factsheet's fact box: what it shares with the site's style.css, then its own rules. */\n"
    return (header + "".join(shared)).encode("utf-8") + own

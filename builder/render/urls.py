"""The site map: where each page lives, and relative links between pages (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from builder.check.names import slug

INDEX = ""
DISCREPANCIES = "discrepancies/"
CORRECTIONS = "corrections/"
CORRECTIONS_FEED = "corrections.xml"
CLAIMS_JSON = "claims.json"
CLAIMS_CSV = "claims.csv"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
STYLESHEET = "static/style.css"
FAVICON = "static/favicon.svg"
SEARCH_START = "static/search.js"
DISCREPANCY_TOOLS = "static/discrepancies.js"
EMBED_STYLESHEET = "static/embed.css"
EMBED_RESIZE = "static/embed-resize.js"
"""Loaded by each fact box: tells a page that frames it how tall it is."""
EMBED_HOST = "static/embed-host.js"
"""For the pages of other sites that frame fact boxes: fits each frame to its box."""
PARTY_TOOLS = "static/parties.js"
SCHEMA = "schema/claims.schema.json"
SEARCH_SCRIPT = "pagefind/pagefind-ui.js"
SEARCH_STYLES = "pagefind/pagefind-ui.css"


def skeleton(claim_ids: Iterable[str], source_ids: Iterable[str], oembed: bool) -> Iterator[str]:
    """The folders (ending in "/") and files that every build of a desk with these claims and sources writes,
    each folder before what it holds: what a build prepares while it checks the desk (`Staging.prepare`).
    Naming anything not written costs a file made and removed; missing something, that it is made later."""
    yield "claims/"
    for claim_id in claim_ids:
        page, box = claim(claim_id), claim_embed(claim_id)
        yield from (page, file_of(page), claim_data(claim_id), box, file_of(box))
        if oembed:
            yield claim_oembed(claim_id)
    yield "sources/"
    for source_id in source_ids:
        page = source(source_id)
        yield from (page, file_of(page))


def claim(claim_id: str) -> str:
    return f"claims/{claim_id}/"


def claim_data(claim_id: str) -> str:
    """One claim as JSON, beside its page."""
    return f"claims/{claim_id}.json"


def claim_embed(claim_id: str) -> str:
    """The claim's fact box, for other sites' pages to frame."""
    return f"claims/{claim_id}/embed/"


def claim_oembed(claim_id: str) -> str:
    """The claim's oEmbed answer (https://oembed.com), as a file: what a CMS reads to frame its fact box."""
    return f"claims/{claim_id}/oembed.json"


def is_embed(path: str) -> bool:
    """Whether an output path (or URL) is a claim's fact box, a page made to be framed elsewhere, which
    neither the sitemap nor the search index lists: its claim's page says all it says."""
    parts = path.split("/")
    return len(parts) == 4 and parts[0] == "claims" and parts[2] == "embed" and parts[3] in ("", "index.html")


def claim_card(claim_id: str) -> str:
    """The claim's share card (`og:image`), in its page's folder."""
    return f"claims/{claim_id}/card.png"


def claim_chart(claim_id: str, kind: str) -> str:
    """The claim's chart as a file to download, `svg` or `png`, in its page's folder."""
    return f"claims/{claim_id}/chart.{kind}"


def source(source_id: str) -> str:
    return f"sources/{source_id}/"


def outlet(name: str) -> str:
    return f"outlets/{slug(name)}/"


def topic(name: str) -> str:
    return f"topics/{slug(name)}/"


def originator(name: str) -> str:
    return f"originators/{slug(name)}/"


def page(name: str) -> str:
    return f"{name}/"


def file_of(url: str) -> str:
    """The file a page URL is written to."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def root(from_url: str) -> str:
    """The way from a page up to the site's root: "" from the index, "../../" from a claim page."""
    return "../" * file_of(from_url).count("/")


def relative(from_url: str, to_url: str) -> str:
    """A link from one page to another that works under any sub-path: up to the site root, then down.

    (Not `posixpath.relpath`: it is called for every link of every page and costs twenty times more.)
    """
    target, _, fragment = to_url.partition("#")
    if fragment and target == from_url:
        return "#" + fragment
    link = root(from_url) + target or "./"
    return link + "#" + fragment if fragment else link

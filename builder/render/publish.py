"""What search engines, feed readers and fact-check aggregators read: sitemap, robots.txt, Atom, ClaimReview.

Every date comes from the data or from git, never from the clock, so that the
same input gives the same bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from markupsafe import Markup

from builder.analyse.analysis import Analysis, ClaimAnalysis
from builder.check.model import Settings, Site
from builder.render import corrected, urls
from builder.render.formatting import figure_with_unit
from builder.render.localised import Localised, localised
from builder.verdicts import AGREEING, STATUS_HEADLINE, STATUS_RATING
from builder.words import N_

ATOM = "http://www.w3.org/2005/Atom"


def absolute(settings: Settings, url: str) -> str:
    assert settings.base_url is not None
    return settings.base_url.rstrip("/") + "/" + url


def _address(settings: Settings, url: str) -> str:
    """Absolute where the site's address is known; else relative to the site root."""
    return absolute(settings, url) if settings.base_url else url


def claim_time(analysed: ClaimAnalysis) -> str:
    """When the claim's data last changed: from git where known, else its newest date, as ISO 8601 UTC."""
    return last_change(analysed) or newest_date(analysed) or _fallback_time()


def last_change(analysed: ClaimAnalysis) -> str | None:
    """When git says the desk last changed what it states of the claim (its canonical figure or an editor's
    verdict), as ISO 8601 UTC; None outside git."""
    if analysed.history is not None and analysed.history.changes:
        return analysed.history.last.time
    return None


def newest_date(analysed: ClaimAnalysis) -> str | None:
    """The newest date of the claim's figures (their own or their source's), as ISO 8601 UTC; None for none."""
    dates = [analysed.dated, *(item.dated for item in analysed.variants)]
    known = [period.end for period in dates if period is not None]
    return f"{max(known).isoformat()}T00:00:00Z" if known else None


def _fallback_time() -> str:
    """SOURCE_DATE_EPOCH (the reproducible-builds convention), or the epoch: never the clock."""
    seconds = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page_urls(outputs: Collection[str]) -> list[str]:
    """The URL of every page written, for the sitemap: not the claims' fact boxes, made to be framed
    elsewhere and marked `noindex` (their claims' pages say all they say)."""
    pages = []
    for path in sorted(outputs):
        if path == "404.html" or not path.endswith(".html") or urls.is_embed(path):
            continue
        pages.append(path.removesuffix("index.html"))
    return pages


def sitemap(settings: Settings, outputs: Collection[str]) -> bytes:
    """sitemaps.org protocol: every page, absolute."""
    root = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    for url in page_urls(outputs):
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = absolute(settings, url)
    return _xml(root)


def robots(settings: Settings) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if settings.base_url:
        lines.append(f"Sitemap: {absolute(settings, urls.SITEMAP)}")
    return ("\n".join(lines) + "\n").encode()


def from_claims_makers(site: Site) -> dict[str, Callable[[Analysis], bytes]]:
    """Each published file made from the claims, by its path, with what makes it: the Atom feeds of the
    claims and of the corrections (a site with a `base_url` only: a feed's links are absolute; corrections
    only from the desk's history). A new one is added here."""
    if not site.settings.base_url:
        return {}
    return {urls.FEED: feed, **({urls.CORRECTIONS_FEED: corrections_feed} if site.history_read else {})}


def from_claims(analysis: Analysis) -> dict[str, bytes]:
    """The published files made from the claims, redone when one changes."""
    return {path: make(analysis) for path, make in from_claims_makers(analysis.site).items()}


def from_claims_paths(site: Site) -> list[str]:
    """The paths of the files `from_claims` makes, without making them."""
    return list(from_claims_makers(site))


def beside_pages(settings: Settings, files: Collection[str]) -> dict[str, bytes]:
    """The published files made from the site's other `files`, redone on every build: robots.txt, and
    the sitemap of every page (with a `base_url`)."""
    made = {urls.ROBOTS: robots(settings)}
    if settings.base_url:
        made[urls.SITEMAP] = sitemap(settings, [*files, *made])
    return made


def entry_id(settings: Settings, claim_id: str) -> str:
    """Stable across builds and edits: the claim's canonical URL."""
    return absolute(settings, urls.claim(claim_id))


def feed(analysis: Analysis) -> bytes:
    """Atom 1.0: one entry per claim, the most recently changed first."""
    settings = analysis.site.settings
    # Each claim's time found once: from its dates, that is most of the cost of an entry.
    timed = sorted(((claim_time(c), c) for c in analysis.claims), key=lambda t: (t[0], t[1].claim.id), reverse=True)
    speech = localised(settings.language)
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": settings.language})
    ET.SubElement(root, "title").text = settings.title
    if settings.description:
        ET.SubElement(root, "subtitle").text = settings.description
    ET.SubElement(root, "id").text = absolute(settings, "")
    ET.SubElement(root, "link", href=absolute(settings, urls.FEED), rel="self", type="application/atom+xml")
    ET.SubElement(root, "link", href=absolute(settings, ""), rel="alternate", type="text/html")
    ET.SubElement(root, "updated").text = timed[0][0] if timed else _fallback_time()
    ET.SubElement(ET.SubElement(root, "author"), "name").text = settings.title
    ET.SubElement(root, "generator").text = "factsheet"
    head = _xml(root)
    end = head.rindex(b"</feed>")
    entries = (_entry(settings, analysed, time, speech) for time, analysed in timed)
    return b"".join([head[:end], *entries, head[end:]])


def corrections_feed(analysis: Analysis) -> bytes:
    """Atom 1.0: one entry per correction, the newest first; each links to the claim, or for a removed
    claim to its place on /corrections/."""
    settings = analysis.site.settings
    speech = localised(settings.language)
    page = absolute(settings, urls.CORRECTIONS)
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": settings.language})
    ET.SubElement(root, "title").text = speech.gettext(CORRECTIONS_TITLE, site=settings.title)
    ET.SubElement(root, "id").text = page
    ET.SubElement(root, "link", href=absolute(settings, urls.CORRECTIONS_FEED), rel="self", type="application/atom+xml")
    ET.SubElement(root, "link", href=page, rel="alternate", type="text/html")
    found = analysis.corrections
    ET.SubElement(root, "updated").text = found[0].time if found else _fallback_time()
    ET.SubElement(ET.SubElement(root, "author"), "name").text = settings.title
    ET.SubElement(root, "generator").text = "factsheet"
    for correction in found:
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "title").text = speech.gettext(CORRECTION_TITLE, claim=correction.title)
        ET.SubElement(entry, "id").text = f"{page}#{correction.anchor}"
        linked = (
            page + "#" + correction.anchor
            if correction.kind == "removed"
            else absolute(settings, urls.claim(correction.claim_id))
        )
        ET.SubElement(entry, "link", href=linked, rel="alternate")
        ET.SubElement(entry, "updated").text = correction.time
        ET.SubElement(entry, "summary").text = corrected.text(correction, analysis, speech)
    return _xml(root)


CORRECTIONS_TITLE = N_("Corrections · %(site)s")
CORRECTION_TITLE = N_("Corrected: %(claim)s")


def _entry(settings: Settings, analysed: ClaimAnalysis, updated: str, speech: Localised) -> bytes:
    """One claim's `<entry>`, indented within the feed as `_xml` would indent it. Written out rather
    than serialised by ElementTree, whose serialiser is Python (slow enough for a large desk that a
    rebuild after each save paid for it), escaped as ElementTree escapes."""
    claim = analysed.claim
    category = f"    <category term={_attribute(claim.topic)} />\n" if claim.topic else ""
    return (
        "  <entry>\n"
        f"    <title>{_text(f'{claim.title}: {_figure(analysed)}')}</title>\n"
        f"    <id>{_text(entry_id(settings, claim.id))}</id>\n"
        f'    <link href={_attribute(absolute(settings, urls.claim(claim.id)))} rel="alternate" />\n'
        f"    <updated>{_text(updated)}</updated>\n"
        f"    <summary>{_text(_summary(analysed, speech))}</summary>\n"
        f"{category}"
        "  </entry>\n"
    ).encode()


def _text(text: str) -> str:
    return escape(text)  # as ElementTree escapes an element's text


_IN_ATTRIBUTE = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
"""What ElementTree escapes in an attribute's value besides `&`, `<` and `>`."""


def _attribute(value: str) -> str:
    return f'"{escape(value, _IN_ATTRIBUTE)}"'


def _figure(analysed: ClaimAnalysis) -> str:
    return figure_with_unit(analysed.claim.canonical.figure, analysed.claim.unit)


def _summary(analysed: ClaimAnalysis, speech: Localised) -> str:
    """ "Disputed. 2 of 5 figures agree with about 400; 3 independent originators." in the site's language."""
    total = speech.ngettext("%(num)s figure", "%(num)s figures", len(analysed.variants))
    agreeing = speech.ngettext(
        "%(num)s of %(total)s agrees with %(figure)s",
        "%(num)s of %(total)s agree with %(figure)s",
        analysed.count(AGREEING),
        total=total,
        figure=_figure(analysed),
    )
    origins = speech.ngettext(
        "%(num)s independent originator", "%(num)s independent originators", len(analysed.originators)
    )
    headline = speech.gettext(STATUS_HEADLINE[analysed.status])
    return speech.gettext(
        "%(headline)s. %(agreeing)s; %(originators)s.", headline=headline, agreeing=agreeing, originators=origins
    )


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def claim_review(analysis: Analysis, analysed: ClaimAnalysis) -> dict[str, object]:
    """schema.org ClaimReview for one claim, with what fact-check consumers require."""
    settings = analysis.site.settings
    claim = analysed.claim
    page = _address(settings, urls.claim(claim.id))
    site = organization(settings)
    originator = claim.canonical.figure.according_to
    item: dict[str, object] = {
        "@type": "Claim",
        # Where the claim appeared: each source's own address, or else our archived copy of it.
        "appearance": [
            {
                "@type": "CreativeWork",
                "url": item.source.url or _address(settings, urls.source(item.source.id)),
                "headline": item.source.title,
            }
            for item in analysed.variants
        ],
    }
    if originator:
        item["author"] = {"@type": "Organization", "name": originator}
    if analysed.dated is not None:
        item["datePublished"] = analysed.dated.start.isoformat()
    speech = localised(settings.language)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "inLanguage": settings.language,
        "url": page,
        "claimReviewed": f"{claim.title}: {_figure(analysed)}",
        "author": site,
        "datePublished": claim_time(analysed)[:10],
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": STATUS_RATING[analysed.status],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": speech.gettext(STATUS_HEADLINE[analysed.status]),
        },
        **_corrections(analysis, analysed, speech),
    }


def _corrections(analysis: Analysis, analysed: ClaimAnalysis, speech: Localised) -> dict[str, object]:
    """schema.org's `correction`: each correction of the claim as a CorrectionComment, the newest first."""
    if not analysed.corrections:
        return {}
    return {
        "correction": [
            {"@type": "CorrectionComment", "datePublished": c.day, "text": corrected.text(c, analysis, speech)}
            for c in analysed.corrections
        ]
    }


def organization(settings: Settings) -> dict[str, object]:
    """The desk as a schema.org Organization, with the pages of its policies (`site.policies`) as
    `publishingPrinciples`, `correctionsPolicy` and `ownershipFundingInfo`, as fact-check aggregators read them."""
    found: dict[str, object] = {"@type": "Organization", "name": settings.title}
    if settings.base_url:
        found["url"] = settings.base_url
    policies = settings.policies
    for key, name in (
        ("publishingPrinciples", policies.methodology),
        ("correctionsPolicy", policies.corrections),
        ("ownershipFundingInfo", policies.ownership),
    ):
        if name is not None:
            found[key] = _address(settings, urls.page(name))
    return found


def site_data(settings: Settings) -> Markup:
    """The site's own structured data, on its front page: the desk and its policies."""
    return script_json({"@context": "https://schema.org", **organization(settings)})


def script_json(data: object) -> Markup:
    """JSON safe inside <script>: no `</script>`, `<!--` or line separators can break out or confuse."""
    # Compact: no reader looks at it, and without `indent` Python's encoder runs in C.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)

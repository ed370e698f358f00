"""Stage 4: every page of the site rendered to bytes, before anything is written.

Each page is rendered once from the indexes of the analysis; no page scans
all claims. Templates come from the site's `templates/` first, then from the
package's defaults.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from builder import formatting, urls
from builder.analysis import Analysis, ClaimAnalysis, VariantAnalysis
from builder.chart import SYMBOLS, chart
from builder.exports import claims_json
from builder.markdown import parser, text_segments
from builder.model import Source

STATUS_TEXT = {
    "agreed": "Every source's figure agrees with the canonical figure.",
    "disputed": "At least one source contradicts the canonical figure, or an editor flagged a variant.",
    "evolving": "The only disagreements are older figures that the canonical figure supersedes.",
    "single-source": "One source reported this figure, and it agrees.",
    "unsourced": "No source's figure can be compared with the canonical figure.",
}
VERDICT_TEXT = {
    "matches": "the same interval as the canonical figure",
    "consistent": "overlaps the canonical figure",
    "differs": "does not overlap the canonical figure",
    "outdated": "does not overlap, and is older than the canonical figure",
    "incomparable": "cannot be compared (another kind of unit, or a number against text)",
    "misattributed": "an editor found the figure attributed to the wrong origin",
    "misquoted": "an editor found the figure misquoted",
    "retracted": "the source retracted the figure",
}


@dataclass(frozen=True)
class PageSpec:
    """One page to render: where it goes, with which template and values."""

    url: str
    template: str
    values: dict[str, Any]


def environment(template_dir: Path | None) -> Environment:
    """Autoescaping is on for every template, whatever its name, so no data can inject markup."""
    loaders = [FileSystemLoader(template_dir)] if template_dir else []
    env = Environment(
        loader=ChoiceLoader([*loaders, PackageLoader("builder", "templates")]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        number=formatting.number,
        interval=formatting.interval,
        deviation=formatting.deviation,
    )
    env.globals.update(
        urls=urls,
        link=_link,
        markdown=_markdown,
        symbols=SYMBOLS,
        status_text=STATUS_TEXT,
        verdict_text=VERDICT_TEXT,
    )
    return env


@pass_context
def _link(context: Context, target: str) -> str:
    return urls.relative(context["page_url"], target)


@pass_context
def _markdown(context: Context, text: str | None) -> Markup:
    if not text:
        return Markup("")
    env = {"claim_ref": partial(_claim_ref, context["analysis"], context["page_url"])}
    return Markup(parser().render(text, env))


def _claim_ref(analysis: Analysis, page_url: str, claim_id: str, label: str | None) -> str:
    analysed = analysis.by_id[claim_id]
    text = label or figure_with_unit(analysed)
    href = urls.relative(page_url, urls.claim(claim_id))
    return f'<a class="claim-ref" href="{escape(href)}" title="{escape(analysed.claim.title)}">{escape(text)}</a>'


def figure_with_unit(analysed: ClaimAnalysis) -> str:
    """The canonical figure as written plus the claim's unit ("about 11,000 soldiers")."""
    figure = analysed.claim.canonical.figure
    if figure.text is not None or not analysed.claim.unit:
        return figure.written
    return f"{figure.written} {analysed.claim.unit.text}"


def passage_anchors(analysis: Analysis) -> tuple[dict[tuple[str, int], str], dict[str, list[tuple[int, int, str]]]]:
    """Anchors for quoted passages: per variant, and per source the merged regions to mark."""
    anchors: dict[tuple[str, int], str] = {}
    regions: dict[str, list[tuple[int, int, str]]] = {}
    for source_id, items in analysis.by_source.items():
        quoted = sorted(
            (
                (item.variant.passage.start, item.variant.passage.end, item)
                for item in items
                if item.variant.passage is not None
            ),
            key=lambda entry: (entry[0], entry[1]),
        )
        merged: list[list[Any]] = []
        for start, end, item in quoted:
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
                merged[-1][2].append(item)
            else:
                merged.append([start, end, [item]])
        regions[source_id] = []
        for number, (start, end, members) in enumerate(merged, 1):
            anchor = f"passage-{number}"
            regions[source_id].append((start, end, anchor))
            for item in members:
                anchors[(item.claim_id, item.variant.index)] = anchor
    return anchors, regions


def archived_html(source: Source, regions: list[tuple[int, int, str]]) -> Markup:
    """The archived text with every quoted passage marked and anchored."""
    assert source.text is not None
    tokens = parser().parse(source.text.markdown)
    origins = source.text.origins
    raw_regions = [(origins[start], origins[end - 1] + 1, anchor) for start, end, anchor in regions]
    offset = 0
    for token, text in text_segments(tokens):
        if token is not None and token.type == "text":
            marks = []
            for start, end, anchor in raw_regions:
                if start < offset + len(text) and end > offset:
                    first = start >= offset
                    marks.append(
                        (max(start, offset) - offset, min(end, offset + len(text)) - offset, anchor if first else None)
                    )
            token.meta = {**(token.meta or {}), "marks": marks}
        offset += len(text)
    return Markup(parser().renderer.render(tokens, parser().options, {}))


def chart_labels(analysed: ClaimAnalysis) -> dict[int, str]:
    """Each variant's label in the chart: its outlet, or its source's id where sources of one outlet meet."""
    sources_of: dict[str, set[str]] = {}
    for item in analysed.variants:
        sources_of.setdefault(item.source.outlet, set()).add(item.source.id)
    return {
        item.variant.index: item.source.outlet if len(sources_of[item.source.outlet]) == 1 else item.source.id
        for item in analysed.variants
    }


def page_specs(analysis: Analysis) -> Iterator[PageSpec]:
    """Every page of the site map, with the values its template needs."""
    site = analysis.site
    anchors, regions = passage_anchors(analysis)
    yield PageSpec(urls.INDEX, "index.html", {})
    yield PageSpec(urls.DISCREPANCIES, "discrepancies.html", {})
    yield PageSpec("404.html", "404.html", {})
    for analysed in analysis.claims:
        labels = chart_labels(analysed)
        yield PageSpec(
            urls.claim(analysed.claim.id),
            "claim.html",
            {
                "analysed": analysed,
                "chart": Markup(chart(analysed, labels, "chart") or ""),
                "anchors": anchors,
                "canonical_source": site.sources.get(analysed.claim.canonical.source_id or ""),
            },
        )
    for source in site.sources.values():
        yield PageSpec(
            urls.source(source.id),
            "source.html",
            {
                "source": source,
                "items": analysis.by_source.get(source.id, ()),
                "canonical_of": [analysis.by_id[c] for c in analysis.canonical_from.get(source.id, ())],
                "archived": archived_html(source, regions.get(source.id, [])) if source.text else None,
                "anchors": anchors,
            },
        )
    for outlet, sources in analysis.by_outlet.items():
        items = [item for s in sources for item in analysis.by_source.get(s.id, ())]
        yield PageSpec(urls.outlet(outlet), "outlet.html", {"outlet": outlet, "sources": sources, "items": items})
    for topic, claims in analysis.by_topic.items():
        yield PageSpec(urls.topic(topic), "topic.html", {"topic": topic, "claims": claims})
    for originator, items in analysis.by_originator.items():
        yield PageSpec(urls.originator(originator), "originator.html", {"originator": originator, "items": items})
    for page in site.pages:
        yield PageSpec(urls.page(page.name), "page.html", {"page": page})


def verdict_counts(items: tuple[VariantAnalysis, ...] | list[VariantAnalysis]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.verdict] = counts.get(item.verdict, 0) + 1
    return dict(sorted(counts.items()))


def render_site(analysis: Analysis) -> dict[str, bytes]:
    """Every output file by its path in the output folder."""
    env = environment(analysis.site.template_dir)
    env.globals.update(verdict_counts=verdict_counts, figure_with_unit=figure_with_unit, isinf=math.isinf)
    common = {"analysis": analysis, "site": analysis.site, "settings": analysis.site.settings}
    outputs: dict[str, bytes] = {}
    for spec in page_specs(analysis):
        template = env.get_template(spec.template)
        html = template.render({**common, **spec.values, "page_url": spec.url})
        outputs[urls.file_of(spec.url)] = html.encode("utf-8")
    outputs[urls.CLAIMS_JSON] = claims_json(analysis)
    outputs[urls.STYLESHEET] = _static("style.css")
    return outputs


def _static(name: str) -> bytes:
    return resources.files("builder").joinpath("static", name).read_bytes()

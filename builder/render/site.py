"""Stage 4: every page of the site rendered to bytes, before anything is written.

Each page is rendered once from the indexes of the analysis; no page scans
all claims. Templates come from the site's `templates/` first, then from the
package's defaults.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from builder import __version__
from builder.analyse.analysis import Analysis, ClaimAnalysis, VariantAnalysis
from builder.analyse.verdicts import AGREEING, DISAGREEING, MEANING, STATUS_MEANING, SYMBOLS
from builder.check.markdown import claim_refs
from builder.check.markdown import render as render_markdown
from builder.check.model import Source
from builder.check.schema import json_schema_bytes
from builder.check.units import Unit
from builder.files import Kept, Output
from builder.render import formatting, pagehelpers, parallel, publish, summary, urls
from builder.render.chart import chart
from builder.render.exports import ClaimExport, claim_export, claim_json, claim_rows, claims_csv, claims_json
from builder.render.passages import archived_html, passage_id


@dataclass(frozen=True)
class PageSpec:
    """One page to render: where it goes, with which template, and what it shows."""

    url: str
    template: str
    values: Callable[[], dict[str, Any]]
    """The page's own template values, computed only when the page is rendered."""
    depends: frozenset[str] | None
    """The claims ("claim:<id>"), sources ("source:<id>") and pages ("page:<name>") it shows; None for all."""


@dataclass(frozen=True)
class Rendered:
    """The output of a render, kept by `serve` so that the next render redoes only what changed."""

    fingerprint: str
    parts: dict[str, object]
    """Each claim's analysis, source and page, by the keys of `PageSpec.depends`."""
    depends: dict[str, frozenset[str] | None]
    outputs: dict[str, Output]
    """Every file of the site: its bytes, or (once written, see `kept`) its digest."""
    exports: dict[str, ClaimExport]
    """Each claim's part of the exports, by claim id."""

    def kept(self) -> Rendered:
        """The same, its files written: each held as its digest only, which tells a next render's
        file unchanged as well as its bytes would, in a small part of the memory."""
        outputs = {path: data if isinstance(data, Kept) else Kept.of(data) for path, data in self.outputs.items()}
        return replace(self, outputs=outputs)


@lru_cache(maxsize=4)
def environment(template_dir: Path | None, mark: str) -> Environment:
    """Autoescaping is on for every template, whatever its name, so no data can inject markup.

    One environment per template folder, `mark` (the site's `fingerprint`) and process, so that a
    rebuild does not compile the templates again, and a change of any template (which changes the
    fingerprint) gets a new one. So jinja need not check each template's file for changes on every
    page it renders (`auto_reload`), which took a sixth of a claim page's time.
    """
    loaders = [FileSystemLoader(template_dir)] if template_dir else []
    env = pagehelpers.PageEnvironment(
        loader=ChoiceLoader([*loaders, PackageLoader("builder.render", "templates")]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    # The helpers the templates call most are filters too, since jinja calls a filter directly
    # and a global through the context (`analysed|figure` is cheaper than `figure(analysed)`);
    # with `root` (see `pagehelpers`), `{{ root }}{{ claim.id|claim_url }}` is `link(urls.claim(claim.id))`.
    env.filters.update(
        number=formatting.number,
        interval=formatting.interval,
        deviation=deviation_mark,
        unit=_unit_shown,
        figure=figure_with_unit,
        verdict_badge=verdict_badge,
        status_badge=status_badge,
        passage_id=passage_id,
        with_verdict=pagehelpers.with_verdict,
        claim_url=urls.claim,
        source_url=urls.source,
        outlet_url=urls.outlet,
        originator_url=urls.originator,
        topic_url=urls.topic,
    )
    env.globals.update(
        urls=urls,
        link=_link,
        markdown=_markdown,
        symbols=SYMBOLS,
        agreeing=sorted(AGREEING),
        disagreeing=sorted(DISAGREEING),
        status_text=STATUS_MEANING,
        verdict_text=MEANING,
        verdict_counts=summary.verdict_counts,
        tally=summary.tally,
        joined=summary.joined,
        plural=summary.plural,
        named_disagreements=summary.named_disagreements,
        position_text=formatting.POSITION_TEXT,
        figure_with_unit=figure_with_unit,
        figure=figure_with_unit,
        verdict_badge=verdict_badge,
        status_badge=status_badge,
        passage_id=passage_id,
    )
    return env


_link = pagehelpers.context_link


@pass_context
def _markdown(context: Context, text: str | None) -> Markup:
    if not text:
        return Markup("")
    env = {"claim_ref": partial(_claim_ref, context["analysis"], context["page_url"])}
    return Markup(render_markdown(text, env, raw_html=context["settings"].raw_html))


def _claim_ref(analysis: Analysis, page_url: str, claim_id: str, label: str | None) -> str:
    analysed = analysis.by_id[claim_id]
    text = label or figure_with_unit(analysed)
    href = urls.relative(page_url, urls.claim(claim_id))
    return f'<a class="claim-ref" href="{escape(href)}" title="{escape(analysed.claim.title)}">{escape(text)}</a>'


@cache
def verdict_badge(verdict: str) -> Markup:
    """A verdict as a word and a symbol (never colour alone), its meaning in the tooltip."""
    return Markup(
        f'<span class="verdict verdict-{verdict}" title="{escape(MEANING[verdict])}">'
        f'<span aria-hidden="true">{SYMBOLS[verdict]}</span> {verdict}</span>'
    )


def deviation_mark(item: VariantAnalysis | float | None) -> Markup:
    """A variant's deviation (`formatting.variant_deviation`); a word says what it means in its tooltip. A
    number, as a site's own template from before may give it (`item.deviation|deviation`), is shown as one."""
    if item is None or isinstance(item, float):
        return Markup(f'<span class="deviation">{escape(formatting.deviation(item))}</span>')
    text = formatting.variant_deviation(item)
    meaning = formatting.POSITION_TEXT.get(text)
    title = f' title="{escape(meaning)}"' if meaning else ""
    return Markup(f'<span class="deviation"{title}>{escape(text)}</span>')


@cache
def status_badge(status: str) -> Markup:
    return Markup(f'<span class="status status-{status}">{status}</span>')


def _unit_shown(unit: Unit | None) -> str:
    """A unit as a page sets it (km², °C); nothing for none."""
    return unit.shown if unit is not None else ""


def figure_with_unit(analysed: ClaimAnalysis) -> str:
    """The canonical figure as written plus the claim's unit ("about 11,000 soldiers", "hundreds of troops")."""
    return formatting.figure_with_unit(analysed.claim.canonical.figure, analysed.claim.unit)


def _claim_keys(ids: Iterable[str]) -> set[str]:
    return {f"claim:{claim_id}" for claim_id in ids}


def _note_refs(analysed: ClaimAnalysis) -> set[str]:
    notes = [analysed.claim.note or "", *(v.note or "" for v in analysed.claim.variants)]
    return _claim_keys(ref.claim_id for note in notes if "[[" in note for ref in claim_refs(note))


def page_specs(analysis: Analysis) -> Iterator[PageSpec]:
    """Every page of the site map, with its values and what it depends on."""
    site = analysis.site
    yield PageSpec(urls.INDEX, "index.html", dict, None)
    yield PageSpec(urls.DISCREPANCIES, "discrepancies.html", dict, None)
    yield PageSpec("404.html", "404.html", dict, frozenset())
    for analysed in analysis.claims:
        claim = analysed.claim
        source_ids = {item.source.id for item in analysed.variants} | {claim.canonical.source_id or ""}
        yield PageSpec(
            urls.claim(claim.id),
            "claim.html",
            partial(_claim_values, analysis, analysed),
            frozenset(
                _claim_keys([claim.id, *analysed.related])
                | {f"source:{s}" for s in source_ids if s}
                | _note_refs(analysed)
            ),
        )
    for source in site.sources.values():
        items = analysis.by_source.get(source.id, ())
        canonical_of = [analysis.by_id[c] for c in analysis.canonical_from.get(source.id, ())]
        yield PageSpec(
            urls.source(source.id),
            "source.html",
            partial(_source_values, source, items, canonical_of),
            frozenset(
                {f"source:{source.id}"}
                | _claim_keys(i.claim_id for i in items)
                | _claim_keys(c.claim.id for c in canonical_of)
            ),
        )
    for outlet, sources in analysis.by_outlet.items():
        items = [item for s in sources for item in analysis.by_source.get(s.id, ())]
        yield PageSpec(
            urls.outlet(outlet),
            "outlet.html",
            partial(dict, outlet=outlet, sources=sources, items=items),
            frozenset({f"source:{s.id}" for s in sources} | _claim_keys(i.claim_id for i in items)),
        )
    for topic, claims in analysis.by_topic.items():
        yield PageSpec(
            urls.topic(topic),
            "topic.html",
            partial(dict, topic=topic, claims=claims),
            frozenset(_claim_keys(c.claim.id for c in claims)),
        )
    for originator, items in analysis.by_originator.items():
        yield PageSpec(
            urls.originator(originator),
            "originator.html",
            partial(dict, originator=originator, items=items),
            frozenset(_claim_keys(i.claim_id for i in items) | {f"source:{i.source.id}" for i in items}),
        )
    for page in site.pages:
        yield PageSpec(
            urls.page(page.name),
            "page.html",
            partial(dict, page=page),
            frozenset({f"page:{page.name}"} | _claim_keys(ref.claim_id for ref in claim_refs(page.markdown))),
        )


def compile_templates(analysis: Analysis, mark: str) -> None:
    """Every template compiled (those the pages extend and import too), as a render leaves them in this
    process: a session that starts without rendering (`Session.build(adopt=True)`) renders its first page
    as fast as after a build (compiling took 30 ms of the first page after a save). One that does not
    compile is left for the render that needs it to report."""
    env = environment(analysis.site.template_dir, mark)
    for name in env.list_templates():
        with contextlib.suppress(TemplateError):
            env.get_template(name)


def claim_page(analysis: Analysis, analysed: ClaimAnalysis) -> tuple[str, bytes]:
    """The page of one claim, by its output path: the same bytes as `render_site` gives it."""
    env = environment(analysis.site.template_dir, fingerprint(analysis))
    common = {"analysis": analysis, "site": analysis.site, "settings": analysis.site.settings}
    url = urls.claim(analysed.claim.id)
    spec = PageSpec(url, "claim.html", partial(_claim_values, analysis, analysed), None)
    return urls.file_of(url), _render_page(env, common, spec)


def _claim_values(analysis: Analysis, analysed: ClaimAnalysis) -> dict[str, Any]:
    return {
        "analysed": analysed,
        "chart": Markup(chart(analysed, "chart") or ""),
        "canonical_source": analysis.site.sources.get(analysed.claim.canonical.source_id or ""),
        "claim_review": publish.script_json(publish.claim_review(analysis, analysed)),
    }


def _source_values(
    source: Source, items: tuple[VariantAnalysis, ...], canonical_of: list[ClaimAnalysis]
) -> dict[str, Any]:
    passages = [item.variant.passage for item in items if item.variant.passage is not None]
    return {
        "source": source,
        "items": items,
        "canonical_of": canonical_of,
        "archived": archived_html(source.text, passages) if source.text else None,
    }


ORDER = "order"
"""The part that is the order in which the desk lists its claims, sources and pages."""


def _parts(analysis: Analysis) -> dict[str, object]:
    parts: dict[str, object] = {f"claim:{c.claim.id}": c for c in analysis.claims}
    parts.update({f"source:{s.id}": s for s in analysis.site.sources.values()})
    parts.update({f"page:{p.name}": p for p in analysis.site.pages})
    site = analysis.site
    parts[ORDER] = (tuple(c.claim.id for c in analysis.claims), tuple(site.sources), tuple(p.name for p in site.pages))
    return parts


def fingerprint(analysis: Analysis) -> str:
    """What every page shows: settings, navigation, templates, the package version."""
    site = analysis.site
    digest = hashlib.sha256(repr((__version__, site.settings, [(p.name, p.title) for p in site.pages])).encode())
    for folder in (site.template_dir, Path(str(resources.files("builder.render").joinpath("templates")))):
        if folder is not None and folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def render_site(analysis: Analysis, previous: Rendered | None = None) -> Rendered:
    """Every output file by its path; with `previous`, only the pages that show something changed are redone."""
    mark = fingerprint(analysis)
    env = environment(analysis.site.template_dir, mark)
    common = {"analysis": analysis, "site": analysis.site, "settings": analysis.site.settings}
    parts = _parts(analysis)
    if previous is not None and previous.fingerprint == mark:
        changed = _changed(parts, previous)
    else:
        previous, changed = None, set()
    outputs: dict[str, Output] = {}
    depends: dict[str, frozenset[str] | None] = {}
    todo: list[PageSpec] = []
    for spec in page_specs(analysis):
        path = urls.file_of(spec.url)
        depends[path] = spec.depends
        if previous is not None and path in previous.outputs and not _touched(spec, previous, changed):
            outputs[path] = previous.outputs[path]
        else:
            outputs[path] = b""  # keeps the site map's order; filled below
            todo.append(spec)
    render_one = partial(_render_page, env, common)
    for spec, page in zip(todo, parallel.map_pages(render_one, todo), strict=True):
        outputs[urls.file_of(spec.url)] = page
    data, exports = _data_files(analysis, previous, changed)
    outputs.update(data)
    outputs.update(_site_files(analysis, outputs))
    return Rendered(mark, parts, depends, outputs, exports)


def _site_files(analysis: Analysis, files: Collection[str]) -> dict[str, bytes]:
    """The static files, the schema, robots.txt and the sitemap of every page in `files`."""
    settings = analysis.site.settings
    made = {
        urls.STYLESHEET: _static("style.css"),
        urls.SEARCH_START: _static("search.js"),
        urls.FAVICON: _static("favicon.svg"),
        urls.DISCREPANCY_TOOLS: _static("discrepancies.js"),
        urls.SCHEMA: json_schema_bytes(),
        urls.ROBOTS: publish.robots(settings),
    }
    if settings.base_url:
        made[urls.SITEMAP] = publish.sitemap(settings, [*files, *made])
    return made


T = TypeVar("T")


@dataclass(frozen=True)
class Streamed(Generic[T]):
    """What `stream_pages` made: the sink's result for each file, by path, and, when asked for,
    each claim's rows of `claims.csv`, by claim id, made by the worker that made its JSON."""

    files: dict[str, T]
    rows: dict[str, bytes]


def stream_pages(
    analysis: Analysis,
    specs: Iterable[PageSpec],
    mark: str,
    sink: Callable[[str, bytes], T],
    exports: dict[str, ClaimExport] | None = None,
    claims: Iterable[ClaimAnalysis] | None = None,
    rows: bool = False,
) -> Streamed[T]:
    """Every page of `specs` (the site's `page_specs`) and each claim's JSON (of `claims`, every claim
    unless told) handed to `sink` as soon as it is made, none kept.

    For a full build of a large desk: made on every core (each worker calls `sink` itself),
    so that no process holds more than the page it is making. A claim's JSON is taken from
    `exports` when given, else made by the worker, with the claim's rows of `claims.csv` too
    when `rows` is asked for (from the same data, made once: at 10,000 claims, 0.7 s of CPU
    that `claims.csv` would otherwise take alone, after the pages). `mark` is the site's
    `fingerprint`, taken before.
    """
    env = environment(analysis.site.template_dir, mark)
    common = {"analysis": analysis, "site": analysis.site, "settings": analysis.site.settings}
    jobs: list[tuple[str, Callable[[], bytes | ClaimExport]]] = [
        (urls.file_of(spec.url), partial(_render_page, env, common, spec)) for spec in specs
    ]
    claim_ids: dict[str, str] = {}  # a claim's JSON file: its claim
    for analysed in analysis.claims if claims is None else claims:
        claim_id = analysed.claim.id
        made: Callable[[], bytes | ClaimExport]
        if exports is not None:
            made = partial(_export_json, exports, claim_id)
        else:
            made = partial(claim_export if rows else claim_json, analysed)
        claim_ids[urls.claim_data(claim_id)] = claim_id
        jobs.append((urls.claim_data(claim_id), made))

    def make(job: tuple[str, Callable[[], bytes | ClaimExport]]) -> tuple[T, bytes | None]:
        data = job[1]()
        if isinstance(data, ClaimExport):
            return sink(job[0], data.json), data.rows
        return sink(job[0], data), None

    files: dict[str, T] = {}
    csv_rows: dict[str, bytes] = {}
    for (path, _), (result, made_rows) in zip(jobs, parallel.map_pages(make, jobs), strict=True):
        files[path] = result
        if made_rows is not None:
            csv_rows[claim_ids[path]] = made_rows
    return Streamed(files, csv_rows)


def _export_json(exports: dict[str, ClaimExport], claim_id: str) -> bytes:
    return exports[claim_id].json


def stream_site_files(
    analysis: Analysis,
    made: Collection[str],
    sink: Callable[[str, bytes | Iterable[bytes]], T],
    exports: dict[str, ClaimExport] | None = None,
    claim_file: Callable[[str], bytes] | None = None,
    rows: dict[str, bytes] | None = None,
) -> dict[str, T]:
    """The files made from the whole site (claims.json, claims.csv, the feed, the sitemap of `made`...)
    to `sink`; the exports in parts, from `exports`, else from each claim's JSON file as `stream_pages`
    made it, read back by `claim_file(path)`, and its rows as it made them (`rows`, by claim id), each
    made again where not given."""
    if exports is not None:
        files: dict[str, bytes | Iterable[bytes]] = {
            urls.CLAIMS_JSON: claims_json(export.json for export in exports.values()),
            urls.CLAIMS_CSV: claims_csv(export.rows for export in exports.values()),
        }
    else:
        # Each claim's JSON read back rather than made again: at 10,000 claims, 0.08 s of CPU, not 0.55 s.
        claim_files = (
            claim_file(urls.claim_data(analysed.claim.id)) if claim_file is not None else claim_json(analysed)
            for analysed in analysis.claims
        )
        given = rows if rows is not None else {}
        claim_csv = (given.get(analysed.claim.id) or claim_rows(analysed) for analysed in analysis.claims)
        files = {urls.CLAIMS_JSON: claims_json(claim_files), urls.CLAIMS_CSV: claims_csv(claim_csv)}
    if analysis.site.settings.base_url:
        files[urls.FEED] = publish.feed(analysis)
    files.update(_site_files(analysis, [*made, *files]))
    return {path: sink(path, data) for path, data in files.items()}


def claim_exports(analysis: Analysis) -> dict[str, ClaimExport]:
    """Each claim's part of the exports, by claim id, in the order of the claims."""
    return {analysed.claim.id: claim_export(analysed) for analysed in analysis.claims}


def streamed_render(
    analysis: Analysis,
    specs: Iterable[PageSpec],
    mark: str,
    outputs: dict[str, Output],
    exports: dict[str, ClaimExport],
) -> Rendered:
    """What a build of `specs` streamed to disk with the templates of `mark` leaves for the next render:
    what `render_site` would have kept, its `outputs` the digests of the files written."""
    depends = {urls.file_of(spec.url): spec.depends for spec in specs}
    return Rendered(mark, _parts(analysis), depends, outputs, exports)


def _render_page(env: Environment, common: dict[str, Any], spec: PageSpec) -> bytes:
    html = env.get_template(spec.template).render({**common, **spec.values(), "page_url": spec.url})
    return html.encode("utf-8")


def _data_files(
    analysis: Analysis, previous: Rendered | None, changed: set[str]
) -> tuple[dict[str, Output], dict[str, ClaimExport]]:
    """The exports, and each claim's part of them; a claim's part is made again only when it changed."""
    files: dict[str, Output] = {}
    exports: dict[str, ClaimExport] = {}
    for analysed in analysis.claims:
        claim_id = analysed.claim.id
        known = previous.exports.get(claim_id) if previous is not None else None
        exports[claim_id] = (
            known if known is not None and f"claim:{claim_id}" not in changed else claim_export(analysed)
        )
        files[urls.claim_data(claim_id)] = exports[claim_id].json
    whole = [urls.CLAIMS_JSON, urls.CLAIMS_CSV] + ([urls.FEED] if analysis.site.settings.base_url else [])
    if previous is not None and not changed and all(p in previous.outputs for p in whole):
        files.update({p: previous.outputs[p] for p in whole})
        return files, exports
    files[urls.CLAIMS_JSON] = b"".join(claims_json(export.json for export in exports.values()))
    files[urls.CLAIMS_CSV] = b"".join(claims_csv(export.rows for export in exports.values()))
    if analysis.site.settings.base_url:
        files[urls.FEED] = publish.feed(analysis)
    return files, exports


def _changed(parts: dict[str, object], previous: Rendered) -> set[str]:
    """The keys of `PageSpec.depends` whose claim, source or page is not what it was in `previous`;
    every key when the desk lists them in another order: each list shows its claims (a source's page
    its figures...) in the desk's order, and claims.json too, whichever claims it depends on."""
    keys = parts.keys() | previous.parts.keys()
    changed = {k for k in keys if parts.get(k) != previous.parts.get(k)}
    return set(keys) if ORDER in changed else changed


def same_files(old: Analysis, old_specs: list[PageSpec], new: Analysis, new_specs: list[PageSpec]) -> frozenset[str]:
    """The files that render byte for byte the same from `old` and from `new` (each with its `page_specs`):
    each page of both that shows nothing that differs between them, and the JSON file of each claim that
    is the same in both; none when the templates, the settings or the navigation differ."""
    mark = fingerprint(new)
    if fingerprint(old) != mark:
        return frozenset()
    before = streamed_render(old, old_specs, mark, {}, {})
    changed = _changed(_parts(new), before)
    same = {
        path
        for spec in new_specs
        if (path := urls.file_of(spec.url)) in before.depends and not _touched(spec, before, changed)
    }
    # Not changed: in both, and equal (a claim only in one is changed, its part None in the other).
    same.update(urls.claim_data(a.claim.id) for a in new.claims if f"claim:{a.claim.id}" not in changed)
    return frozenset(same)


def _touched(spec: PageSpec, previous: Rendered, changed: set[str]) -> bool:
    """Whether a page shows anything that changed, now or in the previous build."""
    if not changed:
        return False
    before = previous.depends.get(urls.file_of(spec.url), frozenset())
    if spec.depends is None or before is None:
        return True
    return not changed.isdisjoint(spec.depends | before)


def _static(name: str) -> bytes:
    return resources.files("builder.render").joinpath("static", name).read_bytes()

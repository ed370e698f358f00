"""The whole site rendered: every page (`pages.py`) and every other file (the data, the feed, the sitemap,
the static files), kept in memory (`render_site`, for `serve`) or handed to a sink as each is made
(`stream_pages`, `stream_site_files`, for a one-off build); and which pages a change touches.

Each page is rendered once from the indexes of the analysis; no page scans all claims.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from importlib import resources
from typing import Generic, TypeVar

from builder.analyse.analysis import Analysis, ClaimAnalysis
from builder.check.schema import json_schema_bytes
from builder.files import Kept, Output
from builder.render import embeds, parallel, publish, urls
from builder.render.cards import Drawing, image_jobs, image_paths
from builder.render.exports import ClaimExport, claim_export, claim_json, claim_rows, claims_csv, claims_json
from builder.render.localised import localised
from builder.render.pages import (
    PageSpec,
    environment,
    fingerprint,
    page_specs,
    render_page,
)


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


ORDER = "order"
"""The part that is the order in which the desk lists its claims, sources and pages."""
SETTINGS = "settings"
"""The part that is the site's settings, which a claim's images show (its title, address, language)."""


def _parts(analysis: Analysis) -> dict[str, object]:
    parts: dict[str, object] = {f"claim:{c.claim.id}": c for c in analysis.claims}
    parts.update({f"source:{s.id}": s for s in analysis.site.sources.values()})
    parts.update({f"page:{p.name}": p for p in analysis.site.pages})
    site = analysis.site
    parts[ORDER] = (tuple(c.claim.id for c in analysis.claims), tuple(site.sources), tuple(p.name for p in site.pages))
    parts[SETTINGS] = site.settings
    return parts


def render_site(
    analysis: Analysis,
    previous: Rendered | None = None,
    ready: Mapping[str, bytes] | None = None,
    drawing: Drawing | None = None,
) -> Rendered:
    """Every output file by its path, kept in memory: rendered by the one path a build streams through
    (`stream_pages`, `stream_site_files`), into a dict. With `previous`, only the files that show something
    changed are made again; those of `ready` (by path: the page of a claim the preview wrote first) are
    taken as they are. With `drawing`, each claim's images too (`cards`): those of a claim that did not
    change are kept even when every page is made again (a template changed), as they show none."""
    mark = fingerprint(analysis, cards=drawing is not None)
    parts = _parts(analysis)
    differs = _changed(parts, previous) if previous is not None else None  # compared once, for pages and images
    images_known = _images_known(analysis, previous, differs) if drawing is not None else {}
    if previous is not None and differs is not None and previous.fingerprint == mark:
        changed = differs
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
        elif ready and path in ready:
            outputs[path] = ready[path]
        else:
            outputs[path] = b""  # keeps the site map's order; filled below
            todo.append(spec)
    exports: dict[str, ClaimExport] = {}
    again: list[ClaimAnalysis] = []
    known_exports = previous.exports if previous is not None else {}
    known_files = previous.outputs if previous is not None else {}
    redraw: list[ClaimAnalysis] = []
    for analysed in analysis.claims:
        claim_id, path = analysed.claim.id, urls.claim_data(analysed.claim.id)
        known = known_exports.get(claim_id)
        if known is not None and f"claim:{claim_id}" not in changed and path in known_files:
            exports[claim_id], outputs[path] = known, known_files[path]
        else:
            exports[claim_id], outputs[path] = claim_export(analysed), b""
            again.append(analysed)
        if drawing is not None:
            images = image_paths(analysed)
            if all(image in images_known for image in images):
                outputs.update({image: images_known[image] for image in images})
            else:
                redraw.append(analysed)
    made = stream_pages(analysis, todo, mark, _in_memory, exports, claims=again, drawing=drawing, drawn=redraw)
    outputs.update(made.files)
    whole = [urls.CLAIMS_JSON, urls.CLAIMS_CSV, *publish.from_claims_paths(analysis.site)]
    if previous is not None and not changed and all(path in previous.outputs for path in whole):
        outputs.update({path: previous.outputs[path] for path in whole})
        outputs.update(_site_files(analysis, outputs))
    else:
        outputs.update(stream_site_files(analysis, list(outputs), _in_memory, exports))
    return Rendered(mark, parts, depends, outputs, exports)


def _images_known(analysis: Analysis, previous: Rendered | None, changed: set[str] | None) -> dict[str, Output]:
    """The images of `previous` that show what they showed: those of each claim that did not change (`changed`,
    the parts that differ from it), when the settings did not (whatever became of the templates)."""
    if previous is None or changed is None or SETTINGS in changed:  # settings the previous lacks differ too
        return {}
    return {
        image: previous.outputs[image]
        for analysed in analysis.claims
        if f"claim:{analysed.claim.id}" not in changed
        for image in image_paths(analysed)
        if image in previous.outputs
    }


def _in_memory(path: str, data: bytes | Iterable[bytes]) -> bytes:
    """The sink of a render kept in memory: each file's bytes, whole."""
    return data if isinstance(data, bytes) else b"".join(data)


def _site_files(analysis: Analysis, files: Collection[str]) -> dict[str, bytes]:
    """The static files, the schema, and the published files made beside the pages of `files`."""
    settings = analysis.site.settings
    made = {
        urls.STYLESHEET: _static("style.css"),
        urls.SEARCH_START: _static("search.js"),
        urls.FAVICON: _static("favicon.svg"),
        urls.DISCREPANCY_TOOLS: _static("discrepancies.js"),
        urls.EMBED_STYLESHEET: embeds.stylesheet(_static("style.css"), _static("embed.css")),
        urls.EMBED_RESIZE: _static("embed-resize.js"),
        urls.EMBED_HOST: _static("embed-host.js"),
        urls.PARTY_TOOLS: _static("parties.js"),
        urls.SCHEMA: json_schema_bytes(),
    }
    made.update(publish.beside_pages(settings, [*files, *made]))
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
    drawing: Drawing | None = None,
    drawn: Iterable[ClaimAnalysis] | None = None,
    published: bool = False,
) -> Streamed[T]:
    """Every page of `specs` (the site's `page_specs`) and each claim's JSON (of `claims`, every claim
    unless told) handed to `sink` as soon as it is made, none kept.

    For a full build of a large desk: made on every core (each worker calls `sink` itself),
    so that no process holds more than the page it is making. A claim's JSON is taken from
    `exports` when given, else made by the worker, with the claim's rows of `claims.csv` too
    when `rows` is asked for (from the same data, made once, on every core, rather than by
    `claims.csv` alone after the pages). `mark` is the site's
    `fingerprint`, taken before.

    With `drawing`, each claim's images too (`cards.image_jobs`: of `drawn`, else of `claims`), made by
    the same workers: rasterising them is most of their cost. With `published`, the files published from
    the claims (`publish.from_claims`: the feeds) too, each by one worker beside the pages, rather than
    after them by `stream_site_files`, which is then told so.
    """
    settings = analysis.site.settings
    env = environment(analysis.site.template_dir, mark, settings.language)
    common = {"analysis": analysis, "site": analysis.site, "settings": settings, "cards": drawing is not None}
    jobs: list[Job] = []
    if published:  # first: the costliest single files, so that no process ends the render making one alone
        jobs.extend(
            [(path, partial(make, analysis))] for path, make in publish.from_claims_makers(analysis.site).items()
        )
    jobs.extend(_page_jobs(specs, partial(render_page, env, common)))
    claim_ids: dict[str, str] = {}  # a claim's JSON file: its claim
    claimed = list(claims) if claims is not None else None
    for analysed in analysis.claims if claimed is None else claimed:
        claim_id = analysed.claim.id
        made: Callable[[], bytes | ClaimExport]
        if exports is not None:
            made = partial(_export_json, exports, claim_id)
        else:
            made = partial(claim_export if rows else claim_json, analysed)
        claim_ids[urls.claim_data(claim_id)] = claim_id
        jobs.append([(urls.claim_data(claim_id), made)])
    if drawing is not None:
        speech = localised(settings.language)
        for analysed in drawn if drawn is not None else claimed if claimed is not None else analysis.claims:
            jobs.extend([job] for job in image_jobs(analysed, speech, settings, drawing))

    def make(job: Job) -> list[tuple[T, bytes | None]]:
        results: list[tuple[T, bytes | None]] = []
        for path, maker in job:
            data = maker()
            if isinstance(data, ClaimExport):
                results.append((sink(path, data.json), data.rows))
            else:
                results.append((sink(path, data), None))
        return results

    files: dict[str, T] = {}
    csv_rows: dict[str, bytes] = {}
    for job, results in zip(jobs, parallel.map_pages(make, jobs), strict=True):
        for (path, _), (result, made_rows) in zip(job, results, strict=True):
            files[path] = result
            if made_rows is not None:
                csv_rows[claim_ids[path]] = made_rows
    return Streamed(files, csv_rows)


Job = list[tuple[str, Callable[[], bytes | ClaimExport]]]
"""One or more files, made in order by one worker."""


def _page_jobs(specs: Iterable[PageSpec], render: Callable[[PageSpec], bytes]) -> list[Job]:
    """A job for each page, but the pages of a group (`PageSpec.group`), which one worker makes in order."""
    jobs: list[Job] = []
    group: str | None = None
    for spec in specs:
        job = (urls.file_of(spec.url), partial(render, spec))
        if spec.group is not None and spec.group == group:
            jobs[-1].append(job)
        else:
            jobs.append([job])
        group = spec.group
    return jobs


def _export_json(exports: dict[str, ClaimExport], claim_id: str) -> bytes:
    return exports[claim_id].json


def stream_site_files(
    analysis: Analysis,
    made: Collection[str],
    sink: Callable[[str, bytes | Iterable[bytes]], T],
    exports: dict[str, ClaimExport] | None = None,
    claim_file: Callable[[str], bytes] | None = None,
    rows: dict[str, bytes] | None = None,
    published: bool = False,
) -> dict[str, T]:
    """The files made from the whole site (claims.json, claims.csv, the feed, the sitemap of `made`...)
    to `sink`; the exports in parts, from `exports`, else from each claim's JSON file as `stream_pages`
    made it, read back by `claim_file(path)`, and its rows as it made them (`rows`, by claim id), each
    made again where not given; the feeds but when `stream_pages` made them (`published`)."""
    if exports is not None:
        files: dict[str, bytes | Iterable[bytes]] = {
            urls.CLAIMS_JSON: claims_json(export.json for export in exports.values()),
            urls.CLAIMS_CSV: claims_csv(export.rows for export in exports.values()),
        }
    else:
        # Each claim's JSON read back rather than made again: reading is the cheaper by far.
        claim_files = (
            claim_file(urls.claim_data(analysed.claim.id)) if claim_file is not None else claim_json(analysed)
            for analysed in analysis.claims
        )
        given = rows if rows is not None else {}
        claim_csv = (given.get(analysed.claim.id) or claim_rows(analysed) for analysed in analysis.claims)
        files = {urls.CLAIMS_JSON: claims_json(claim_files), urls.CLAIMS_CSV: claims_csv(claim_csv)}
    if not published:
        files.update(publish.from_claims(analysis))
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

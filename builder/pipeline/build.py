"""The build, as the list of its stages: load, validate, analyse, render, write."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path

from jinja2 import TemplateError

from builder.analyse.analysis import Analysis, with_edited_claim
from builder.check.outline import Outline
from builder.check.schema import json_schema_bytes
from builder.files import Kept, Output, atomic_write
from builder.pipeline.documents import _documents, _read_from
from builder.pipeline.indexing import Indexing
from builder.pipeline.quick import Edit, edited_claim_page
from builder.pipeline.stages import (
    BuildResult,
    Progress,
    Timings,
    _rendered,
    analysed,
    drawing_of,
    render,
    template_location,
    without_cycle_collection,
)
from builder.pipeline.streamed import Staged, _give_back_memory, _read, _staging_sink
from builder.problems import Location, Problem, Problems
from builder.read import yamlpieces, yamlsource
from builder.read.load import CLAIMS_FILE, read_text
from builder.render import urls
from builder.render.pagefind import SearchUnavailable
from builder.render.pages import compile_templates, fingerprint, page_specs
from builder.render.search import BUNDLE, Scratch, index_fed
from builder.render.site import Rendered, claim_exports, stream_pages, stream_site_files, streamed_render
from builder.write import uptodate
from builder.write.lock import identity, lock_file, output_lock
from builder.write.staging import Staging
from builder.write.writer import Lost, OutputError, WriteReport, check_output, protected_folders, write_site


def build(
    root: Path,
    out: Path,
    digest: str | None = None,
    progress: Progress | None = None,
    search: bool = True,
    cards: bool = True,
) -> BuildResult:
    """Build the site at `root` into `out`; on any problem, `out` is left as it was.

    When nothing it reads has changed since the last build and the output is as that
    build left it, nothing is done (see `uptodate`). `digest` is that of the inputs when
    the caller found the last build no longer current. `progress` is told each stage as it starts.
    Without `search`, the site is written without its search index, and Pagefind is not run; without
    `cards`, without the claims' images (share cards, charts to download), and the pages name none.
    """
    return Session(root, out, cards=cards).build(search=search, reuse=True, once=True, digest=digest, progress=progress)


SCHEMA_FILE = "claims.schema.json"


class Session(Indexing):
    """One site built again and again (by `serve`), each build redoing only what changed since the last good one."""

    def __init__(self, root: Path, out: Path, cards: bool = True) -> None:
        self.root = root
        self.out = out
        self.cards = cards
        """Whether each claim's images are drawn (`render.cards`)."""
        self.protected = protected_folders(root)
        self.last: Rendered | None = None
        self.analysis: Analysis | None = None
        self.read: tuple[str, yamlpieces.Cut] | None = None
        """The text and pieces of `claims.yaml` that the last good build read."""
        self.bundle: dict[str, Output] | None = None
        """The search index's files, as the last build wrote them."""
        self.warnings: tuple[Problem, ...] = ()
        """What reading and checking the site warned of in the last good build."""
        self.stamps: tuple[object, ...] | None = None
        """The inputs but `claims.yaml` as they stood when the last good build started (`uptodate.stamps`)."""
        self.inputs: tuple[str, ...] = ()
        """The files of the desk the last good build read (`BuildResult.read`)."""
        self.edit: Edit | None = None
        """The save that `edited_page` found changed one claim, for the next build to start from."""
        self.written: tuple[int, ...] | None = None
        """The output folder as this session last left it (`lock.identity`): another writer changed it
        when it differs."""
        self.lock = lock_file(out)
        """The lock that lets one writer at a time write `out` (`lock.output_lock`)."""

    def edited_page(self) -> str | None:
        """After a save of one claim in `claims.yaml`, that claim's page written at once (see `quick`);
        the output path, or None when the next `build` must do all. Call `build` after it either way:
        when nothing but that claim has changed since the last good build, it starts from that build's
        analysis with the edited claim in it instead of reading and checking every claim again."""
        self.edit = None
        if self.analysis is None or self.read is None:
            return None
        with output_lock(self.lock), without_cycle_collection():
            self.edit = edited_claim_page(self.root, self.out, self.analysis, self.read, self.cards)
        return self.edit.page if self.edit is not None else None

    def build(
        self,
        search: bool = True,
        reuse: bool = False,
        once: bool = False,
        digest: str | None = None,
        progress: Progress | None = None,
        adopt: bool = False,
    ) -> BuildResult:
        """Build once. Without `search`, the search index of the last build is kept as it was.

        With `reuse`, a first build whose inputs and output are those of the last build
        (of any process) does nothing. A first build writes each file as it is made (by the
        render workers), keeping its digest for the next build to compare with, or with
        `once` nothing at all (a one-off build: no next build to start from).

        With `adopt` (`serve`'s first build), a first build that finds the last build current
        (its inputs those of `digest`, or as they are now, and its output untouched) starts the
        session from that site: it reads and checks the desk as any build does, and reads each
        file for its digest instead of rendering and writing it again (`result.current` is then
        the number of files). Otherwise it builds, and records itself for the next session to start from.
        """
        # The write too: comparing and writing 30,000 files makes enough objects to start the
        # cycle collector over the whole analysis again and again, a large part of a rebuild.
        with output_lock(self.lock), without_cycle_collection():
            if self.last is not None and identity(self.out) != self.written:
                # Another writer (`factsheet build` while `serve` runs) replaced the site since this session
                # wrote it: what the session knows of its files is wrong; start again from the desk, and
                # index again, since the other build may have written the site with no index or another one.
                self.last, self.bundle, search = None, None, True
            result = self._build(search, reuse, once, digest, progress, adopt)
            self.written = identity(self.out)
        if self.last is not None:
            _give_back_memory()  # a session goes on, holding the digests of the site, not its bytes
        return result

    def _without_building(
        self,
        search: bool,
        reuse: bool,
        digest: str | None,
        stamps: tuple[object, ...] | None,
        progress: Progress | None,
        adopt: bool,
    ) -> tuple[BuildResult | None, str | None]:
        """The result of a build that need not run (the site on disk adopted, or still current), else None;
        with the digest of the inputs that the build then records (None: it records none)."""
        if adopt and self.last is None:
            digest, found = uptodate.last_build(self.root, self.out, digest=digest, cards=self.cards)
            return (self._adopted(found, stamps, progress) if found is not None else None), digest
        if not reuse or self.last is not None:
            return None, None
        if digest is None:
            timings = Timings()
            with timings.stage("up-to-date check"):
                digest, found = uptodate.last_build(self.root, self.out, search=search, cards=self.cards)
            if found is not None:
                result = BuildResult(Problems(), timings=timings, current=found.files)
                for warning in found.warnings:
                    result.problems.add(warning)
                return result, digest
        return None, digest

    def _build(
        self, search: bool, reuse: bool, once: bool, digest: str | None, progress: Progress | None, adopt: bool
    ) -> BuildResult:
        check_output(self.out, self.protected)
        edit, self.edit = self.edit, None
        # Taken before anything is read: a file changed while this build reads it differs from them.
        stamps = uptodate.stamps(self.root, self.out, CLAIMS_FILE, self.inputs) if not once else None
        done, digest = self._without_building(search, reuse, digest, stamps, progress, adopt)
        if done is not None:
            return done
        if self.last is None:
            staging = Staging.make(self.out, self.protected)
            if staging is not None:
                result = self._streamed(staging, search, keep=not once, progress=progress)
                if result.ok:
                    self.stamps, self.inputs = stamps, result.read
                    self._schema_beside_claims()
                    self._record(digest, result)
                return result
        if edit is not None and self._stands(edit, stamps):
            result, rendered = self._render_edit(edit)
        else:
            edit = None
            result, rendered = render(self.root, self.last, self.cards)
        if rendered is None or result.outputs is None:
            return result
        warnings = tuple(result.problems.sorted())  # those of reading and checking: search's come next
        uptodate.forget(self.root)
        # Pagefind indexes (in its own process) while the pages are written; its files come last.
        pages = dict(result.outputs)
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="factsheet-search") as searching:
                # Without `search`, a session keeps the last index; a first one indexes unless it is a
                # one-off build asked to write no index (`--no-search`).
                again = search or (self.bundle is None and not once)
                bundle = searching.submit(self._timed_search, result, again, pages)
                with result.timings.stage("write"):
                    known = self.last.outputs if self.last else None
                    result.report = write_site(result.outputs, self.out, self.protected, known, later=bundle.result)
        except Lost:
            # A file of the last build, of which only the digest is kept, was removed from the
            # output behind our back: render everything again.
            self.last = None
            return self._build(search, reuse=False, once=False, digest=None, progress=progress, adopt=False)
        self.last = rendered.kept()
        result.outputs = self.last.outputs  # written: the bytes of the whole site can go now
        self.analysis = result.analysis
        self.read = edit.read if edit is not None else _read_from(result.site)
        self.warnings, self.stamps, self.inputs = warnings, stamps, result.read
        self._schema_beside_claims()
        self._record(digest, result)
        return result

    def _record(self, digest: str | None, result: BuildResult) -> None:
        """The site just written recorded as what inputs of `digest` make, when the build was given one. A site
        written without search is not: the next build tries again (Pagefind installed since the warning, or
        its failure passed: a full /dev/shm...)."""
        if digest is not None and not result.without_search:
            uptodate.record(self.root, self.out, digest, result.problems.sorted(), result.read, result.stamped)

    def _adopted(
        self, found: uptodate.Current, stamps: tuple[object, ...] | None, progress: Progress | None
    ) -> BuildResult | None:
        """The session started from the current site that `found` describes: the desk read, checked and
        analysed, and each file of the site read for its digest, as a first build would have kept it
        (a fraction of what rendering and writing the site again takes; see docs/speed.md). None when the
        desk does not check (then the build that follows says why) or a file cannot be read."""
        result = analysed(self.root, timings=Timings(progress=progress))
        analysis = result.analysis
        if analysis is None:
            return None
        warnings = tuple(result.problems.sorted())  # those of reading and checking, as a build keeps them
        with result.timings.stage("read the site"):
            base = os.path.join(self.out, "")
            try:
                outputs: dict[str, Output] = {path: Kept.of(_read(base + path)) for path in found.paths}
            except OSError:
                return None
            specs, mark = list(page_specs(analysis)), fingerprint(analysis, self.cards)
            self.last = streamed_render(analysis, specs, mark, outputs, claim_exports(analysis))
            compile_templates(analysis, mark)
        self.analysis, self.warnings, self.stamps, self.inputs = analysis, warnings, stamps, result.read
        self.read = _read_from(result.site)
        # No index in the site (Pagefind could not run when it was built): the next build tries again.
        self.bundle = {path: kept for path, kept in outputs.items() if path.startswith(BUNDLE)} or None
        self._schema_beside_claims()
        adopted = BuildResult(Problems(), result.site, analysis, self.last.outputs, timings=result.timings)
        for warning in found.warnings:  # the last build's, search's too: the same inputs give the same
            adopted.problems.add(warning)
        adopted.report = WriteReport((), len(outputs), ())
        adopted.current = len(outputs)
        return adopted

    def _stands(self, edit: Edit, stamps: tuple[object, ...] | None) -> bool:
        """Whether `edit` is still all that changed since the last good build: `claims.yaml` reads as
        the edit left it, and no other input has moved."""
        if stamps is None or stamps != self.stamps:
            return False
        return read_text(self.root, CLAIMS_FILE, Problems(), Location(CLAIMS_FILE)) == edit.text

    def _render_edit(self, edit: Edit) -> tuple[BuildResult, Rendered | None]:
        """The site after `edit`, from the last good analysis with the edited claim in it: the claim was
        checked as `validate` checks it, and everything else the analysis was made of is as it was."""
        assert self.analysis is not None
        site = self.analysis.site
        claims = list(site.claims)
        claims[edit.index] = edit.analysed.claim
        result = BuildResult(Problems(), site=replace(site, claims=tuple(claims)), read=self.inputs)
        for warning in self.warnings:
            result.problems.add(warning)
        with without_cycle_collection():
            with result.timings.stage("analyse"):
                result.analysis = with_edited_claim(self.analysis, result.site, edit.analysed)
            # The claim's page is on disk as the preview wrote it: rendered once a save, not again here.
            return _rendered(result, self.root, self.last, {edit.page: edit.written}, self.cards)

    def _schema_beside_claims(self) -> None:
        """`claims.schema.json` next to `claims.yaml`, which names it for editors' YAML language servers."""
        path = self.root / SCHEMA_FILE
        data = json_schema_bytes()
        try:
            if path.is_file() and path.read_bytes() == data:
                return
            atomic_write(path, data)
        except OSError as error:
            raise OutputError(f"cannot write {path}: {error.strerror}") from error

    def _streamed(self, staging: Staging, search: bool, keep: bool, progress: Progress | None = None) -> BuildResult:
        """A full build written into `staging` as each file is made, then swapped in (see `stream_pages`);
        with `keep`, the digest of each file kept for the next build, and what it reads."""
        scratch: Scratch | None = None
        try:
            with without_cycle_collection():
                # The output's folders and files made by another process while this one checks the desk.
                def prepare(desk: Outline) -> None:
                    staging.prepare(urls.skeleton(desk.claims, desk.sources, oembed=desk.base_url))

                result = analysed(self.root, once=not keep, timings=Timings(progress=progress), outlined=prepare)
                analysis = result.analysis
                if analysis is None:
                    return result
                warnings = result.problems.sorted()  # those of reading and checking: search's come next
                # The templates as this build renders with them, read once: a session's next build
                # renders every page again if any has changed since.
                mark = fingerprint(analysis, self.cards)
                drawing = drawing_of(analysis, self.root) if self.cards else None
                # Made once, for the render and the session; what each page shows, only for a session's next build.
                specs = list(page_specs(analysis, depends=keep))
                exports = None
                if keep:
                    # Made before the workers start, which then only write them: the session keeps them.
                    exports = claim_exports(analysis)
                else:
                    # A one-off build reads no file again, and reports nothing more at a position.
                    yamlsource.forget()
                    yamlsource.release(_documents(analysis.site))
                if search:
                    try:
                        scratch = Scratch()
                    except SearchUnavailable as error:
                        self._no_search(result, error)

                sink = _staging_sink(staging, scratch, keep)
                with result.timings.stage("render"):
                    try:
                        # A one-off build's rows of claims.csv made by the workers, beside each claim's JSON.
                        streamed = stream_pages(
                            analysis, specs, mark, sink, exports, rows=exports is None, drawing=drawing, published=True
                        )
                    except TemplateError as error:
                        where = template_location(error, self.root)
                        result.problems.error(where, f"template: {error.message or error}")
                        return result
                made = streamed.files
                fed = {path: staged.fed for path, staged in made.items() if staged.fed is not None}
                # Pagefind indexes (in its own process) while the files made from the whole site are;
                # each shard's files are staged as soon as it is done, by the thread that waited for it.
                indexed: dict[str, Staged] = {}

                def put(path: str, data: bytes) -> None:
                    indexed[path] = Staged(*staging.put(path, data), None, Kept.of(data) if keep else None)

                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="factsheet-search") as searching:
                    bundle = None
                    if scratch is not None:
                        index = partial(index_fed, scratch, fed, put=put)
                        bundle = searching.submit(self._timed_index, result, index)
                    with result.timings.stage("write"):
                        made.update(
                            stream_site_files(
                                analysis, made, sink, exports, staging.staged, streamed.rows, published=True
                            )
                        )
                        if bundle is not None and not bundle.result():  # Pagefind could not run: no search
                            staging.discard(BUNDLE)
                            indexed.clear()
                        made.update(indexed)
                        uptodate.forget(self.root)
                        result.report = staging.finish([path for path, staged in made.items() if staged.new], made)
                        result.stamped = {path: staged.stamp for path, staged in made.items()}
            self.analysis = analysis
            self.warnings = tuple(warnings)
            if exports is not None:  # made for a session that goes on
                outputs: dict[str, Output] = {path: staged.kept for path, staged in made.items() if staged.kept}
                self.last = streamed_render(analysis, specs, mark, outputs, exports)
                result.outputs = self.last.outputs
                self.read = _read_from(result.site)
                # Without search asked for, none yet; when Pagefind could not run, none (and no retrying).
                self.bundle = {path: outputs[path] for path in indexed} if search else None
            return result
        finally:
            staging.abandon()
            if scratch is not None:
                scratch.close()

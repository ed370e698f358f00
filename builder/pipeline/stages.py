"""The stages run in order and timed: read and check (`check`), the history, the analysis, the render in
memory (`render`): what a build, the live session and the review of a revision each start from."""

from __future__ import annotations

import gc
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from builder.analyse import corrections
from builder.analyse.analysis import Analysis, analyse
from builder.analyse.history import with_history
from builder.check.model import Site
from builder.check.outline import Outline, outline
from builder.check.validate import validate
from builder.files import Output
from builder.problems import Location, Problems
from builder.read import cache, yamlsource
from builder.read.load import load_site
from builder.render.cards import CACHE, Drawing
from builder.render.site import Rendered, render_site
from builder.write.writer import WriteReport

Progress = Callable[[str], object]
"""Told the name of each stage of a build as it starts (see `progress.on_terminal`)."""


@dataclass
class Timings:
    """Milliseconds spent in each stage, for progress lines and the benchmark."""

    stages: dict[str, float] = field(default_factory=dict)
    progress: Progress | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + (time.perf_counter() - start) * 1000


@dataclass
class BuildResult:
    problems: Problems
    site: Site | None = None
    analysis: Analysis | None = None
    outputs: dict[str, Output] | None = None
    """Every file of the site: its bytes (`render`), or its `Kept` digest once a `Session` has written it."""
    report: WriteReport | None = None
    timings: Timings = field(default_factory=Timings)
    current: int | None = None
    """When the last build was still current and nothing was done: how many files it holds."""
    read: tuple[str, ...] = ()
    """Every file of the desk the build read (templates aside), by its path in the desk."""
    without_search: bool = False
    """Whether Pagefind could not run, and the site was written without search."""
    stamped: dict[str, list[int]] | None = None
    """The `uptodate.stamp` of each file, as a streamed build took it when it staged the file."""

    @property
    def files(self) -> int:
        """How many files the site has (a streamed build keeps none of them in `outputs`)."""
        if self.outputs is not None:
            return len(self.outputs)
        if self.report is not None:
            return len(self.report.written) + self.report.unchanged
        return self.current or 0

    @property
    def ok(self) -> bool:
        return not self.problems.has_errors


def template_location(error: TemplateError, root: Path) -> Location:
    """Where in a template a rendering failed: the innermost template frame of the traceback."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return Location(_shown(Path(error.filename), root), error.lineno or 1)
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return Location(_shown(Path(frame.filename), root), frame.lineno or 1)
    return Location("templates")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def check(
    root: Path, timings: Timings | None = None, once: bool = False, outlined: Callable[[Outline], None] | None = None
) -> BuildResult:
    """Load and validate, writing nothing; with `once`, for a build that reads nothing again (see `validate`).
    `outlined` is given the desk's `Outline` as soon as it is read, before it is checked."""
    result = BuildResult(Problems(), timings=timings or Timings())
    with without_cycle_collection(), result.timings.stage("load"):
        loaded = load_site(root, result.problems)
    if outlined is not None:
        outlined(outline(loaded))
    result.read = loaded.files()
    if once:
        yamlsource.forget()  # the pieces kept for a next read, which hold the data too
    with without_cycle_collection(), result.timings.stage("validate"):
        result.site = validate(loaded, result.problems, let_go=once)
    return result


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """A build makes millions of objects and no garbage cycles worth finding; Python's cycle
    collector would walk the growing heap again and again (much of the time of reading and
    validating a large desk), so it waits until the build is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render(root: Path, previous: Rendered | None = None, cards: bool = True) -> tuple[BuildResult, Rendered | None]:
    """Everything but the write: the output files, in memory, redoing only what changed since `previous`;
    with `cards`, each claim's images too."""
    with without_cycle_collection():
        return _render(root, previous, cards)


def analysed(
    root: Path,
    once: bool = False,
    timings: Timings | None = None,
    outlined: Callable[[Outline], None] | None = None,
) -> BuildResult:
    """Load, validate, the history from git, analyse; `analysis` is None when the data has errors. What
    `factsheet check` runs, so that it warns of all a build would (the corrections need the analysis).
    `outlined`: as `check` takes it."""
    result = check(root, timings, once=once, outlined=outlined)
    if result.site is None:
        return result
    with result.timings.stage("history"):
        result.site = with_history(result.site, result.problems)
    with result.timings.stage("analyse"):
        result.analysis = analyse(result.site)
    analysis = result.analysis
    claims = ((c.claim, c.corrections) for c in analysis.claims)
    for where, message in corrections.problems_of(result.site, claims, len(analysis.corrections)):
        result.problems.warning(where, message)
    return result


def _render(root: Path, previous: Rendered | None, cards: bool) -> tuple[BuildResult, Rendered | None]:
    result = analysed(root)
    if result.analysis is None:
        return result, None
    return _rendered(result, root, previous, cards=cards)


def drawing_of(analysis: Analysis, root: Path) -> Drawing:
    """How a build of the site at `root` draws its images: in its language's fonts, cached in its
    `.factsheet-cache/` (when it can be made: else drawn each time)."""
    try:
        place: Path | None = cache.made(root) / CACHE
    except OSError:
        place = None
    return Drawing.of(analysis.site.settings.language, place)


def _rendered(
    result: BuildResult,
    root: Path,
    previous: Rendered | None,
    ready: dict[str, bytes] | None = None,
    cards: bool = False,
) -> tuple[BuildResult, Rendered | None]:
    """The output files of the analysis of `result`, redoing only what changed since `previous` and is not
    `ready` (see `render_site`); with `cards`, each claim's images too."""
    assert result.analysis is not None
    drawing = drawing_of(result.analysis, root) if cards else None
    with result.timings.stage("render"):
        try:
            rendered = render_site(result.analysis, previous, ready, drawing)
        except TemplateError as error:
            result.problems.error(template_location(error, root), f"template: {error.message or error}")
            return result, None
    result.outputs = rendered.outputs
    return result, rendered

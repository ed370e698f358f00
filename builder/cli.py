"""The command line: `factsheet build`, `check`, `serve`, `diff`, `init`."""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
from pathlib import Path

import click

from builder import __version__, progress
from builder.problems import Problem, Problems
from builder.words import plural
from builder.write import uptodate
from builder.write.writer import OutputError, check_output, protected_folders

# `builder.build` (pydantic, jinja2, pint...) is imported by the commands that build or check, and
# only then: a build whose last one is still current is done before it would have loaded.

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The site folder, holding claims.yaml.",
)


def _shown_path(root: Path, problem: Problem) -> str:
    """A problem's path as seen from the current folder, so that editors can jump to it."""
    return os.path.relpath(root / problem.location.path).replace(os.sep, "/")


def _text(root: Path, problem: Problem) -> str:
    where = problem.location
    return f"{_shown_path(root, problem)}:{where.line}:{where.col}: {problem.severity.value}: {problem.message}"


def _github(root: Path, problem: Problem) -> str:
    def escape(text: str, in_property: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if in_property else text

    where = problem.location
    return (
        f"::{problem.severity.value} file={escape(_shown_path(root, problem), True)},"
        f"line={where.line},col={where.col}::{escape(problem.message)}"
    )


def report(root: Path, found: Problems, form: str = "text", consequence: str = "nothing was written") -> None:
    """The problems found, each at its line; in text, on standard error, with their count (see STREAMS)."""
    problems = found.sorted()
    if form == "json":
        data = [
            {
                "path": _shown_path(root, p),
                "line": p.location.line,
                "column": p.location.col,
                "severity": p.severity.value,
                "message": p.message,
            }
            for p in problems
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    show = _github if form == "github" else _text
    for problem in problems:
        click.echo(show(root, problem), err=form == "text")
    errors = found.error_count
    if errors and form == "text":
        click.echo(f"{plural(errors, 'error')}; {consequence.format(them='it' if errors == 1 else 'them')}.", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factsheet")
def main() -> None:
    """factsheet: fact-comparison pages from claims.yaml."""


OWN_PROCESS = "own process"
"""`main`'s context object when the command line has the process to itself (`factsheet`, `python -m
builder`), not `main` called within another program (a test's CliRunner): a one-off build then ends it."""


def program() -> None:
    """The installed `factsheet` command."""
    main(obj=OWN_PROCESS)


@main.command("build")
@ROOT_OPTION
@click.option("--out", type=click.Path(path_type=Path), default=None, help="The output folder.  [default: ROOT/site]")
@click.option(
    "--no-search",
    "no_search",
    is_flag=True,
    help="Write the site without its search index (Pagefind is most of a large desk's build).",
)
@click.option(
    "--no-cards",
    "no_cards",
    is_flag=True,
    help="Write the site without each claim's images: share cards, and its chart as SVG and PNG to download.",
)
def build_command(root: Path, out: Path | None, no_search: bool, no_cards: bool) -> None:
    """Validate, analyse and write the site."""
    out = out.expanduser() if out is not None else root / "site"  # a quoted '~' is the home folder too
    signal.signal(signal.SIGTERM, _terminated)
    own_process = click.get_current_context().obj == OWN_PROCESS
    if own_process:
        # What the build makes lives until the process ends: the cycle collector, were it enabled again
        # after the build, would walk it all once more, a large desk's worth of objects, for nothing to free.
        gc.disable()
    try:
        check_output(out, protected_folders(root))
        # Asked here, before the pipeline is imported (a large part of a build that then finds nothing to do).
        digest, current = uptodate.last_build(root, out, search=not no_search, cards=not no_cards)
        if current is not None:
            _report_current(root, out, current)
            return
        from builder.pipeline.build import build

        result = build(root, out, digest, progress.on_terminal(), search=not no_search, cards=not no_cards)
    except OutputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    report(root, result.problems)
    if not result.ok or result.report is None:
        sys.exit(1)
    written = result.report
    assert result.analysis is not None
    stages = ", ".join(f"{name} {ms:.0f} ms" for name, ms in result.timings.stages.items())
    counts = f"{len(written.written):,} written, {written.unchanged:,} unchanged, {len(written.removed):,} removed"
    click.echo(
        f"Built {plural(len(result.analysis.claims), 'claim')} into {plural(result.files, 'file')} in {out} "
        f"({counts}; {stages})."
    )
    if written.kept:
        click.echo(kept_line(written.kept))
    _done(0)


def kept_line(kept: tuple[str, ...], shown: int = 5) -> str:
    """The one line that names what the output folder holds that factsheet did not write, and left as it was."""
    names = ", ".join(kept[:shown]) + (f" and {len(kept) - shown} more" if len(kept) > shown else "")
    return f"kept {plural(len(kept), 'file')} factsheet did not write: {names}"


def _done(status: int) -> None:
    """The end of a command that read a whole desk: its process ended at once when the command line owns
    it (see `_end_process`: freeing what a large desk's `check` read is a noticeable part of it);
    else, as click ends a command, with `status` when it is not 0."""
    if click.get_current_context().obj == OWN_PROCESS:
        _end_process(status)
    if status:
        sys.exit(status)


def _end_process(status: int = 0) -> None:
    """The process of a command that is done, ended at once: freeing a large desk's objects one by one, then
    the interpreter's teardown, is slow for a large desk and frees nothing the system would not. Everything
    the command opened is closed by now
    (its files, its staging, scratch and temporary folders, its threads and workers); what it printed is
    flushed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _terminated(signum: int, _frame: object) -> None:
    """A build sent SIGTERM (a CI job cancelled, `timeout`) stops as on Ctrl-C, cleaning up on its way
    out: its render workers stopped, its staging and scratch folders removed, the last site as it was."""
    raise SystemExit(128 + signum)


def _report_current(root: Path, out: Path, current: uptodate.Current) -> None:
    """The last build is still current: its warnings again, and that nothing was done."""
    warnings = Problems()
    for warning in current.warnings:
        warnings.add(warning)
    report(root, warnings)
    click.echo(f"Nothing changed since the last build: 0 written, {current.files:,} unchanged, 0 removed in {out}.")


@main.command("serve")
@ROOT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="The port (or the next free one)."
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="The output folder.  [default: ROOT/site]")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option(
    "--no-cards",
    "no_cards",
    is_flag=True,
    help="Preview without each claim's images (drawing them all is most of a large desk's first build).",
)
def serve_command(root: Path, host: str, port: int, out: Path | None, open_browser: bool, no_cards: bool) -> None:
    """Build, serve and rebuild on every change, reloading the browser."""
    from builder.pipeline.serve import serve

    serve(root, out if out is not None else root / "site", host, port, open_browser, cards=not no_cards)


@main.command("check")
@ROOT_OPTION
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people, github for workflow annotations, json for tools.",
)
def check_command(root: Path, form: str) -> None:
    """Validate the site's data; writes nothing."""
    from builder.pipeline.stages import Timings, analysed

    result = analysed(root, timings=Timings(progress=progress.on_terminal() if form == "text" else None))
    report(root, result.problems, form, consequence="fix {them} and check again")
    if result.ok and form == "text":
        assert result.site is not None
        click.echo(
            f"OK: {plural(len(result.site.claims), 'claim')}, {plural(len(result.site.sources), 'source')}, "
            f"{plural(len(result.site.pages), 'page')}."
        )
    _done(0 if result.ok else 1)


@main.command("diff")
@click.argument("base", required=False, default="HEAD")
@click.argument("head", required=False)
@ROOT_OPTION
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for people, markdown for a pull-request comment, json for tools.",
)
@click.option(
    "--url", "site_url", default=None, help="Link the pages at this address (a preview).  [default: site.base_url]"
)
def diff_command(base: str, head: str | None, root: Path, form: str, site_url: str | None) -> None:
    """What changed in the claims from BASE (default HEAD) to HEAD (default the working tree)."""
    from builder.read import git
    from builder.review import diffreport
    from builder.review.revisions import diff_revisions

    if click.get_current_context().obj == OWN_PROCESS:
        gc.disable()  # as in `build`: the two sites live until the process ends
    try:
        result = diff_revisions(root, base, head)
    except git.GitError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    if form == "markdown":
        click.echo(diffreport.markdown(result, site_url), nl=False)
    else:
        click.echo(diffreport.FORMATS[form](result), nl=False)
    _done(0 if result.comparable else 1)


@main.command("init")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (existing files are kept).")
def init_command(folder: Path, force: bool) -> None:
    """Write a new site into DIR that builds as it is, with a GitHub workflow."""
    from builder.scaffold import EXAMPLE, ScaffoldError, init_site, installed_requirement

    try:
        outcomes = init_site(folder, force)
    except ScaffoldError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for outcome in outcomes:
        if outcome.action == "kept":
            click.echo(f"kept {folder / outcome.path}: a file is already there; it was not replaced", err=True)
        elif outcome.action == "written":
            click.echo(f"wrote {folder / outcome.path}")
    needs = installed_requirement()
    if needs.line is None and any(o.path == "requirements.txt" and o.action == "written" for o in outcomes):
        click.echo(
            f"warning: {folder / 'requirements.txt'}: this factsheet was installed from {needs.origin}; "
            f"write there where CI should install it from (for example {EXAMPLE})",
            err=True,
        )
    click.echo(f"Next: cd {folder} && factsheet serve, and open the address it prints.")

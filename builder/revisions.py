"""A site as it was at a git revision, run through the normal pipeline, and two of them compared.

A revision's files are read out of git's object store (`git ls-tree`, then
one `git cat-file --batch`) into a temporary folder; the working tree, the
index and HEAD are never touched, so a diff is safe in the middle of an edit.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from jinja2 import TemplateError

from builder import git, urls
from builder.analysis import Analysis, analyse
from builder.build import check, template_location, without_cycle_collection
from builder.diff import Revision, SiteDiff, compare, page_diff, settings_diff
from builder.load import CLAIMS_FILE, MAX_FILE_BYTES
from builder.problems import Problems, Severity
from builder.render import Rendered, fingerprint, page_specs, stream_pages, streamed_render, unchanged_files
from builder.writer import Kept

WORKING_TREE = "working tree"
SKIPPED = ("site/", ".factsheet-cache/", ".git/")
"""Never read from a revision: the default output folder, the cache, git's own files."""


@dataclass(frozen=True)
class Snapshot:
    revision: Revision
    analysis: Analysis | None
    outputs: dict[str, bytes]
    """The digest of each page and of `claims.json`, what `page_diff` compares (two sites' bytes held at
    once took 1.2 GB at 10,000 claims)."""
    rendered: Rendered | None = None
    """What the other revision's render can take from this one: each file's digest, what each page shows."""


def diff_revisions(root: Path, base: str = "HEAD", head: str | None = None) -> SiteDiff:
    """The site at `base` against the site at `head` (the working tree when None)."""
    repo = git.repository(root)
    old_commit = git.resolve(repo, base)
    new_commit = git.resolve(repo, head) if head is not None else None
    old = snapshot_at(repo, base, old_commit)
    new = working_tree(root, old) if head is None or new_commit is None else snapshot_at(repo, head, new_commit, old)
    if "invalid" in (old.revision.state, new.revision.state):
        return SiteDiff(old.revision, new.revision)
    claims, sources = compare(old.analysis, new.analysis)
    settings = settings_diff(
        old.analysis.site.settings if old.analysis else None, new.analysis.site.settings if new.analysis else None
    )
    there = new.analysis or old.analysis
    return SiteDiff(
        old.revision,
        new.revision,
        settings=settings,
        claims=claims,
        sources=sources,
        pages=page_diff(old.outputs, new.outputs),
        base_url=there.site.settings.base_url if there else None,
    )


def working_tree(root: Path, base: Snapshot | None = None) -> Snapshot:
    return _run(root, Revision(WORKING_TREE, None, None, "valid"), base)


def snapshot_at(repo: git.Repository, label: str, commit: str, base: Snapshot | None = None) -> Snapshot:
    """The site as committed at `commit`, read into a temporary folder and built in memory; with `base`,
    another revision's snapshot, each page that shows nothing changed since it is taken from it."""
    revision = Revision(label, commit, git.describe(repo, commit).strip(), "valid")
    files = [f for f in git.files_at(repo, commit) if _wanted(f)]
    with tempfile.TemporaryDirectory(prefix="factsheet-rev-") as folder:
        root = Path(folder)
        contents = git.read_blobs(repo, (f.blob for f in files))
        for file in files:
            target = root.joinpath(*PurePosixPath(file.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(contents.get(file.blob, b""))
        return _run(root, revision, base)


def _wanted(file: git.TreeFile) -> bool:
    parts = PurePosixPath(file.path).parts
    safe = bool(parts) and not file.path.startswith("/") and ".." not in parts
    return safe and file.size <= MAX_FILE_BYTES and not file.path.startswith(SKIPPED)


def _run(root: Path, revision: Revision, base: Snapshot | None = None) -> Snapshot:
    """load, validate, analyse, render: the build without history and without writing."""
    # As in a build: the cycle collector, walking the growing heap again and again, made analysing a
    # 10,000-claim desk take 2.1 s instead of 0.5 s.
    with without_cycle_collection():
        return _built(root, revision, base)


def _built(root: Path, revision: Revision, base: Snapshot | None) -> Snapshot:
    if not (root / CLAIMS_FILE).is_file():
        return Snapshot(_as(revision, "absent"), None, {})
    result = check(root)
    if result.site is None:
        return Snapshot(_as(revision, "invalid", result.problems), None, {})
    analysis = analyse(result.site)
    try:
        outputs, rendered = _digests(analysis, base.rendered if base is not None else None)
    except TemplateError as error:
        result.problems.error(template_location(error, root), f"template: {error.message or error}")
        return Snapshot(_as(revision, "invalid", result.problems), None, {})
    return Snapshot(revision, analysis, outputs, rendered)


def _digests(analysis: Analysis, base: Rendered | None) -> tuple[dict[str, bytes], Rendered]:
    """The digest of each page, the pages rendered on every core and none kept, and one for `claims.json`;
    and what a next revision's render can take from this one.

    With `base` (another revision's), a page that shows nothing that changed since, and a claim's JSON
    whose claim did not change, are not rendered again: their digests are the base's, as their bytes
    would be (`render.unchanged_files`); a pull request that edits a few claims renders their pages and
    the lists. `claims.json` is each claim's JSON file joined in the claims' order, so it is the same
    exactly when those are: its digest is made of theirs, not of the file made again (0.55 s at 10,000
    claims)."""
    specs, mark = list(page_specs(analysis)), fingerprint(analysis)
    files = unchanged_files(analysis, specs, mark, base) if base is not None else {}
    made: dict[str, Kept] = {path: kept for path, kept in files.items() if isinstance(kept, Kept)}
    todo = [spec for spec in specs if urls.file_of(spec.url) not in made]
    claims = [c for c in analysis.claims if urls.claim_data(c.claim.id) not in made]
    made.update(stream_pages(analysis, todo, mark, _digest, claims=claims))
    outputs = {path: kept.digest for path, kept in made.items() if path.endswith(".html")}
    whole = hashlib.sha256()
    for analysed in analysis.claims:
        whole.update(made[urls.claim_data(analysed.claim.id)].digest)
    outputs[urls.CLAIMS_JSON] = whole.digest()
    return outputs, streamed_render(analysis, specs, mark, dict(made), {})


def _digest(path: str, data: bytes) -> Kept:
    return Kept.of(data)


def _as(revision: Revision, state: Literal["absent", "invalid"], problems: Problems | None = None) -> Revision:
    errors = tuple(p for p in problems.sorted() if p.severity is Severity.ERROR) if problems else ()
    return replace(revision, state=state, problems=errors)

"""A site as it was at a git revision, run through the normal pipeline, and two of them compared.

A revision's files are read out of git's object store (`git ls-tree`, then
one `git cat-file --batch`) into a temporary folder; the working tree, the
index and HEAD are never touched, so a diff is safe in the middle of an edit.
"""

from __future__ import annotations

import hashlib
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from jinja2 import TemplateError

from builder.analyse.analysis import Analysis, analyse
from builder.pipeline.stages import check, template_location, without_cycle_collection
from builder.problems import Location, Problems, Severity
from builder.read import git
from builder.read.load import CLAIMS_FILE, MAX_FILE_BYTES
from builder.render import urls
from builder.render.pages import PageSpec, fingerprint, page_specs
from builder.render.site import same_files, stream_pages
from builder.review.diff import Revision, SiteDiff, compare, page_diff, settings_diff

WORKING_TREE = "working tree"
SKIPPED = ("site/", ".factsheet-cache/", ".git/")
"""Never read from a revision: the default output folder, the cache, git's own files."""


@dataclass(frozen=True)
class Snapshot:
    revision: Revision
    analysis: Analysis | None
    root: Path | None = None
    """Where its files are (its templates are read when its pages are rendered)."""
    outputs: dict[str, bytes] = field(default_factory=dict)
    """What `page_diff` compares, by path: the digest of each page and of `claims.json` (two sites' bytes
    held at once are too much memory for a large desk); a file that renders the same from both revisions is not
    rendered, and has the same stand-in on both sides (see `with_pages`)."""


def diff_revisions(root: Path, base: str = "HEAD", head: str | None = None) -> SiteDiff:
    """The site at `base` against the site at `head` (the working tree when None)."""
    repo = git.repository(root)
    old_commit = git.resolve(repo, base)
    new_commit = git.resolve(repo, head) if head is not None else None
    # Both sites held at once: the cycle collector, let run again between one revision and the next,
    # would walk them all, to find nothing to free.
    with ExitStack() as checkouts, without_cycle_collection():
        old = snapshot_at(repo, base, old_commit, checkouts)
        if head is None or new_commit is None:
            new = working_tree(root)
        else:
            new = snapshot_at(repo, head, new_commit, checkouts)
        if "invalid" not in (old.revision.state, new.revision.state):
            old, new = with_pages(old, new)
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


def working_tree(root: Path) -> Snapshot:
    return _run(root, Revision(WORKING_TREE, None, None, "valid"))


def snapshot_at(repo: git.Repository, label: str, commit: str, checkouts: ExitStack) -> Snapshot:
    """The site as committed at `commit`, read into a temporary folder that lasts as long as `checkouts`
    (its pages are rendered later, from its templates), loaded, checked and analysed."""
    revision = Revision(label, commit, git.describe(repo, commit).strip(), "valid")
    files = [f for f in git.files_at(repo, commit) if _wanted(f)]
    if not any(f.path == CLAIMS_FILE for f in files):
        moved = _desk_elsewhere(repo, commit)
        if moved is not None:
            repo, revision = replace(repo, prefix=moved), replace(revision, desk=moved)
            files = [f for f in git.files_at(repo, commit) if _wanted(f)]
    root = Path(checkouts.enter_context(tempfile.TemporaryDirectory(prefix="factsheet-rev-")))
    contents = git.read_blobs(repo, (f.blob for f in files))
    for file in files:
        target = root.joinpath(*PurePosixPath(file.path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents.get(file.blob, b""))
    del contents
    return _run(root, revision)


def _desk_elsewhere(repo: git.Repository, commit: str) -> str | None:
    """Where the desk was at `commit` when it was not where it is now (a `claims.yaml` moved with its desk):
    the folder of the one `claims.yaml` of that commit outside the skipped folders, or None when there is
    none or more than one (then the revision is a site without claims, as before)."""
    found = [
        path.removesuffix(CLAIMS_FILE)
        for path in git.paths_at(repo, commit)
        if (path == CLAIMS_FILE or path.endswith("/" + CLAIMS_FILE))
        and not any(f"/{skipped}" in "/" + path for skipped in SKIPPED)
    ]
    return found[0] if len(found) == 1 and found[0] != repo.prefix else None


def _wanted(file: git.TreeFile) -> bool:
    parts = PurePosixPath(file.path).parts
    safe = bool(parts) and not file.path.startswith("/") and ".." not in parts
    return safe and file.size <= MAX_FILE_BYTES and not file.path.startswith(SKIPPED)


def _run(root: Path, revision: Revision) -> Snapshot:
    """load, validate, analyse: the build without history, without rendering and without writing."""
    if not (root / CLAIMS_FILE).is_file():
        return Snapshot(_as(revision, "absent"), None)
    # As in a build: the cycle collector, walking the growing heap again and again, would take most of the
    # time of analysing a large desk.
    with without_cycle_collection():
        result = check(root)
        if result.site is None:
            return Snapshot(_as(revision, "invalid", result.problems), None)
        return Snapshot(revision, analyse(result.site), root)


def with_pages(old: Snapshot, new: Snapshot) -> tuple[Snapshot, Snapshot]:
    """Both revisions with the digests of their pages, each rendered on every core and none kept; either
    made invalid by an error in its templates.

    Only what may differ is rendered: a page that shows nothing that changed between the two, and a
    claim's JSON whose claim did not change, would be the same bytes in both (`render.same_files`), so
    neither side renders it and both give it the same stand-in. A pull request that edits a few claims
    renders their pages and the lists, twice, not the whole site twice."""
    with without_cycle_collection():
        old_specs = list(page_specs(old.analysis)) if old.analysis else []
        new_specs = list(page_specs(new.analysis)) if new.analysis else []
        same: frozenset[str] = frozenset()
        if old.analysis is not None and new.analysis is not None:
            same = same_files(old.analysis, old_specs, new.analysis, new_specs)
        return _with_digests(old, old_specs, same), _with_digests(new, new_specs, same)


def _with_digests(snapshot: Snapshot, specs: list[PageSpec], same: frozenset[str]) -> Snapshot:
    """`snapshot` with its `outputs`: the digest of each page and of `claims.json`, but those in `same`.

    `claims.json` is each claim's JSON file joined in the claims' order, so it is the same exactly when
    those are, in the same order: its digest is made of theirs, rather than the file made again."""
    analysis = snapshot.analysis
    if analysis is None:
        return snapshot
    todo = [spec for spec in specs if urls.file_of(spec.url) not in same]
    claims = [c for c in analysis.claims if urls.claim_data(c.claim.id) not in same]
    try:
        made = stream_pages(analysis, todo, fingerprint(analysis), _digest, claims=claims).files
    except TemplateError as error:
        problems = Problems()
        where = template_location(error, snapshot.root) if snapshot.root else Location("templates")
        problems.error(where, f"template: {error.message or error}")
        return Snapshot(_as(snapshot.revision, "invalid", problems), None)
    outputs = {path: _stand_in(path) for path in same if path.endswith(".html")}
    outputs.update({path: digest for path, digest in made.items() if path.endswith(".html")})
    whole = hashlib.sha256()
    for analysed in analysis.claims:
        path = urls.claim_data(analysed.claim.id)
        whole.update(_stand_in(path) if path in same else made[path])
    outputs[urls.CLAIMS_JSON] = whole.digest()
    return replace(snapshot, outputs=outputs)


def _stand_in(path: str) -> bytes:
    """What stands for the digest of a file that is the same in both revisions: one for each path, so
    that `claims.json`'s digest, made of its claims' in order, still tells claims reordered."""
    return hashlib.sha256(b"the same in both revisions\0" + path.encode()).digest()


def _digest(path: str, data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _as(revision: Revision, state: Literal["absent", "invalid"], problems: Problems | None = None) -> Revision:
    errors = tuple(p for p in problems.sorted() if p.severity is Severity.ERROR) if problems else ()
    return replace(revision, state=state, problems=errors)

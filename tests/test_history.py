"""The History section of claim pages, read from real git repositories; and builds that are reproducible.

Each test commits versions of a small site at fixed dates, builds it, and
reads the claim page as a reader would (BeautifulSoup, not grep).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.analyse.historycache import CACHE_FILE
from builder.pipeline.build import build
from builder.read import git as gitmodule
from tests.conftest import REPO
from tests.gitsite import change, commit, git, new_repo
from tests.sitefactory import tree

FIRST = "First version of the desk"


def history(root: Path, claim_id: str, out: Path | None = None) -> dict | None:
    """The History section of a claim page after a build: the sentence, and the earlier figures' rows."""
    out = out or root.parent / f"{root.name}-site"
    result = build(root, out)
    assert result.ok, [str(p) for p in result.problems.sorted()]
    soup = BeautifulSoup((out / "claims" / claim_id / "index.html").read_text(encoding="utf-8"), "html.parser")
    heading = soup.find("h2", id="history")
    if heading is None:
        return None
    sentence = heading.find_next_sibling("p", class_="last-changed")
    table = heading.find_next_sibling("div", class_="table-wrap")
    rows = []
    if table is not None and table.find("table", class_="history"):
        for tr in table.select("table.history tbody tr"):
            cells = tr.find_all("td")
            rows.append(
                (
                    cells[0].get_text(strip=True),
                    cells[1].time["datetime"],
                    cells[1].get_text(strip=True),
                    cells[2].code.get_text(strip=True),
                    cells[2].get_text(" ", strip=True).rsplit(" ", 1)[0],
                )
            )
    return {"sentence": " ".join(sentence.get_text().split()), "time": sentence.time["datetime"], "rows": rows}


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """Three commits: the first version, a new troop figure, then a variant added (no canonical change)."""
    root = new_repo(tmp_path / "desk")
    change(root, "claims.yaml", "value: about 11,000\n      as_of", "value: about 12,000\n      as_of")
    commit(root, "Raise the troop estimate to 12,000", "2025-02-03T09:30:00+09:00")
    change(
        root,
        "claims.yaml",
        "      - source: reuters-2025-04-01\n        value: 12,000\n",
        "      - source: reuters-2025-04-01\n        value: 12,000\n"
        "      - source: ap-2025-03-27\n        value: 11,500\n",
    )
    commit(root, "Add the second AP figure", "2025-03-01T12:00:00Z")
    return root


def test_claim_page_shows_when_the_figure_changed_and_the_earlier_ones(desk: Path) -> None:
    shown = history(desk, "troops-total")
    assert shown is not None
    first = git(desk, "rev-list", "--max-parents=0", "HEAD").strip()[:7]
    raised = git(desk, "rev-parse", "HEAD~1").strip()[:7]
    # The committer date, in UTC: 09:30 in UTC+9 is 00:30 UTC the same day.
    assert shown["time"] == "2025-02-03T00:30:00Z"
    assert "last changed on February 3, 2025" in shown["sentence"]
    assert "Raise the troop estimate to 12,000" in shown["sentence"]
    assert raised in shown["sentence"]
    assert shown["rows"] == [("about 11,000", "2025-01-01T12:00:00Z", "January 1, 2025", first, FIRST)]
    assert "Add the second AP figure" not in shown["sentence"]


def test_a_figure_that_never_changed_shows_when_it_was_first_recorded(desk: Path) -> None:
    shown = history(desk, "casualties-total")
    assert shown is not None
    assert shown["rows"] == []
    assert "has not changed since it was first recorded on January 1, 2025" in shown["sentence"]
    assert FIRST in shown["sentence"]


def test_every_change_is_listed_latest_first_and_broken_commits_are_skipped(desk: Path) -> None:
    change(desk, "claims.yaml", "  title: Test desk\n", "  title: Test: desk\n")
    commit(desk, "Oops, broken YAML", "2025-03-10T12:00:00Z")
    change(desk, "claims.yaml", "  title: Test: desk\n", "  title: Test desk\n")
    change(desk, "claims.yaml", "value: about 12,000\n      as_of", "value: about 13,000\n      as_of")
    commit(desk, "Mend the title; 13,000 troops", "2025-04-01T08:00:00Z")
    shown = history(desk, "troops-total")
    assert shown is not None
    assert "last changed on April 1, 2025" in shown["sentence"]
    assert [(value, date, subject) for value, _, date, _, subject in shown["rows"]] == [
        ("about 12,000", "February 3, 2025", "Raise the troop estimate to 12,000"),
        ("about 11,000", "January 1, 2025", FIRST),
    ]


def test_an_uncommitted_figure_is_told_apart(desk: Path) -> None:
    change(desk, "claims.yaml", "value: about 12,000\n      as_of", "value: about 12,500\n      as_of")
    shown = history(desk, "troops-total")
    assert shown is not None
    assert "changed since the last commit" in shown["sentence"]
    assert [row[0] for row in shown["rows"]] == ["about 12,000", "about 11,000"]


def test_a_renamed_claim_keeps_its_history(desk: Path) -> None:
    for path, old, new in [
        ("claims.yaml", "  - id: casualties-total\n", "  - id: casualties-all\n"),
        ("claims.yaml", "related: [casualties-total]", "related: [casualties-all]"),
        ("content/about.md", "[[casualties-total|", "[[casualties-all|"),
    ]:
        change(desk, path, old, new)
    commit(desk, "Rename the casualties claim", "2025-05-01T12:00:00Z")
    shown = history(desk, "casualties-all")
    assert shown is not None
    assert "first recorded on January 1, 2025" in shown["sentence"]


def test_a_figure_set_on_a_merged_branch_is_dated_by_the_branch_commit(desk: Path) -> None:
    git(desk, "checkout", "-q", "-b", "update")
    change(desk, "claims.yaml", "canonical:\n      value: about 4,000", "canonical:\n      value: about 4,500")
    commit(desk, "Casualties: 4,500 per the new report", "2025-06-01T12:00:00Z")
    git(desk, "checkout", "-q", "main")
    change(desk, "content/about.md", "This site compares", "This desk compares")
    commit(desk, "Reword the about page", "2025-06-02T12:00:00Z")
    git(desk, "merge", "-q", "--no-ff", "-m", "Merge branch 'update'", "update", when="2025-06-03T12:00:00Z")
    shown = history(desk, "casualties-total")
    assert shown is not None
    assert "last changed on June 1, 2025" in shown["sentence"]
    assert "Casualties: 4,500 per the new report" in shown["sentence"]
    assert [row[0] for row in shown["rows"]] == ["about 4,000"]


def test_included_files_are_followed(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "desk")
    claims = (root / "claims.yaml").read_text(encoding="utf-8")
    start = claims.index("  - id: casualties-total")
    kept = claims[:start].replace("sources:\n", "include:\n  - claims/*.yaml\nsources:\n", 1)
    (root / "claims.yaml").write_text(kept, encoding="utf-8")
    (root / "claims").mkdir()
    (root / "claims" / "casualties.yaml").write_text("claims:\n" + claims[start:], encoding="utf-8")
    commit(root, "Move casualties to their own file", "2025-02-01T12:00:00Z")
    change(
        root, "claims/casualties.yaml", "canonical:\n      value: about 4,000", "canonical:\n      value: about 5,000"
    )
    commit(root, "Casualties: 5,000", "2025-03-01T12:00:00Z")
    shown = history(root, "casualties-total")
    assert shown is not None
    assert "last changed on March 1, 2025" in shown["sentence"]
    # Moving the claim to another file did not change its figure: one earlier figure, from the first commit.
    assert [(row[0], row[2], row[4]) for row in shown["rows"]] == [("about 4,000", "January 1, 2025", FIRST)]


def test_outside_git_there_is_no_history_section(tmp_path: Path) -> None:
    from tests.sitefactory import write_site

    root = write_site(tmp_path / "desk")
    assert history(root, "troops-total") is None
    assert not (root / ".factsheet-cache" / "history.json").exists()


def test_a_shallow_clone_warns_and_shows_no_history(desk: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", desk.as_uri(), str(clone))
    result = build(clone, tmp_path / "shallow-site")
    assert result.ok
    warnings = [p.message for p in result.problems.sorted()]
    assert any("shallow clone" in m and "fetch-depth: 0" in m for m in warnings), warnings
    page = (tmp_path / "shallow-site" / "claims" / "troops-total" / "index.html").read_text(encoding="utf-8")
    assert BeautifulSoup(page, "html.parser").find("h2", id="history") is None


# -- one pass, cached --------------------------------------------------------------------


@pytest.fixture
def git_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The git subcommands factsheet runs, in order."""
    calls: list[str] = []
    real = gitmodule.run

    def counting(args, cwd, stdin=None):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        return real(args, cwd, stdin)

    opened = gitmodule.BlobReader.__init__

    def reading(self, repo):  # type: ignore[no-untyped-def]
        calls.append("cat-file")  # one `git cat-file --batch`, read as the history needs each blob
        opened(self, repo)

    monkeypatch.setattr(gitmodule, "run", counting)
    monkeypatch.setattr(gitmodule.BlobReader, "__init__", reading)
    return calls


def test_history_is_one_log_and_one_read_whatever_the_number_of_claims(desk: Path, git_calls: list[str]) -> None:
    claims = (desk / "claims.yaml").read_text(encoding="utf-8")
    extra = "".join(
        f"  - id: extra-{n}\n    title: Extra {n}\n    canonical:\n      value: {n}\n" for n in range(1, 41)
    )
    (desk / "claims.yaml").write_text(claims + extra, encoding="utf-8")
    commit(desk, "Forty more claims", "2025-07-01T12:00:00Z")
    git_calls.clear()
    assert history(desk, "extra-7") is not None
    assert git_calls.count("log") == 1
    assert git_calls.count("cat-file") == 1
    # Two `rev-parse` for the history, two for the check whether the last build is current.
    assert len(git_calls) <= 6, git_calls


def test_a_rebuild_without_a_new_commit_reads_the_cache(desk: Path, git_calls: list[str], tmp_path: Path) -> None:
    first = history(desk, "troops-total", tmp_path / "one")
    cache = json.loads((desk / CACHE_FILE).read_text(encoding="utf-8"))
    assert cache["key"]["head"] == git(desk, "rev-parse", "HEAD").strip()
    git_calls.clear()
    second = history(desk, "troops-total", tmp_path / "two")
    assert second == first
    assert "log" not in git_calls and "cat-file" not in git_calls, git_calls
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    # A new commit moves HEAD: the history is read again, and shows it.
    change(desk, "claims.yaml", "value: about 12,000\n      as_of", "value: about 14,000\n      as_of")
    commit(desk, "14,000 troops", "2025-08-01T12:00:00Z")
    git_calls.clear()
    third = history(desk, "troops-total", tmp_path / "three")
    assert git_calls.count("log") == 1
    assert third is not None and "last changed on August 1, 2025" in third["sentence"]


def _built_afresh(root: Path, out: Path) -> dict[str, str]:
    """The site built with the history read from the first commit (no cache), as its files' digests."""
    (root / CACHE_FILE).unlink(missing_ok=True)
    assert build(root, out).ok
    return tree(out)


def test_new_commits_are_replayed_from_the_state_the_cache_kept(
    desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After new commits, only they are read (from the commit the cache kept); the site is the one a
    build reading the whole history gives, whether HEAD moved on, went back or merged a branch."""
    logs: list[str | None] = []
    real_log = gitmodule.log

    def log(repo: gitmodule.Repository, specs: list[str], since: str | None = None) -> list[gitmodule.Commit]:
        logs.append(since)
        return real_log(repo, specs, since)

    monkeypatch.setattr(gitmodule, "log", log)
    history(desk, "troops-total", tmp_path / "first")
    cached = json.loads((desk / CACHE_FILE).read_text(encoding="utf-8"))
    kept = git(desk, "rev-parse", "HEAD").strip()
    assert cached["state"]["commit"] == kept
    for before, figure, when in (("12,000", "13,000", "2025-08-01"), ("13,000", "14,000", "2025-09-01")):
        change(desk, "claims.yaml", f"value: about {before}\n", f"value: about {figure}\n")
        commit(desk, f"{figure} troops", f"{when}T12:00:00Z")
    change(desk, "claims.yaml", "  - id: troops-total\n", "  - id: troops-in-total\n")  # a rename, kept in history
    change(desk, "content/about.md", "[[troops-total]]", "[[troops-in-total]]")
    commit(desk, "Rename", "2025-10-01T12:00:00Z")
    logs.clear()
    assert build(desk, tmp_path / "moved-on").ok
    assert logs == [kept]  # from the kept commit on, not from the first
    moved_on = tree(tmp_path / "moved-on")
    assert moved_on == _built_afresh(desk, tmp_path / "afresh")
    page = history(desk, "troops-in-total", tmp_path / "moved-on")
    assert page is not None and [row[0] for row in page["rows"]][:3] == ["about 13,000", "about 12,000", "about 11,000"]

    # Back two commits: the cache's commit is no longer behind HEAD, so everything is read again.
    git(desk, "reset", "-q", "--hard", "HEAD~2")
    logs.clear()
    assert build(desk, tmp_path / "back").ok
    assert logs == [None]
    assert tree(tmp_path / "back") == _built_afresh(desk, tmp_path / "back-afresh")

    # A branch that forked before the cache's commit, merged after it: read from the start too.
    head = git(desk, "rev-parse", "HEAD").strip()
    assert build(desk, tmp_path / "again").ok  # the cache now keeps HEAD
    git(desk, "checkout", "-q", "-b", "early", "HEAD~1")
    change(desk, "claims.yaml", "value: about 12,000\n", "value: about 12,500\n")
    commit(desk, "12,500 on a branch", "2025-11-01T12:00:00Z")
    git(desk, "checkout", "-q", "main")
    git(desk, "merge", "-q", "--no-edit", "-X", "theirs", "early", when="2025-11-02T12:00:00Z")
    logs.clear()
    assert build(desk, tmp_path / "merged").ok
    assert logs[0] == head and logs[1:] == [None]
    assert tree(tmp_path / "merged") == _built_afresh(desk, tmp_path / "merged-afresh")


def test_the_cache_folder_is_ignored_by_git(desk: Path) -> None:
    history(desk, "troops-total")
    assert (desk / CACHE_FILE).is_file()
    assert ".factsheet-cache" not in git(desk, "status", "--porcelain", "--untracked-files=all")


# -- reproducible builds -----------------------------------------------------------------


def _build_in_a_process(root: Path, out: Path, seed: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--root", str(root), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONHASHSEED": seed, "TZ": "Pacific/Auckland" if seed == "1" else "UTC"},
    )
    assert done.returncode == 0, done.stderr


def test_two_clones_build_byte_identical_sites(tmp_path: Path) -> None:
    """The example site, committed twice, cloned twice: the same bytes, history and all, cache or not."""
    root = tmp_path / "example"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for name in ("claims.yaml", "content", "templates"):
        source = REPO / name
        if source.is_dir():
            subprocess.run(["cp", "-R", str(source), str(root / name)], check=True)
        else:
            (root / name).write_bytes(source.read_bytes())
    commit(root, "The example desk", "2025-03-28T12:00:00Z")
    claims = (root / "claims.yaml").read_text(encoding="utf-8")
    troops = "canonical:\n      value: approximately 11,000\n"  # the canonical figure of dprk-troops-total
    assert claims.count(troops) == 1
    (root / "claims.yaml").write_text(claims.replace(troops, troops.replace("11,000", "11,500")), encoding="utf-8")
    commit(root, "Troops: approximately 11,500", "2025-03-29T12:00:00Z")
    a, b = tmp_path / "a", tmp_path / "b"
    git(tmp_path, "clone", "-q", str(root), str(a))
    git(tmp_path, "clone", "-q", str(root), str(b))
    _build_in_a_process(a, a / "site", "1")
    _build_in_a_process(a, tmp_path / "a-again", "3")  # from the cache this time
    _build_in_a_process(b, b / "site", "2")
    assert (a / CACHE_FILE).is_file()
    assert tree(a / "site") == tree(b / "site") == tree(tmp_path / "a-again")
    page = BeautifulSoup((a / "site/claims/dprk-troops-total/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("h2", id="history") is not None
    assert "March 29, 2025" in page.find("p", class_="last-changed").get_text()


# -- reading claim files ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param((REPO / "claims.yaml").read_text(encoding="utf-8"), id="example"),
        pytest.param(
            "site: {title: T}\nclaims: [{id: a, title: A, canonical: {value: 3}},\n"
            "  {id: b, title: B, canonical: {value: 4}}]\n",
            id="flow",
        ),
        pytest.param(
            "site:\n  title: T\nclaims:\n- id: a\n  title: A\n  canonical: &fig\n    value: about 3\n"
            "- id: b\n  title: B\n  canonical: *fig\ninclude: [more/*.yaml]\n",
            id="alias-across-items",
        ),
        pytest.param(
            "# a desk\nsite:\n  title: T\nclaims:\n  # first\n  - id: a\n    title: A\n    canonical:\n"
            "      value: {low: 1, high: 2}\n\n  - id: b  # second\n    title: B\n    canonical:\n"
            "      value: |\n        free\n        text\ninclude:\n  - x.yaml\n",
            id="comments-ranges-block-text",
        ),
        pytest.param("site:\n  title: T\nclaims:\n  - id: a\n    title: [A\n", id="broken"),
        pytest.param("site:\n  title: T\nclaims:\n", id="no-claims"),
    ],
)
def test_reading_item_by_item_is_reading_the_whole_file(text: str) -> None:
    from builder.analyse.claimfile import _whole
    from builder.analyse.history import _Reader

    expected = _whole(text, "claims.yaml")
    asked: list[str] = []
    reader = _Reader(lambda blob: asked.append(blob) or text.encode())
    assert reader.file("blob", "claims.yaml") == expected
    assert reader.file("blob", "claims.yaml") == expected
    assert asked == ["blob"]  # each blob is read once


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 18), st.integers(0, 10**6)), min_size=0, max_size=4))
def test_history_cuts_the_claims_list_where_the_reader_of_pieces_does(edits: list[tuple[int, int]]) -> None:
    """One rule of where a list's items lie (`yamlpieces.list_items`): the history, reading bytes, and the
    build, reading text, find the same items of `claims:`, or both read the file whole."""
    from builder.analyse.claimfile import _split
    from builder.read import yamlpieces

    text = _DESK
    for kind, n in edits:
        edited = _edit(text, kind, n)
        text = edited.decode("utf-8", "surrogateescape") if isinstance(edited, bytes) else edited
    if not text.isascii() or "\r" in text:
        return  # offsets in bytes and in characters differ; line ends are made plain before either cuts
    layout = _split(text.encode())
    cut = yamlpieces.cut(text)
    items = [piece.start for piece in cut.pieces if piece.kind == "item"] if cut else None
    if layout is not None and cut is not None:
        assert layout.starts == items
    if cut is not None and items:
        assert layout is not None, text


# -- reading a version by what changed since the one before ------------------------------

_DESK = (
    "# yaml-language-server: $schema=claims.schema.json\n"
    "site:\n  title: Desk\n"
    "sources:\n  wire-1:\n    outlet: Wire\n    url: https://example.org/1\n"
    "  paper-2:\n    outlet: Paper\n    url: https://example.org/2\n"
    "claims:\n"
    "  # the first claims\n"
    "  - id: c0\n    title: Troops\n    canonical:\n      value: about 11,000\n      source: wire-1\n"
    "  - id: c1\n    title: Killed\n    canonical: {value: 400, source: paper-2}\n    related: [c0]\n"
    "\n"
    "  - id: c2  # a comment after the id\n    title: Note\n    note: |\n      - not an item\n      text\n"
    "    canonical:\n      value: {low: 1, high: 2}\n"
    "  - id: c3\n    title: Text\n    canonical:\n      value: yes\n"
    "  - id: c4\n    title: Area\n    canonical:\n      value: 1,300 km2\n"
    "  # between\n"
    "  - id: c5\n    title: Ships\n    canonical:\n      value: up to 12\n"
    "include: [more/*.yaml]\n"
)


def _edit(text: str, kind: int, n: int) -> bytes | str:
    """One of the edits an editor (or a mistake) makes to a claims file."""
    starts = [m.start() for m in re.finditer(r"^  - id: ", text, re.M)] or [len(text)]
    k = n % len(starts)
    at, end = starts[k], (starts[k + 1] if k + 1 < len(starts) else text.find("\ninclude:") + 1 or len(text))
    item = text[at:end]
    edits = [
        lambda: text[:at] + re.sub(r"value: (?:\{[^}\n]*\}|[^,}\n]*)", f"value: about {n}", item, count=1) + text[end:],
        lambda: text[:at] + text[end:],  # an item removed
        lambda: text[:end] + item.replace("id: ", f"id: new{n}-", 1) + text[end:],  # an item added after it
        lambda: text[:at] + item.replace("id: ", "id: renamed-", 1) + text[end:],
        lambda: text.replace("outlet: Wire", f"outlet: Wire {n}"),  # a source, outside the list
        lambda: text.replace("include: [more/*.yaml]", "include: [more/*.yaml, other.yaml]"),
        lambda: text[:at] + "  # a comment\n" + text[at:],
        lambda: text[:at] + "  " + text[at:],  # an item's first line indented into the one before
        lambda: text[:at] + "oops: 1\n" + text[at:],  # a key at the first column, in the list
        lambda: text.rstrip("\n") if text.endswith("\n") else text + "\n",
        lambda: text[:end] + text[at:end] + text[end:],  # an item repeated, its id twice
        lambda: (text[:at] + item.replace("title: ", "title: \udcff", 1) + text[end:]).encode(
            "utf-8", "surrogateescape"
        ),  # a byte that is not UTF-8
        lambda: text.replace("\n", "\r\n"),
        lambda: text[:at] + "  - id: [broken\n" + text[at:],
        lambda: text + f"  - id: tail{n}\n    title: Appended\n    canonical:\n      value: {n}\n",
        lambda: text[:at] + item.replace("    ", "\t", 1) + text[end:],  # a tab: read whole
        lambda: "\ufeff" + text if not text.startswith("\ufeff") else text[1:],
        lambda: text.replace("include: [more/", "include: [less/"),  # after the list, the same length
        lambda: text.replace("\ninclude:", "include:"),  # the key after the list joined to its last line
    ]
    return edits[kind % len(edits)]()


@settings(max_examples=250, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 18), st.integers(0, 10**6)), min_size=1, max_size=10))
def test_each_version_read_from_the_one_before_is_read_as_on_its_own(edits: list[tuple[int, int]]) -> None:
    """History reads each version of a claims file by the items that changed since the version before;
    whatever the edits, that gives what reading the version alone gives (or keeps the last readable one)."""
    from builder.analyse.history import _Reader

    versions: list[bytes] = [_DESK.encode()]
    for kind, n in edits:
        edited = _edit(versions[-1].decode("utf-8", "surrogateescape"), kind, n)
        versions.append(edited if isinstance(edited, bytes) else edited.encode("utf-8", "surrogateescape"))

    class Chained(_Reader):
        def _changed(self, before, data, path):  # type: ignore[no-untyped-def]
            self.by_change = super()._changed(before, data, path)
            return self.by_change

    chained = Chained(lambda blob: versions[int(blob)])
    before = previous = None
    for number, data in enumerate(versions):
        alone = _Reader(lambda blob, data=data: data).file("alone", "claims.yaml")
        chained.by_change = None
        read = chained.file(str(number), "claims.yaml", before)
        assert read == alone, (number, data[-400:])
        # A figure changed, a claim renamed or added after another, a comment or more indentation
        # before a claim but the first, in the version before: read by the items that changed.
        kind, n = edits[number - 1] if number else (-1, 0)
        claims = len(re.findall(rb"^  - id: ", versions[number - 1], re.M)) if number else 0
        edited_last = (kind in (0, 2, 3) or (kind in (6, 7) and claims and n % claims)) and data != versions[number - 1]
        if edited_last and read is not None and before is not None and before.layout is not None and before is previous:
            assert chained.by_change is not None, (kind, n, data[-400:])
        before = read or before  # a version that cannot be read keeps the last one that could
        previous = read


def test_reading_the_history_leaves_the_pieces_of_the_last_read_alone(desk: Path) -> None:
    """`serve` tells which claim a save changed from the pieces of the file's last read (`quick.py`);
    reading old versions from git for the history must not take their place."""
    from builder.analyse.history import with_history
    from builder.pipeline.documents import _read_from
    from builder.pipeline.stages import check

    (desk / CACHE_FILE).unlink(missing_ok=True)
    result = check(desk)
    assert result.site is not None
    text = (desk / "claims.yaml").read_text(encoding="utf-8")
    assert (last := _read_from(result.site)) is not None and last[0] == text
    site = with_history(result.site, result.problems)
    assert (after := _read_from(site)) is not None and after[0] == text


def test_blobs_are_read_one_at_a_time_from_one_git(desk: Path) -> None:
    repo = gitmodule.repository(desk)
    blob = git(desk, "rev-parse", "HEAD:claims.yaml").strip()
    older = git(desk, "rev-parse", "HEAD~2:claims.yaml").strip()
    with gitmodule.BlobReader(repo) as blobs:
        assert blobs.read(blob) == (desk / "claims.yaml").read_bytes()
        assert blobs.read("0" * 40) is None  # a blob this repository does not have
        assert blobs.read(older) == git(desk, "show", "HEAD~2:claims.yaml").encode()
        assert blobs.read(blob) == (desk / "claims.yaml").read_bytes()  # asked again: read again


def test_a_git_that_stops_answering_is_a_git_error_with_its_message(tmp_path: Path) -> None:
    outside = gitmodule.Repository(top=tmp_path, prefix="", head=None, shallow=False)  # no repository there
    with gitmodule.BlobReader(outside) as blobs, pytest.raises(gitmodule.GitError, match="not a git repository"):
        blobs.read("0" * 40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.binary(min_size=1, max_size=300),
    st.integers(1, 400),
    st.binary(max_size=40),
    st.integers(0, 120_000),
    st.integers(0, 70_000),
)
def test_the_common_start_and_end_of_two_versions_are_found_to_the_byte(
    chunk: bytes, repeat: int, inserted: bytes, at: int, length: int
) -> None:
    """Found a block of 32 KB at a time, then halved: any edit anywhere in files of up to 120 KB, as bytes (the
    history's versions) and as text (the preview's edited claims.yaml), by the one function both use."""
    from builder.read.ends import common_prefix, common_suffix

    base = chunk * repeat
    at = min(at, len(base))
    edited = base[:at] + inserted + base[at + length :]
    size = min(len(base), len(edited))
    prefix = next((k for k in range(size) if base[k] != edited[k]), size)
    most = size - prefix
    suffix = next((k for k in range(most) if base[-1 - k] != edited[-1 - k]), most)
    assert (common_prefix(base, edited), common_suffix(base, edited, most)) == (prefix, suffix)
    text, edited_text = base.decode("latin-1"), edited.decode("latin-1")
    assert (common_prefix(text, edited_text), common_suffix(text, edited_text, most)) == (prefix, suffix)


@pytest.mark.parametrize(
    "damage",
    [
        {"commit": "--output=/tmp/factsheet-injected"},
        {"commit": "HEAD~1"},
        {"blob": "-p"},
        {"includes": [7]},
        {"items": [[1, 2, 3]]},
        {"files": "not a mapping"},
    ],
    ids=["option-as-commit", "revision-not-a-name", "option-as-blob", "include-not-text", "item-not-a-claim", "files"],
)
def test_a_damaged_cache_state_reads_the_history_from_the_start(
    desk: Path, tmp_path: Path, damage: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache copied from elsewhere, or damaged, must not reach git's command line or crash the build."""
    claims = (desk / "claims.yaml").read_text(encoding="utf-8")
    start = claims.index("  - id: casualties-total")
    (desk / "claims.yaml").write_text(claims[:start].replace("sources:\n", "include: [claims/*.yaml]\nsources:\n", 1))
    (desk / "claims").mkdir()
    (desk / "claims" / "casualties.yaml").write_text("claims:\n" + claims[start:], encoding="utf-8")
    commit(desk, "Casualties in a file of their own", "2025-07-01T12:00:00Z")
    expected = history(desk, "troops-total", tmp_path / "first")
    change(desk, "claims.yaml", "value: about 12,000\n", "value: about 13,000\n")
    commit(desk, "13,000 troops", "2025-08-01T12:00:00Z")
    cached = json.loads((desk / CACHE_FILE).read_text(encoding="utf-8"))
    state = cached["state"]
    if "files" in damage:
        state["files"] = damage["files"]
    elif "commit" in damage:
        state["commit"] = damage["commit"]
    else:
        state["files"]["claims.yaml"].update(damage)
    (desk / CACHE_FILE).write_text(json.dumps(cached), encoding="utf-8")
    arguments: list[str] = []
    real = gitmodule.run

    def run(args, cwd, stdin=None):  # type: ignore[no-untyped-def]
        arguments.extend(args)
        return real(args, cwd, stdin)

    monkeypatch.setattr(gitmodule, "run", run)
    page = history(desk, "troops-total", tmp_path / "second")
    if "commit" in damage:  # never on git's command line: not an object name
        assert not any(damage["commit"] in argument for argument in arguments)
    assert page is not None and expected is not None
    assert page["rows"][0][0] == "about 12,000" and "2025-08-01" in page["time"]
    assert tree(tmp_path / "second") == _built_afresh(desk, tmp_path / "afresh")
    assert not Path("/tmp/factsheet-injected").exists()

"""`factsheet diff` on real git repositories: a changed figure, a new variant, broken YAML, a rename.

The Markdown is read back as a table and a list, the JSON as data; the text
is read line by line. Every expectation follows from the sites' figures.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner, Result
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from builder.cli import main
from builder.read.git import repository as git_repository
from builder.render import site as render
from builder.review import revisions
from builder.review.diff import page_diff
from tests.benchmarks.generate import generate
from tests.conftest import REPO, copy_example
from tests.gitsite import change, commit, git, new_repo
from tests.sitefactory import CLAIMS, position, tree
from tests.test_incremental import EDITS, KINDS_OF_EDIT, write_desk

TROOPS_CANONICAL = "value: about 11,000\n      as_of"
RAISED = "value: about 14,000\n      as_of"
BASE_URL = "https://example.org/desk/"


def diff(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["diff", "--root", str(root), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"diff crashed: {result.exception!r}\n{result.output}") from result.exception
    assert "Traceback" not in result.output
    return result


def as_json(root: Path, *args: str) -> tuple[int, dict]:
    result = diff(root, *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def _cells(line: str) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", cell.strip()) for cell in re.split(r"(?<!\\)\|", line)[1:-1]]


def markdown_table(text: str, first: str = "Claim") -> list[list[str]]:
    """The rows of the Markdown table whose first header is `first`, each as its unescaped cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first} |"))
    assert set(lines[start + 1].replace("|", "").split()) == {"---"}
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(_cells(line))
    return rows


def page_links(text: str) -> dict[str, str]:
    """The list of pages this change alters: the URL each item links to, by the page it names."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Pages this change alters"))
    links = {}
    for line in lines[start + 2 :]:
        if not line.startswith("- "):
            break
        match = re.match(r"- \[(.+?)\]\((.+?)\) \((added|removed|changed)\)$", line)
        assert match, line
        links[match[1]] = match[2]
    return links


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    return new_repo(tmp_path / "desk")


# -- a changed canonical figure ------------------------------------------------------------

# Raising the troop figure to about 14,000 ([12,600, 15,400]) leaves AP's about 11,000
# ([9,900, 12,100]) and Reuters' 12,000 below it: both now differ, and the claim is disputed.
PAGES_OF_TROOPS = {
    "",  # the home page lists every claim with its figure and status
    "claims.json",
    "claims/troops-total/",
    "claims/troops-total/embed/",  # its fact box, framed on other sites' pages
    "claims/casualties-total/",  # shows its related claim's figure and status
    "discrepancies/",
    "sources/ap-2025-03-27/",
    "sources/reuters-2025-04-01/",
    "outlets/associated-press/",
    "outlets/reuters/",
    "topics/troops/",
    "about/",  # [[troops-total]] shows the figure
}


def test_a_changed_figure_as_json(desk: Path) -> None:
    change(desk, "claims.yaml", TROOPS_CANONICAL, RAISED)
    status, data = as_json(desk)
    assert status == 0
    assert data["base"]["label"] == "HEAD" and data["base"]["commit"] == git(desk, "rev-parse", "HEAD").strip()
    assert data["head"] == {
        "label": "working tree",
        "commit": None,
        "subject": None,
        "state": "valid",
        "problems": [],
        "desk": None,
    }
    [claim] = data["claims"]
    assert (claim["change"], claim["id"]) == ("changed", "troops-total")
    assert claim["old_figure"] == {
        "text": "about 11,000 soldiers",
        "interval": {"low": 9900, "high": 12100, "low_open": False, "high_open": False},
    }
    assert claim["new_figure"]["text"] == "about 14,000 soldiers"
    assert (claim["new_figure"]["interval"]["low"], claim["new_figure"]["interval"]["high"]) == (12600, 15400)
    assert [(v["source"], v["change"], v["old"]["verdict"], v["new"]["verdict"]) for v in claim["variants"]] == [
        ("ap-2025-03-27", "verdict", "matches", "differs"),
        ("reuters-2025-04-01", "verdict", "consistent", "differs"),
    ]
    assert (claim["old_status"], claim["new_status"]) == ("agreed", "disputed")
    assert claim["explanation"] == (
        "now disputed: the Associated Press figure no longer matches (it differs); "
        "the Reuters figure no longer agrees (it differs)"
    )
    assert data["sources"] == [] and data["settings"] == []
    assert {p["url"] for p in data["pages"]} == PAGES_OF_TROOPS
    assert {p["change"] for p in data["pages"]} == {"changed"}


def test_a_changed_figure_as_markdown(desk: Path) -> None:
    change(desk, "claims.yaml", TROOPS_CANONICAL, RAISED)
    result = diff(desk, "--format", "markdown")
    assert result.exit_code == 0, result.output
    short = git(desk, "rev-parse", "--short=7", "HEAD").strip()
    first_line = result.stdout.splitlines()[0]
    assert first_line == (
        f"**factsheet diff**: HEAD ({short}) → working tree: 1 claim changed (1 canonical figure); "
        f"2 verdicts and 1 status changed; no source changed; {len(PAGES_OF_TROOPS)} pages altered."
    )
    link = f"[`troops-total`]({BASE_URL}claims/troops-total/)"
    assert markdown_table(result.stdout) == [
        [link, "canonical figure", "about 11,000 soldiers, [9,900, 12,100]", "about 14,000 soldiers, [12,600, 15,400]"],
        [link, "Associated Press: verdict on about 11,000 soldiers", "matches", "differs (−21%)"],
        [link, "Reuters: verdict on 12,000 soldiers", "consistent (+9%)", "differs (−14%)"],
        [
            link,
            "status",
            "agreed",
            "now disputed: the Associated Press figure no longer matches (it differs); "
            "the Reuters figure no longer agrees (it differs)",
        ],
    ]
    links = page_links(result.stdout)
    assert {name.removeprefix("/") for name in links} == PAGES_OF_TROOPS
    assert all(url == BASE_URL + name.removeprefix("/") for name, url in links.items())


def test_pages_link_to_a_preview_when_given_one(desk: Path) -> None:
    change(desk, "claims.yaml", TROOPS_CANONICAL, RAISED)
    result = diff(desk, "--format", "markdown", "--url", "https://preview.example.net/pr-7/")
    links = page_links(result.stdout)
    assert links["/claims/troops-total/"] == "https://preview.example.net/pr-7/claims/troops-total/"
    assert links["/"] == "https://preview.example.net/pr-7/"


def test_without_an_address_pages_are_named_not_linked(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "desk", claims=CLAIMS.replace("  base_url: https://example.org/desk/\n", ""))
    change(root, "claims.yaml", TROOPS_CANONICAL, RAISED)
    result = diff(root, "--format", "markdown")
    assert "](http" not in result.stdout
    assert "- `/claims/troops-total/` (changed)" in result.stdout.splitlines()
    assert markdown_table(result.stdout)[0][0] == "`troops-total`"


def test_a_changed_figure_as_text(desk: Path) -> None:
    change(desk, "claims.yaml", TROOPS_CANONICAL, RAISED)
    result = diff(desk)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "~ troops-total: North Korean soldiers sent to Russia" in lines
    assert (
        "    canonical figure: about 11,000 soldiers, [9,900, 12,100] → about 14,000 soldiers, [12,600, 15,400]"
        in lines
    )
    assert "    Reuters: verdict on 12,000 soldiers: consistent (+9%) → differs (−14%)" in lines
    assert any(line.startswith("    status: agreed → now disputed: ") for line in lines)
    assert f"Pages altered ({len(PAGES_OF_TROOPS)}):" in lines


# -- a new variant, a new source, two revisions -----------------------------------------------

NEW_SOURCE = "  reuters-2025-04-01:\n    outlet: Reuters\n"
BBC = "  bbc-2025-04-02:\n    outlet: BBC\n    title: Casualties rise\n    published: 2025-04-02\n"
MORE = "      - source: reuters-2025-04-01\n        value: more than 3,000\n"
BBC_VARIANT = "      - source: bbc-2025-04-02\n        value: more than 5,000\n"


def test_an_added_variant_between_two_commits(desk: Path) -> None:
    change(desk, "claims.yaml", NEW_SOURCE, BBC + NEW_SOURCE)
    change(desk, "claims.yaml", MORE, MORE + BBC_VARIANT)
    commit(desk, "BBC: more than 5,000 casualties", "2025-04-03T12:00:00Z")
    (desk / "claims.yaml").write_text("not: [valid", encoding="utf-8")  # the working tree is not compared
    status, data = as_json(desk, "HEAD~1", "HEAD")
    assert status == 0
    assert data["head"]["label"] == "HEAD" and data["head"]["subject"] == "BBC: more than 5,000 casualties"
    [claim] = data["claims"]
    assert claim["id"] == "casualties-total" and claim["old_figure"] is None
    [variant] = claim["variants"]
    assert (variant["change"], variant["source"], variant["label"]) == ("added", "bbc-2025-04-02", "BBC")
    assert variant["old"] is None and variant["new"]["verdict"] == "differs"
    assert variant["new"]["figure"]["interval"] == {"low": 5000, "high": None, "low_open": True, "high_open": False}
    assert claim["explanation"] == "now disputed: a new BBC figure differs"
    assert [(s["change"], s["id"], s["outlet"]) for s in data["sources"]] == [("added", "bbc-2025-04-02", "BBC")]
    assert {"sources/bbc-2025-04-02/", "outlets/bbc/", "claims/casualties-total/"} <= {p["url"] for p in data["pages"]}
    assert {p["url"]: p["change"] for p in data["pages"]}["sources/bbc-2025-04-02/"] == "added"

    markdown = diff(desk, "HEAD~1", "HEAD", "--format", "markdown").stdout
    rows = markdown_table(markdown)
    assert [row[1:] for row in rows] == [
        ["BBC: variant added", "—", "more than 5,000 soldiers, (5,000, ∞) (differs above)"],
        ["status", "agreed", "now disputed: a new BBC figure differs"],
    ]
    assert markdown_table(markdown, "Source") == [["`bbc-2025-04-02` (BBC)", "added", "—", "Casualties rise"]]


# -- broken YAML ---------------------------------------------------------------------------------

BROKEN = CLAIMS.replace("  title: Test desk\n", "  title: Test: desk\n")


def test_a_working_tree_that_does_not_validate_is_reported_not_raised(desk: Path) -> None:
    (desk / "claims.yaml").write_text(BROKEN, encoding="utf-8")
    line, col = position(BROKEN, ": desk")
    at = f"claims.yaml:{line}:{col}: error: YAML syntax"

    text = diff(desk)
    assert text.exit_code == 1
    assert "working tree does not validate (1 error)" in text.stdout.splitlines()[0]
    assert any(row.strip().startswith(at) for row in text.stdout.splitlines())

    status, data = as_json(desk)
    assert status == 1
    assert data["head"]["state"] == "invalid" and data["base"]["state"] == "valid"
    assert [(p["path"], p["line"], p["column"]) for p in data["head"]["problems"]] == [("claims.yaml", line, col)]
    assert data["claims"] == [] and data["pages"] == [] and data["comparable"] is False

    markdown = diff(desk, "--format", "markdown").stdout
    block = markdown.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert len(block) == 1 and block[0].startswith(at)
    assert "| Claim |" not in markdown


def test_a_base_revision_that_does_not_validate(desk: Path) -> None:
    (desk / "claims.yaml").write_text(BROKEN, encoding="utf-8")
    commit(desk, "Broken", "2025-02-01T12:00:00Z")
    (desk / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    status, data = as_json(desk)
    assert status == 1
    assert data["base"]["state"] == "invalid" and data["head"]["state"] == "valid"
    assert data["base"]["problems"][0]["message"].startswith("YAML syntax")
    assert "HEAD (" in diff(desk).stdout.splitlines()[0]


@pytest.mark.parametrize("side", ["base", "head"])
def test_a_revision_whose_templates_fail_is_reported_where_they_fail(tmp_path: Path, side: str) -> None:
    """A template that names a value no page has stops that revision's pages, reported at the template's
    line as the revision has it (not in the temporary folder it was read into); the other side is valid."""
    root = copy_example(tmp_path / "desk")
    git(root, "init", "-q", "-b", "main")
    commit(root, "The example", "2025-01-01T12:00:00Z")
    footer = root / "templates/footer.html"
    good = footer.read_text(encoding="utf-8")
    footer.write_text("<p>Built by\n{{ no_such_value }}.</p>\n", encoding="utf-8")
    if side == "base":
        commit(root, "A broken footer", "2025-01-02T12:00:00Z")
        footer.write_text(good, encoding="utf-8")
    status, data = as_json(root)
    assert status == 1 and data["comparable"] is False
    other = "head" if side == "base" else "base"
    assert data[side]["state"] == "invalid" and data[other]["state"] == "valid"
    [problem] = data[side]["problems"]
    assert (problem["path"], problem["line"]) == ("templates/footer.html", 2)
    assert "no_such_value" in problem["message"]


# -- a renamed claim ------------------------------------------------------------------------------


@pytest.mark.parametrize("broken", [False, True], ids=["comparable", "working tree invalid"])
def test_the_program_prints_its_whole_report_and_status_when_piped(desk: Path, broken: bool) -> None:
    """`factsheet diff` as CI starts it, its output piped: the process ends at once once the report is out,
    which must be whole (standard output is buffered in a pipe) and carry the status."""
    if broken:
        (desk / "claims.yaml").write_text(BROKEN, encoding="utf-8")
    else:
        change(desk, "claims.yaml", TROOPS_CANONICAL, RAISED)
    done = subprocess.run(
        [sys.executable, "-m", "builder", "diff", "--format", "json"],
        cwd=desk,
        capture_output=True,
        text=True,
        timeout=120,
    )
    status, expected = as_json(desk)
    assert (done.returncode, json.loads(done.stdout)) == (status, expected), done.stderr
    assert status == (1 if broken else 0) and expected["comparable"] is not broken


def test_a_renamed_claim(desk: Path) -> None:
    for path, old, new in [
        ("claims.yaml", "  - id: casualties-total\n", "  - id: casualties-all\n"),
        ("claims.yaml", "related: [casualties-total]", "related: [casualties-all]"),
        ("content/about.md", "[[casualties-total|", "[[casualties-all|"),
    ]:
        change(desk, path, old, new)
    status, data = as_json(desk)
    assert status == 0
    claims = {c["id"]: c for c in data["claims"]}
    assert set(claims) == {"troops-total", "casualties-all"}
    renamed = claims["casualties-all"]
    assert (renamed["change"], renamed["old_id"]) == ("renamed", "casualties-total")
    assert renamed["variants"] == [] and renamed["old_figure"] is None
    related = claims["troops-total"]["fields"]
    assert related == [{"name": "related", "old": "casualties-total", "new": "casualties-all"}]
    pages = {p["url"]: p["change"] for p in data["pages"]}
    assert pages["claims/casualties-total/"] == "removed"
    assert pages["claims/casualties-all/"] == "added"

    rows = markdown_table(diff(desk, "--format", "markdown").stdout)
    assert [
        f"[`casualties-all`]({BASE_URL}claims/casualties-all/)",
        "renamed",
        "id casualties-total",
        "id casualties-all",
    ] in rows
    assert (
        "> casualties-all (renamed from casualties-total): North Korean soldiers killed or wounded"
        in diff(desk).stdout.splitlines()
    )


def test_an_added_and_a_removed_claim(desk: Path) -> None:
    claims = (desk / "claims.yaml").read_text(encoding="utf-8")
    start = claims.index("  - id: casualties-total")
    added = "  - id: drones\n    title: Drones\n    unit: drones\n    canonical:\n      value: 40\n"
    (desk / "claims.yaml").write_text(claims[:start].replace("related: [casualties-total]", "") + added)
    change(desk, "content/about.md", "[[casualties-total|about 4,000]]", "about 4,000")
    status, data = as_json(desk)
    assert status == 0
    assert [(c["change"], c["id"]) for c in data["claims"]] == [
        ("changed", "troops-total"),
        ("added", "drones"),
        ("removed", "casualties-total"),
    ]
    added_claim = data["claims"][1]
    assert added_claim["new_figure"]["text"] == "40 drones" and added_claim["new_status"] == "unsourced"
    assert data["claims"][2]["old_status"] == "agreed"


# -- revisions, and what diff never touches ------------------------------------------------------


def test_unknown_revision_and_no_repository_are_usage_errors(desk: Path, tmp_path: Path) -> None:
    result = diff(desk, "no-such-branch")
    assert result.exit_code == 2
    assert "unknown revision 'no-such-branch'" in result.stderr
    outside = tmp_path / "outside"
    outside.mkdir()
    result = diff(outside)
    assert result.exit_code == 2
    assert "not in a git repository" in result.stderr


def test_diff_never_touches_the_work_tree_the_index_or_head(desk: Path) -> None:
    change(desk, "claims.yaml", TROOPS_CANONICAL, RAISED)
    (desk / "draft.txt").write_text("an untracked file\n", encoding="utf-8")
    git(desk, "add", "draft.txt")
    before = tree(desk)  # .git included: the index, HEAD, refs
    status = git(desk, "status", "--porcelain")
    for args in ([], ["HEAD"], ["HEAD", "HEAD"], ["--format", "markdown"]):
        assert diff(desk, *args).exit_code == 0
    assert tree(desk) == before
    assert git(desk, "status", "--porcelain") == status


def test_nothing_changed(desk: Path) -> None:
    result = diff(desk, "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith(
        "working tree: 0 claims changed; 0 verdicts and 0 statuses changed; no source changed; 0 pages altered."
    )
    assert "|" not in result.stdout


def test_a_site_in_a_subfolder_with_included_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("Not a site.\n", encoding="utf-8")
    commit(repo, "A repository with no site yet", "2025-01-01T00:00:00Z")
    site = new_repo_files(repo / "desk")
    commit(repo, "The desk", "2025-01-02T00:00:00Z")
    change(
        site, "claims/casualties.yaml", "canonical:\n      value: about 4,000", "canonical:\n      value: about 4,400"
    )
    status, data = as_json(site)
    assert status == 0
    assert [(c["id"], c["old_figure"]["text"], c["new_figure"]["text"]) for c in data["claims"]] == [
        ("casualties-total", "about 4,000 soldiers", "about 4,400 soldiers")
    ]
    # Before the desk existed, every claim is new.
    status, data = as_json(site, "HEAD~1", "HEAD")
    assert status == 0 and data["base"]["state"] == "absent"
    assert [(c["change"], c["id"]) for c in data["claims"]] == [
        ("added", "troops-total"),
        ("added", "casualties-total"),
    ]


def new_repo_files(root: Path) -> Path:
    """The minimal site with its casualties claim in an included file, written (not committed) into `root`."""
    from tests.sitefactory import write_site

    start = CLAIMS.index("  - id: casualties-total")
    top = CLAIMS[:start].replace("sources:\n", "include:\n  - claims/*.yaml\nsources:\n", 1)
    return write_site(root, top, {"claims/casualties.yaml": "claims:\n" + CLAIMS[start:]})


def test_the_readme_shows_real_output(tmp_path: Path) -> None:
    """docs/reviewing.md's example is what `diff` prints for the change it names, on the example as it is now."""
    readme = (REPO / "docs" / "reviewing.md").read_text(encoding="utf-8")
    intro = "with `factsheet diff --format markdown`:\n\n```markdown\n"
    assert intro in readme
    shown = readme.split(intro, 1)[1].split("```\n", 1)[0]
    root = tmp_path / "example"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for name in ("claims.yaml", "content", "templates"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
        else:
            shutil.copy(REPO / name, root / name)
    commit(root, "The example", "2025-03-28T12:00:00Z")
    change(root, "claims.yaml", "canonical:\n      value: around 3,600\n", "canonical:\n      value: around 3,000\n")
    printed = diff(root, "--format", "markdown").stdout

    def unhashed(text: str) -> str:
        return re.sub(r"HEAD \([0-9a-f]{7}\)", "HEAD (hash)", text)

    assert unhashed(printed) == unhashed(shown), f"docs/reviewing.md's example is out of date; it is now:\n{printed}"


def test_without_git_diff_says_so_and_build_leaves_history_out(desk: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    done = subprocess.run(
        [sys.executable, "-m", "builder", "diff"], cwd=desk, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "git is not installed" in done.stderr and "Traceback" not in done.stderr
    built = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--out", str(tmp_path / "out")],
        cwd=desk,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    page = BeautifulSoup((tmp_path / "out/claims/troops-total/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.h1 is not None and page.find("h2", id="history") is None


def whole_render_digests(analysis: Any) -> dict[str, bytes]:
    """What `page_diff` compares, from the whole site rendered: each page's digest and claims.json's."""
    outputs = render.render_site(analysis).outputs
    return {
        path: hashlib.sha256(data).digest()
        for path, data in outputs.items()
        if isinstance(data, bytes) and (path.endswith(".html") or path == "claims.json")
    }


@pytest.mark.parametrize("name", list(EDITS))
def test_a_diff_renders_only_what_may_differ_and_finds_every_page_that_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Neither revision renders a page that shows nothing changed between them, and the pages reported
    altered are exactly those whose bytes differ when both whole sites are rendered."""
    root = copy_example(tmp_path / "desk")
    git(root, "init", "-q", "-b", "main")
    first = commit(root, "The example", "2025-01-01T12:00:00Z")
    EDITS[name](root)
    rendered: list[str] = []
    render_page = render.render_page

    def counted(env: Any, common: dict[str, Any], spec: render.PageSpec) -> bytes:
        rendered.append(spec.url)
        return render_page(env, common, spec)

    with ExitStack() as checkouts:
        old = revisions.snapshot_at(git_repository(root), "HEAD", first, checkouts)
        new = revisions.working_tree(root)
        assert old.analysis is not None and new.analysis is not None
        with monkeypatch.context() as patched:
            patched.setattr(render, "render_page", counted)
            old, new = revisions.with_pages(old, new)
        expected = page_diff(whole_render_digests(old.analysis), whole_render_digests(new.analysis))
    found = page_diff(old.outputs, new.outputs)
    assert found == expected, "the pages reported altered are not those that differ"
    # Each edit shows on some page; the order of the sources, on none.
    assert bool(found) == (name != "two sources change places")
    if name in ("canonical figure", "claim title", "variant verdict by editor"):
        pages = len(list(render.page_specs(new.analysis)))
        assert 0 < len(rendered) < pages, "every page was rendered, on both sides"


@settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate])
@given(edits=st.lists(st.tuples(st.sampled_from(sorted(KINDS_OF_EDIT)), st.integers(0, 2**32)), min_size=1, max_size=4))
def test_after_edits_of_every_kind_a_diff_reports_the_pages_whose_bytes_differ(edits: list[tuple[str, int]]) -> None:
    """The same property over random sequences of edits of every kind (see `test_incremental`), committed
    desk against working tree."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "desk"
        generate(root, 30, seed=3)
        desk = yaml.safe_load((root / "claims.yaml").read_text(encoding="utf-8"))
        write_desk(root, desk)
        git(root, "init", "-q", "-b", "main")
        first = commit(root, "The desk", "2025-01-01T12:00:00Z")
        for kind, seed in edits:
            KINDS_OF_EDIT[kind](desk, random.Random(seed), root)
        write_desk(root, desk)
        with ExitStack() as checkouts:
            old = revisions.snapshot_at(git_repository(root), "HEAD", first, checkouts)
            new = revisions.working_tree(root)
            assert old.analysis is not None and new.analysis is not None
            expected = page_diff(whole_render_digests(old.analysis), whole_render_digests(new.analysis))
            old, new = revisions.with_pages(old, new)
        assert page_diff(old.outputs, new.outputs) == expected, edits


# -- contract 1.1 ----------------------------------------------------------------------------------


def test_a_change_of_written_words_verdict_or_tolerance_is_a_change(desk: Path) -> None:
    """The source's own words, an editor's `different-measure` and a claim's own tolerance are what an editor
    wrote: each is shown as a change, even where no figure moves."""
    change(
        desk,
        "claims.yaml",
        "        value: 12,000\n",
        "        value: 12,000\n        written: twelve thousand\n        verdict: different-measure\n"
        "        note: Counts those in Kursk only.\n",
    )
    canonical = "    unit: soldiers\n    canonical:\n      value: about 4,000"
    change(desk, "claims.yaml", canonical, canonical.replace("canonical:", "tolerance: 0.05\n    canonical:"))
    status, data = as_json(desk)
    assert status == 0
    claims = {claim["id"]: claim for claim in data["claims"]}
    [variant] = claims["troops-total"]["variants"]
    assert {(f["name"], f["old"], f["new"]) for f in variant["fields"]} == {
        ("written", None, "twelve thousand"),
        ("editorial verdict", None, "different-measure"),
        ("note", None, "Counts those in Kursk only."),
    }
    assert (variant["old"]["verdict"], variant["new"]["verdict"]) == ("consistent", "different-measure")
    assert [(f["name"], f["old"], f["new"]) for f in claims["casualties-total"]["fields"]] == [
        ("tolerance", "0.1", "0.05")
    ]
    assert claims["casualties-total"]["new_figure"]["interval"]["low"] == 3800


def test_an_old_revision_is_read_as_written(desk: Path) -> None:
    """A figure committed as `1.50` and now written `1.5` is a change of the figure as written: the old revision is
    read from its characters, as the working tree is, not from the number YAML makes of them."""
    change(desk, "claims.yaml", "        value: 12,000\n", "        value: 1.50\n")
    commit(desk, "A figure in decimals", "2025-01-02T12:00:00Z")
    change(desk, "claims.yaml", "        value: 1.50\n", "        value: 1.5\n")
    status, data = as_json(desk)
    assert status == 0
    [claim] = data["claims"]
    [variant] = claim["variants"]
    assert [(f["name"], f["old"], f["new"]) for f in variant["fields"]] == [("figure", "1.50", "1.5")]


# -- revisions named in factsheet's words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("revision", "words"),
    [("^HEAD", "range"), ("HEAD~1..HEAD", "factsheet diff BASE HEAD"), ("main...HEAD", "range")],
)
def test_a_range_or_exclusion_is_answered_in_factsheets_words(desk: Path, revision: str, words: str) -> None:
    result = diff(desk, revision)
    assert result.exit_code == 2
    assert words in result.stderr and "fatal" not in result.output + result.stderr, result.stderr


def test_a_shallow_clone_is_named_as_the_cause_with_the_fix(desk: Path, tmp_path: Path) -> None:
    change(desk, "claims.yaml", TROOPS_CANONICAL, RAISED)
    commit(desk, "Raised", "2025-01-02T12:00:00Z")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{desk}", str(shallow)], check=True)
    result = diff(shallow, "HEAD~1", "HEAD")
    assert result.exit_code == 2
    assert "shallow clone" in result.stderr and "git fetch --unshallow" in result.stderr, result.stderr
    assert "fetch-depth: 0" in result.stderr


def test_a_desk_that_moved_is_compared_where_it_was(desk: Path) -> None:
    """A desk moved into a folder of its repository: the revision before the move is read from where the desk
    was then, so the diff shows what changed in the claims, not every claim removed and added."""
    moved = desk / "desk"
    moved.mkdir()
    for name in ("claims.yaml", "content"):
        git(desk, "mv", name, f"desk/{name}")
    commit(desk, "The desk in a folder of its own", "2025-01-02T12:00:00Z")
    change(moved, "claims.yaml", TROOPS_CANONICAL, RAISED)
    status, data = as_json(moved, "HEAD~1")
    assert status == 0
    assert data["base"]["desk"] == "" and data["head"]["desk"] is None
    assert [(c["id"], c["change"]) for c in data["claims"]] == [("troops-total", "changed")]
    assert "the desk then at the top of the repository" in diff(moved, "HEAD~1").stdout

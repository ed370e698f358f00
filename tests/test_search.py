"""The search index: what Pagefind is fed, that it gives the bundle the whole pages give, and its cache.

Pagefind itself runs in these tests, never a stand-in: a cache hit is shown by a wrapper
script around the real binary that logs each run.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder.render import pagetext, search

SKIPPED = ["svg", "script", "style", "nav"]


def search_bundle(outputs: dict[str, bytes], language: str, cache_dir: Path | None = None) -> dict[str, bytes]:
    """The Pagefind bundle of the pages of `outputs`, made as a build makes it from what it feeds Pagefind."""
    documents = {path: search.document(path, data) for path, data in sorted(outputs.items())}
    return search.index_documents({p: d for p, d in documents.items() if d is not None}, language, cache_dir)


def parse(html: bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def body_of(soup: BeautifulSoup) -> Tag:
    body = soup.find(attrs={"data-pagefind-body": True})
    assert isinstance(body, Tag)
    return body


def words(element: Tag) -> str:
    return " ".join(element.get_text(" ").split())


def indexed_words(html: bytes) -> str:
    """The text of the page's body that Pagefind indexes: without the parts it skips."""
    body = body_of(parse(html))
    for skipped in body.find_all([*SKIPPED, lambda tag: tag.has_attr("data-pagefind-ignore")]):
        skipped.decompose()
    return words(body)


@pytest.fixture(scope="module")
def outputs(example_site: Path) -> dict[str, bytes]:
    """The example's HTML pages, as the build hands them to the index."""
    return {
        file.relative_to(example_site).as_posix(): file.read_bytes()
        for file in sorted(example_site.rglob("*.html"))
        if "pagefind" not in file.relative_to(example_site).parts
    }


@pytest.fixture(scope="module")
def language(outputs: dict[str, bytes]) -> str:
    html = parse(outputs["index.html"]).html
    assert html is not None
    return str(html["lang"])


def fragments(bundle: dict[str, bytes]) -> dict[str, dict]:
    """Each page's record in the bundle, by its URL: what a search shows of it (title, excerpt)."""
    records = [
        json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd"))
        for path, data in bundle.items()
        if path.startswith(search.BUNDLE + "fragment/")
    ]
    return {record["url"]: record for record in records}


# --- What Pagefind is fed ---------------------------------------------------------------------

PAGE = b"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Des lance-roquettes &amp; obusiers \xc2\xb7 Le desk</title>
<link rel="stylesheet" href="../../static/style.css">
<script src="../../pagefind/pagefind-ui.js" defer></script>
</head>
<body>
<header class="masthead"><a href="../../">Le desk</a>
  <nav aria-label="Site"><ul><li><a href="../../">Claims</a></li></ul></nav>
  <div class="search" data-pagefind-ignore><noscript>Search needs JavaScript.</noscript></div>
</header>
<main id="main" class="wrap" data-pagefind-body>
<h1>Type of the weapon systems</h1>
<p class="figure">about 220 <strong>howitzers</strong></p>
<figure><svg viewBox="0 0 10 10"><title>chart title</title><text>chart label</text><svg><text>inner</text></svg></svg>
<figcaption>Each bar is a source.</figcaption></figure>
<!-- a <div> in a comment -->
<div class="tools" data-pagefind-ignore="all"><div><p>ignored words</p></div><div>more ignored</div></div>
<nav aria-label="Pages"><a href="?page=2">next page</a></nav>
<style>.x { color: red }</style>
<p>Text between the skipped parts, data-pagefind-ignore as words.</p>
<script type="application/ld+json">{"@type": "ClaimReview", "claimReviewed": "script words"}</script>
<table><tr><td>last cell</td></tr></table>
</main>
<footer class="site-footer"><p>Built with factsheet.</p></footer>
</body>
</html>
"""


def test_document_holds_the_title_language_and_body_without_the_skipped_parts() -> None:
    document = parse(pagetext.indexed_text(PAGE))
    original = parse(PAGE)
    assert document.title is not None and original.title is not None
    assert document.title.get_text() == original.title.get_text() == "Des lance-roquettes & obusiers · Le desk"
    assert document.html is not None and document.html["lang"] == "fr"
    body = body_of(document)
    assert body.name == "main" and body["id"] == "main"
    assert words(body) == indexed_words(PAGE)
    assert words(body).startswith("Type of the weapon systems about 220 howitzers")
    assert words(body).endswith("last cell")
    assert not body.find_all([*SKIPPED, lambda tag: tag.has_attr("data-pagefind-ignore")])
    for gone in ("chart label", "inner", "ignored words", "next page", "color: red", "script words", "a <div>"):
        assert gone not in str(document), gone
    assert document.body is not None and document.body.find_all(recursive=False) == [body]
    assert "Built with factsheet" not in str(document) and "Claims" not in str(document)


def test_documents_of_the_example_keep_what_pagefind_indexes(outputs: dict[str, bytes]) -> None:
    searched = [path for path in outputs if search.searched(path)]
    assert any(path.startswith("claims/") for path in searched) and any(p.startswith("sources/") for p in searched)
    for path in searched:
        page, document = outputs[path], pagetext.indexed_text(outputs[path])
        assert len(document) < len(page), path
        original, cut = parse(page), parse(document)
        assert cut.title is not None and original.title is not None
        assert cut.title.get_text() == original.title.get_text(), path
        assert cut.html is not None and original.html is not None
        assert cut.html["lang"] == original.html["lang"], path
        assert words(body_of(cut)) == indexed_words(page), path
        assert not body_of(cut).find_all([*SKIPPED, lambda tag: tag.has_attr("data-pagefind-ignore")]), path


@pytest.mark.parametrize(
    ("change", "why"),
    [
        pytest.param((b"<main id", b"<div id"), "the body is not a <main>", id="body-not-main"),
        pytest.param((b"<p>Built with", b"<p data-pagefind-body>Built with"), "two bodies", id="two-bodies"),
        pytest.param((b'<a href="../../">Le', b'<h1>Le</h1><a href="../../">Le'), "an h1 before the body", id="h1"),
        pytest.param((b"<p>Built", b'<img src="logo.png" alt="">Built'), "an image after the body", id="img"),
        pytest.param((b"<header", b'<header data-pagefind-meta="kind:claim"'), "meta outside", id="meta"),
        pytest.param((b"<figure><svg", b"<figure><svg><svg>"), "an <svg> that does not end", id="unclosed"),
        pytest.param((b"<!-- a", b"<!-- unclosed"), "a comment that does not end", id="comment"),
    ],
)
def test_pages_the_scanner_cannot_cut_safely_are_sent_whole(change: tuple[bytes, bytes], why: str) -> None:
    page = PAGE.replace(*change, 1)
    assert page != PAGE
    if why == "a comment that does not end":
        page = page.replace(b"-->", b"")
    assert pagetext.indexed_text(page) is page, why


def test_a_page_without_a_body_element_is_sent_whole() -> None:
    page = PAGE.replace(b" data-pagefind-body", b"")
    assert pagetext.indexed_text(page) is page


def test_skipped_parts_that_pagefind_still_reads_are_left_in() -> None:
    """The first <h1> is the result's title even inside a skipped part; an <img> after it its image."""
    page = PAGE.replace(b"<h1>Type", b"<div data-pagefind-ignore><h1>Hidden title</h1></div><h1>Type", 1)
    page = page.replace(b'<nav aria-label="Pages">', b'<nav aria-label="Pages"><img src="x.png" alt="">', 1)
    document = pagetext.indexed_text(page)
    assert b"Hidden title" in document and b"x.png" in document
    assert indexed_words(document) == indexed_words(page)
    assert b"chart label" not in document


def _read_one_by_one(low: bytes, start: int, stop: int) -> bool:
    """What Pagefind reads in a skipped part, looked for a name at a time: a tag name or attribute
    name whole, all of it between `start` and `stop`."""
    names = [(tag, pagetext._TAG_ENDS) for tag in pagetext._READ_TAGS]
    names += [(b"data-pagefind-" + name, pagetext._ATTRIBUTE_ENDS) for name in pagetext._READ_ATTRIBUTES]
    for name, ends in names:
        at = low.find(name, start, stop)
        while at != -1:
            after = at + len(name)
            if after == len(low) or low[after] in ends:
                return True
            at = low.find(name, at + 1, stop)
    return False


PIECES = [b"<h1", b"<img", b" ", b">", b"/", b"=", b"data-pagefind-", b"meta", b"default-meta", b"filter",
          b"sort", b"index-attrs", b"x", b"\n", b"-", b"<h2", b"<image"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.integers(0, 200), st.integers(0, 200))
# Found by one of ten runs in a row: an attribute's name that runs past the end of the part.
@example(pieces=[b"data-pagefind-", b"meta"], one=0, two=14)
def test_what_pagefind_reads_in_a_skipped_part_is_found_exactly(pieces: list[bytes], one: int, two: int) -> None:
    low = b"".join(pieces)
    start, stop = sorted((min(one, len(low)), min(two, len(low))))
    assert pagetext._read_anyway(low, start, stop) == _read_one_by_one(low, start, stop)


def test_mixed_case_tags_and_lookalike_names() -> None:
    page = PAGE.replace(b"<figure><svg", b"<figure><SVG", 1).replace(b"</svg></svg>", b"</svg></SVG>", 1)
    page = page.replace(b"<p>Text between", b"<navigation-bar>custom element</navigation-bar><p>Text between", 1)
    cut = parse(pagetext.indexed_text(page))
    assert words(body_of(cut)) == indexed_words(page)
    assert "custom element" in words(body_of(cut))


# --- The bundle ---------------------------------------------------------------------------


def test_the_bundle_is_the_one_the_whole_pages_give(outputs: dict[str, bytes], language: str) -> None:
    """Fed the cut documents, Pagefind writes byte for byte the bundle it writes from the whole pages."""
    bundle = search_bundle(outputs, language)
    whole = {path: page for path, page in sorted(outputs.items()) if search.searched(path)}
    # One shard: the bundle as Pagefind writes it from the whole pages, and the (empty) list of further shards.
    assert bundle == search.index_documents(whole, language) and bundle[search.SHARDS_FILE] == b"[]\n"
    records = fragments(bundle)
    expected = {"/" + path.removesuffix("index.html") for path in whole if b"data-pagefind-body" in whole[path]}
    assert set(records) == expected
    claim = records["/claims/dprk-rocket-launchers-type/"]
    assert claim["meta"]["title"] == "Type of the about 220 weapon systems sent to Russia"
    assert "howitzers" in claim["content"]
    assert all(path.startswith(search.BUNDLE) for path in bundle)
    assert {search.BUNDLE + "pagefind.js", search.BUNDLE + "pagefind-ui.js"} <= bundle.keys()


# --- The cache ----------------------------------------------------------------------------


@pytest.fixture
def logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real Pagefind behind a script that logs every run of it; the log's path."""
    real = search._binary()
    log = tmp_path / "pagefind.log"
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    log.write_text("")
    monkeypatch.setattr(search, "_binary", lambda: str(wrapper))
    return log


def runs(log: Path) -> list[str]:
    """The indexing runs in the log (not the `--version` that keys the cache)."""
    return [line for line in log.read_text().splitlines() if "--site" in line]


def test_an_unchanged_site_reuses_the_cached_bundle(
    outputs: dict[str, bytes], language: str, logged: Path, tmp_path: Path
) -> None:
    cache = tmp_path / ".factsheet-cache"
    first = search_bundle(outputs, language, cache)
    assert len(runs(logged)) == 1
    assert [p.name for p in cache.iterdir()] == [search.CACHE_FILE]
    again = search_bundle(dict(outputs), language, cache)
    assert again == first
    assert len(runs(logged)) == 1, "the second call ran Pagefind"
    # Outside the body (the site's menu, the list pages): not what Pagefind is fed.
    elsewhere = {path: page.replace(b"Discrepancies</a>", b"Differences</a>") for path, page in outputs.items()}
    assert elsewhere != outputs
    assert search_bundle(elsewhere, language, cache) == first
    assert len(runs(logged)) == 1


def test_a_changed_page_or_language_invalidates_the_cache(
    outputs: dict[str, bytes], language: str, logged: Path, tmp_path: Path
) -> None:
    cache = tmp_path / ".factsheet-cache"
    first = search_bundle(outputs, language, cache)
    page = "claims/dprk-rocket-launchers-type/index.html"
    edited = {**outputs, page: outputs[page].replace(b"</h1>", b" zeppelins</h1>", 1)}
    second = search_bundle(edited, language, cache)
    assert len(runs(logged)) == 2
    assert second != first
    assert "zeppelins" in fragments(second)["/claims/dprk-rocket-launchers-type/"]["content"]
    assert [p.name for p in cache.iterdir()] == [search.CACHE_FILE], "only the latest bundle is kept"
    assert search_bundle(edited, language, cache) == second
    assert len(runs(logged)) == 2
    search_bundle(edited, "de", cache)
    assert runs(logged)[-1].endswith("--force-language de")
    assert search_bundle(outputs, language, cache) == first
    assert len(runs(logged)) == 4


@pytest.mark.parametrize("written", ['en"><script>alert(23)</script>', "en/../x", "", "e"])
def test_a_site_language_that_is_no_language_tag_is_indexed_as_unknown(
    outputs: dict[str, bytes], written: str, logged: Path
) -> None:
    """The site's language is the editors' text; Pagefind names files after it (and panicked on markup)."""
    bundle = search_bundle(outputs, written)
    assert runs(logged)[-1].endswith("--force-language unknown")
    assert json.loads(bundle["pagefind/pagefind-entry.json"])["languages"].keys() == {"unknown"}
    assert fragments(bundle)["/claims/dprk-rocket-launchers-type/"]["meta"]["title"]
    assert [search.pagefind_language(tag) for tag in ("en", "en-GB", "zh-Hant-TW", "pt-BR")] == [
        "en", "en-GB", "zh-Hant-TW", "pt-BR",
    ]  # fmt: skip


def test_a_damaged_or_foreign_cache_is_built_again(
    outputs: dict[str, bytes], language: str, logged: Path, tmp_path: Path
) -> None:
    cache = tmp_path / ".factsheet-cache"
    first = search_bundle(outputs, language, cache)
    made = (cache / search.CACHE_FILE).read_bytes()
    (cache / search.CACHE_FILE).write_bytes(made[: len(made) // 2])
    assert search_bundle(outputs, language, cache) == first
    assert len(runs(logged)) == 2
    assert search_bundle(outputs, language, cache) == first
    assert len(runs(logged)) == 2
    # The right key, but a name that would write outside the bundle's folder: not ours.
    with zipfile.ZipFile(cache / search.CACHE_FILE, "a") as archive:
        archive.writestr("../index.html", b"<script>alert(1)</script>")
    assert search_bundle(outputs, language, cache) == first
    assert len(runs(logged)) == 3


def test_without_a_scratch_folder_in_memory_the_system_temporary_folder_serves(
    outputs: dict[str, bytes], language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_memory = search_bundle(outputs, language)
    monkeypatch.setattr(search, "SCRATCH", tmp_path / "no-such-folder")
    on_disk = search_bundle(outputs, language)
    # The same pages, titles and excerpts; the numbering of pages may follow another folder order.
    assert fragments(on_disk) == fragments(in_memory)
    assert on_disk[search.BUNDLE + "pagefind.js"] == in_memory[search.BUNDLE + "pagefind.js"]


def test_a_killed_builds_scratch_folder_is_removed_by_the_next_not_a_live_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build killed mid-way (the OOM killer, kill -9) leaves its scratch folder in memory: the next build
    removes it, once it is an hour old, and leaves a running build's alone, and anything else."""
    monkeypatch.setattr(search, "SCRATCH", tmp_path)
    ended = subprocess.Popen(["true"])  # a process that has ended: no process has its id now
    ended.wait()
    running = subprocess.Popen(["sleep", "60"])
    try:
        folders = {
            "killed": f"{search.SCRATCH_PREFIX}{ended.pid}-abc123",
            "killed just now": f"{search.SCRATCH_PREFIX}{ended.pid}-def456",
            "running": f"{search.SCRATCH_PREFIX}{running.pid}-ghi789",
            "this process": f"{search.SCRATCH_PREFIX}{os.getpid()}-jkl012",
            "not ours": "factsheet-searching-1-abc",
        }
        hour_ago = time.time() - search.ABANDONED_AFTER - 60
        for what, name in folders.items():
            (tmp_path / name / "documents").mkdir(parents=True)
            if what != "killed just now":
                os.utime(tmp_path / name, (hour_ago, hour_ago))
        with search.Scratch() as scratch:
            assert scratch.folder.parent == tmp_path
            assert scratch.folder.name.startswith(f"{search.SCRATCH_PREFIX}{os.getpid()}-")
        left = {what for what, name in folders.items() if (tmp_path / name).is_dir()}
        assert left == {"killed just now", "running", "this process", "not ours"}
    finally:
        running.kill()
        running.wait()


# --- Without Pagefind ---------------------------------------------------------------------


def test_a_missing_or_failing_binary_is_one_line_of_reason(
    outputs: dict[str, bytes], language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "_binary", lambda: str(tmp_path / "no-such-pagefind"))
    with pytest.raises(search.SearchUnavailable) as missing:
        search_bundle(outputs, language, tmp_path / "cache")
    assert "\n" not in str(missing.value) and "did not run" in str(missing.value)
    failing = tmp_path / "failing-pagefind"
    failing.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "pagefind 0.0.0" && exit 0\n'
                       'echo "first line" >&2\necho "Error: the last line" >&2\nexit 3\n')  # fmt: skip
    failing.chmod(failing.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(search, "_binary", lambda: str(failing))
    with pytest.raises(search.SearchUnavailable, match=r"^pagefind failed: Error: the last line$"):
        search_bundle(outputs, language, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


# --- Shards ------------------------------------------------------------------------------


def test_a_large_desk_is_indexed_in_shards_each_cached_alone(
    outputs: dict[str, bytes], language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logged: Path
) -> None:
    monkeypatch.setattr(search, "SHARD_SIZE", 10)
    cache = tmp_path / "cache"
    bundle = search_bundle(outputs, language, cache_dir=cache)
    shards = json.loads(bundle[search.SHARDS_FILE])
    searched = [path for path in outputs if search.searched(path)]
    assert len(shards) + 1 == -(-len(searched) // 10) and len(runs(logged)) == len(shards) + 1
    # Every page is in exactly one shard, and only the first shard carries the search box's files.
    pages = {**fragments(bundle)}
    for shard in shards:
        part = {
            path.replace(f"shards/{shard.split('/')[1]}/", "", 1): data
            for path, data in bundle.items()
            if path.startswith(search.BUNDLE + shard)
        }
        assert search.BUNDLE + "pagefind-entry.json" in part and search.BUNDLE + "pagefind-ui.js" not in part
        found = fragments(part)
        assert not found.keys() & pages.keys()
        pages.update(found)
    assert set(pages) == {"/" + path.removesuffix("index.html") for path in searched}
    cached = sorted(p.name for p in cache.iterdir())
    assert cached == sorted(["search.zip", *(f"search-{n}.zip" for n in range(1, len(shards) + 1))])
    # An edit of one page indexes its shard again, and no other.
    edited = dict(outputs)
    page = "claims/dprk-killed/index.html"
    edited[page] = edited[page].replace(b"North Korean soldiers killed", b"North Korean soldiers dead")
    logged.write_text("")
    again = search_bundle(edited, language, cache_dir=cache)
    assert len(runs(logged)) == 1 and again != bundle
    # Fewer shards: the cached ones beyond them are removed.
    monkeypatch.setattr(search, "SHARD_SIZE", 10_000)
    search_bundle(outputs, language, cache_dir=cache)
    assert [p.name for p in cache.iterdir()] == ["search.zip"]


# --- Within a build ------------------------------------------------------------------------------


def site_files(site: Path) -> dict[str, bytes]:
    return {file.relative_to(site).as_posix(): file.read_bytes() for file in sorted(site.rglob("*")) if file.is_file()}


def test_a_build_carries_the_bundle_its_pages_give(
    example_site: Path, outputs: dict[str, bytes], language: str
) -> None:
    # `factsheet build` feeds Pagefind from its scratch folder as the pages are made; the bundle
    # must be the one its finished pages give.
    built = {path: data for path, data in site_files(example_site).items() if path.startswith(search.BUNDLE)}
    assert built == search_bundle(outputs, language)


def test_pages_made_on_two_cores_give_the_site_and_index_of_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 400 claims: enough pages to render on two forked workers, each writing the documents of its
    # pages for Pagefind; in shards of 100, so that each shard gathers documents of both.
    from builder.pipeline.build import build
    from builder.render.parallel import MIN_PER_WORKER
    from tests.benchmarks.generate import generate

    generate(tmp_path / "desk", 400)
    monkeypatch.setattr(search, "SHARD_SIZE", 100)
    forks: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    sites, workers = {}, {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("FACTSHEET_JOBS", jobs)
        out = tmp_path / f"site-{jobs}"
        forks.clear()
        result = build(tmp_path / "desk", out, cards=False)  # the images: tests/test_cards.py
        assert result.ok and not result.problems.sorted()
        sites[jobs], workers[jobs] = site_files(out), len(forks)
        shutil.rmtree(tmp_path / "desk" / ".factsheet-cache")
    assert workers == {"1": 0, "2": 1}  # the build process renders too
    assert len(sites["1"]) > 2 * MIN_PER_WORKER and len(json.loads(sites["1"][search.SHARDS_FILE])) > 2
    assert sites["1"] == sites["2"]


def test_a_document_that_cannot_be_written_for_pagefind_leaves_the_site_without_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.pipeline.build import build
    from tests.conftest import copy_example

    made = search.Scratch.__init__

    def blocked(self: search.Scratch) -> None:
        made(self)
        self.waiting.write_text("a file where the documents' folder goes")  # a real ENOTDIR for every page

    monkeypatch.setattr(search.Scratch, "__init__", blocked)
    root = copy_example(tmp_path / "desk")
    result = build(root, tmp_path / "site")
    assert result.ok
    warnings = [str(p) for p in result.problems.sorted() if "search:" in str(p)]
    assert len(warnings) == 1 and "cannot write pagefind's scratch files" in warnings[0]
    assert warnings[0].endswith("the site is written without search")
    assert (tmp_path / "site" / "index.html").is_file() and not (tmp_path / "site" / search.BUNDLE).exists()


def test_a_shard_that_pagefind_fails_on_leaves_the_site_without_any_of_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first shard's files are staged as soon as it is indexed; when another shard fails, none
    # of the index may reach the site, which would then search half of it.
    from builder.pipeline.build import build
    from tests.conftest import copy_example

    real = search._binary()
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(
        f'#!/bin/sh\ncase "$*" in *shard-1/*) echo "Error: shard one" >&2; exit 3;; esac\nexec "{real}" "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(search, "_binary", lambda: str(wrapper))
    monkeypatch.setattr(search, "SHARD_SIZE", 10)
    root = copy_example(tmp_path / "desk")
    result = build(root, tmp_path / "site")
    assert result.ok
    warnings = [str(p) for p in result.problems.sorted() if "search:" in str(p)]
    assert len(warnings) == 1 and "pagefind failed: Error: shard one" in warnings[0]
    assert (tmp_path / "site" / "index.html").is_file() and not (tmp_path / "site" / search.BUNDLE).exists()
    # Pagefind did index the first shard (and cached it): the index was made, then left out.
    assert (root / ".factsheet-cache" / "search.zip").is_file()


def test_without_pagefind_the_site_is_built_without_search_and_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.pipeline.build import build
    from tests.conftest import copy_example

    written: list[str] = []  # no document may be written for a Pagefind that is not there
    add = search.Scratch.add
    monkeypatch.setattr(search.Scratch, "add", lambda self, path, doc: written.append(path) or add(self, path, doc))

    def missing() -> str:
        raise search.SearchUnavailable("no pagefind binary (install the pagefind[bin] package)")

    monkeypatch.setattr(search, "_binary", missing)
    result = build(copy_example(tmp_path / "desk"), tmp_path / "site")
    assert result.ok
    warnings = [str(p) for p in result.problems.sorted() if "search:" in str(p)]
    assert warnings == [
        "claims.yaml:1:1: warning: search: no pagefind binary (install the pagefind[bin] package); "
        "the site is written without search"
    ]
    assert (tmp_path / "site" / "index.html").is_file() and not (tmp_path / "site" / search.BUNDLE).exists()
    assert written == []


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "in-memory"])
def test_a_build_asked_for_no_search_runs_no_pagefind_and_writes_no_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """`factsheet build --no-search`, whether the build streams its files into a staging folder or, where
    none can be made beside the output, writes them from memory: every page, no index, Pagefind not run."""
    from builder.analyse import corrections
    from builder.pipeline import build as building
    from tests.conftest import copy_example

    if not streamed:
        monkeypatch.setattr(building.Staging, "make", classmethod(lambda cls, out, protected=(): None))
    ran: list[str] = []
    index_folder = search._index_folder
    monkeypatch.setattr(search, "_index_folder", lambda *args: ran.append("pagefind") or index_folder(*args))
    root = copy_example(tmp_path / "desk")
    bare = building.build(root, tmp_path / "bare", search=False)
    # The example outside git: its corrections policy cannot be kept (the one warning), nothing else.
    assert bare.ok and [p.message for p in bare.problems.sorted()] == [corrections.NO_HISTORY] and ran == []
    assert (tmp_path / "bare" / "claims" / "dprk-troops-total" / "index.html").is_file()
    assert not (tmp_path / "bare" / search.BUNDLE).exists()
    full = building.build(root, tmp_path / "full")
    assert full.ok and ran and (tmp_path / "full" / search.BUNDLE / "pagefind-ui.js").is_file()

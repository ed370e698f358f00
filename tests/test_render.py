"""Rendering: site templates override the packaged ones, template mistakes are located, the chart draws each end."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.analyse.analysis import analyse
from builder.check.interval import INF, Interval
from builder.pipeline.build import build
from builder.pipeline.stages import render
from builder.render import formatting, parallel, search
from tests.benchmarks.generate import generate
from tests.conftest import REPO
from tests.sitefactory import tree


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "desk"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("site", ".git", ".venv", "*.egg-info", "tests"))
    return root


def test_site_template_overrides_the_packaged_one(tmp_path: Path) -> None:
    result = build(REPO, tmp_path / "out")
    assert result.ok
    footer = BeautifulSoup((tmp_path / "out" / "index.html").read_text(), "html.parser").select_one("footer")
    assert footer is not None
    assert (REPO / "templates" / "footer.html").read_text().strip().split("<p>")[1][:40] in str(footer)


@pytest.mark.parametrize(
    ("template", "message"),
    [("<p>{{ nothing_here }}</p>\n", "'nothing_here' is undefined"), ("\n<p>{% if %}</p>\n", "Expected an expression")],
)
def test_template_mistake_is_reported_at_its_line(example: Path, template: str, message: str) -> None:
    (example / "templates" / "footer.html").write_text(template)
    result, _ = render(example)
    problems = [str(p) for p in result.problems.sorted() if p.severity == "error"]
    line = template.count("\n", 0, template.index("{")) + 1
    assert len(problems) == 1
    assert problems[0].startswith(f"templates/footer.html:{line}:1: error: template: ")
    assert message in problems[0]
    assert result.outputs is None


def test_data_is_never_rendered_as_a_template(example: Path) -> None:
    claims = example / "claims.yaml"
    claims.write_text(claims.read_text().replace("title: North Korean soldiers killed\n", "title: '{{7*7}} killed'\n"))
    result, _ = render(example)
    assert result.outputs is not None
    soup = BeautifulSoup(result.outputs["claims/dprk-killed/index.html"], "html.parser")
    assert soup.h1.get_text() == "{{7*7}} killed"


@pytest.mark.parametrize(
    ("value", "text"),
    [(12100.0, "12,100"), (3300.0000000000005, "3,300"), (0.125, "0.125"), (-25.5, "−25.5"), (INF, "∞")],
)
def test_numbers_for_readers(value: float, text: str) -> None:
    assert formatting.number(value) == text


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (Interval(9900, 12100), "[9,900, 12,100]"),
        (Interval(1000, INF, True), "(1,000, ∞)"),
        (Interval(0, 20, False, True), "[0, 20)"),
        (Interval(400, 400), "400"),
    ],
)
def test_intervals_for_readers(interval: Interval, text: str) -> None:
    assert formatting.interval(interval) == text


@pytest.mark.parametrize(("value", "text"), [(0.0909, "+9%"), (-0.2727, "−27%"), (-0.0039, "−0.4%"), (0.0, "0%")])
def test_deviations_for_readers(value: float, text: str) -> None:
    assert formatting.deviation(value) == text


def test_analysis_is_pure_and_repeatable() -> None:
    result, _ = render(REPO)
    assert result.site is not None and result.analysis is not None
    assert analyse(result.site) == result.analysis


def test_output_is_escaped_as_markupsafe_escapes_it() -> None:
    """The pages' environment escapes `{{ value }}` more cheaply (see `pagehelpers`), to the same characters."""
    from markupsafe import Markup, escape

    from builder.render.pages import environment

    class Html:
        def __html__(self) -> str:
            return "<i>own</i>"

    class Text(str):
        pass

    template = environment(None, "a fingerprint").from_string("{{ value }}")
    for value in ["<script>&\"'", Text("<b>"), Markup("<b>kept</b>"), Html(), 12, -7, 10**30, True, 1.5, None, ["<x>"]]:
        assert template.render(value=value) == str(escape(value)), value


def test_pages_come_back_in_order_whoever_made_them_and_a_failed_workers_are_made_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The workers take chunks of the pages as they are free; the pages come back in the order given, and
    what a worker that failed had taken is made here (a worker fails here on every seventh page)."""
    monkeypatch.setattr(parallel, "workers", lambda: 2)  # on a machine of one core too
    here = os.getpid()
    items = list(range(3 * parallel.MIN_PER_WORKER))
    told, tell = os.pipe()  # a byte for each page a worker made or tried: the worker did take some

    def render(item: int) -> int:
        if os.getpid() != here:
            os.write(tell, b".")
            if item % 7 == 3:
                raise RuntimeError("a page that fails in a worker")
        time.sleep(0.0005)  # long enough for the worker to take its share while this process takes its own
        return item * 2

    try:
        assert parallel.map_pages(render, items) == [item * 2 for item in items]
        os.close(tell)
        with os.fdopen(told, "rb") as worker:
            assert worker.read(), "the worker took no page: nothing here was made by another process"
    finally:
        for end in (told, tell):
            with contextlib.suppress(OSError):
                os.close(end)


def test_a_template_mistake_stops_every_worker_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mistake on a page this process renders while forked workers render the others: the build stops,
    and so do they, before anything they would go on writing (staging, search documents) is removed."""
    monkeypatch.setattr(search, "SCRATCH", tmp_path / "shm")
    monkeypatch.setattr(parallel, "workers", lambda: 2)  # on a machine of one core too
    (tmp_path / "shm").mkdir()
    root = tmp_path / "desk"
    generate(root, 1000)  # enough pages for two workers
    assert build(root, root / "site", cards=False).ok
    before = tree(root / "site")
    # Whichever process takes the second claim's page, this one makes it in the end: a worker that fails
    # leaves what it had taken to this process, which then fails on it too.
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "footer.html").write_text('{% if page_url == "claims/claim-1/" %}{{ nothing }}{% endif %}\n')
    result = build(root, root / "site", cards=False)
    assert [str(p).split(": error: ")[0] for p in result.problems.sorted() if p.severity == "error"] == [
        "templates/footer.html:1:1"
    ]
    for _ in range(30):  # a worker left running would write on for a while
        assert sorted(p.name for p in root.iterdir()) == sorted(
            ["claims.yaml", "claims.schema.json", "content", "site", "templates", ".factsheet-cache"]
        )
        assert list((tmp_path / "shm").iterdir()) == []
        time.sleep(0.1)
    assert tree(root / "site") == before

"""What a reader sees, measured in Chromium: every verdict and deviation in sight at every width, a chart
that reads on a phone, a first screen that summarises however many figures a claim has.

On the example and on the large real desk of the fixtures (62 figures in one claim). Skipped, with the
reason printed, only where Chromium is not installed (see `tests/test_browser.py`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import test_browser
from tests.test_browser import PAGES, served

pytestmark = test_browser.pytestmark
browser = test_browser.browser

WIDTHS = [320, 375, 768, 1280]
HEIGHT = 800
MANY = "claims/russian-military-killed-and-wounded/"
"""The fixture's claim of 62 figures, 41 of them one originator's rising count."""
ESTIMATE_PAGES = {
    "many figures": MANY,
    "few figures": "claims/ukrainian-military-killed-and-wounded/",
    "discrepancies": "discrepancies/",
    "outlet": "outlets/the-new-york-times/",
}

IN_SIGHT = """() => {
    // Each verdict, status, deviation and party's mark a reader can reach (not inside a closed <details>): scrolled to,
    // it must lie within the viewport and within every ancestor that clips, and be what a tap at its
    // centre reaches. And no table cell may hold more than it shows.
    const failures = [];
    const width = document.documentElement.clientWidth;
    const describe = e => {
        const where = e.closest('tr, li, p, dd');
        return `${e.className} "${e.textContent.trim().slice(0, 40)}" in ${where?.id || where?.className}`;
    };
    for (const e of document.querySelectorAll('main .verdict, main .status, main .deviation, main .party')) {
        if (!e.checkVisibility()) continue;
        // Scrolled to as a reader scrolls a page: down, never sideways inside a box (scrollIntoView
        // would scroll a table's wrapper sideways and find the verdict a reader never sees).
        window.scrollBy(0, e.getBoundingClientRect().top - innerHeight / 2);
        const box = e.getBoundingClientRect();
        if (box.width === 0 || box.left < 0 || box.right > width + 0.5) {
            failures.push(`${describe(e)}: outside the viewport (${box.left}..${box.right} of ${width})`);
            continue;
        }
        for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) {
            const style = getComputedStyle(up);
            if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
            const clip = up.getBoundingClientRect();
            if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5) {
                failures.push(`${describe(e)}: clipped by ${up.tagName}.${up.className}`);
            }
        }
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        if (!hit || !(hit === e || e.contains(hit))) {
            failures.push(`${describe(e)}: covered by ${hit?.tagName}.${hit?.className}`);
        }
    }
    for (const cell of document.querySelectorAll('main td, main th')) {
        if (cell.checkVisibility() && cell.scrollWidth > cell.clientWidth + 1) {
            failures.push(`a cell overflows: "${cell.textContent.trim().slice(0, 40)}"`);
        }
    }
    const sideways = document.documentElement.scrollWidth - width;
    if (sideways > 0) failures.push(`the page scrolls sideways by ${sideways}px`);
    return failures;
}"""


@pytest.fixture(scope="module")
def estimates_url(estimates_site: Path) -> Iterator[str]:
    with served(estimates_site) as url:
        yield url


@pytest.fixture(scope="module")
def example_url(example_site: Path) -> Iterator[str]:
    with served(example_site) as url:
        yield url


@pytest.fixture
def at_width(browser):  # type: ignore[no-untyped-def]
    """A page opened in a fresh browser context of the given width; contexts are closed after the test."""
    contexts = []

    def opener(url: str, width: int):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": HEIGHT})
        contexts.append(context)
        page = context.new_page()
        page.goto(url, wait_until="load")
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", [name for name in PAGES if name not in ("narrative page", "404")])
def test_every_verdict_and_deviation_of_the_example_is_in_sight(
    at_width, example_url: str, name: str, width: int
) -> None:  # type: ignore[no-untyped-def]
    page = at_width(example_url + PAGES[name], width)
    assert page.locator("main .verdict, main .status").count() > 0, "nothing to look at"
    assert page.evaluate(IN_SIGHT) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(ESTIMATE_PAGES))
def test_every_verdict_and_deviation_of_a_large_desk_is_in_sight(
    at_width, estimates_url: str, name: str, width: int
) -> None:  # type: ignore[no-untyped-def]
    page = at_width(estimates_url + ESTIMATE_PAGES[name], width)
    assert page.locator("main .deviation").count() > 0, "nothing to look at"
    assert page.evaluate(IN_SIGHT) == []


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_chart_reads_on_a_phone(at_width, example_url: str, estimates_url: str, width: int) -> None:  # type: ignore[no-untyped-def]
    """Its text is at least 12 px as drawn; no label lies over a track (its bars and the band); the axis's
    values do not run into each other."""
    for url in (example_url + PAGES["claim"], estimates_url + MANY):
        page = at_width(url, width)
        sizes = page.evaluate(
            """() => [...document.querySelectorAll(
                         '.chart-figure :is(.chart-label, .chart-axis text, .axis-unit, .chart-title)')]
                     .filter(e => e.checkVisibility()).map(e => e.getBoundingClientRect().height > 0 &&
                                                              parseFloat(getComputedStyle(e).fontSize))"""
        )
        assert len(sizes) > 5 and min(sizes) >= 12, sizes
        overlaps = page.evaluate(
            """() => [...document.querySelectorAll('.chart-row')].filter(e => e.checkVisibility()).flatMap(row => {
                   const label = row.querySelector('.chart-label').getBoundingClientRect();
                   const track = row.querySelector('.track').getBoundingClientRect();
                   return label.bottom > track.top + 0.5 ? [row.textContent] : []; })"""
        )
        assert overlaps == []
        ticks = page.evaluate(
            """() => [...document.querySelectorAll('.chart-axis text')].map(t => {
                   const b = t.getBoundingClientRect(); return [b.left, b.right]; })"""
        )
        chart = page.locator(".chart-axis").bounding_box()
        assert ticks and all(
            chart["x"] - 12 <= left and right <= chart["x"] + chart["width"] + 12 for left, right in ticks
        )
        assert all(a[1] + 4 <= b[0] for a, b in itertools.pairwise(ticks)), ticks


@pytest.mark.parametrize("width", [375, 1280])
def test_a_claim_of_62_figures_keeps_its_chart_and_first_screen_short(at_width, estimates_url: str, width: int) -> None:  # type: ignore[no-untyped-def]
    page = at_width(estimates_url + MANY, width)
    chart = page.locator(".chart-figure").bounding_box()
    assert chart is not None and chart["height"] <= 2 * HEIGHT, f"the chart is {chart['height']:.0f}px tall"
    named = page.locator(".answer .where-they-differ li")
    assert 1 <= named.count() <= 5
    assert page.locator(".answer .more-link a").get_attribute("href") == "#variants"
    tally = page.locator(".answer .tally").text_content()
    assert "earlier figures" in tally and "differ" not in tally  # 56 earlier counts, none wrong
    if width == 1280:  # the whole answer, headline to named disagreements, on the first screen of a desktop
        answer = page.locator(".answer").bounding_box()
        assert answer["y"] + answer["height"] <= HEIGHT


def test_search_opened_from_disk_says_how_to_search_and_logs_no_error(browser, example_site: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    logged: list[str] = []
    page.on("console", lambda m: logged.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: logged.append(str(e)))
    page.goto((example_site / "index.html").as_uri(), wait_until="load")
    note = page.locator("#search .search-offline")
    note.wait_for(timeout=60_000)
    assert "factsheet serve" in note.text_content()
    page.goto((example_site / "discrepancies" / "index.html").as_uri(), wait_until="load")
    page.locator("#search .search-offline").wait_for(timeout=60_000)
    assert page.locator("select[data-filter]").count() == 2  # the page's own script works from disk
    context.close()
    assert logged == []

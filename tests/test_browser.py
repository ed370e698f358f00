"""The example site in a real browser: Debian's Chromium driven by Playwright, pages served on 127.0.0.1.

Skipped, with the reason printed, only where Chromium is not installed.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import copy_example

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium)"
)
WAIT_MS = 60_000
"""The bound on every wait for the page (ms): each wait ends as soon as what it waits for happens."""
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "index": "",
    "claim": "claims/dprk-killed/",
    "text claim": "claims/dprk-rocket-launchers-type/",
    "source": "sources/eutoday-support-amid-ukraine-war/",
    "outlet": "outlets/eu-today/",
    "topic": "topics/casualties/",
    "originator": "originators/south-korea-s-joint-chiefs-of-staff/",
    "discrepancies": "discrepancies/",
    "narrative page": "methodology/",
    "404": "404.html",
}


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """What axe-core finds serious or critical on the page, each with where and why."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on 127.0.0.1, by its address, until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def base_url(example_site: Path) -> Iterator[str]:
    with served(example_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):  # type: ignore[no-untyped-def]
    contexts = []

    def opener(url: str, width: int = 1280, scheme: str = "light"):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.goto(url, wait_until="networkidle")
        page.problems = problems  # type: ignore[attr-defined]
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_cleanly_and_fits_a_phone(open_page, base_url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(base_url + PAGES[name], width=375)
    assert page.problems == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 375px"
    assert page.locator("h1").count() == 1


def test_claim_chart_is_visible_and_sized(open_page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(base_url + PAGES["claim"], width=375)
    chart = page.locator("ol.chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    title = page.locator(f"[id='{chart.get_attribute('aria-labelledby')}']").text_content()
    assert title.startswith("Each source's figure against the canonical figure")
    tracks = page.locator("ol.chart svg.track").all()
    assert tracks and all((t.bounding_box() or {}).get("width", 0) > 250 for t in tracks)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(open_page, base_url: str, name: str, scheme: str) -> None:  # type: ignore[no-untyped-def]

    page = open_page(base_url + PAGES[name], scheme=scheme)
    page.wait_for_selector(".pagefind-ui__search-input", timeout=WAIT_MS)  # the search box is drawn after load
    assert serious_violations(page) == []


def test_headings_form_an_outline(open_page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    for name, url in PAGES.items():
        page = open_page(base_url + url)
        levels = page.evaluate("[...document.querySelectorAll('main h1, main h2, main h3')].map(h => +h.tagName[1])")
        assert levels[0] == 1, name
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), f"{name}: {levels}"


def test_every_link_and_control_is_reachable_by_keyboard_with_visible_focus(open_page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(base_url + PAGES["claim"])
    page.wait_for_selector(".pagefind-ui__search-input", timeout=WAIT_MS)
    focusable = page.evaluate(
        """() => { const all = [...document.querySelectorAll('a[href], input, select, button, summary')]
                   .filter(e => e.checkVisibility());
                   all.forEach((e, i) => e.setAttribute('data-keyboard', i)); return all.length; }"""
    )
    reached = set()
    for _ in range(focusable + 5):
        page.keyboard.press("Tab")
        index, outline, width, html = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                return [e.getAttribute('data-keyboard'), s.outlineStyle, s.outlineWidth, e.outerHTML.slice(0, 80)]; }"""
        )
        if index is None:
            continue
        reached.add(index)
        assert outline != "none" and width != "0px", f"no visible focus on {html}"
    assert len(reached) == focusable


def test_discrepancies_filter_and_sort(open_page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(base_url + PAGES["discrepancies"])
    rows = page.locator("table.figures tbody tr")
    total = rows.count()
    assert total >= 5
    page.select_option("select[data-filter='verdict']", "outdated")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < total
    assert all(r.get_attribute("data-verdict") == "outdated" for r in visible)
    assert page.locator(".filter-status").text_content() == f"{len(visible)} of {total} figures shown."
    page.select_option("select[data-filter='verdict']", "")
    assert page.locator(".filter-status").text_content() == ""  # the page's lede says how many there are
    page.select_option("select[data-sort]", "claim")
    claims = [r.get_attribute("data-claim") for r in rows.all()]
    assert claims == sorted(claims, key=str.casefold) or claims == sorted(claims)


def test_discrepancies_table_is_complete_without_javascript(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + PAGES["discrepancies"])
    rows = page.locator("table.figures tbody tr")
    assert rows.count() >= 5 and all(r.is_visible() for r in rows.all())
    assert page.locator("select").count() == 0
    context.close()


def test_print_drops_navigation_and_prints_link_targets(open_page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(base_url + "about/")
    page.emulate_media(media="print")
    assert page.locator("header nav").is_hidden() and page.locator("footer").is_hidden()
    content = page.evaluate("getComputedStyle(document.querySelector('main a[href^=\"http\"]'), '::after').content")
    assert "https://kyivindependent.com/" in content


def test_first_screen_of_a_claim_answers_the_reader(open_page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(base_url + PAGES["claim"], width=375)
    height = 667
    for selector in (".headline-figure", ".byline", ".tally", ".where-they-differ li"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, f"{selector} is below the first screen"


def test_live_reload_follows_an_edit_without_touching_the_browser(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.test_serve import edit, start, stop

    root = copy_example(tmp_path / "desk")
    served = start(root)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{served.port}/claims/dprk-killed/", wait_until="networkidle")
        assert page.locator(".headline-figure").text_content() == "about 400 killed"
        # The reload socket connects after load: wait for livereload's handshake, not for a time.
        page.wait_for_function("() => window.LiveReload?.connector?.protocol > 0", timeout=WAIT_MS)
        edit(root, "value: about 400\n", "value: about 430\n")
        page.wait_for_function(
            "() => document.querySelector('.headline-figure')?.textContent === 'about 430 killed'", timeout=WAIT_MS
        )
        edit(root, "value: about 430\n", "value: about 430 maybe\n")
        page.wait_for_function("() => document.body.textContent.includes('could not be built')", timeout=WAIT_MS)
        assert "claims.yaml:" in page.locator("ol.problems").text_content()
        edit(root, "value: about 430 maybe\n", "value: about 440\n")
        page.wait_for_function(
            "() => document.querySelector('.headline-figure')?.textContent === 'about 440 killed'", timeout=WAIT_MS
        )
    finally:
        context.close()
        stop(served)


# -- a right-to-left site ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rtl_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example desk with `site.language: ar`, built with its search index, served."""
    from builder.pipeline.build import build

    root = copy_example(tmp_path_factory.mktemp("rtl") / "desk", language="ar")
    assert build(root, root / "site").ok
    with served(root / "site") as url:
        yield url


@pytest.mark.parametrize("name", ["index", "claim", "discrepancies", "source"])
def test_a_right_to_left_site_mirrors_and_passes_axe(open_page, rtl_url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """An Arabic site reads from the right: its text starts at the right edge, nothing scrolls sideways on a
    phone, and axe-core finds nothing serious in that direction either."""

    page = open_page(rtl_url + PAGES[name], width=375)
    assert page.problems == []
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 375px"
    # The first line of the main heading ends at the right of its box, as a right-to-left reader expects.
    ends = page.evaluate(
        """() => { const h = document.querySelector('main h1'); const r = document.createRange();
        r.selectNodeContents(h); const line = r.getClientRects()[0]; const box = h.getBoundingClientRect();
        return [box.right - line.right, line.left - box.left]; }"""
    )
    assert ends[0] < 2, ends  # flush right (a line that fills the width would be too; a short one is not)
    page.wait_for_selector(".pagefind-ui__search-input", timeout=WAIT_MS)
    assert serious_violations(page) == []


def test_a_right_to_left_chart_keeps_its_scale_left_to_right(open_page, rtl_url: str) -> None:  # type: ignore[no-untyped-def]
    """Numbers grow to the right on the chart's axis in every language (docs/languages.md): the axis's 0 is
    left of its next tick."""
    page = open_page(rtl_url + PAGES["claim"], width=1280)
    ticks = page.locator("svg.chart-axis text").all()
    assert len(ticks) >= 2
    first, second = (t.bounding_box() for t in ticks[:2])
    assert first is not None and second is not None and first["x"] < second["x"]
    assert ticks[0].text_content() == "0"

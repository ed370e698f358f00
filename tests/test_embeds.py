"""Each claim's fact box (`claims/<id>/embed/`), the snippet that frames it and its oEmbed answer
(`claims/<id>/oembed.json`): read from the built files, then in Chromium, alone and framed by a page of
another origin, as a host site frames it. The browser tests are skipped, with the reason printed, only
where Chromium is not installed (see `tests/test_browser.py`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from builder.pipeline.build import build
from builder.render import search, urls
from tests import test_browser
from tests.conftest import REPO, copy_example
from tests.test_browser import WAIT_MS, served

browser = test_browser.browser
open_page = test_browser.open_page
needs_chromium = test_browser.pytestmark
BASE = "https://example.org/dprk-russia/"
WIDTH = 400


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes(), "html.parser")


def claims_of(site: Path) -> list[dict]:
    return json.loads((site / "claims.json").read_bytes())["claims"]


def snippet_of(claim_page: BeautifulSoup) -> tuple[Tag, str]:
    """The `<iframe>` the claim page offers to copy, parsed from its text as a host page would read it, and
    the host script's line."""
    codes = claim_page.select("section.embed pre code")
    assert len(codes) == 2, "the Embed section offers the frame and the host script"
    frame = BeautifulSoup(codes[0].get_text(), "html.parser").find_all(True)
    assert [tag.name for tag in frame] == ["iframe"], codes[0].get_text()
    return frame[0], codes[1].get_text()


def set_base_url(root: Path, base_url: str | None) -> None:
    text = (root / "claims.yaml").read_text(encoding="utf-8")
    line = f"  base_url: {base_url}\n" if base_url else ""
    (root / "claims.yaml").write_text(text.replace(f"  base_url: {BASE}\n", line, 1), encoding="utf-8")


# -- the files -----------------------------------------------------------------------------------


def test_every_claim_has_a_fact_box_with_its_figure_status_and_a_link_out(example_site: Path) -> None:
    for claim in claims_of(example_site):
        page = soup_of(example_site / "claims" / claim["id"] / "index.html")
        box = soup_of(example_site / "claims" / claim["id"] / "embed" / "index.html")
        assert box.h1 is not None and box.h1.get_text() == claim["title"]
        figure, headline = box.select_one(".headline-figure"), page.select_one(".headline-figure")
        assert figure is not None and headline is not None and figure.get_text() == headline.get_text()
        assert claim["canonical"]["text"] in figure.get_text()
        status = box.select_one(".byline .status")
        assert status is not None and status["class"] == ["status", f"status-{claim['status']}"]
        if claim["canonical"]["according_to"]:
            assert claim["canonical"]["according_to"] in box.select_one(".byline").get_text()
        assert box.select_one(".provider a").get_text() == "North Korea's military support for Russia: the figures"
        # Every link opens outside the frame, in a new tab that cannot reach back into the host page.
        links = box.select("a[href]")
        assert links and all(a["target"] == "_blank" and a["rel"] == ["noopener"] for a in links)
        assert box.select_one(".more a")["href"] == "../../../" + urls.claim(claim["id"])
        # The same policy as every page of the site, and no inline script or style.
        assert (
            box.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
            == page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        )
        assert all(script.get("src") and not script.string for script in box.find_all("script"))
        assert not box.find_all(style=True) and not box.find_all("style")
        assert box.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert box.find("link", rel="canonical")["href"] == BASE + urls.claim(claim["id"])
        numeric = (claim["canonical"]["low"], claim["canonical"]["high"]) != (None, None)
        assert bool(box.select("ol.chart")) == numeric, claim["id"]


def test_the_fact_box_says_when_its_claim_last_changed(example_site: Path) -> None:
    """The example is in git: each box gives the date of the last commit that changed what its claim states."""
    box = soup_of(example_site / "claims" / "dprk-killed" / "embed" / "index.html")
    time = box.select_one(".changed time")
    assert time is not None and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", time["datetime"])
    assert box.select_one(".changed").get_text().startswith("Last changed on ")


def test_every_oembed_answer_is_valid_and_frames_the_fact_box(example_site: Path) -> None:
    for claim in claims_of(example_site):
        answer = json.loads((example_site / urls.claim_oembed(claim["id"])).read_bytes())
        required = {"version", "type", "html", "width", "height"}
        assert required <= answer.keys() <= required | {"title", "provider_name", "provider_url", "cache_age"}
        assert answer["version"] == "1.0" and answer["type"] == "rich"
        assert answer["title"] == claim["title"]
        assert answer["provider_name"] == "North Korea's military support for Russia: the figures"
        assert answer["provider_url"] == BASE
        assert isinstance(answer["cache_age"], int) and answer["cache_age"] > 0
        assert answer["width"] == WIDTH
        assert isinstance(answer["height"], int) and 200 < answer["height"] < 2000
        frames = BeautifulSoup(answer["html"], "html.parser").find_all(True)
        assert [tag.name for tag in frames] == ["iframe"]
        assert frames[0]["src"] == BASE + urls.claim_embed(claim["id"])
        assert frames[0]["height"] == str(answer["height"])
        # The claim page's snippet is the same frame, and its head leads a CMS to this answer.
        page = soup_of(example_site / "claims" / claim["id"] / "index.html")
        offered, _ = snippet_of(page)
        assert str(offered) == str(frames[0])
        discovery = page.find_all("link", rel="alternate", type="application/json+oembed")
        assert [link["href"] for link in discovery] == [BASE + urls.claim_oembed(claim["id"])]
        assert discovery[0]["title"] == claim["title"]


def test_the_snippet_frames_the_fact_box_with_the_host_script_beside_it(example_site: Path) -> None:
    page = soup_of(example_site / "claims" / "dprk-troops-total" / "index.html")
    frame, host = snippet_of(page)
    assert frame["src"] == BASE + "claims/dprk-troops-total/embed/"
    assert (
        frame["title"]
        == "North Korean soldiers sent to Russia · North Korea's military support for Russia: the figures"
    )
    assert frame["width"] == "100%" and int(frame["height"]) > 300 and frame["loading"] == "lazy"
    assert "max-width:400px" in frame["style"] and "border:0" in frame["style"]
    assert host == f'<script src="{BASE}static/embed-host.js" defer></script>'
    section = page.select_one("section.embed")
    assert section.has_attr("data-pagefind-ignore")
    assert section.find("a")["href"] == "../../claims/dprk-troops-total/embed/"  # a look at the box itself
    for name in ("embed.css", "embed-resize.js", "embed-host.js"):
        assert (example_site / "static" / name).is_file()


def test_the_fact_boxes_are_in_neither_the_sitemap_nor_the_search_index(example_site: Path) -> None:
    assert "/embed/" not in (example_site / "sitemap.xml").read_text(encoding="utf-8")
    assert not search.searched("claims/dprk-killed/embed/index.html")
    assert search.searched("claims/dprk-killed/index.html") and search.searched("claims/embed/index.html")


def test_the_fact_box_stylesheet_carries_the_sites_colours_and_chart(example_site: Path) -> None:
    """embed.css is made from style.css's marked parts: each verdict's chart colour, light and dark, reaches it."""
    site_css = (REPO / "builder" / "render" / "static" / "style.css").read_text(encoding="utf-8")
    box_css = (example_site / "static" / "embed.css").read_text(encoding="utf-8")
    for rule in re.findall(r"^\.chart [^{]+\{[^}]+\}$", site_css, re.MULTILINE):
        assert rule in box_css
    assert "@media (prefers-color-scheme: dark)" in box_css and ".status-disputed" in box_css
    assert ".masthead" not in box_css and "table.cards" not in box_css


def test_a_box_made_alone_is_the_box_made_after_its_claims_page() -> None:
    """The box takes the chart its claim's page drew when one worker makes both (`PageSpec.group`); made
    alone (after the preview wrote the claim's page first, or on another worker), it draws the same chart."""
    from builder.pipeline.stages import analysed
    from builder.render.pages import environment, fingerprint, page_specs, render_page

    analysis = analysed(REPO).analysis
    assert analysis is not None
    env = environment(analysis.site.template_dir, fingerprint(analysis), analysis.site.settings.language)
    common = {"analysis": analysis, "site": analysis.site, "settings": analysis.site.settings, "cards": False}
    box_url = urls.claim_embed("dprk-killed")
    grouped = [spec for spec in page_specs(analysis) if spec.group == "dprk-killed"]
    assert [spec.url for spec in grouped] == [urls.claim("dprk-killed"), box_url, urls.claim_oembed("dprk-killed")]
    after_page = [render_page(env, common, spec) for spec in grouped][1]
    [alone] = [render_page(env, common, spec) for spec in page_specs(analysis) if spec.url == box_url]
    assert alone == after_page and b'class="chart"' in alone


@pytest.fixture(scope="module")
def desk_variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example built without `base_url`, and with a title that needs escaping in an attribute."""
    sites = {}
    for name, base_url in (("no address", None), ("quoted title", BASE)):
        root = copy_example(tmp_path_factory.mktemp("embeds") / "desk")
        set_base_url(root, base_url)
        text = (root / "claims.yaml").read_text(encoding="utf-8")
        title = "    title: North Korean soldiers killed\n"
        text = text.replace(title, "    title: 'Killed: \"about\" <400> & more'\n", 1)
        (root / "claims.yaml").write_text(text, encoding="utf-8")
        assert build(root, root / "site", search=False).ok
        sites[name] = root / "site"
    return sites


def test_without_a_site_address_there_is_a_box_but_no_snippet_nor_oembed(desk_variants: dict[str, Path]) -> None:
    site = desk_variants["no address"]
    assert (site / "claims" / "dprk-killed" / "embed" / "index.html").is_file()
    assert not list(site.rglob("oembed.json"))
    page = soup_of(site / "claims" / "dprk-killed" / "index.html")
    assert page.select("section.embed") == []
    assert page.find_all("link", type="application/json+oembed") == []


def test_a_title_with_quotes_and_brackets_stays_text_in_the_snippet(desk_variants: dict[str, Path]) -> None:
    site = desk_variants["quoted title"]
    page = soup_of(site / "claims" / "dprk-killed" / "index.html")
    frame, _ = snippet_of(page)
    assert frame["title"].startswith('Killed: "about" <400> & more · ')
    answer = json.loads((site / "claims" / "dprk-killed" / "oembed.json").read_bytes())
    assert answer["title"] == 'Killed: "about" <400> & more'
    assert str(BeautifulSoup(answer["html"], "html.parser").iframe) == str(frame)


# -- in Chromium ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def box_url(example_site: Path) -> Iterator[str]:
    with served(example_site) as url:
        yield url


@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_box_alone_fits_400px_and_shows_its_figure(
    open_page, box_url: str, example_site: Path, scheme: str
) -> None:  # type: ignore[no-untyped-def]
    for claim in claims_of(example_site):
        page = open_page(box_url + urls.claim_embed(claim["id"]), width=WIDTH, scheme=scheme)
        assert page.problems == [], claim["id"]
        sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways <= 0, f"{claim['id']} scrolls sideways by {sideways}px at {WIDTH}px"
        figure = page.locator(".headline-figure")
        assert figure.is_visible() and claim["canonical"]["text"] in figure.inner_text()
        assert page.locator("p.provider").is_visible()


@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("claim_id", ["dprk-killed", "dprk-rocket-launchers-type"])
def test_the_box_has_no_serious_accessibility_violation(open_page, box_url: str, claim_id: str, scheme: str) -> None:  # type: ignore[no-untyped-def]

    page = open_page(box_url + urls.claim_embed(claim_id), width=WIDTH, scheme=scheme)
    assert test_browser.serious_violations(page) == []


@pytest.fixture(scope="module")
def framed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """The example served at an address of its own and built for it (`base_url` that address), and a
    host page on another origin (another port) holding the claim page's snippets, pasted as they are:
    (the host page's URL, the site, the claim)."""
    root = copy_example(tmp_path_factory.mktemp("framed") / "desk")
    claim_id = "dprk-troops-total"
    host = tmp_path_factory.mktemp("host")
    with served(root / "site") as site_url:  # the folder is built below, once its address is known
        set_base_url(root, site_url)
        assert build(root, root / "site", search=False).ok
        frame, script = snippet_of(soup_of(root / "site" / "claims" / claim_id / "index.html"))
        paste = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A host page</title>'
            '<link rel="icon" href="data:,"></head><body>'
            "<h1>An article on another site</h1><p>Some text before the fact box.</p>"
            f"{frame}<p>Some text after it.</p>{{script}}</body></html>"
        )
        (host / "fixed.html").write_text(paste.replace("{script}", ""), encoding="utf-8")
        (host / "fitted.html").write_text(paste.replace("{script}", script), encoding="utf-8")
        with served(host) as host_url:
            assert host_url.split(":")[2] != site_url.split(":")[2]
            yield host_url, root / "site", claim_id


def _box_frame(page):  # type: ignore[no-untyped-def]
    """The fact box's frame, once its page has loaded and shows the figure."""
    page.frame_locator("iframe").locator(".headline-figure").wait_for(timeout=WAIT_MS)
    frame = page.frame(url=re.compile(r"/embed/$"))
    assert frame is not None
    return frame


@needs_chromium
def test_pasted_into_a_page_of_another_origin_the_snippet_shows_the_live_box(open_page, framed) -> None:  # type: ignore[no-untyped-def]
    host_url, site, _ = framed
    page = open_page(host_url + "fixed.html", width=1000)
    frame = _box_frame(page)
    figure = page.frame_locator("iframe").locator(".headline-figure")
    assert figure.is_visible() and figure.inner_text() == "approximately 11,000 soldiers"
    assert page.problems == [], "errors in the host page or in its frame"
    # The snippet's own height holds the box: nothing in it needs scrolling, even without the host script.
    inside = frame.evaluate(
        "[document.documentElement.scrollHeight, innerHeight, document.documentElement.scrollWidth, innerWidth]"
    )
    assert inside[0] <= inside[1] and inside[2] <= inside[3], inside
    box = page.locator("iframe").bounding_box()
    assert box is not None and box["width"] == WIDTH
    page.screenshot(path=str(site.parent / "fixed.png"), full_page=True)


@needs_chromium
@pytest.mark.parametrize("width", [WIDTH, 320])
def test_with_the_host_script_the_frame_takes_its_boxs_height(open_page, framed, width: int) -> None:  # type: ignore[no-untyped-def]
    """At 320 px the box's lines wrap more than the snippet's height allows for; the host script fits it."""
    host_url, site, _ = framed
    page = open_page(host_url + "fitted.html", width=width)
    frame = _box_frame(page)
    assert page.problems == []
    fits = "h => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) < 1"
    height = frame.evaluate("document.documentElement.getBoundingClientRect().height")
    page.wait_for_function(fits, arg=height, timeout=WAIT_MS)
    # A message of the same shape from anything but the box's own frame changes nothing: the host page
    # posts one to itself, then a second that tells it the first was handled (messages arrive in order).
    page.evaluate(
        """() => new Promise(done => {
            addEventListener('message', event => event.data === 'handled' && done());
            postMessage({factsheet: 'resize', height: 90, src: location.href}, '*');
            postMessage('handled', '*');
        })"""
    )
    assert page.evaluate(fits, height)
    # Whatever changes the box's height later (its folded rows opened, a longer line) reaches the frame too.
    longer = "Object.assign(document.createElement('p'), {textContent: 'x'.repeat(300)})"
    frame.evaluate(f"document.querySelector('main').append({longer})")
    taller = frame.evaluate("document.documentElement.getBoundingClientRect().height")
    assert taller > height
    page.wait_for_function(fits, arg=taller, timeout=WAIT_MS)
    page.screenshot(path=str(site.parent / f"fitted-{width}.png"), full_page=True)


@needs_chromium
def test_a_right_to_left_box_reads_from_the_right(open_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = copy_example(tmp_path / "desk", language="ar")
    assert build(root, root / "site", search=False).ok
    with served(root / "site") as url:
        page = open_page(url + urls.claim_embed("dprk-killed"), width=WIDTH)
        assert page.problems == []
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways <= 0
        ticks = page.locator("svg.chart-axis text").all()
        first, second = (t.bounding_box() for t in ticks[:2])
        assert first is not None and second is not None and first["x"] < second["x"]  # numbers grow to the right

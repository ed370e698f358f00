"""The chart over time, as a reader gets it: its geometry read back from the page's SVG, the example's killed and
wounded claims with their history from a real git repository, the 62 figures of the large real desk, and how
it looks in Chromium at 375 and 1280 px (text size, no sideways scroll, axe).

Pages are parsed with BeautifulSoup; a mark's place is read from its SVG attributes (percentages of the plot).
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from builder.analyse.analysis import analyse
from builder.analyse.history import with_history
from builder.analyse.timeline import timeline
from builder.pipeline.build import build
from builder.pipeline.stages import check
from builder.problems import Problems
from builder.render import timeaxis
from builder.render.timechart import days
from tests import test_browser
from tests.conftest import copy_example
from tests.gitsite import change, commit, git
from tests.test_browser import served

browser = test_browser.browser
in_chromium = test_browser.pytestmark

SOURCES = """\
site: {title: Time test, language: en}
sources:
  jan: {title: January report, outlet: Reuters, published: 2025-01-15}
  feb: {title: February report, outlet: AP, published: 2025-02-10}
  mar: {title: March report, outlet: BBC}
claims:
  - id: killed
    title: Soldiers killed
    unit: killed
    canonical: {value: "CANONICAL", as_of: 2025-03-20, source: feb}
    variants:
"""


def desk(root: Path, variants: str, canonical: str = "about 12,000") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    text = SOURCES.replace("CANONICAL", canonical) + textwrap.indent(textwrap.dedent(variants), "      ")
    (root / "claims.yaml").write_text(text, encoding="utf-8")
    return root


def page(root: Path, claim_id: str = "killed") -> BeautifulSoup:
    out = root.parent / f"{root.name}-site"
    result = build(root, out, search=False)
    assert result.ok, [str(p) for p in result.problems.sorted()]
    return BeautifulSoup((out / "claims" / claim_id / "index.html").read_text(encoding="utf-8"), "html.parser")


def percent(tag: Tag, name: str) -> float:
    return float(tag[name].rstrip("%"))


def figures(soup: BeautifulSoup) -> list[Tag]:
    """Each figure's group of marks, in the order drawn (oldest first)."""
    return soup.select("figure.timechart-figure svg.timechart g.figure")


def placed(tag: Tag) -> tuple[float, float]:
    """Where a shape drawn about (0, 0) is placed: its wrapper's x and y, in percent."""
    wrapper = tag.parent
    return percent(wrapper, "x"), percent(wrapper, "y")


def gridline(soup: BeautifulSoup, label: str) -> float:
    """How far down the plot (percent) the grid line of the scale's number `label` lies."""
    for text in soup.select("svg.timechart text.value"):
        if text.get_text() == label:
            return percent(text, "y")
    raise AssertionError(f"no grid line {label}")


def level(soup: BeautifulSoup, value: float) -> float:
    """How far down the plot (percent) `value` lies, from the grid lines of 0 and of the next number up."""
    zero = gridline(soup, "0")
    labels = [text.get_text() for text in soup.select("svg.timechart text.value")]
    step = next(label for label in labels if label != "0")
    return zero + (gridline(soup, step) - zero) * value / float(step.replace(",", ""))


def variant_readings(soup: BeautifulSoup) -> list[str]:
    """What the table of variants, which the chart's caption names as its text equivalent, says under each
    figure: its interval and its date."""
    rows = soup.select("table.variants tbody tr[id^=variant-]")
    return [row.select_one(".reading").get_text(" ", strip=True) for row in rows]


def not_drawn(soup: BeautifulSoup) -> dict[str, list[str]]:
    """The lists beside the chart of what it does not draw, by their reason."""
    lists = soup.select("figure.timechart-figure ul.not-drawn")
    return {
        ul.find_previous_sibling("p").get_text(strip=True): [li.get_text(" ", strip=True) for li in ul.select("li")]
        for ul in lists
    }


def caption_links(soup: BeautifulSoup) -> list[str]:
    """Where the chart's caption sends a reader for its data."""
    return [a["href"] for a in soup.select("figure.timechart-figure figcaption a")]


# -- geometry ---------------------------------------------------------------------------------------------------


def test_a_month_is_a_month_wide_and_a_day_a_mark_at_its_middle(tmp_path: Path) -> None:
    soup = page(
        desk(
            tmp_path / "desk",
            """\
            - {source: jan, value: "between 9,000 and 11,000", as_of: 2025-01}
            - {source: feb, value: "between 10,000 and 12,000", as_of: 2025-02}
            - {source: feb, value: "between 11,000 and 12,500", as_of: 2025-03-05}
            - {source: jan, value: "about 8,000", as_of: 2024-10}
            """,
        )
    )
    _, january, february, day = figures(soup)
    jan, feb = january.select_one("rect.span"), february.select_one("rect.span")
    # January's 31 days and February's 28, side by side on one scale of days.
    assert percent(jan, "width") / percent(feb, "width") == pytest.approx(31 / 28, abs=0.01)
    assert percent(jan, "x") + percent(jan, "width") == pytest.approx(percent(feb, "x"), abs=0.02)
    # A day on a chart of half a year is a few pixels wide about its middle, not a hairline.
    narrow = day.select_one("rect.span.narrow")
    assert narrow["width"] == "4" and narrow["x"] == "-2"
    assert placed(narrow)[0] > percent(feb, "x") + percent(feb, "width")
    ticks = [text.get_text() for text in soup.select("svg.timechart text.date")]
    assert ticks == ["Nov 2024", "Jan 2025", "Mar"]  # every other month, the year where it changes


def test_each_figure_spans_its_interval_and_an_exact_one_is_a_bar_at_its_number(tmp_path: Path) -> None:
    soup = page(
        desk(
            tmp_path / "desk",
            """\
            - {source: jan, value: "between 5,000 and 10,000", as_of: 2025-01}
            - {source: feb, value: "10,000", as_of: 2025-02}
            - {source: feb, value: "at least 5,000", as_of: 2025-03}
            """,
        )
    )
    ranged, exact, open_ended = figures(soup)
    box = ranged.select_one("rect.span")
    assert percent(box, "y") == pytest.approx(gridline(soup, "10,000"), abs=0.02)
    assert percent(box, "y") + percent(box, "height") == pytest.approx(gridline(soup, "5,000"), abs=0.02)
    bar = exact.select_one("line.bar")
    assert percent(bar, "y1") == percent(bar, "y2") == pytest.approx(gridline(soup, "10,000"), abs=0.02)
    # "at least 5,000" runs from 5,000 to the top of the plot, fading, with an arrow where it has no end.
    upward = open_ended.select_one("rect.span")
    assert percent(upward, "y") == 0 and upward["mask"].endswith("-up)")
    assert percent(upward, "height") == pytest.approx(gridline(soup, "5,000"), abs=0.02)
    assert len(open_ended.select("path.arrow")) == 1
    # Each figure carries its verdict's symbol, and the legend says each symbol's word.
    assert [g.select_one("text.symbol").get_text() for g in (ranged, exact, open_ended)] == ["◷", "◷", "◐"]
    legend = [li.get_text(" ", strip=True) for li in soup.select(".timechart-legend li")]
    assert legend[:2] == ["◐ consistent", "◷ outdated"]


def test_undated_figures_are_listed_beside_the_chart_not_drawn(tmp_path: Path) -> None:
    soup = page(
        desk(
            tmp_path / "desk",
            """\
            - {source: jan, value: "about 10,000"}
            - {source: feb, value: "about 11,000"}
            - {source: mar, value: "about 12,000", according_to: the ministry}
            """,
        )
    )
    assert len(figures(soup)) == 2
    listed = [li.get_text(" ", strip=True) for li in soup.select("figure.timechart-figure ul.not-drawn li")]
    assert listed == ["BBC (the ministry): about 12,000 ● matches"]
    assert soup.select_one("figure.timechart-figure ul.not-drawn a")["href"] == "#variant-3"
    # The table of variants gives each figure's date, as the caption says: the undated one has none.
    assert caption_links(soup) == ["#variants"]  # no History outside git
    dates = [reading.partition("; ")[2] for reading in variant_readings(soup)]
    assert dates == ["as of January 15, 2025 (published)", "as of February 10, 2025 (published)", ""]


def test_a_claim_whose_figures_carry_one_date_has_no_chart_over_time(tmp_path: Path) -> None:
    soup = page(desk(tmp_path / "desk", '- {source: jan, value: "about 10,000"}\n- {source: mar, value: 12000}\n'))
    assert soup.select_one("figure.timechart-figure") is None
    assert soup.select_one("figure.chart-figure ol.chart") is not None
    result = check(desk(tmp_path / "again", '- {source: jan, value: "about 10,000"}\n'))
    assert result.site is not None
    assert timeline(analyse(result.site).by_id["killed"], "en") is None


def test_figures_that_cannot_be_drawn_do_not_make_a_chart(tmp_path: Path) -> None:
    """Two dates, but one figure in another kind of unit: one date left to draw, so no chart over time."""
    soup = page(
        desk(
            tmp_path / "desk",
            """\
            - {source: jan, value: "about 10,000"}
            - {source: feb, value: "about 11,000", unit: km}
            """,
        )
    )
    assert soup.select_one("figure.timechart-figure") is None


def test_a_figure_far_off_the_scale_is_drawn_to_its_edge_with_a_double_chevron(tmp_path: Path) -> None:
    soup = page(
        desk(
            tmp_path / "desk",
            """\
            - {source: jan, value: "about 10,000"}
            - {source: feb, value: 1.5 million}
            """,
        )
    )
    near, far = figures(soup)
    assert not near.select("path.off-scale") and len(far.select("path.off-scale")) == 1
    assert placed(far.select_one("path.off-scale"))[1] == 0  # at the top edge
    numbers = [float(text.get_text().replace(",", "")) for text in soup.select("svg.timechart text.value")]
    assert max(numbers) < 100_000  # the scale stays the near figure's, not squeezed by 1.5 million


@pytest.fixture
def history_desk(tmp_path: Path) -> Path:
    """Three commits of the canonical figure: about 10,000; then {low: 10500}, whose history text (≥ 10500) is no
    figure the reader reads; then about 12,000."""
    root = desk(
        tmp_path / "desk",
        """\
        - {source: jan, value: "about 10,000"}
        - {source: feb, value: "about 12,000"}
        """,
        canonical="about 10,000",
    )
    git(root, "init", "-q", "-b", "main")
    commit(root, "First figures", "2025-01-20T12:00:00Z")
    change(root, "claims.yaml", 'value: "about 10,000", as_of', "value: {low: 10500}, as_of")
    commit(root, "At least 10,500", "2025-02-03T08:00:00Z")
    change(root, "claims.yaml", "value: {low: 10500}, as_of", 'value: "about 12,000", as_of')
    commit(root, "The February count", "2025-02-14T08:00:00Z")
    return root


def test_the_canonical_history_is_a_step_line_with_a_dot_at_each_commit(history_desk: Path) -> None:
    soup = page(history_desk)
    dots = soup.select("svg.timechart g.history circle.history-dot")
    result = check(history_desk)
    assert result.site is not None
    line = timeline(analyse(with_history(result.site, Problems())).by_id["killed"], "en")
    assert line is not None
    axis = days(line)
    # Two of the three values can be read: a dot at each of their commits' days, at the height of its figure.
    assert [placed(dot)[0] for dot in dots] == [
        pytest.approx(axis.at(date(2025, 1, 20)), abs=0.01),
        pytest.approx(axis.at(date(2025, 2, 14)), abs=0.01),
    ]
    assert [placed(dot)[1] for dot in dots] == [
        pytest.approx(level(soup, 10_000), abs=0.02),
        pytest.approx(level(soup, 12_000), abs=0.02),
    ]
    first, second = (d for d in soup.select("svg.timechart g.history line.history-line") if d["y1"] == d["y2"])
    assert percent(first, "x2") == pytest.approx(axis.at(date(2025, 2, 3)), abs=0.01)  # broken where unreadable
    assert percent(second, "x2") == 100
    # The value left out is listed under the chart with its day and commit, and why; the caption names the
    # History, which gives every earlier value.
    (unread,) = not_drawn(soup)["Earlier canonical figures not drawn, as they are not figures in the claim's unit:"]
    assert re.fullmatch(r"≥ 10500, February 3, 2025 [0-9a-f]{7,}", unread), unread
    assert caption_links(soup) == ["#variants", "#history"]
    earlier = [row.select_one("td.figure").get_text() for row in soup.select("table.history tbody tr")]
    assert earlier == ["≥ 10500", "about 10,000"]


def test_the_history_is_read_in_the_sites_language(tmp_path: Path) -> None:
    """A Korean desk's earlier canonical figures, written as its reporters write them, are read and drawn."""
    root = tmp_path / "desk"
    root.mkdir()
    text = SOURCES.replace("language: en", "language: ko").replace("CANONICAL", "약 1만1000")
    (root / "claims.yaml").write_text(
        text + '      - {source: jan, value: "약 1만"}\n      - {source: feb, value: "약 1만1000"}\n', encoding="utf-8"
    )
    git(root, "init", "-q", "-b", "main")
    commit(root, "First figures", "2025-01-20T12:00:00Z")
    change(root, "claims.yaml", 'value: "약 1만1000", as_of', 'value: "약 1만2000", as_of')
    commit(root, "A new count", "2025-02-14T08:00:00Z")
    soup = page(root)
    dots = soup.select("svg.timechart g.history circle.history-dot")
    assert [placed(dot)[1] for dot in dots] == [
        pytest.approx(level(soup, 11_000), abs=0.02),
        pytest.approx(level(soup, 12_000), abs=0.02),
    ]


def test_an_empty_stretch_longer_than_the_rest_is_cut_out_of_the_axis() -> None:
    early = [(date(2025, 1, 1), date(2025, 2, 1)), (date(2025, 2, 26), date(2025, 2, 27))]
    axis = timeaxis.axis([*early, (date(2026, 11, 22), date(2026, 11, 23))], runs_on=True)
    assert len(axis.stretches) == 2 and len(axis.breaks()) == 1
    # One scale of days on both sides of the break: a day is as wide in 2026 as in 2025.
    day_2025 = axis.at(date(2025, 1, 2)) - axis.at(date(2025, 1, 1))
    day_2026 = axis.at(date(2026, 11, 23)) - axis.at(date(2026, 11, 22))
    assert day_2025 == pytest.approx(day_2026)
    start, end = axis.breaks()[0]
    assert axis.at(date(2025, 2, 27)) == pytest.approx(start) and axis.at(date(2026, 11, 22)) == pytest.approx(end)
    labels = [label for _, label in timeaxis.ticks(axis)]
    assert labels[0] == "Jan 2025" and labels[-1] == "Nov 22, 2026"
    assert len(timeaxis.axis(early, runs_on=False).stretches) == 1


# -- the example and the large desk ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_in_git(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example desk committed as it is, at a fixed date after its articles, and built: its claims' history."""
    root = copy_example(tmp_path_factory.mktemp("example") / "desk")
    git(root, "init", "-q", "-b", "main")
    commit(root, "The example desk", "2025-03-10T12:00:00Z")
    result = build(root, root / "site")
    assert result.ok, [str(p) for p in result.problems.sorted()]
    return root / "site"


def claim_page(site: Path, claim_id: str) -> BeautifulSoup:
    return BeautifulSoup((site / "claims" / claim_id / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize(
    ("claim_id", "named", "drawn", "undated"),
    [
        ("dprk-killed", "number of killed", ["outdated", "matches"], 2),
        ("dprk-wounded", "number of wounded", ["outdated", "matches"], 1),
    ],
)
def test_the_examples_killed_and_wounded_show_their_figures_over_time_with_the_history(
    example_in_git: Path, claim_id: str, named: str, drawn: list[str], undated: int
) -> None:
    soup = claim_page(example_in_git, claim_id)
    svg = soup.select_one("figure.timechart-figure svg.timechart[role=img]")
    assert svg is not None
    name = soup.find(id=svg["aria-labelledby"]).get_text()
    assert name == f"Figures over time, {named}: January 2025 to February 26, 2025"
    assert [g["class"][1] for g in figures(soup)] == [f"verdict-{verdict}" for verdict in drawn]
    assert len(svg.select("g.canonical-figure .frame")) == 1
    assert len(svg.select("g.history circle.history-dot")) == 1  # one commit set its figure
    assert len(soup.select("figure.timechart-figure ul.not-drawn li")) == undated
    assert caption_links(soup) == ["#variants", "#history"]
    dated = [reading.split("as of ")[1] for reading in variant_readings(soup) if "as of " in reading]
    assert len(dated) == len(drawn) and "January 2025" in dated
    # The main chart: above the chart of intervals, which follows it.
    charts = [f["class"][0] for f in soup.select("main figure")]
    assert charts == ["timechart-figure", "chart-figure"]


def test_the_examples_other_claims_carry_fewer_than_two_dates_and_have_none(example_in_git: Path) -> None:
    for claim_id in ("dprk-troops-total", "dprk-casualties-total", "dprk-rocket-launchers-type"):
        assert claim_page(example_in_git, claim_id).select_one("figure.timechart-figure") is None


def test_the_large_desk_draws_all_62_figures_in_date_order(estimates_site: Path) -> None:
    soup = claim_page(estimates_site, "russian-military-killed-and-wounded")
    drawn = figures(soup)
    assert len(drawn) == 62 and not soup.select("figure.timechart-figure ul.not-drawn")
    # Each figure's symbol stands at the middle of its date's span: in date order, left to right.
    middles = [percent(g.select_one("text.symbol"), "x") for g in drawn]
    assert middles == sorted(middles) and middles[0] < 5 and middles[-1] > 95
    readings = variant_readings(soup)
    assert len(readings) == 62 and all("as of " in reading for reading in readings)  # each date in the table
    ticks = [text.get_text() for text in soup.select("svg.timechart text.date")]
    assert ticks == ["2023", "2024", "2025", "2026"]
    assert "axis-l" in soup.select_one("svg.timechart")["class"]  # room for 1,000,000


# -- in Chromium ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_url(example_in_git: Path) -> Iterator[str]:
    with served(example_in_git) as url:
        yield url


@pytest.fixture(scope="module")
def estimates_url(estimates_site: Path) -> Iterator[str]:
    with served(estimates_site) as url:
        yield url


READS = """() => {
    const figure = document.querySelector('.timechart-figure');
    const texts = [...figure.querySelectorAll(
        '.chart-title, text.value, text.date, text.symbol, .timechart-legend li, .not-drawn')];
    const sizes = texts.map(e => parseFloat(getComputedStyle(e).fontSize));
    const dates = [...figure.querySelectorAll('text.date')].map(t => {
        const b = t.getBoundingClientRect(); return [b.left, b.right]; });
    const svg = figure.querySelector('svg.timechart').getBoundingClientRect();
    return {sizes, dates, svg: [svg.left, svg.right, svg.height],
            sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@in_chromium
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("which", ["example", "estimates"])
def test_the_chart_over_time_reads_on_a_phone_and_a_desktop(
    browser, example_url: str, estimates_url: str, which: str, width: int
) -> None:  # type: ignore[no-untyped-def]

    url = (
        example_url + "claims/dprk-killed/"
        if which == "example"
        else estimates_url + "claims/russian-military-killed-and-wounded/"
    )
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        seen = page.evaluate(READS)
        assert seen["sideways"] <= 0
        assert len(seen["sizes"]) > 5 and min(seen["sizes"]) >= 12, seen["sizes"]
        assert all(a[1] + 4 <= b[0] for a, b in itertools.pairwise(seen["dates"])), seen["dates"]
        left, right, height = seen["svg"]
        assert all(left - 1 <= a and b <= right + 1 for a, b in seen["dates"])
        assert 200 <= height <= 400
        page.wait_for_selector(".pagefind-ui__search-input", timeout=test_browser.WAIT_MS)
        assert test_browser.serious_violations(page) == []
    finally:
        context.close()


@in_chromium
def test_on_a_right_to_left_site_time_still_runs_left_to_right(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = copy_example(tmp_path / "desk", language="ar")
    assert build(root, root / "site", search=False).ok
    with served(root / "site") as url:
        context = browser.new_context(viewport={"width": 375, "height": 800})
        try:
            page = context.new_page()
            page.goto(url + "claims/dprk-killed/", wait_until="load")
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            dates = page.locator("svg.timechart text.date").all()
            boxes = [d.bounding_box() for d in dates]
            assert len(boxes) >= 2 and all(a["x"] < b["x"] for a, b in itertools.pairwise(boxes))  # type: ignore[index]
            assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        finally:
            context.close()

"""Interested parties (`originators:`): what the desk says of an originator, checked at its place; a party's figures
marked on every page that shows them, in the chart and in the data; the claim page's control that hides them, in
Chromium; and the example's figures from Ukraine's president and Russia's ambassador, marked everywhere.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from builder.analyse.analysis import analyse
from builder.pipeline.stages import check, render
from tests import test_browser
from tests.sitefactory import CLAIMS, edit, only_problem, problems, write_site
from tests.sitefactory import position as at

MINISTRY = "Ukraine’s defence ministry"
"""An originator as the figures write it (a curly apostrophe); `originators:` names it with a straight one."""
PARTY_CLAIMS = (
    edit(
        edit(
            CLAIMS,
            "      value: about 11,000\n      as_of: 2025-03-27\n",
            f"      value: about 11,000\n      as_of: 2025-03-27\n      according_to: {MINISTRY}\n",
        ),
        "      - source: reuters-2025-04-01\n        value: 12,000\n",
        f"      - source: reuters-2025-04-01\n        value: 15,000\n        according_to: {MINISTRY}\n",
    )
    + """originators:
  Ukraine's Defence Ministry:
    description: The ministry of defence of Ukraine, at war with Russia.
    url: https://www.mil.gov.ua/en/
    party: true
"""
)
"""The minimal desk with a party: troops-total's canonical figure and Reuters's 15,000 are the ministry's."""


def desk(tmp_path: Path, claims: str = PARTY_CLAIMS) -> Path:
    return write_site(tmp_path / "desk", claims)


def rendered(root: Path) -> dict[str, Any]:
    result, _ = render(root)
    assert result.ok, [str(p) for p in result.problems.sorted()]
    assert result.outputs is not None
    return result.outputs


def page(outputs: dict[str, Any], url: str) -> BeautifulSoup:
    return BeautifulSoup(outputs[url + "index.html"], "html.parser")


def marks(element: Tag) -> list[Tag]:
    return element.select(".party")


def is_mark(tag: Tag) -> bool:
    """The party's mark: a symbol hidden from screen readers, the words, and what it means in its tooltip."""
    return (
        tag.get_text(" ", strip=True) == "⚑ party to the events"
        and tag.select_one("[aria-hidden=true]").get_text() == "⚑"
        and "party to the events it reports on" in tag["title"]
    )


# -- the mapping, checked ---------------------------------------------------------------------------


def test_a_desk_with_originators_has_no_problem(tmp_path: Path) -> None:
    assert problems(desk(tmp_path)) == []


def test_an_unknown_field_is_an_error_with_the_closest(tmp_path: Path) -> None:
    claims = edit(PARTY_CLAIMS, "    description: The", "    descripton: The")
    only_problem(
        desk(tmp_path, claims), "claims.yaml", *at(claims, "descripton"), "unknown key 'descripton' in originator",
        "did you mean 'description'",
    )  # fmt: skip


def test_a_url_that_is_no_web_address_is_an_error_at_it(tmp_path: Path) -> None:
    claims = edit(PARTY_CLAIMS, "url: https://www.mil.gov.ua/en/", "url: www.mil.gov.ua")
    only_problem(desk(tmp_path, claims), "claims.yaml", *at(claims, "www.mil"), "'url' must be an absolute http")


@pytest.mark.parametrize("value", ["maybe", "1", '"true"'])
def test_party_is_true_or_false(tmp_path: Path, value: str) -> None:
    claims = edit(PARTY_CLAIMS, "party: true", f"party: {value}")
    line, col = at(claims, f"party: {value}")
    only_problem(desk(tmp_path, claims), "claims.yaml", line, col + len("party: "), "'party' must be true or false")


def test_a_name_no_figure_goes_back_to_is_a_warning_with_the_closest(tmp_path: Path) -> None:
    """A misspelt name would mark nothing; an originator the desk does not describe stays allowed."""
    claims = edit(PARTY_CLAIMS, "  Ukraine's Defence Ministry:", "  Ukraine's Defense Ministry:")
    message = only_problem(
        desk(tmp_path, claims), "claims.yaml", *at(claims, "Ukraine's Defense"), "no figure goes back to originator",
        f"did you mean '{MINISTRY}'", severity="warning",
    )  # fmt: skip
    assert "Defense Ministry" in message
    result = check(tmp_path / "desk")
    assert result.ok and result.site is not None  # a warning: the desk builds, and marks nothing
    assert not any(item.party for c in analyse(result.site).claims for item in c.variants)


@pytest.mark.parametrize(
    "name",
    ["Reuters", "reuters", "Associated Press"],
    ids=["an outlet", "an outlet folded", "an outlet whose figures have no according_to"],
)
def test_an_outlet_that_originates_figures_is_a_name_a_figure_goes_back_to(tmp_path: Path, name: str) -> None:
    claims = PARTY_CLAIMS + f"  {name}:\n    description: A news agency.\n"
    assert problems(desk(tmp_path, claims)) == []


def test_an_outlet_whose_every_figure_has_an_according_to_is_no_originator(tmp_path: Path) -> None:
    claims = edit(
        PARTY_CLAIMS,
        "      - source: reuters-2025-04-01\n        value: more than 3,000\n",
        "      - source: reuters-2025-04-01\n        value: more than 3,000\n        according_to: Kyiv\n",
    )
    claims += "  Reuters:\n    description: A news agency.\n"
    only_problem(desk(tmp_path, claims), "claims.yaml", *at(claims, "Reuters:"), "'Reuters'", severity="warning")


def test_one_originator_described_twice_is_an_error_naming_the_first(tmp_path: Path) -> None:
    claims = PARTY_CLAIMS + "  ukraine’s defence ministry:\n    party: false\n"
    message = only_problem(
        desk(tmp_path, claims), "claims.yaml", *at(claims, "ukraine’s defence ministry:"), "described twice"
    )
    first, _ = at(claims, "Ukraine's Defence")
    assert f"claims.yaml:{first}:" in message


@pytest.mark.parametrize("value", ["[Reuters]", "Reuters"], ids=["a list", "text"])
def test_originators_is_a_mapping(tmp_path: Path, value: str) -> None:
    claims = CLAIMS + f"originators: {value}\n"
    line, col = at(claims, "originators: ")
    only_problem(desk(tmp_path, claims), "claims.yaml", line, col + len("originators: "), "'originators' must be a")


def test_an_entry_is_a_mapping(tmp_path: Path) -> None:
    claims = CLAIMS + "originators:\n  Reuters: true\n"
    only_problem(desk(tmp_path, claims), "claims.yaml", *at(claims, "true"), "'originator' must be a mapping")


def test_only_claims_yaml_describes_originators(tmp_path: Path) -> None:
    included = "claims:\n  - id: more\n    title: More\n    canonical: {value: 5}\noriginators: {}\n"
    claims = edit(CLAIMS, "sources:\n", "include: [more.yaml]\nsources:\n")
    root = write_site(tmp_path / "desk", claims, files={"more.yaml": included})
    only_problem(root, "more.yaml", *at(included, "originators"), "unknown key 'originators'")


# -- the analysis -----------------------------------------------------------------------------------


def test_a_party_is_found_by_the_originator_rule_with_names_folded(tmp_path: Path) -> None:
    """A variant's originator is its `according_to`, else its source's outlet: Reuters's own figure is Reuters's,
    its figure according to the ministry the ministry's."""
    claims = PARTY_CLAIMS + "  REUTERS:\n    party: true\n"
    result = check(desk(tmp_path, claims))
    assert result.ok and result.site is not None
    analysis = analyse(result.site)
    parties = {(c.claim.id, i.variant.index): i.party for c in analysis.claims for i in c.variants}
    assert parties == {
        ("troops-total", 0): False,  # Associated Press's own
        ("troops-total", 1): True,  # Reuters, according to the ministry
        ("casualties-total", 0): False,
        ("casualties-total", 1): True,  # Reuters's own
    }
    assert [c.canonical_party for c in analysis.claims] == [True, False]
    assert [c.party_figures for c in analysis.claims] == [1, 1]
    assert [c.parties for c in analysis.claims] == [(MINISTRY,), ("Reuters",)]  # of its originators, as they read


# -- the pages --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return rendered(desk(tmp_path_factory.mktemp("parties")))


def test_the_claim_page_marks_the_partys_row_byline_and_chart(outputs: dict[str, Any]) -> None:
    soup = page(outputs, "claims/troops-total/")
    rows = soup.select("table.variants tbody tr")
    assert [row.get("id") for row in rows if row.has_attr("data-party")] == ["variant-2"]
    (mark,) = marks(soup.select_one("#variant-2 th"))
    assert is_mark(mark) and MINISTRY in mark.parent.get_text()
    assert not marks(soup.select_one("#variant-1"))
    assert marks(soup.select_one(".byline")), "the canonical figure is the ministry's"
    chart = soup.select(".chart-row")
    assert [row.has_attr("data-party") for row in chart] == [False, False, True]  # the canonical row is never hidden
    assert marks(chart[0]) and not marks(chart[1]) and marks(chart[2])
    assert chart[2].select_one(".chart-label").get_text().startswith("✕ Reuters: 15,000 soldiers, according to")
    assert chart[2].select_one(".chart-label").get_text().endswith("⚑ party to the events — differs")
    assert marks(soup.select_one(".where-they-differ")), "the first screen names the disagreement as a party's"
    originators = soup.find("dt", string="Originators").find_next("dd")
    assert originators.get_text(" ", strip=True) == f"Associated Press; {MINISTRY} ⚑ party to the events"


def test_the_charts_file_marks_the_partys_rows_the_canonical_one_too(outputs: dict[str, Any]) -> None:
    """The chart to download (and the share card drawn from it) says in words what the page's badge says."""
    svg = BeautifulSoup(outputs["claims/troops-total/chart.svg"], "html.parser")
    labels = [" ".join(t.get_text() for t in g) for g in _label_lines(svg)]
    canonical, *rest = labels
    assert canonical.startswith("Canonical figure") and f"according to {MINISTRY} ⚑ party to the events" in canonical
    assert [("⚑ party to the events" in label) for label in rest] == [False, True]


def _label_lines(svg: BeautifulSoup) -> list[list[Tag]]:
    """The text lines of each row's label in a chart file, row by row: the lines before each row's track."""
    rows: list[list[Tag]] = [[]]
    for element in svg.select_one("g.chart").find_all(["text", "svg"], recursive=False):
        if element.name == "svg":
            rows.append([])
        elif "label" in element["class"]:
            rows[-1].append(element)
    return [row for row in rows if row]


def test_the_chart_over_time_marks_the_partys_figure(outputs: dict[str, Any]) -> None:
    soup = page(outputs, "claims/troops-total/")
    figures = soup.select("svg.timechart g.figure")
    assert [g.has_attr("data-party") for g in figures] == [False, True]
    assert [g.select_one("text.symbol").get_text() for g in figures] == ["●", "✕⚑"]
    (key,) = marks(soup.select_one(".timechart-legend"))  # the symbol's words
    assert is_mark(key)


def test_the_control_that_hides_a_partys_figures_is_there_only_for_them(outputs: dict[str, Any]) -> None:
    soup = page(outputs, "claims/troops-total/")
    control = soup.select_one("[data-party-filter]")
    assert control.has_attr("hidden"), "without JavaScript there is no control, and every figure is shown"
    assert control.select_one("label input[type=checkbox]")
    assert control.select_one("[role=status]")["data-hidden"] == "1 figure of a party to the events is hidden."
    assert [s["src"] for s in soup.select("script[src]") if "parties" in s["src"]] == ["../../static/parties.js"]
    assert outputs["static/parties.js"]
    other = page(outputs, "claims/casualties-total/")
    assert other.select_one("[data-party-filter]") is None and "parties.js" not in str(other)
    (related,) = marks(other.select_one("main"))  # its related claim's canonical figure is the ministry's
    assert related.find_parent("ul", class_="related") is not None


@pytest.mark.parametrize(
    "url",
    ["sources/reuters-2025-04-01/", "outlets/reuters/", "originators/ukraine-s-defence-ministry/", "discrepancies/"],
)
def test_every_table_of_figures_marks_the_partys(outputs: dict[str, Any], url: str) -> None:
    rows = page(outputs, url).select("table.figures tbody tr")
    marked = [row for row in rows if marks(row)]
    assert len(marked) == 1 and "15,000" in marked[0].get_text()
    assert is_mark(marks(marked[0])[0])
    link = marked[0].select_one(".by a")
    assert link.get_text() == MINISTRY  # whose stake, not the outlet's


@pytest.mark.parametrize("url", ["", "topics/troops/"])
def test_tables_of_claims_mark_a_canonical_figure_that_is_a_partys(outputs: dict[str, Any], url: str) -> None:
    rows = page(outputs, url).select("table.claims tbody tr")
    marked = {row.th.get_text(): bool(marks(row.select_one("td.figure"))) for row in rows}
    expected = {"North Korean soldiers sent to Russia": True, "North Korean soldiers killed or wounded": False}
    assert marked == {title: expected[title] for title in marked} and marked["North Korean soldiers sent to Russia"]


def test_the_index_marks_the_party_among_the_originators(outputs: dict[str, Any]) -> None:
    originators = page(outputs, "").find("h3", string="Originators").find_next("ul")
    (item,) = originators.select("li")
    assert MINISTRY in item.get_text() and marks(item)


def test_the_originator_page_says_what_the_desk_says_of_it(outputs: dict[str, Any]) -> None:
    soup = page(outputs, "originators/ukraine-s-defence-ministry/")
    assert soup.select_one(".lede").get_text() == "The ministry of defence of Ukraine, at war with Russia."
    link = soup.find("a", href="https://www.mil.gov.ua/en/")
    assert link is not None and link["rel"] == ["noopener", "noreferrer"]
    note = soup.select_one(".party-note")
    assert is_mark(marks(note)[0]) and "a claim page can hide them" in note.get_text()


def test_an_outlet_described_shows_it_on_its_page(tmp_path: Path) -> None:
    claims = PARTY_CLAIMS + "  Reuters:\n    description: A news agency.\n"
    soup = page(rendered(desk(tmp_path, claims)), "outlets/reuters/")
    assert soup.select_one(".lede").get_text() == "A news agency."
    assert soup.select_one(".party-note") is None


def test_the_data_gives_each_figure_party_true_or_false(outputs: dict[str, Any]) -> None:
    claims = {c["id"]: c for c in json.loads(outputs["claims.json"])["claims"]}
    assert [v["party"] for v in claims["troops-total"]["variants"]] == [False, True]
    assert [v["party"] for v in claims["casualties-total"]["variants"]] == [False, False]
    assert [claims[c]["canonical"]["party"] for c in ("troops-total", "casualties-total")] == [True, False]
    assert json.loads(outputs["claims/troops-total.json"]) == claims["troops-total"]
    text = outputs["claims.csv"].decode("utf-8")
    header = next(csv.reader(io.StringIO(text)))
    assert header[-2:] == ["party", "canonical_party"]  # at the end: a reader by position finds the rest as before
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["claim_id"], r["party"], r["canonical_party"]) for r in rows] == [
        ("troops-total", "false", "true"),
        ("troops-total", "true", "true"),
        ("casualties-total", "false", "false"),
        ("casualties-total", "false", "false"),
    ]


def test_a_partys_name_is_text_wherever_it_is_marked(tmp_path: Path) -> None:
    name = '<b>Ministry</b> & "co"'
    claims = PARTY_CLAIMS.replace(f"according_to: {MINISTRY}", f"according_to: {json.dumps(name)}")
    claims = edit(claims, "  Ukraine's Defence Ministry:", f"  {json.dumps(name)}:")
    outputs = rendered(desk(tmp_path, claims))
    for url in ("claims/troops-total/", "discrepancies/", "sources/reuters-2025-04-01/", ""):
        soup = page(outputs, url)
        assert soup.select_one("main b") is None, url
        assert any(name in mark.parent.get_text() for mark in marks(soup.select_one("main"))), url
    label = page(outputs, "claims/troops-total/").select_one("li.chart-row[data-party] .chart-label")
    assert label.get_text() == f"✕ Reuters: 15,000 soldiers, according to {name} ⚑ party to the events — differs"


def test_the_mark_is_one_in_html_and_in_text() -> None:
    from builder.render import party
    from builder.render.localised import ENGLISH, localised

    assert party.label(ENGLISH) == "⚑ party to the events"
    assert BeautifulSoup(party.badge(ENGLISH), "html.parser").get_text() == party.label(ENGLISH)
    assert party.label(localised("ko")) == "⚑ 사건 당사자"


def test_a_desk_without_originators_marks_nothing(tmp_path: Path) -> None:
    outputs = rendered(write_site(tmp_path / "desk"))
    pages = [data for path, data in outputs.items() if path.endswith(".html")]
    assert pages and not any(b'class="party"' in data or b"data-party" in data for data in pages)
    claims = json.loads(outputs["claims.json"])["claims"]
    assert all(v["party"] is False for c in claims for v in c["variants"])


def test_the_site_speaks_of_parties_in_its_language(tmp_path: Path) -> None:
    from tests.sitefactory import spaced

    claims = edit(spaced(PARTY_CLAIMS), "  description: Figures side by side.", "  language: uk")
    soup = page(rendered(desk(tmp_path, claims)), "claims/troops-total/")
    mark = marks(soup.select_one("#variant-2"))[0]
    assert mark.get_text(" ", strip=True) == "⚑ сторона подій" and "Сторона подій" in mark["title"]
    hidden = soup.select_one("[data-party-filter] [role=status]")["data-hidden"]
    assert hidden == "Приховано 1 цифру сторони подій."


# -- the example ------------------------------------------------------------------------------------

ZELENSKY = "Volodymyr Zelensky"
PARTIES = (ZELENSKY, "Russia's ambassador to Pyongyang")


@pytest.fixture(scope="module")
def example(example_site: Path) -> Path:
    return example_site


def example_page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_the_examples_parties_are_each_figure_of_theirs_and_no_other(example: Path) -> None:
    data = json.loads((example / "claims.json").read_text(encoding="utf-8"))["claims"]
    for claim in data:
        for variant in claim["variants"]:
            assert variant["party"] is (variant["according_to"] in PARTIES), (claim["id"], variant["source"])
        assert claim["canonical"]["party"] is (claim["canonical"]["according_to"] in PARTIES), claim["id"]
    zelensky = [(c["id"], v["text"]) for c in data for v in c["variants"] if v["according_to"] == ZELENSKY]
    assert len(zelensky) == 3


def test_zelenskys_figures_are_marked_on_every_page_that_shows_them(example: Path) -> None:
    data = json.loads((example / "claims.json").read_text(encoding="utf-8"))["claims"]
    for claim in data:
        soup = example_page(example, claim["url"])
        for index, variant in enumerate(claim["variants"], start=1):
            row = soup.select_one(f"#variant-{index}")
            assert row.has_attr("data-party") is variant["party"] and bool(marks(row)) is variant["party"]
        chart = soup.select("li.chart-row[data-party]")
        if claim["canonical"]["low"] is not None:  # a chart is drawn
            assert len(chart) == sum(v["party"] for v in claim["variants"]), claim["id"]
            assert all(marks(row) for row in chart)
        assert (soup.select_one("[data-party-filter]") is not None) is any(v["party"] for v in claim["variants"])
    originator = example_page(example, "originators/volodymyr-zelensky")
    rows = originator.select("table.figures tbody tr")
    assert len(rows) == 3 and all(marks(row) for row in rows)
    assert originator.select_one(".lede").get_text().startswith("President of Ukraine")
    assert originator.find("a", href="https://www.president.gov.ua/en")
    (differs,) = [row for row in example_page(example, "discrepancies").select("tbody tr") if ZELENSKY in row.text]
    assert marks(differs)
    source = example_page(example, "sources/support-amid-ukraine-conflict")
    assert len([row for row in source.select("table.figures tbody tr") if marks(row)]) == 2
    eliminated = example_page(example, "claims/zelensky-troops-eliminated")
    assert marks(eliminated.select_one(".byline")) and marks(eliminated.select_one("li.chart-row.canonical"))
    jcs = example_page(example, "originators/south-korea-s-joint-chiefs-of-staff")
    assert jcs.select_one(".lede") is not None and not marks(jcs.select_one("main"))


# -- the control, in Chromium -----------------------------------------------------------------------

browser = test_browser.browser
CLAIM = "claims/dprk-killed/"
"""The example's claim whose table has one of Zelensky's figures (about 2,700 killed) among four."""


@pytest.fixture(scope="module")
def example_url(example_site: Path) -> Iterator[str]:
    with test_browser.served(example_site) as url:
        yield url


@test_browser.pytestmark
def test_the_control_hides_the_partys_rows_and_says_how_many(browser, example_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(example_url + CLAIM, wait_until="load")
    box = page.get_by_role("checkbox", name="Hide the figures of parties to the events")
    assert box.is_visible() and not box.is_checked()
    rows = page.locator("table.variants tbody tr:not(.detail)")
    party_rows = page.locator("main [data-party]")
    # its row and its quote's in the table, its row of the chart, and its line among the figures the chart over
    # time does not draw (it has no date)
    assert rows.count() == 4 and party_rows.count() == 4
    assert all(row.is_visible() for row in party_rows.all())
    status = page.get_by_role("status").filter(has_text="hidden")
    box.check()
    assert all(row.is_hidden() for row in party_rows.all())
    shown = [row.get_attribute("id") for row in rows.all() if row.is_visible()]
    assert shown == ["variant-1", "variant-2", "variant-3"]
    assert page.locator("ol.chart li.chart-row").filter(has=page.locator(".party")).count() == 1
    assert page.locator("ol.chart li.chart-row:visible").count() == 4  # the canonical figure and three others
    assert status.text_content() == "1 figure of a party to the events is hidden."
    box.uncheck()
    assert all(row.is_visible() for row in party_rows.all())
    assert page.locator("[data-party-filter] [role=status]").text_content() == ""
    assert errors == []
    context.close()


@test_browser.pytestmark
def test_without_javascript_the_claim_page_is_complete_and_has_no_control(browser, example_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(example_url + CLAIM)
    assert page.locator("[data-party-filter]").is_hidden() and page.get_by_role("checkbox").count() == 0
    assert all(row.is_visible() for row in page.locator("table.variants tbody tr").all())
    assert all(row.is_visible() for row in page.locator("ol.chart li").all())
    assert page.locator("main .party").first.is_visible()
    context.close()

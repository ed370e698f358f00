"""The claim chart as its HTML: every figure drawn on one scale, named as a reader knows it, with its unit.

How it looks in Chromium (text size, height, labels clear of the marks) is in `tests/test_layout.py`.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from bs4 import BeautifulSoup

from builder.analyse.analysis import ClaimAnalysis, analyse
from builder.pipeline.stages import check
from builder.render import chart as chart_module
from builder.render.chart import chart
from tests.conftest import ESTIMATES


def analysed(root: Path, claim_id: str) -> ClaimAnalysis:
    result = check(root)
    assert result.ok and result.site is not None, [str(p) for p in result.problems.sorted()]
    return analyse(result.site).by_id[claim_id]


def desk(tmp_path: Path, variants: str, canonical: str = "about 11,000", unit: str = "soldiers") -> Path:
    (tmp_path / "claims.yaml").write_text(
        textwrap.dedent(
            """\
            site: {title: Chart test, language: en}
            sources:
              a: {title: First report, outlet: Reuters, published: 2025-03-01}
              b: {title: Second report, outlet: Reuters, published: 2025-03-09}
              c: {title: A report whose outlet is not named anywhere in it}
              d: {title: Third report, outlet: Reuters, published: 2025-03-09}
            claims:
              - id: c1
                title: Soldiers sent
                unit: UNIT
                canonical: {value: "CANONICAL", source: a}
                variants:
            """
        )
        .replace("UNIT", unit)
        .replace("CANONICAL", canonical)
        + textwrap.indent(textwrap.dedent(variants), "      ")
    )
    return tmp_path


def html(analysed_claim: ClaimAnalysis) -> BeautifulSoup:
    return BeautifulSoup(chart(analysed_claim, "c") or "", "html.parser")


def labels(soup: BeautifulSoup) -> list[str]:
    return [label.get_text() for label in soup.select(".chart-label")]


def test_points_open_ends_and_unbounded_ends_each_have_their_mark(tmp_path: Path) -> None:
    soup = html(
        analysed(
            desk(
                tmp_path,
                """\
                - {source: a, value: 11000}
                - {source: b, value: "more than 10,000"}
                - {source: c, value: {low: 9000, high: 12000}}
                """,
            ),
            "c1",
        )
    )
    assert len(soup.select("li.chart-row")) == 4  # the canonical figure and three variants
    assert len(soup.select("path.mark")) == 1  # the exact number is a diamond
    assert len(soup.select("path.arrow")) == 1  # "more than 10,000" has no upper limit
    assert len(soup.select("circle.end.open")) == 1  # ... and excludes 10,000
    assert len(soup.select("rect.band")) == 4  # the canonical band in every row's track
    assert (
        soup.select_one("li.chart-row.canonical .chart-label")
        .get_text()
        .startswith("Canonical figure (the shaded band): about 11,000 soldiers")
    )


def test_rows_are_named_by_outlet_then_date_or_title_never_by_source_id(tmp_path: Path) -> None:
    soup = html(
        analysed(
            desk(
                tmp_path,
                """\
                - {source: a, value: 11000}
                - {source: b, value: 11000}
                - {source: d, value: 11000}
                - {source: c, value: 11000}
                """,
            ),
            "c1",
        )
    )
    names = [label.split(":")[0][2:] for label in labels(soup)[1:]]
    # a and b are told apart by date; b and d, of one day, by title; c has no outlet: its title's first words
    assert names == [
        "Reuters, March 1, 2025",
        "Reuters, Second report",
        "Reuters, Third report",
        "A report whose outlet is not…",
    ]
    assert not any(source_id in name.split(", ") for name in names for source_id in "abcd")


def test_each_label_carries_the_unit_and_the_axis_says_what_it_counts(tmp_path: Path) -> None:
    soup = html(analysed(desk(tmp_path, '- {source: a, value: "1,300", unit: km2}\n', "1,300", "km2"), "c1"))
    assert all("1,300 km²" in label for label in labels(soup))
    # An exact canonical figure is a line in each track, and its label says so, not "band".
    assert soup.select("line.band-line") and not soup.select("rect.band")
    assert labels(soup)[0].startswith("Canonical figure (the line): ")
    assert soup.select_one(".chart-title").get_text().endswith(", in km²")
    ticks = [text.get_text() for text in soup.select(".chart-axis text")]
    assert 3 <= len(ticks) <= 5 and "1,000" in ticks  # thousands separated


def test_a_far_figure_is_drawn_at_the_edge_and_the_band_stays_readable(tmp_path: Path) -> None:
    soup = html(
        analysed(desk(tmp_path, '- {source: a, value: "about 11,000"}\n- {source: b, value: 1.5 million}\n'), "c1")
    )
    band = soup.select_one("rect.band")
    assert float(band["width"].rstrip("%")) > 5  # not squeezed to a hairline by 1.5 million
    assert len(soup.select("path.off-scale")) == 1
    far = labels(soup)[2]
    assert far.endswith("1.5 million soldiers, beyond the scale » — differs")


def test_a_claim_of_many_figures_draws_one_row_per_originator_and_every_figure() -> None:
    """The fixture's 62 figures: most are the UK Ministry of Defence's rising count, one row."""
    claim = analysed(ESTIMATES, "russian-military-killed-and-wounded")
    soup = html(claim)
    assert len(claim.variants) > 60
    rows = soup.select("li.chart-row")
    originators = {item.originator for item in claim.variants}
    assert len(rows) == 1 + len(originators)  # no figure here lacks an originator
    assert len(soup.select(".chart > li.chart-row")) - len(soup.select(".chart-more li")) == chart_module.ROWS_SHOWN + 1
    assert (
        soup.select_one(".chart-more summary").get_text().startswith(f"{len(rows) - 1 - chart_module.ROWS_SHOWN} more")
    )
    drawn = soup.select("li.chart-row:not(.canonical) g")
    assert len(drawn) == sum(item.interval is not None for item in claim.variants)
    uk = next(label for label in labels(soup) if "UK Ministry of Defence:" in label)
    assert re.search(r"UK Ministry of Defence: \d+ figures from \w+ \d+, 20\d\d to January 26, 2026; the latest", uk)

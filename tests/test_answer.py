"""Deviations that mean what they say, discrepancies ranked by the real gap, counts in words a newsroom prints."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.analyse.analysis import Analysis, analyse
from builder.check.units import classify
from builder.pipeline.build import build
from builder.pipeline.stages import check
from builder.render.formatting import variant_deviation
from builder.render.summary import tally
from builder.words import joined, plural


def desk(root: Path, canonical: str, *variants: str) -> Path:
    """A one-claim desk: the canonical figure and each variant's value, from sources a, b, c ..."""
    ids = "abcdefgh"[: len(variants)]
    sources = "".join(f"  {i}: {{title: Report {i.upper()}, outlet: Outlet {i.upper()}}}\n" for i in ids)
    rows = "".join(f'      - {{source: {i}, value: "{value}"}}\n' for i, value in zip(ids, variants, strict=True))
    (root / "claims.yaml").write_text(
        "site: {title: Answer test, language: en}\nsources:\n"
        + sources
        + textwrap.dedent(
            f"""\
            claims:
              - id: c1
                title: Troops
                unit: troops
                canonical: {{value: "{canonical}", source: a}}
                variants:
            """
        )
        + rows
    )
    return root


def analysed(root: Path) -> Analysis:
    result = check(root)
    assert result.ok and result.site is not None, [str(p) for p in result.problems.sorted()]
    return analyse(result.site)


@pytest.mark.parametrize(
    ("canonical", "figure", "shown"),
    [
        # The examples: no midpoint of an open-ended figure.
        ("more than 1,000", "thousands", "within"),
        ("up to 1.5 million", "around 1.2 million", "within"),
        ("about 11,000", "more than 50,000", "above"),
        ("about 11,000", "up to 5,000", "below"),
        ("about 11,000", "at least 10,000", "overlaps"),
        ("more than 1,000", "more than 1,000", "same"),
        # Both bounded: the contract's signed deviation, from the middles.
        ("about 11,000", "about 12,000", "+9%"),
        ("about 11,000", "11,000", "0%"),
        ("10,000-12,000", "8,000", "−27%"),
    ],
)
def test_a_percentage_only_between_figures_that_state_both_ends(
    tmp_path: Path, canonical: str, figure: str, shown: str
) -> None:
    item = analysed(desk(tmp_path, canonical, figure)).claims[0].variants[0]
    assert variant_deviation(item) == shown


def test_claims_json_keeps_the_contracts_deviation_where_the_page_shows_words(tmp_path: Path) -> None:
    root = desk(tmp_path, "more than 1,000", "thousands")
    assert build(root, root / "site").ok
    variant = json.loads((root / "site" / "claims" / "c1.json").read_text())["variants"][0]
    assert variant["deviation"] == pytest.approx((2000 + 9999) / 2 / 1000 - 1)  # (mid - 1,000) / 1,000
    page = BeautifulSoup((root / "site" / "claims" / "c1" / "index.html").read_text(), "html.parser")
    cell = page.select_one("#variant-1 .deviation")
    assert cell.get_text() == "within" and "lies within" in cell["title"]
    assert "%" not in page.select_one("table.variants").get_text()


def test_discrepancies_are_ranked_by_the_gap_between_the_intervals(tmp_path: Path) -> None:
    """'fewer than 9,000' has its middle at 4,500 (−59%), but lies just under the canonical band; 14,000 (+27%)
    is farther from it: it comes first."""
    analysis = analysed(desk(tmp_path, "about 11,000", "fewer than 9,000", "14,000", "2,000"))
    ranked = [item.variant.figure.written for item in analysis.discrepancies]
    assert ranked == ["2,000", "14,000", "fewer than 9,000"]


def test_counts_agree_with_their_number_in_one_order(tmp_path: Path) -> None:
    analysis = analysed(desk(tmp_path, "about 11,000", "1,000", "about 11,000", "2,000", "11,000"))
    items = analysis.claims[0].variants
    assert tally(items) == ["1 matches", "1 is consistent", "2 differ"]
    assert tally(items, agreeing_together=True) == ["2 agree", "2 differ"]
    assert joined(tally(items[:1])) == "1 differs"
    assert [plural(n, "claim") for n in (0, 1, 2, 12000)] == ["0 claims", "1 claim", "2 claims", "12,000 claims"]
    assert joined(["a", "b", "c"]) == "a, b and c"


@pytest.mark.parametrize(
    ("written", "shown"), [("km2", "km²"), ("mi2", "mi²"), ("m3", "m³"), ("degC", "°C"), ("F2 jets", "F2 jets")]
)
def test_units_are_set_as_a_newspaper_sets_them(written: str, shown: str) -> None:
    assert classify(written).shown == shown
    assert classify(written).text == written  # the data keeps the unit as written

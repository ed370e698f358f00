"""Verdicts, deviations and statuses as the contract defines them."""

from __future__ import annotations

import pytest

from builder.analyse.analysis import compare
from builder.check.dates import parse_date
from builder.check.model import Figure
from builder.check.units import classify
from builder.check.values import parse_value
from builder.problems import Location
from builder.verdicts import claim_status
from tests.conftest import load_conformance

VERDICTS = load_conformance("verdicts.yaml")


def figure(value: object, unit: str | None = None, text: str | None = None) -> Figure:
    interval = None if text is not None else parse_value(value, VERDICTS["tolerance"])
    return Figure(str(value), None, value, interval, text, classify(unit) if unit else None, None, None, Location("t"))


def _case_id(case: dict) -> str:
    return f"{case['canonical']['value']} vs {case['variant']['value']}{case['variant'].get('unit', '')}"


@pytest.mark.parametrize("case", VERDICTS["cases"], ids=_case_id)
def test_conformance_verdict_and_deviation(case: dict) -> None:
    canonical, variant = case["canonical"], case["variant"]
    unit = canonical.get("unit")
    result = compare(
        figure(canonical["value"], unit),
        figure(variant["value"], variant.get("unit", unit)),
        classify(unit) if unit else None,
        parse_date(canonical["as_of"]) if canonical.get("as_of") else None,
        parse_date(variant["as_of"]) if variant.get("as_of") else None,
    )
    assert result.verdict == case["verdict"]
    if case["deviation"] is None:
        assert result.deviation is None
    else:
        assert round(result.deviation, 4) == case["deviation"]


def test_matches_needs_the_same_open_ends() -> None:
    assert compare(figure("more than 1,500"), figure("1,500"), None, None, None).verdict == "differs"
    assert compare(figure("more than 1,500"), figure("over 1,500"), None, None, None).verdict == "matches"


def test_conversion_both_ways_agrees() -> None:
    km2, mi2 = classify("km2"), classify("mi2")
    there = compare(figure(1300, "km2"), figure(500, "mi2"), km2, None, None)
    back = compare(figure(500, "mi2"), figure(1300, "km2"), mi2, None, None)
    assert (there.verdict, back.verdict) == ("consistent", "consistent")
    assert there.interval is not None and there.interval.low == pytest.approx(1294.994, rel=1e-5)
    assert back.interval is not None and back.interval.low == pytest.approx(501.932, rel=1e-5)


def test_compound_length_is_understood() -> None:
    from builder.check.units import split_compound

    value, unit = split_compound("882 ft 9 in")
    assert (float(value), unit.text) == (882.75, "ft")
    result = compare(figure(value, "ft"), figure(269.1, "m"), classify("ft"), None, None)
    assert result.verdict == "consistent"


def test_count_nouns_are_labels_and_still_compared() -> None:
    result = compare(figure(3000, "soldiers"), figure(3000, "troops"), classify("soldiers"), None, None)
    assert result.verdict == "matches"


def test_physical_against_count_noun_is_incomparable() -> None:
    result = compare(figure(10, "km"), figure(10, "soldiers"), classify("km"), None, None)
    assert (result.verdict, result.deviation) == ("incomparable", None)


def test_deviation_from_zero_is_null() -> None:
    result = compare(figure(0), figure(5), None, None, None)
    assert (result.verdict, result.deviation) == ("differs", None)


@pytest.mark.parametrize(
    ("canonical", "variant", "verdict"),
    [
        ("240 mm multiple rocket launchers", "240 MM  Multiple rocket launchers", "matches"),
        ("240-mm launchers", "240\u2013mm launchers", "matches"),
        ("240 mm launchers", "170 mm howitzers", "differs"),
    ],
)
def test_text_claims_fold_case_space_and_dashes(canonical: str, variant: str, verdict: str) -> None:
    result = compare(figure(canonical, text=canonical), figure(variant, text=variant), None, None, None)
    assert result.verdict == verdict


def test_text_claim_against_number_is_incomparable() -> None:
    result = compare(figure("howitzers", text="howitzers"), figure(220), None, None, None)
    assert result.verdict == "incomparable"


def test_older_text_is_outdated() -> None:
    result = compare(
        figure("a", text="a"), figure("b", text="b"), None, parse_date("2025-03-27"), parse_date("2025-01")
    )
    assert result.verdict == "outdated"


@pytest.mark.parametrize(
    ("verdicts", "status"),
    [
        ([], "unsourced"),
        (["incomparable", "incomparable"], "unsourced"),
        (["matches"], "single-source"),
        (["consistent", "incomparable"], "single-source"),
        (["matches", "consistent"], "agreed"),
        (["matches", "differs"], "disputed"),
        (["matches", "misquoted"], "disputed"),
        (["retracted"], "disputed"),
        (["matches", "outdated"], "evolving"),
        (["outdated", "differs"], "disputed"),
        (["outdated"], "evolving"),
    ],
)
def test_claim_status(verdicts: list[str], status: str) -> None:
    assert claim_status(verdicts) == status


def test_every_verdict_has_its_words_symbol_and_style() -> None:
    """A verdict that one table forgets crashes a page or `diff` only when a desk first uses it (as
    `different-measure` did in `diff`): every table of `verdicts` knows every verdict, in one order, and the
    stylesheet styles each, on badges and in the chart."""
    import typing

    from builder import verdicts
    from tests.conftest import REPO

    css = (REPO / "builder" / "render" / "static" / "style.css").read_text()
    names = set(typing.get_args(verdicts.Verdict))
    assert set(verdicts.ORDER) == names and len(verdicts.ORDER) == len(names)
    assert names == verdicts.AGREEING | verdicts.DISAGREEING | verdicts.SET_ASIDE
    for table in (verdicts.SYMBOLS, verdicts.MEANING, verdicts.CHANGED):
        assert set(table) == names, table
    assert set(verdicts.COUNTED) == names | {"agree"}
    statuses = set(typing.get_args(verdicts.Status))
    assert set(verdicts.STATUS_MEANING) == set(verdicts.STATUS_HEADLINE) == set(verdicts.STATUS_RATING) == statuses
    assert set(typing.get_args(verdicts.EditorialVerdict)) <= names
    for verdict in names:
        assert f".verdict-{verdict}" in css and f".chart .verdict-{verdict}" in css, verdict

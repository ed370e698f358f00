"""Dates name periods; one is earlier only when it ends before the other begins."""

from __future__ import annotations

import datetime

import pytest

from builder.check.dates import DateError, parse_date


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        ("2025-03", "2025-03-27", False),
        ("2025-02", "2025-03-27", True),
        ("2024", "2025-01", True),
        ("2025", "2025-02-26", False),
        ("2025-03-26", "2025-03-27", True),
        ("2025-03-27", "2025-03-27", False),
    ],
)
def test_earlier_than(earlier: str, later: str, expected: bool) -> None:
    assert parse_date(earlier).earlier_than(parse_date(later)) is expected


def test_yaml_dates_integers_and_strings() -> None:
    assert parse_date(datetime.date(2025, 3, 27)).text == "2025-03-27"
    year = parse_date(1955)
    assert (year.start, year.end) == (datetime.date(1955, 1, 1), datetime.date(1955, 12, 31))
    leap = parse_date("2024-02")
    assert leap.end == datetime.date(2024, 2, 29)


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-13", "March 2025", "25-03-01", True, 3.5])
def test_impossible_or_unreadable_dates(bad: object) -> None:
    with pytest.raises(DateError):
        parse_date(bad)

"""Dates as editors write them: a year, a month or a day, each naming a period."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateError(ValueError):
    """A date that is not YYYY, YYYY-MM or YYYY-MM-DD, or does not exist."""


@dataclass(frozen=True, order=True)
class Period:
    """The span of days a written date names; `2025-03` is all of March 2025."""

    start: date
    end: date
    text: str

    def __str__(self) -> str:
        return self.text

    def earlier_than(self, other: Period) -> bool:
        """True when this period ends before the other begins."""
        return self.end < other.start


def parse_date(value: Any) -> Period:
    """A period from a YAML date, an integer year or a string."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Period(value, value, value.isoformat())
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DateError(f"a date must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    return _period(str(value).strip())


@lru_cache(maxsize=4096)
def _period(text: str) -> Period:
    """The period `text` names. Kept: a desk writes the same few dates (a month, a source's day) on
    thousands of figures, and reading each again was a fifth of checking a claim."""
    match = _DATE.match(text)
    if match is None:
        raise DateError(f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        if month is None:
            return Period(date(year, 1, 1), date(year, 12, 31), text)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return Period(date(year, month, 1), date(year, month, last), text)
        day_date = date(year, month, day)
        return Period(day_date, day_date, text)
    except (ValueError, calendar.IllegalMonthError) as error:
        raise DateError(f"'{text}' is not a date that exists ({error})") from None

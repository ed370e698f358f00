"""What two versions of a file share at their start and at their end: where an edit lies, so that only the
part between is read again (the live preview's edited claim, the history's next version of a file)."""

from __future__ import annotations

from typing import AnyStr

STEP = 1 << 15
"""How much is compared at a time, in C, before the first difference is narrowed down by halves."""


def common_prefix(a: AnyStr, b: AnyStr) -> int:
    """How many characters (or bytes) `a` and `b` start with in common."""
    size = min(len(a), len(b))
    low = 0
    while low < size and a[low : min(low + STEP, size)] == b[low : min(low + STEP, size)]:
        low += STEP
    if low >= size:
        return size
    high = min(low + STEP, size)
    while high - low > 1:  # the first difference lies in a[low:high]
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    return low


def common_suffix(a: AnyStr, b: AnyStr, most: int) -> int:
    """How many characters (or bytes), at most `most`, `a` and `b` end with in common."""
    ends = len(a), len(b)

    def same(low: int, high: int) -> bool:  # the part from `high` to `low` before the ends
        return a[ends[0] - high : ends[0] - low] == b[ends[1] - high : ends[1] - low]

    low = 0
    while low < most and same(low, min(low + STEP, most)):
        low += STEP
    if low >= most:
        return most
    high = min(low + STEP, most)
    while high - low > 1:
        middle = (low + high) // 2
        if same(low, middle):
            low = middle
        else:
            high = middle
    return low

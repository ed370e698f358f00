"""Numbers written so that a reader, or a YAML 1.1 reader, could take them for another number (`3.000`,
`010`, `1:30`, `0x10`, `1_000`, `1.0e+3`, `+3000`, `.5`): each with what it could be mistaken for and how
to write it plainly, as `values.py` refuses them.

Those about the decimal mark and the grouping of digits are English's (`ENGLISH_MARKS`); a site in a
language that writes them otherwise has its own (`digits.py`) between the others (`before_marks`,
`AFTER_MARKS`), which hold in every language.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Lookalike(NamedTuple):
    pattern: re.Pattern[str]
    why: str
    """What the number could be mistaken for, and how to write it plainly."""
    needs: str = ""
    """A character without which the pattern cannot match: where it is missing, as in most figures, the
    pattern is not searched for (the searches were most of the time a figure took to read)."""


_PREFIXED = re.compile(r"(?<![\w.])0[xob][0-9a-f_]+")
_EXPONENT = re.compile(r"\d(?:\.\d*)?e[-+]?\d")
_UNDERSCORE = re.compile(r"\d_|_\d")
_COLON = re.compile(r"\d:\d")
_LEADING_ZERO = re.compile(r"(?<![\d.,])(?<!\d )-?0\d")


def before_marks(thousand: str) -> tuple[Lookalike, ...]:
    """The look-alikes of every language that come before those of its marks, each saying how to write the
    number plainly with `thousand` as the language writes one thousand (`1,000`, `1 000`)."""
    return (
        Lookalike(
            _PREFIXED,
            "is written with a hexadecimal, octal or binary prefix (a YAML 1.1 reader takes 0x10 for 16); "
            "write the number in decimal digits",
            "0",
        ),
        Lookalike(
            _EXPONENT, f"is written with an exponent; write the number out in digits ({thousand} for 1.0e+3)", "e"
        ),
        Lookalike(
            _UNDERSCORE, f"groups digits with an underscore (a YAML 1.1 reader drops it); write {thousand} or 1000", "_"
        ),
        Lookalike(
            _COLON,
            "has a colon, which reads as a time or a ratio (a YAML 1.1 reader takes 1:30 for 90, minutes and "
            "seconds); write the number itself, or put the words in 'written:' and the number in 'value:'",
            ":",
        ),
        Lookalike(
            _LEADING_ZERO,
            "has a leading zero (a YAML 1.1 reader takes 010 for 8, an octal number); write it without the zero",
            "0",
        ),
    )


ENGLISH_MARKS: tuple[Lookalike, ...] = (
    Lookalike(
        re.compile(r"(?<![\d.,])(?<!\d )[1-9]\d*(?:\.\d{3})+(?![\d.])"),
        "has a point followed by three digits, which many languages use to group thousands (3.000 is "
        "three thousand in German); write 3,000 or 3 000 for three thousand, or 3 or 3.0 for three",
        ".",
    ),
    Lookalike(
        re.compile(r"(?<![\d.])\d+,(?:\d{1,2}|\d{4,})(?!\d)"),
        "has a comma that does not group three digits, as a decimal comma would (1,5 is one and a half in "
        "many languages); write a decimal point (1.5), and group thousands by threes (1,500)",
        ",",
    ),
    Lookalike(re.compile(r"(?<![\d\w])\.\d"), "starts with a point; write a zero before it (0.5)", "."),
)
AFTER_MARKS: tuple[Lookalike, ...] = (
    Lookalike(
        re.compile(r"^\+\s*\d"),
        "starts with a plus sign; write the number alone, or 'X+' or 'at least X' for a lower bound",
        "+",
    ),
)
LOOKALIKES: tuple[Lookalike, ...] = (*before_marks("1,000"), *ENGLISH_MARKS, *AFTER_MARKS)

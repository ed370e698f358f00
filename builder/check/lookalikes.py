"""Numbers written so that a reader, or a YAML 1.1 reader, could take them for another number (`3.000`,
`010`, `1:30`, `0x10`, `1_000`, `1.0e+3`, `+3000`, `.5`): each with what it could be mistaken for and how
to write it plainly, as `values.py` refuses them."""

from __future__ import annotations

import re

LOOKALIKES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?<![\w.])0[xob][0-9a-f_]+"),
        "is written with a hexadecimal, octal or binary prefix (a YAML 1.1 reader takes 0x10 for 16); "
        "write the number in decimal digits",
    ),
    (
        re.compile(r"\d(?:\.\d*)?e[-+]?\d"),
        "is written with an exponent; write the number out in digits (1,000 for 1.0e+3)",
    ),
    (
        re.compile(r"\d_|_\d"),
        "groups digits with an underscore (a YAML 1.1 reader drops it); write 1,000 or 1000",
    ),
    (
        re.compile(r"\d:\d"),
        "has a colon, which reads as a time or a ratio (a YAML 1.1 reader takes 1:30 for 90, minutes and "
        "seconds); write the number itself, or put the words in 'written:' and the number in 'value:'",
    ),
    (
        re.compile(r"(?<![\d.,])(?<!\d )-?0\d"),
        "has a leading zero (a YAML 1.1 reader takes 010 for 8, an octal number); write it without the zero",
    ),
    (
        re.compile(r"(?<![\d.,])(?<!\d )[1-9]\d*(?:\.\d{3})+(?![\d.])"),
        "has a point followed by three digits, which many languages use to group thousands (3.000 is "
        "three thousand in German); write 3,000 or 3 000 for three thousand, or 3 or 3.0 for three",
    ),
    (
        re.compile(r"(?<![\d.])\d+,(?:\d{1,2}|\d{4,})(?!\d)"),
        "has a comma that does not group three digits, as a decimal comma would (1,5 is one and a half in "
        "many languages); write a decimal point (1.5), and group thousands by threes (1,500)",
    ),
    (re.compile(r"(?<![\d\w])\.\d"), "starts with a point; write a zero before it (0.5)"),
    (
        re.compile(r"^\+\s*\d"),
        "starts with a plus sign; write the number alone, or 'X+' or 'at least X' for a lower bound",
    ),
)

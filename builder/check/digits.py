"""How a language writes a number in digits: its decimal mark, the mark besides a space that groups
thousands, and its own digits where it has them (Arabic-Indic ٠-٩, with ٫ and ٬); and the numbers a reader
of another convention would take for another number, each refused with how to write it plainly.

The rule is exactness: a number is read only when every reader reads the same number in it. `1,500` is
fifteen hundred in English and one and a half in Ukrainian, so a site in Ukrainian refuses it, as an
English site refuses `3.000`; `1 500` (a space groups thousands in every language) and `1,5` are
read. A point that precedes other than three digits (`1.5`) is a decimal in every convention but one
that groups by points, so it is read where the point is no grouping mark (`1.2 million` in any site).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from builder.check.lookalikes import AFTER_MARKS, ENGLISH_MARKS, Lookalike, before_marks
from builder.check.table import FigureError, shown

Why = Callable[[re.Match[str]], str]
"""What a look-alike could be mistaken for and how to write it, from its match."""
Rule = tuple[re.Pattern[str], Why, str]
"""A look-alike, what it says, and a character without which it cannot match (`lookalikes.Lookalike.needs`)."""


def _said(why: str) -> Why:
    return lambda _match: why


class Digits:
    """A language's way of writing digits, from its phrase file's `digits:`."""

    def __init__(
        self,
        language: str,
        decimal: str,
        group: str,
        native: tuple[str, str, str, str] | None = None,
    ) -> None:
        """`native` is the name of the language's own digits, the ten of them from 0 to 9, their decimal mark
        and their grouping mark (`("Arabic-Indic", "٠١٢٣٤٥٦٧٨٩", "٫", "٬")`)."""
        self.language = language
        self.decimal = decimal
        self.group = group
        self.native = native
        decimals = decimal + ("." if decimal == "," and group != "." else "")  # a point that groups nothing
        groups = [mark for mark in (group, " ") if mark]
        grouped = "|".join(rf"[0-9]{{1,3}}(?:{re.escape(mark)}[0-9]{{3}})+" for mark in groups)
        self.whole = rf"(?:{grouped}|[0-9]+)"
        """The whole part of a number, in a phrase checked (`check`), whose digits are Western."""
        self.pattern = rf"{self.whole}(?:[{re.escape(decimals)}][0-9]+)?"
        """A number without sign or scale word, in a phrase checked (`check`), whose digits are Western."""
        self._plain = str.maketrans({**dict.fromkeys(groups), **dict.fromkeys(decimals, "."), "\u2212": "-"})
        self.thousand = "1,000" if group == "," else "1 000"
        self.native_examples = ("", "")
        """Fifteen hundred and one and a half in the language's own digits (١٬٥٠٠, ١٫٥)."""
        self._western: dict[int, str] | None = None
        self._native_rules: tuple[Rule, ...] = ()
        self._native: re.Pattern[str] | None = None
        """Any of the language's own digits or marks."""
        if native is not None:
            _name, own, own_decimal, own_group = native
            self.native_examples = (f"{own[1]}{own_group}{own[5]}{own[0] * 2}", f"{own[1]}{own_decimal}{own[5]}")
            # Once checked, a number in the language's digits is read as the same number in Western ones.
            western = {**dict(zip(own, "0123456789", strict=True)), own_decimal: decimal, own_group: group or " "}
            self._western = str.maketrans(western)
            self._native_rules = self._natives()
            self._native = re.compile(f"[{re.escape(own + own_decimal + own_group)}]")
        self._rules = (*self._universal(before_marks(self.thousand)), *self._marks(), *self._universal(AFTER_MARKS))

    @staticmethod
    def _universal(lookalikes: tuple[Lookalike, ...]) -> tuple[Rule, ...]:
        return tuple((lookalike.pattern, _said(lookalike.why), lookalike.needs) for lookalike in lookalikes)

    def _marks(self) -> tuple[Rule, ...]:
        """The look-alikes of the decimal mark and grouping: English's where the language writes as English."""
        if self.decimal == ".":
            zero = re.compile(r"(?<![0-9.,])0,[0-9]{3}(?![0-9])")
            why = "has a comma after a lone 0, which groups nothing (a decimal comma would make 0,125 of 0.125); "
            return (*self._universal(ENGLISH_MARKS), (zero, _said(why + "write 0.125 for the decimal, or 125"), ","))
        name = self.language
        comma = re.compile(rf"(?<![0-9.,])(?!0,)(?P<whole>{self.whole}),(?P<decimals>[0-9]{{3}})(?![0-9])")
        rules: list[Rule] = [(comma, lambda match: _comma(match, name), ",")]
        if self.group == ".":
            zero = re.compile(r"(?<![0-9.,])0\.(?P<decimals>[0-9]+)")
            rules.append((zero, lambda match: f"has a point after a lone 0; {_point_groups(name, match)}", "."))
            point = re.compile(r"(?<![0-9.])[0-9]+\.(?:[0-9]{1,2}|[0-9]{4,})(?![0-9])")
            why = f"has a point that does not group three digits; in {name} a point groups thousands (11.000) "
            rules.append((point, _said(why + "and a comma marks a decimal: write 1,5 for one and a half"), "."))
        else:
            point = re.compile(r"(?<![\d.,])(?<!\d )[1-9]\d*(?:\.\d{3})+(?![\d.])")
            why = "has a point followed by three digits, which many languages use to group thousands (3.000 is three "
            why += "thousand in German); write 3 000 for three thousand, or 3 or 3,0 for three"
            rules.append((point, _said(why), "."))
        starts = "starts with a decimal mark; write a zero before it (0,5)"
        return (*rules, (re.compile(r"(?<![\d\w])[.,]\d"), _said(starts), ""))

    def _natives(self) -> tuple[Rule, ...]:
        """The look-alikes of a language's own digits: each number in one script, with that script's marks, and
        no leading zero. The others are searched for with them as they are: `\\d` is any script's digit."""
        assert self.native is not None
        name, digits, decimal, group = self.native
        own, marks = f"[{digits}]", f"[.,{decimal}{group}]"
        fifteen_hundred, one_and_a_half = self.native_examples
        plainly = f"write {one_and_a_half} for one and a half, {fifteen_hundred} for fifteen hundred"
        mixed = f"mixes {name} and Western digits in one number; write it in one of them"
        marked = f"has a mark of {name} digits between Western digits; write 1.5, and 1,500 for fifteen hundred"
        return (
            (re.compile(rf"[0-9]{marks}?{own}|{own}{marks}?[0-9]"), _said(mixed), ""),
            (re.compile(rf"{own}[.,]{own}"), _said(f"has a Western mark between {name} digits; {plainly}"), ""),
            (re.compile(rf"[0-9][{decimal}{group}][0-9]"), _said(marked), ""),
            (
                re.compile(rf"(?<![{digits}{group}]){own}+{group}(?:{own}{{1,2}}|{own}{{4,}})(?!{own})"),
                _said(f"groups digits other than by threes; {plainly}"),
                group,
            ),
            (
                re.compile(rf"(?<![\d.,{decimal}{group}])(?<!\d )-?{digits[0]}\d"),
                _said("has a leading zero; write it without the zero"),
                digits[0],
            ),
        )

    def check(self, phrase: str, text: str) -> str:
        """`text` (the folded `phrase`) with Western digits, or FigureError for a number a reader could take
        for another."""
        rules = self._rules
        if self._native is not None and self._native.search(text):  # its own digits' rules, where it has them
            rules = (*self._native_rules, *rules)
        for pattern, why, needs in rules:
            if needs in text and (match := pattern.search(text)) is not None:
                raise FigureError(f"'{shown(phrase)}' {why(match)}")
        return text if self._western is None else text.translate(self._western)

    def plain(self, number: str) -> str:
        """A number matched by `pattern` as Python reads one: no grouping, a decimal point."""
        return number.translate(self._plain)

    def examples(self) -> str:
        """Numbers as the language writes them (fifteen hundred, one and a half), for the accepted forms."""
        grouped = {",": "1,500, 1 500", ".": "1.500, 1 500", "": "1 500"}[self.group]
        return ", ".join(
            [f"1500, {grouped}, 1{self.decimal}5", *(example for example in self.native_examples if example)]
        )


def _point_groups(language: str, match: re.Match[str]) -> str:
    return f"in {language} a point groups thousands, so write 0,{match['decimals']} for a decimal"


def _comma(match: re.Match[str], language: str) -> str:
    """Why `1,500` is refused where a comma marks a decimal, with both readings written plainly."""
    whole, decimals = match["whole"], match["decimals"]
    thousands = f"{int(re.sub('[^0-9]', '', whole) + decimals):,}".replace(",", " ")
    significant = decimals.rstrip("0")
    if not significant:
        decimal = whole
    elif len(significant) < 3:
        decimal = f"{whole},{significant}"
    else:
        decimal = f"{whole},{decimals}0"
    return (
        f"has a comma followed by three digits, which groups thousands in English and marks a decimal in {language}; "
        f"write {thousands} if it groups thousands, or {decimal} if it is a decimal"
    )

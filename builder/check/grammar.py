"""The grammar of figures in a site's language: the contract's table (`table.py`) and the language's phrase
file (`phrasebook.py`) read as one, with the language's digits (`digits.py`).

A site in Korean reads `약 1만1000` and `about 11,000` alike; a site in Ukrainian reads `близько 11 000`
and `about 11 000`, and refuses `about 11,000` as it refuses `11,000`, since its comma marks a decimal.
Each grammar is made once in a process (`grammar_for`); a language without a phrase file has none, and
its sites read the contract's English alone (`values.py`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from builder.check import phrasebook
from builder.check.interval import Interval
from builder.check.myriads import compose
from builder.check.phrasebook import MYRIAD, Form, Phrasebook, RangeForm
from builder.check.table import (
    PERCENT,
    QUALIFIERS,
    RULES,
    SCALES,
    SUFFIXES,
    VAGUE,
    WORD_FORMS,
    FigureError,
    Qualifier,
    Reading,
    precise,
    qualified,
    shown,
    sized,
)
from builder.languages import primary

ENGLISH_RANGES = (
    RangeForm("between", "and", "", "between A and B"),
    RangeForm("", "to", "", "A to B"),
    RangeForm("", "-", "", "A-B"),
)
"""The contract's ranges, which every language reads besides its own."""
_LETTER_AFTER = r"(?![^\W\d_])"
"""The end of a word: no letter follows (`mil` is not the start of `millones`)."""
_ENGLISH_SCALE = r"\s*(?:k|bn)\b|\s+(?:thousand|million|billion)\b"


@functools.cache
def grammar_for(language: str) -> Grammar | None:
    """The grammar of figures in a site whose `site.language` is `language`; None where only English is read."""
    book = phrasebook.load(primary(language))
    return None if book is None else Grammar(book)


def _words(words: Iterable[str]) -> str:
    """An alternation of words, longest first, each matched as written."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_DASHES = str.maketrans("\u2013\u2014", "--")


def _range_words(words: Iterable[str]) -> str:
    """An alternation of the words of ranges, longest first, a hyphen in them matched as any dash (`A-B`, `A–B`),
    which `_DASHES` folds back to look the form up."""
    return "|".join(re.escape(word).replace(r"\-", "[-\u2013\u2014]") for word in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Number:
    value: float
    scale: float | None
    """The scale word or unit the number ends with, by its factor (1000 for `1,5 тис.`)."""
    myriad: bool = False
    """Whether it holds a unit of a myriad or more (만, 억): see `myriads.Composed`."""


class Grammar:
    """How a site in one language reads a figure: `read` a phrase, `end` a range's end."""

    def __init__(self, book: Phrasebook) -> None:
        self.book = book
        self.digits = book.digits
        self.scales: dict[str, float] = {**SCALES, **book.scales}
        self.vague: dict[str, Interval] = {**VAGUE, **book.vague}
        self.prefixes: dict[str, Qualifier] = dict(QUALIFIERS)
        """The qualifiers written before a figure, by their words, the table's and the language's."""
        self.suffixes: dict[str, Qualifier] = dict(SUFFIXES)
        """Those written after it."""
        self.circumfixes: dict[tuple[str, str], Qualifier] = {}
        """Those written around it, by their words before and after (`최소 X 이상`)."""
        for form in book.qualifiers:
            self._take(form)
        self.ranges = {(form.before, form.middle, form.after) for form in (*ENGLISH_RANGES, *book.ranges)}
        """The ranges, by their words before, between and after the ends."""
        digits = self.digits.pattern
        units = _words(book.scales)
        if book.myriads:
            composed = rf"{digits}\s*(?:{units})+(?:\s*{digits}\s*(?:{units})+)*(?:\s*{digits})?"
            number = rf"[-\u2212]?(?:{composed}|{digits}(?:{_ENGLISH_SCALE})?)"
            self.tokens = re.compile(rf"(?P<digits>{digits})|(?P<unit>{units})")
            self.in_units = re.compile(units)
        else:
            own = rf"|\s*(?:{units}){_LETTER_AFTER}" if book.scales else ""
            number = rf"[-\u2212]?{digits}(?:{_ENGLISH_SCALE}{own})?"
        percent = r"\s*%|\s+per\s?cent\b" + (rf"|\s*(?:{_words(book.percent)}){_LETTER_AFTER}" if book.percent else "")
        percent = f"(?:{percent})"
        before = {*self.prefixes, *(key[0] for key in self.circumfixes)}
        after = {*self.suffixes, *(key[1] for key in self.circumfixes)}
        ranges = self._range_pattern(number, percent)
        self.pattern = re.compile(
            rf"^(?:(?P<prefix>{_words(before)})\s*)?(?:{ranges}"
            rf"|(?P<pm>{number})\s*(?:±|\+/-)\s*(?P<pm_by>{number})"
            rf"|(?P<single>{number})(?P<single_percent>{percent})?(?:\s*(?P<suffix>{_words(after)}))?"
            rf"|(?P<vague>{_words(self.vague)}))(?P<percent>{percent})?$"
        )
        self.parts = re.compile(rf"(?P<digits>[-\u2212]?{digits})\s*(?P<scale>{_words(self.scales)})?")
        self.number = re.compile(rf"[-\u2212]?{digits}")
        self.forms = self._forms()

    def _take(self, form: Form) -> None:
        rule = RULES[form.rule]
        if form.before and form.after:
            self.circumfixes[(form.before, form.after)] = rule
            return
        words, table = (form.before, self.prefixes) if form.before else (form.after, self.suffixes)
        if table.setdefault(words, rule) is not rule:
            where = f"phrases/{self.book.code}.yaml"
            raise phrasebook.PhrasebookError(f"{where}: '{form.written}' means another thing in English")

    def _range_pattern(self, number: str, percent: str) -> str:
        """Every range in one alternative, its words looked up once it matches (`_range_form`): one pattern of
        ends tried, rather than one for each form."""
        before, middle, after = ([words for words in part if words] for part in zip(*self.ranges, strict=True))
        ends = (
            rf"(?P<low>{number})(?P<low_percent>{percent})?\s*(?P<middle>{_range_words(middle)})\s*(?P<high>{number})"
        )
        return rf"(?:(?P<before>{_range_words(before)})\s*)?{ends}(?:\s*(?P<after>{_range_words(after)}))?"

    def _forms(self) -> str:
        """The accepted forms, for the message that lists them: the table's, with the language's numbers, and the
        language's own phrases."""
        book = self.book
        combined = ", 1만1000, 3만, 1억2000만" if book.myriads else ""
        number = f"a number ({self.digits.examples()}{combined}, 1{self.digits.decimal}2 million, 12k, 40%)"
        forms = [form.written for form in book.qualifiers] + [form.written for form in book.ranges]
        return f"{number}, {WORD_FORMS}; in {book.name} also {', '.join([*forms, *book.words])}"

    def read(self, phrase: str, tolerance: float) -> Reading:
        """What a written figure stands for, or FigureError saying why it is none."""
        text = self.digits.check(phrase, self.book.folded(phrase))
        match = self.pattern.match(text)
        if match is None:
            raise FigureError(f"'{shown(phrase)}' is not a figure; accepted forms: {self.forms}")
        percent = match["single_percent"] or match["percent"]
        if match["low"] is not None:
            self._range_form(phrase, match["before"], match["middle"], match["after"])
            core = self._range(phrase, match["low"], match["high"])
            percent = percent or match["low_percent"]
        else:
            if match["pm"]:
                middle, by = self._number(phrase, match["pm"]).value, self._number(phrase, match["pm_by"]).value
                if by < 0:
                    raise FigureError(f"'{shown(phrase)}' has a negative margin; write X ± Y with Y positive")
                core = Interval.make(middle - by, middle + by)
            elif match["single"]:
                core = Interval.point(self._number(phrase, match["single"]).value)
            else:
                core = self.vague[match["vague"]]
        for end in (core.low, core.high):
            sized(end, f"'{shown(phrase)}'")
        rule = self._rule(phrase, match["prefix"], match["suffix"])
        return qualified(phrase, core, PERCENT if percent else None, rule, tolerance)

    def _range_form(self, phrase: str, before: str | None, middle: str, after: str | None) -> None:
        words = tuple((part or "").translate(_DASHES) for part in (before, middle, after))
        if words not in self.ranges:
            raise FigureError(f"'{shown(phrase)}' is not a figure; accepted forms: {self.forms}")

    def _rule(self, phrase: str, prefix: str | None, suffix: str | None) -> Qualifier | None:
        if prefix is not None and suffix is not None:
            rule = self.circumfixes.get((prefix, suffix))
            if rule is None:
                raise FigureError(f"'{shown(phrase)}' bounds the figure twice ('{prefix}' and '{suffix}'); keep one")
            return rule
        if prefix is not None and prefix not in self.prefixes:
            after = next(after for before, after in self.circumfixes if before == prefix)
            raise FigureError(f"'{shown(phrase)}' is not a figure: '{prefix}' needs '{after}' after the figure")
        if suffix is not None and suffix not in self.suffixes:
            before = next(before for before, after in self.circumfixes if after == suffix)
            raise FigureError(f"'{shown(phrase)}' is not a figure: '{suffix}' needs '{before}' before the figure")
        if prefix is not None:
            return self.prefixes[prefix]
        return None if suffix is None else self.suffixes[suffix]

    def _number(self, phrase: str, text: str) -> _Number:
        """A number of a phrase and the scale word it ends with."""
        if self.book.myriads and self.in_units.search(text):
            composed = compose(phrase, text, self.tokens, self.book.scales, self.digits.plain)
            return _Number(composed.value, composed.last, composed.myriad)
        match = self.parts.fullmatch(text)
        assert match is not None  # the phrase's pattern matched it
        digits = self.digits.plain(match["digits"])
        precise(digits, f"'{match['digits']}'")
        if match["scale"]:
            scale = self.scales[match["scale"]]
            return _Number(float(digits) * scale, scale)
        return _Number(float(digits), None)

    def _range(self, phrase: str, low_text: str, high_text: str) -> Interval:
        low, high = self._number(phrase, low_text), self._number(phrase, high_text)
        value = low.value
        if high.myriad and high.scale is not None and high.scale >= MYRIAD and not low.myriad:
            # 3~5만 is 3만 to 5만, but 5000~1만 is 5,000 to 10,000: a bare end takes the other's unit
            # when it can, and 5000만 would run past 1만.
            value = value * high.scale if value * high.scale <= high.value else value
        elif high.scale is not None and low.scale is None:
            value *= high.scale  # "2-3 million": a scale word after a range binds both ends.
        if value > high.value:
            raise FigureError(f"the range runs backwards: {low_text} is more than {high_text}")
        return Interval.make(value, high.value)

    def end(self, text: str, what: str) -> float:
        """An end of a range (`low`, `high`) written in digits as the language groups them, no scale word."""
        folded = self.digits.check(text, self.book.folded(text))
        if not self.number.fullmatch(folded):
            examples = self.digits.examples()
            raise FigureError(f"{what} must be a number written in digits ({examples}), not '{shown(text)}'")
        digits = self.digits.plain(folded)
        precise(digits, what)
        return sized(float(digits), what)


def fraction_hint(language: str | None) -> str:
    """What to write instead when a count in fractions was meant as a number whose thousands are grouped."""
    grammar = None if language is None else grammar_for(language)
    if grammar is None or grammar.digits.decimal == ".":
        return "if a point groups thousands here, write a comma (50,783) or a space (50 783)"
    if grammar.digits.group == ".":
        return "if the comma groups thousands here, write a point (50.783) or a space (50 783)"
    return "if the comma or point groups thousands here, write a space (50 783)"

"""A language's phrase file (`phrases/<code>.yaml`): how its reporters write figures, read and checked.

The file is data a contributor extends: the contract's table in that language, each qualifier given
the table's rule by name (`table.RULES`), each word quantity the English table's interval by its
English words or an interval of its own, and the language's digits (`digits.py`). docs/languages.md
describes the format. A file that breaks it is a PhrasebookError naming the file and the entry, so
that a shipped file that would read a figure wrongly never loads (tests load each).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, ValidationError

from builder.check.digits import Digits
from builder.check.interval import Interval
from builder.check.table import VAGUE

PHRASES = resources.files("builder.check") / "phrases"
"""The folder of the shipped phrase files, one per language, named by its ISO 639 code."""
CODE = re.compile(r"[a-z]{2,3}")
MYRIAD = 10**4
"""The smallest unit of a language that counts in myriads (만, 万): its units of 10^4 and up combine."""
_SMALL_UNITS = (10, 100, 1000)

Words = Annotated[str, StringConstraints(min_length=1, strict=True)]


class PhrasebookError(ValueError):
    """A phrase file that does not say how to read a figure unambiguously."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Native(_Strict):
    name: Words
    digits: Annotated[str, StringConstraints(min_length=10, max_length=10, strict=True)]
    decimal: Annotated[str, StringConstraints(min_length=1, max_length=1, strict=True)]
    group: Annotated[str, StringConstraints(min_length=1, max_length=1, strict=True)]


class _Digits(_Strict):
    decimal: Literal[".", ","]
    group: Literal[",", ".", ""]
    native: _Native | None = None


class _Qualifiers(_Strict):
    about: list[Words] = []
    more_than: list[Words] = []
    at_least: list[Words] = []
    up_to: list[Words] = []
    fewer_than: list[Words] = []
    nearly: list[Words] = []
    just_over: list[Words] = []


class _File(_Strict):
    name: Words
    digits: _Digits
    myriads: bool = False
    scales: dict[Words, Annotated[StrictInt, Field(ge=10)]] = {}
    qualifiers: _Qualifiers = _Qualifiers()
    ranges: list[Words] = []
    vague: dict[Words, Words | Annotated[list[StrictInt], Field(min_length=2, max_length=2)]] = {}
    percent: list[Words] = []
    fold: dict[Annotated[str, StringConstraints(min_length=1, max_length=1)], str] = {}
    ignore: str = ""


@dataclass(frozen=True)
class Form:
    """A qualifier as the language writes it: words before the figure, after it, or both."""

    before: str
    after: str
    rule: str
    """Its row of the table, by name (`table.RULES`)."""
    written: str
    """As the file writes it, with X for the figure ("약 X"), for the list of accepted forms."""


@dataclass(frozen=True)
class RangeForm:
    """A range as the language writes it: words before, between and after its two ends."""

    before: str
    middle: str
    after: str
    written: str


@dataclass(frozen=True)
class Phrasebook:
    code: str
    name: str
    digits: Digits
    myriads: bool
    scales: dict[str, int]
    qualifiers: tuple[Form, ...]
    ranges: tuple[RangeForm, ...]
    vague: dict[str, Interval]
    percent: tuple[str, ...]
    fold: dict[int, str | None]
    """What `str.translate` folds before reading: letters written either way, marks read as nothing."""
    words: tuple[str, ...]
    """Its word quantities and scale words as the file writes them, for the list of accepted forms."""

    def folded(self, text: str) -> str:
        """`text` as the grammar reads it: lower case, folded, each run of white space one space."""
        return " ".join(text.lower().translate(self.fold).split())


def load(code: str) -> Phrasebook | None:
    """The shipped phrase file of the language `code` (`ko`), or None when there is none."""
    if not CODE.fullmatch(code):
        return None
    file = PHRASES / f"{code}.yaml"
    if not file.is_file():
        return None
    return parse(code, file.read_text(encoding="utf-8"), f"phrases/{code}.yaml")


def shipped() -> list[str]:
    """The languages a phrase file is shipped for, by code."""
    return sorted(item.name.removesuffix(".yaml") for item in PHRASES.iterdir() if item.name.endswith(".yaml"))


def parse(code: str, text: str, path: str) -> Phrasebook:
    """The phrase file `path` of the language `code`, from its text; PhrasebookError when it is broken."""
    try:
        spec = _File.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as error:
        raise PhrasebookError(f"{path}: not YAML: {error}") from None
    except ValidationError as error:
        found = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise PhrasebookError(f"{path}: {found}") from None
    fold: dict[int, str | None] = {ord(k): v for k, v in spec.fold.items()} | dict.fromkeys(map(ord, spec.ignore))

    def folded(words: str) -> str:
        return " ".join(words.lower().translate(fold).split())

    native = spec.digits.native
    digits = Digits(
        spec.name,
        spec.digits.decimal,
        spec.digits.group,
        None if native is None else (native.name, native.digits, native.decimal, native.group),
    )
    if spec.digits.decimal == spec.digits.group:
        raise PhrasebookError(f"{path}: digits: the decimal mark cannot also group thousands")
    scales = {folded(word): factor for word, factor in spec.scales.items()}
    if spec.myriads:
        _check_myriads(path, scales)
    qualifiers = tuple(
        _form(path, folded, written, rule) for rule, forms in spec.qualifiers.model_dump().items() for written in forms
    )
    _check_meanings(path, qualifiers)
    ranges = tuple(_range(path, folded, written) for written in spec.ranges)
    vague = {folded(word): _vague(path, word, meaning) for word, meaning in spec.vague.items()}
    percent = tuple(folded(word) for word in spec.percent)
    words = (*spec.vague, *spec.scales)
    return Phrasebook(code, spec.name, digits, spec.myriads, scales, qualifiers, ranges, vague, percent, fold, words)


def _parts(path: str, written: str, placeholders: tuple[str, ...], folded: Callable[[str], str]) -> list[str]:
    pieces = re.split(r"\{([A-Z])\}", written)
    if tuple(pieces[1::2]) != placeholders:
        wanted = " and ".join("{" + p + "}" for p in placeholders)
        raise PhrasebookError(f"{path}: '{written}' must hold {wanted}, once each and in that order")
    return [folded(piece) for piece in pieces[0::2]]


def _form(path: str, folded: Callable[[str], str], written: str, rule: str) -> Form:
    before, after = _parts(path, written, ("X",), folded)
    if not before and not after:
        raise PhrasebookError(f"{path}: '{written}' under {rule} has no words besides {{X}}")
    return Form(before, after, rule, written.replace("{X}", "X"))


def _range(path: str, folded: Callable[[str], str], written: str) -> RangeForm:
    before, middle, after = _parts(path, written, ("A", "B"), folded)
    if not middle:
        raise PhrasebookError(f"{path}: '{written}' has nothing between {{A}} and {{B}}")
    return RangeForm(before, middle, after, written.replace("{A}", "A").replace("{B}", "B"))


def _vague(path: str, word: str, meaning: str | list[int]) -> Interval:
    if isinstance(meaning, str):
        if meaning not in VAGUE:
            raise PhrasebookError(f"{path}: '{word}' means '{meaning}', which is not a word of the English table")
        return VAGUE[meaning]
    low, high = meaning
    if low > high:
        raise PhrasebookError(f"{path}: '{word}' runs backwards ({low} is more than {high})")
    return Interval.make(low, high)


def _check_meanings(path: str, forms: tuple[Form, ...]) -> None:
    """The same words may not bound a figure two ways."""
    seen: dict[tuple[str, str], str] = {}
    for form in forms:
        key = (form.before, form.after)
        if seen.setdefault(key, form.rule) != form.rule:
            raise PhrasebookError(f"{path}: '{form.written}' is under both {seen[key]} and {form.rule}")


def _check_myriads(path: str, scales: dict[str, int]) -> None:
    """Units that combine (1억2000만) are 10, 100 or 1000 within a myriad, or a power of the myriad, which is one
    of them."""
    if MYRIAD not in scales.values():
        raise PhrasebookError(f"{path}: units that combine need one of 10000 (만)")
    for word, factor in scales.items():
        power = factor
        while power % MYRIAD == 0 and power > MYRIAD:
            power //= MYRIAD
        if factor not in _SMALL_UNITS and power != MYRIAD:
            raise PhrasebookError(f"{path}: '{word}' is {factor}; a unit of myriads is 10, 100, 1000 or 10000^n")

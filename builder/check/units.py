"""Units: physical ones are converted with pint; anything else is a count noun, a label.

pint knows thousands of units and is the reference for conversions, but it
also reads some English words as units ("units" as micro-nits, "shots" as a
volume), so a word only counts as physical when pint reads it plainly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint

# Words pint knows as obscure units but editors use as count nouns.
COUNT_WORDS = frozenset({"a", "shot", "shots", "unit", "units", "count", "counts"})

_POWER_SUFFIX = re.compile(r"(?<=[a-z])([23])\b", re.IGNORECASE)
_SQUARE = re.compile(r"\b(?:square|sq\.?)\s+([a-z]+)", re.IGNORECASE)
_CUBIC = re.compile(r"\b(?:cubic|cu\.?)\s+([a-z]+)", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z_]+")
_SUPERSCRIPTS = {"2": "²", "3": "³"}
_DEGREES = re.compile(r"\bdeg(?:rees?)?[ _]?([CF])\b")


@dataclass(frozen=True)
class Unit:
    """A unit as written; `physical` when it converts, else a count noun."""

    text: str
    physical: bool

    def __str__(self) -> str:
        return self.text

    @cached_property  # asked for by every figure of every table
    def shown(self) -> str:
        """The unit as a page sets it: km² for `km2`, °C for `degC`; a count noun as written."""
        if not self.physical:
            return self.text
        text = _POWER_SUFFIX.sub(lambda power: _SUPERSCRIPTS[power[1]], self.text)
        return _DEGREES.sub(r"°\1", text)


@cache
def registry() -> pint.UnitRegistry:
    """pint's registry, built once and only when a site has a candidate unit (building it is slow)."""
    import pint

    return pint.UnitRegistry()


def _pint_expression(text: str) -> str:
    text = _SQUARE.sub(r"\1**2", text)
    text = _CUBIC.sub(r"\1**3", text)
    return _POWER_SUFFIX.sub(r"**\1", text)


def _plainly_known(token: str) -> bool:
    if token.lower() in COUNT_WORDS:
        return False
    candidates = registry().parse_unit_name(token)
    # A one-letter prefix glued to a long word ("u" + "nits") is a misreading.
    return any(not prefix or token.startswith(prefix) or len(token) <= 4 for prefix, _, _ in candidates)


@cache
def classify(text: str) -> Unit:
    """Whether a written unit is physical (pint can convert it) or a count noun."""
    expression = _pint_expression(text.strip())
    tokens = _TOKEN.findall(expression)
    if not tokens or not re.fullmatch(r"[A-Za-z_\s*/^0-9².³]+", expression):
        return Unit(text, False)
    if len(tokens) > 1 and re.search(r"[A-Za-z]\s+[A-Za-z]", expression):
        # "drone attacks", "civilians injured": several words are a noun phrase,
        # unless pint knows the whole as one name ("nautical miles").
        expression = "_".join(expression.split())
        tokens = [expression]
    try:
        if not all(_plainly_known(token) for token in tokens):
            return Unit(text, False)
        dimensionless = registry().parse_units(expression).dimensionless
    except Exception:  # pint raises many kinds of error for words it cannot read
        return Unit(text, False)
    return Unit(text, not dimensionless)


PERCENT_WORDS = frozenset({"%", "percent", "per cent", "pct"})


def _is_percent(unit: Unit) -> bool:
    return " ".join(unit.text.lower().split()) in PERCENT_WORDS


def mismatch(unit: Unit | None, target: Unit | None) -> str | None:
    """Why a figure in `unit` cannot be compared with one in `target` (None when it can): the one rule of
    comparability, used by the analysis for the verdict and by `check` for its warning."""
    if unit is None or target is None or unit.text == target.text:
        return None
    if _is_percent(unit) != _is_percent(target):
        return f"'{unit}' and '{target}' are not both percentages"
    if not unit.physical and not target.physical:
        return None  # count nouns are labels
    if unit.physical and target.physical:
        if same_dimension(unit, target):
            return None
        return f"'{unit}' ({dimension(unit)}) cannot be converted to '{target}' ({dimension(target)})"
    physical, noun = (unit, target) if unit.physical else (target, unit)
    return f"'{physical}' is a physical unit ({dimension(physical)}) and '{noun}' a count noun"


def dimension(unit: Unit) -> str:
    """What a physical unit measures, in pint's words ("[length] ** 2")."""
    return str(registry().parse_units(_pint_expression(unit.text)).dimensionality)


def same_dimension(a: Unit, b: Unit) -> bool:
    reg = registry()
    return bool(
        reg.parse_units(_pint_expression(a.text)).dimensionality
        == reg.parse_units(_pint_expression(b.text)).dimensionality
    )


def convert(number: float, source: Unit, target: Unit) -> float:
    """`number` in `source` units expressed in `target` units (same dimension)."""
    reg = registry()
    quantity = reg.Quantity(number, reg.parse_units(_pint_expression(source.text)))
    return float(quantity.to(reg.parse_units(_pint_expression(target.text))).magnitude)


# The physical units editors write most, by name and symbol: a word within two edits of one
# of these (or of the claim's own unit) and unknown to pint is taken for a typo. pint's
# thousands of names are too many to guess from ("rounds" is one edit from "pounds").
COMMON_UNITS = (
    "m", "km", "cm", "mm", "metres", "meters", "kilometres", "kilometers", "mi", "miles", "ft", "feet", "in", "inches",
    "yd", "yards", "nmi", "nautical miles", "km2", "m2", "mi2", "ha", "hectares", "acres", "square kilometres",
    "square kilometers", "square miles", "kg", "g", "t", "tonnes", "tons", "lb", "pounds", "knots", "kn", "mph",
    "km/h", "kph", "m/s", "s", "seconds", "min", "minutes", "h", "hours", "days", "weeks", "years", "l", "litres",
    "liters", "gallons", "barrels", "W", "kW", "MW", "GW", "watts", "hp", "J", "kJ", "MJ", "kWh", "MWh", "GWh",
    "degC", "celsius", "fahrenheit", "kelvin", "mbar", "bar", "Pa", "kPa", "hPa", "psi",
)  # fmt: skip


def _plural_pair(a: str, b: str) -> bool:
    """Whether one word is the other with a plural ending ("troop", "troops"): both are meant."""
    short, long = sorted((a.lower(), b.lower()), key=len)
    return long in (short + "s", short + "es")


def typo(text: str, candidates: Iterable[str]) -> str | None:
    """The unit of `candidates` that `text` most likely means: `text` is unknown to pint and within two edits of it
    (`miels` for miles, `kmm` for km); None when it is no such typo. A plural of the same word is no typo."""
    from rapidfuzz.distance import DamerauLevenshtein

    if len(text.strip()) < 2 or classify(text).physical:
        return None
    for candidate in candidates:
        if candidate == text or _plural_pair(candidate, text):
            continue
        if DamerauLevenshtein.distance(text.lower(), candidate.lower(), score_cutoff=2) <= 2:
            return candidate
    return None


_COMPOUND = re.compile(
    r"^(?P<lead>.*?)(?P<a>\d[\d,]*(?:\.\d+)?)\s*(?P<ua>[a-z]+)\s+(?P<b>\d+(?:\.\d+)?)\s*(?P<ub>[a-z]+)$",
    re.IGNORECASE,
)


def split_compound(phrase: str) -> tuple[str, Unit] | None:
    """`882 ft 9 in` as (`882.75`, ft): a figure written in two units of one dimension."""
    match = _COMPOUND.match(phrase.strip())
    if match is None:
        return None
    first, second = classify(match["ua"]), classify(match["ub"])
    if not (first.physical and second.physical and same_dimension(first, second)):
        return None
    total = float(match["a"].replace(",", "")) + convert(float(match["b"]), second, first)
    return f"{match['lead']}{total:.12g}", first

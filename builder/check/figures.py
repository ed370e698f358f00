"""How each figure, unit and date of the desk is read and checked, for the validator of `validate.py`: every
figure from its characters (`values.py`), a unit typo an error with a did-you-mean, and a variant that its
unit makes incomparable a warning that says why."""

from __future__ import annotations

from typing import Any

from builder.check import schema
from builder.check.dates import DateError, Period, parse_date
from builder.check.grammar import fraction_hint
from builder.check.model import Figure, Variant
from builder.check.units import COMMON_UNITS, Unit, classify, mismatch, split_compound, typo
from builder.check.values import FigureError, Reading, as_written, plain_number, read_value, written
from builder.problems import Problems, Where
from builder.read.yamlwhole import Key, Place, YamlDocument


def text_as_written(value: Any) -> bool:
    """Whether a value is text as the editor wrote it: a string, or an unquoted scalar that YAML took for a
    number but that is no plain number in digits (`12:30`, `0x10`), which a text claim takes as its text."""
    if isinstance(value, str):
        return True
    typed = as_written(value)
    return typed is not None and not plain_number(typed)


def read_figure(
    value: Any, unit: Unit | None, kind: str, tolerance: float, language: str
) -> tuple[Any, Reading, Unit | None]:
    """A number's `value:` read as the check reads it: a figure written in two units ("882 ft 9 in") as its
    number in the first, then by the grammar of the site's `language`. What was read, its reading, and its
    unit: its own (a percent sign, the compound's) else `unit`. FigureError says why it is no figure; pure,
    so that the analysis reads a claim's earlier canonical values (`analyse/timeline.py`) as the check did."""
    if isinstance(value, str) and kind == "number":
        compound = split_compound(value)
        if compound is not None:
            value, unit = compound
    reading = read_value(value, tolerance, language)
    return value, reading, classify(reading.unit) if reading.unit is not None else unit


class FigureChecks:
    """The validator's checks of figures, units and dates (a part of `validate._Validator`)."""

    problems: Problems
    language: str = "en"
    """The site's language (`site.language`): the phrases and digits its figures are read in."""

    def date(self, value: Any, where: Where) -> Period | None:
        if value is None:
            return None
        try:
            return parse_date(value)
        except DateError as error:
            self.problems.error(where, str(error))
            return None

    def figure(
        self,
        doc: YamlDocument,
        key: Key,
        value: Any,
        unit: Unit | None,
        kind: str,
        as_of: Any,
        according_to: str | None,
        tolerance: float,
        words: Any = None,
    ) -> Figure | None:
        """The figure at `key`: its value read as written, in `unit` unless the value names its own."""
        where = Place(doc, (*key, "value"))
        if isinstance(value, schema.RangeValue):
            value = value.model_dump(exclude_none=True)
        interval, text, bounded = None, None, False
        if kind == "text" and text_as_written(value):
            # A text claim's figure is its text; `12:30` is not the number a YAML 1.1 reader makes of it.
            text = value if isinstance(value, str) else written(value)
        else:
            try:
                value, reading, unit = read_figure(value, unit, kind, tolerance, self.language)
            except FigureError as error:
                self.problems.error(Place(doc, (*key, "value", error.end)) if error.end else where, str(error))
                return None
            interval, bounded = reading.interval, reading.bounded
            if reading.fractional and unit is not None and not unit.physical and kind == "number":
                self.problems.warning(
                    where, f"'{written(value)}' counts {unit} in fractions; {fraction_hint(self.language)}"
                )
        return Figure(
            written=written(value) if not isinstance(value, str) else value,
            words=None if words is None else (as_written(words) or str(words)),
            raw=value,
            interval=interval,
            text=text,
            unit=unit,
            as_of=self.date(as_of, Place(doc, (*key, "as_of"))),
            according_to=according_to,
            location=where,
            bounded=bounded,
        )

    def check_units(self, doc: YamlDocument, key: Key, spec: schema.ClaimSpec, unit: Unit | None) -> set[int]:
        """A unit that is a typo of the claim's unit or of a common unit is an error: read as a count noun, it
        would make its figure incomparable without a word. The variants whose unit is one, by index."""
        typos = set()
        physical = [v.unit for v in spec.variants if v.unit and classify(v.unit).physical]
        if spec.unit and physical:
            meant = typo(spec.unit, COMMON_UNITS)
            if meant is not None:
                self.problems.error(Place(doc, (*key, "unit")), f"unknown unit '{spec.unit}'; did you mean '{meant}'?")
        for index, variant in enumerate(spec.variants):
            if not variant.unit:
                continue
            candidates = [spec.unit] if spec.unit else []
            if unit is not None and unit.physical:
                candidates += COMMON_UNITS
            meant = typo(variant.unit, candidates)
            if meant is not None:
                typos.add(index)
                self.problems.error(
                    Place(doc, (*key, "variants", index, "unit")),
                    f"unknown unit '{variant.unit}'; did you mean '{meant}'?",
                )
        return typos

    def check_comparable(
        self,
        doc: YamlDocument,
        key: Key,
        spec: schema.ClaimSpec,
        canonical: Figure,
        variants: list[Variant],
    ) -> None:
        """A variant that its unit makes incomparable is a warning that says why: it drops out of the status."""
        target = classify(spec.unit) if spec.unit else canonical.unit
        for variant in variants:
            if variant.figure.interval is None or canonical.interval is None:
                continue
            why = mismatch(variant.figure.unit, target)
            if why is not None:
                field = "unit" if spec.variants[variant.index].unit else "value"
                self.problems.warning(
                    Place(doc, (*key, "variants", variant.index, field)),
                    f"this figure cannot be compared with the claim's and counts as incomparable: {why}",
                )

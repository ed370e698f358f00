"""The shape of the desk's YAML checked with the pydantic models of `schema.py`, each error said in an
editor's words at its line and column; a wrong part dropped so that the rest is still checked."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable
from copy import deepcopy
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from builder.problems import Problems
from builder.read.yamlwhole import Key, Place, YamlDocument

M = TypeVar("M", bound=BaseModel)


_EXPECTED = {
    "value": "a number, a figure such as 'about 11,000', or a mapping {low: A, high: B}",
    "as_of": "a date: YYYY, YYYY-MM or YYYY-MM-DD",
    "published": "a date: YYYY, YYYY-MM or YYYY-MM-DD",
    "related": "a list of claim ids",
    "variants": "a list of variants",
    "claims": "a list of claims",
    "include": "a list of file patterns",
    "sources": "a mapping of source ids to sources",
    "tolerance": "a number from 0 up to (not including) 1",
    "order": "a number",
}


_BY_TYPE = {
    "string_type": "text",
    "string_too_short": "text that is not empty",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "literal_error": "",
}


def suggest(word: str, choices: Iterable[str]) -> str:
    """A did-you-mean hint, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _described(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes/no/on/off as true/false; quote the word)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime):
        return f"a date with a time ({value.isoformat(sep=' ')}); write the day alone"
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def _model_at(model: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that describes the mapping at `path` within `model`."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return None
        if isinstance(part, int) or part not in current.model_fields:
            continue
        current = _model_in(current.model_fields[part].annotation)
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The part of a pydantic error location that names real keys (union tags dropped)."""
    path: list[Any] = []
    current = data
    for part in loc:
        in_mapping = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_mapping or in_list:
            current = current[part]
            path.append(part)
    return tuple(path)


def _mapping_name(path: tuple[Any, ...], default: str) -> str:
    """What an editor calls the mapping at `path` ("variant", "canonical figure")."""
    for part in reversed(path):
        if part in _MAPPING_NAMES:
            return _MAPPING_NAMES[part]
    return default


_MAPPING_NAMES = {"variants": "variant", "canonical": "canonical figure", "value": "range"}


def _droppable(model: type[BaseModel], data: Any, path: tuple[Any, ...], extra: bool) -> bool:
    """Whether leaving out the key at `path` would leave a valid mapping (it is unknown or optional)."""
    if not path or not isinstance(path[-1], str):
        return False
    known = _model_at(model, path[:-1])
    field = known.model_fields.get(path[-1]) if known else None
    return extra or (field is not None and not field.is_required())


def _without(data: Any, paths: list[tuple[Any, ...]]) -> Any:
    copy = deepcopy(data)
    for path in paths:
        parent = copy
        for part in path[:-1]:
            parent = parent[part]
        parent.pop(path[-1], None)
    return copy


def check_shape(model: type[M], data: Any, doc: YamlDocument, prefix: Key, what: str, problems: Problems) -> M | None:
    """`data` as `model`, or None, with each mistake recorded at its place.

    When every mistake is an unknown or optional key, those keys are left out
    and the rest is read, so that the checks after this one still run and a
    single run reports every problem.
    """
    try:
        return model.model_validate(data)
    except ValidationError as error:
        drop = _report(model, data, error, doc, prefix, what, problems)
    if drop is None:
        return None
    try:
        return model.model_validate(_without(data, drop))
    except ValidationError:
        return None


def _report(
    model: type[BaseModel],
    data: Any,
    error: ValidationError,
    doc: YamlDocument,
    prefix: Key,
    what: str,
    problems: Problems,
) -> list[tuple[Any, ...]] | None:
    """Record each mistake; return the keys whose removal would mend them all, or None."""
    reported: set[tuple[Any, ...]] = set()
    drop: list[tuple[Any, ...]] | None = []
    for detail in error.errors():
        loc = tuple(detail["loc"])
        if detail["type"] == "missing":
            parent = _data_path(data, loc[:-1])
            problems.error(Place(doc, (*prefix, *parent)), f"{_mapping_name(parent, what)} needs '{loc[-1]}'")
            drop = None
            continue
        path = _data_path(data, loc)
        if path in reported:
            continue  # a value that fits no member of a union: say it once
        reported.add(path)
        extra = detail["type"] == "extra_forbidden"
        if drop is not None and _droppable(model, data, path, extra):
            drop.append(path)
        else:
            drop = None
        if extra:
            name = str(path[-1])
            known = _model_at(model, path[:-1])
            hint = suggest(name, known.model_fields if known else ())
            where = _mapping_name(path[:-1], what)
            problems.error(Place(doc, (*prefix, *path), of_key=True), f"unknown key '{name}' in {where}{hint}")
            continue
        field_name = next((p for p in reversed(path) if isinstance(p, str)), what)
        expected = _EXPECTED.get(field_name) or _BY_TYPE.get(detail["type"]) or ""
        if detail["type"] == "literal_error":
            expected = f"one of {detail['ctx']['expected']}"
        elif not expected or (detail["type"] in ("greater_than_equal", "less_than") and field_name not in _EXPECTED):
            expected = detail["msg"][0].lower() + detail["msg"][1:]
        value = detail.get("input")
        problems.error(Place(doc, (*prefix, *path)), f"'{field_name}' must be {expected}, not {_described(value)}")
    return drop

"""`claims.json`: every claim as data, in the contract's shape (keys added, never renamed)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from builder.analyse.analysis import ClaimAnalysis, VariantAnalysis
from builder.check.dates import Period
from builder.check.interval import Interval
from builder.render import urls


def _number(value: float) -> int | float | None:
    if math.isinf(value):
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _ends(interval: Interval | None) -> dict[str, Any]:
    if interval is None:
        return {"low": None, "high": None, "low_open": False, "high_open": False}
    return {
        "low": _number(interval.low),
        "high": _number(interval.high),
        "low_open": interval.low_open,
        "high_open": interval.high_open,
    }


def _date(period: Period | None) -> str | None:
    return period.text if period else None


def _variant(item: VariantAnalysis) -> dict[str, Any]:
    figure = item.variant.figure
    return {
        "source": item.source.id,
        "outlet": item.source.outlet,
        "text": figure.written,
        "written": figure.words,
        **_ends(item.interval),
        "unit": None,  # filled by the claim: low and high are in the claim's unit
        "value_unit": figure.unit.text if figure.unit else None,
        "as_of": _date(figure.as_of),
        "dated": _date(item.dated),
        "according_to": figure.according_to,
        "verdict": item.verdict,
        "computed_verdict": item.computed,
        "deviation": None if item.deviation is None else round(item.deviation, 6),
        "quote": item.variant.quote,
        "quote_verified": None
        if item.variant.quote is None or item.source.text is None
        else item.variant.passage is not None,
        "note": item.variant.note,
        "party": item.party,
    }


def claim_data(analysed: ClaimAnalysis) -> dict[str, Any]:
    claim = analysed.claim
    figure = claim.canonical.figure
    unit = claim.unit.text if claim.unit else None
    variants = []
    for item in analysed.variants:
        entry = _variant(item)
        entry["unit"] = unit
        variants.append(entry)
    return {
        "id": claim.id,
        "title": claim.title,
        "topic": claim.topic,
        "unit": unit,
        "kind": claim.kind,
        "status": analysed.status,
        "url": urls.claim(claim.id),
        "tolerance": claim.tolerance,
        "originators": len(analysed.originators),
        "unattributed": analysed.unattributed,
        "canonical": {
            "text": figure.written,
            **_ends(analysed.interval),
            "as_of": _date(figure.as_of),
            "dated": _date(analysed.dated),
            "according_to": figure.according_to,
            "source": claim.canonical.source_id,
            "party": analysed.canonical_party,
        },
        "related": list(analysed.related),
        "variants": variants,
    }


@dataclass(frozen=True)
class ClaimExport:
    """One claim in each export: its `claims/<id>.json` and its rows of `claims.csv`."""

    json: bytes
    """The claim's JSON file, which is also its entry in `claims.json` (without the newline)."""
    rows: bytes
    """Its rows of `claims.csv`."""


def claim_json(analysed: ClaimAnalysis) -> bytes:
    """`claims/<id>.json`: one claim, in the shape of its entry in `claims.json`."""
    return (json.dumps(claim_data(analysed), ensure_ascii=False) + "\n").encode("utf-8")


CSV_COLUMNS = (
    "claim_id", "claim_title", "topic", "unit", "kind", "status", "url",
    "canonical_text", "canonical_low", "canonical_high", "canonical_as_of", "canonical_according_to",
    "source", "outlet", "text", "low", "high", "low_open", "high_open", "value_unit", "as_of", "dated",
    "according_to", "verdict", "deviation", "quote", "quote_verified",
    # Added in contract 1.1, at the end so that a reader by position still finds the columns before them.
    "written", "tolerance", "originators", "unattributed",
    # Beyond the shared contract: whether the figure's originator, and the canonical one's, is a party.
    "party", "canonical_party",
)  # fmt: skip


_VARIANT_COLUMNS = CSV_COLUMNS[CSV_COLUMNS.index("source") : CSV_COLUMNS.index("written") + 1]
"""The columns of `claims.csv` that a variant's entry in the JSON fills, by their names there."""


def claim_export(analysed: ClaimAnalysis) -> ClaimExport:
    """The claim's part of both exports, its data made once (serve keeps the parts, and a rebuild
    redoes only the claims that changed)."""
    data = claim_data(analysed)
    return ClaimExport((json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8"), _rows(data))


def claim_rows(analysed: ClaimAnalysis) -> bytes:
    """The claim's rows of `claims.csv`."""
    return _rows(claim_data(analysed))


def _rows(data: dict[str, Any]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    canonical = data["canonical"]
    claim_columns = [
        data["id"], data["title"], data["topic"], data["unit"], data["kind"], data["status"], data["url"],
        canonical["text"], canonical["low"], canonical["high"], canonical["as_of"], canonical["according_to"],
    ]  # fmt: skip
    claim_after = [data["tolerance"], data["originators"], data["unattributed"]]
    # A claim without variants gets one row of its own.
    for variant in data["variants"] or [None]:
        cells = [variant[key] for key in _VARIANT_COLUMNS] if variant else [None] * len(_VARIANT_COLUMNS)
        row = [*claim_columns, *cells, *claim_after, variant["party"] if variant else None, canonical["party"]]
        # None empty, a boolean as the contract writes it, anything else as it is (inline: a few hundred
        # thousand cells a desk).
        writer.writerow(
            ["" if cell is None else "true" if cell is True else "false" if cell is False else cell for cell in row]
        )
    return stream.getvalue().encode("utf-8")


def claims_json(claim_files: Iterable[bytes]) -> Iterator[bytes]:
    """`claims.json` in parts, from each claim's JSON file in order: `{"claims": [...]}`, joined as
    `json.dumps` would join them (without indentation json uses its C encoder: ten times faster on a
    large desk). In parts, so that a large desk's file is written without being held whole."""
    yield b'{"claims": ['
    for number, data in enumerate(claim_files):
        if number:
            yield b", "
        yield data[:-1]  # without its newline
    yield b"]}\n"


def claims_csv(claim_rows: Iterable[bytes]) -> Iterator[bytes]:
    """`claims.csv` in parts: one row per variant with its claim's columns repeated; UTF-8, RFC 4180
    quoting, numbers as numbers, empty for none or infinite."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(CSV_COLUMNS)
    yield header.getvalue().encode("utf-8")
    yield from claim_rows

"""`claims.json`: every claim as data, in the contract's shape (keys added, never renamed)."""

from __future__ import annotations

import json
import math
from typing import Any

from builder import urls
from builder.analysis import Analysis, ClaimAnalysis, VariantAnalysis
from builder.dates import Period
from builder.interval import Interval
from builder.model import Figure


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


def _text(figure: Figure) -> str:
    return figure.written


def _variant(item: VariantAnalysis) -> dict[str, Any]:
    figure = item.variant.figure
    return {
        "source": item.source.id,
        "outlet": item.source.outlet,
        "text": _text(figure),
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
        "originators": len(analysed.originators),
        "canonical": {
            "text": _text(figure),
            **_ends(analysed.interval),
            "as_of": _date(figure.as_of),
            "dated": _date(analysed.dated),
            "according_to": figure.according_to,
            "source": claim.canonical.source_id,
        },
        "related": list(analysed.related),
        "variants": variants,
    }


def claims_json(analysis: Analysis) -> bytes:
    data = {"claims": [claim_data(c) for c in analysis.claims]}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

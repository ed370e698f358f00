"""The shape of `claims.yaml` and its included files, as pydantic models.

These models check types and keys only; what the values mean (figures,
dates, references between ids) is checked in `validate`. The same models
give the JSON Schema that editors' YAML language servers use.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StringConstraints

Text = Annotated[str, StringConstraints(min_length=1, strict=True)]
Id = Annotated[str, StringConstraints(min_length=1, strict=True)]
DateValue = date | StrictInt | Text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class RangeValue(_Strict):
    """A figure given as its two ends; a missing end is unbounded."""

    low: StrictInt | StrictFloat | None = None
    high: StrictInt | StrictFloat | None = None


Value = StrictInt | StrictFloat | Text | RangeValue


class SiteSpec(_Strict):
    title: Text
    base_url: Text | None = None
    language: Text = "en"
    description: Text | None = None
    tolerance: Annotated[StrictFloat | StrictInt, Field(ge=0, lt=1)] = 0.10


class SourceSpec(_Strict):
    outlet: Text
    title: Text
    url: Text | None = None
    published: DateValue | None = None
    author: Text | None = None
    text: Text | None = None


class CanonicalSpec(_Strict):
    value: Value
    as_of: DateValue | None = None
    according_to: Text | None = None
    source: Id | None = None


class VariantSpec(_Strict):
    source: Id
    value: Value
    unit: Text | None = None
    as_of: DateValue | None = None
    according_to: Text | None = None
    quote: Text | None = None
    verdict: Literal["misattributed", "misquoted", "retracted"] | None = None
    note: Text | None = None


class ClaimSpec(_Strict):
    id: Id
    title: Text
    topic: Text | None = None
    unit: Text | None = None
    kind: Literal["number", "text"] = "number"
    canonical: CanonicalSpec
    note: Text | None = None
    related: list[Id] = []
    variants: list[VariantSpec] = []


class IncludedFileSpec(_Strict):
    """A file listed under `include:`: more claims, and optionally sources."""

    sources: dict[Id, SourceSpec] = {}
    claims: list[ClaimSpec]


class ClaimsFileSpec(_Strict):
    """`claims.yaml`: the site settings, the sources and the claims."""

    site: SiteSpec
    include: list[Text] = []
    sources: dict[Id, SourceSpec] = {}
    claims: list[ClaimSpec] = []


class FrontMatterSpec(_Strict):
    """The YAML between `---` lines at the top of a narrative page."""

    title: Text
    order: StrictInt | StrictFloat | None = None

"""The shape of `claims.yaml` and its included files, as pydantic models.

These models check types and keys only; what the values mean (figures,
dates, references between ids) is checked in `validate`. The same models
give the JSON Schema that editors' YAML language servers use.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, StrictBool, StrictFloat, StrictInt, StringConstraints

from builder.read.yamlwhole import WrittenFloat, WrittenInt
from builder.verdicts import EditorialVerdict

Text = Annotated[str, StringConstraints(min_length=1, strict=True)]
ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
# The pattern is for editors' language servers; validate.py checks it with a clearer message.
Id = Annotated[str, StringConstraints(min_length=1, strict=True), Field(json_schema_extra={"pattern": ID_PATTERN})]
DateValue = date | StrictInt | Text
LANGUAGE_TAG = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*"
"""The shape of a language tag as `site.language` should have it (BCP 47: `en`, `pt-BR`, `zh-Hant`): a
two- or three-letter language code first (BCP 47 also allows five to eight letters, of which none is
registered, and "English" would pass)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


# A number as YAML read it, with the characters it was written as (first, so that pydantic keeps
# them: a plain int or float in their place would lose `3.000` to 3.0).
Number = InstanceOf[WrittenInt] | InstanceOf[WrittenFloat] | StrictInt | StrictFloat
Tolerance = Annotated[StrictFloat | StrictInt, Field(ge=0, lt=1)]


class RangeValue(_Strict):
    """A figure given as its two ends; a missing end is unbounded."""

    low: Number | Text | None = None
    """A number, or a string of digits grouped as in a phrase ("140,000"); none for no lower end."""
    high: Number | Text | None = None
    """Likewise; none for no upper end."""


Value = Number | Text | RangeValue


class PoliciesSpec(_Strict):
    """Narrative pages of `content/`, by name, that state the desk's policies."""

    methodology: Text | None = None
    """How the desk works: how it chooses claims, reads figures and gives verdicts."""
    corrections: Text | None = None
    """How the desk corrects what it published."""
    ownership: Text | None = None
    """Who owns and funds the desk."""


class SiteSpec(_Strict):
    title: Text
    base_url: Text | None = None
    language: Text = "en"
    description: Text | None = None
    tolerance: Tolerance = 0.10
    raw_html: StrictBool = False
    """Keep raw HTML written in notes and pages. Only for desks whose every editor is trusted."""
    policies: PoliciesSpec | None = None
    """The pages that state the desk's methodology, corrections policy, and ownership and funding."""


class SourceSpec(_Strict):
    outlet: Text | None = None
    """Who published it; left out when the article does not say (its pages then say "outlet unknown")."""
    title: Text
    url: Text | None = None
    published: DateValue | None = None
    author: Text | None = None
    text: Text | None = None


class CanonicalSpec(_Strict):
    value: Value
    """The figure the desk stands behind: a number, a phrase such as 'about 11,000', or {low, high}."""
    as_of: DateValue | None = None
    """The date the figure describes: YYYY, YYYY-MM or YYYY-MM-DD."""
    according_to: Text | None = None
    """Who originated the figure."""
    source: Id | None = None
    """The id of the source it was taken from."""


class VariantSpec(_Strict):
    source: Id
    """The id of the source that reported this figure."""
    value: Value
    """The figure as the source wrote it: a number, a phrase such as 'up to 12,000', or {low, high}."""
    unit: Text | None = None
    """Defaults to the claim's unit."""
    as_of: DateValue | None = None
    """The date the figure describes; defaults to the source's publication date."""
    according_to: Text | None = None
    """Who the source says originated the figure."""
    quote: Text | None = None
    """The source's own words, checked against its archived text."""
    written: InstanceOf[WrittenInt] | InstanceOf[WrittenFloat] | Text | None = None
    """The source's own words for the figure ('two-thirds of these troops') when `value` is the desk's reading
    of them."""
    verdict: EditorialVerdict | None = None
    """An editor's verdict; needs a note."""
    note: Text | None = None
    """Markdown shown beside the variant."""


class CorrectionSpec(_Strict):
    """Why the desk corrected a claim, for its readers (beyond the shared contract)."""

    date: DateValue
    """The day of the correction, YYYY-MM-DD: the day of the commit that made it."""
    note: Text
    """Markdown: what was wrong and why it changed."""


class ClaimSpec(_Strict):
    id: Id
    title: Text
    topic: Text | None = None
    unit: Text | None = None
    kind: Literal["number", "text"] = "number"
    tolerance: Tolerance | None = None
    """How far 'about X' reaches either side of X in this claim (overrides site.tolerance)."""
    canonical: CanonicalSpec
    note: Text | None = None
    related: list[Id] = []
    variants: list[VariantSpec] = []
    corrections: list[CorrectionSpec] = []
    """The reasons for corrections of this claim's canonical figure or verdicts, by day."""


class IncludedFileSpec(_Strict):
    """A file listed under `include:`: more claims, and optionally sources."""

    sources: dict[Id, SourceSpec] = {}
    claims: list[ClaimSpec]


class OriginatorSpec(_Strict):
    """What the desk says of one originator of figures (an `according_to`, or an outlet)."""

    description: Text | None = None
    """Who it is, in a sentence, shown on its page."""
    url: Text | None = None
    """Its own site; http or https."""
    party: StrictBool = False
    """Whether it is a party to the events it reports on (for example a government at war): its figures are
    marked on every page, and a reader may hide them."""


class ClaimsFileSpec(_Strict):
    """`claims.yaml`: the site settings, the sources and the claims."""

    site: SiteSpec
    include: list[Text] = []
    sources: dict[Id, SourceSpec] = {}
    claims: list[ClaimSpec] = []
    originators: dict[Text, OriginatorSpec] = {}
    """Originators by name, as `according_to` or `outlet` writes them (an extension of the shared contract)."""


class FrontMatterSpec(_Strict):
    """The YAML between `---` lines at the top of a narrative page."""

    title: Text
    order: StrictInt | StrictFloat | None = None


def json_schema() -> dict[str, object]:
    """The JSON Schema of `claims.yaml`, from the models above, for editors' YAML language servers."""
    schema = ClaimsFileSpec.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "claims.schema.json",
        "title": "factsheet claims.yaml",
        "description": "The site settings, the sources and the claims of a factsheet desk.",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


def json_schema_bytes() -> bytes:
    import json

    return (json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

"""The validated site: what editors wrote, with every figure read and every reference resolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from builder.check.dates import Period
from builder.check.interval import Interval
from builder.check.names import folded
from builder.check.quotes import ArchivedText, Passage
from builder.check.units import Unit
from builder.problems import Where
from builder.verdicts import EditorialVerdict

Kind = Literal["number", "text"]
SHORT_TITLE_WORDS = 6
"""How many words of its title name a source whose outlet is unknown."""


@dataclass(frozen=True)
class Policies:
    """The narrative pages (by name) that state the desk's policies, as fact-checkers' codes ask (IFCN
    principles 2-4): linked from every page's footer and named in the site's structured data."""

    methodology: str | None = None
    corrections: str | None = None
    ownership: str | None = None
    """Who owns and funds the desk."""

    @property
    def pages(self) -> tuple[str, ...]:
        """The names of the pages it gives, methodology first: those linked from the footer, not the header."""
        return tuple(name for name in (self.methodology, self.corrections, self.ownership) if name is not None)


@dataclass(frozen=True)
class Settings:
    title: str
    base_url: str | None
    language: str
    description: str | None
    tolerance: float
    raw_html: bool = False
    """Whether raw HTML in notes and pages is kept (trusted desks only); archived texts never keep it."""
    policies: Policies = Policies()


@dataclass(frozen=True)
class Source:
    """One article or document that reported figures."""

    id: str
    outlet: str | None
    """Who published it; None when the article does not say (no outlet page, "outlet unknown")."""
    title: str
    url: str | None
    published: Period | None
    author: str | None
    text: ArchivedText | None
    location: Where = field(compare=False)

    @property
    def name(self) -> str:
        """What the source is called where space is short: its outlet, or, when the outlet is unknown, the first
        words of its title ("North Korea sent about 3,000 more…"), never its id."""
        if self.outlet is not None:
            return self.outlet
        words = self.title.split()
        return " ".join(words) if len(words) <= SHORT_TITLE_WORDS else " ".join(words[:SHORT_TITLE_WORDS]) + "…"


@dataclass(frozen=True)
class Figure:
    """A figure as written, and what it stands for."""

    written: str
    """The value as the editor wrote it ("about 11,000"): the figure the interval is of."""
    words: str | None
    """The source's own words (`written:`) when `written` is the desk's reading of them ("two-thirds of
    these troops" read as "about 2,700"); None when the source states the figure itself."""
    raw: Any
    """The YAML value itself, for `claims.json`."""
    interval: Interval | None
    """In the figure's own unit; None for text."""
    text: str | None
    """The text of a figure of a `kind: text` claim."""
    unit: Unit | None
    as_of: Period | None
    according_to: str | None
    location: Where = field(compare=False)
    bounded: bool = True
    """Whether both ends of its interval are numbers it states (`values.Reading.bounded`)."""

    @property
    def as_written(self) -> str:
        """The figure as its source wrote it: its own words where the desk read a figure from them."""
        return self.words if self.words is not None else self.written

    @property
    def derived(self) -> bool:
        """Whether the figure is the desk's reading of the source's words rather than the source's own figure."""
        return self.words is not None


def originator_of(figure: Figure, source: Source | None) -> str | None:
    """Who a figure goes back to, as the contract says: its `according_to`, else its source's outlet; None when
    it is unattributed (the canonical figure, whose source is the desk's choice, by its `according_to` alone)."""
    if figure.according_to:
        return figure.according_to
    return source.outlet if source is not None else None


@dataclass(frozen=True)
class Originator:
    """What the desk says of an originator (`originators:` in claims.yaml), by its name as written there."""

    name: str
    description: str | None
    url: str | None
    party: bool
    """Whether it is a party to the events it reports on (a government at war): its figures are marked."""
    location: Where = field(compare=False)


@dataclass(frozen=True)
class Canonical:
    figure: Figure
    source_id: str | None


@dataclass(frozen=True)
class Variant:
    """What one source reported for a claim."""

    index: int
    source_id: str
    figure: Figure
    quote: str | None
    passage: Passage | None
    """Where the quote stands in the source's archived text, when it has one."""
    verdict: EditorialVerdict | None
    note: str | None
    location: Where = field(compare=False)


@dataclass(frozen=True)
class CorrectionNote:
    """An editor's reason for a correction of a claim, for readers; matched to the change in git by its day."""

    day: date
    note: str
    location: Where = field(compare=False)


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    topic: str | None
    unit: Unit | None
    kind: Kind
    tolerance: float
    """How far "about X" reaches either side of X for this claim's figures (its own, else the site's)."""
    canonical: Canonical
    note: str | None
    related: tuple[str, ...]
    variants: tuple[Variant, ...]
    location: Where = field(compare=False)
    corrections: tuple[CorrectionNote, ...] = ()


@dataclass(frozen=True)
class Page:
    """A narrative page of `content/`."""

    name: str
    title: str
    order: float | None
    markdown: str
    location: Where = field(compare=False)


@dataclass(frozen=True)
class FigureChange:
    """A commit that changed what the desk states of a claim: its canonical figure or an editor's verdict
    (or the commit that first stated them)."""

    value: str
    """The canonical value as written in that commit."""
    time: str
    """The committer date, ISO 8601 in UTC ("2025-03-27T09:30:00Z")."""
    subject: str
    commit: str
    """The commit's hash, abbreviated to 7 characters."""
    verdicts: tuple[str, ...] = ()
    """Each variant's source in that commit, with the editors' verdict after `: ` where it has one, sorted."""

    @property
    def date(self) -> str:
        return self.time[:10]


@dataclass(frozen=True)
class ClaimHistory:
    """What a claim stated over git, oldest first: each change of its canonical figure or an editor's verdict."""

    changes: tuple[FigureChange, ...]

    @property
    def last(self) -> FigureChange:
        return self.changes[-1]

    @cached_property
    def figures(self) -> tuple[FigureChange, ...]:
        """The changes that gave the canonical figure a new value (and the first), oldest first."""
        found: list[FigureChange] = []
        for change in self.changes:
            if not found or found[-1].value != change.value:
                found.append(change)
        return tuple(found)

    def earlier(self, written: str) -> tuple[FigureChange, ...]:
        """The figures before `written`, newest first (all of them when `written` is not committed yet)."""
        figures = self.figures
        before = figures if figures[-1].value != written else figures[:-1]
        return tuple(reversed(before))


@dataclass(frozen=True)
class RemovedClaim:
    """A claim that was in the desk's history and is no longer in its files."""

    id: str
    title: str
    last: FigureChange
    """What it stated last, and when."""
    removal: FigureChange
    """The commit that removed it (its value is the last value)."""


@dataclass(frozen=True)
class Site:
    root: Path
    settings: Settings
    sources: dict[str, Source]
    claims: tuple[Claim, ...]
    pages: tuple[Page, ...]
    template_dir: Path | None = None
    claim_files: tuple[str, ...] = field(default=())
    history: dict[str, ClaimHistory] = field(default_factory=dict)
    """What each claim stated over the git history, by claim id; empty outside git."""
    removed: tuple[RemovedClaim, ...] = ()
    """The claims the history has and the files no longer do, the last removed first."""
    history_read: bool = False
    """Whether the git history was read: False outside git, in a shallow clone, or when git failed, so
    that nothing built from the history (corrections) can look complete without it."""
    originators: dict[str, Originator] = field(default_factory=dict)
    """The originators the desk describes (`originators:`), by their folded name (`names.folded`)."""

    @cached_property
    def has_parties(self) -> bool:
        """Whether any originator is a party: a page of a desk without one need not ask of each figure."""
        return any(declared.party for declared in self.originators.values())

    def originator(self, name: str | None) -> Originator | None:
        """What the desk says of the originator `name` (folded as every name is), or None."""
        if name is None or not self.originators:
            return None
        return self.originators.get(folded(name))

    def party(self, name: str | None) -> bool:
        """Whether the originator `name` is a party to the events it reports on: the one rule of a party's
        figure, which every page, chart and export marks."""
        declared = self.originator(name)
        return declared is not None and declared.party

    @cached_property
    def claim_places(self) -> dict[str, Where]:
        """Where each claim stands, by its id: made once for the saves of one claim that `serve` checks
        against this site, rather than on each save."""
        return {claim.id: claim.location for claim in self.claims}

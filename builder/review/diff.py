"""What changed between two versions of a site: claims, variants, verdicts, statuses, sources, pages.

Pure: two analyses (and, for the pages, two sets of rendered outputs) in, a
typed `SiteDiff` out. Reading revisions out of git is `revisions.py`;
telling the difference as text, Markdown or JSON is `diffreport.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from builder.analyse.analysis import Analysis, ClaimAnalysis, VariantAnalysis
from builder.check.interval import Interval
from builder.check.model import Claim, Figure, Settings, Source
from builder.problems import Problem
from builder.render import urls
from builder.render.formatting import figure_with_unit, variant_deviation
from builder.review.explain import explain

Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Revision:
    """One side of a comparison: a commit, or the working tree."""

    label: str
    """As the user named it ("HEAD", "main", "working tree")."""
    commit: str | None
    """The full hash; None for the working tree."""
    subject: str | None
    state: Literal["valid", "invalid", "absent"]
    """`absent`: no claims.yaml at that revision, compared as an empty site."""
    problems: tuple[Problem, ...] = ()
    """The errors that make an `invalid` revision invalid."""
    desk: str | None = None
    """Where the desk was in the repository at that revision ("old/desk/", "" for the top), when it has moved
    since: its claims are compared with the desk's as they are now, not counted as all removed and added."""

    @property
    def name(self) -> str:
        """The label and short hash, as in `HEAD (1a2b3c4)`, or `working tree`; and where the desk was, if elsewhere."""
        name = f"{self.label} ({self.commit[:7]})" if self.commit and self.commit[:7] != self.label else self.label
        if self.desk is not None:
            name += f", the desk then at {self.desk or 'the top of the repository'}"
        return name


@dataclass(frozen=True)
class FigureState:
    """A figure as readers see it: as written with its unit, and the interval it stands for."""

    text: str
    interval: Interval | None


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class VariantState:
    figure: FigureState
    verdict: str
    deviation: float | None
    deviation_shown: str
    """The deviation as pages show it (`formatting.variant_deviation`): "+9%", or "above" for an open-ended one."""


@dataclass(frozen=True)
class VariantDiff:
    change: Literal["added", "removed", "changed", "verdict"]
    """`verdict`: the editors did not touch the variant, but its verdict moved (the canonical figure did)."""
    source: str
    label: str
    """Its outlet, or outlet and source id where one claim has several variants of an outlet."""
    old: VariantState | None
    new: VariantState | None
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class ClaimDiff:
    change: Literal["added", "removed", "renamed", "changed"]
    id: str
    title: str
    old_id: str | None = None
    """The id before a rename."""
    old_figure: FigureState | None = None
    new_figure: FigureState | None = None
    """Both set when the canonical figure changed; one of them for an added or removed claim."""
    fields: tuple[FieldChange, ...] = ()
    variants: tuple[VariantDiff, ...] = ()
    old_status: str | None = None
    new_status: str | None = None
    explanation: str | None = None
    """Why the status changed, in a sentence ("now disputed: the Reuters figure no longer matches")."""

    @property
    def figure_changed(self) -> bool:
        return self.old_figure is not None and self.new_figure is not None

    @property
    def status_changed(self) -> bool:
        return self.old_status is not None and self.new_status is not None and self.old_status != self.new_status

    @property
    def verdicts_changed(self) -> int:
        return sum(v.old is not None and v.new is not None and v.old.verdict != v.new.verdict for v in self.variants)


@dataclass(frozen=True)
class SourceDiff:
    change: Change
    id: str
    outlet: str | None
    title: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class PageDiff:
    url: str
    """The page's URL within the site ("claims/troops-total/", "" for the home page)."""
    change: Change


@dataclass(frozen=True)
class SiteDiff:
    base: Revision
    head: Revision
    settings: tuple[FieldChange, ...] = ()
    claims: tuple[ClaimDiff, ...] = ()
    sources: tuple[SourceDiff, ...] = ()
    pages: tuple[PageDiff, ...] = ()
    base_url: str | None = None
    """Where the pages are published (or previewed), to link them."""

    @property
    def comparable(self) -> bool:
        return self.base.state != "invalid" and self.head.state != "invalid"


# -- claims ------------------------------------------------------------------------------


def compare(base: Analysis | None, head: Analysis | None) -> tuple[tuple[ClaimDiff, ...], tuple[SourceDiff, ...]]:
    """The claims and sources that differ; None stands for a site with neither."""
    old = base.by_id if base else {}
    new = head.by_id if head else {}
    diffs = [d for i in old.keys() & new.keys() if (d := claim_diff(old[i], new[i])) is not None]
    removed = [i for i in old if i not in new]
    added = [i for i in new if i not in old]
    renames = _renames([old[i].claim for i in removed], [new[i].claim for i in added])
    for old_id, new_id in renames.items():
        renamed = claim_diff(old[old_id], new[new_id]) or ClaimDiff("changed", new_id, new[new_id].claim.title)
        diffs.append(replace(renamed, change="renamed", old_id=old_id))
    diffs += [_whole("removed", old[i]) for i in removed if i not in renames]
    diffs += [_whole("added", new[i]) for i in added if i not in renames.values()]
    order: dict[str, int] = {}
    for claim_id in [*new, *old]:  # the head's order, then removed claims where they stood
        order.setdefault(claim_id, len(order))
    claims = tuple(sorted(diffs, key=lambda d: (order.get(d.id, len(order)), d.id)))
    sources = _sources(base.site.sources if base else {}, head.site.sources if head else {})
    return claims, sources


def claim_diff(old: ClaimAnalysis, new: ClaimAnalysis) -> ClaimDiff | None:
    """How one claim differs between two versions; None when a reader would see no difference."""
    before, after = figure_state(old), figure_state(new)
    fields = _fields(_claim_fields(old.claim), _claim_fields(new.claim))
    variants = _variants(old, new)
    moved = before != after
    status = old.status != new.status
    if not (moved or fields or variants or status):
        return None
    return ClaimDiff(
        "changed",
        new.claim.id,
        new.claim.title,
        old_figure=before if moved else None,
        new_figure=after if moved else None,
        fields=fields,
        variants=variants,
        old_status=old.status,
        new_status=new.status,
        explanation=explain(new.status, variants) if status else None,
    )


def _whole(change: Literal["added", "removed"], analysed: ClaimAnalysis) -> ClaimDiff:
    state = figure_state(analysed)
    return ClaimDiff(
        change,
        analysed.claim.id,
        analysed.claim.title,
        old_figure=state if change == "removed" else None,
        new_figure=state if change == "added" else None,
        old_status=analysed.status if change == "removed" else None,
        new_status=analysed.status if change == "added" else None,
    )


def figure_state(analysed: ClaimAnalysis) -> FigureState:
    return FigureState(figure_with_unit(analysed.claim.canonical.figure, analysed.claim.unit), analysed.interval)


def _claim_fields(claim: Claim) -> dict[str, str | None]:
    canonical = claim.canonical
    return {
        "title": claim.title,
        "topic": claim.topic,
        "unit": claim.unit.text if claim.unit else None,
        "kind": claim.kind,
        "tolerance": f"{claim.tolerance:g}",
        "canonical as of": _period(canonical.figure.as_of),
        "canonical according to": canonical.figure.according_to,
        "canonical source": canonical.source_id,
        "note": claim.note,
        "related": ", ".join(claim.related) or None,
    }


def _period(period: object) -> str | None:
    return str(period) if period is not None else None


def _fields(old: Mapping[str, str | None], new: Mapping[str, str | None]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(name, old.get(name), new.get(name)) for name in new if old.get(name) != new.get(name))


def _signature(claim: Claim) -> tuple[object, ...]:
    """Everything an editor wrote for a claim but its id, to recognise a rename."""
    return (
        tuple(_claim_fields(claim).items()),
        claim.canonical.figure.written,
        tuple((v.source_id, *_variant_fields(v.figure, v.quote, v.verdict, v.note).items()) for v in claim.variants),
    )


def _renames(removed: list[Claim], added: list[Claim]) -> dict[str, str]:
    """Old id to new id, for added claims that are a removed one under a new id, and nothing else."""
    by_signature: dict[tuple[object, ...], list[str]] = {}
    for claim in removed:
        by_signature.setdefault(_signature(claim), []).append(claim.id)
    found = {}
    for claim in added:
        candidates = by_signature.get(_signature(claim), [])
        if len(candidates) == 1:
            found[candidates.pop()] = claim.id
    return found


# -- variants ------------------------------------------------------------------------------


def _variant_fields(figure: Figure, quote: str | None, verdict: str | None, note: str | None) -> dict[str, str | None]:
    return {
        "figure": figure.written,
        "written": figure.words,
        "unit": figure.unit.text if figure.unit else None,
        "as of": _period(figure.as_of),
        "according to": figure.according_to,
        "quote": quote,
        "editorial verdict": verdict,
        "note": note,
    }


def _keyed(analysed: ClaimAnalysis) -> dict[tuple[str, int], VariantAnalysis]:
    """Variants by source and rank among that source's variants, which survives reordering."""
    seen: dict[str, int] = {}
    keyed = {}
    for item in analysed.variants:
        rank = seen[item.source.id] = seen.get(item.source.id, -1) + 1
        keyed[(item.source.id, rank)] = item
    return keyed


def _labels(*claims: ClaimAnalysis) -> dict[str, str]:
    sources: dict[str, set[str]] = {}
    outlet_of = {}
    for analysed in claims:
        for item in analysed.variants:
            name = item.source.name
            sources.setdefault(name, set()).add(item.source.id)
            outlet_of[item.source.id] = name
    return {s: o if len(sources[o]) == 1 else f"{o} ({s})" for s, o in outlet_of.items()}


def _state(item: VariantAnalysis) -> VariantState:
    figure = item.variant.figure
    return VariantState(
        FigureState(figure_with_unit(figure, figure.unit), item.interval),
        item.verdict,
        item.deviation,
        variant_deviation(item),
    )


def _variants(old: ClaimAnalysis, new: ClaimAnalysis) -> tuple[VariantDiff, ...]:
    before, after = _keyed(old), _keyed(new)
    labels = _labels(old, new)
    diffs = []
    for key in [*after, *(k for k in before if k not in after)]:
        source, label = key[0], labels[key[0]]
        if key not in before:
            diffs.append(VariantDiff("added", source, label, None, _state(after[key])))
            continue
        if key not in after:
            diffs.append(VariantDiff("removed", source, label, _state(before[key]), None))
            continue
        a, b = before[key], after[key]
        fields = _fields(
            _variant_fields(a.variant.figure, a.variant.quote, a.variant.verdict, a.variant.note),
            _variant_fields(b.variant.figure, b.variant.quote, b.variant.verdict, b.variant.note),
        )
        if fields or a.verdict != b.verdict:
            diffs.append(VariantDiff("changed" if fields else "verdict", source, label, _state(a), _state(b), fields))
    return tuple(diffs)


# -- sources, settings, pages ------------------------------------------------------------


def _source_fields(source: Source) -> dict[str, str | None]:
    return {
        "outlet": source.outlet,
        "title": source.title,
        "url": source.url,
        "published": _period(source.published),
        "author": source.author,
        "archived text": source.text.path if source.text else None,
    }


def _sources(old: Mapping[str, Source], new: Mapping[str, Source]) -> tuple[SourceDiff, ...]:
    diffs = []
    for source_id in sorted(old.keys() | new.keys()):
        a, b = old.get(source_id), new.get(source_id)
        if a is None or b is None:
            there = b or a
            assert there is not None
            diffs.append(SourceDiff("added" if a is None else "removed", source_id, there.outlet, there.title))
            continue
        fields = list(_fields(_source_fields(a), _source_fields(b)))
        if a.text and b.text and a.text.path == b.text.path and a.text.markdown != b.text.markdown:
            fields.append(FieldChange("archived text", "edited", "edited"))
        if fields:
            diffs.append(SourceDiff("changed", source_id, b.outlet, b.title, tuple(fields)))
    return tuple(diffs)


def settings_diff(old: Settings | None, new: Settings | None) -> tuple[FieldChange, ...]:
    def fields(settings: Settings | None) -> dict[str, str | None]:
        if settings is None:
            return {}
        return {
            "title": settings.title,
            "base_url": settings.base_url,
            "language": settings.language,
            "description": settings.description,
            "tolerance": f"{settings.tolerance:g}",
        }

    if old is None or new is None:
        return ()
    return _fields(fields(old), fields(new))


def page_diff(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> tuple[PageDiff, ...]:
    """Every page (and claims.json) whose bytes differ: exactly what a reader would see change."""
    pages = []
    for path in sorted(old.keys() | new.keys()):
        if not (path.endswith(".html") or path == urls.CLAIMS_JSON) or old.get(path) == new.get(path):
            continue
        change: Change = "added" if path not in old else "removed" if path not in new else "changed"
        pages.append(PageDiff(path.removesuffix("index.html"), change))
    return tuple(sorted(pages, key=lambda p: (p.url != "", p.url)))

"""Stage 3: each variant compared with its canonical figure; each claim given a status.

Pure: a function of the validated model, with no I/O, so that it can be
tested with inline data and rerun for any part of a site.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from builder.analyse import corrections
from builder.analyse.corrections import Correction
from builder.check.dates import Period
from builder.check.interval import INF, Interval
from builder.check.model import Claim, ClaimHistory, Figure, Site, Source, Variant, originator_of
from builder.check.names import folded
from builder.check.units import Unit, convert, mismatch
from builder.verdicts import DISAGREEING, Status, Verdict, claim_status

Position = Literal["above", "below", "within", "overlaps"]
"""Where a figure's interval lies against the canonical one: wholly above or below it, inside it, or across
one of its ends (or around it)."""


# Rounding in a conversion (882 ft 9 in against 269.1 m) is not a disagreement.
CONVERSION_SLACK = 0.005

_DASHES = re.compile("[\u002d\u2010-\u2015\u2212]")


@dataclass(frozen=True)
class Comparison:
    """A verdict on one figure against another."""

    verdict: Verdict
    deviation: float | None
    interval: Interval | None
    """The compared figure in the claim's unit; None for text or another dimension."""
    converted: bool
    """Whether the figure was converted from another physical unit."""
    position: Position | None = None
    gap: float | None = None
    """How far apart the two intervals are, relative to the canonical figure (`gap`); None when not compared."""
    bounded: bool = False
    """Whether both figures state both their ends, so that `deviation`, from their middles, means something."""


@dataclass(frozen=True)
class VariantAnalysis:
    claim_id: str
    variant: Variant
    source: Source
    verdict: Verdict
    computed: Verdict
    """The verdict the figures alone give, before any editorial verdict."""
    deviation: float | None
    interval: Interval | None
    converted: bool
    dated: Period | None
    originator: str | None
    """Who the figure goes back to: its `according_to`, else its source's outlet; None when unattributed."""
    position: Position | None = None
    """Where its interval lies against the canonical one; None when not compared."""
    gap: float | None = None
    """The distance between its interval and the canonical one, relative to the canonical figure (0 when they
    overlap): what the discrepancies are ranked by, since it needs no middle of an open-ended figure."""
    bounded: bool = False
    """Whether it and the canonical figure both state both ends: only then is `deviation` shown as a percentage."""
    party: bool = False
    """Whether its originator is a party to the events it reports on (`Site.party`): marked wherever it is shown."""


@dataclass(frozen=True)
class ClaimAnalysis:
    claim: Claim
    interval: Interval | None
    """The canonical figure in the claim's unit."""
    dated: Period | None
    variants: tuple[VariantAnalysis, ...]
    status: Status
    originators: tuple[str, ...]
    """The distinct named origins behind the variants, in first-seen order (names folded as `names.folded`)."""
    unattributed: int
    """Variants with neither `according_to` nor a known outlet: counted apart, never as one originator."""
    related: tuple[str, ...]
    """Related claims in both directions."""
    history: ClaimHistory | None = None
    """What it stated over the git history, when the site is in git."""
    corrections: tuple[Correction, ...] = ()
    """Its corrections, the newest first (`corrections.py`)."""
    canonical_party: bool = False
    """Whether the canonical figure's originator (its `according_to`) is a party to the events (`Site.party`)."""
    parties: tuple[str, ...] = ()
    """Those of its `originators` that are parties to the events, as `originators` names them."""

    @property
    def party_figures(self) -> int:
        """How many of its figures are a party's: what a reader who hides them no longer sees."""
        return sum(item.party for item in self.variants)

    def count(self, verdicts: Iterable[str]) -> int:
        wanted = set(verdicts)
        return sum(v.verdict in wanted for v in self.variants)


@dataclass(frozen=True)
class Analysis:
    site: Site
    claims: tuple[ClaimAnalysis, ...]
    by_id: dict[str, ClaimAnalysis]
    by_topic: dict[str, tuple[ClaimAnalysis, ...]]
    by_source: dict[str, tuple[VariantAnalysis, ...]]
    canonical_from: dict[str, tuple[str, ...]]
    """Claim ids whose canonical figure was taken from each source."""
    by_outlet: dict[str, tuple[Source, ...]]
    """The sources of each named outlet, by the outlet's name as first written (names folded as `names.folded`)."""
    by_originator: dict[str, tuple[VariantAnalysis, ...]]
    """The figures attributed to each originator (`according_to`), by its name as first written."""
    discrepancies: tuple[VariantAnalysis, ...]
    corrections: tuple[Correction, ...] = ()
    """Every correction of the desk, the newest first, with the claims it removed."""


def fold_text(text: str) -> str:
    """How text figures are compared: case, runs of white space and dashes folded."""
    return " ".join(_DASHES.sub("-", text).casefold().split())


def deviation(figure: Interval, canonical: Interval) -> float | None:
    """(mid(figure) - mid(canonical)) / mid(canonical), or None where undefined."""
    figure_mid, canonical_mid = figure.mid, canonical.mid
    if figure_mid is None or canonical_mid is None or canonical_mid == 0:
        return None
    return (figure_mid - canonical_mid) / canonical_mid


def position(figure: Interval, canonical: Interval) -> Position:
    """Where `figure` lies against `canonical`."""
    if not figure.overlaps(canonical):
        return "above" if figure.low >= canonical.high else "below"
    inside_low = figure.low > canonical.low or (
        figure.low == canonical.low and (figure.low_open or not canonical.low_open)
    )
    inside_high = figure.high < canonical.high or (
        figure.high == canonical.high and (figure.high_open or not canonical.high_open)
    )
    return "within" if inside_low and inside_high else "overlaps"


def gap(figure: Interval, canonical: Interval) -> float:
    """The distance between the two intervals (0 when they overlap), relative to the size of the canonical
    figure's nearer end (or, that end being 0 or unbounded, to its other end, else taken as 1)."""
    if figure.overlaps(canonical):
        return 0.0
    above = figure.low >= canonical.high
    distance = figure.low - canonical.high if above else canonical.low - figure.high
    nearer, farther = (canonical.high, canonical.low) if above else (canonical.low, canonical.high)
    size = next((abs(end) for end in (nearer, farther) if end != 0 and not math.isinf(end)), 1.0)
    return distance / size


def in_unit(figure: Figure, target: Unit | None) -> tuple[Interval | None, bool] | None:
    """The figure's interval in `target`, whether it was converted; None when it cannot be."""
    if figure.interval is None:
        return None
    return interval_in_unit(figure.interval, figure.unit, target)


def interval_in_unit(interval: Interval, unit: Unit | None, target: Unit | None) -> tuple[Interval, bool] | None:
    """An interval in `unit` as it is in `target`, whether it was converted; None when it cannot be."""
    if mismatch(unit, target) is not None:
        return None
    if unit is None or target is None or unit.text == target.text or not (unit.physical and target.physical):
        return interval, False  # count nouns are labels

    def end(value: float) -> float:
        return value if math.isinf(value) else convert(value, unit, target)

    return Interval.make(end(interval.low), end(interval.high), interval.low_open, interval.high_open), True


def compare(
    canonical: Figure,
    figure: Figure,
    unit: Unit | None,
    canonical_dated: Period | None,
    dated: Period | None,
) -> Comparison:
    """The verdict and deviation of one figure against the canonical figure of its claim."""
    earlier = canonical_dated is not None and dated is not None and dated.earlier_than(canonical_dated)
    if canonical.text is not None:
        if figure.text is None:
            return Comparison("incomparable", None, None, False)
        same = fold_text(figure.text) == fold_text(canonical.text)
        return Comparison("matches" if same else "outdated" if earlier else "differs", None, None, False)
    canonical_in = in_unit(canonical, unit)
    figure_in = in_unit(figure, unit)
    if figure.text is not None or canonical_in is None or figure_in is None:
        return Comparison("incomparable", None, None, False)
    reference, _ = canonical_in
    interval, converted = figure_in
    assert reference is not None and interval is not None
    if not converted and interval.same_as(reference):
        verdict: Verdict = "matches"
    elif (interval.widened(CONVERSION_SLACK) if converted else interval).overlaps(reference):
        verdict = "consistent"
    else:
        verdict = "outdated" if earlier else "differs"
    return Comparison(
        verdict,
        deviation(interval, reference),
        interval,
        converted,
        position(interval, reference),
        gap(interval, reference),
        figure.bounded and canonical.bounded,
    )


def _analyse_claim(claim: Claim, site: Site, related: tuple[str, ...]) -> ClaimAnalysis:
    canonical = claim.canonical
    canonical_source = site.sources.get(canonical.source_id or "")
    canonical_dated = canonical.figure.as_of or (canonical_source.published if canonical_source else None)
    unit = claim.unit or canonical.figure.unit
    reference = in_unit(canonical.figure, unit)
    variants = []
    origins: dict[str, str] = {}
    parties: dict[str, None] = {}  # the originators that are parties, as `origins` names them, in its order
    unattributed = 0
    for variant in claim.variants:
        source = site.sources[variant.source_id]
        dated = variant.figure.as_of or source.published
        result = compare(canonical.figure, variant.figure, unit, canonical_dated, dated)
        originator = originator_of(variant.figure, source)
        party = site.party(originator)
        if originator is None:
            unattributed += 1
        else:
            named = origins.setdefault(folded(originator), originator)
            if party:
                parties[named] = None
        variants.append(
            VariantAnalysis(
                claim_id=claim.id,
                variant=variant,
                source=source,
                verdict=variant.verdict or result.verdict,
                computed=result.verdict,
                deviation=result.deviation,
                interval=result.interval,
                converted=result.converted,
                dated=dated,
                originator=originator,
                position=result.position,
                gap=result.gap,
                bounded=result.bounded,
                party=party,
            )
        )
    return ClaimAnalysis(
        claim=claim,
        interval=reference[0] if reference else None,
        dated=canonical_dated,
        variants=tuple(variants),
        status=claim_status([v.verdict for v in variants]),
        originators=tuple(origins.values()),
        unattributed=unattributed,
        related=related,
        history=site.history.get(claim.id),
        corrections=corrections.of_claim(claim, site.history.get(claim.id)),
        canonical_party=site.party(originator_of(canonical.figure, None)),
        parties=tuple(parties),
    )


def reanalysed(analysis: Analysis, claim: Claim) -> ClaimAnalysis:
    """The analysis of an edited claim within an otherwise unchanged analysis (its related claims as before)."""
    return _analyse_claim(claim, analysis.site, analysis.by_id[claim.id].related)


def _related(claims: tuple[Claim, ...]) -> dict[str, tuple[str, ...]]:
    links: dict[str, list[str]] = {c.id: list(c.related) for c in claims}
    for claim in claims:
        for other in claim.related:
            if claim.id not in links.get(other, [claim.id]):
                links[other].append(claim.id)
    return {claim_id: tuple(ids) for claim_id, ids in links.items()}


def _discrepancy_order(item: VariantAnalysis) -> tuple[float, float, str, int]:
    """The largest gap between the intervals first (then the largest deviation, for figures that touch)."""
    size = item.gap if item.gap is not None else -INF
    deviation = abs(item.deviation) if item.deviation is not None else -INF
    return (-size, -deviation, item.claim_id, item.variant.index)


def analyse(site: Site) -> Analysis:
    """Every verdict, status and index the pages need, computed once."""
    related = _related(site.claims)
    return _indexed(site, tuple(_analyse_claim(c, site, related[c.id]) for c in site.claims))


def with_edited_claim(analysis: Analysis, site: Site, analysed: ClaimAnalysis) -> Analysis:
    """The analysis of `site`: `analysis.site` with one claim edited where it stands (its id, sources,
    originators and related claims as they were), whose analysis is `analysed` (`reanalysed`). Every
    other claim's analysis is kept: it is made of that claim, the sources, its related claims and the
    history alone, none of which the edit changed (and a page whose parts are the same objects is
    told unchanged at once)."""
    edited = analysed.claim.id
    return _indexed(site, tuple(analysed if c.claim.id == edited else c for c in analysis.claims))


def _indexed(site: Site, claims: tuple[ClaimAnalysis, ...]) -> Analysis:
    """The analysis of `site` whose claims' analyses are `claims`, with its indexes."""
    by_topic: dict[str, list[ClaimAnalysis]] = defaultdict(list)
    by_source: dict[str, list[VariantAnalysis]] = defaultdict(list)
    canonical_from: dict[str, list[str]] = defaultdict(list)
    by_originator: dict[str, list[VariantAnalysis]] = defaultdict(list)
    originator_names: dict[str, str] = {}
    for analysed in claims:
        if analysed.claim.topic:
            by_topic[analysed.claim.topic].append(analysed)
        if analysed.claim.canonical.source_id:
            canonical_from[analysed.claim.canonical.source_id].append(analysed.claim.id)
        for item in analysed.variants:
            by_source[item.source.id].append(item)
            named = item.variant.figure.according_to
            if named:
                by_originator[originator_names.setdefault(folded(named), named)].append(item)
    by_outlet: dict[str, list[Source]] = defaultdict(list)
    outlet_names: dict[str, str] = {}
    for source in site.sources.values():
        if source.outlet is not None:
            by_outlet[outlet_names.setdefault(folded(source.outlet), source.outlet)].append(source)
    disagreements = [v for c in claims for v in c.variants if v.verdict in DISAGREEING]
    return Analysis(
        site=site,
        claims=claims,
        by_id={c.claim.id: c for c in claims},
        by_topic={k: tuple(v) for k, v in sorted(by_topic.items())},
        by_source={k: tuple(v) for k, v in by_source.items()},
        canonical_from={k: tuple(v) for k, v in canonical_from.items()},
        by_outlet={k: tuple(v) for k, v in sorted(by_outlet.items())},
        by_originator={k: tuple(v) for k, v in sorted(by_originator.items(), key=lambda kv: kv[0].casefold())},
        discrepancies=tuple(sorted(disagreements, key=_discrepancy_order)),
        corrections=corrections.of_site(site, (c.corrections for c in claims)),
    )

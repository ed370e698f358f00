"""Stage 2: check what was read and turn it into the typed model of `model`.

Every problem is recorded with its place; validation goes on past a bad item
so that one run reports all of them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from builder.check import schema
from builder.check.figures import FigureChecks, text_as_written
from builder.check.model import Canonical, Claim, Site, Source, Variant
from builder.check.originatorchecks import OriginatorChecks
from builder.check.pagechecks import PageChecks
from builder.check.quotes import archive, closest_passage, find_quote
from builder.check.shapes import (
    check_shape,
    suggest,
)
from builder.check.sitechecks import SiteChecks
from builder.check.units import Unit, classify
from builder.problems import Location, Problems, Where
from builder.read.load import SOURCES_DIR, LoadedSite
from builder.read.yamlwhole import Key, Place, YamlDocument

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_ID_LENGTH = 100
"""An id is a folder name; file systems take 255 bytes at most."""


class _Validator(FigureChecks, PageChecks, SiteChecks, OriginatorChecks):
    def __init__(self, loaded: LoadedSite, problems: Problems, let_go: bool = False) -> None:
        self.loaded = loaded
        self.problems = problems
        self.let_go = let_go
        """Whether each claim's data, as read, is let go of once the claim is checked (see `validate`)."""
        self.tolerance = 0.10
        self.sources: dict[str, Source] = {}
        self.source_at: dict[str, Where] = {}
        self.claim_at: dict[str, Where] = {}
        self.broken_ids: set[str] = set()
        self.notes: list[tuple[str, Where]] = []
        """Notes of claims and variants, whose [[claim]] references are checked once every claim is known."""
        self.named: dict[str, list[tuple[str, Where]]] = {"topic": [], "outlet": [], "originator": []}
        """Topic, outlet and originator names where they were written: each becomes a URL."""

    # -- files -------------------------------------------------------------

    def run(self) -> Site | None:
        doc = self.loaded.claims
        if doc is None:
            return None
        if not isinstance(doc.data, dict) or not doc.data:
            kind = "empty" if not doc.data else "not a mapping"
            self.problems.error(Location(doc.path), f"{doc.path} is {kind}; it needs at least 'site:' with a 'title:'")
            return None
        top = check_shape(_Top, {k: None for k in doc.data}, doc, (), doc.path, self.problems)
        if "include" in doc.data:
            check_shape(_Include, {"include": doc.data["include"]}, doc, (), doc.path, self.problems)
        site = doc.data.get("site")
        settings = self.settings(doc)
        if settings is not None:
            self.tolerance = settings.tolerance
        self.language = settings.language if settings is not None else _written_language(site)
        originators = self.originators(doc)
        # Every file's sources first, as a claim may cite a source of any file; then each claim
        # checked in turn, its checked shape let go once it is a claim (a large desk's would
        # otherwise all be held at once, beside the data they are read from and the claims).
        claim_data: list[tuple[YamlDocument, int, Any]] = []
        for file_doc in [doc, *self.loaded.included]:
            claim_data.extend(self.file(file_doc, included=file_doc is not doc))
        claims: list[Claim] = []
        related: list[tuple[YamlDocument, int, str, list[str]]] = []
        claim_data.reverse()  # taken from the end, in the claims' order, each let go of once checked
        while claim_data:
            claim_doc, index, data = claim_data.pop()
            if self.let_go:
                claim_doc.data["claims"][index] = None
            spec = self.claim_spec(claim_doc, index, data)
            if spec is None:
                continue
            related.append((claim_doc, index, spec.id, spec.related))
            if (claim := self.claim(claim_doc, index, spec)) is not None:
                claims.append(claim)
        self.unclaimed_texts()
        self.check_notes()
        self.related(related)
        pages = self.pages()
        settings = self.with_policies(settings, pages) if settings is not None else None
        self.unknown_originators(originators, claims)
        if settings is None or top is None or site is None or self.problems.has_errors:
            return None
        return Site(
            root=self.loaded.root,
            settings=settings,
            sources=dict(sorted(self.sources.items())),
            claims=tuple(claims),
            pages=tuple(sorted(pages, key=lambda p: (p.order is None, p.order or 0, p.name))),
            template_dir=self.loaded.template_dir,
            claim_files=tuple(d.path for d in [doc, *self.loaded.included]),
            originators=originators,
        )

    def file(self, doc: YamlDocument, included: bool) -> list[tuple[YamlDocument, int, Any]]:
        """The file's sources checked; its claims' data, by their place, to check once every source is known."""
        data = doc.data
        if included:
            if not isinstance(data, dict):
                self.problems.error(Location(doc.path), "an included file holds a mapping with 'claims:'")
                return []
            if check_shape(_IncludedTop, {k: None for k in data}, doc, (), doc.path, self.problems) is None:
                return []
        sources = data.get("sources") or {}
        if not isinstance(sources, dict):
            self.problems.error(Place(doc, ("sources",)), "'sources' must be a mapping of source ids to sources")
        else:
            for source_id, source_data in sources.items():
                self.source(doc, str(source_id), source_data)
        claims = data.get("claims") or []
        if not isinstance(claims, list):
            self.problems.error(Place(doc, ("claims",)), "'claims' must be a list of claims")
            return []
        return [(doc, index, claim_data) for index, claim_data in enumerate(claims)]

    def claim_spec(self, doc: YamlDocument, index: int, data: Any) -> schema.ClaimSpec | None:
        spec = check_shape(schema.ClaimSpec, data, doc, ("claims", index), "claim", self.problems)
        if spec is None and isinstance(data, dict) and isinstance(data.get("id"), str):
            self.broken_ids.add(data["id"])
        return spec

    # -- sources -----------------------------------------------------------

    def check_id(self, value: str, where: Where, what: str) -> bool:
        if len(value) > MAX_ID_LENGTH and ID_PATTERN.fullmatch(value):
            self.problems.error(where, f"{what} id '{value[:20]}...' is longer than {MAX_ID_LENGTH} characters")
            return False
        if ID_PATTERN.fullmatch(value):
            return True
        self.problems.error(
            where,
            f"{what} id '{value}' must be lower-case letters, digits and hyphens, "
            "starting with a letter or digit (it becomes a URL)",
        )
        return False

    def check_url(self, url: str, where: Where, what: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.problems.error(where, f"'{what}' must be an absolute http:// or https:// address, not '{url}'")

    def source(self, doc: YamlDocument, source_id: str, data: Any) -> None:
        key = ("sources", source_id)
        where = Place(doc, key, of_key=True)
        spec = check_shape(schema.SourceSpec, data, doc, key, "source", self.problems)
        if not self.check_id(source_id, where, "source") or spec is None:
            self.broken_ids.add(source_id)
            return
        if source_id in self.source_at:
            self.problems.error(
                where, f"source id '{source_id}' is defined twice (first at {self.source_at[source_id]})"
            )
            return
        self.source_at[source_id] = where
        if spec.outlet is not None:
            self.named["outlet"].append((spec.outlet, Place(doc, (*key, "outlet"))))
        if spec.url is not None:
            self.check_url(spec.url, Place(doc, (*key, "url")), "url")
        published = self.date(spec.published, Place(doc, (*key, "published")))
        text_path = spec.text or f"{SOURCES_DIR}/{source_id}.md"
        text = None
        if text_path in self.loaded.texts:
            text = archive(text_path, self.loaded.texts[text_path])
        self.sources[source_id] = Source(
            source_id, spec.outlet, spec.title, spec.url, published, spec.author, text, Place(doc, key)
        )

    def unclaimed_texts(self) -> None:
        used = {s.text.path for s in self.sources.values() if s.text is not None}
        for path in self.loaded.texts:
            stem = path.rsplit("/", 1)[-1].removesuffix(".md")
            if path in used or not path.startswith(SOURCES_DIR + "/") or stem in self.broken_ids:
                continue
            if stem in self.sources:
                elsewhere = self.sources[stem].text
                reason = f"source '{stem}' takes its text from {elsewhere.path if elsewhere else 'nowhere'}"
            else:
                reason = f"no source '{stem}' in the claims{suggest(stem, self.sources)}"
            self.problems.warning(Location(path), f"{reason}; this text is unused")

    # -- claims ------------------------------------------------------------

    def known_source(self, source_id: str, where: Where) -> bool:
        if source_id in self.sources:
            return True
        if source_id not in self.broken_ids:
            self.problems.error(where, f"unknown source '{source_id}'{suggest(source_id, self.sources)}")
        return False

    def claim(self, doc: YamlDocument, index: int, spec: schema.ClaimSpec) -> Claim | None:
        key: Key = ("claims", index)
        errors_before = self.problems.error_count
        id_at = Place(doc, (*key, "id"))
        if self.check_id(spec.id, id_at, "claim"):
            if spec.id in self.claim_at:
                self.problems.error(id_at, f"claim id '{spec.id}' is defined twice (first at {self.claim_at[spec.id]})")
            else:
                self.claim_at[spec.id] = id_at
        if spec.topic:
            self.named["topic"].append((spec.topic, Place(doc, (*key, "topic"))))
        unit = classify(spec.unit) if spec.unit else None
        tolerance = self.tolerance if spec.tolerance is None else float(spec.tolerance)
        typos = self.check_units(doc, key, spec, unit)
        canonical_spec = spec.canonical
        ckey = (*key, "canonical")
        if spec.kind == "text" and not text_as_written(canonical_spec.value):
            self.problems.error(Place(doc, (*ckey, "value")), "the canonical figure of a text claim must be text")
        figure = self.figure(
            doc,
            ckey,
            canonical_spec.value,
            unit,
            spec.kind,
            canonical_spec.as_of,
            canonical_spec.according_to,
            tolerance,
        )
        if canonical_spec.source is not None:
            self.known_source(canonical_spec.source, Place(doc, (*ckey, "source")))
        variants = [
            self.variant(doc, (*key, "variants", i), i, v, unit, spec.kind, tolerance)
            for i, v in enumerate(spec.variants)
        ]
        if figure is not None:
            self.check_comparable(doc, key, spec, figure, [v for v in variants if v and v.index not in typos])
        if spec.note:
            self.notes.append((spec.note, Place(doc, (*key, "note"))))
        corrections = self.correction_notes(doc, key, spec.corrections)
        self.notes.extend(
            (c.note, Place(doc, (*key, "corrections", i, "note"))) for i, c in enumerate(spec.corrections)
        )
        if figure is None or None in variants or self.problems.error_count > errors_before:
            return None
        return Claim(
            id=spec.id,
            title=spec.title,
            topic=spec.topic,
            unit=unit,
            kind=spec.kind,
            tolerance=tolerance,
            canonical=Canonical(figure, canonical_spec.source),
            note=spec.note,
            related=tuple(spec.related),
            variants=tuple(v for v in variants if v is not None),
            location=Place(doc, key),
            corrections=tuple(corrections),
        )

    def variant(
        self,
        doc: YamlDocument,
        key: Key,
        index: int,
        spec: schema.VariantSpec,
        claim_unit: Unit | None,
        kind: str,
        tolerance: float,
    ) -> Variant | None:
        ok = self.known_source(spec.source, Place(doc, (*key, "source")))
        if spec.according_to:  # each originator of a variant gets a page
            self.named["originator"].append((spec.according_to, Place(doc, (*key, "according_to"))))
        unit = classify(spec.unit) if spec.unit else claim_unit
        figure = self.figure(
            doc, key, spec.value, unit, kind, spec.as_of, spec.according_to, tolerance, words=spec.written
        )
        if spec.verdict is not None and not spec.note:
            self.problems.error(
                Place(doc, (*key, "verdict")), f"verdict '{spec.verdict}' needs a note saying why the editors set it"
            )
            ok = False
        if spec.note:
            self.notes.append((spec.note, Place(doc, (*key, "note"))))
        passage = None
        source = self.sources.get(spec.source)
        if spec.quote and source is not None and source.text is not None:
            passage = find_quote(spec.quote, source.text)
            if passage is None:
                near, score = closest_passage(spec.quote, source.text)
                self.problems.error(
                    Place(doc, (*key, "quote")),
                    f'quote not found in {source.text.path}; the closest passage ({score:.0f}% alike) is: "{near}"',
                )
                ok = False
        if figure is None or not ok:
            return None
        return Variant(index, spec.source, figure, spec.quote, passage, spec.verdict, spec.note, Place(doc, key))

    def related(self, claims: list[tuple[YamlDocument, int, str, list[str]]]) -> None:
        """Each claim's related claims (by its place, id and related ids), now that every claim is known."""
        for doc, index, claim_id, related in claims:
            self.related_of(doc, index, claim_id, related)
        self.check_slugs()

    def related_of(self, doc: YamlDocument, index: int, claim_id: str, related: list[str]) -> None:
        """One claim's related claims: each a claim of the desk, and not the claim itself."""
        for position, other in enumerate(related):
            where = Place(doc, ("claims", index, "related", position))
            if other == claim_id:
                self.problems.error(where, f"claim '{claim_id}' lists itself as related")
            elif other not in self.claim_at and other not in self.broken_ids:
                known = [*self.claim_at, *self.broken_ids]
                self.problems.error(where, f"unknown claim '{other}' in related{suggest(other, known)}")

    # -- pages -------------------------------------------------------------


def _written_language(site: Any) -> str:
    """The language of a `site:` that is wrong elsewhere, so that its figures are read in it all the same
    (read in English, a Korean desk's every figure would be an error beside the one that is)."""
    language = site.get("language") if isinstance(site, dict) else None
    return language if isinstance(language, str) else "en"


class _Top(BaseModel):
    """Only the keys of claims.yaml, to name an unknown one before reading the rest."""

    model_config = ConfigDict(extra="forbid")
    site: None = None
    include: None = None
    sources: None = None
    claims: None = None
    originators: None = None


class _Include(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    include: list[schema.Text]


class _IncludedTop(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: None = None
    claims: None = None


def validate(loaded: LoadedSite, problems: Problems, let_go: bool = False) -> Site | None:
    """The typed site, or None when any error was recorded.

    With `let_go`, each claim's data as read is dropped from its document once the claim is
    checked, for a one-off build (nothing reads it again: a place is located from the text), so
    that the data read and the claims made of it are never all held at once (at 10,000 claims the
    build's peak went from 323 to 294 MiB)."""
    return _Validator(loaded, problems, let_go).run()


def revalidate_claim(doc: YamlDocument, index: int, data: Any, site: Site, problems: Problems) -> Claim | None:
    """One edited claim checked against the rest of a valid site, as `validate` would check it there.

    Only what the claim itself holds is checked (its shape, figures, dates, units, sources,
    quotes, related ids and references); what it shares with other claims (its id, topic
    and originators, each a URL) must be what it was, which the caller makes sure of.
    """
    checker = _Validator(LoadedSite(root=site.root, claims=None), problems)
    checker.tolerance = site.settings.tolerance
    checker.language = site.settings.language
    checker.sources = dict(site.sources)
    spec = check_shape(schema.ClaimSpec, data, doc, ("claims", index), "claim", problems)
    if spec is None:
        return None
    checker.claim_at = dict(site.claim_places)  # a copy: checking the claim adds its own id
    checker.claim_at.pop(spec.id, None)
    claim = checker.claim(doc, index, spec)
    checker.check_notes()
    checker.related_of(doc, index, spec.id, list(spec.related))
    return None if problems.has_errors else claim

"""The validator's checks of names and links: names that would share a URL, words that mix scripts,
`[[claim-id]]` references in notes and pages, and the narrative pages themselves."""

from __future__ import annotations

import math

from builder.check import schema
from builder.check.markdown import claim_refs
from builder.check.model import Page
from builder.check.names import folded, mixed_words, slug
from builder.check.shapes import (
    check_shape,
    suggest,
)
from builder.problems import Location, Problems, Where
from builder.read.load import LoadedSite
from builder.read.yamlwhole import Place

RESERVED_PAGES = frozenset(
    {
        "claims",
        "sources",
        "outlets",
        "topics",
        "originators",
        "discrepancies",
        "corrections",
        "static",
        "schema",
        "index",
        "pagefind",
    }
)
"""Names a narrative page cannot take: the site's own URLs."""


class PageChecks:
    """The validator's checks of names, references and pages (a part of `validate._Validator`)."""

    problems: Problems
    loaded: LoadedSite
    claim_at: dict[str, Where]
    broken_ids: set[str]
    notes: list[tuple[str, Where]]
    named: dict[str, list[tuple[str, Where]]]

    def check_slugs(self) -> None:
        """Each name gets a page whose URL is its slug: two names are one when they fold alike (`names.folded`),
        and an error when only their slugs meet. A word that mixes scripts is a warning (a look-alike letter)."""
        for what, names in self.named.items():
            seen: dict[str, str] = {}
            warned: set[str] = set()
            for name, where in names:
                if name not in warned:
                    warned.add(name)
                    for word in mixed_words(name):
                        self.problems.warning(where, f"{what} '{name}': {word}; is a letter typed in another script?")
                key = slug(name)
                if not key:
                    self.problems.error(where, f"{what} '{name}' has no letters or digits to make a URL of")
                elif folded(first := seen.setdefault(key, name)) != folded(name):
                    self.problems.error(
                        where, f"{what}s '{first}' and '{name}' would share one page ({key}); write them alike"
                    )

    def check_notes(self) -> None:
        """The references in the notes, now that every claim is known (a note may name a later claim)."""
        for note, where in self.notes:
            self.check_refs(note, where)
        self.notes.clear()

    def check_refs(self, markdown: str, where: Where, line_offset: int | None = None) -> None:
        for ref in claim_refs(markdown):
            if ref.claim_id in self.claim_at or ref.claim_id in self.broken_ids:
                continue
            at = where
            if line_offset is not None and isinstance(where, Location):
                at = Location(where.path, line_offset + ref.line, ref.col + 1)
            self.problems.error(
                at, f"unknown claim '[[{ref.claim_id}]]'{suggest(ref.claim_id, [*self.claim_at, *self.broken_ids])}"
            )

    def order(self, value: float | None, where: Where) -> float | None:
        try:
            order = float(value) if value is not None else None
        except OverflowError:
            order = math.inf
        if order is not None and not math.isfinite(order):
            self.problems.error(where, f"'order' must be a finite number, not {value}")
            return None
        return order

    def pages(self) -> list[Page]:
        pages = []
        for page in self.loaded.pages:
            where = Location(page.path)
            if page.name in RESERVED_PAGES:
                instead = _instead(page.name)
                self.problems.error(
                    where, f"a page cannot be named '{page.name}': that URL belongs to the site{instead}"
                )
                continue
            if not self.check_id(page.name, where, "page"):
                continue
            self.check_refs(page.body, where, line_offset=page.body_line)
            if page.front_matter is None:
                continue
            data = page.front_matter.data if page.front_matter.data is not None else {}
            front = check_shape(schema.FrontMatterSpec, data, page.front_matter, (), "front matter", self.problems)
            if front is not None:
                order = self.order(front.order, Place(page.front_matter, ("order",)))
                pages.append(Page(page.name, front.title, order, page.body, where))
        return pages


def _instead(name: str) -> str:
    return "; name it 'corrections-policy', for example" if name == "corrections" else ""

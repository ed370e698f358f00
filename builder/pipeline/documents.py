"""The YAML documents a checked site was read from: let go of by a one-off build once it has no more
problems to place, and claims.yaml's text and pieces, which the preview compares its next save with."""

from __future__ import annotations

from builder.check.model import Site
from builder.read import yamlpieces, yamlwhole
from builder.read.load import CLAIMS_FILE


def _documents(site: Site) -> list[yamlwhole.YamlDocument]:
    """The YAML documents the site's claims and sources were read from."""
    found: dict[int, yamlwhole.YamlDocument] = {}
    for item in [*site.claims, *site.sources.values()]:
        if isinstance(item.location, yamlwhole.Place):
            found.setdefault(id(item.location.doc), item.location.doc)
    return list(found.values())


def _read_from(site: Site | None) -> tuple[str, yamlpieces.Cut] | None:
    """The text and pieces claims.yaml was read from, for the preview's next save (see `quick.py`)."""
    if site is None:
        return None
    return next((doc.read_from for doc in _documents(site) if doc.path == CLAIMS_FILE), None)

"""What a desk names as written, read before it is checked: what a build can prepare its output for."""

from __future__ import annotations

from dataclasses import dataclass

from builder.check.validate import ID_PATTERN, MAX_ID_LENGTH
from builder.read.load import LoadedSite


@dataclass(frozen=True)
class Outline:
    """What a desk names as written, before anything is checked: the ids of its claims and sources (those
    written as ids) and whether it gives a base URL. Only a guess at the site to come, for a build to prepare
    its output's folders while it checks the desk (`Staging.prepare`): a desk with errors builds nothing."""

    claims: tuple[str, ...]
    sources: tuple[str, ...]
    base_url: bool


def outline(loaded: LoadedSite) -> Outline:
    """The `Outline` of a loaded desk."""
    claims: list[str] = []
    sources: list[str] = []
    docs = [loaded.claims, *loaded.included] if loaded.claims is not None else []
    for doc in docs:
        data = doc.data if isinstance(doc.data, dict) else {}
        by_id = data.get("sources")
        if isinstance(by_id, dict):
            sources.extend(key for key in by_id if _is_id(key))
        listed = data.get("claims")
        if isinstance(listed, list):
            claims.extend(item["id"] for item in listed if isinstance(item, dict) and _is_id(item.get("id")))
    site = docs[0].data.get("site") if docs and isinstance(docs[0].data, dict) else None
    base_url = isinstance(site, dict) and isinstance(site.get("base_url"), str) and bool(site["base_url"])
    return Outline(tuple(claims), tuple(sources), base_url)


def _is_id(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and ID_PATTERN.fullmatch(value) is not None

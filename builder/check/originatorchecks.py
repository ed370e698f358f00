"""The validator's checks of `originators:`: what the desk says of the originators of its figures (who each is,
its site, whether it is a party to the events it reports on), each name one that a figure goes back to."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from builder.check import schema
from builder.check.model import Claim, Originator, Source, originator_of
from builder.check.names import folded
from builder.check.shapes import check_shape, suggest
from builder.problems import Problems, Where
from builder.read.yamlwhole import Place, YamlDocument


class OriginatorChecks:
    """The validator's checks of `originators:` (a part of `validate._Validator`)."""

    problems: Problems
    check_url: Callable[[str, Where, str], None]
    sources: dict[str, Source]
    named: dict[str, list[tuple[str, Where]]]

    def originators(self, doc: YamlDocument) -> dict[str, Originator]:
        """The originators `originators:` describes, by their folded name; each mistake at its place."""
        data = doc.data.get("originators")
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.problems.error(
                Place(doc, ("originators",)),
                "'originators' must be a mapping of originators' names (as `according_to` or `outlet` writes "
                "them) to what the desk says of each",
            )
            return {}
        found: dict[str, Originator] = {}
        for name, entry in data.items():
            key = ("originators", name)
            where = Place(doc, key, of_key=True)
            if not isinstance(name, str):
                self.problems.error(where, f"an originator's name must be text, not {name!r}; quote it")
                continue
            spec = check_shape(schema.OriginatorSpec, entry, doc, key, "originator", self.problems)
            if spec is None:
                continue
            if spec.url is not None:
                self.check_url(spec.url, Place(doc, (*key, "url")), "url")
            first = found.get(folded(name))
            if first is not None:
                self.problems.error(
                    where, f"originator '{name}' is described twice, as '{first.name}' (at {first.location}) and here"
                )
                continue
            found[folded(name)] = Originator(name, spec.description, spec.url, spec.party, where)
        return found

    def unknown_originators(self, originators: dict[str, Originator], claims: Iterable[Claim]) -> None:
        """A warning at each described originator that no figure goes back to, with the closest name that one
        does: a misspelt name marks nothing, and an originator the desk has not described is allowed."""
        if not originators:
            return
        # Every `according_to` written on a variant (of a claim with a mistake too), then the originators
        # of the claims, canonical figures included.
        known = {folded(name): name for name, _ in self.named["originator"]}
        for claim in claims:
            for figure, source in (
                (claim.canonical.figure, None),
                *((v.figure, self.sources.get(v.source_id)) for v in claim.variants),
            ):
                name = originator_of(figure, source)
                if name is not None:
                    known.setdefault(folded(name), name)
        for key, declared in originators.items():
            if key not in known:
                self.problems.warning(
                    declared.location,
                    f"no figure goes back to originator '{declared.name}': no `according_to`, nor the outlet of a "
                    f"figure without one, is that name{suggest(declared.name, known.values())}",
                )

"""The validator's checks of what the desk says of itself: its settings (`site:`: its address, its language,
and the pages that state its policies) and the reasons it gives for its corrections."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from builder import languages
from builder.check import schema
from builder.check.dates import DateError, parse_date
from builder.check.model import CorrectionNote, Page, Policies, Settings
from builder.check.shapes import check_shape, suggest
from builder.problems import Location, Problems, Where
from builder.read.yamlwhole import Key, Place, YamlDocument


class SiteChecks:
    """The validator's checks of `site:` (a part of `validate._Validator`)."""

    problems: Problems
    check_url: Callable[[str, Where, str], None]
    site_doc: YamlDocument | None = None
    policies_spec: schema.PoliciesSpec | None = None

    def settings(self, doc: YamlDocument) -> Settings | None:
        if "site" not in doc.data:
            self.problems.error(Location(doc.path), f"{doc.path} needs a 'site:' mapping with a 'title:'")
            return None
        spec = check_shape(schema.SiteSpec, doc.data["site"], doc, ("site",), "site", self.problems)
        if spec is None:
            return None
        if spec.base_url is not None:
            self.check_url(spec.base_url, Place(doc, ("site", "base_url")), "base_url")
        else:
            self.problems.warning(
                Place(doc, ("site",)),
                "no 'base_url': canonical links, sitemap.xml, feed.xml and the claims' embed snippets and oEmbed "
                "answers need the site's address and are left out",
            )
        if not re.fullmatch(schema.LANGUAGE_TAG, spec.language):
            self.problems.warning(
                Place(doc, ("site", "language")),
                f"'{spec.language}' is not a language tag such as 'en', 'en-GB' or 'pt-BR': browsers, screen "
                "readers and the search index cannot tell what language the pages are in",
            )
        elif not languages.has_catalog(spec.language):
            self.problems.warning(
                Place(doc, ("site", "language")),
                f"factsheet has no catalog of interface words in '{spec.language}': the pages' own words are in "
                f"English. It has {', '.join(languages.shipped())}; to add one, translate "
                "builder/locales/factsheet.pot into a new .po file (docs/languages.md)",
            )
        if languages.fonts(spec.language) is None:
            self.problems.warning(
                Place(doc, ("site", "language")),
                f"no font on this machine draws '{spec.language}' text: the share cards and the charts' PNG "
                "images would show empty boxes for its letters. Install a font of its script (for Korean, "
                "Japanese or Chinese: Noto Sans CJK, Debian's fonts-noto-cjk), or build with --no-cards",
            )
        self.site_doc = doc
        self.policies_spec = spec.policies
        return Settings(
            spec.title, spec.base_url, spec.language, spec.description, float(spec.tolerance), spec.raw_html
        )

    def with_policies(self, settings: Settings, pages: list[Page]) -> Settings:
        """`settings` with the policy pages `site.policies` names, each a narrative page of `content/`: a name
        that is none is an error at its place, with the closest page's name."""
        spec = self.policies_spec
        if spec is None or self.site_doc is None:
            return settings
        names = [page.name for page in pages]
        found: dict[str, str | None] = {}
        for kind in ("methodology", "corrections", "ownership"):
            name = getattr(spec, kind)
            if name is not None and name not in names:
                where = Place(self.site_doc, ("site", "policies", kind))
                self.problems.error(where, f"no page '{name}' in content/ for the {kind} policy{suggest(name, names)}")
                name = None
            found[kind] = name
        return replace(settings, policies=Policies(**found))

    def correction_notes(self, doc: YamlDocument, key: Key, specs: list[schema.CorrectionSpec]) -> list[CorrectionNote]:
        """A claim's `corrections:`, each dated by a day (a correction is matched to the commit of that day)."""
        notes = []
        for index, spec in enumerate(specs):
            where = Place(doc, (*key, "corrections", index, "date"))
            try:
                period = parse_date(spec.date)
            except DateError as error:
                self.problems.error(where, str(error))
                continue
            if period.start != period.end:
                self.problems.error(where, f"a correction's date is a day, YYYY-MM-DD, not '{period.text}'")
                continue
            notes.append(CorrectionNote(period.start, spec.note, Place(doc, (*key, "corrections", index))))
        return notes

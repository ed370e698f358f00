"""The pages of the site: which there are and what each shows (`page_specs`), the templates' environment
and the helpers they call, and one page rendered (`claim_page`, `render_page`).

`site.py` renders them all, with the site's other files, and tells which changed.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from builder import __version__, languages, words
from builder.analyse.analysis import Analysis, ClaimAnalysis, VariantAnalysis
from builder.analyse.timeline import timeline
from builder.check.markdown import claim_refs
from builder.check.markdown import render as render_markdown
from builder.check.model import Figure, Source
from builder.check.units import Unit
from builder.render import badges, corrected, embeds, formatting, notdrawn, pagehelpers, party, publish, summary, urls
from builder.render.chart import chart
from builder.render.localised import localised
from builder.render.passages import archived_html, passage_id
from builder.render.timechart import timechart
from builder.verdicts import AGREEING, DISAGREEING, MEANING, STATUS_MEANING, SYMBOLS


@dataclass(frozen=True)
class PageSpec:
    """One page to render: where it goes, with which template, and what it shows."""

    url: str
    template: str | None
    """Its template; None for a data file, whose bytes are `values()["data"]`."""
    values: Callable[[], dict[str, Any]]
    """The page's own template values, computed only when the page is rendered."""
    depends: frozenset[str] | None
    """The claims ("claim:<id>"), sources ("source:<id>") and pages ("page:<name>") it shows; None for all."""
    group: str | None = None
    """Pages of one group, listed one after the other, are made by one worker in that order: a claim's page
    leaves its chart to its fact box (`shared`), rather than each worker making it again."""


CONTENT_POLICY = Markup(
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "base-uri 'none'; form-action 'none'; object-src 'none'"
)
"""What every page lets a browser load and run (the Content-Security-Policy of its `<meta>`): nothing inline."""


@lru_cache(maxsize=4)
def environment(template_dir: Path | None, mark: str, language: str = "en") -> Environment:
    """Autoescaping is on for every template, whatever its name, so no data can inject markup.

    The templates speak the site's `language` (`_()`, `ngettext()`: jinja's i18n extension, given the
    catalog; a site's own templates may use them too), and its numbers and dates (`localised`).

    One environment per template folder, `mark` (the site's `fingerprint`) and process, so that a
    rebuild does not compile the templates again, and a change of any template (which changes the
    fingerprint) gets a new one. So jinja need not check each template's file for changes on every
    page it renders (`auto_reload`), which took a sixth of a claim page's time.
    """
    loaders = [FileSystemLoader(template_dir)] if template_dir else []
    env = pagehelpers.PageEnvironment(
        loader=ChoiceLoader([*loaders, PackageLoader("builder.render", "templates")]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    speech = localised(language)
    env.install_gettext_translations(speech.translations, newstyle=True)  # type: ignore[attr-defined]
    # The extension's own callables take the template's context on every call, which doubled the time
    # of a claim page; these say the same (an escaped message, its `%(name)s` filled with escaped values).
    env.globals.update(_=speech.markup, gettext=speech.markup, ngettext=speech.markup_plural)
    env.translated = speech.translations.gettext
    shown = partial(badges.verdict_badge, speech), partial(badges.status_badge, speech)  # filters and globals alike
    # The helpers the templates call most are filters too, since jinja calls a filter directly
    # and a global through the context (`analysed|figure` is cheaper than `figure(analysed)`);
    # with `root` (see `pagehelpers`), `{{ root }}{{ claim.id|claim_url }}` is `link(urls.claim(claim.id))`.
    env.filters.update(
        number=speech.number,
        count=speech.count,
        day=speech.day,
        interval=speech.interval,
        deviation=partial(badges.deviation_mark, speech),
        unit=_unit_shown,
        figure=figure_with_unit,
        with_its_unit=_with_its_unit,
        verdict_badge=shown[0],
        status_badge=shown[1],
        verdict_word=partial(badges.word, speech),
        status_word=partial(badges.word, speech),
        passage_id=passage_id,
        with_verdict=pagehelpers.with_verdict,
        claim_url=urls.claim,
        source_url=urls.source,
        outlet_url=urls.outlet,
        originator_url=urls.originator,
        topic_url=urls.topic,
    )
    env.globals.update(
        urls=urls,
        link=_link,
        markdown=_markdown,
        symbols=SYMBOLS,
        agreeing=sorted(AGREEING),
        disagreeing=sorted(DISAGREEING),
        status_text=STATUS_MEANING,
        verdict_text=MEANING,
        verdict_counts=summary.verdict_counts,
        tally=partial(summary.tally, language=speech),
        joined=speech.joined,
        direction=speech.direction,
        plural=words.plural,
        named_disagreements=summary.named_disagreements,
        named_first=summary.NAMED_FIRST,
        position_text=formatting.POSITION_TEXT,
        figure_with_unit=figure_with_unit,
        figure=figure_with_unit,
        verdict_badge=shown[0],
        status_badge=shown[1],
        passage_id=passage_id,
        site_data=publish.site_data,
        party_badge=party.badge(speech),
        party_row=party.ROW,
        content_policy=CONTENT_POLICY,
    )
    env.helpers = frozenset(
        id(helper)
        for helper in env.globals.values()
        if callable(helper) and not isinstance(helper, type) and getattr(helper, "jinja_pass_arg", None) is None
    )
    return env


_link = pagehelpers.context_link


@pass_context
def _markdown(context: Context, text: str | None) -> Markup:
    if not text:
        return Markup("")
    env = {"claim_ref": partial(_claim_ref, context["analysis"], context["page_url"])}
    return Markup(render_markdown(text, env, raw_html=context["settings"].raw_html))


def _claim_ref(analysis: Analysis, page_url: str, claim_id: str, label: str | None) -> str:
    analysed = analysis.by_id[claim_id]
    text = label or figure_with_unit(analysed)
    href = urls.relative(page_url, urls.claim(claim_id))
    return f'<a class="claim-ref" href="{escape(href)}" title="{escape(analysed.claim.title)}">{escape(text)}</a>'


def _unit_shown(unit: Unit | None) -> str:
    """A unit as a page sets it (km², °C); nothing for none."""
    return unit.shown if unit is not None else ""


def _with_its_unit(figure: Figure) -> str:
    """A variant's figure with the unit it was given in, by the one rule (`formatting.figure_with_unit`):
    "hundreds of troops", never "hundreds troops"."""
    return formatting.figure_with_unit(figure, figure.unit)


def figure_with_unit(analysed: ClaimAnalysis) -> str:
    """The canonical figure as written plus the claim's unit ("about 11,000 soldiers", "hundreds of troops")."""
    return formatting.figure_with_unit(analysed.claim.canonical.figure, analysed.claim.unit)


def _claim_keys(ids: Iterable[str]) -> set[str]:
    return {f"claim:{claim_id}" for claim_id in ids}


def _note_refs(analysed: ClaimAnalysis) -> set[str]:
    notes = [analysed.claim.note or "", *(v.note or "" for v in analysed.claim.variants)]
    return _claim_keys(ref.claim_id for note in notes if "[[" in note for ref in claim_refs(note))


def _claim_sources(analysed: ClaimAnalysis) -> tuple[set[str], frozenset[str]]:
    """What a claim's pages depend on besides other claims: its sources, and the claim itself."""
    source_ids = {item.source.id for item in analysed.variants} | {analysed.claim.canonical.source_id or ""}
    return {f"source:{s}" for s in source_ids if s}, frozenset({f"claim:{analysed.claim.id}"})


def page_specs(analysis: Analysis, depends: bool = True) -> Iterator[PageSpec]:
    """Every page of the site map, with its values and what it depends on; without `depends`, each said to
    depend on everything (a one-off build, which no next build compares with, need not work it out)."""
    site = analysis.site
    yield PageSpec(urls.INDEX, "index.html", dict, None)
    yield PageSpec(urls.DISCREPANCIES, "discrepancies.html", dict, None)
    yield PageSpec("404.html", "404.html", dict, frozenset())
    if site.history_read:
        yield PageSpec(urls.CORRECTIONS, "corrections.html", partial(_corrections_values, analysis), None)
    for analysed in analysis.claims:
        claim = analysed.claim
        sources, mine = _claim_sources(analysed) if depends else (set(), frozenset())
        shared: dict[str, Markup] = {}  # what the claim's page made that its fact box shows too
        yield PageSpec(
            urls.claim(claim.id),
            "claim.html",
            partial(_claim_values, analysis, analysed, shared),
            frozenset(_claim_keys([claim.id, *analysed.related]) | sources | _note_refs(analysed)) if depends else None,
            claim.id,
        )
        # Its fact box names the sources in its chart; its oEmbed answer, the claim alone.
        box = partial(embeds.box_values, site.settings, analysed, localised(site.settings.language), shared)
        yield PageSpec(urls.claim_embed(claim.id), "embed.html", box, mine | sources if depends else None, claim.id)
        if site.settings.base_url:
            oembed = partial(embeds.oembed_data, site.settings, analysed)
            yield PageSpec(urls.claim_oembed(claim.id), None, oembed, mine if depends else None, claim.id)
    for source in site.sources.values():
        items = analysis.by_source.get(source.id, ())
        canonical_of = [analysis.by_id[c] for c in analysis.canonical_from.get(source.id, ())]
        yield PageSpec(
            urls.source(source.id),
            "source.html",
            partial(_source_values, source, items, canonical_of),
            frozenset(
                {f"source:{source.id}"}
                | _claim_keys(i.claim_id for i in items)
                | _claim_keys(c.claim.id for c in canonical_of)
            )
            if depends
            else None,
        )
    for outlet, sources in analysis.by_outlet.items():
        items = [item for s in sources for item in analysis.by_source.get(s.id, ())]
        yield PageSpec(
            urls.outlet(outlet),
            "outlet.html",
            partial(dict, outlet=outlet, sources=sources, items=items, declared=site.originator(outlet)),
            frozenset({f"source:{s.id}" for s in sources} | _claim_keys(i.claim_id for i in items))
            if depends
            else None,
        )
    for topic, claims in analysis.by_topic.items():
        yield PageSpec(
            urls.topic(topic),
            "topic.html",
            partial(dict, topic=topic, claims=claims),
            frozenset(_claim_keys(c.claim.id for c in claims)) if depends else None,
        )
    for originator, items in analysis.by_originator.items():
        yield PageSpec(
            urls.originator(originator),
            "originator.html",
            partial(dict, originator=originator, items=items, declared=site.originator(originator)),
            frozenset(_claim_keys(i.claim_id for i in items) | {f"source:{i.source.id}" for i in items})
            if depends
            else None,
        )
    for page in site.pages:
        yield PageSpec(
            urls.page(page.name),
            "page.html",
            partial(dict, page=page),
            frozenset({f"page:{page.name}"} | _claim_keys(ref.claim_id for ref in claim_refs(page.markdown)))
            if depends
            else None,
        )


def compile_templates(analysis: Analysis, mark: str) -> None:
    """Every template compiled (those the pages extend and import too), as a render leaves them in this
    process: a session that starts without rendering (`Session.build(adopt=True)`) renders its first page
    as fast as after a build (compiling was most of the first page after a save). One that does not
    compile is left for the render that needs it to report."""
    env = environment(analysis.site.template_dir, mark, analysis.site.settings.language)
    for name in env.list_templates():
        with contextlib.suppress(TemplateError):
            env.get_template(name)


def claim_page(analysis: Analysis, analysed: ClaimAnalysis, cards: bool = False) -> tuple[str, bytes]:
    """The page of one claim, by its output path: the same bytes as `render_site` gives it (with images when
    `cards`)."""
    mark = fingerprint(analysis, cards)
    env = environment(analysis.site.template_dir, mark, analysis.site.settings.language)
    common = {"analysis": analysis, "site": analysis.site, "settings": analysis.site.settings, "cards": cards}
    url = urls.claim(analysed.claim.id)
    spec = PageSpec(url, "claim.html", partial(_claim_values, analysis, analysed), None)
    return urls.file_of(url), render_page(env, common, spec)


def _corrections_values(analysis: Analysis) -> dict[str, Any]:
    speech = localised(analysis.site.settings.language)
    return {"corrections": [(c, corrected.described(c, analysis, speech)) for c in analysis.corrections]}


def _claim_values(
    analysis: Analysis, analysed: ClaimAnalysis, shared: dict[str, Markup] | None = None
) -> dict[str, Any]:
    """The claim page's values; its chart left in `shared` for its fact box."""
    language = analysis.site.settings.language
    speech = localised(language)
    over_time = timeline(analysed, language)
    drawn = ""
    if over_time is not None:
        badge = partial(badges.verdict_badge, speech)
        drawn = timechart(analysed, over_time, "timechart", speech) + notdrawn.lists(over_time, speech, badge)
    drawn_chart = Markup(chart(analysed, "chart", speech) or "")
    if shared is not None:
        shared["chart"] = drawn_chart
    return {
        "analysed": analysed,
        "corrections": [(c, corrected.described(c, analysis, speech)) for c in analysed.corrections],
        "chart": drawn_chart,
        "timechart": Markup(drawn),
        "canonical_source": analysis.site.sources.get(analysed.claim.canonical.source_id or ""),
        "claim_review": publish.script_json(publish.claim_review(analysis, analysed)),
        **embeds.claim_page_values(analysis.site.settings, analysed),
    }


def _source_values(
    source: Source, items: tuple[VariantAnalysis, ...], canonical_of: list[ClaimAnalysis]
) -> dict[str, Any]:
    passages = [item.variant.passage for item in items if item.variant.passage is not None]
    return {
        "source": source,
        "items": items,
        "canonical_of": canonical_of,
        "archived": archived_html(source.text, passages) if source.text else None,
    }


def fingerprint(analysis: Analysis, cards: bool = False) -> str:
    """What every page shows: settings, navigation (with the link to /corrections/ when there is one), the
    originators described, templates, the package version; and whether the claims have images (`cards`: a
    claim page names its card and links its chart's files)."""
    site = analysis.site
    described = [(o.name, o.description, o.url, o.party) for o in site.originators.values()]
    pages = [(p.name, p.title) for p in site.pages]
    shown = (__version__, site.settings, pages, site.history_read, described, cards)
    digest = hashlib.sha256(repr(shown).encode())
    for folder in (site.template_dir, Path(str(resources.files("builder.render").joinpath("templates")))):
        if folder is not None and folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    catalog = languages.LOCALES / languages.primary(site.settings.language) / "LC_MESSAGES" / f"{languages.DOMAIN}.mo"
    if catalog.is_file():  # the words of the pages
        digest.update(catalog.read_bytes())
    return digest.hexdigest()


def render_page(env: Environment, common: dict[str, Any], spec: PageSpec) -> bytes:
    if spec.template is None:
        data: bytes = spec.values()["data"]
        return data
    html = env.get_template(spec.template).render({**common, **spec.values(), "page_url": spec.url})
    return html.encode("utf-8")

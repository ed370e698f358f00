"""A site in its reader's language: the catalogs are complete and current, and a desk in Korean, Ukrainian or
Arabic builds to pages with no English interface word, numbers and dates the locale's way, and its direction."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from builder import languages
from builder.pipeline.build import build
from tests.conftest import REPO, copy_example
from tests.sitefactory import problems, spaced

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?\w+[^>]*>")
SHIPPED = [name for name in languages.shipped() if name != languages.ENGLISH]


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with open(languages.LOCALES / language / "LC_MESSAGES" / f"{languages.DOMAIN}.po", "rb") as file:
        return read_po(file)


def _extracted() -> set[str]:
    """Every message of the package's code and templates, as `pybabel extract -F babel.cfg` finds them."""
    method_map = [("builder/**.py", "python"), ("builder/render/templates/**.html", "jinja2")]
    options = {"builder/render/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Nn_": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_the_shipped_languages_are_those_the_issue_asks_for() -> None:
    assert set(languages.shipped()) >= {"en", "ko", "uk", "ru", "es", "fr", "ar"}


def test_the_template_catalog_holds_every_message_of_the_code_and_templates() -> None:
    """A message added to a template or the code but not to `factsheet.pot` (and so to no catalog) would show
    in English on every site: extract them again and compare."""
    with open(languages.LOCALES / "factsheet.pot", "rb") as file:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(file) if m.id}
    assert _extracted() == template


@pytest.mark.parametrize("language", SHIPPED)
def test_each_catalog_is_complete_and_keeps_the_placeholders_and_tags(language: str) -> None:
    catalog = _catalog(language)
    with open(languages.LOCALES / "factsheet.pot", "rb") as file:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(file) if m.id}
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert ids == template, "run pybabel update (docs/languages.md)"
    plural_forms = catalog.num_plurals
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        if isinstance(message.id, tuple):
            assert len(forms) == plural_forms, message.id
        wanted = set(PLACEHOLDER.findall(" ".join(originals)))
        for form in forms:
            assert form, f"{language}: {message.id!r} is not translated"
            assert set(PLACEHOLDER.findall(form)) <= wanted, (message.id, form)
            assert sorted(TAG.findall(form)) == sorted(TAG.findall(originals[0])), (message.id, form)
            form % dict.fromkeys(wanted, "x")  # a stray % would break the page


@pytest.mark.parametrize("language", SHIPPED)
def test_each_compiled_catalog_is_its_po_file(language: str) -> None:
    """The wheel ships the `.mo`; one left behind its `.po` would show the old words."""
    compiled = languages.LOCALES / language / "LC_MESSAGES" / f"{languages.DOMAIN}.mo"
    with open(compiled, "rb") as file:
        mo = gettext.GNUTranslations(file)
    for message in _catalog(language):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n, form in enumerate(message.string):
                counts = [*range(200), 10**6, 2 * 10**6]  # a form may be for millions only (Spanish, French)
                count = next(c for c in counts if _plural(_catalog(language), c) == n)
                assert mo.ngettext(message.id[0], message.id[1], count) == form, "run pybabel compile"
        else:
            assert mo.gettext(message.id) == message.string, "run pybabel compile (docs/languages.md)"


def _plural(catalog, count: int) -> int:  # type: ignore[no-untyped-def]
    return int(gettext.c2py(catalog.plural_expr)(count))


# -- desks in another language ------------------------------------------------------------------


def _desk(tmp_path: Path, language: str) -> Path:
    root = copy_example(tmp_path / language)
    text = (root / "claims.yaml").read_text(encoding="utf-8")
    text = text.replace("  language: en\n", f"  language: {language}\n", 1)
    (root / "claims.yaml").write_text(spaced(text), encoding="utf-8")
    result = build(root, root / "site", search=False)
    assert result.ok, result.problems.sorted()
    return root / "site"


@pytest.fixture(scope="module", params=["ko", "uk", "ar"])
def desk(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    return request.param, _desk(tmp_path_factory.mktemp("desks"), request.param)


def _interface_fragments() -> set[str]:
    """The English words of the interface: each message's runs of two words or more between its placeholders
    and tags, that the example desk's own data does not also contain (its titles and notes are English)."""
    data = (REPO / "claims.yaml").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in (REPO / "content").rglob("*.md")
    )
    data += "".join(p.read_text(encoding="utf-8") for p in (REPO / "templates").rglob("*.html"))
    fragments = set()
    with open(languages.LOCALES / "factsheet.pot", "rb") as file:
        for message in read_po(file):
            for text in message.id if isinstance(message.id, tuple) else (message.id,):
                for run in re.split(r"%\(\w+\)s|<[^>]+>|[.:;,()“”»—]", text):
                    run = run.strip()
                    if len(run.split()) >= 2 and run.lower() not in data.lower():
                        fragments.add(run)
    return fragments


def test_a_desk_in_another_language_shows_no_english_interface_word(desk: tuple[str, Path]) -> None:
    language, site = desk
    fragments = _interface_fragments()
    assert len(fragments) > 50  # the check has something to find
    for page in ["index.html", "discrepancies/index.html", "claims/dprk-killed/index.html", "404.html"]:
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        shown = " ".join(soup.get_text(" ").split())
        titles = " ".join(str(t["title"]) for t in soup.find_all(title=True))
        found = sorted(f for f in fragments if f in shown or f in titles)
        assert not found, f"{language} {page}: English words {found}"


def test_a_desk_says_its_language_and_direction(desk: tuple[str, Path]) -> None:
    language, site = desk
    html = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser").html
    assert html["lang"] == language
    assert html.get("dir") == ("rtl" if language == "ar" else None)


def test_numbers_and_dates_are_written_the_locale_s_way(desk: tuple[str, Path]) -> None:
    language, site = desk
    soup = BeautifulSoup((site / "claims/dprk-killed/index.html").read_text(encoding="utf-8"), "html.parser")
    # Babel parts a date's words by no-break spaces (narrow ones in Ukrainian): read them as spaces.
    byline = re.sub(r"[\u00a0\u202f]", " ", soup.find("p", class_="byline").get_text(" "))
    expected_day = {"ko": "2025년 2월 26일", "uk": "26 лютого 2025 р.", "ar": "26 فبراير 2025"}[language]
    assert expected_day in byline
    readings = " ".join(span.get_text(" ") for span in soup.find_all("span", class_="reading"))
    grouped = {"ko": "1,100", "uk": "1\u00a0100", "ar": "1,100"}[language]
    assert grouped in readings, readings


def test_an_unknown_language_warns_and_says_how_to_add_one(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "desk", language="de")
    found = [p for p in problems(root) if "catalog" in p.message]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "docs/languages.md" in found[0].message and "ko" in found[0].message


def test_search_feed_and_structured_data_carry_the_language(tmp_path: Path) -> None:
    """Pagefind indexes the pages in their language (a Korean index, with its word segmentation), the feed
    says `xml:lang`, and each claim's ClaimReview `inLanguage`."""
    import json

    from lxml import etree

    root = copy_example(tmp_path / "desk", language="ko")
    assert build(root, root / "site").ok
    site = root / "site"
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"ko"}
    feed = etree.parse(str(site / "feed.xml")).getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    page = BeautifulSoup((site / "claims/dprk-killed/index.html").read_text(encoding="utf-8"), "html.parser")
    review = json.loads(page.find("script", type="application/ld+json").string)
    assert review["inLanguage"] == "ko"
    assert review["reviewRating"]["alternateName"] != "Disputed"  # the headline in Korean


def test_a_site_s_own_templates_speak_the_catalog_too(tmp_path: Path) -> None:
    """`_()` and `{% trans %}` in a desk's own template give the catalog's words, as the packaged ones do."""
    root = copy_example(tmp_path / "desk", language="ko")
    (root / "templates" / "footer.html").write_text(
        '<p class="own">{{ _("Built with factsheet.") }}|{% trans %}Built with factsheet.{% endtrans %}|'
        '{{ ngettext("%(num)s claim", "%(num)s claims", 3) }}</p>\n',
        encoding="utf-8",
    )
    assert build(root, root / "site", search=False).ok
    page = BeautifulSoup((root / "site/index.html").read_text(encoding="utf-8"), "html.parser")
    korean = languages.translations("ko")
    expected = [korean.gettext("Built with factsheet.")] * 2 + [
        korean.ngettext("%(num)s claim", "%(num)s claims", 3) % {"num": 3}
    ]
    assert page.find("p", class_="own").get_text().split("|") == expected
    assert expected[0] != "Built with factsheet."


# -- the Korean example -------------------------------------------------------------------------------

KOREAN = REPO / "examples" / "ko"


@pytest.fixture(scope="module")
def korean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("korean") / "desk"
    shutil.copytree(KOREAN, root, ignore=shutil.ignore_patterns("site", ".factsheet-cache"))
    assert problems(root) == []  # no error, and not one warning
    assert build(root, root / "site", search=False).ok
    return root / "site"


def test_the_korean_example_reads_its_figures_as_korean_reporters_write_them(korean_site: Path) -> None:
    import json

    claims = {c["id"]: c for c in json.loads((korean_site / "claims.json").read_text(encoding="utf-8"))["claims"]}
    canonical = claims["dprk-troops-total"]["canonical"]
    assert (canonical["text"], canonical["low"], canonical["high"]) == ("약 1만1000", 9900, 12100)
    page = BeautifulSoup(
        (korean_site / "claims/dprk-troops-total/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert page.html["lang"] == "ko"
    assert page.find("p", class_="headline-figure").get_text() == "약 1만1000 명"  # as written, with its unit
    # The English articles' figures stay as they wrote them, and agree.
    rows = page.select("table.variants tbody tr[id]")
    assert "about 11,000" in rows[0].find("td", class_="figure").get_text()


def test_the_korean_example_shows_no_english_interface_word(korean_site: Path) -> None:
    fragments = _interface_fragments()
    for page in ["index.html", "discrepancies/index.html", "claims/dprk-troops-total/index.html"]:
        soup = BeautifulSoup((korean_site / page).read_text(encoding="utf-8"), "html.parser")
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        shown = " ".join(soup.get_text(" ").split())
        assert not sorted(f for f in fragments if f in shown), page


@pytest.mark.parametrize("language", ["en", "uk", "ar"])
def test_messages_cut_when_compiled_say_what_the_call_says(language: str) -> None:
    """The templates' messages are looked up and cut into words and values when a template is compiled
    (`pagehelpers._ConstantMessages`); the page must read as the call at render time makes it, values escaped."""
    from builder.render.pages import environment

    source = (
        '{{ _("Claims") }}|{{ _("as of %(date)s", date=day) }}|{{ _("Claims about %(topic)s", topic=topic) }}|'
        '{% set by = _("According to <strong>%(originator)s</strong>", originator=who) %}{{ by }}|'
        '{{ _("%(by)s, as of %(date)s.", by=by, date=day) }}|{{ claims_table_caption or _("Other claims") }}'
    )
    values = {"day": "2025-02", "topic": "<b>Troops</b>", "who": "A & B", "claims_table_caption": None}
    folded = environment.__wrapped__(None, "folded", language)  # type: ignore[attr-defined]
    called = environment.__wrapped__(None, "called", language)  # type: ignore[attr-defined]
    called.translated = None  # every message by the call, when the page renders
    rendered = folded.from_string(source).render(values)
    assert rendered == called.from_string(source).render(values)
    assert "&lt;b&gt;Troops&lt;/b&gt;" in rendered and "A &amp; B" in rendered


@pytest.mark.parametrize("language", ["ko", "ar"])
def test_serve_s_error_page_speaks_the_site_s_language(language: str) -> None:
    """The page `serve` shows while the desk does not build: its words from the catalog, its direction, and
    the problems as the command line prints them, left to right."""
    from builder.pipeline.preview import error_page
    from builder.problems import Location, Problem, Severity

    problem = Problem(Location("claims.yaml", 3, 5), Severity.ERROR, "unknown key 'titel'")
    page = BeautifulSoup(error_page([problem], language).decode("utf-8"), "html.parser")
    catalog = languages.translations(language)
    assert page.html["lang"] == language and page.html["dir"] == ("rtl" if language == "ar" else "ltr")
    assert page.h1.get_text() == catalog.gettext("The site could not be built") != "The site could not be built"
    code = page.find("ol", class_="problems").code
    assert code["dir"] == "ltr" and code.get_text() == "claims.yaml:3:5: error: unknown key 'titel'"


def test_no_message_hides_in_an_f_string() -> None:
    """The extraction of the catalog does not look inside f-strings: a message written there would be in no
    catalog and show in English on every site (as serve's error page's title once did)."""
    import ast

    hidden = []
    for path in sorted((REPO / "builder").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and getattr(call.func, "attr", getattr(call.func, "id", None)) in {"gettext", "ngettext", "_"}
                    and any(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in call.args)
                ):
                    hidden.append(f"{path.relative_to(REPO)}:{call.lineno}")
    assert hidden == []

"""No injection: hostile text in every free-text field builds into pages where nothing of it runs.

A corpus of payloads goes into each free-text field of the contract (site
title and description, outlet, titles, author, topics, units, notes, quotes,
`according_to`, text figures, front matter, Markdown pages and archived texts,
`[[claim|label]]`). The built pages are read by an HTML parser, as a browser
would: no script but the site's own, no event-handler attribute, no inline
style, no `javascript:`, `vbscript:` or `data:` link, and a Content-Security-Policy
that the site itself satisfies.
"""

from __future__ import annotations

import json
import re
import textwrap
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from bs4.element import Tag

from builder.check.markdown import parser, safe_link
from builder.pipeline.build import build
from builder.pipeline.stages import render
from builder.render.pages import environment
from tests.conftest import REPO
from tests.sitefactory import CLAIMS, edit, only_problem, write_site
from tests.sitefactory import position as at
from tests.test_browser import CHROMIUM, FLAGS, QuietHandler

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</script><script>alert(4)</script>",
    "<!-- <script>",
    "]]> --> </title></textarea></style>",
    "{{7*7}} {% raw %} ${7*7} #{7*7}",
    "javascript:alert(5)",
    "\u2028\u2029",
    '<a href="javascript:alert(6)">x</a> <iframe src="data:text/html,<script>alert(7)</script>">',
    "<style>body{display:none}</style> <base href=//evil.example/>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(8)">',
    "&lt;script&gt;alert(9)&lt;/script&gt;",
)
HOSTILE = " ".join(PAYLOADS)
MARKDOWN = textwrap.dedent(
    """\
    A paragraph with **bold** and {hostile}.

    [link](javascript:alert(10)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMSk8L3NjcmlwdD4=)
    [vb](vbscript:msgbox(12)) [png](data:image/png;base64,iVBORw0KGgo=)
    ![img](data:image/svg+xml,<svg/onload=alert(13)>)
    <javascript:alert(14)> [spaced]( javascript:alert(15)) [tab](java&#x09;script:alert(16))
    [entity](&#106;avascript:alert(17)) [upper](JAVASCRIPT:alert(18)) [ok](https://example.org/)

    <div onclick="alert(19)">raw block</div>

    <img src=x onerror=alert(20)>

    [[troops-total|<b onmouseover=alert(21)>label</b> "quoted']]
    """
)
TEXT_CLAIM = (
    "  - id: launcher-type\n"
    "    title: {hostile}\n"
    "    kind: text\n"
    "    canonical:\n"
    "      value: {hostile}\n"
    "      according_to: {hostile}\n"
    "    variants:\n"
    "      - source: hostile-source\n"
    "        value: {hostile}\n"
    "        according_to: {hostile_again}\n"
    "        note: {markdown}\n"
)


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's; U+2028 escaped, or YAML reads a line break)."""
    return json.dumps(text)


LANGUAGE = 'en"><script>alert(23)</script>'
URL = 'https://apnews.com/a?q="><script>alert(22)</script>'
QUOTE = f"about 4,000 {PAYLOADS[1]} of them"


def hostile_site(root: Path) -> Path:
    """The minimal site, with the payloads in every free-text field."""
    h, md, markdown = _yaml(HOSTILE), _yaml(MARKDOWN.format(hostile=HOSTILE)), MARKDOWN.format(hostile=HOSTILE)
    variant = "\n".join(
        [
            "        value: 12,000",
            f"        according_to: {_yaml(HOSTILE + ' 2')}",
            f"        quote: {h}",
            "        verdict: misquoted",
            f"        note: {md}",
        ]
    )
    claims = CLAIMS
    for old, new in [
        ("  title: Test desk", f"  title: {h}"),
        ("  description: Figures side by side.", f"  description: {h}\n  language: {_yaml(LANGUAGE)}"),
        ("    outlet: Associated Press", f"    outlet: {h}"),
        ("    title: North Korea sent about 11,000 troops", f"    title: {h}\n    author: {h}"),
        ("    url: https://apnews.com/article/dprk-troops", f"    url: {_yaml(URL)}"),
        ("    title: North Korean soldiers sent to Russia", f"    title: {h}\n    note: {md}"),
        ("    topic: Troops", f"    topic: {_yaml(HOSTILE + ' topic')}"),
        (
            "    unit: soldiers\n    canonical:\n      value: about 11,000",
            f"    unit: {_yaml('soldiers <b>')}\n    canonical:\n      value: about 11,000",
        ),
        ("      value: about 11,000\n      as_of", f"      value: about 11,000\n      according_to: {h}\n      as_of"),
        ("        value: 12,000", variant),
        ('        quote: "about 4,000 of them were killed or wounded"', f"        quote: {_yaml(QUOTE)}"),
    ]:
        claims = edit(claims, old, new)
    source = f"  hostile-source:\n    outlet: {_yaml(HOSTILE + ' outlet')}\n    title: {h}\nclaims:\n"
    claims = edit(claims, "claims:\n", source) + TEXT_CLAIM.format(
        hostile=h, hostile_again=_yaml(HOSTILE + " again"), markdown=md
    )
    archived = "\n\n".join(
        [
            f"# Archived {HOSTILE}",
            "North Korea sent about 11,000 troops to participate in the war.",
            f"about 4,000 {PAYLOADS[1]} of them were killed or wounded.",
            markdown,
        ]
    )
    about = f"---\ntitle: {h}\norder: 1\n---\n\n{markdown}"
    return write_site(root, claims, {"content/about.md": about, "content/sources/ap-2025-03-27.md": archived})


# -- what a page may hold ------------------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite")
FORBIDDEN_ELEMENTS = ("iframe", "frame", "object", "embed", "base", "style", "form", "textarea")
BAD_SCHEMES = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


def _scheme_of(url: str) -> str:
    """The URL as a browser reads its scheme: leading controls and spaces dropped, tabs and breaks removed."""
    return re.sub(r"[\t\n\r]", "", url).lstrip("".join(map(chr, range(0x21))))


def policy_of(soup: BeautifulSoup) -> dict[str, list[str]]:
    meta = soup.find("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
    assert isinstance(meta, Tag), "no Content-Security-Policy meta tag"
    directives = [d.split() for d in str(meta["content"]).split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def offences(page: Path, site: Path) -> list[str]:
    """Everything in a built page that could run, or that its own Content-Security-Policy would block."""
    soup = BeautifulSoup(page.read_bytes(), "html.parser")
    found: list[str] = []
    policy = policy_of(soup)
    head = soup.find("head")
    first = head.find(["meta", "link", "script", "style"], recursive=False) if isinstance(head, Tag) else None
    assert policy["default-src"] == ["'self'"]
    assert not any("'unsafe-inline'" in sources or "'unsafe-eval'" in sources for sources in policy.values())
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            values = value if isinstance(value, list) else [value]
            if name.lower().startswith("on"):
                found.append(f"event handler {name}= on <{element.name}>")
            if name.lower() == "style":
                found.append(f"inline style on <{element.name}> (blocked by style-src 'self')")
            if name.lower() in URL_ATTRIBUTES and any(BAD_SCHEMES.match(_scheme_of(str(v))) for v in values):
                found.append(f"{name}={value!r} on <{element.name}>")
        if element.name in FORBIDDEN_ELEMENTS:
            found.append(f"<{element.name}> element")
        if element.name == "meta" and str(element.get("http-equiv", "")).lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        if element.name == "script":
            found.extend(_script_offences(element, page, site))
    if first is None or first.get("charset") is None:
        found.append("the page does not start with its charset")
    return found


def _script_offences(script: Tag, page: Path, site: Path) -> list[str]:
    """Allowed: JSON-LD whose content is JSON, and the site's own script files, with nothing inline."""
    kind = str(script.get("type", "")).lower()
    if kind == "application/ld+json":
        try:
            json.loads(script.string or "")
        except ValueError:
            return [f"a JSON-LD script that is not JSON (broken out of?): {(script.string or '')[:80]!r}"]
        return []
    source = script.get("src")
    if not source or script.string:
        return [f"an inline script: {str(script)[:80]!r}"]
    target = urlsplit(urljoin(page.as_uri(), str(source)))
    if target.scheme != "file" or not Path(target.path).resolve().is_relative_to(site.resolve()):
        return [f"a script from elsewhere: {source}"]
    if not Path(target.path).is_file():
        return [f"a script that is not in the site: {source}"]
    return []


# -- the corpus ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = hostile_site(tmp_path_factory.mktemp("hostile") / "desk")
    result = build(root, root / "site")
    assert result.ok, [str(p) for p in result.problems.sorted()]
    return root / "site"


def test_hostile_corpus_builds_into_pages_where_no_payload_runs(hostile: Path) -> None:
    pages = sorted(hostile.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        assert offences(page, hostile) == [], page.relative_to(hostile)


def test_payloads_are_shown_as_text(hostile: Path) -> None:
    claim = BeautifulSoup((hostile / "claims" / "troops-total" / "index.html").read_bytes(), "html.parser")
    assert claim.h1 is not None and claim.h1.get_text() == HOSTILE
    assert claim.title is not None and claim.title.get_text().startswith(HOSTILE)
    note = claim.select_one(".prose")
    assert note is not None
    text = note.get_text()
    assert "{{7*7}}" in claim.h1.get_text() and "${7*7}" in claim.h1.get_text()
    assert "49" not in text, "data was rendered as a template"  # Markdown reads *7* as emphasis, no more
    assert "[link](javascript:alert(10))" in text, "a javascript: link was not left as text"
    assert "[png](data:image/png;base64,iVBORw0KGgo=)" in text, "a data: link was not left as text"
    assert '<div onclick="alert(19)">raw block</div>' in text, "raw HTML was not shown as text"
    assert [a["href"] for a in note.find_all("a") if "example.org" in a["href"]] == ["https://example.org/"]
    label = note.select_one("a.claim-ref")
    assert label is not None and label.get_text() == "<b onmouseover=alert(21)>label</b> \"quoted'"


def test_embedded_json_cannot_break_out(hostile: Path) -> None:
    """Any JSON in a page (JSON-LD) keeps `</script>`, `<!--` and U+2028/U+2029 escaped."""
    for page in hostile.rglob("*.html"):
        raw = page.read_text(encoding="utf-8")
        for body in re.findall(r"<script[^>]*>(.*?)</script>", raw, flags=re.S | re.I):
            assert "<!--" not in body and "</" not in body and "\u2028" not in body and "\u2029" not in body, page


def test_exports_parse_whatever_the_payloads(hostile: Path) -> None:
    for path in hostile.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    data = json.loads((hostile / "claims.json").read_text(encoding="utf-8"))
    assert any(claim["title"] == HOSTILE for claim in data["claims"])


def test_the_example_site_satisfies_its_own_policy(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(REPO, site).ok
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        assert offences(page, site) == [], page.relative_to(site)
        policy = policy_of(BeautifulSoup(page.read_bytes(), "html.parser"))
        assert policy["script-src"][0] == "'self'" and policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    css = [p for p in site.rglob("*.css")]
    assert css, "the site's stylesheet is a file, which style-src 'self' allows"


# -- the guards, one by one ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["page.html", "feed.xml", "notes.txt", "data.json", "noextension"])
def test_autoescaping_is_on_whatever_the_template_name(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("{{ value }}")
    environment.cache_clear()
    try:
        rendered = environment(tmp_path, "a fingerprint").get_template(name).render(value="<script>x</script>")
    finally:
        environment.cache_clear()
    assert rendered == "&lt;script&gt;x&lt;/script&gt;"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "\x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:image/png;base64,iVBORw0KGgo=",
        "DATA:image/svg+xml,<svg/onload=alert(1)>",
        "file:///etc/passwd",
    ],
)
def test_markdown_refuses_links_that_run_or_embed(url: str) -> None:
    assert not safe_link(url)
    html = parser().render(f"[x]({url}) ![y]({url})")
    assert "href=" not in html and "src=" not in html, html


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a?b=c#d", "http://example.org", "mailto:desk@example.org", "../claims/x/", "#note", "page/"],
)
def test_markdown_keeps_ordinary_links(url: str) -> None:
    assert safe_link(url)
    assert "href=" in parser().render(f"[x]({url})")


def test_raw_html_is_off_by_default_and_a_setting_turns_it_on(tmp_path: Path) -> None:
    note = "    note: 'Read <abbr title=\"Joint Chiefs of Staff\">JCS</abbr> figures. [bad](javascript:alert(1))'\n"
    claims = edit(CLAIMS, "    topic: Troops\n", "    topic: Troops\n" + note)
    for raw_html, expected in (
        (None, "&lt;abbr"),
        ("false", "&lt;abbr"),
        ("true", '<abbr title="Joint Chiefs of Staff">'),
    ):
        site = claims if raw_html is None else edit(claims, "  description:", f"  raw_html: {raw_html}\n  description:")
        root = write_site(tmp_path / f"desk-{raw_html}", site)
        result, _ = render(root)
        assert result.outputs is not None, [str(p) for p in result.problems.sorted()]
        page = result.outputs["claims/troops-total/index.html"].decode()
        assert expected in page, (raw_html, page[page.find("note") : page.find("note") + 400])
        assert "javascript:" not in re.sub(r">[^<]*<", "><", page), "a javascript: link survived"


def test_raw_html_setting_must_be_true_or_false(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "  description:", "  raw_html: 'yes'\n  description:")
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, "'yes'"), "'raw_html'", "true or false")


def test_archived_texts_never_keep_raw_html(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "  description:", "  raw_html: true\n  description:")
    text = "North Korea sent about 11,000 troops to participate in the war.\n\n<img src=x onerror=alert(1)>\n"
    root = write_site(
        tmp_path, claims, {"content/sources/ap-2025-03-27.md": text + "about 4,000 of them were killed or wounded\n"}
    )
    result, _ = render(root)
    assert result.outputs is not None, [str(p) for p in result.problems.sorted()]
    page = BeautifulSoup(result.outputs["sources/ap-2025-03-27/index.html"], "html.parser")
    archived = page.select_one("article.archived")
    assert archived is not None and archived.find("img") is None
    assert "<img src=x onerror=alert(1)>" in archived.get_text()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium)")
def test_no_payload_runs_in_a_real_browser(hostile: Path) -> None:
    """Chromium loads every page of the corpus, every element hovered: no dialog, no error, no policy violation."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(hostile)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ran: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            page = browser.new_page()
            page.on("dialog", lambda dialog: (ran.append(f"{page.url}: dialog {dialog.message}"), dialog.dismiss()))
            page.on("console", lambda message: message.type == "error" and ran.append(f"{page.url}: {message.text}"))
            for path in sorted(hostile.rglob("*.html")):
                url = f"http://127.0.0.1:{server.server_address[1]}/{path.relative_to(hostile).as_posix()}"
                page.goto(url)
                page.evaluate(HOVER_EVERYTHING)
                page.wait_for_timeout(50)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert [line for line in ran if "404" not in line] == []


HOVER_EVERYTHING = """() => document.querySelectorAll('*').forEach(element => {
    const kinds = element.closest('a') ? ['mouseover', 'focus'] : ['mouseover', 'focus', 'click'];
    kinds.forEach(kind => element.dispatchEvent(new Event(kind, {bubbles: true})));
})"""

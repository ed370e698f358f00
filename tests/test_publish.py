"""What other tools read from a published site, checked with the tools' own parsers."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import feedparser
import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from builder.check.schema import json_schema
from builder.pipeline.build import build
from builder.render import search
from tests.conftest import REPO
from tests.sitefactory import CLAIMS, edit, write_site

BASE = "https://example.org/dprk-russia/"


@pytest.fixture(scope="module")
def site(example_site: Path) -> Path:
    return example_site


@pytest.fixture(scope="module")
def data(site: Path) -> dict:
    return json.loads((site / "claims.json").read_text())


def file_for(site: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    path = site / url.removeprefix(BASE)
    return path / "index.html" if url.endswith("/") else path


def test_sitemap_lists_every_page_and_each_resolves(site: Path) -> None:
    tree = etree.parse(str(site / "sitemap.xml"))
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in tree.findall("s:url/s:loc", namespace)]
    assert all(file_for(site, url).is_file() for url in locations)
    pages = {p for p in site.rglob("*.html") if p.name != "404.html" and "pagefind" not in p.parts}
    boxes = {p for p in pages if p.parent.name == "embed"}  # made to be framed elsewhere, and noindex
    assert boxes and {file_for(site, url) for url in locations} == pages - boxes
    assert (site / "robots.txt").read_text().splitlines()[-1] == f"Sitemap: {BASE}sitemap.xml"


def test_feed_parses_cleanly_newest_first_with_stable_ids(site: Path, data: dict, tmp_path: Path) -> None:
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == len(data["claims"])
    updated = [entry.updated for entry in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    ids = [entry.id for entry in parsed.entries]
    assert sorted(ids) == sorted(BASE + c["url"] for c in data["claims"])
    for entry in parsed.entries:
        assert file_for(site, entry.link).is_file()
    assert build(REPO, tmp_path / "again").ok
    assert (tmp_path / "again" / "feed.xml").read_bytes() == (site / "feed.xml").read_bytes()


def test_feed_entries_keep_markup_characters_as_text(tmp_path: Path) -> None:
    """Titles and topics are the editors' text: `&`, `<`, quotes and tabs in them are escaped in the
    feed, which a strict XML parser reads, and a feed reader gives back as they were written."""
    title = 'Soldiers & "volunteers" <sent> to Russia'
    topic = "Troops\t& 'aid' \"sent\""
    # Written as JSON strings, which YAML reads as double-quoted scalars.
    claims = edit(CLAIMS, "title: North Korean soldiers sent to Russia", f"title: {json.dumps(title)}")
    claims = edit(claims, "topic: Troops", f"topic: {json.dumps(topic)}")
    root = write_site(tmp_path / "desk", claims)
    assert build(root, root / "site").ok
    raw = (root / "site" / "feed.xml").read_bytes()
    etree.fromstring(raw)  # well-formed XML, or it raises
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    entry = next(e for e in parsed.entries if e.title.startswith("Soldiers"))
    assert entry.title.startswith(title + ": ")
    assert [tag.term for tag in entry.tags] == [topic]


def test_csv_round_trips_against_claims_json(site: Path, data: dict) -> None:
    raw = (site / "claims.csv").read_bytes()
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    expected = [(c, v) for c in data["claims"] for v in c["variants"]]
    assert len(rows) == len(expected)
    for row, (claim, variant) in zip(rows, expected, strict=True):
        assert (row["claim_id"], row["source"], row["verdict"]) == (claim["id"], variant["source"], variant["verdict"])
        assert row["text"] == variant["text"] and row["quote"] == (variant["quote"] or "")
        for end in ("low", "high"):
            assert (float(row[end]) if row[end] else None) == variant[end]
        assert (float(row["deviation"]) if row["deviation"] else None) == variant["deviation"]
        assert row["canonical_text"] == claim["canonical"]["text"]


def test_each_claim_has_its_own_json_linked_from_its_page(site: Path, data: dict) -> None:
    for claim in data["claims"]:
        page = site / claim["url"] / "index.html"
        soup = BeautifulSoup(page.read_text(), "html.parser")
        link = soup.select_one("p.data-link a")
        target = Path(urldefrag(urljoin(page.as_uri(), link["href"]))[0].removeprefix("file://"))
        assert json.loads(target.read_text()) == claim


def claim_reviews(html: str) -> list[dict]:
    soup = BeautifulSoup(html, "html.parser")
    return [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]


def test_every_claim_page_carries_a_claim_review(site: Path, data: dict) -> None:
    for claim in data["claims"]:
        (review,) = claim_reviews((site / claim["url"] / "index.html").read_text())
        assert review["@type"] == "ClaimReview" and review["@context"] == "https://schema.org"
        assert review["url"] == BASE + claim["url"]
        assert claim["title"] in review["claimReviewed"]
        assert review["author"]["url"] == BASE
        assert review["datePublished"][:4].isdigit()
        rating = review["reviewRating"]
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["alternateName"]
        item = review["itemReviewed"]
        assert item["@type"] == "Claim"
        assert all(a["url"].startswith("http") for a in item["appearance"])
        if claim["canonical"]["according_to"]:
            assert item["author"]["name"] == claim["canonical"]["according_to"]


def test_claim_review_cannot_be_broken_out_of(tmp_path: Path) -> None:
    root = tmp_path / "desk"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("site", ".git", ".venv", "*.egg-info", "tests", "docs"))
    claims = root / "claims.yaml"
    hostile = "Killed </script><script>alert(1)</script> <!-- \u2028 & more"
    claims.write_text(claims.read_text().replace("title: North Korean soldiers killed\n", f"title: '{hostile}'\n"))
    assert build(root, root / "site").ok
    html = (root / "site" / "claims" / "dprk-killed" / "index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
    title = json.loads((root / "site" / "claims" / "dprk-killed.json").read_text())["title"]
    assert "</script><script>alert(1)</script> <!--" in title
    (review,) = claim_reviews(html)
    assert review["claimReviewed"].startswith(title)
    assert soup.h1.get_text() == title
    assert soup.select_one("table.variants") is not None


def test_pages_name_their_canonical_address_for_search_engines_and_cards(site: Path) -> None:
    soup = BeautifulSoup((site / "claims" / "dprk-killed" / "index.html").read_text(), "html.parser")
    assert soup.find("link", rel="canonical")["href"] == BASE + "claims/dprk-killed/"
    assert soup.find("meta", property="og:url")["content"] == BASE + "claims/dprk-killed/"
    assert soup.find("meta", property="og:title")["content"] == "North Korean soldiers killed"
    assert soup.find("meta", property="og:type")["content"] == "article"
    # A claim page's card is its large image (tests/test_cards.py); a page without one says "summary".
    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    index = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    assert index.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    assert soup.find("link", type="application/atom+xml")["href"] == "../../feed.xml"


def example_as_json() -> dict:
    return json.loads(json.dumps(yaml.safe_load((REPO / "claims.yaml").read_text()), default=str))


def test_example_validates_against_the_generated_schema(site: Path) -> None:
    schema = json.loads((site / "schema" / "claims.schema.json").read_text())
    assert schema == json_schema()
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(example_as_json())
    broken = example_as_json()
    broken["claims"][0]["titel"] = broken["claims"][0].pop("title")
    broken["sources"]["Bad Id"] = {"outlet": "x", "title": "y"}
    messages = [error.message for error in validator.iter_errors(broken)]
    assert any("'titel' was unexpected" in m for m in messages)
    assert any("'title' is a required property" in m for m in messages)


def test_schema_beside_claims_yaml_is_current_and_named_by_it() -> None:
    assert json.loads((REPO / "claims.schema.json").read_text()) == json_schema()
    first = (REPO / "claims.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=claims.schema.json"


def test_without_base_url_there_is_no_sitemap_or_feed_and_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "desk"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("site", ".git", ".venv", "*.egg-info", "tests", "docs"))
    claims = root / "claims.yaml"
    claims.write_text(claims.read_text().replace("  base_url: https://example.org/dprk-russia/\n", ""))
    result = build(root, root / "site")
    assert result.ok
    assert not (root / "site" / "sitemap.xml").exists() and not (root / "site" / "feed.xml").exists()
    assert "Sitemap" not in (root / "site" / "robots.txt").read_text()
    assert any("base_url" in str(p) for p in result.problems.sorted())


def test_without_pagefind_the_site_is_still_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_binary", lambda: str(tmp_path / "no-such-pagefind"))
    result = build(REPO, tmp_path / "site")
    assert result.ok
    warnings = [str(p) for p in result.problems.sorted()]
    assert len([w for w in warnings if "search:" in w]) == 1
    assert (tmp_path / "site" / "claims" / "dprk-killed" / "index.html").is_file()
    assert not (tmp_path / "site" / "pagefind").exists()


NODE = shutil.which("node")
SEARCH = """
const [module, bundle, shards, ...words] = process.argv.slice(2);
const pagefind = await import(module);
await pagefind.options({ basePath: bundle });
for (const shard of JSON.parse(shards)) await pagefind.mergeIndex(bundle + shard);
const answers = {};
for (const word of words) {
  const found = await pagefind.search(word);
  const results = await Promise.all(found.results.map((r) => r.data()));
  answers[word] = results.map((r) => [new URL(r.url).pathname, r.meta.title]);
}
console.log(JSON.stringify(answers));
"""


def node_search(site: Path, tmp_path: Path, *words: str) -> dict[str, dict[str, str]]:
    """Pagefind's own browser search script, run by Node against the index served on loopback, shards merged
    as the search box merges them; for each word, the pages found (path: title)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = tmp_path / "search.mjs"
    script.write_text(SEARCH)
    module = tmp_path / "pagefind.mjs"
    shutil.copy(site / "pagefind" / "pagefind.js", module)
    bundle = f"http://127.0.0.1:{server.server_address[1]}/pagefind/"
    shards = (site / "pagefind" / "shards.json").read_text()
    try:
        done = subprocess.run(
            [NODE, str(script), module.as_uri(), bundle, shards, *words],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    return {word: dict(found) for word, found in json.loads(done.stdout).items()}


@pytest.mark.skipif(NODE is None, reason="no Node.js on this machine to run Pagefind's search script")
def test_search_index_finds_a_claim_by_a_word_of_its_title(site: Path, tmp_path: Path) -> None:
    results = node_search(site, tmp_path, "howitzers")["howitzers"]
    assert results["/claims/dprk-rocket-launchers-type/"] == "Type of the about 220 weapon systems sent to Russia"
    print(f"Pagefind found {len(results)} pages for 'howitzers'", file=sys.stderr)


@pytest.mark.skipif(NODE is None, reason="no Node.js on this machine to run Pagefind's search script")
def test_search_finds_what_was_written_on_the_page_that_holds_it(tmp_path: Path) -> None:
    """A claim page is found by its quotes, not by what factsheet computes (a verdict, a status) nor by what
    it repeats of another page (its source's title, its topic): those find the page that holds them, if any."""
    claims = edit(CLAIMS, "title: North Korea sent about 11,000 troops", "title: Pyongyang dispatch tally")
    claims = edit(claims, "topic: Troops", "topic: Deployments")
    root = write_site(tmp_path / "desk", claims)
    assert build(root, root / "site").ok
    found = node_search(root / "site", tmp_path, "dispatch", "differs", "disputed", "Deployments", "participate")
    assert set(found["dispatch"]) == {"/sources/ap-2025-03-27/"}
    assert found["differs"] == {} and found["disputed"] == {}
    assert set(found["Deployments"]) == {"/topics/deployments/"}
    assert set(found["participate"]) == {"/claims/troops-total/", "/sources/ap-2025-03-27/"}


@pytest.mark.skipif(NODE is None, reason="no Node.js on this machine to run Pagefind's search script")
def test_an_index_in_shards_finds_what_one_index_finds(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large desk's index is in shards: searched together, they find every page one index finds."""
    monkeypatch.setattr(search, "SHARD_SIZE", 8)
    sharded = tmp_path / "sharded"
    assert build(REPO, sharded).ok
    assert len(json.loads((sharded / "pagefind" / "shards.json").read_text())) >= 3
    words = ("howitzers", "soldiers", "Kursk", "wounded")
    whole = node_search(site, tmp_path, *words)
    assert node_search(sharded, tmp_path, *words) == whole
    assert all(whole[word] for word in words)


# -- the desk's policies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["index.html", "claims/dprk-killed/index.html", "discrepancies/index.html", "404.html"]
)
def test_every_page_links_the_desk_s_policies(site: Path, page: str) -> None:
    """`site.policies` names the pages of the methodology, the corrections policy and the ownership: every page's
    footer links each, and the desk's corrections (its site is in git), and each link reaches its page."""
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    links = soup.find("nav", class_="policies").find_all("a")
    assert [a.get_text() for a in links] == [
        "Methodology",
        "Corrections policy",
        "Ownership and funding",
        "Corrections",
    ]
    here = BASE + ("" if page == "404.html" else page.removesuffix("index.html"))
    for link in links:
        target = file_for(site, urljoin(here, link["href"]))
        assert target.is_file(), link["href"]
        assert BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser").h1.get_text() == link.get_text()


def test_the_policies_are_in_the_site_s_structured_data_and_each_claim_review(site: Path) -> None:
    index = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    desk = json.loads(index.find("script", type="application/ld+json").string)
    expected = {
        "publishingPrinciples": BASE + "methodology/",
        "correctionsPolicy": BASE + "corrections-policy/",
        "ownershipFundingInfo": BASE + "ownership/",
    }
    assert desk["@type"] == "Organization" and {k: desk[k] for k in expected} == expected
    claim = BeautifulSoup((site / "claims/dprk-killed/index.html").read_text(encoding="utf-8"), "html.parser")
    review = json.loads(claim.find("script", type="application/ld+json").string)
    assert {k: review["author"][k] for k in expected} == expected


def test_a_desk_without_policies_links_none(tmp_path: Path) -> None:
    root = write_site(tmp_path / "desk")
    assert build(root, tmp_path / "out", search=False).ok
    index = BeautifulSoup((tmp_path / "out" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.find("nav", class_="policies") is None
    assert index.find("script", type="application/ld+json") is None

"""Contract 1.1 as an editor and a reader meet it: figures read as written, typos refused, unknown outlets and
unattributed reports, names in any script, derived figures, `different-measure`, a claim's own tolerance, quotes
matched as they look.

Each test writes a small desk, runs `check` or renders it in memory, and reads what an editor or a reader would:
the reported problem with its place, `claims.json`, or a page's HTML.
"""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from builder.pipeline.stages import render
from tests.conftest import load_conformance
from tests.sitefactory import ARCHIVED_TEXT, CLAIMS, edit, only_problem, position, problems, write_site

VALUES = load_conformance("values.yaml")
AS_WRITTEN = VALUES["as_written"]["cases"]

TEXT_CLAIM = """\
  - id: launcher-type
    title: Type of the launchers sent
    kind: text
    canonical:
      value: multiple rocket launchers
    variants:
      - source: reuters-2025-04-01
        value: TEXT
"""


def rendered(root: Path) -> dict[str, Any]:
    """The site rendered in memory; fails with the problems when there is an error."""
    result, _ = render(root)
    assert result.ok, [str(p) for p in result.problems.sorted()]
    assert result.outputs is not None
    return result.outputs


def claims_json(root: Path) -> dict[str, dict[str, Any]]:
    """Each claim of `claims.json`, by id."""
    data = json.loads(rendered(root)["claims.json"])
    return {claim["id"]: claim for claim in data["claims"]}


def page(outputs: dict[str, Any], url: str) -> BeautifulSoup:
    return BeautifulSoup(outputs[url + "index.html"], "html.parser")


def _end(value: float | None) -> float | None:
    return None if value is None or math.isinf(value) else value


# -- figures read as written ------------------------------------------------------------------


@pytest.mark.parametrize("case", AS_WRITTEN, ids=lambda c: f"{c['raw']}-{c.get('kind', 'number')}")
def test_conformance_figure_written_unquoted_is_read_as_written(tmp_path: Path, case: dict) -> None:
    """A raw YAML scalar, unquoted as a variant's value: an error at its place, or the figure its characters say,
    never what a YAML 1.1 reader makes of it (010 is not 8, 1:30 not 90)."""
    raw = case["raw"]
    if case.get("kind") == "text":
        claims = CLAIMS + TEXT_CLAIM.replace("value: TEXT", f"value: {raw}")
        write_site(tmp_path, claims)
        variant = claims_json(tmp_path)["launcher-type"]["variants"][0]
        assert variant["text"] == case["text"]
        assert variant["verdict"] == "differs"  # compared as text, not set aside as a number
        return
    claims = edit(CLAIMS, "value: 12,000", f"value: {raw}")
    write_site(tmp_path, claims)
    if case.get("error"):
        line, col = position(claims, f"value: {raw}\n")
        message = only_problem(tmp_path, "claims.yaml", line, col + len("value: "), f"'{raw}'")
        assert "write" in message, message  # it says how to write the figure so that no reader misreads it
        return
    variant = claims_json(tmp_path)["troops-total"]["variants"][1]
    assert variant["text"] == raw
    assert (_end(variant["low"]), _end(variant["high"])) == (case["low"], case["high"])


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("1.50", "1.50"), ("0.5", "0.5"), ("12000", "12000"), ("{low: 1.50, high: 2.25}", "1.50–2.25")],
)
def test_a_plain_number_is_shown_with_the_characters_it_was_written_with(tmp_path: Path, raw: str, shown: str) -> None:
    write_site(tmp_path, edit(CLAIMS, "value: 12,000", f"value: {raw}"))
    outputs = rendered(tmp_path)
    assert json.loads(outputs["claims/troops-total.json"])["variants"][1]["text"] == shown
    row = page(outputs, "claims/troops-total/").select("table.variants tbody tr[id]")[1]
    assert row.select_one("td.figure").get_text(" ", strip=True).startswith(shown)


def test_a_ranges_ends_may_be_written_with_grouped_digits(tmp_path: Path) -> None:
    """Contract 1.1 reads `low` and `high` as written, digits grouped as in a phrase; the page shows them so."""
    write_site(tmp_path, edit(CLAIMS, "value: 12,000", 'value: {low: "11,500", high: "12 500"}'))
    assert problems(tmp_path) == []
    variant = json.loads(rendered(tmp_path)["claims/troops-total.json"])["variants"][1]
    assert (variant["low"], variant["high"], variant["text"]) == (11500, 12500, "11,500–12 500")


def test_a_scale_word_in_a_ranges_end_is_an_error_at_that_end(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "value: 12,000", 'value: {low: 11000, high: "1.5 million"}')
    write_site(tmp_path, claims)
    line, col = position(claims, 'high: "1.5 million"')
    only_problem(tmp_path, "claims.yaml", line, col + len("high: "), "'high' must be a number written in digits")


@pytest.mark.parametrize("raw", ["3.000", "010", "0x10", "1:30", "1_000", "+3000"])
def test_a_look_alike_in_a_range_is_an_error_at_its_end(tmp_path: Path, raw: str) -> None:
    claims = edit(CLAIMS, "value: 12,000", f"value: {{low: {raw}, high: 20000}}")
    write_site(tmp_path, claims)
    line, col = position(claims, f"low: {raw}")
    only_problem(tmp_path, "claims.yaml", line, col + len("low: "), f"'{raw}'", "write")


@pytest.mark.parametrize(
    ("phrase", "words"),
    [
        ("3.000", ["3,000", "three thousand"]),
        ("1,5 million", ["decimal", "1.5"]),
        ("010", ["leading zero", "8"]),
        ("'1:30'", ["colon", "90"]),
        ("1.0e+3", ["exponent", "1,000"]),
        ("about 3,000 or more", ["twice"]),
    ],
)
def test_a_look_alike_phrase_says_how_to_write_it(tmp_path: Path, phrase: str, words: list[str]) -> None:
    claims = edit(CLAIMS, "value: more than 3,000", f"value: {phrase}")
    write_site(tmp_path, claims)
    line, col = position(claims, f"value: {phrase}\n")
    only_problem(tmp_path, "claims.yaml", line, col + len("value: "), *words)


def test_new_phrases_of_the_contract_build_with_their_intervals(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "value: more than 3,000", "value: as many as 4,500")
    claims = edit(claims, "value: 12,000", "value: 12k")
    write_site(tmp_path, claims)
    data = claims_json(tmp_path)
    assert data["casualties-total"]["variants"][1]["low"] == 0
    assert data["casualties-total"]["variants"][1]["high"] == 4500
    assert data["casualties-total"]["variants"][1]["text"] == "as many as 4,500"
    assert data["troops-total"]["variants"][1]["low"] == data["troops-total"]["variants"][1]["high"] == 12000


def test_a_percentage_is_in_percent_and_compares_with_a_claim_in_percent(tmp_path: Path) -> None:
    claims = edit(
        CLAIMS,
        "    unit: soldiers\n    canonical:\n      value: about 4,000",
        "    unit: percent\n    canonical:\n      value: about 40%",
    )
    claims = edit(claims, "value: more than 3,000", "value: 41 per cent")
    write_site(tmp_path, claims)
    variant = claims_json(tmp_path)["casualties-total"]["variants"][1]
    assert (variant["low"], variant["high"], variant["value_unit"]) == (41, 41, "%")
    assert variant["verdict"] == "consistent"


# -- typos never drop a figure ------------------------------------------------------------------


def test_a_unit_typo_of_the_claims_unit_is_an_error_with_a_did_you_mean(tmp_path: Path) -> None:
    claims = edit(
        CLAIMS,
        "    unit: soldiers\n    canonical:\n      value: about 4,000",
        "    unit: miles\n    canonical:\n      value: about 4,000",
    )
    claims = edit(claims, "value: more than 3,000", "value: more than 3,000\n        unit: miels")
    write_site(tmp_path, claims)
    line, col = position(claims, "unit: miels")
    only_problem(tmp_path, "claims.yaml", line, col + len("unit: "), "'miels'", "did you mean 'miles'")


def test_a_unit_typo_of_a_common_unit_on_a_physical_claim_is_an_error(tmp_path: Path) -> None:
    claims = edit(
        CLAIMS,
        "    unit: soldiers\n    canonical:\n      value: about 4,000",
        "    unit: km2\n    canonical:\n      value: about 4,000",
    )
    claims = edit(claims, "value: more than 3,000", "value: more than 3,000\n        unit: sqaure miles")
    write_site(tmp_path, claims)
    line, col = position(claims, "unit: sqaure miles")
    only_problem(tmp_path, "claims.yaml", line, col + len("unit: "), "did you mean 'square miles'")


@pytest.mark.parametrize("noun", ["rounds", "mines", "soldier", "troops"])
def test_a_count_noun_near_a_unit_name_is_no_typo(tmp_path: Path, noun: str) -> None:
    """`rounds` is one edit from `pounds`, `mines` from `miles`: on a claim counted in soldiers they are labels,
    compared as they stand, and nothing is dropped, so nothing is said."""
    write_site(tmp_path, edit(CLAIMS, "value: more than 3,000", f"value: more than 3,000\n        unit: {noun}"))
    assert problems(tmp_path) == []


def test_a_variant_its_unit_makes_incomparable_is_a_warning_that_says_why(tmp_path: Path) -> None:
    claims = edit(
        CLAIMS,
        "    unit: soldiers\n    canonical:\n      value: about 4,000",
        "    unit: km2\n    canonical:\n      value: about 4,000",
    )
    claims = edit(claims, "value: more than 3,000", "value: more than 3,000\n        unit: km")
    write_site(tmp_path, claims)
    line, col = position(claims, "unit: km\n")
    message = only_problem(tmp_path, "claims.yaml", line, col + len("unit: "), "incomparable", severity="warning")
    assert "'km'" in message and "'km2'" in message, message
    assert claims_json(tmp_path)["casualties-total"]["variants"][1]["verdict"] == "incomparable"


def test_a_fractional_count_of_a_count_noun_is_a_warning(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "value: more than 3,000", "value: 50.78")
    write_site(tmp_path, claims)
    line, col = position(claims, "value: 50.78")
    only_problem(tmp_path, "claims.yaml", line, col + len("value: "), "fractions", "soldiers", severity="warning")


# -- unknown outlets and unattributed reports ------------------------------------------------------


UNNAMED = """\
site:
  title: Unnamed articles
  base_url: https://example.org/desk/
sources:
  first-article:
    title: North Korea sent about 11,000 troops
  second-article:
    title: Pyongyang's soldiers in Kursk
  third-article:
    title: Seoul says 11,000
  named-article:
    outlet: Yonhap
    title: Yonhap on the deployment
claims:
  - id: troops-total
    title: North Korean soldiers sent to Russia
    unit: soldiers
    canonical:
      value: about 11,000
    variants:
      - source: first-article
        value: about 11,000
      - source: second-article
        value: around 11,000
      - source: third-article
        value: 11,000
        according_to: South Korea's military
      - source: named-article
        value: about 11,000
"""


def test_unnamed_articles_are_never_merged_into_one_originator(tmp_path: Path) -> None:
    write_site(tmp_path, UNNAMED, {"content/about.md": None, "content/sources/ap-2025-03-27.md": None})
    assert problems(tmp_path) == []
    outputs = rendered(tmp_path)
    claim = json.loads(outputs["claims/troops-total.json"])
    assert (claim["originators"], claim["unattributed"]) == (2, 2)  # South Korea's military, Yonhap; two unnamed
    assert [v["outlet"] for v in claim["variants"]] == [None, None, None, "Yonhap"]
    tally = page(outputs, "claims/troops-total/").select_one(".tally").get_text(" ", strip=True)
    assert "from 2 independent originators and 2 unattributed reports" in tally
    # No outlet page for an unknown outlet; the source page and the table say it is unknown.
    assert [url for url in outputs if url.startswith("outlets/")] == ["outlets/yonhap/index.html"]
    source = page(outputs, "sources/first-article/")
    assert "outlet unknown" in source.select_one("dl").get_text(" ", strip=True)
    rows = page(outputs, "claims/troops-total/").select("table.variants tbody tr[id]")
    assert rows[0].select_one("th .outlet").get_text(strip=True) == "outlet unknown"
    assert rows[0].select_one("th .by").get_text(strip=True) == "unattributed"
    assert rows[2].select_one("th .by").get_text(" ", strip=True) == "according to South Korea's military"


# -- names in any script -------------------------------------------------------------------------


def test_names_in_hangul_cyrillic_and_arabic_build_with_ascii_slugs(tmp_path: Path) -> None:
    desk = UNNAMED.replace(
        "    title: North Korea sent about 11,000 troops\n", "    outlet: 연합뉴스\n    title: 북한군 1만1000명\n"
    )
    desk = desk.replace(
        "    title: Pyongyang's soldiers in Kursk\n", "    outlet: Укрінформ\n    title: Солдати КНДР\n"
    )
    desk = desk.replace("    title: Seoul says 11,000\n", "    outlet: الجزيرة\n    title: كوريا الشمالية\n")
    desk = desk.replace("according_to: South Korea's military", "according_to: Генштаб ЗСУ")
    write_site(tmp_path, desk, {"content/about.md": None, "content/sources/ap-2025-03-27.md": None})
    assert problems(tmp_path) == []
    outputs = rendered(tmp_path)
    outlet_pages = sorted(url for url in outputs if url.startswith(("outlets/", "originators/")))
    for url in outlet_pages:
        assert url.isascii(), url
    assert len([url for url in outlet_pages if url.startswith("outlets/")]) == 4
    headings = " | ".join(page(outputs, url.removesuffix("index.html")).h1.get_text(strip=True) for url in outlet_pages)
    for name in ("연합뉴스", "Укрінформ", "الجزيرة", "Генштаб ЗСУ"):
        assert name in headings, headings


def test_one_originator_written_two_ways_is_one_page_and_one_originator(tmp_path: Path) -> None:
    desk = UNNAMED.replace(
        "      - source: second-article\n        value: around 11,000\n",
        "      - source: second-article\n        value: around 11,000\n        according_to: South Korea’s  Military\n",
    )
    write_site(tmp_path, desk, {"content/about.md": None, "content/sources/ap-2025-03-27.md": None})
    assert problems(tmp_path) == []
    outputs = rendered(tmp_path)
    assert [url for url in outputs if url.startswith("originators/")] == [
        "originators/south-korea-s-military/index.html"
    ]
    originator = page(outputs, "originators/south-korea-s-military/")
    assert len(originator.select("table.figures tbody tr")) == 2
    assert json.loads(outputs["claims/troops-total.json"])["originators"] == 2  # one for both spellings, and Yonhap


def test_a_word_mixing_scripts_is_a_warning_naming_the_letter(tmp_path: Path) -> None:
    lookalike = "Ministr\u0443 of Defence"  # the last letter of "Ministry" typed on a Cyrillic keyboard
    claims = edit(CLAIMS, "        value: 12,000\n", f"        value: 12,000\n        according_to: {lookalike}\n")
    write_site(tmp_path, claims)
    line, col = position(claims, f"according_to: {lookalike}")
    only_problem(
        tmp_path, "claims.yaml", line, col + len("according_to: "), "Latin and Cyrillic", "CYRILLIC SMALL LETTER U",
        severity="warning",
    )  # fmt: skip


# -- derived figures, different-measure, a claim's tolerance ------------------------------------


def test_a_derived_figure_shows_the_sources_words_and_the_desks_reading(tmp_path: Path) -> None:
    text = ARCHIVED_TEXT + "\nTwo-thirds of these troops were killed, Zelensky said.\n"
    claims = edit(CLAIMS, "value: more than 3,000", "value: about 2,700\n        written: two-thirds of these troops")
    write_site(tmp_path, claims, {"content/sources/ap-2025-03-27.md": text})
    outputs = rendered(tmp_path)
    variant = json.loads(outputs["claims/casualties-total.json"])["variants"][1]
    assert (variant["text"], variant["written"], variant["low"]) == ("about 2,700", "two-thirds of these troops", 2430)
    cell = page(outputs, "claims/casualties-total/").select("table.variants tbody tr[id]")[1].select_one("td.figure")
    assert cell.contents[0].strip() == "two-thirds of these troops"  # the figure as written is the source's words
    assert cell.select_one(".derived").get_text(strip=True) == "the desk reads it as about 2,700"
    # Where the figure is listed with its unit (the discrepancies, the source's page), the unit goes with the
    # desk's reading, never after the source's own words.
    for url in ("discrepancies/", "sources/reuters-2025-04-01/"):
        cells = [td.get_text(" | ", strip=True) for td in page(outputs, url).select("table.figures tbody td.figure")]
        assert "two-thirds of these troops | the desk reads it as about 2,700 soldiers" in cells, (url, cells)
    assert json.loads(outputs["claims/casualties-total.json"])["variants"][0]["written"] is None


def test_different_measure_is_set_aside_and_listed_apart(tmp_path: Path) -> None:
    claims = edit(
        CLAIMS,
        "value: 12,000\n",
        "value: up to 20,000\n        verdict: different-measure\n        note: Counts the troops in Kursk.\n",
    )
    write_site(tmp_path, claims)
    outputs = rendered(tmp_path)
    claim = json.loads(outputs["claims/troops-total.json"])
    assert claim["status"] == "single-source"  # the one comparable figure agrees; the other is set aside
    assert claim["variants"][1]["verdict"] == "different-measure"
    claim_page = page(outputs, "claims/troops-total/")
    assert "1 counts something else" in claim_page.select_one(".tally").get_text(" ", strip=True)
    assert [li.get_text(" ", strip=True) for li in claim_page.select(".set-apart li")] == [
        "Reuters : up to 20,000 — ≠ different-measure"
    ]
    discrepancies = page(outputs, "discrepancies/")
    assert "different-measure" not in {row.get("data-verdict") for row in discrepancies.select("tbody tr")}


def test_different_measure_needs_a_note(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "value: 12,000\n", "value: 12,000\n        verdict: different-measure\n")
    write_site(tmp_path, claims)
    line, col = position(claims, "verdict: different-measure")
    only_problem(tmp_path, "claims.yaml", line, col + len("verdict: "), "needs a note")


def test_a_claims_own_tolerance_overrides_the_sites(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "value: more than 3,000", "value: 3,700")
    write_site(tmp_path, claims)
    assert claims_json(tmp_path)["casualties-total"]["variants"][1]["verdict"] == "consistent"  # 3,600-4,400
    write_site(
        tmp_path,
        edit(
            claims,
            "    unit: soldiers\n    canonical:\n      value: about 4,000",
            "    unit: soldiers\n    tolerance: 0.05\n    canonical:\n      value: about 4,000",
        ),
    )
    claim = claims_json(tmp_path)["casualties-total"]
    assert (claim["tolerance"], claim["canonical"]["low"]) == (0.05, 3800)
    assert claim["variants"][1]["verdict"] == "differs"  # 3,700 is outside 3,800-4,200


# -- quotes matched as they look ------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        unicodedata.normalize("NFD", "Officials in Séoul confirmed about 4,000 casualties"),
        "Officials in Séoul con\u200bfirmed about 4,000 casualties",
        "Officials in Séoul con\u00adfirmed about 4,000 casualties",
        "\ufeffOfficials in Séoul confirmed about 4,000\u2060 casualties",
    ],
    ids=["nfd", "zero-width-space", "soft-hyphen", "byte-order-mark-and-word-joiner"],
)
def test_a_quote_that_looks_like_its_passage_is_found(tmp_path: Path, quote: str) -> None:
    text = ARCHIVED_TEXT + "\nOfficials in Séoul confirmed about 4,000 casualties.\n"
    claims = edit(CLAIMS, '"about 4,000 of them were killed or wounded"', json.dumps(quote))
    write_site(tmp_path, claims, {"content/sources/ap-2025-03-27.md": unicodedata.normalize("NFC", text)})
    assert problems(tmp_path) == []
    assert claims_json(tmp_path)["casualties-total"]["variants"][0]["quote_verified"] is True


def test_a_word_quantity_takes_of_before_a_count_noun(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "      value: about 11,000\n      as_of", "      value: thousands\n      as_of")
    claims = edit(claims, "      value: about 4,000\n      source", "      value: a dozen\n      source")
    write_site(tmp_path, claims)
    outputs = rendered(tmp_path)
    links = [a.get_text() for a in page(outputs, "about/").select("main a[href*='claims/']")]
    assert links == ["thousands of soldiers", "about 4,000"]  # the second link's text is given in the page
    assert page(outputs, "claims/troops-total/").select_one(".headline-figure").get_text() == "thousands of soldiers"
    assert page(outputs, "claims/casualties-total/").select_one(".headline-figure").get_text() == "a dozen soldiers"


@pytest.mark.parametrize(("raw", "error"), [("1955", True), ("12:30", False), ("{low: 1, high: 2}", True)])
def test_a_text_claims_canonical_figure_must_be_text_as_written(tmp_path: Path, raw: str, error: bool) -> None:
    claims = CLAIMS + TEXT_CLAIM.replace("value: multiple rocket launchers", f"value: {raw}").replace(
        "value: TEXT", "value: multiple rocket launchers"
    )
    write_site(tmp_path, claims)
    found = [p for p in problems(tmp_path) if p.severity == "error"]
    if error:
        assert [p.message for p in found] == ["the canonical figure of a text claim must be text"]
    else:
        assert found == []
        assert claims_json(tmp_path)["launcher-type"]["canonical"]["text"] == raw

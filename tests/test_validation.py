"""Every kind of editorial mistake is reported as `path:line:col: error: message`, at its place.

Each test writes a small site into a temporary folder, changes one thing, and
compares what `check` reports: the path, line and column exactly, the message by
its key words. Expected lines and columns are computed from the text written.
"""

from __future__ import annotations

import textwrap
import threading
import time
from pathlib import Path

import pytest

from builder.pipeline.build import build
from builder.pipeline.stages import check
from builder.read import yamlsource
from tests.benchmarks.generate import generate
from tests.sitefactory import (
    ABOUT,
    ARCHIVED_TEXT,
    CLAIMS,
    edit,
    only_problem,
    parse_problem,
    problems,
    spaced,
    write_site,
)
from tests.sitefactory import position as at

ARCHIVED = "content/sources/ap-2025-03-27.md"
INCLUDE = edit(CLAIMS, "sources:\n", "include:\n  - claims/*.yaml\nsources:\n")
THIRD_CLAIM = "  - id: {id}\n    title: A third figure\n    canonical:\n      value: 5\n"


# -- a valid site ----------------------------------------------------------------


def test_minimal_site_has_no_problems(tmp_path: Path) -> None:
    write_site(tmp_path)
    result = check(tmp_path)
    assert [str(p) for p in result.problems.sorted()] == []
    assert result.ok
    assert result.site is not None
    assert {c.id for c in result.site.claims} == {"troops-total", "casualties-total"}
    assert [p.name for p in result.site.pages] == ["about"]


@pytest.mark.parametrize(
    "value",
    [
        "12000",
        "12,000",
        "1.2 million",
        "about 12,000",
        "more than 10,000",
        "at least 10,000",
        "up to 13,000",
        "fewer than 13,000",
        "nearly 12,500",
        "just over 11,000",
        "10,000-12,000",
        "10,000 to 12,000",
        "between 10,000 and 12,000",
        "About 10,000–12,000",
        "thousands",
        "tens of thousands",
        "{low: 10000, high: 12000}",
        "{low: 10000}",
        "{high: 12000}",
    ],
)
def test_accepted_figures_are_valid(tmp_path: Path, value: str) -> None:
    write_site(tmp_path, edit(CLAIMS, "value: 12,000", f"value: {value}"))
    assert [f"{p.path}:{p.line}:{p.col}: {p.message}" for p in problems(tmp_path)] == []


# -- the file itself ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "marker", "words"),
    [
        pytest.param(
            "    outlet: Reuters\n", "    outlet: Reuters\n   bad: x\n", "bad: x", ["expected key"], id="indentation"
        ),
        pytest.param("  title: Test desk\n", "  title: Test: desk\n", ": desk", ["mapping values"], id="colon"),
        pytest.param("  title: Test desk\n", "\ttitle: Test desk\n", "\ttitle", ["cannot start any token"], id="tab"),
    ],
)
def test_yaml_syntax_error_at_its_place(tmp_path: Path, old: str, new: str, marker: str, words: list[str]) -> None:
    claims = edit(CLAIMS, old, new)
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, marker), "YAML", *words)


@pytest.mark.parametrize("claims", ["", "# nothing yet\n", "---\n"], ids=["empty", "comment", "document-marker"])
def test_empty_claims_file(tmp_path: Path, claims: str) -> None:
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", 1, 1, "empty", "site", "title")


@pytest.mark.parametrize("claims", ["- site\n- claims\n", "just some words\n"], ids=["list", "scalar"])
def test_claims_file_that_is_not_a_mapping(tmp_path: Path, claims: str) -> None:
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", 1, 1, "not a mapping", "site")


def test_non_utf8_claims_file(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "  title: Test desk", "  title: Café desk")
    write_site(tmp_path, files={"claims.yaml": claims.encode("latin-1")})
    found = problems(tmp_path)
    line, col = at(claims, "é")
    assert len(found) == 1, found
    assert (found[0].path, found[0].line, found[0].severity) == ("claims.yaml", line, "error")
    assert found[0].col in (1, col)
    assert "UTF-8" in found[0].message


BILLION_LAUGHS = textwrap.dedent(
    """\
    lol0: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    lol1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    lol2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    lol3: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    lol4: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    lol5: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    lol6: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    lol7: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    lol8: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    """
)


@pytest.mark.parametrize("claims", [BILLION_LAUGHS, CLAIMS + BILLION_LAUGHS], ids=["alone", "after-a-valid-site"])
def test_alias_bomb_is_refused_quickly(tmp_path: Path, claims: str) -> None:
    write_site(tmp_path, claims)
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(problems(tmp_path)), daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "check did not return within 20 s on an alias bomb"
    assert time.monotonic() - started < 10
    assert outcome, "check raised instead of reporting"
    found = outcome[0]
    first_line = claims.count("\n", 0, claims.index("lol0:")) + 1
    # The limit is crossed at some alias of the bomb; which one is the reader's business.
    assert len(found) == 1, found
    assert found[0].path == "claims.yaml"
    assert found[0].severity == "error"
    assert first_line <= found[0].line < first_line + 9
    assert "refusing" in found[0].message


# -- keys ------------------------------------------------------------------------


def test_missing_site_title_is_reported_at_the_start_of_site(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "  title: Test desk\n", "")
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, "base_url:"), "site", "needs", "'title'")


def test_misspelt_title_is_unknown_and_title_missing(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "  title: Test desk\n", "  titel: Test desk\n")
    write_site(tmp_path, claims)
    line, col = at(claims, "titel")
    found = problems(tmp_path)
    assert [p.where for p in found] == [("claims.yaml", line, col, "error")] * 2, found
    messages = sorted(p.message for p in found)
    assert "'title'" in messages[0] and "needs" in messages[0]
    assert "unknown key 'titel'" in messages[1] and "did you mean 'title'" in messages[1]


@pytest.mark.parametrize(
    ("old", "new", "key", "suggestion"),
    [
        pytest.param("  language: en\n", "  langauge: en\n", "langauge", "language", id="site"),
        pytest.param("    outlet: Reuters\n", "    outlet: Reuters\n    autor: Jo\n", "autor", "author", id="source"),
        pytest.param("    topic: Troops\n", "    topik: Troops\n", "topik", "topic", id="claim"),
        pytest.param("      as_of: 2025-03-27\n", "      as-of: 2025-03-27\n", "as-of", "as_of", id="canonical"),
        pytest.param(
            "        value: 12,000\n", "        value: 12,000\n        qoute: x\n", "qoute", "quote", id="variant"
        ),
        pytest.param("sources:\n", "includes: []\nsources:\n", "includes", "include", id="top-level"),
    ],
)
def test_unknown_key_with_suggestion(tmp_path: Path, old: str, new: str, key: str, suggestion: str) -> None:
    base = edit(CLAIMS, "  description:", "  language: en\n  description:")
    claims = edit(base, old, new)
    write_site(tmp_path, claims)
    only_problem(
        tmp_path, "claims.yaml", *at(claims, key + ":"), f"unknown key '{key}'", f"did you mean '{suggestion}'"
    )


@pytest.mark.parametrize("language", ["English", "en_GB", "<b>en</b>", "e"])
def test_a_site_language_that_is_no_language_tag_is_a_warning_where_written(tmp_path: Path, language: str) -> None:
    claims = edit(CLAIMS, "  description:", f"  language: '{language}'\n  description:")
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, f"'{language}'"), "is not a language tag", severity="warning")


@pytest.mark.parametrize("language", ["en", "en-GB", "uk-UA", "ko", "ar-EG"])
def test_a_language_tag_is_no_problem(tmp_path: Path, language: str) -> None:
    write_site(tmp_path, spaced(edit(CLAIMS, "  description:", f"  language: {language}\n  description:")))
    assert problems(tmp_path) == []


@pytest.mark.parametrize("language", ["pt-BR", "zh-Hant", "de-CH-1996"])
def test_a_language_without_a_catalog_is_a_warning_that_says_how_to_add_one(tmp_path: Path, language: str) -> None:
    claims = edit(CLAIMS, "  description:", f"  language: {language}\n  description:")
    write_site(tmp_path, claims)
    message = only_problem(tmp_path, "claims.yaml", *at(claims, language), "no catalog", severity="warning")
    assert "docs/languages.md" in message and "ko" in message


def test_unknown_key_in_front_matter(tmp_path: Path) -> None:
    about = edit(ABOUT, "order: 1", "ordre: 1")
    write_site(tmp_path, files={"content/about.md": about})
    only_problem(tmp_path, "content/about.md", *at(about, "ordre"), "unknown key 'ordre'", "did you mean 'order'")


@pytest.mark.parametrize(
    ("old", "new", "name", "first", "second"),
    [
        pytest.param(
            "    topic: Troops\n",
            "    topic: Troops\n    topic: Soldiers\n",
            "topic",
            "topic: T",
            "topic: S",
            id="claim",
        ),
        pytest.param(
            "  title: Test desk\n",
            "  title: Test desk\n  title: Other desk\n",
            "title",
            "title: T",
            "title: O",
            id="site",
        ),
        pytest.param(
            "  reuters-2025-04-01:\n",
            "  reuters-2025-04-01:\n    outlet: BBC\n    title: Other\n  reuters-2025-04-01:\n",
            "reuters-2025-04-01",
            "reuters-2025-04-01:\n    outlet: BBC",
            "reuters-2025-04-01:\n    outlet: Reuters",
            id="source-id",
        ),
    ],
)
def test_key_given_twice_at_second_occurrence(
    tmp_path: Path, old: str, new: str, name: str, first: str, second: str
) -> None:
    claims = edit(CLAIMS, old, new)
    write_site(tmp_path, claims)
    first_line, _ = at(claims, first)
    message = only_problem(tmp_path, "claims.yaml", *at(claims, second), f"'{name}'", "twice")
    assert f"line {first_line}" in message


# -- ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["same-file", "included-file"])
def test_duplicate_claim_id_at_second_definition(tmp_path: Path, where: str) -> None:
    if where == "same-file":
        claims = CLAIMS + THIRD_CLAIM.format(id="troops-total")
        write_site(tmp_path, claims)
        second_path, (line, col) = "claims.yaml", at(claims, "troops-total", 2)
    else:
        claims = INCLUDE
        more = "claims:\n" + THIRD_CLAIM.format(id="troops-total")
        write_site(tmp_path, claims, {"claims/more.yaml": more})
        second_path, (line, col) = "claims/more.yaml", at(more, "troops-total")
    first_line, first_col = at(claims, "troops-total")
    message = only_problem(tmp_path, second_path, line, col, "'troops-total'", "twice")
    assert f"claims.yaml:{first_line}:{first_col}" in message


def test_duplicate_source_id_across_files(tmp_path: Path) -> None:
    more = "sources:\n  reuters-2025-04-01:\n    outlet: Reuters\n    title: Another article\nclaims: []\n"
    write_site(tmp_path, INCLUDE, {"claims/more.yaml": more})
    first_line, first_col = at(INCLUDE, "reuters-2025-04-01:")
    message = only_problem(
        tmp_path, "claims/more.yaml", *at(more, "reuters-2025-04-01:"), "'reuters-2025-04-01'", "twice"
    )
    assert f"claims.yaml:{first_line}:{first_col}" in message


@pytest.mark.parametrize("bad_id", ["Bad_ID", "../x"])
def test_claim_id_must_be_a_slug(tmp_path: Path, bad_id: str) -> None:
    claims = CLAIMS + THIRD_CLAIM.format(id=bad_id)
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, bad_id), f"'{bad_id}'", "lower-case")


@pytest.mark.parametrize("bad_id", ["Bad_ID", "../x"])
def test_source_id_must_be_a_slug(tmp_path: Path, bad_id: str) -> None:
    claims = edit(CLAIMS, "claims:\n", f"  {bad_id}:\n    outlet: BBC\n    title: Unused\nclaims:\n")
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, bad_id), f"'{bad_id}'", "lower-case")


# -- references --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            "source: reuters-2025-04-01\n        value: 12,000",
            "source: reuters-2025-04-10\n        value: 12,000",
            id="variant",
        ),
        pytest.param(
            "      source: ap-2025-03-27\n    related",
            "      source: ap-2025-03-72\n    related",
            id="canonical",
        ),
    ],
)
def test_unknown_source_with_suggestion(tmp_path: Path, old: str, new: str) -> None:
    claims = edit(CLAIMS, old, new)
    write_site(tmp_path, claims)
    wrong = new.split("source: ")[1].split("\n")[0]
    right = old.split("source: ")[1].split("\n")[0]
    only_problem(tmp_path, "claims.yaml", *at(claims, wrong), f"unknown source '{wrong}'", f"did you mean '{right}'")


def test_unknown_claim_in_related(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "related: [casualties-total]", "related: [casualties-totl]")
    write_site(tmp_path, claims)
    only_problem(
        tmp_path,
        "claims.yaml",
        *at(claims, "casualties-totl]"),
        "unknown claim 'casualties-totl'",
        "did you mean 'casualties-total'",
    )


@pytest.mark.parametrize("where", ["claim", "variant"])
def test_a_note_may_name_a_later_claim_and_an_unknown_one_is_reported_there(tmp_path: Path, where: str) -> None:
    # troops-total comes first: its notes may name casualties-total, defined after it.
    indent = "    " if where == "claim" else "        "
    anchor = "    related: [casualties-total]\n" if where == "claim" else "        value: 12,000\n"
    note = f"{indent}note: Compare [[casualties-total]].\n"
    claims = edit(CLAIMS, anchor, anchor + note)
    write_site(tmp_path, claims)
    assert problems(tmp_path) == []
    claims = edit(CLAIMS, anchor, anchor + note.replace("casualties-total", "casualties-totl"))
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, "Compare"), "unknown claim '[[casualties-totl]]'", "did you mean")


@pytest.mark.parametrize(
    ("old", "new", "marker", "words"),
    [
        pytest.param(
            "[[troops-total]]", "[[troops-totl]]", "[[troops-totl]]", ["did you mean 'troops-total'"], id="typo"
        ),
        pytest.param(
            "lost [[casualties-total|about 4,000]].",
            "lost [[casualties-total|about 4,000]].\n\nThe list:\n\n- first\n- then [[nope|a figure]] here",
            "[[nope|a figure]]",
            [],
            id="labelled-in-a-list",
        ),
    ],
)
def test_unknown_claim_reference_in_a_page(tmp_path: Path, old: str, new: str, marker: str, words: list[str]) -> None:
    about = edit(ABOUT, old, new)
    write_site(tmp_path, files={"content/about.md": about})
    claim_id = marker[2:].split("|")[0].rstrip("]")
    only_problem(tmp_path, "content/about.md", *at(about, marker), f"unknown claim '[[{claim_id}]]'", *words)


def test_reference_inside_code_is_not_checked(tmp_path: Path) -> None:
    about = ABOUT + "\nWrite `[[claim-id]]` to link a claim.\n"
    write_site(tmp_path, files={"content/about.md": about})
    assert problems(tmp_path) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("# Methodology\n\nWe count.\n", ["front matter"], id="none"),
        pytest.param("---\ntitle: Methodology\n\nWe count.\n", ["not closed"], id="unclosed"),
    ],
)
def test_page_without_front_matter(tmp_path: Path, text: str, words: list[str]) -> None:
    write_site(tmp_path, files={"content/methodology.md": text})
    only_problem(tmp_path, "content/methodology.md", 1, 1, *words)


def test_include_that_matches_nothing_is_a_warning(tmp_path: Path) -> None:
    write_site(tmp_path, INCLUDE)
    only_problem(
        tmp_path, "claims.yaml", *at(INCLUDE, "claims/*.yaml"), "claims/*.yaml", "matches no file", severity="warning"
    )
    assert check(tmp_path).ok


# -- values ------------------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["lots", "twelve thousand", "5 or 6", "about"])
def test_value_that_is_not_a_figure(tmp_path: Path, phrase: str) -> None:
    claims = edit(CLAIMS, "value: 12,000", f"value: {phrase}")
    write_site(tmp_path, claims)
    line, col = at(claims, phrase + "\n")
    message = only_problem(tmp_path, "claims.yaml", line, col, f"'{phrase}'", "not a figure")
    for form in ("about", "more than", "at least", "up to", "between A and B", "thousands", "{low: A, high: B}"):
        assert form in message


def test_range_running_backwards(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "value: 12,000", "value: {low: 5, high: 3}")
    write_site(tmp_path, claims)
    message = only_problem(tmp_path, "claims.yaml", *at(claims, "{low: 5"), "low", "high")
    assert "more than" in message, message
    assert "RangeValue" not in message


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "{low: .nan, high: 5}", "{low: 1, high: .inf}"])
def test_value_that_is_not_finite(tmp_path: Path, value: str) -> None:
    """Reported at the value, or at the end of a range that is not finite."""
    claims = edit(CLAIMS, "value: 12,000", f"value: {value}")
    write_site(tmp_path, claims)
    bad = next((end for end in (".nan", ".inf") if value.startswith("{") and end in value), value)
    line, col = at(claims, value + "\n")
    col += value.index(bad) if bad != value else 0
    message = only_problem(tmp_path, "claims.yaml", line, col, "finite")
    assert "RangeValue" not in message


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        pytest.param("as_of: 2025-03-27", "as_of: 2025-02-30", ["2025-02-30", "day"], id="yaml-date"),
        pytest.param("as_of: 2025-03-27", "as_of: '2025-02-30'", ["2025-02-30", "exist"], id="quoted"),
        pytest.param("as_of: 2025-03-27", "as_of: 2025-13", ["2025-13", "exist"], id="month-13"),
        pytest.param("as_of: 2025-03-27", "as_of: March 2025", ["March 2025", "YYYY-MM-DD"], id="words"),
        pytest.param("published: 2025-04-01", "published: 2025-02-30", ["2025-02-30", "day"], id="published"),
    ],
)
def test_bad_date(tmp_path: Path, old: str, new: str, words: list[str]) -> None:
    claims = edit(CLAIMS, old, new)
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, new.split(": ", 1)[1]), *words)


def test_a_date_written_in_many_places_is_read_alike_and_a_wrong_one_reported_at_each(tmp_path: Path) -> None:
    """A desk writes the same date on many figures (each is read once, then remembered): an impossible
    one is an error at every place it is written, a good one the same period wherever it stands."""
    claims = edit(CLAIMS, "      as_of: 2025-03-27\n", "      as_of: '2025-02-30'\n")
    canonical = "      value: about 4,000\n      source: ap-2025-03-27\n"
    claims = edit(claims, canonical, canonical + "      as_of: '2025-02-30'\n")
    write_site(tmp_path, claims)
    found = problems(tmp_path)
    places = [at(claims, "'2025-02-30'", occurrence) for occurrence in (1, 2)]
    assert [(p.line, p.col, p.severity) for p in found] == [(*place, "error") for place in places], found
    assert all("2025-02-30" in p.message for p in found)
    write_site(tmp_path, claims.replace("'2025-02-30'", "2025-03"))
    assert problems(tmp_path) == []
    site = check(tmp_path).site
    assert site is not None
    periods = [claim.canonical.figure.as_of for claim in site.claims]
    assert [str(p) for p in periods] == ["2025-03", "2025-03"]
    assert all((p.start.isoformat(), p.end.isoformat()) == ("2025-03-01", "2025-03-31") for p in periods if p)


@pytest.mark.parametrize("verdict", ["misattributed", "misquoted", "retracted"])
def test_editorial_verdict_needs_a_note(tmp_path: Path, verdict: str) -> None:
    claims = edit(CLAIMS, "        value: 12,000\n", f"        value: 12,000\n        verdict: {verdict}\n")
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, verdict), f"'{verdict}'", "note")


@pytest.mark.parametrize("verdict", ["matches", "consistent", "differs", "outdated", "incomparable"])
def test_computed_verdict_cannot_be_set(tmp_path: Path, verdict: str) -> None:
    claims = edit(
        CLAIMS,
        "        value: 12,000\n",
        f"        value: 12,000\n        verdict: {verdict}\n        note: We say so.\n",
    )
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, verdict), f"'{verdict}'", "misattributed", "retracted")


@pytest.mark.parametrize(
    ("old", "new", "field", "word"),
    [
        pytest.param("outlet: Reuters", "outlet: yes", "outlet", "true", id="outlet"),
        pytest.param("topic: Troops", "topic: yes", "topic", "true", id="topic"),
        pytest.param("title: North Korean soldiers killed or wounded", "title: on", "title", "true", id="title"),
        pytest.param(
            '    quote: "about 4,000 of them were killed or wounded"', "    quote: no", "quote", "false", id="quote"
        ),
    ],
)
def test_yes_where_text_is_expected(tmp_path: Path, old: str, new: str, field: str, word: str) -> None:
    claims = edit(CLAIMS, old, new)
    write_site(tmp_path, claims)
    value = new.split(": ", 1)[1]
    line, _ = at(claims, new.strip())
    _, col = at(claims.split("\n")[line - 1], value)
    only_problem(tmp_path, "claims.yaml", line, col, f"'{field}'", "text", word)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("url: https://apnews.com/article/dprk-troops", "url: javascript:alert(1)", id="javascript"),
        pytest.param("url: https://apnews.com/article/dprk-troops", "url: JavaScript:alert(1)", id="upper-case"),
        pytest.param("url: https://apnews.com/article/dprk-troops", "url: 'data:text/html,x'", id="data"),
        pytest.param("url: https://apnews.com/article/dprk-troops", "url: //apnews.com/x", id="scheme-relative"),
        pytest.param(
            "url: https://apnews.com/article/dprk-troops", "url: javascript://apnews.com/%0Aalert(1)", id="js-with-host"
        ),
        pytest.param("url: https://apnews.com/article/dprk-troops", "url: ftp://apnews.com/x", id="ftp"),
        pytest.param("base_url: https://example.org/desk/", "base_url: javascript:alert(1)", id="base_url"),
    ],
)
def test_url_must_be_http(tmp_path: Path, old: str, new: str) -> None:
    claims = edit(CLAIMS, old, new)
    write_site(tmp_path, claims)
    value = new.split(": ", 1)[1]
    only_problem(tmp_path, "claims.yaml", *at(claims, value), "http", value.strip("'"))


def test_quote_not_in_archived_text_names_the_closest_passage(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "of them were killed or wounded", "of them were killed in action")
    write_site(tmp_path, claims)
    only_problem(
        tmp_path,
        "claims.yaml",
        *at(claims, '"about 4,000 of them were killed in action"'),
        "quote not found",
        ARCHIVED,
        "closest passage",
        "about 4,000 of them were killed",
    )


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        pytest.param("topic: Casualties", "topic: Troops!", "topic", id="topic"),
        pytest.param(
            "    outlet: Reuters\n    title: North Korean casualties mount\n",
            "    title: North Korean casualties mount\n    outlet: Associated-Press\n",
            "outlet",
            id="outlet",
        ),
    ],
)
def test_names_sharing_one_url(tmp_path: Path, old: str, new: str, field: str) -> None:
    """`Troops` and `Troops!` would both be /topics/troops/, yet are not one name written two ways (as `Troops`
    and `troops` are, folded as the contract says): reported at the second name, where it is written."""
    claims = edit(CLAIMS, old, new)
    write_site(tmp_path, claims)
    value = new.split(f"{field}: ")[1].split("\n")[0]
    line, col = at(claims, f"{field}: {value}")
    only_problem(tmp_path, "claims.yaml", line, col + len(f"{field}: "), f"'{value}'", "share")


# -- files outside the site ----------------------------------------------------------


@pytest.mark.parametrize("how", ["parent-path", "absolute-path", "symlink-named-by-text", "symlink-by-convention"])
def test_archived_text_outside_the_site_is_refused(tmp_path: Path, how: str) -> None:
    root = tmp_path / "desk"
    outside = tmp_path / "outside.md"
    outside.write_text(ARCHIVED_TEXT, encoding="utf-8")
    old = f"text: {ARCHIVED}"
    if how == "parent-path":
        claims, named = edit(CLAIMS, old, "text: ../outside.md"), "../outside.md"
    elif how == "absolute-path":
        claims, named = edit(CLAIMS, old, f"text: {outside}"), str(outside)
    elif how == "symlink-named-by-text":
        claims, named = edit(CLAIMS, old, "text: content/sources/link.md"), "content/sources/link.md"
    else:
        claims, named = CLAIMS, ARCHIVED
    write_site(root, claims, {ARCHIVED: None})
    if how.startswith("symlink"):
        (root / named).parent.mkdir(parents=True, exist_ok=True)
        (root / named).symlink_to(outside)
    only_problem(root, "claims.yaml", *at(claims, named), f"'{named}'", "outside the site folder")


def test_page_symlinked_outside_the_site_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "desk"
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: Secret\n---\n\nprivate\n", encoding="utf-8")
    write_site(root)
    (root / "content" / "leak.md").symlink_to(outside)
    only_problem(root, "content/leak.md", 1, 1, "outside the site folder")


def test_text_named_elsewhere_does_not_claim_its_source_is_missing(tmp_path: Path) -> None:
    """A source whose `text:` names another file leaves content/sources/<id>.md unused, but the source exists."""
    claims = edit(CLAIMS, f"text: {ARCHIVED}", "text: content/sources/ap-copy.md")
    write_site(tmp_path, claims, {"content/sources/ap-copy.md": ARCHIVED_TEXT})
    for problem in problems(tmp_path):
        assert problem.severity == "warning", problem
        assert "no source 'ap-2025-03-27'" not in problem.message
        assert "did you mean 'ap-2025-03-27'" not in problem.message


# -- all at once ---------------------------------------------------------------------


def test_all_problems_of_a_file_at_once_sorted_by_line(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "related: [casualties-total]", "related: [casualties-totl]")
    claims = edit(claims, "value: 12,000", "value: lots")
    claims += "claim:\n  - oops\n"
    write_site(tmp_path, claims)
    found = problems(tmp_path)
    assert [p.where for p in found] == [
        ("claims.yaml", *at(claims, "casualties-totl]"), "error"),
        ("claims.yaml", *at(claims, "lots"), "error"),
        ("claims.yaml", *at(claims, "claim:\n"), "error"),
    ], found
    assert "unknown claim 'casualties-totl'" in found[0].message
    assert "'lots' is not a figure" in found[1].message
    assert "unknown key 'claim'" in found[2].message


@pytest.mark.lazy_positions
def test_a_build_reports_what_check_reports_where_check_reports_it(tmp_path: Path) -> None:
    """A one-off build lets go of each claim's data once it is checked: the problems found only once
    every claim is (a repeated id, an unknown related claim or [[reference]]) are where `check` puts them,
    in a desk whose claims are read piece by piece, their positions found only when a problem needs one."""
    generate(tmp_path, 3)
    claims = (tmp_path / "claims.yaml").read_text()
    claims = edit(claims, "  - id: claim-1\n", "  - id: claim-0\n")
    claims = edit(claims, "  - id: claim-2\n", "  - id: claim-2\n    note: See [[claim-9]].\n")
    claims = edit(claims, "value: about 13,022", "value: lots")
    (tmp_path / "claims.yaml").write_text(claims)
    # The build first: the pieces a read keeps for the next one, with their positions, would do for it.
    yamlsource.forget()
    built = build(tmp_path, tmp_path / "site")
    checked = problems(tmp_path)
    expected = {
        "claim id 'claim-0' is defined twice": "claim-0\n    title: Figure number 1",
        "unknown claim 'claim-1' in related": "claim-1]",
        "unknown claim '[[claim-9]]'": "See [[claim-9]]",
        "'lots' is not a figure": "lots",
    }
    for words, marker in expected.items():
        assert [p.where for p in checked if p.message.startswith(words)] == [
            ("claims.yaml", *at(claims, marker), "error")
        ], (words, checked)
    assert [parse_problem(str(p)) for p in built.problems.sorted()] == checked
    assert not (tmp_path / "site").exists()


def test_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "value: 12,000", "value: lots")
    about = edit(ABOUT, "[[troops-total]]", "[[troops-totl]]")
    write_site(tmp_path, claims, {"content/about.md": about, "content/notes.md": "no front matter\n"})
    found = problems(tmp_path)
    assert [p.where for p in found] == [
        ("claims.yaml", *at(claims, "lots"), "error"),
        ("content/about.md", *at(about, "[[troops-totl]]"), "error"),
        ("content/notes.md", 1, 1, "error"),
    ], found


def test_a_policy_names_a_page_of_the_desk(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "  description:", "  policies:\n    corrections: abuot\n  description:")
    write_site(tmp_path, claims)
    only_problem(
        tmp_path,
        "claims.yaml",
        *at(claims, "abuot"),
        "no page 'abuot' in content/ for the corrections policy",
        "did you mean 'about'",
    )


def test_an_unknown_kind_of_policy_is_an_error_with_the_kinds_there_are(tmp_path: Path) -> None:
    claims = edit(CLAIMS, "  description:", "  policies:\n    funding: about\n  description:")
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, "funding"), "unknown key 'funding'")

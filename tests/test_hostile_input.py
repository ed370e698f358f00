"""Input that is not what it should be: each is a `path:line:col: error:`, never a traceback.

These complete tests/test_validation.py (the editorial mistakes) with hostile
and broken input: every wrong type in every field, numbers that make no sense,
ids that are no slugs, names that would share a URL, documents built to exhaust
the reader, files that are no text, and paths that leave the site.
"""

from __future__ import annotations

import os
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

from builder.pipeline.build import build
from builder.pipeline.stages import check
from builder.read import yamlwhole
from builder.read.load import MAX_FILE_BYTES
from tests.sitefactory import ABOUT, CLAIMS, Reported, edit, only_problem, problems, tree, write_site
from tests.sitefactory import position as at
from tests.test_cli import run
from tests.test_validation import BILLION_LAUGHS, INCLUDE, THIRD_CLAIM

WRONG = {"list": "[a, b]", "mapping": "{a: 1}", "number": "12", "null": "null", "boolean": "yes"}

# Each field as it stands in the minimal site (its line, then what follows it where
# the line alone is not unique), and the types it refuses.
FIELDS = [
    ("  title: Test desk", "", "site title", "list mapping number null boolean"),
    ("  description: Figures side by side.", "", "site description", "list mapping number boolean"),
    ("  base_url: https://example.org/desk/", "", "base_url", "list mapping number boolean"),
    ("    outlet: Reuters", "", "outlet", "list mapping number boolean"),
    ("    title: North Korean casualties mount", "", "source title", "list mapping number null boolean"),
    ("    url: https://apnews.com/article/dprk-troops", "", "url", "list mapping number boolean"),
    ("    text: content/sources/ap-2025-03-27.md", "", "text", "list mapping number boolean"),
    ("    published: 2025-04-01", "", "published", "list mapping boolean"),
    ("  - id: casualties-total", "", "claim id", "list mapping number null boolean"),
    ("    title: North Korean soldiers killed or wounded", "", "claim title", "list mapping number null boolean"),
    ("    topic: Casualties", "", "topic", "list mapping number boolean"),
    ("    unit: soldiers", "\n    canonical:\n      value: about 4", "unit", "list mapping number boolean"),
    ("    related: [casualties-total]", "", "related", "mapping number boolean"),
    ("      value: about 4,000", "\n      source", "canonical value", "list null boolean"),
    ("      as_of: 2025-03-27", "", "as_of", "list mapping boolean"),
    ("      source: ap-2025-03-27", "\n    related", "canonical source", "list mapping number boolean"),
    ("      - source: reuters-2025-04-01", "\n        value: 12", "variant source", "list mapping number boolean"),
    ("        value: more than 3,000", "", "variant value", "list null boolean"),
    ('        quote: "about 4,000 of them were killed or wounded"', "", "quote", "list mapping number boolean"),
]


def _cases() -> list[object]:
    cases = []
    for line, after, name, refused in FIELDS:
        for kind in refused.split():
            cases.append(pytest.param(line, after, kind, id=f"{name}-{kind}"))
    return cases


def _inside(found: list[Reported], root: Path) -> None:
    """Every problem names a line and column that exist in its file."""
    for problem in found:
        lines = (root / problem.path).read_bytes().decode("utf-8", "replace").split("\n")
        assert 1 <= problem.line <= max(len(lines), 1), problem
        assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, problem


@pytest.mark.parametrize(("line", "after", "kind"), _cases())
def test_a_wrong_type_in_any_field_is_an_error_at_its_value(tmp_path: Path, line: str, after: str, kind: str) -> None:
    key = line.split(": ")[0]
    bad = f"{key}: {WRONG[kind]}"
    claims = edit(CLAIMS, line + after, bad + after)
    write_site(tmp_path, claims)
    found = problems(tmp_path)
    where = at(claims, bad + after)
    assert found, "a wrong type was accepted"
    assert ("claims.yaml", where[0], where[1] + len(key) + 2, "error") in [p.where for p in found], found
    _inside(found, tmp_path)


CASUALTY_VARIANTS = (
    "    variants:\n"
    "      - source: ap-2025-03-27\n"
    "        value: about 4,000\n"
    '        quote: "about 4,000 of them were killed or wounded"\n'
    "      - source: reuters-2025-04-01\n"
    "        value: more than 3,000\n"
)


@pytest.mark.parametrize(
    ("where", "bad", "marker"),
    [
        pytest.param("sources:\n", "sources: [a, b]\nx_sources:\n", "[a, b]", id="sources-list"),
        pytest.param("claims:\n", "claims: {a: 1}\nx_claims:\n", "{a: 1}", id="claims-mapping"),
        pytest.param(
            CASUALTY_VARIANTS,
            "    variants:\n      source: ap-2025-03-27\n      value: about 4,000\n",
            "source: ap-2025-03-27\n      value",
            id="variants-mapping",
        ),
    ],
)
def test_a_list_where_a_mapping_goes_and_back(tmp_path: Path, where: str, bad: str, marker: str) -> None:
    claims = edit(CLAIMS, where, bad)
    write_site(tmp_path, claims)
    found = problems(tmp_path)
    line, col = at(claims, marker)
    assert any((p.line, p.col) == (line, col) and p.severity == "error" for p in found), found
    _inside(found, tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        pytest.param("value: 12,000", "value: 1000000000000000000000", ["too large"], id="huge-integer"),
        pytest.param("value: 12,000", "value: about 1" + "0" * 400, ["too large"], id="huge-phrase"),
        pytest.param("value: 12,000", "value: 2-3 billion billion", ["not a figure"], id="scale-twice"),
        pytest.param("value: 12,000", "value: {low: 0." + "0" * 29 + "1}", ["too small"], id="tiny"),
        pytest.param("value: 12,000", "value: {low: -.inf, high: 5}", ["finite"], id="minus-infinity"),
        pytest.param("value: 12,000", "value: up to -5", ["empty interval"], id="up-to-negative"),
        pytest.param("  description:", "  tolerance: .nan\n  description:", ["from 0"], id="nan-tolerance"),
        pytest.param("  description:", "  tolerance: -0.1\n  description:", ["from 0"], id="negative-tolerance"),
        pytest.param("  description:", "  tolerance: .inf\n  description:", ["tolerance"], id="inf-tolerance"),
        pytest.param("as_of: 2025-03-27", "as_of: -2025", ["not a date"], id="negative-year"),
        pytest.param("as_of: 2025-03-27", "as_of: 0000-01-01", ["year 0"], id="year-zero"),
        pytest.param("as_of: 2025-03-27", "as_of: 2023-02-29", ["day"], id="not-a-leap-year"),
        pytest.param("as_of: 2025-03-27", "as_of: '2025-00'", ["exist"], id="month-zero"),
        pytest.param("as_of: 2025-03-27", "as_of: 99999", ["not a date"], id="five-digit-year"),
        pytest.param("as_of: 2025-03-27", "as_of: 2025-03-27T10:00:00Z", ["time"], id="date-and-time"),
    ],
)
def test_figures_and_dates_that_make_no_sense(tmp_path: Path, old: str, new: str, words: list) -> None:
    claims = edit(CLAIMS, old, new)
    write_site(tmp_path, claims)
    first = new.split("\n")[0]
    line, col = at(claims, first)
    col += len(first.split(": ")[0]) + 2
    if "{low: " in first:  # a range's end is reported where that end is written
        col += len("{low: ")
    only_problem(tmp_path, "claims.yaml", line, col, *words)


@pytest.mark.parametrize("order", [".nan", ".inf", "-.inf", "1" + "0" * 400])
def test_page_order_must_be_a_finite_number(tmp_path: Path, order: str) -> None:
    about = edit(ABOUT, "order: 1", f"order: {order}")
    write_site(tmp_path, files={"content/about.md": about})
    only_problem(tmp_path, "content/about.md", *at(about, order), "'order'", "finite")


# -- ids and names that would make bad URLs --------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    [
        "../..",
        "/etc/passwd",
        "C:\\\\x",
        "Troops",
        "tro\u043eps",  # a Cyrillic o
        "\uff54roops",  # a full-width t
        "troops\\n",  # a trailing line break, which `$` in a pattern lets through
        "-troops",
        "troops_total",
        "troops total",
        "t" * 101,
    ],
)
def test_claim_and_source_ids_must_be_short_ascii_slugs(tmp_path: Path, bad_id: str) -> None:
    quoted = f'"{bad_id}"'
    claims = CLAIMS + THIRD_CLAIM.format(id=quoted)
    write_site(tmp_path, claims)
    message = only_problem(tmp_path, "claims.yaml", *at(claims, quoted), "claim id")
    assert "lower-case" in message or "longer than" in message
    claims = edit(CLAIMS, "claims:\n", f"  {quoted}:\n    outlet: BBC\n    title: Unused\nclaims:\n")
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, quoted), "source id")


@pytest.mark.parametrize("name", ["Upper", "tro\u043eps", "with space", "pagefind", "static"])
def test_page_names_must_be_free_slugs(tmp_path: Path, name: str) -> None:
    write_site(tmp_path, files={f"content/{name}.md": "---\ntitle: A page\n---\n\nText.\n"})
    only_problem(tmp_path, f"content/{name}.md", 1, 1, f"'{name}'")


@pytest.mark.parametrize(
    ("first", "second", "words"),
    [
        pytest.param("U.S. officials", "u s officials", ["share one page"], id="case-and-punctuation"),
        pytest.param("Café", "Cafe", ["share one page"], id="accents"),
        pytest.param("—", "Reuters", ["no letters or digits"], id="no-letters"),
    ],
)
def test_originators_that_would_share_a_url(tmp_path: Path, first: str, second: str, words: list[str]) -> None:
    claims = edit(CLAIMS, "        value: 12,000", f"        value: 12,000\n        according_to: '{first}'")
    claims = edit(
        claims, "        value: more than 3,000", f"        value: more than 3,000\n        according_to: '{second}'"
    )
    write_site(tmp_path, claims)
    marker = f"'{first}'" if "no letters" in words[0] else f"'{second}'"
    line, col = at(claims, marker)
    only_problem(tmp_path, "claims.yaml", line, col, "originator", *words)


def test_long_names_make_short_distinct_urls(tmp_path: Path) -> None:
    long = "A very long topic name " * 20
    claims = edit(CLAIMS, "topic: Troops", f"topic: {long}one")
    claims = edit(claims, "topic: Casualties", f"topic: {long}two")
    root = write_site(tmp_path / "desk", claims)
    result = build(root, root / "site")
    assert result.ok, [str(p) for p in result.problems.sorted()]
    topics = sorted(p.name for p in (root / "site" / "topics").iterdir())
    assert len(topics) == 2 and all(len(name) <= 80 for name in topics), topics


# -- documents built to exhaust the reader ----------------------------------------------------


def test_alias_bomb_is_refused_within_a_bound_on_memory(tmp_path: Path) -> None:
    write_site(tmp_path, BILLION_LAUGHS)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        found = problems(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    took = time.perf_counter() - started
    assert [p.severity for p in found] == ["error"] and "refusing" in found[0].message, found
    assert peak < 64 * 2**20, f"reading an alias bomb took {peak / 2**20:.0f} MiB"
    assert took < 5, f"reading an alias bomb took {took:.1f} s"


@pytest.mark.parametrize("opening", ["[", "{a: "], ids=["lists", "mappings"])
def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path, opening: str) -> None:
    """libyaml composes by recursion in C: 50,000 levels crash the interpreter, so this runs in its own process."""
    closing = "]" if opening == "[" else "}"
    claims = CLAIMS + "x: " + opening * 50_000 + "1" + closing * 50_000 + "\n"
    root = write_site(tmp_path / "desk", claims)
    done = run(["check"], root)
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    line = claims.count("\n")
    assert f"claims.yaml:{line}:" in done.stderr and "nested more than" in done.stderr, done.stderr[-500:]


def test_too_many_values_are_refused_before_composing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlwhole, "MAX_EVENTS", 1_000)  # the one limit, for either reader
    claims = CLAIMS + "x:\n" + "".join(f"  - {i}\n" for i in range(2_000))
    write_site(tmp_path, claims)
    found = problems(tmp_path)
    assert len(found) == 1 and "more than 1,000 values" in found[0].message, found
    assert at(claims, "x:\n")[0] < found[0].line <= claims.count("\n")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("!!timestamp yesterday", ["timestamp"], id="bad-timestamp"),
        pytest.param("!!python/object/apply:os.system [echo hi]", ["'topic' must be text"], id="python-object"),
        pytest.param("!!binary 'not base64 !'", ["cannot read"], id="bad-binary"),
        pytest.param("!!int twelve", ["cannot read"], id="bad-int"),
        pytest.param("!custom x", ["cannot read"], id="unknown-tag"),
    ],
)
def test_tags_that_construct_nothing_are_errors(tmp_path: Path, value: str, words: list[str]) -> None:
    claims = edit(CLAIMS, "topic: Troops", f"topic: {value}")
    write_site(tmp_path, claims)
    found = problems(tmp_path)
    line, col = at(claims, value)
    assert [(p.line, p.col, p.severity) for p in found] == [(line, col, "error")], found
    assert all(word in found[0].message for word in words), found[0].message


@pytest.mark.parametrize(
    ("addition", "marker", "words"),
    [
        pytest.param("    ? [a, b]\n    : x\n", "[a, b]", ["plain word"], id="complex-key"),
        pytest.param("    <<: {note: merged}\n", "<<", ["unknown key '<<'"], id="merge-key"),
        pytest.param("    5: x\n", "5: x", ["unknown key '5'"], id="number-key"),
        pytest.param("    ~: x\n", "~: x", ["unknown key"], id="null-key"),
    ],
)
def test_keys_that_are_not_words(tmp_path: Path, addition: str, marker: str, words: list[str]) -> None:
    claims = edit(CLAIMS, "    topic: Troops\n", "    topic: Troops\n" + addition)
    write_site(tmp_path, claims)
    only_problem(tmp_path, "claims.yaml", *at(claims, marker), *words)


def test_control_characters_in_the_input_are_printed_escaped(tmp_path: Path) -> None:
    """A value that would recolour the terminal or forge a second problem line is shown escaped."""
    claims = edit(CLAIMS, "value: 12,000", 'value: "\\e[31mred\\nclaims.yaml:1:1: error: forged \\u202e"')
    root = write_site(tmp_path / "desk", claims)
    done = run(["check"], root)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert len(lines) == 1, done.stderr
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr
    assert "\\x1b[31mred\\nclaims.yaml:1:1" in lines[0]


# -- files that are not text, or not inside the site --------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"site:\n  title: \x00\x01\x02\n", id="binary"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", id="png"),
        pytest.param(b"site:\n  title: caf\xe9\n", id="latin-1"),
        pytest.param(b"\xff\xfes\x00i\x00t\x00e\x00", id="utf-16"),
    ],
)
@pytest.mark.parametrize("path", ["claims.yaml", "content/about.md", "content/sources/ap-2025-03-27.md"])
def test_files_that_are_not_utf8_text(tmp_path: Path, path: str, content: bytes) -> None:
    write_site(tmp_path, files={path: content})
    found = [p for p in problems(tmp_path) if p.severity == "error"]
    assert len(found) == 1, found
    assert found[0].path == path and found[0].line >= 1
    assert "binary" in found[0].message or "UTF-8" in found[0].message


@pytest.mark.parametrize("path", ["claims.yaml", "content/about.md", "content/sources/ap-2025-03-27.md"])
def test_a_file_of_hundreds_of_megabytes_is_refused_unread(tmp_path: Path, path: str) -> None:
    write_site(tmp_path)
    with (tmp_path / path).open("r+b") as stream:
        stream.truncate(300 * 2**20)  # sparse: no disk used
    started = time.perf_counter()
    found = [p for p in problems(tmp_path) if p.severity == "error"]
    assert time.perf_counter() - started < 2
    assert len(found) == 1 and f"larger than {MAX_FILE_BYTES // 2**20} MiB" in found[0].message, found


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    root = write_site(tmp_path / "desk", files={"content/about.md": None})
    os.mkfifo(root / "content" / "about.md")
    done = run(["check"], root)
    assert done.returncode == 1 and "content/about.md:1:1: error:" in done.stderr, done.stderr


@pytest.mark.parametrize("how", ["parent", "absolute", "symlinked-file", "symlinked-folder"])
def test_include_that_leaves_the_site_is_refused(tmp_path: Path, how: str) -> None:
    root = tmp_path / "desk"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "more.yaml").write_text("claims:\n" + THIRD_CLAIM.format(id="leaked"))
    pattern = {
        "parent": "../outside/*.yaml",
        "absolute": f"{outside}/*.yaml",
        "symlinked-file": "claims/*.yaml",
        "symlinked-folder": "claims/*.yaml",
    }[how]
    claims = edit(INCLUDE, "claims/*.yaml", pattern)
    write_site(root, claims)
    if how == "symlinked-file":
        (root / "claims").mkdir()
        (root / "claims" / "more.yaml").symlink_to(outside / "more.yaml")
    elif how == "symlinked-folder":
        (root / "claims").symlink_to(outside)
    found = problems(root)
    line, col = at(claims, pattern)
    assert [(p.path, p.line, p.col, p.severity) for p in found] == [("claims.yaml", line, col, "error")], found
    assert "outside the site folder" in found[0].message or "inside the site folder" in found[0].message
    assert check(root).site is None


def test_include_must_be_a_list_of_patterns(tmp_path: Path) -> None:
    for value, marker in (("5", "5"), ("claims/*.yaml", "claims/*.yaml"), ("[5, null]", "5, null")):
        claims = edit(CLAIMS, "sources:\n", f"include: {value}\nsources:\n")
        write_site(tmp_path, claims)
        found = problems(tmp_path)
        assert found and all(p.severity == "error" for p in found), (value, found)
        assert found[0].line == at(claims, "include:")[0] and found[0].col >= at(claims, marker)[1], (value, found)
        assert "'include' must be a list of file patterns" in found[0].message


def test_every_problem_of_a_badly_broken_site_is_inside_its_file(tmp_path: Path) -> None:
    """A mix of everything above at once: reported together, each at a real place."""
    claims = textwrap.dedent(
        """\
        site: {title: [x], tolerance: .nan, raw_html: maybe}
        include: 5
        sources:
          Bad Id: {outlet: null, title: 5, url: "javascript:alert(1)"}
        claims:
          - {id: "../x", title: yes, canonical: {value: .inf}, variants: [{source: nope, value: "lots"}]}
          - 5
          - id: ok
            title: ok
            canonical: {value: {low: 5, high: 1}}
        """
    )
    write_site(tmp_path, claims)
    found = problems(tmp_path)
    assert len(found) >= 8, found
    _inside(found, tmp_path)


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_files_saved_with_other_line_endings_build_the_same_site(tmp_path: Path, ending: str) -> None:
    """An editor on Windows saves CRLF: the same site, and a mistake reported at the same line and column."""
    plain = write_site(tmp_path / "lf")
    other = write_site(
        tmp_path / "other",
        CLAIMS.replace("\n", ending),
        files={"content/about.md": ABOUT.replace("\n", ending)},
    )
    assert build(plain, plain / "site").ok and build(other, other / "site").ok
    assert tree(other / "site") == tree(plain / "site")
    broken = edit(CLAIMS, "value: more than 3,000\n", "value: lots\n")
    write_site(plain, broken)
    write_site(other, broken.replace("\n", ending))
    line, col = at(broken, "lots")
    assert (
        [p.where for p in problems(other)]
        == [p.where for p in problems(plain)]
        == [("claims.yaml", line, col, "error")]
    )

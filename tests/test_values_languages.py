"""Figures written in the site's language (docs/languages.md): each shipped language's conformance cases
(`tests/conformance/values-<code>.yaml`, in the shape of the contract's values.yaml) read in a site of that
language, its errors refused at the value's line and column by a real check of a small desk; English phrases
read in every site; an English site, or one in a language without a phrase file, reads as the contract says.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.check import phrasebook
from builder.check.phrasebook import PhrasebookError
from builder.check.values import FigureError, read_value
from builder.pipeline.build import Session
from builder.pipeline.stages import render
from tests.conftest import REPO, load_conformance
from tests.sitefactory import CLAIMS, edit, only_problem, position, problems, spaced, write_site

HERE = Path(__file__).parent / "conformance"
LANGUAGES = {path.stem.removeprefix("values-"): path for path in sorted(HERE.glob("values-*.yaml"))}
CASES = {code: yaml.safe_load(path.read_text(encoding="utf-8")) for code, path in LANGUAGES.items()}
SHARED = load_conformance("values.yaml")
MARK_BESIDE_A_DIGIT = re.compile(r"[0-9][.,]|[.,][0-9]")


def _end(value: float | None) -> float | None:
    return None if value is None or math.isinf(value) else value


def _same(found: dict[str, Any], case: dict[str, Any]) -> None:
    """`found` (low, high and whether each is open) is the interval `case` gives."""
    for end in ("low", "high"):
        assert (_end(found[end]) is None) == (case[end] is None), (end, found, case)
        if case[end] is not None:
            assert found[end] == pytest.approx(case[end]), (end, found, case)
    assert (found["low_open"], found["high_open"]) == (case["low_open"], case["high_open"]), (found, case)


def desk(language: str, claims: str = CLAIMS) -> str:
    """The factory's desk in `language`: digits grouped by spaces, which every language reads as thousands."""
    return spaced(
        edit(claims, "  description: Figures side by side.\n", f"  description: Figures.\n  language: {language}\n")
    )


def quoted(value: str) -> str:
    """`value` as YAML reads it back exactly, whatever its characters."""
    return json.dumps(value, ensure_ascii=False)


def claims_json(root: Path) -> dict[str, dict[str, Any]]:
    result, _ = render(root)
    assert result.ok, [str(p) for p in result.problems.sorted()]
    assert result.outputs is not None
    return {claim["id"]: claim for claim in json.loads(result.outputs["claims.json"])["claims"]}


def test_every_shipped_language_has_its_conformance_cases() -> None:
    assert set(LANGUAGES) == set(phrasebook.shipped()) == {"ko", "uk", "ru", "es", "fr", "ar"}
    for code, cases in CASES.items():
        assert cases["language"] == code
        assert len(cases["phrases"]) >= 15 and cases["errors"], code


@pytest.mark.parametrize(
    ("language", "case"),
    [(code, case) for code, cases in CASES.items() for case in cases["phrases"]],
    ids=lambda item: item if isinstance(item, str) else item["value"],
)
def test_a_phrase_of_the_sites_language_becomes_its_interval(language: str, case: dict[str, Any]) -> None:
    reading = read_value(case["value"], CASES[language]["tolerance"], language)
    interval = reading.interval
    found = {"low": interval.low, "high": interval.high, "low_open": interval.low_open, "high_open": interval.high_open}
    _same(found, case)
    assert reading.unit == case.get("unit")


@pytest.mark.parametrize(
    ("language", "phrase"), [(code, phrase) for code, cases in CASES.items() for phrase in cases["errors"]]
)
def test_a_figure_the_language_cannot_read_exactly_is_an_error_at_its_place(
    tmp_path: Path, language: str, phrase: str
) -> None:
    claims = edit(desk(language), "value: 12 000\n", f"value: {quoted(phrase)}\n")
    write_site(tmp_path, claims)
    line, col = position(claims, f"value: {quoted(phrase)}\n")
    message = only_problem(tmp_path, "claims.yaml", line, col + len("value: "), f"'{phrase.strip()}'")
    assert any(words in message for words in ("write", "accepted forms", "keep one")), message  # and what to do


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_desk_in_the_language_reads_each_of_its_phrases(tmp_path: Path, language: str) -> None:
    """Through a build, as an editor meets them: every phrase a variant of one claim, in claims.json."""
    cases = CASES[language]["phrases"]
    variants = "".join(
        f"      - source: reuters-2025-04-01\n        value: {quoted(case['value'])}\n" for case in cases
    )
    claim = f"  - id: phrases\n    title: Every phrase\n    canonical:\n      value: 1\n    variants:\n{variants}"
    write_site(tmp_path, desk(language) + claim)
    found = claims_json(tmp_path)["phrases"]["variants"]
    assert [variant["text"] for variant in found] == [case["value"] for case in cases]
    for variant, case in zip(found, cases, strict=True):
        _same(variant, case)


def test_english_phrases_read_alike_in_a_korean_site() -> None:
    """Korean digits are English's, so every phrase of the contract reads as in an English site, and every
    figure it refuses is refused."""
    for case in SHARED["phrases"]:
        english, korean = read_value(case["value"], 0.1), read_value(case["value"], 0.1, "ko")
        assert korean.interval.same_as(english.interval), case["value"]
        assert (korean.unit, korean.bounded, korean.fractional) == (english.unit, english.bounded, english.fractional)
    for phrase in SHARED["errors"]:
        with pytest.raises(FigureError):
            read_value(phrase, 0.1, "ko")


@pytest.mark.parametrize("language", sorted(CASES))
def test_english_words_read_alike_in_every_site(language: str) -> None:
    """The contract's words in any site, where its digits are written as the site's language writes them."""
    same = [case["value"] for case in SHARED["phrases"] if not MARK_BESIDE_A_DIGIT.search(case["value"])]
    assert len(same) > 40
    for value in same:
        english, there = read_value(value, 0.1), read_value(value, 0.1, language)
        assert there.interval.same_as(english.interval) and there.unit == english.unit, value


@pytest.mark.parametrize("language", [None, "en", "en-GB", "de", "pt-BR", "English", "x-../../ko"])
def test_a_site_in_english_or_a_language_without_phrases_reads_the_contract(language: str | None) -> None:
    for case in SHARED["phrases"]:
        reading = read_value(case["value"], SHARED["tolerance"], language)
        found = {**case, "low": reading.interval.low, "high": reading.interval.high}
        found |= {"low_open": reading.interval.low_open, "high_open": reading.interval.high_open}
        _same(found, case)
    for phrase in ["около 1000", "약 1만1000", "1,5 тис.", "unos 11.000", "3 millions"]:
        with pytest.raises(FigureError):
            read_value(phrase, 0.1, language)


def test_the_language_of_a_tag_is_its_primary_subtag() -> None:
    assert read_value("близько 11 000", 0.1, "uk-UA").interval == read_value("близько 11 000", 0.1, "uk").interval
    assert read_value("1,5 тыс.", 0.1, "RU").interval.low == 1500
    assert read_value("11.000", 0.1, "es-ES").interval.low == 11000


def test_a_refused_figure_lists_the_forms_of_the_sites_language(tmp_path: Path) -> None:
    claims = edit(desk("ko"), "value: 12 000\n", "value: 많이\n")
    write_site(tmp_path, claims)
    line, col = position(claims, "value: 많이\n")
    message = only_problem(tmp_path, "claims.yaml", line, col + len("value: "), "accepted forms", "between A and B")
    assert all(form in message for form in ("약 X", "최대 X", "X 이상", "X 미만", "수천", "1만1000", "1억2000만"))
    english = only_problem(write_site(tmp_path / "en", edit(CLAIMS, "value: 12,000\n", "value: lots\n")), *_at("lots"))
    assert "약 X" not in english and "1만1000" not in english


def _at(value: str) -> tuple[str, int, int]:
    line, col = position(edit(CLAIMS, "value: 12,000\n", f"value: {value}\n"), f"value: {value}\n")
    return "claims.yaml", line, col + len("value: ")


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("uk", "1,500", ["1 500 if it groups thousands", "1,5 if it is a decimal"]),
        ("fr", "2,125", ["2 125 if it groups thousands", "2,1250 if it is a decimal"]),
        ("es", "1.5", ["a point groups thousands", "1,5"]),
        ("uk", "3.000", ["3 000 for three thousand"]),
        ("ar", "١,٥", ["١٫٥", "١٬٥٠٠"]),
    ],
)
def test_an_ambiguous_number_says_how_to_write_each_reading(
    tmp_path: Path, language: str, written: str, said: list[str]
) -> None:
    claims = edit(desk(language), "value: 12 000\n", f"value: {quoted(written)}\n")
    write_site(tmp_path, claims)
    line, col = position(claims, f"value: {quoted(written)}\n")
    only_problem(tmp_path, "claims.yaml", line, col + len("value: "), *said)


def test_the_ends_of_a_range_are_read_in_the_sites_digits(tmp_path: Path) -> None:
    write_site(tmp_path, edit(desk("uk"), "value: 12 000\n", 'value: {low: "1,5", high: "2 000"}\n'))
    variant = claims_json(tmp_path)["troops-total"]["variants"][1]
    assert (variant["low"], variant["high"]) == (1.5, 2000)
    claims = edit(desk("es"), "value: 12 000\n", "value: {low: 11.000, high: 1.5}\n")
    write_site(tmp_path, claims)
    line, col = position(claims, "high: 1.5}")
    only_problem(tmp_path, "claims.yaml", line, col + len("high: "), "'1.5'", "a point groups thousands")


def test_a_count_in_fractions_is_warned_of_in_the_terms_of_the_sites_digits(tmp_path: Path) -> None:
    claims = edit(desk("uk"), "value: 12 000\n", "value: '50,78'\n")
    write_site(tmp_path, claims)
    line, col = position(claims, "value: '50,78'\n")
    only_problem(tmp_path, "claims.yaml", line, col + len("value: "), "write a space (50 783)", severity="warning")


def test_a_desk_whose_site_settings_are_wrong_reads_its_figures_in_its_language(tmp_path: Path) -> None:
    """One mistake in `site:` is one error, not one more for every figure written in the desk's language."""
    claims = edit(desk("ko"), "value: 12 000\n", "value: 1만2000\n")
    claims = edit(claims, "  title: Test desk\n", "  title: [Test desk]\n")
    write_site(tmp_path, claims)
    line, col = position(claims, "[Test desk]")
    assert [(p.line, p.col, "title" in p.message) for p in problems(tmp_path)] == [(line, col, True)]


def test_a_save_of_one_claim_in_a_korean_desk_is_read_in_korean_on_the_quick_path(tmp_path: Path) -> None:
    root = write_site(tmp_path / "desk", desk("ko"))
    session = Session(root, root / "site")
    assert session.build().ok
    claims = root / "claims.yaml"
    claims.write_text(edit(claims.read_text(encoding="utf-8"), "value: 12 000\n", "value: 약 1만2000\n"))
    assert session.edited_page() == "claims/troops-total/index.html"
    assert "약 1만2000" in (root / "site" / "claims/troops-total/index.html").read_text(encoding="utf-8")


def test_the_phrase_files_are_package_data() -> None:
    """A wheel holds what pyproject's package data names: every phrase file, or a site in that language would
    read English alone once installed."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    for code in phrasebook.shipped():
        assert any(fnmatch(f"phrases/{code}.yaml", pattern) for pattern in data["builder.check"]), code


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("name: X\ndigits: {decimal: ',', group: ''}\nqualifers: {}\n", "qualifers"),
        ("name: X\ndigits: {decimal: ',', group: ''}\nqualifiers: {about: [environ]}\n", "must hold {X}"),
        ("name: X\ndigits: {decimal: ',', group: ''}\nranges: ['{B} à {A}']\n", "in that order"),
        ("name: X\ndigits: {decimal: ',', group: ''}\nvague: {beaucoup: lots}\n", "not a word of the English table"),
        ("name: X\ndigits: {decimal: ',', group: ','}\n", "cannot also group"),
        ("name: X\ndigits: {decimal: ';', group: ''}\n", "digits.decimal"),
        (
            "name: X\ndigits: {decimal: ',', group: ''}\nqualifiers: {about: ['ca {X}'], up_to: ['ca {X}']}\n",
            "under both about and up_to",
        ),
        (
            "name: X\ndigits: {decimal: '.', group: ','}\nmyriads: true\nscales: {만: 10000, k: 5000}\n",
            "unit of myriads",
        ),
        ("name: X\ndigits: {decimal: '.', group: ','}\nmyriads: true\nscales: {억: 100000000}\n", "one of 10000"),
    ],
)
def test_a_phrase_file_that_would_read_a_figure_wrongly_is_refused(text: str, said: str) -> None:
    with pytest.raises(PhrasebookError, match=re.escape(said)) as error:
        phrasebook.parse("xx", text, "phrases/xx.yaml")
    assert str(error.value).startswith("phrases/xx.yaml: ")


def _words(code: str) -> list[str]:
    """The words of a language's figures, folded, and the empty word."""
    book = phrasebook.load(code)
    assert book is not None
    words = [part for form in book.qualifiers for part in (form.before, form.after)]
    words += [part for form in book.ranges for part in (form.before, form.middle, form.after)]
    return sorted({"", *words, *book.vague, *book.scales, *book.percent, *book.words, "about", "or more", "+"})


NUMBERS = ["0", "1", "12", "1 000", "1,5", "1.5", "12,000", "3.000", "3만", "1만1000", "١٬٥٠٠", "-5", "10%"]


@pytest.mark.parametrize("language", sorted(CASES))
def test_any_phrase_in_a_language_is_an_interval_or_an_error(language: str) -> None:
    """Never another exception, and an accepted phrase reads the same whatever its case and spacing."""
    words, numbers, space = st.sampled_from(_words(language)), st.sampled_from(NUMBERS), st.sampled_from(["", " "])
    maybe = st.just("") | words
    shaped = st.tuples(maybe, space, numbers, space, maybe, space, st.just("") | numbers | words).map("".join)
    pieces = st.lists(words | numbers | st.sampled_from(list(",. -–~%")), max_size=7)

    @given(st.one_of(shaped, pieces.map("".join), pieces.map(" ".join), st.text(max_size=12)))
    @settings(max_examples=600, derandomize=True, deadline=None)
    def check(phrase: str) -> None:
        try:
            reading = read_value(phrase, 0.1, language)
        except FigureError:
            return
        interval = reading.interval
        assert interval.low <= interval.high and not math.isnan(interval.low + interval.high), phrase
        for variant in (phrase.upper(), f"  {phrase}  ", " ".join(phrase.split())):
            assert read_value(variant, 0.1, language).interval.same_as(interval), (phrase, variant)

    check()

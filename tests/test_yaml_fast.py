"""The fast reader (claims files cut into pieces, read by yaml_rs) against the reference reader (PyYAML).

Every document the rest of the suite reads goes through both (see `conftest`); here are the
documents on which YAML 1.1 and 1.2 read differently, each inside a claims file, so that the
fast reader must notice and hand them over. The cut itself is checked on its own, and the
cache of pieces: an edit of one claim reads that claim again and nothing else.
"""

from __future__ import annotations

import pytest

from builder.problems import Problems
from builder.read import yamlpieces, yamlsource
from tests.conftest import REPO, assert_same_reading
from tests.sitefactory import CLAIMS

# Plain scalars that PyYAML (YAML 1.1) and yaml_rs (YAML 1.2) read apart, and other corners.
TRICKY_VALUES = [
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "~",
    "null",
    "Null",
    "true",
    "FALSE",
    "017",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1:30",
    "190:20:30",
    "1e3",
    "1.5e3",
    "1.0e+3",
    ".5",
    "+12",
    "-0",
    "12.",
    "3.000",
    "1.50",
    "3000",
    "+3000",
    "0o10",
    "12:30",
    ".inf",
    "-.Inf",
    ".NaN",
    "2025-03-27",
    "'2025-03-27'",
    '"2025-03-27"',
    "2025-3-5",
    "2025-03-27 10:00",
    "2025-03-27T10:00:00Z",
    "2025-03",
    "'yes'",
    '"017"',
    "!!str 12",
    "!!binary aGVsbG8=",
    "=",
    "about 3,000",
    "3,000",
    "[1, 2]",
    "[[1, 2], [3]]",
    "{low: 1, high: 2}",
    "{low: 017}",
    "'a: b'",
    "|\n      block\n      - not an item",
    ">-\n      folded\n      text",
    '"multi\n      line"',
    "&anchor about 3",
    "*anchor",
]


def _claims_with(value: str) -> str:
    return CLAIMS.replace(
        "    title: North Korean soldiers sent to Russia\n",
        f"    title: North Korean soldiers sent to Russia\n    topic: {value}\n",
        1,
    )


@pytest.mark.parametrize("value", TRICKY_VALUES)
def test_a_value_read_by_both_readers_alike(value: str) -> None:
    text = _claims_with(value)
    reference = yamlsource.read_whole(text, "claims.yaml", Problems())
    doc = yamlsource.parse_yaml(text, "claims.yaml", Problems())
    if reference is None:
        assert doc is None
        return
    assert doc is not None
    if doc.unlocated is not None:  # read by the fast reader: the same as the reference, to the type
        assert_same_reading(doc, text, "claims.yaml")
    else:
        assert doc.data == reference.data


@pytest.mark.parametrize("key", ["1", "017", "yes", "true", "null", "~", "2025-03-27", "'quoted id'", '"../.."', "on"])
def test_odd_keys_read_alike(key: str) -> None:
    text = CLAIMS.replace("sources:\n", f"sources:\n  {key}:\n    outlet: BBC\n    title: Odd\n", 1)
    reference = yamlsource.read_whole(text, "claims.yaml", Problems())
    doc = yamlsource.parse_yaml(text, "claims.yaml", Problems())
    assert reference is not None and doc is not None
    assert doc.data == reference.data


def test_the_example_and_the_scaffold_are_cut_into_their_claims_and_sources() -> None:
    for path in (REPO / "claims.yaml", REPO / "builder" / "scaffold" / "claims.yaml"):
        text = path.read_text(encoding="utf-8")
        cut = yamlpieces.cut(text)
        assert cut is not None
        reference = yamlsource.read_whole(text, "claims.yaml", Problems())
        assert reference is not None
        kinds = [piece.kind for piece in cut.pieces]
        assert kinds.count("item") == len(reference.data["claims"])
        assert kinds.count("entry") == len(reference.data["sources"])
        doc = yamlsource.parse_yaml(text, "claims.yaml", Problems())
        assert doc is not None and doc.unlocated is not None
        assert_same_reading(doc, text, "claims.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "site: {title: x}\n---\nclaims: []\n",  # a second document
        "%YAML 1.1\n---\nsite: {title: x}\n",  # a directive
        "  site:\n    title: x\n",  # an indented document
        "site:\n  title: x\nsite:\n  title: y\n",  # a repeated key
        "claims: [\n  {id: a}\n]\n",  # a flow collection across lines
        "claims:\n  - id: a\n - id: b\n",  # an item out of step
    ],
)
def test_what_cannot_be_cut_safely_is_read_whole(text: str) -> None:
    cut = yamlpieces.cut(text)
    assert cut is None or not cut.sections, cut


def test_indentless_lists_and_comments_between_items_are_cut() -> None:
    text = "# a desk\nsite:\n  title: x\nclaims:\n# first\n- id: a\n  title: A\n\n# second\n- id: b\n  title: B\n"
    cut = yamlpieces.cut(text)
    assert cut is not None and [p.kind for p in cut.pieces] == ["top", "item", "item"]
    doc = yamlsource.parse_yaml(text, "claims.yaml", Problems())
    assert doc is not None and doc.unlocated is not None
    assert_same_reading(doc, text, "claims.yaml")


def test_an_edit_reads_only_the_piece_that_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "claims.yaml").read_text(encoding="utf-8")
    yamlsource.parse_yaml(text, "claims.yaml", Problems())
    read: list[str] = []
    original = yamlsource._read_piece

    def counting(piece: str, reader: object) -> object:
        read.append(piece)
        return original(piece, reader)

    monkeypatch.setattr(yamlsource, "_read_piece", counting)
    edited = text.replace("value: about 11,000\n", "value: about 11,500\n", 1)
    assert edited != text
    doc = yamlsource.parse_yaml(edited, "claims.yaml", Problems())
    assert doc is not None and len(read) == 1 and "about 11,500" in read[0]
    assert_same_reading(doc, edited, "claims.yaml")


def test_a_file_read_whole_carries_no_cut() -> None:
    """The preview compares a save with the pieces the file was read in; a file read whole has none to give."""
    text = (REPO / "claims.yaml").read_text(encoding="utf-8")
    doc = yamlsource.parse_yaml(text, "claims.yaml", Problems())
    assert doc is not None and doc.read_from is not None and doc.read_from[0] == text
    whole = text + "extra: [\n  1\n]\n"  # a flow collection across lines: not cut
    read = yamlsource.parse_yaml(whole, "claims.yaml", Problems())
    assert read is not None and read.read_from is None


def test_a_cut_with_one_piece_edited_is_the_cut_of_the_edited_file() -> None:
    """`with_piece` shifts what follows an edited claim instead of cutting the file again; every
    piece's text, line and offset, and every section after it, as `cut` gives them."""
    items = [f"  - id: c{n}\n    title: Claim {n}\n    canonical:\n      value: {n}\n" for n in range(6)]
    text = "site:\n  title: Desk\nclaims:\n" + "".join(items) + "sources:\n  s1:\n    outlet: BBC\n    title: T\n"
    before = yamlpieces.cut(text)
    assert before is not None and [s.key for s in before.sections] == ["claims", "sources"]
    claims = [piece for piece in before.pieces if piece.kind == "item"]
    for at, new in [
        (0, "  - id: c0\n    title: Claim zero, longer\n    canonical:\n      value: 0\n"),
        (2, "  - id: c2\n    title: Two\n\n    note: added\n    canonical:\n      value: 2\n"),
        (5, "  - id: c5\n    canonical:\n      value: 5\n"),
    ]:
        piece = claims[at]
        edited = text[: piece.start] + new + text[piece.start + len(piece.text) :]
        assert yamlpieces.with_piece(before, piece, new) == yamlpieces.cut(edited)

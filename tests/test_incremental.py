"""A rebuild after an edit redoes only what the edit reaches, and gives the same bytes as a full build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.build import Session, build
from tests.conftest import copy_example


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "desk")


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        text = (root / path).read_text()
        assert old in text, old
        (root / path).write_text(text.replace(old, new, 1))

    return apply


EDITS = {
    "canonical figure": replace("claims.yaml", "value: about 400\n", "value: about 500\n"),
    "claim title": replace("claims.yaml", "title: North Korean soldiers killed\n", "title: Soldiers killed\n"),
    "claim moved to a new topic": replace("claims.yaml", "topic: Medical care", "topic: Hospitals"),
    "source outlet": replace("claims.yaml", "outlet: EU Today", "outlet: EU Today (Brussels)"),
    "variant verdict by editor": replace(
        "claims.yaml",
        "      - source: eutoday-support-amid-ukraine-war\n        value: approximately 300\n",
        "      - source: eutoday-support-amid-ukraine-war\n        value: approximately 300\n"
        "        verdict: retracted\n",
    ),
    "narrative page": replace("content/about.md", "This is an example site", "This is a demonstration site"),
    "page title in the navigation": replace("content/methodology.md", "title: Methodology", "title: How we compare"),
    "template": replace("templates/footer.html", "Built with factsheet.", "Built with factsheet, by hand."),
    "site setting": replace("claims.yaml", "language: en", "language: en-GB"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_rebuild_after_an_edit_equals_a_full_build(desk: Path, tmp_path: Path, name: str) -> None:
    session = Session(desk, desk / "site")
    assert session.build().ok
    EDITS[name](desk)
    again = session.build()
    assert again.ok and again.report is not None
    assert build(desk, tmp_path / "full").ok
    incremental = {p.relative_to(desk / "site"): p.read_bytes() for p in (desk / "site").rglob("*") if p.is_file()}
    full = {p.relative_to(tmp_path / "full"): p.read_bytes() for p in (tmp_path / "full").rglob("*") if p.is_file()}
    assert incremental == full


def test_an_edit_to_one_claim_rewrites_only_the_pages_that_show_it(desk: Path) -> None:
    session = Session(desk, desk / "site")
    first = session.build()
    assert first.report is not None and first.outputs is not None
    EDITS["canonical figure"](desk)
    again = session.build()
    assert again.report is not None
    written = set(again.report.written)
    assert "claims/dprk-killed/index.html" in written
    assert {"index.html", "discrepancies/index.html", "topics/casualties/index.html", "claims.json"} <= written
    assert "claims/russian-drone-attacks-may-2024/index.html" not in written
    assert "topics/drones/index.html" not in written
    assert len(written) < len(first.outputs) / 2


def test_a_template_edit_rebuilds_every_page(desk: Path) -> None:
    session = Session(desk, desk / "site")
    first = session.build()
    assert first.outputs is not None
    EDITS["template"](desk)
    again = session.build()
    assert again.report is not None
    pages = {p for p in first.outputs if p.endswith(".html")}
    assert pages <= set(again.report.written)


def test_a_failed_rebuild_keeps_the_last_good_state(desk: Path) -> None:
    session = Session(desk, desk / "site")
    assert session.build().ok
    replace("claims.yaml", "value: about 400\n", "value: lots\n")(desk)
    assert not session.build().ok
    assert "about 400 killed" in (desk / "site" / "claims/dprk-killed/index.html").read_text()
    replace("claims.yaml", "value: lots\n", "value: about 480\n")(desk)
    again = session.build()
    assert again.ok and again.report is not None
    assert "about 480 killed" in (desk / "site" / "claims/dprk-killed/index.html").read_text()

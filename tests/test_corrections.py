"""Corrections in the open: a desk in a real git repository whose editors correct a canonical figure, give
and withdraw a verdict, and remove a claim; read as readers and aggregators read them (the claim page and
/corrections/ parsed as HTML, corrections.xml with feedparser, the ClaimReview as JSON)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from builder.analyse.historycache import CACHE_FILE
from builder.pipeline.build import build
from tests.gitsite import change, commit, git, new_repo
from tests.sitefactory import CLAIMS, edit, write_site

BASE = "https://example.org/desk/"
POLICY = "---\ntitle: How we correct\n---\n\nWe say what changed and why.\n"
WITH_POLICY = edit(
    CLAIMS,
    "  description: Figures side by side.\n",
    "  description: Figures side by side.\n  policies:\n    corrections: corrections-policy\n",
)
REASON = "We had read the JCS's figure for all casualties as the troops sent; the JCS says **about 12,000**."


def built(root: Path) -> tuple[Path, list[str]]:
    out = root.parent / f"{root.name}-site"
    result = build(root, out)
    assert result.ok, [str(p) for p in result.problems.sorted()]
    return out, [str(p) for p in result.problems.sorted()]


def soup(out: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((out / page).read_text(encoding="utf-8"), "html.parser")


def review(out: Path, claim_id: str) -> dict:
    return json.loads(soup(out, f"claims/{claim_id}/index.html").find("script", type="application/ld+json").string)


def words(element: object) -> str:
    return " ".join(element.get_text().split())  # type: ignore[attr-defined]


def listed(page: BeautifulSoup) -> list[dict[str, str]]:
    """Each correction of a list, as a reader sees it."""
    found = []
    for item in page.select("ol.corrections > li.correction"):
        head = item.find("p", class_="correction-head")
        what = item.find(class_="correction-what")
        found.append(
            {
                "id": item["id"],
                "time": head.time["datetime"],
                "date": head.time.get_text(strip=True),
                "claim": head.get_text(" ", strip=True).partition(" · ")[2],
                "what": words(what) if what else "",
                "why": words(item.find(class_="correction-why")),
            }
        )
    return found


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """Four commits after the first: the troops figure corrected (with the editor's reason), a verdict
    given on a variant that was there, a new variant (news, not a correction), and a claim removed."""
    root = new_repo(tmp_path / "desk", claims=WITH_POLICY, files={"content/corrections-policy.md": POLICY})
    change(root, "claims.yaml", "      value: about 11,000\n      as_of", "      value: about 12,000\n      as_of")
    change(
        root,
        "claims.yaml",
        "    related: [casualties-total]\n",
        f'    related: [casualties-total]\n    corrections:\n      - date: 2025-02-10\n        note: "{REASON}"\n',
    )
    commit(root, "Troops: take the JCS's figure", "2025-02-10T09:00:00Z")
    change(
        root,
        "claims.yaml",
        "      - source: reuters-2025-04-01\n        value: 12,000\n",
        "      - source: reuters-2025-04-01\n        value: 12,000\n        verdict: misquoted\n"
        "        note: Reuters quotes an official who said 11,000.\n",
    )
    commit(root, "Troops: Reuters misquoted its official", "2025-02-20T09:00:00Z")
    change(
        root,
        "claims.yaml",
        "      - source: reuters-2025-04-01\n        value: more than 3,000\n",
        "      - source: reuters-2025-04-01\n        value: more than 3,000\n"
        "      - source: ap-2025-03-27\n        value: about 4,000\n        as_of: 2025-03\n",
    )
    commit(root, "Casualties: another AP figure", "2025-03-01T09:00:00Z")
    text = (root / "claims.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: casualties-total")
    (root / "claims.yaml").write_text(text[:start], encoding="utf-8")
    change(root, "claims.yaml", "    related: [casualties-total]\n", "")
    change(root, "content/about.md", " and lost [[casualties-total|about 4,000]]", "")
    commit(root, "Withdraw the casualties claim: no second source", "2025-03-05T09:00:00Z")
    return root


def test_corrections_page_lists_each_correction_newest_first_with_what_and_why(desk: Path) -> None:
    out, _ = built(desk)
    found = listed(soup(out, "corrections/index.html"))
    assert [(c["time"], c["claim"]) for c in found] == [
        ("2025-03-05T09:00:00Z", "North Korean soldiers killed or wounded"),
        ("2025-02-20T09:00:00Z", "North Korean soldiers sent to Russia"),
        ("2025-02-10T09:00:00Z", "North Korean soldiers sent to Russia"),
    ]
    removed, verdict, figure = found
    assert removed["what"] == "The claim was removed; its canonical figure was about 4,000."
    assert "Withdraw the casualties claim: no second source" in removed["why"]
    assert verdict["what"] == (
        "The editors gave the figure from “North Korean casualties mount” the verdict “misquoted”."
    )
    assert "Troops: Reuters misquoted its official" in verdict["why"]
    assert figure["what"] == "The canonical figure was about 11,000; it is now about 12,000."
    assert figure["why"] == REASON.replace("**", "")  # the editor's note, not the commit's subject
    assert figure["date"] == "February 10, 2025"
    # The new AP variant of 2025-03-01 is news, not a correction.
    assert all(c["time"] != "2025-03-01T09:00:00Z" for c in found)
    # A removed claim has no page to link to; the others link to theirs.
    page = soup(out, "corrections/index.html")
    assert page.find(id=figure["id"]).find("a")["href"] == "../claims/troops-total/"
    assert page.find(id=removed["id"]).find("a") is None


def test_claim_page_says_when_it_was_corrected_and_why(desk: Path) -> None:
    out, _ = built(desk)
    page = soup(out, "claims/troops-total/index.html")
    note = page.find(class_="answer").find(class_="corrected")
    assert note is not None, "the correction must be in the first screen"
    text = words(note)
    assert text.startswith("Corrected on February 20, 2025.")
    assert "the verdict “misquoted”" in text
    assert note.find("a", href="#corrections").get_text() == "2 corrections of this claim in all"
    below = [c["what"] for c in listed(page)]
    assert below == [
        "The editors gave the figure from “North Korean casualties mount” the verdict “misquoted”.",
        "The canonical figure was about 11,000; it is now about 12,000.",
    ]
    assert page.select("li.correction .correction-why")[1].find("strong").get_text() == "about 12,000"  # Markdown


def test_claim_review_carries_each_correction(desk: Path) -> None:
    out, _ = built(desk)
    corrections = review(out, "troops-total")["correction"]
    assert [(c["@type"], c["datePublished"]) for c in corrections] == [
        ("CorrectionComment", "2025-02-20"),
        ("CorrectionComment", "2025-02-10"),
    ]
    assert corrections[1]["text"].startswith("The canonical figure was about 11,000; it is now about 12,000. We had")


def test_corrections_feed_parses_with_an_entry_per_correction(desk: Path) -> None:
    out, _ = built(desk)
    feed = feedparser.parse((out / "corrections.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Corrections · Test desk"
    assert [e.title for e in feed.entries] == [
        "Corrected: North Korean soldiers killed or wounded",
        "Corrected: North Korean soldiers sent to Russia",
        "Corrected: North Korean soldiers sent to Russia",
    ]
    assert [e.updated for e in feed.entries] == ["2025-03-05T09:00:00Z", "2025-02-20T09:00:00Z", "2025-02-10T09:00:00Z"]
    assert feed.entries[2].link == BASE + "claims/troops-total/"
    assert feed.entries[0].link.startswith(BASE + "corrections/#casualties-total-")
    assert len({e.id for e in feed.entries}) == 3
    assert feed.entries[2].summary.startswith("The canonical figure was about 11,000; it is now about 12,000.")


def test_every_page_links_the_corrections_and_the_sitemap_has_them(desk: Path) -> None:
    out, _ = built(desk)
    for page in ("index.html", "claims/troops-total/index.html", "404.html"):
        links = soup(out, page).find("nav", class_="policies").find_all("a")
        assert [a.get_text() for a in links] == ["Corrections policy", "Corrections"], page
    assert BASE + "corrections/" in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_same_corrections_from_the_cache_and_a_fresh_read(desk: Path) -> None:
    out, _ = built(desk)
    first = (out / "corrections/index.html").read_bytes(), (out / "corrections.xml").read_bytes()
    assert (desk / CACHE_FILE).is_file()
    again, _ = built(desk)  # from the cache
    assert ((again / "corrections/index.html").read_bytes(), (again / "corrections.xml").read_bytes()) == first
    (desk / CACHE_FILE).unlink()
    change(desk, "content/about.md", "This site compares", "This desk compares")
    commit(desk, "About: wording", "2025-03-06T09:00:00Z")  # the cache's state, then one more commit
    built(desk)
    (desk / CACHE_FILE).unlink()
    fresh, _ = built(desk)
    assert (fresh / "corrections/index.html").read_bytes() == first[0]


def test_a_note_of_a_day_without_a_change_is_a_warning_at_its_line_and_still_published(tmp_path: Path) -> None:
    claims = edit(
        WITH_POLICY,
        "    related: [casualties-total]\n",
        "    related: [casualties-total]\n    corrections:\n"
        "      - date: 2025-01-20\n        note: The figure was checked again.\n",
    )
    root = new_repo(tmp_path / "desk", claims=claims, files={"content/corrections-policy.md": POLICY})
    out, problems = built(root)
    line = claims[: claims.index("      - date: 2025-01-20")].count("\n") + 1
    assert [p for p in problems if "git shows no change" in p] == [
        f"claims.yaml:{line}:9: warning: git shows no change of this claim's canonical figure or verdicts on "
        "2025-01-20: the note is published alone; date it by the day (UTC) of the commit that made the correction"
    ]
    found = listed(soup(out, "corrections/index.html"))
    assert [(c["date"], c["what"], c["why"]) for c in found] == [
        ("January 20, 2025", "", "The figure was checked again.")
    ]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2025-02", "a correction's date is a day, YYYY-MM-DD, not '2025-02'"),
        ("2025-02-30", "'2025-02-30' is not a date that exists"),
    ],
)
def test_a_correction_s_date_must_be_a_day(tmp_path: Path, date: str, message: str) -> None:
    claims = edit(
        CLAIMS,
        "    related: [casualties-total]\n",
        f"    related: [casualties-total]\n    corrections:\n      - date: '{date}'\n        note: Checked.\n",
    )
    root = write_site(tmp_path / "desk", claims)
    result = build(root, tmp_path / "out")
    line = claims[: claims.index("      - date:")].count("\n") + 1
    assert not result.ok
    assert any(str(p).startswith(f"claims.yaml:{line}:15: error: {message}") for p in result.problems.sorted()), [
        str(p) for p in result.problems.sorted()
    ]


def test_outside_git_a_desk_with_a_corrections_policy_is_warned_and_gets_no_empty_page(tmp_path: Path) -> None:
    root = write_site(tmp_path / "desk", WITH_POLICY, files={"content/corrections-policy.md": POLICY})
    out, problems = built(root)
    assert [p for p in problems if "corrections need" in p] == [
        "claims.yaml:1:1: warning: corrections need the desk's git history, and this build has none (the folder "
        "is not in a git repository, or its clone is shallow): /corrections/ and corrections.xml are left out, and "
        "claim pages show the editors' correction notes alone"
    ]
    assert not (out / "corrections").exists() and not (out / "corrections.xml").exists()
    links = soup(out, "index.html").find("nav", class_="policies").find_all("a")
    assert [a.get_text() for a in links] == ["Corrections policy"]


def test_a_shallow_clone_warns_that_corrections_need_the_history(desk: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{desk}", str(clone))
    out, problems = built(clone)
    assert any("shallow clone" in p and "corrections are left out" in p for p in problems), problems
    assert any("corrections need the desk's git history" in p for p in problems), problems
    assert not (out / "corrections").exists() and not (out / "corrections.xml").exists()
    # The editor's own note is still on its claim page and in its ClaimReview: it is in the files.
    assert [c["text"] for c in review(out, "troops-total")["correction"]] == [REASON]
    note = soup(out, "claims/troops-total/index.html").find(class_="corrected")
    assert note is not None and "about 12,000" in note.get_text()


def test_corrections_without_a_policy_are_a_warning(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "desk")
    change(root, "claims.yaml", "      value: about 11,000\n      as_of", "      value: about 12,000\n      as_of")
    commit(root, "Troops: take the JCS's figure", "2025-02-10T09:00:00Z")
    out, problems = built(root)
    assert [p for p in problems if "corrections policy" in p] == [
        "claims.yaml:1:1: warning: the site publishes 1 correction but names no corrections policy: add a page "
        "to content/ and name it in site.policies.corrections"
    ]
    assert len(listed(soup(out, "corrections/index.html"))) == 1


def test_a_desk_in_git_without_corrections_says_so(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "desk")
    out, problems = built(root)
    page = soup(out, "corrections/index.html")
    assert page.find("ol", class_="corrections") is None
    assert "No corrections" in page.find("main").get_text()
    assert not [p for p in problems if "correction" in p]


def test_a_page_cannot_take_the_corrections_url(tmp_path: Path) -> None:
    root = write_site(tmp_path / "desk", files={"content/corrections.md": POLICY})
    result = build(root, tmp_path / "out")
    assert [str(p) for p in result.problems.sorted() if p.severity.name == "ERROR"] == [
        "content/corrections.md:1:1: error: a page cannot be named 'corrections': that URL belongs to the site; "
        "name it 'corrections-policy', for example"
    ]


def test_check_warns_of_corrections_without_a_policy_as_the_build_does(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "desk")
    change(root, "claims.yaml", "      value: about 11,000\n      as_of", "      value: about 12,000\n      as_of")
    commit(root, "Troops: take the JCS's figure", "2025-02-10T09:00:00Z")
    done = subprocess.run(
        [sys.executable, "-m", "builder", "check", "--root", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    problems = json.loads(done.stdout)
    assert [(p["severity"], p["message"].split(":")[0]) for p in problems if "policy" in p["message"]] == [
        ("warning", "the site publishes 1 correction but names no corrections policy")
    ]

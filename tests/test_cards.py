"""Each claim's share card and its chart to download (render/cards.py, render/chartsvg.py; docs/sharing.md):
what a shared link previews, what a journalist downloads, and that the cards are redrawn only when what
they show changes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree
from PIL import Image

from builder import languages
from builder.pipeline.build import build
from builder.pipeline.stages import check
from builder.render import cards
from builder.render.localised import localised
from tests.conftest import REPO, copy_example

SVG = "{http://www.w3.org/2000/svg}"


def pixels(path: Path) -> Image.Image:
    image = Image.open(io.BytesIO(path.read_bytes()))
    assert image.format == "PNG"
    return image.convert("RGB")


def assert_drawn(path: Path) -> Image.Image:
    """A card of 1200×630 with something drawn in it: many colours (text is anti-aliased), and its figure's
    band (below the title) not of one colour."""
    image = pixels(path)
    assert image.size == (1200, 630), path
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 40, f"{path} is nearly blank"
    figure_band = image.crop((0, 150, 1200, 330))
    extremes = figure_band.getextrema()
    assert any(low < 100 and high > 200 for low, high in extremes), f"{path}: nothing drawn where the figure is"
    return image


def claim_ids(site: Path) -> list[str]:
    return sorted(p.parent.name for p in (site / "claims").glob("*/index.html"))


def meta(page: Path) -> dict[str, str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            found[key] = tag.get("content")
    return found


def test_every_card_of_the_example_is_a_png_of_1200_by_630_with_its_figure_drawn(example_site: Path) -> None:
    ids = claim_ids(example_site)
    assert len(ids) > 5
    for claim_id in ids:
        assert_drawn(example_site / "claims" / claim_id / "card.png")


def test_a_claim_page_names_its_card_by_absolute_address_and_says_what_it_shows(example_site: Path) -> None:
    base = "https://example.org/dprk-russia/"
    tags = meta(example_site / "claims" / "dprk-killed" / "index.html")
    assert tags["og:image"] == base + "claims/dprk-killed/card.png"
    assert (example_site / tags["og:image"].removeprefix(base)).is_file()
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["twitter:card"] == "summary_large_image"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    alt = tags["og:image:alt"]
    assert "North Korean soldiers killed" in alt and "about 400 killed" in alt and "disputed" in alt
    # Pages other than claims have no card.
    assert "og:image" not in meta(example_site / "index.html")


def test_without_base_url_no_page_names_an_image(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "desk")
    text = (root / "claims.yaml").read_text(encoding="utf-8")
    (root / "claims.yaml").write_text(text.replace("  base_url: https://example.org/dprk-russia/\n", ""), "utf-8")
    assert build(root, root / "site", search=False).ok
    tags = meta(root / "site" / "claims" / "dprk-killed" / "index.html")
    assert "og:image" not in tags and "twitter:image" not in tags
    assert tags["twitter:card"] == "summary"
    assert (root / "site" / "claims" / "dprk-killed" / "card.png").is_file()


def test_the_chart_is_offered_as_svg_and_png_with_its_labels(example_site: Path) -> None:
    folder = example_site / "claims" / "dprk-killed"
    soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    line = soup.select_one("p.chart-download")
    assert line is not None and line.get_text(" ", strip=True).startswith("Download this chart")
    links = {a.get_text(): a for a in line.find_all("a")}
    assert set(links) == {"SVG", "PNG"} and all(a.has_attr("download") for a in links.values())
    for a in links.values():
        assert (folder / a["href"].removeprefix("../../claims/dprk-killed/")).is_file()
    tree = etree.fromstring((folder / "chart.svg").read_bytes())
    assert tree.tag == SVG + "svg"
    words = " ".join("".join(t.itertext()) for t in tree.iter(SVG + "text"))
    assert "North Korean soldiers killed" in words
    assert "Canonical figure (the shaded band): about 400 killed" in words
    assert "EU Today: approximately 1,000 killed — outdated" in words
    assert tree.find(f"{SVG}style") is not None  # its own styles: it is read away from the page
    png = pixels(folder / "chart.png")
    assert png.size == (2 * int(tree.get("width")), 2 * int(tree.get("height")))
    assert len(png.getcolors(maxcolors=1_000_000) or []) > 40


def test_no_cards_leaves_the_images_and_their_names_out(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "desk")
    assert build(root, root / "site", search=False, cards=False).ok
    folder = root / "site" / "claims" / "dprk-killed"
    assert sorted(p.name for p in folder.iterdir()) == ["embed", "index.html", "oembed.json"]  # no image
    assert "og:image" not in meta(folder / "index.html")
    assert "chart-download" not in (folder / "index.html").read_text(encoding="utf-8")
    # A build with the cards afterwards adds them: the first build is not taken as current for it.
    assert build(root, root / "site", search=False).ok
    assert (folder / "card.png").is_file() and "og:image" in meta(folder / "index.html")


class Rasterised:
    """Counts what resvg is asked to draw."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.svgs: list[str] = []
        real = cards.rasterise

        def counted(svg: str, fonts: tuple[Path, ...], zoom: float = 1.0) -> bytes:
            self.svgs.append(svg)
            return real(svg, fonts, zoom)

        monkeypatch.setattr(cards, "rasterise", counted)

    def take(self) -> int:
        count, self.svgs = len(self.svgs), []
        return count


def images(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.glob("claims/*/*.png"))}


def test_a_card_is_drawn_again_only_when_what_it_shows_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = Rasterised(monkeypatch)
    root = copy_example(tmp_path / "desk")
    assert build(root, root / "site", search=False).ok
    first = images(root / "site")
    assert drawn.take() == len(first) > 10

    # A warm build (the site gone, the cache kept) draws nothing, and gives the same bytes.
    shutil.rmtree(root / "site")
    assert build(root, root / "site", search=False).ok
    assert drawn.take() == 0
    assert images(root / "site") == first

    # A change of one claim redraws that claim's card and chart only.
    text = (root / "claims.yaml").read_text(encoding="utf-8")
    changed = text.replace("title: North Korean soldiers killed\n", "title: North Korean soldiers killed in Kursk\n")
    assert changed != text
    (root / "claims.yaml").write_text(changed, encoding="utf-8")
    assert build(root, root / "site", search=False).ok
    assert drawn.take() == 2
    after = images(root / "site")
    assert {path for path in first if after[path] != first[path]} == {
        "claims/dprk-killed/card.png",
        "claims/dprk-killed/chart.png",
    }

    # A change of the drawing (its code, which makes the SVG; here the cache key's own part) redraws all.
    monkeypatch.setattr(cards, "FORMAT", b"factsheet images, another drawing")
    shutil.rmtree(root / "site")
    assert build(root, root / "site", search=False).ok
    assert drawn.take() == len(first)


def test_a_changed_font_redraws_every_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = Rasterised(monkeypatch)
    fonts = tmp_path / "fonts"
    shutil.copytree(languages.FONTS, fonts)
    monkeypatch.setattr(languages, "FONTS", fonts)
    root = copy_example(tmp_path / "desk")
    assert build(root, root / "site", search=False).ok
    count = drawn.take()
    shutil.rmtree(root / "site")
    with (fonts / "DejaVuSans.ttf").open("ab") as font:
        font.write(b"\0\0\0\0")  # another version of the font: resvg still reads it
    assert build(root, root / "site", search=False).ok
    assert drawn.take() == count


def test_the_same_desk_draws_the_same_bytes(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "desk")
    assert build(root, root / "site", search=False).ok
    first = images(root / "site")
    shutil.rmtree(root / ".factsheet-cache")
    shutil.rmtree(root / "site")
    assert build(root, root / "site", search=False).ok
    assert images(root / "site") == first


def test_the_card_of_a_claim_of_62_figures_fits_its_chart(estimates_site: Path) -> None:
    image = assert_drawn(estimates_site / "claims" / "russian-military-killed-and-wounded" / "card.png")
    # The chart reaches the bottom of the card (its axis) without running off it.
    assert image.crop((0, 560, 1200, 630)).getextrema() != ((255, 255), (255, 255), (255, 255))


def cjk_font() -> bool:
    languages._system_fonts.cache_clear()
    return languages.fonts("ko") is not None


@pytest.mark.skipif(not cjk_font(), reason="no CJK font on this machine (apt-get install fonts-noto-cjk)")
def test_a_korean_desk_draws_its_cards_in_a_korean_font(tmp_path: Path) -> None:
    root = tmp_path / "ko"
    shutil.copytree(REPO / "examples" / "ko", root)
    result = build(root, root / "site", search=False)
    assert result.ok and not [p for p in result.problems.sorted() if "font" in p.message]
    fonts = cards.Drawing.of("ko", None).fonts
    assert any("CJK" in font.name or "Nanum" in font.name for font in fonts)
    for claim_id in claim_ids(root / "site"):
        assert_drawn(root / "site" / "claims" / claim_id / "card.png")
    # Hangul in the shipped font alone would be empty boxes: the card differs from one drawn without the CJK font.
    analysis = result.analysis
    assert analysis is not None
    svg = cards.card_svg(analysis.claims[0], localised("ko"), analysis.site.settings.title)
    assert cards.rasterise(svg, fonts) != cards.rasterise(svg, fonts[:2])


def test_a_site_in_a_language_no_font_draws_is_warned_of_at_its_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(languages, "FONT_FOLDERS", (tmp_path / "no-fonts",))
    languages._system_fonts.cache_clear()
    try:
        root = tmp_path / "ko"
        shutil.copytree(REPO / "examples" / "ko", root)
        result = check(root)
        warned = [p for p in result.problems.sorted() if "font" in p.message]
        assert [str(p).split(": warning: ")[0] for p in warned] == ["claims.yaml:11:13"]
        assert "fonts-noto-cjk" in warned[0].message and "--no-cards" in warned[0].message
    finally:
        languages._system_fonts.cache_clear()


def test_an_arabic_desk_draws_its_cards_right_to_left(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "desk", language="ar")
    text = (root / "claims.yaml").read_text(encoding="utf-8")
    text = text.replace("title: North Korean soldiers killed\n", "title: الجنود الكوريون الشماليون القتلى\n")
    (root / "claims.yaml").write_text(text, encoding="utf-8")
    result = build(root, root / "site", search=False)
    assert result.ok and not [p for p in result.problems.sorted() if "font" in p.message]
    image = assert_drawn(root / "site" / "claims" / "dprk-killed" / "card.png")
    # Set from the right: the title's line ends at the right margin, and leaves the left of the card empty.
    title = image.crop((0, 90, 1200, 150))
    ink = [x for x in range(1200) if min(title.getpixel((x, y))[0] for y in range(60)) < 100]
    assert ink and ink[-1] > 1100 and ink[0] > 300
    svg = etree.fromstring((root / "site" / "claims" / "dprk-killed" / "chart.svg").read_bytes())
    assert any("الجنود" in "".join(t.itertext()) for t in svg.iter(SVG + "text"))

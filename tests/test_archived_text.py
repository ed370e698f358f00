"""Archived texts of plain paragraphs are read without parsing their Markdown, with the words parsing gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.check import quotes
from builder.check.quotes import archive, find_quote, fold
from builder.render import passages
from builder.render.passages import archived_html

WORDS = st.sampled_from(["North", "Korea", "sent", "about", "11,000", "troops", "3.5", "“quoted”", "it’s", "—", "#5"])
MARKS = st.sampled_from(["*", "_", "`", "[", "]", "<b>", "&amp;", "\\", "!", "~~", "|", "[[claim]]"])
LINE_STARTS = st.sampled_from(
    [
        "",
        "",
        "",
        "# ",
        "## ",
        "###### ",
        "#",
        "> ",
        "- ",
        "* ",
        "+ ",
        "1. ",
        "2025) ",
        "    ",
        "  ",
        "\t",
        "=== ",
        "--- ",
        "| ",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        words = draw(st.lists(st.one_of(WORDS, MARKS) if draw(st.booleans()) else WORDS, min_size=0, max_size=8))
        lines.append(draw(LINE_STARTS) + " ".join(words) + draw(st.sampled_from(["", "  ", " #"])))
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, derandomize=True)
@given(documents())
def test_the_shortcut_gives_the_words_that_parsing_gives(markdown: str) -> None:
    parsed = fold(quotes._visible(markdown))
    assert archive("t.md", markdown).plain == parsed


def test_plain_paragraphs_take_the_shortcut_and_marked_text_does_not() -> None:
    assert quotes._plain_paragraphs("# Report\n\nSome context. About 1,000 troops.\nMore words.\n") is not None
    for marked in ("Some *emphasis*.\n", "> a quote\n", "- a list\n", "    code\n", "1. first\n", "A [link](x)\n"):
        assert quotes._plain_paragraphs(marked) is None, marked


def test_a_passage_of_a_shortcut_text_is_highlighted_where_it_stands() -> None:
    text = archive("t.md", "# Report\n\nSome context first.\nOfficials said about 3,000 troops.\n\nMore.\n")
    passage = find_quote("said about 3,000", text)
    assert passage is not None
    html = archived_html(text, [passage])
    assert "<mark" in html and "said about 3,000</mark>" in html


@settings(max_examples=300, deadline=None, derandomize=True)
@given(documents(), st.lists(st.tuples(st.integers(0, 200), st.integers(1, 6)), max_size=4))
def test_plain_texts_are_highlighted_as_markdown_it_renders_them(markdown: str, spans: list[tuple[int, int]]) -> None:
    """The direct HTML of a plain text, with its passages marked, is byte for byte markdown-it's."""
    text = archive("t.md", markdown)
    words = text.plain.split(" ")
    found = []
    for start, length in spans:
        quote = " ".join(words[start % max(1, len(words)) :][:length])
        passage = find_quote(quote, text) if quote else None
        if passage is not None:
            found.append(passage)
    direct = archived_html(text, found)
    original = passages._plain_blocks
    try:
        passages._plain_blocks = lambda _markdown: None  # type: ignore[assignment]
        parsed = archived_html(text, found)
    finally:
        passages._plain_blocks = original
    assert direct == parsed

"""What Pagefind is fed of a page: its body, without the parts Pagefind would skip, cut from the page's bytes
without parsing it (a parser took most of the index's time); where the scan is unsure, the page whole.

`tests/test_search.py` checks, with a property test, that Pagefind indexes the same from what this cuts as
from the whole page.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The scanning is done on a lower-cased copy, as tag and attribute names ignore case, and the
# bytes are cut from the page itself.

_BODY = b"data-pagefind-body"
_MAIN, _MAIN_END = b"<main", b"</main>"
_TAG_ENDS = frozenset(b" \t\n\r\f/>")
_ATTRIBUTE_ENDS = frozenset(b" \t\n\r\f=/>")
_SPACES = frozenset(b" \t\n\r\f")
_IGNORE = b"data-pagefind-ignore"
# Where a part starts that Pagefind indexes no text of, in the body: a comment, one of these
# elements, or an element with the attribute `_IGNORE`. One regular expression, whose literal
# "<" Python finds fast, rather than a search for each.
_SKIPPED_TAG = re.compile(rb"<(?:!--|(svg|script|style|nav)(?=[\s/>]))")
# Pagefind reads these even where it indexes no text: the first <h1> gives a page its title and
# the first <img> after it its image; these attributes give meta data, filters, sort keys or
# indexed attribute values. A skipped part holding one is left to Pagefind to skip; a page
# holding one outside its body is sent whole.
_READ_TAGS = (b"<h1", b"<img")
_READ_ATTRIBUTES = (b"meta", b"default-meta", b"filter", b"sort", b"index-attrs")
_PAGEFIND = b"data-pagefind-"
_READ_NAMES = re.compile(rb"(?:%s)(?=[ \t\n\r\f=/>]|\Z)" % b"|".join(map(re.escape, _READ_ATTRIBUTES)))
# What makes the count of an element's tags unsure: a comment or a raw-text element in between.
_HIDING = re.compile(rb"<(?:!--|script|style)")
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())
_RAW_TEXT = frozenset({b"script", b"style"})  # their content is text up to the end tag, never markup
_TAG_NAME = re.compile(rb"<([a-z][a-z0-9-]*)")


def _find(low: bytes, needle: bytes, start: int, stop: int) -> int:
    """The next `needle` that is a whole tag name or attribute name, or -1."""
    attribute = not needle.startswith(b"<")
    ends = _ATTRIBUTE_ENDS if attribute else _TAG_ENDS
    at = low.find(needle, start, stop)
    while at != -1:
        after = at + len(needle)
        if (after == len(low) or low[after] in ends) and (not attribute or low[at - 1] in _SPACES):
            return at
        at = low.find(needle, at + 1, stop)
    return -1


def _read_anyway(low: bytes, start: int, stop: int) -> bool:
    """Whether `low[start:stop]` holds something that Pagefind reads even in a part it skips: one of
    `_READ_TAGS` or `_READ_ATTRIBUTES`, its name whole. Looked for with `bytes.find`: one regular
    expression for them all, which has no literal start to look for, made a claim page's cut a quarter slower."""
    # The tags as `_find` would look for them, inline: through `_find` a claim page's cut took 14% longer.
    for needle in (*_READ_TAGS, _PAGEFIND):
        at = low.find(needle, start, stop)
        while at != -1:
            after = at + len(needle)
            if needle is _PAGEFIND:
                name = _READ_NAMES.match(low, after)
                if name is not None and name.end() <= stop:  # the name whole within the part, as for tags
                    return True
            elif after == len(low) or low[after] in _TAG_ENDS:
                return True
            at = low.find(needle, at + 1, stop)
    return False


@lru_cache(maxsize=16)
def _tags_of(name: bytes) -> re.Pattern[bytes]:
    """Start and end tags of `name`, and the comments and raw-text elements in which neither counts."""
    return re.compile(
        rb"<!--.*?-->|<script[\s>].*?</script\s*>|<style[\s>].*?</style\s*>|<(/?)" + re.escape(name) + rb"(?=[\s/>])",
        re.S,
    )


def _element_end(low: bytes, start: int, name: bytes, stop: int) -> int:
    """Where the element whose start tag is at `start` ends, or -1 if it does not end before `stop`."""
    tag_end = low.find(b">", start, stop) + 1
    if tag_end == 0:
        return -1
    if name in _VOID or (name == b"svg" and low[tag_end - 2] == ord("/")):
        return tag_end  # no content: a void element, or an <svg/>, which is foreign content and may self-close
    if name in _RAW_TEXT:
        close = low.find(b"</" + name, tag_end, stop)
        return -1 if close == -1 else low.find(b">", close, stop) + 1 or -1
    # A quick count of the start and end tags of `name`, good unless a comment or a script lies
    # between them, in which a tag would be text: then counted again with a regular expression.
    end = _counted_end(low, tag_end, name, stop)
    if end == -1 or _HIDING.search(low, tag_end, end) is None:
        return end
    return _matched_end(low, tag_end, name, stop)


def _counted_end(low: bytes, tag_end: int, name: bytes, stop: int) -> int:
    """The end of the element by counting its start and end tags with `find`, or -1."""
    depth, at = 1, tag_end
    while depth:
        close = _find(low, b"</" + name, at, stop)
        if close == -1:
            return -1
        opening = _find(low, b"<" + name, at, close)
        at = low.find(b">", opening if opening != -1 else close, stop) + 1
        if at == 0:
            return -1
        if opening == -1:
            depth -= 1
        elif not (name == b"svg" and low[at - 2] == ord("/")):
            depth += 1
    return at


def _matched_end(low: bytes, tag_end: int, name: bytes, stop: int) -> int:
    """The end of the element by its tags as a regular expression finds them, past comments and scripts."""
    depth = 1
    for match in _tags_of(name).finditer(low, tag_end, stop):
        if match.group(1) is None:
            continue  # a comment or a script: nothing in it opens or closes the element
        end = low.find(b">", match.end(), stop) + 1
        if end == 0:
            return -1
        if match.group(1):
            depth -= 1
            if depth == 0:
                return end
        elif not (name == b"svg" and low[end - 2] == ord("/")):
            depth += 1
    return -1


def _body_parts(page: bytes, low: bytes, start: int, stop: int) -> list[bytes] | None:
    """The body's content between `start` and `stop` without what Pagefind skips; None if unsure."""
    parts: list[bytes] = []
    at = start
    tag = _SKIPPED_TAG.search(low, at, stop)
    ignore = _find(low, _IGNORE, at, stop)
    while tag is not None or ignore != -1:
        if tag is not None and (ignore == -1 or tag.start() < ignore):
            begin, name = tag.start(), tag.group(1)
            if name is None:  # a comment, which holds nothing Pagefind reads
                end = low.find(b"-->", begin + 4, stop) + 3
                if end == 2:
                    return None
                parts.append(page[at:begin])
                at = end
                tag = _SKIPPED_TAG.search(low, at, stop)
                ignore = _find(low, _IGNORE, at, stop) if -1 < ignore < at else ignore
                continue
        else:
            # The attribute's element starts at the "<" before it, if that "<" opened the tag.
            begin = low.rfind(b"<", at, ignore)
            named = _TAG_NAME.match(low, begin) if begin != -1 else None
            if named is None or low.find(b">", begin, ignore) != -1:
                ignore = _find(low, _IGNORE, ignore + 1, stop)
                continue  # words of a text, not an attribute
            name = named.group(1)
        end = _element_end(low, begin, name, stop)
        if end == -1:
            return None
        # Left in for Pagefind to skip when it still reads part of it.
        parts.append(page[at:end] if _read_anyway(low, begin, end) else page[at:begin])
        at = end
        if tag is not None and tag.start() < at:
            tag = _SKIPPED_TAG.search(low, at, stop)
        if -1 < ignore < at:
            ignore = _find(low, _IGNORE, at, stop)
    parts.append(page[at:stop])
    return parts


def indexed_text(page: bytes) -> bytes:
    """The page as Pagefind needs it: `<html>` tag, `<title>` and the body's content; or the page whole."""
    low = page.lower()
    marker = _find(low, _BODY, 0, len(low))
    if marker == -1 or _find(low, _BODY, marker + 1, len(low)) != -1:
        return page  # no body element (Pagefind then indexes the page whole, or skips it), or several
    opening = low.rfind(b"<", 0, marker)
    open_end = low.find(b">", marker) + 1
    close = low.rfind(_MAIN_END)
    if _find(low, _MAIN, opening, opening + len(_MAIN)) != opening or low.find(b">", opening, marker) != -1:
        return page  # the body is not a <main>, whose end this scanner can find
    if not 0 < open_end <= close or _read_anyway(low, 0, opening) or _read_anyway(low, close, len(low)):
        return page
    parts = _body_parts(page, low, open_end, close)
    if parts is None:
        return page
    html_start = _find(low, b"<html", 0, opening)
    html = page[html_start : low.find(b">", html_start) + 1] if html_start != -1 else b"<html>"
    title_start = _find(low, b"<title", 0, opening)
    title_end = low.find(b"</title>", title_start, opening) if title_start != -1 else -1
    title = page[title_start : title_end + len(b"</title>")] if title_end != -1 else b""
    head = b'<!doctype html>\n%s<head><meta charset="utf-8">%s</head><body>' % (html, title)
    return b"".join([head, page[opening:open_end], *parts, _MAIN_END, b"</body></html>\n"])


# --- Pagefind ----------------------------------------------------------------------------------

"""A `SiteDiff` told three ways: text for a terminal, Markdown for a pull-request comment, JSON for tools."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from builder.render import formatting, urls
from builder.review.diff import ClaimDiff, FigureState, PageDiff, Revision, SiteDiff, SourceDiff, VariantState

Row = tuple[str, str, str]
"""What changed, before, after."""
LONG = 120


def figure_text(figure: FigureState | None) -> str:
    """As written with its interval (`about 11,000 soldiers, [9,900, 12,100]`); a single number needs none."""
    if figure is None:
        return "—"
    if figure.interval is None or figure.interval.is_point:
        return figure.text
    return f"{figure.text}, {formatting.interval(figure.interval)}"


def _variant(state: VariantState | None) -> str:
    if state is None:
        return "—"
    deviation = f" {state.deviation_shown}" if state.deviation_shown not in _UNREMARKABLE else ""
    return f"{figure_text(state.figure)} ({state.verdict}{deviation})"


def _verdict(state: VariantState) -> str:
    deviation = f" ({state.deviation_shown})" if state.deviation_shown not in _UNREMARKABLE else ""
    return state.verdict + deviation


_UNREMARKABLE = ("—", "0%", "same")
"""Deviations a report leaves unsaid: none, or none to speak of."""


def _short(text: str | None) -> str:
    if text is None:
        return "—"
    text = " ".join(text.split())
    return text if len(text) <= LONG else text[: LONG - 1] + "…"


def rows(claim: ClaimDiff) -> list[Row]:
    """The changes of one claim, one per row, as a reviewer reads them."""
    if claim.change == "added":
        return [("added", "—", f"{figure_text(claim.new_figure)} ({claim.new_status})")]
    if claim.change == "removed":
        return [("removed", f"{figure_text(claim.old_figure)} ({claim.old_status})", "—")]
    found: list[Row] = []
    if claim.change == "renamed":
        found.append(("renamed", f"id {claim.old_id}", f"id {claim.id}"))
    if claim.figure_changed:
        found.append(("canonical figure", figure_text(claim.old_figure), figure_text(claim.new_figure)))
    found += [(field.name, _short(field.old), _short(field.new)) for field in claim.fields]
    for v in claim.variants:
        if v.change == "added":
            found.append((f"{v.label}: variant added", "—", _variant(v.new)))
        elif v.change == "removed":
            found.append((f"{v.label}: variant removed", _variant(v.old), "—"))
        else:
            found += [(f"{v.label}: {f.name}", _short(f.old), _short(f.new)) for f in v.fields]
            assert v.old is not None and v.new is not None
            if v.old.verdict != v.new.verdict:
                what = f"{v.label}: verdict on {v.new.figure.text}"
                found.append((what, _verdict(v.old), _verdict(v.new)))
    if claim.status_changed:
        found.append(("status", claim.old_status or "—", claim.explanation or claim.new_status or "—"))
    return found


def _source_rows(source: SourceDiff) -> list[Row]:
    if source.change != "changed":
        return [(source.change, "—" if source.change == "added" else source.title, source.title)]
    return [(f.name, _short(f.old), _short(f.new)) for f in source.fields]


def summary(diff: SiteDiff) -> str:
    """One line: the revisions, and how many claims, verdicts, statuses, sources and pages changed."""
    where = f"{diff.base.name} → {diff.head.name}"
    broken = [r for r in (diff.base, diff.head) if r.state == "invalid"]
    if broken:
        told = "; ".join(f"{r.name} does not validate ({_count(len(r.problems), 'error')})" for r in broken)
        return f"{where}: {told}, so its claims cannot be compared."
    counts = {kind: sum(c.change == kind for c in diff.claims) for kind in ("changed", "added", "removed", "renamed")}
    figures = sum(c.figure_changed for c in diff.claims)
    canonical = f" ({_count(figures, 'canonical figure')})" if figures else ""
    parts = [f"{_count(counts['changed'], 'claim')} changed{canonical}"]
    parts += [f"{counts[kind]} {kind}" for kind in ("added", "removed", "renamed") if counts[kind]]
    verdicts = sum(c.verdicts_changed for c in diff.claims)
    statuses = sum(c.status_changed for c in diff.claims)
    consequences = f"{_count(verdicts, 'verdict')} and {_count(statuses, 'status', 'statuses')} changed"
    kinds = {"added": "added", "removed": "removed", "changed": "edited"}
    counted = [(sum(s.change == kind for s in diff.sources), word) for kind, word in kinds.items()]
    sources = ", ".join(f"{_count(n, 'source')} {word}" for n, word in counted if n) or "no source changed"
    settings = f"; site settings changed ({', '.join(f.name for f in diff.settings)})" if diff.settings else ""
    pages = _count(len(diff.pages), "page")
    return f"{where}: {', '.join(parts)}; {consequences}; {sources}{settings}; {pages} altered."


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _problem_lines(revision: Revision) -> list[str]:
    return [str(p) for p in revision.problems]


def _page_link(page: PageDiff, base_url: str | None) -> str:
    shown = "/" + page.url
    if not base_url:
        return f"`{shown}`"
    return f"[{_md(shown)}]({base_url.rstrip('/')}/{page.url})"


# -- text --------------------------------------------------------------------------------

_MARK = {"added": "+", "removed": "-", "renamed": ">", "changed": "~"}


def text(diff: SiteDiff) -> str:
    lines = [summary(diff)]
    for revision in (diff.base, diff.head):
        if revision.state == "invalid":
            lines += ["", f"{revision.name} does not validate:", *(f"  {p}" for p in _problem_lines(revision))]
    for claim in diff.claims:
        renamed = f" (renamed from {claim.old_id})" if claim.old_id else ""
        lines += ["", f"{_MARK[claim.change]} {claim.id}{renamed}: {claim.title}"]
        lines += [f"    {what}: {before} → {after}" for what, before, after in rows(claim) if what != "renamed"]
    if diff.sources:
        lines += ["", "Sources:"]
        for source in diff.sources:
            lines.append(f"  {_MARK[source.change]} {source.id} ({source.outlet or 'outlet unknown'}): {source.title}")
            if source.change == "changed":
                lines += [f"      {what}: {before} → {after}" for what, before, after in _source_rows(source)]
    if diff.settings:
        lines += ["", "Site settings:", *(f"  {f.name}: {f.old} → {f.new}" for f in diff.settings)]
    if diff.pages:
        lines += ["", f"Pages altered ({len(diff.pages)}):", *(f"  /{p.url} ({p.change})" for p in diff.pages)]
    return "\n".join(lines) + "\n"


# -- Markdown ----------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(value: str) -> str:
    """Plain text inside Markdown (a table cell included): nothing in it becomes markup or a column."""
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))


def markdown(diff: SiteDiff, base_url: str | None = None) -> str:
    """For a pull-request comment: the summary, a table of the changed claims, the sources, every page altered."""
    link_base = base_url or diff.base_url
    lines = [f"**factsheet diff**: {_md(summary(diff))}", ""]
    for revision in (diff.base, diff.head):
        if revision.state == "invalid":
            lines += [f"**{_md(revision.name)} does not validate:**", "", "```text", *_problem_lines(revision)]
            lines += ["```", ""]
    if diff.claims:
        lines += ["| Claim | What changed | Before | After |", "| --- | --- | --- | --- |"]
        for claim in diff.claims:
            name = _claim_link(claim, link_base)
            for what, before, after in rows(claim):
                lines.append(f"| {name} | {_md(what)} | {_md(before)} | {_md(after)} |")
        lines.append("")
    if diff.sources:
        lines += ["| Source | What changed | Before | After |", "| --- | --- | --- | --- |"]
        for source in diff.sources:
            name = f"`{source.id}` ({_md(source.outlet or 'outlet unknown')})"
            lines += [f"| {name} | {_md(w)} | {_md(b)} | {_md(a)} |" for w, b, a in _source_rows(source)]
        lines.append("")
    if diff.settings:
        changed = "; ".join(f"{f.name} {_md(_short(f.old))} → {_md(_short(f.new))}" for f in diff.settings)
        lines += [f"Site settings: {changed}", ""]
    if diff.pages:
        lines += [f"Pages this change alters ({len(diff.pages)}):", ""]
        lines += [f"- {_page_link(page, link_base)} ({page.change})" for page in diff.pages]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _claim_link(claim: ClaimDiff, base_url: str | None) -> str:
    if claim.change == "removed" or not base_url:
        return f"`{claim.id}`"
    return f"[`{claim.id}`]({base_url.rstrip('/')}/{urls.claim(claim.id)})"


# -- JSON --------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Infinite ends as null and whole numbers as integers, as in claims.json; deviations to six places."""
    if isinstance(value, float):
        if math.isinf(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, dict):
        return {k: _plain(round(v, 6) if k == "deviation" and isinstance(v, float) else v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_data(diff: SiteDiff) -> dict[str, Any]:
    """The whole comparison as plain data."""

    def revision(r: Revision) -> dict[str, Any]:
        problems = [
            {"path": p.location.path, "line": p.location.line, "column": p.location.col, "message": p.message}
            for p in r.problems
        ]
        return {
            "label": r.label,
            "commit": r.commit,
            "subject": r.subject,
            "state": r.state,
            "problems": problems,
            "desk": r.desk,
        }

    data = asdict(diff)
    data["base"], data["head"] = revision(diff.base), revision(diff.head)
    data["summary"] = summary(diff)
    data["comparable"] = diff.comparable
    return _plain(data)


def json_text(diff: SiteDiff) -> str:
    return json.dumps(as_data(diff), indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[SiteDiff], str]] = {"text": text, "markdown": markdown, "json": json_text}

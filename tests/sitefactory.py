"""Small factsheet sites written into a temporary folder, for validation and command-line tests.

`write_site(root)` writes a minimal valid site; tests change one thing in it
(`edit` replaces one exact piece of claims.yaml) and look at what `check`
reports. `position` finds where a marker stands in a text, so that expected
lines and columns are computed from the text rather than counted by hand.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from builder.pipeline.stages import check

CLAIMS = textwrap.dedent(
    """\
    site:
      title: Test desk
      base_url: https://example.org/desk/
      description: Figures side by side.
    sources:
      ap-2025-03-27:
        outlet: Associated Press
        title: North Korea sent about 11,000 troops
        url: https://apnews.com/article/dprk-troops
        published: 2025-03-27
        text: content/sources/ap-2025-03-27.md
      reuters-2025-04-01:
        outlet: Reuters
        title: North Korean casualties mount
        published: 2025-04-01
    claims:
      - id: troops-total
        title: North Korean soldiers sent to Russia
        topic: Troops
        unit: soldiers
        canonical:
          value: about 11,000
          as_of: 2025-03-27
          source: ap-2025-03-27
        related: [casualties-total]
        variants:
          - source: ap-2025-03-27
            value: about 11,000
            quote: "North Korea sent about 11,000 troops to participate in the war"
          - source: reuters-2025-04-01
            value: 12,000
      - id: casualties-total
        title: North Korean soldiers killed or wounded
        topic: Casualties
        unit: soldiers
        canonical:
          value: about 4,000
          source: ap-2025-03-27
        variants:
          - source: ap-2025-03-27
            value: about 4,000
            quote: "about 4,000 of them were killed or wounded"
          - source: reuters-2025-04-01
            value: more than 3,000
    """
)

ARCHIVED_TEXT = textwrap.dedent(
    """\
    # North Korea sent about 11,000 troops

    North Korea sent about 11,000 troops to participate in the war against
    Ukraine, its first large-scale conflict since the Korean War.

    According to estimates by the Joint Chiefs of Staff in Seoul, about 4,000 of
    them were killed or wounded.
    """
)

ABOUT = textwrap.dedent(
    """\
    ---
    title: About this site
    order: 1
    ---

    This site compares what outlets reported.

    North Korea sent [[troops-total]] to Russia, and lost [[casualties-total|about 4,000]].
    """
)

FILES = {
    "claims.yaml": CLAIMS,
    "content/about.md": ABOUT,
    "content/sources/ap-2025-03-27.md": ARCHIVED_TEXT,
}


def write_site(root: Path, claims: str = CLAIMS, files: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the minimal site into `root`; `files` adds or replaces files (None removes one)."""
    contents: dict[str, str | bytes | None] = {**FILES, "claims.yaml": claims, **(files or {})}
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in contents.items():
        path = root / relative
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def edit(text: str, old: str, new: str) -> str:
    """`text` with the one occurrence of `old` replaced; a test whose marker moved fails loudly."""
    count = text.count(old)
    assert count == 1, f"expected exactly one {old!r} in the text, found {count}"
    return text.replace(old, new)


def spaced(claims: str) -> str:
    """`claims` with the digits of each `value:` grouped by spaces (`about 11 000`), which every language reads as
    thousands: where a comma marks a decimal (Ukrainian, French), `11,000` is refused as ambiguous."""
    return re.sub(r"(?m)^(\s*value: .*)$", lambda line: re.sub(r"(?<=\d),(?=\d{3})", " ", line[0]), claims)


def position(text: str, marker: str, occurrence: int = 1) -> tuple[int, int]:
    """The 1-based line and column at which the `occurrence`-th `marker` starts in `text`."""
    start = -1
    for _ in range(occurrence):
        start = text.find(marker, start + 1)
        assert start >= 0, f"{marker!r} (occurrence {occurrence}) not in the text"
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


_PROBLEM = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.+)$", re.S
)


@dataclass(frozen=True)
class Reported:
    """One problem as printed, `path:line:col: severity: message`, split into its parts."""

    path: str
    line: int
    col: int
    severity: str
    message: str

    @property
    def where(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.severity)


def parse_problem(text: str) -> Reported:
    match = _PROBLEM.match(text)
    assert match is not None, f"not in the form path:line:col: severity: message: {text!r}"
    return Reported(match["path"], int(match["line"]), int(match["col"]), match["severity"], match["message"])


def problems(root: Path) -> list[Reported]:
    """Every problem `check` reports for the site at `root`, in report order, via their printed form."""
    return [parse_problem(str(p)) for p in check(root).problems.sorted()]


def only_problem(root: Path, path: str, line: int, col: int, *words: str, severity: str = "error") -> str:
    """Assert that `check` reports exactly one problem, at this place, with these words; return its message."""
    found = problems(root)
    assert [p.where for p in found] == [(path, line, col, severity)], "\n".join(
        f"{p.path}:{p.line}:{p.col}: {p.severity}: {p.message}" for p in found
    )
    message = found[0].message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative, forward slashes) with the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }

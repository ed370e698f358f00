"""Stage 1: read the files of a site (claims, included claims, pages, archived texts).

Nothing here interprets the data beyond what is needed to know which files
to read; every file is read once, as text, and checked to lie inside the root.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

from builder.problems import Location, Problems, Where
from builder.read.yamlsource import parse_yaml
from builder.read.yamlwhole import Place, YamlDocument

CLAIMS_FILE = "claims.yaml"
CONTENT_DIR = "content"
SOURCES_DIR = "content/sources"
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass
class PageFile:
    """A narrative page: `content/<name>.md`, its front matter and Markdown body."""

    name: str
    path: str
    front_matter: YamlDocument | None
    body: str
    body_line: int
    """The line of the file on which the Markdown body starts (1-based)."""


@dataclass
class LoadedSite:
    """Everything read from disk, with positions, before any validation."""

    root: Path
    claims: YamlDocument | None
    included: list[YamlDocument] = field(default_factory=list)
    pages: list[PageFile] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    """Archived source texts by their path relative to the root."""
    template_dir: Path | None = None

    def files(self) -> tuple[str, ...]:
        """Every file read, by its path relative to the root as the site names it (templates aside)."""
        docs = [self.claims, *self.included] if self.claims is not None else []
        return (*(doc.path for doc in docs), *(page.path for page in self.pages), *self.texts)


def read_text(root: Path, relative: str, problems: Problems, where: Where) -> str | None:
    """A UTF-8 text file inside `root`.

    A file that cannot be reached is a problem at `where`, the place that names it;
    a file that is not text is a problem in the file itself.
    """
    path = root / relative
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        problems.error(where, f"file '{relative}' does not exist")
        return None
    if not resolved.is_relative_to(root.resolve()):
        problems.error(where, f"'{relative}' lies outside the site folder; refusing to read it")
        return None
    if not resolved.is_file():
        problems.error(where, f"'{relative}' is not a file")
        return None
    try:
        if resolved.stat().st_size > MAX_FILE_BYTES:
            problems.error(Location(relative), f"'{relative}' is larger than {MAX_FILE_BYTES // 2**20} MiB")
            return None
        data = resolved.read_bytes()
    except OSError as error:
        problems.error(where, f"cannot read '{relative}': {error.strerror}")
        return None
    if b"\0" in data:
        problems.error(Location(relative), f"'{relative}' is a binary file, not text")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.error(Location(relative, line, 1), f"'{relative}' is not UTF-8 text (byte {error.start})")
        return None
    if "\r" not in text:  # as most files: looking is far cheaper than a replace that replaces nothing
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _load_yaml(root: Path, relative: str, problems: Problems, where: Where) -> YamlDocument | None:
    text = read_text(root, relative, problems, where)
    if text is None:
        return None
    return parse_yaml(text, relative, problems)


def _included_paths(root: Path, doc: YamlDocument, problems: Problems) -> dict[str, Where]:
    """Each file the `include:` patterns match, with the pattern's place (a file that cannot be read is told there)."""
    patterns = doc.data.get("include") if isinstance(doc.data, dict) else None
    if not isinstance(patterns, list):
        return {}
    found: dict[str, Where] = {}
    for index, pattern in enumerate(patterns):
        where = Place(doc, ("include", index))
        if not isinstance(pattern, str) or not pattern.strip():
            continue  # the schema reports it
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            problems.error(where, f"include '{pattern}' must be a path inside the site folder")
            continue
        matches = sorted(glob.glob(pattern, root_dir=root, recursive=True))
        if not matches:
            problems.warning(where, f"include '{pattern}' matches no file")
        for match in matches:
            if match != CLAIMS_FILE:
                found.setdefault(match.replace("\\", "/"), where)
    return found


def _split_front_matter(text: str, path: str, problems: Problems) -> tuple[YamlDocument | None, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.error(Location(path), "a page starts with front matter: '---', 'title: ...', '---'")
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            front = parse_yaml("\n".join(lines[1:index]), path, problems, line_offset=1)
            return front, "\n".join(lines[index + 1 :]), index + 2
    problems.error(Location(path), "the front matter is not closed by a '---' line")
    return None, text, 1


def _text_paths(docs: list[YamlDocument], root: Path) -> list[tuple[str, Where]]:
    """Archived texts named by `text:`, plus `content/sources/*.md` found by convention."""
    wanted: dict[str, Where] = {}
    for doc in docs:
        sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
        if not isinstance(sources, dict):
            continue
        for source_id, spec in sources.items():
            if isinstance(spec, dict) and isinstance(spec.get("text"), str):
                wanted.setdefault(spec["text"], Place(doc, ("sources", source_id, "text")))
    for path in sorted((root / SOURCES_DIR).glob("*.md")):
        relative = f"{SOURCES_DIR}/{path.name}"
        wanted.setdefault(relative, Location(relative))
    return sorted(wanted.items())


def load_site(root: Path, problems: Problems) -> LoadedSite:
    """Read every file the site is made of; problems are recorded, never raised."""
    site = LoadedSite(root=root, claims=None)
    if not (root / CLAIMS_FILE).exists():
        problems.error(Location(CLAIMS_FILE), f"no {CLAIMS_FILE} in '{root}'; is this a factsheet site?")
        return site
    site.claims = _load_yaml(root, CLAIMS_FILE, problems, Location(CLAIMS_FILE))
    if site.claims is None:
        return site
    for relative, where in _included_paths(root, site.claims, problems).items():
        doc = _load_yaml(root, relative, problems, where)
        if doc is not None:
            site.included.append(doc)
    for path in sorted((root / CONTENT_DIR).glob("*.md")):
        relative = f"{CONTENT_DIR}/{path.name}"
        text = read_text(root, relative, problems, Location(relative))
        if text is not None:
            front, body, body_line = _split_front_matter(text, relative, problems)
            site.pages.append(PageFile(path.stem, relative, front, body, body_line))
    for relative, where in _text_paths([site.claims, *site.included], root):
        text = read_text(root, relative, problems, where)
        if text is not None:
            site.texts[relative] = text
    if (root / "templates").is_dir():
        site.template_dir = root / "templates"
    return site

"""Full-text search with Pagefind, built from the rendered pages.

Pagefind's bundle (its script, styles and index fragments) becomes more output
files, written by the same writer as every page; the search box needs no
server. The pages are indexed by Pagefind's command line in a scratch folder
(its Python service answers one request per 0.1 s, too slow for a large desk).
If the binary cannot run, the site is still built, without search.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

BUNDLE = "pagefind/"


class SearchUnavailable(Exception):
    """Pagefind could not build the index; the message says why, in one line."""


def _binary() -> str:
    try:
        from pagefind.service import get_executable
    except ImportError as error:
        raise SearchUnavailable("the pagefind package is not installed") from error
    path = get_executable()
    if path is None:
        raise SearchUnavailable("no pagefind binary (install the pagefind[bin] package)")
    return str(path)


# Lists that only repeat what the claim and source pages say: indexing them would double the
# index and the time to build it, and a search would find each figure several times.
LIST_PAGES = ("index.html", "404.html", "discrepancies/", "outlets/", "originators/")


def _searched(path: str) -> bool:
    return path.endswith(".html") and not path.startswith(LIST_PAGES)


def search_bundle(outputs: dict[str, bytes], language: str) -> dict[str, bytes]:
    """The Pagefind bundle for the HTML pages of `outputs`, by output path."""
    binary = _binary()
    with tempfile.TemporaryDirectory(prefix="factsheet-search-") as folder:
        pages, bundle = Path(folder) / "site", Path(folder) / "bundle"
        for path, data in outputs.items():
            if _searched(path):
                (pages / path).parent.mkdir(parents=True, exist_ok=True)
                (pages / path).write_bytes(data)
        command = [binary, "--site", str(pages), "--output-path", str(bundle), "--force-language", language]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SearchUnavailable(f"pagefind did not run: {error}") from error
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()
            raise SearchUnavailable(f"pagefind failed: {last[-1] if last else done.returncode}")
        return {
            BUNDLE + file.relative_to(bundle).as_posix(): file.read_bytes()
            for file in sorted(bundle.rglob("*"))
            if file.is_file()
        }

"""Progress on a terminal: each stage of a build said as it starts, with the time so far.

A large desk's build takes minutes. On a terminal only, so that a
script or a CI log gets each command's summary alone, as before.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import click

STAGE_WORDS = {
    "load": "reading the claims, pages and archived texts",
    "validate": "checking the claims",
    "history": "reading their history from git, where there is one",
    "analyse": "comparing the figures",
    "render": "rendering and writing the pages",
    "write": "writing the site-wide files, indexing for search",
    "read the site": "reading the site the last build left, current",
}


def on_terminal() -> Callable[[str], None] | None:
    """A `Timings.progress` that says each stage on standard error, or None when that is no terminal."""
    if not sys.stderr.isatty():
        return None
    start = time.perf_counter()

    def said(stage: str) -> None:
        click.echo(f"{time.perf_counter() - start:6.1f} s  {STAGE_WORDS.get(stage, stage)}...", err=True)

    return said

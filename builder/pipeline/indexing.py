"""How a build session has its search index made: Pagefind run beside the write and timed as a stage of
its own, or the last index kept; when Pagefind cannot run, the site written without search, with a warning."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from builder.files import Output
from builder.pipeline.stages import (
    BuildResult,
)
from builder.problems import Location
from builder.read import cache
from builder.read.load import CLAIMS_FILE
from builder.render.pagefind import SearchUnavailable
from builder.render.search import document as search_document
from builder.render.search import index_documents, searched


class Indexing:
    """The session's search steps (a part of `build.Session`)."""

    root: Path
    out: Path
    bundle: dict[str, Output] | None

    def _timed_index(self, result: BuildResult, index: Callable[..., object]) -> bool:
        """Whether `index(language, cache_dir=...)` made the search bundle (if not, with a warning, when
        Pagefind cannot run), timed as a stage of its own: it runs beside the write, not within it."""
        start = time.perf_counter()
        assert result.analysis is not None
        try:
            index(result.analysis.site.settings.language, cache_dir=cache.folder(self.root))
            return True
        except SearchUnavailable as error:
            self._no_search(result, error)
            return False
        finally:
            result.timings.stages["search"] = (time.perf_counter() - start) * 1000

    @staticmethod
    def _no_search(result: BuildResult, error: SearchUnavailable) -> None:
        result.problems.warning(Location(CLAIMS_FILE), f"search: {error}; the site is written without search")
        result.without_search = True

    def _timed_search(self, result: BuildResult, again: bool, pages: dict[str, Output]) -> dict[str, Output]:
        """The bundle for the pages of a build kept in memory, made `again`, or else the last one as it was
        (none if there is none)."""
        if again:
            documents = {}
            for path, data in pages.items():
                if searched(path):
                    # A page this build did not render again is on disk as the last build wrote it.
                    page = data if isinstance(data, bytes) else (self.out / path).read_bytes()
                    documents[path] = search_document(path, page)
            bundle: dict[str, Output] = {}

            def index(language: str, cache_dir: Path) -> None:
                bundle.update(index_documents(documents, language, cache_dir))

            self.bundle = bundle if self._timed_index(result, index) else {}
        else:
            result.timings.stages["search"] = 0.0
        return self.bundle or {}

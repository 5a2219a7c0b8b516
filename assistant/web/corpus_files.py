"""Serving the ingested documents read-only, so a citation can open the PDF at its page.

Only files the index knows (its documents' sources) are served, and only from inside the folders
that were ingested (recorded in the index manifest as ``roots``): a request for anything else,
``..`` tricks and symlinks out of the folder included, is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

FILES_ROUTE = "/files"


class CorpusFiles:
    """Maps a chunk's ``source`` to the original file and to the URL that serves it.

    Args:
        roots: the ingested folders (absolute); a source is looked up in each, first match wins.
        sources: the sources the index holds; nothing else is served.
        route: URL prefix the files are served under.
    """

    def __init__(self, roots: Iterable[str | Path], sources: Iterable[str], route: str = FILES_ROUTE) -> None:
        self.roots = [Path(root).resolve() for root in roots]
        self.sources = set(sources)
        self.route = route.rstrip("/")
        self._paths: dict[str, Path | None] = {}

    def path_for(self, source: str) -> Path | None:
        """The file for ``source``, or None when it is not indexed, not inside a root or gone.

        Resolved again on every call: a file replaced by a symlink to somewhere else after it was
        indexed is refused from then on (no cached answer outlives the check).
        """
        if source not in self.sources:
            return None
        return self._find(source)

    def _exists(self, source: str) -> bool:
        """Whether ``source`` was found the first time it was asked about (for links, not for serving)."""
        if source not in self._paths:
            self._paths[source] = self._find(source)
        return self._paths[source] is not None

    def _find(self, source: str) -> Path | None:
        for root in self.roots:
            candidate = (root / source).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None

    def url_for(self, source: str, page: int | None = None) -> str | None:
        """``/files/<source>#page=N`` (browsers' PDF viewers open that page), or None if not served."""
        if source not in self.sources or not self._exists(source):
            return None
        url = f"{self.route}/{quote(source)}"
        return f"{url}#page={page}" if page else url

"""What every reader shares: the reader contract, its error type and the document builder."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ingest.lang import detect_lang
from ingest.model import Block, Document, ExtractionStats

# A title longer than this is a sentence, not a title.
MAX_TITLE_CHARS = 120


class ReaderError(ValueError):
    """A file could not be read. The message names the file and says how to fix it."""


class Reader(Protocol):
    """One file format. ``run`` reads one file into a normalised :class:`Document`."""

    def run(self, path: Path, source: str) -> Document: ...


def build_document(
    *,
    path: Path,
    source: str,
    title: str,
    blocks: list[Block],
    metadata: dict[str, str] | None = None,
    extraction: ExtractionStats | None = None,
) -> Document:
    """Assemble a Document: drop empty blocks and set the dominant language from the text.

    Readers pass already normalised block text; a block that normalised to nothing would put an
    empty passage between two separators, so it is dropped here once for all readers.
    """
    kept = [block for block in blocks if block.text.strip()]
    text = "\n".join(block.text for block in kept)
    return Document(
        source=source,
        title=title.strip() or path.stem,
        blocks=kept,
        path=str(path.resolve()),
        lang=detect_lang(text),
        metadata=dict(metadata or {}),
        extraction=extraction or ExtractionStats(),
    )


class HeadingTracker:
    """Keeps the heading path while walking a document's headings in order.

    Example:
        >>> tracker = HeadingTracker()
        >>> tracker.enter(1, "Guide")
        ()
        >>> tracker.enter(2, "Install")
        ('Guide',)
        >>> tracker.enter(2, "Usage")
        ('Guide',)
        >>> tracker.path
        ('Guide', 'Usage')
    """

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self._stack)

    def enter(self, level: int, text: str) -> tuple[str, ...]:
        """Record a heading of ``level``; returns the path of its parents (the heading's own path)."""
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        parents = self.path
        self._stack.append((level, text))
        return parents

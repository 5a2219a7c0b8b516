"""One reader per file format, chosen by file suffix.

Example:
    >>> from pathlib import Path
    >>> type(reader_for(Path("guide.MDX"))).__name__, reader_for(Path("data.csv"))
    ('MarkdownReader', None)
"""

from __future__ import annotations

from pathlib import Path

from ingest.readers.base import Reader, ReaderError
from ingest.readers.html import HTMLReader
from ingest.readers.markdown import MarkdownReader
from ingest.readers.pdf import PDFReader
from ingest.readers.text import TextReader

_READERS: dict[str, type[Reader]] = {
    ".pdf": PDFReader,
    ".md": MarkdownReader,
    ".mdx": MarkdownReader,
    ".markdown": MarkdownReader,
    ".txt": TextReader,
    ".html": HTMLReader,
    ".htm": HTMLReader,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)


def reader_for(path: Path) -> Reader | None:
    """A new reader for the file's suffix (case-insensitive), or None when the format is unsupported."""
    reader_class = _READERS.get(path.suffix.lower())
    return reader_class() if reader_class else None


__all__ = [
    "HTMLReader",
    "MarkdownReader",
    "PDFReader",
    "Reader",
    "ReaderError",
    "SUPPORTED_SUFFIXES",
    "TextReader",
    "reader_for",
]

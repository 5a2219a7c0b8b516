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


def reader_for(path: Path, *, pdf_headings: bool = False) -> Reader | None:
    """A new reader for the file's suffix (case-insensitive), or None when the format is unsupported.

    ``pdf_headings`` turns on PDF section-heading detection (see ``PDFReader``).
    """
    reader_class = _READERS.get(path.suffix.lower())
    if reader_class is None:
        return None
    if reader_class is PDFReader:
        return PDFReader(detect_headings=pdf_headings)
    return reader_class()


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

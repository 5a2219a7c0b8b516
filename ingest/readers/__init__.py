"""One reader per file format, chosen by file suffix.

Example:
    >>> from pathlib import Path
    >>> type(reader_for(Path("guide.MDX"))).__name__, reader_for(Path("data.csv"))
    ('MarkdownReader', None)
"""

from __future__ import annotations

from pathlib import Path

from ingest.ocr import PageOCR
from ingest.readers.base import Reader, ReaderError
from ingest.readers.docx import DocxReader
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
    ".docx": DocxReader,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)


def reader_for(
    path: Path, *, pdf_headings: bool = False, ocr: PageOCR | None = None, ocr_garbled: bool = True
) -> Reader | None:
    """A new reader for the file's suffix (case-insensitive), or None when the format is unsupported.

    ``pdf_headings`` turns on PDF section-heading detection; ``ocr`` reads PDF pages without a
    usable text layer, and ``ocr_garbled`` says whether garbled pages count (see ``PDFReader``).
    """
    reader_class = _READERS.get(path.suffix.lower())
    if reader_class is None:
        return None
    if reader_class is PDFReader:
        return PDFReader(detect_headings=pdf_headings, ocr=ocr, ocr_garbled=ocr_garbled)
    return reader_class()


__all__ = [
    "DocxReader",
    "HTMLReader",
    "MarkdownReader",
    "PDFReader",
    "Reader",
    "ReaderError",
    "SUPPORTED_SUFFIXES",
    "TextReader",
    "reader_for",
]

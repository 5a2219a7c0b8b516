"""Word ``.docx`` files with python-docx: paragraphs, headings and table rows in document order."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ingest.model import Block, Document, ExtractionStats
from ingest.normalize import normalize_text
from ingest.readers.base import MAX_TITLE_CHARS, HeadingTracker, ReaderError, build_document

_HEADING_STYLE = re.compile(r"^(?:heading|หัวเรื่อง)\s*(\d)$", re.IGNORECASE)


def _heading_level(style_name: str) -> int | None:
    """1-9 for "Heading N" styles (0 for "Title"), None for body text."""
    name = style_name.strip()
    if name.lower() == "title":
        return 0
    match = _HEADING_STYLE.match(name)
    return int(match.group(1)) if match else None


class DocxReader:
    """Reads ``.docx`` (Office Open XML) with python-docx.

    Body paragraphs and tables are read in document order. A paragraph styled "Title" or
    "Heading N" becomes a heading block that sets the heading path of what follows; each table row
    becomes one block with its cells joined by " | " (merged cells counted once). Title: the core
    properties title when set, else the first Title/Heading 1 paragraph, else the file stem.

    Old binary ``.doc`` files and password-protected documents are not ZIP packages and are
    reported with the fix (save as .docx without a password).
    """

    def run(self, path: Path, source: str) -> Document:
        try:
            import docx
        except ImportError as error:  # pragma: no cover - a core dependency
            raise ReaderError(f"{path}: python-docx is not installed: pip install python-docx") from error
        if not zipfile.is_zipfile(path):
            raise ReaderError(
                f"{path}: not a DOCX package (an old .doc, a password-protected file, or damaged): "
                "open it in Word or LibreOffice and save it as .docx without a password"
            )
        try:
            document = docx.Document(str(path))
        except Exception as error:  # noqa: BLE001 - python-docx raises KeyError, BadZipFile, lxml errors...
            raise ReaderError(
                f"{path}: damaged DOCX ({type(error).__name__}: {error}): re-save it in Word or LibreOffice"
            ) from error
        headings = HeadingTracker()
        blocks: list[Block] = []
        first_heading = ""
        for item in document.iter_inner_content():
            if isinstance(item, docx.table.Table):
                for row in item.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        text = normalize_text(cell.text)
                        if text and (not cells or cells[-1] != text):  # a merged cell repeats itself
                            cells.append(text)
                    if cells:
                        blocks.append(Block(text=" | ".join(cells), heading_path=headings.path))
                continue
            text = normalize_text(item.text)
            if not text:
                continue
            level = _heading_level(item.style.name if item.style is not None else "")
            if level is not None and len(text) < MAX_TITLE_CHARS:
                first_heading = first_heading or (text if level <= 1 else "")
                parents = headings.enter(level, text)
                blocks.append(Block(text=text, heading_path=parents, is_heading=True))
            else:
                blocks.append(Block(text=text, heading_path=headings.path))
        title = normalize_text(document.core_properties.title or "")
        return build_document(
            path=path,
            source=source,
            title=title if 0 < len(title) < MAX_TITLE_CHARS else first_heading or path.stem,
            blocks=blocks,
            extraction=ExtractionStats(encoding="docx"),
        )

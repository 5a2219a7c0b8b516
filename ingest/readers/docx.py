"""Word ``.docx`` files: every paragraph, heading, table row, text box and note Word shows, in order.

python-docx opens the package (parts, styles, core properties); the text itself is read from the
XML element tree by :mod:`ingest.readers.docx_text`, which sees what python-docx's ``Paragraph.text``
misses (tracked insertions, content controls, fields, text boxes, footnotes) and leaves out what
Word does not show (deleted, moved-away and vanished text).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from ingest.model import Block, ExtractionStats, Document
from ingest.normalize import normalize_text
from ingest.readers.base import MAX_TITLE_CHARS, HeadingTracker, ReaderError, build_document
from ingest.readers.docx_text import W, BodyReader, StyleSheet

_NOTE_SKIPPED_TYPES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


class DocxReader:
    """Reads ``.docx`` (Office Open XML).

    The body is read in order as Word shows it (see :mod:`ingest.readers.docx_text` for what is
    read and what is left out: page headers and footers are left out, like the running headers of
    a PDF). A paragraph styled "Title", "Heading N" (or "หัวเรื่อง N"), or with an outline level
    (its own or its style's, through ``basedOn``) becomes a heading block that sets the heading
    path of what follows; each table row becomes one block with its cells joined by " | ".
    Title: the core properties title when set, else the first Title/Heading 1 paragraph, else the
    file stem. ``ExtractionStats.hidden_dropped`` counts the vanished runs left out.

    Old binary ``.doc`` files and password-protected documents are not ZIP packages and are
    reported with the fix (save as .docx without a password).
    """

    def run(self, path: Path, source: str) -> Document:
        try:
            import docx
            from docx.opc.constants import RELATIONSHIP_TYPE as RT
        except ImportError as error:  # pragma: no cover - a core dependency
            raise ReaderError(f"{path}: python-docx is not installed: pip install python-docx") from error
        if not zipfile.is_zipfile(path):
            raise ReaderError(
                f"{path}: not a DOCX package (an old .doc, a password-protected file, or damaged): "
                "open it in Word or LibreOffice and save it as .docx without a password"
            )
        try:
            document = docx.Document(str(path))
            styles = StyleSheet(document.styles.element)
            notes = {kind: _notes(document.part, reltype, kind) for kind, reltype in (("footnote", RT.FOOTNOTES), ("endnote", RT.ENDNOTES))}
            reader = BodyReader(styles, notes["footnote"], notes["endnote"])
            items = reader.read_body(document.element.body)
            raw_title = document.core_properties.title or ""
        except Exception as error:  # noqa: BLE001 - python-docx raises KeyError, BadZipFile, lxml errors...
            raise ReaderError(
                f"{path}: damaged DOCX ({type(error).__name__}: {error}): re-save it in Word or LibreOffice"
            ) from error
        headings = HeadingTracker()
        blocks: list[Block] = []
        first_heading = ""
        for item in items:
            text = normalize_text(item.text)
            if not text:
                continue
            if item.level is not None and len(text) < MAX_TITLE_CHARS:
                first_heading = first_heading or (text if item.level <= 1 else "")
                parents = headings.enter(item.level, text)
                blocks.append(Block(text=text, heading_path=parents, is_heading=True))
            else:
                blocks.append(Block(text=text, heading_path=headings.path))
        title = normalize_text(raw_title)
        return build_document(
            path=path,
            source=source,
            title=title if 0 < len(title) < MAX_TITLE_CHARS else first_heading or path.stem,
            blocks=blocks,
            extraction=ExtractionStats(encoding="docx", hidden_dropped=reader.hidden),
        )


def _notes(part: object, reltype: str, kind: str) -> dict[str, etree._Element]:
    """Note id -> ``w:footnote``/``w:endnote`` element of the document's notes part ({} when it has none)."""
    for relationship in part.rels.values():  # type: ignore[attr-defined]
        if relationship.reltype == reltype and not relationship.is_external:
            root = etree.fromstring(relationship.target_part.blob)
            return {
                note.get(W + "id", ""): note
                for note in root.iter(W + kind)
                if note.get(W + "type", "normal") not in _NOTE_SKIPPED_TYPES
            }
    return {}

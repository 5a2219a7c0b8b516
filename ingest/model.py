"""The data that flows from ingest to index: documents made of blocks, and the chunks cut from them.

Kept free of any parsing or model code so that index and assistant can import it cheaply.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Lang = Literal["th", "en"]


@dataclass(frozen=True)
class Block:
    """One structural unit of a document: a paragraph, list item or table row group.

    Attributes:
        text: normalised text of the block (see ``ingest.normalize``).
        page: 1-based PDF page number, or None for formats without pages.
        heading_path: the headings above this block, outermost first.
        is_heading: True when the block is itself a heading (kept in the text so it is searchable).
        page_breaks: where a paragraph cut by a page break goes on: ``(offset, page)`` pairs, in
            order, meaning ``text[offset:]`` is printed on ``page`` (up to the next pair). Empty
            when the whole block is on ``page``. The chunker cuts passages there, so that each
            passage is cited by one page.
    """

    text: str
    page: int | None = None
    heading_path: tuple[str, ...] = ()
    is_heading: bool = False
    page_breaks: tuple[tuple[int, int], ...] = ()

    @property
    def last_page(self) -> int | None:
        """The page the block's text ends on (``page`` unless it continues onto a later page)."""
        return self.page_breaks[-1][1] if self.page_breaks else self.page


@dataclass
class ExtractionStats:
    """What a reader measured while extracting a file, for the fidelity report (not indexed).

    Attributes:
        pages: pages in the file (PDF; 0 for formats without pages).
        pages_without_text: pages with no usable text layer (scanned).
        pages_garbled: pages whose text layer was garbage (fonts without Unicode mapping).
        pages_ocr: pages whose text came from OCR.
        pages_missing: pages that needed OCR and did not get it (their text is missing or garbled).
        pages_repaired: pages whose text layer was garbage as extracted and usable once repaired
            (legacy Thai glyphs, lost ำ, Symbol-font bullets): indexed from the layer, not OCR'd.
        pages_fallback: pages pypdf could not extract, read by pdfium instead.
        raw_defects: suspicious-sequence counts in the text as extracted, before repair.
        repairs: what the text repairs changed, by kind (see ``ingest.normalize.count_repairs``).
        hidden_dropped: pieces of text a reader of the document cannot see, left out (PDF text in
            an invisible render mode, hidden HTML elements, DOCX vanished runs).
        ocr_note: why OCR did not run where it was needed ("tesseract is not installed: ...").
        encoding: the text encoding a text format was decoded from.
    """

    pages: int = 0
    pages_without_text: int = 0
    pages_garbled: int = 0
    pages_ocr: int = 0
    pages_missing: int = 0
    pages_repaired: int = 0
    pages_fallback: int = 0
    raw_defects: dict[str, int] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)
    hidden_dropped: int = 0
    ocr_note: str = ""
    encoding: str = ""


@dataclass
class Document:
    """A read and normalised document.

    Attributes:
        source: path relative to the ingested folder, with forward slashes (what users cite).
        title: from front matter, the first heading, PDF metadata or the file name.
        blocks: the document's content in reading order.
        path: absolute path of the file that was read.
        lang: the dominant language of the document by script.
        extraction: what the reader measured (pages OCR'd, defects before repair, encoding).
        collection: the named part of the index it belongs to ('' when the index has none).
    """

    source: str
    title: str
    blocks: list[Block]
    path: str = ""
    lang: Lang = "en"
    metadata: dict[str, str] = field(default_factory=dict)
    extraction: ExtractionStats = field(default_factory=ExtractionStats)
    collection: str = ""


@dataclass
class Chunk:
    """A passage to index, with everything needed to display and cite it.

    ``start``/``end`` are character offsets into ``document_text(doc)``: the blocks of the
    document joined with ``BLOCK_SEPARATOR``. ``page`` is the page a citation opens: where the
    chunk's text is printed, and ``page_end`` the page it ends on; both are None for formats
    without pages. A chunk that starts a page in the middle of a paragraph begins with the whole
    sentence that the page break cut (its head printed at the foot of the previous page, which
    the previous chunk then leaves out): ``page`` is the page that finishes that sentence and
    prints the rest of the chunk. ``page`` and ``page_end`` differ only when a word cut by the
    break (a compound hyphenated across it, "data-|driven") stays whole in the chunk where it
    starts (see ``ingest.chunker``).
    """

    chunk_id: str
    source: str
    title: str
    text: str
    page: int | None
    heading_path: tuple[str, ...]
    lang: Lang
    start: int
    end: int
    page_end: int | None = None
    collection: str = ""

    @property
    def pages(self) -> tuple[int, int] | None:
        """(first, last) 1-based pages the chunk spans, or None for formats without pages."""
        if self.page is None:
            return None
        return self.page, max(self.page, self.page_end or self.page)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["heading_path"] = list(self.heading_path)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Chunk:
        values = dict(data)
        values["heading_path"] = tuple(values.get("heading_path") or ())  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]


BLOCK_SEPARATOR = "\n\n"


def document_text(document: Document) -> str:
    """The canonical full text of a document that chunk spans point into."""
    return BLOCK_SEPARATOR.join(block.text for block in document.blocks)

"""PDF files: pypdf text, one block per rebuilt paragraph per page, Thai extraction repaired."""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, PdfReadError, PdfReadWarning

from ingest.fidelity import MIN_PAGE_LETTERS, NO_TEXT_LAYER, PageQuality, count_defects, page_quality
from ingest.model import Block, Document, ExtractionStats
from ingest.normalize import count_repairs, normalize_text
from ingest.ocr import OCRUnavailable, PageOCR
from ingest.readers.base import MAX_TITLE_CHARS, HeadingTracker, ReaderError, build_document
from ingest.readers.pdf_invisible import drop_invisible_text
from ingest.readers.pdf_marks import recover_unmapped_marks, undecoded_bytes
from ingest.readers.pdf_layout import (
    LineStyle,
    LineStyleCollector,
    continues_sentence,
    find_running_lines,
    heading_levels,
    is_contents_page,
    join_lines,
    last_line_is_full,
    rebuild_blocks,
    typical_full_width,
)
from ingest.readers.pdf_pdfium import PdfiumPages

logger = logging.getLogger(__name__)

# Titles that PDF producers fill in automatically and that say nothing.
_MEANINGLESS_TITLE = re.compile(
    r"^(untitled.*|microsoft (word|powerpoint|excel) - .*|.*\.(docx?|pptx?|xlsx?|pdf|indd|rtf|odt))$",
    re.IGNORECASE,
)
_MIN_TITLE_LETTERS = 4
# From this many pages on, page 1 is taken as a cover page and gives no headings.
COVER_PAGE_MIN_PAGES = 5


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """Keep pypdf's repair chatter ("Ignoring wrong pointing object ...") out of the user's output.

    Some DGA PDFs log hundreds of these warnings although their text extracts fine; real failures
    are counted per page instead (see ``Document.metadata["pages_failed"]``).
    """
    pypdf_logger = logging.getLogger("pypdf")
    previous = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PdfReadWarning)
            yield
    finally:
        pypdf_logger.setLevel(previous)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def meaningful_pdf_title(raw: str | None, path: Path) -> str:
    """The metadata title when it is a real title, else "".

    Not real: empty, a producer default ("Untitled", "Microsoft Word - x.docx"), a file name, or an
    identifier like ``GovAPI_PersonAPI_AdminManual_22112018`` (no space, underscores).
    """
    title = normalize_text(raw or "")
    if _letters(title) < _MIN_TITLE_LETTERS or len(title) > MAX_TITLE_CHARS:
        return ""
    if _MEANINGLESS_TITLE.match(title) or title == path.stem:
        return ""
    if " " not in title and "_" in title:
        return ""
    return title


def first_substantial_line(pages: list[list[str]]) -> str:
    """The first line of the first pages with text that has some words and is short enough for a title."""
    for lines in [lines for lines in pages if any(line.strip() for line in lines)][:2]:
        for line in lines:
            text = normalize_text(line, from_pdf=True)
            letters = _letters(text)
            # mostly letters: not a form line full of dotted leaders, not a table of numbers
            mostly_letters = letters >= 0.6 * len("".join(line.split()))
            if letters >= _MIN_TITLE_LETTERS * 2 and len(text) < MAX_TITLE_CHARS and mostly_letters:
                return text
    return ""


class PDFReader:
    """Reads ``.pdf`` with pypdf.

    Each page's lines are rebuilt into paragraphs (see :mod:`ingest.readers.pdf_layout`); each
    paragraph is one block with ``page`` set (1-based), normalised with ``from_pdf=True`` so that
    Thai text broken by extraction is repaired. Running headers and footers are dropped. Pages
    without a text layer give no blocks (scanned pages: OCR is a later step).

    Title: the PDF metadata title when meaningful, else the first substantial line, else the file
    stem. ``Document.metadata`` gets ``pages``, ``pages_failed`` and ``pages_without_text``.

    Headings: a short line set clearly larger than the body text, or a bold line at body size,
    becomes a heading block (``is_heading=True``) that sets the ``heading_path`` of the blocks
    after it, across pages; larger sizes are outer levels (see
    :func:`ingest.readers.pdf_layout.heading_levels`). Font sizes and weights come from pypdf's
    ``visitor_text``; a page whose pieces do not line up with its text gets no headings.

    Args:
        drop_running_lines: leave out lines repeated at the top or bottom of most pages.
        detect_headings: find headings from font size and weight.
        ocr: reads pages without a usable text layer; None: no OCR.
        ocr_garbled: also OCR pages whose text layer is garbage (not only pages without one).
    """

    def __init__(
        self,
        *,
        drop_running_lines: bool = True,
        detect_headings: bool = True,
        ocr: PageOCR | None = None,
        ocr_garbled: bool = True,
    ) -> None:
        if ocr is not None and not isinstance(ocr, PageOCR):
            raise ValueError(f"ocr must be a PageOCR or None, got {ocr!r}")
        self.ocr = ocr
        self.ocr_garbled = bool(ocr_garbled)
        if not isinstance(drop_running_lines, bool):
            raise ValueError(f"drop_running_lines must be True or False, got {drop_running_lines!r}")
        if not isinstance(detect_headings, bool):
            raise ValueError(f"detect_headings must be True or False, got {detect_headings!r}")
        self.drop_running_lines = drop_running_lines
        self.detect_headings = detect_headings

    def run(self, path: Path, source: str) -> Document:
        with quiet_pypdf():
            reader = self._open(path)
            with PdfiumPages(path) as fallback:
                pages, styles, extracted = self._extract_pages(reader, path, fallback)
            raw_title = self._metadata_title(reader)
        failed, errors = extracted.failed, extracted.errors
        if pages and failed == len(pages):
            raise ReaderError(
                f"{path}: text extraction failed on all {failed} pages ({errors[0]}): "
                "the PDF may be damaged; re-export it or print it to a new PDF"
            )
        if failed:
            logger.warning("%s: text extraction failed on %d of %d pages (%s)", path, failed, len(pages), errors[0])
        extraction = self._replace_unusable_pages(path, pages, styles)
        extraction.hidden_dropped = extracted.hidden
        extraction.pages_fallback = extracted.fallback
        page_lines = [text.split("\n") for text in pages]
        drop = find_running_lines(page_lines) if self.drop_running_lines else set()
        full_width = typical_full_width(page_lines)
        levels = heading_levels(page_lines, styles, drop=drop, full_width=full_width) if self.detect_headings else [{} for _ in page_lines]
        if len(levels) >= COVER_PAGE_MIN_PAGES:
            levels[0] = {}  # a report's cover page: display type, not sections (the title is kept apart)
        headings = HeadingTracker()
        blocks: list[Block] = []
        previous_line_full = False
        for number, (lines, page_levels) in enumerate(zip(page_lines, levels), start=1):
            if self.detect_headings and is_contents_page(lines):
                headings = HeadingTracker()  # front matter ends at the table of contents
            first_on_page = True
            for paragraph, level in rebuild_blocks(lines, drop=drop, full_width=full_width, heading_levels=page_levels):
                text = normalize_text(paragraph, from_pdf=True)
                if not text:
                    continue
                if level is not None:
                    parents = headings.enter(level, text)
                    blocks.append(Block(text=text, page=number, heading_path=parents, is_heading=True))
                elif not (first_on_page and blocks and _continue_across_page(blocks, text, number, previous_line_full)):
                    blocks.append(Block(text=text, page=number, heading_path=headings.path))
                first_on_page = False
            if any(line.strip() for line in lines):
                previous_line_full = last_line_is_full(lines, drop=drop, full_width=full_width)
        title = meaningful_pdf_title(raw_title, path) or first_substantial_line(page_lines) or path.stem
        return build_document(
            path=path,
            source=source,
            title=title,
            blocks=blocks,
            metadata={
                "pages": str(len(pages)),
                "pages_failed": str(failed),
                "pages_without_text": str(extraction.pages_without_text),
            },
            extraction=extraction,
        )

    def _replace_unusable_pages(self, path: Path, pages: list[str], styles: list[list[LineStyle | None]]) -> ExtractionStats:
        """OCR the pages whose repaired text layer is missing or garbage, in place; count what happened.

        Each page is judged on its text *after* the repairs: Thai marks a font left unmapped
        (:mod:`ingest.readers.pdf_marks`) and those of ``normalize_text(from_pdf=True)`` (legacy
        Thai PUA glyphs, lost ำ, Symbol-font bullets): a page that only needed those is
        indexed from its text layer, exactly, and never OCR'd (OCR would change words). A garbled
        page whose OCR comes back with less than a page's worth of letters keeps its text layer.
        ``pages`` and ``styles`` are changed: an OCR'd page gets the OCR text and no line styles.
        """
        raw = list(pages)
        raw_defects = count_defects("\n".join(raw))
        pages[:], marks, _ = recover_unmapped_marks(raw)
        repairs = [count_repairs(text, from_pdf=True) for text in raw]
        for counts, before, after in zip(repairs, raw, pages):
            counts["unmapped_marks"] = sum(1 for a, b in zip(before, after) if a != b)
        verdicts = [page_quality(normalize_text(text, from_pdf=True)) for text in pages]
        if marks:  # the fonts drop marks: a page with a byte left undecoded still has a wrong or lost mark
            verdicts = [
                PageQuality(False, f"garbled text layer ({left} byte(s) left undecoded)") if v.usable and (left := undecoded_bytes(text)) else v
                for v, text in zip(verdicts, pages)
            ]
        no_text = [n for n, v in enumerate(verdicts, start=1) if v.reason == NO_TEXT_LAYER]
        garbled = [n for n, v in enumerate(verdicts, start=1) if not v.usable and v.reason != NO_TEXT_LAYER]
        repaired = [
            n for n, (text, v) in enumerate(zip(raw, verdicts), start=1) if v.usable and not page_quality(text).usable
        ]
        wanted = sorted(no_text + (garbled if self.ocr_garbled else []))
        stats = ExtractionStats(
            pages=len(pages),
            pages_without_text=len(no_text),
            pages_garbled=len(garbled),
            pages_repaired=len(repaired),
            raw_defects=raw_defects,
        )
        texts = self._ocr(path, wanted, stats) if wanted else {}
        garbled_pages = set(garbled)
        for number, text in list(texts.items()):
            if number in garbled_pages and sum(ch.isalpha() for ch in text) < MIN_PAGE_LETTERS:
                del texts[number]  # OCR found less than the garbled layer holds: keep the layer
                continue
            pages[number - 1] = text
            styles[number - 1] = [None] * len(text.split("\n"))
        if self.ocr is not None and wanted and not stats.ocr_note:
            stats.pages_ocr = len(texts)
            stats.pages_missing = len(wanted) - len(texts)
            if stats.pages_missing:
                stats.ocr_note = "OCR failed on some pages (run with -v for the messages)"
        # what the repairs changed in the text layers that are indexed (not in pages OCR replaced)
        stats.repairs = _sum_counts(counts for number, counts in enumerate(repairs, start=1) if number not in texts)
        return stats

    def _ocr(self, path: Path, wanted: list[int], stats: ExtractionStats) -> dict[int, str]:
        """OCR text of the ``wanted`` pages; {} with ``stats`` saying why when OCR cannot run."""
        if self.ocr is None:
            stats.pages_missing = len(wanted)
            stats.ocr_note = "OCR is off (setting ocr)"
            return {}
        try:
            return self.ocr.run(path, wanted)
        except OCRUnavailable as error:
            stats.pages_missing = len(wanted)
            stats.ocr_note = str(error)
            return {}

    @staticmethod
    def _open(path: Path) -> pypdf.PdfReader:
        """Open with pypdf; an encrypted file is decrypted with the empty user password.

        Most "protected" official PDFs only restrict printing or copying: they open in every viewer
        without a password, and so here. pypdf decrypts AES with the ``cryptography`` package (a
        dependency); pages it still cannot read come from pdfium (see ``_extract_pages``).
        """
        with path.open("rb") as handle:
            head = handle.read(1024)
            handle.seek(max(0, path.stat().st_size - 2048))
            tail = handle.read()
        if b"%PDF-" not in head:
            raise ReaderError(
                f"{path}: not a PDF (no %PDF header; it starts with {head[:8]!r}): "
                "re-download it, or give it the extension of what it really is"
            )
        try:
            reader = pypdf.PdfReader(path)
        except (PdfReadError, OSError, ValueError) as error:
            if b"%%EOF" not in tail:
                raise ReaderError(
                    f"{path}: truncated PDF (no %%EOF end marker; {type(error).__name__}: {error}): "
                    "the download or copy was cut short; download or copy it again"
                ) from error
            raise ReaderError(
                f"{path}: damaged or not a PDF ({type(error).__name__}: {error}): re-download or re-export it"
            ) from error
        if reader.is_encrypted:
            try:
                decrypted = bool(reader.decrypt(""))
            except (DependencyError, NotImplementedError):
                decrypted = _pdfium_opens(path)  # pypdf lacks the algorithm: pdfium reads the pages
            if not decrypted:
                raise ReaderError(
                    f"{path}: encrypted PDF with a password: decrypt it first "
                    "(qpdf --decrypt --password=... in.pdf out.pdf)"
                )
        return reader

    @staticmethod
    def _metadata_title(reader: pypdf.PdfReader) -> str | None:
        try:
            return reader.metadata.title if reader.metadata else None
        except Exception:  # noqa: BLE001 - a broken info dictionary only costs the title
            return None

    @staticmethod
    def _extract_pages(
        reader: pypdf.PdfReader, path: Path, fallback: PdfiumPages
    ) -> tuple[list[str], list[list[LineStyle | None]], _Extracted]:
        """Text of every page and the style of each of its lines, without invisible text.

        A page pypdf cannot extract is read by pdfium (no line styles); a page neither can read
        gives "" and is counted as failed.
        """
        pages: list[str] = []
        styles: list[list[LineStyle | None]] = []
        extracted = _Extracted()
        try:
            page_list = list(reader.pages)
        except Exception as error:  # noqa: BLE001 - a broken page tree: report, don't crash the batch
            raise ReaderError(
                f"{path}: PDF page tree unreadable ({type(error).__name__}: {error}): re-export the PDF"
            ) from error
        for index, page in enumerate(page_list):
            collector = LineStyleCollector()
            try:
                dropped = drop_invisible_text(page, reader).dropped
                text = page.extract_text(visitor_text=collector) or ""
                line_styles = collector.styles(text)
                extracted.hidden += dropped
            except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on broken content streams
                try:
                    text, dropped = fallback.text(index)
                except Exception as fallback_error:  # noqa: BLE001 - pdfium raises PdfiumError and others
                    logger.debug("%s page %d: pdfium failed too: %s", path, index + 1, fallback_error)
                    text, dropped = "", 0
                    extracted.errors.append(f"{type(error).__name__}: {error}")
                else:
                    logger.debug("%s page %d read by pdfium (pypdf: %s)", path, index + 1, error)
                    extracted.fallback += 1
                    extracted.hidden += dropped
                line_styles = [None] * len(text.split("\n"))
            pages.append(text)
            styles.append(line_styles)
        return pages, styles, extracted


@dataclass
class _Extracted:
    """What page extraction met: pages that failed (and why), pages read by pdfium, invisible text dropped."""

    errors: list[str] = field(default_factory=list)
    fallback: int = 0
    hidden: int = 0

    @property
    def failed(self) -> int:
        return len(self.errors)


def _continue_across_page(blocks: list[Block], text: str, page: int, previous_line_full: bool) -> bool:
    """Join ``text``, a page's first paragraph, to ``blocks[-1]`` when it continues a sentence cut by the page break.

    The paragraph is then one block again, which records where page ``page`` begins in it
    (``Block.page_breaks``); the chunker cuts passages there and carries the cut sentence whole
    into the passage that starts the page. Returns whether ``text`` was joined. Pages without
    text in between (a blank page) give no blocks, so ``blocks[-1]`` is the last block with text.
    """
    previous = blocks[-1]
    if previous.is_heading or not continues_sentence(previous.text, text, previous_line_full=previous_line_full):
        return False
    joined = normalize_text(join_lines(previous.text, text), from_pdf=True)
    # where this page's text begins: after what is unchanged of the previous text and the space between
    cut = len(os.path.commonprefix([joined, previous.text]))
    while cut < len(joined) and joined[cut].isspace():
        cut += 1
    blocks[-1] = replace(previous, text=joined, page_breaks=(*previous.page_breaks, (cut, page)))
    return True


def _pdfium_opens(path: Path) -> bool:
    """Whether pdfium opens the file without a password (pypdf could not check it)."""
    try:
        with PdfiumPages(path) as pages:
            pages.page_count()
    except Exception:  # noqa: BLE001 - PdfiumError: a password is needed, or the file is damaged
        return False
    return True


def _sum_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for one in counts:
        for name, count in one.items():
            total[name] = total.get(name, 0) + count
    return total

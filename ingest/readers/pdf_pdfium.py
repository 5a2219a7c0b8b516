"""Page text from pdfium, for the pages of a PDF that pypdf cannot extract.

pypdf is the primary PDF text reader (its line breaks and trailing spaces rebuild paragraphs, its
text visitor gives font sizes for headings). Some pages it cannot read: a content stream it
fails to parse, or encryption it cannot undo without an optional package. pdfium (Chrome's PDF
engine, through pypdfium2, already used to render pages for OCR) reads nearly every PDF a viewer
opens, so those pages come from it instead of being lost.

Text that pdfium finds in an invisible render mode (3 or 7) is dropped by the same rule as for
pypdf pages (:mod:`ingest.readers.pdf_invisible`): kept only on a scanned page, where it is the
OCR layer under the image.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from types import TracebackType
from typing import Any

from ingest.readers.pdf_invisible import INVISIBLE_MODES


class PdfiumPages:
    """Opens a PDF with pdfium on first use and gives the text of its pages.

    Use as a context manager (the document is closed at exit).

    Args:
        path: the PDF file.
        password: the user password; "" for the usual permissions-only encryption.

    Example:
        >>> with PdfiumPages(Path("report.pdf")) as pages:  # doctest: +SKIP
        ...     text, dropped = pages.text(0)
    """

    def __init__(self, path: Path, password: str = "") -> None:
        self.path = path
        self.password = password
        self._document: Any = None

    def __enter__(self) -> PdfiumPages:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._document is not None:
            self._document.close()
            self._document = None

    def page_count(self) -> int:
        return len(self._open())

    def text(self, index: int) -> tuple[str, int]:
        """The visible text of page ``index`` (0-based) and how many invisible text objects were dropped.

        Raises:
            pypdfium2.PdfiumError: pdfium cannot open the file or the page.
        """
        import pypdfium2.raw as pdfium_c

        page = self._open()[index]
        textpage = page.get_textpage()
        try:
            objects = [_text_object(pdfium_c, textpage, i) for i in range(textpage.count_chars())]
            modes = [None if handle is None else int(pdfium_c.FPDFTextObj_GetTextRenderMode(handle)) for handle in objects]
            invisible = {_address(handle) for handle, mode in zip(objects, modes) if mode in INVISIBLE_MODES}
            visible = any(mode is not None and mode not in INVISIBLE_MODES for mode in modes)
            if not invisible or (not visible and _has_image(page, pdfium_c)):
                return textpage.get_text_range(), 0
            chars = []
            for i, mode in enumerate(modes):
                if mode in INVISIBLE_MODES:
                    continue
                code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
                if code and not 0xD800 <= code <= 0xDFFF:
                    chars.append(chr(code))
            return "".join(chars), len(invisible)
        finally:
            textpage.close()
            page.close()

    def _open(self) -> Any:
        if self._document is None:
            import pypdfium2 as pdfium

            self._document = pdfium.PdfDocument(str(self.path), password=self.password or None)
        return self._document


def _text_object(pdfium_c: Any, textpage: Any, index: int) -> Any:
    """The text object that drew character ``index``; None for characters pdfium generated (spaces, line breaks)."""
    handle = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
    return handle if handle else None


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _has_image(page: Any, pdfium_c: Any) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))

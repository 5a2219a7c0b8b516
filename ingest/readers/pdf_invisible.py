"""Text that a PDF page never shows (render mode 3 or 7), taken out before its text is extracted.

A PDF can carry text that no viewer draws: text render mode 3 ("neither fill nor stroke") and 7
(add to the clipping path only) (ISO 32000-2:2020, 9.3.6, Table 104). It is how scanners put an
OCR layer under a page image, and how planted text (instructions to an AI, keywords for search
engines) hides in an ordinary page. Text extraction (pypdf, pdfium) returns it like any other, so:

- on a page that draws text people can see, invisible text is removed from the content stream
  (a copy in memory: the file is never written) before pypdf extracts the page;
- on a scanned page (it draws an image and no visible text) the invisible text is its OCR layer,
  the only text it has: kept.

pypdf gives no render mode to its text visitor, so the content stream is rewritten instead:
operators that show text in an invisible mode are dropped (``'`` and ``"`` keep their line move),
form XObjects drawn by the page are rewritten the same way, and the render mode follows the
graphics state stack (``q``/``Q``), as it does in a viewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject
from pypdf.generic import ContentStream, DictionaryObject, NameObject

#: Render modes that paint nothing (ISO 32000-2, Table 104): 3 invisible, 7 clip only.
INVISIBLE_MODES = frozenset({3, 7})
_SHOW_TEXT = frozenset({b"Tj", b"TJ", b"'", b'"'})
# Cheap test on the raw bytes before any parsing: most pages never set mode 3 or 7.
_INVISIBLE_TR = re.compile(rb"(?<![0-9.])[37](?:\.0*)?\s+Tr(?![A-Za-z])")
# Forms nested deeper than this are left as they are (real files nest two or three).
_MAX_FORM_DEPTH = 8
_COPIED_STREAM_KEYS = frozenset({"/Filter", "/DecodeParms", "/Length", "/DL"})


@dataclass(frozen=True)
class InvisibleText:
    """What :func:`drop_invisible_text` did to one page.

    Attributes:
        dropped: text-showing operators removed because they draw nothing.
        scanned: the page is a scan (an image and no visible text): its invisible text, the OCR
            layer, was kept.
    """

    dropped: int = 0
    scanned: bool = False


@dataclass
class _Walk:
    visible: int = 0
    invisible: int = 0
    images: int = 0


def drop_invisible_text(page: PageObject, pdf: Any) -> InvisibleText:
    """Remove the text a viewer would not draw from ``page`` (in memory), unless it is a scan.

    Args:
        page: a page of a ``pypdf.PdfReader``; its ``/Contents`` (and the form XObjects it uses)
            are replaced by rewritten copies when invisible text is dropped.
        pdf: the reader the page belongs to.

    Returns:
        How many text operators were dropped, and whether the page was kept as a scan.
    """
    if not _mentions_invisible_mode(page, 0):
        return InvisibleText()
    contents = page.get_contents()
    if contents is None:
        return InvisibleText()
    # "bytes": strings stay undecoded, as pypdf's own text extraction parses them (the font decodes).
    stream = ContentStream(contents, pdf, "bytes")
    walk = _Walk()
    rewritten, forms = _rewrite(stream.operations, _resources(page), pdf, 0, walk, depth=0)
    if not walk.invisible:
        return InvisibleText()
    if walk.images and not walk.visible:
        return InvisibleText(scanned=True)
    stream.operations = rewritten
    page[NameObject("/Contents")] = stream
    for install in forms:
        install()
    return InvisibleText(dropped=walk.invisible)


def _resources(obj: DictionaryObject) -> DictionaryObject | None:
    resources = obj.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    return resources if isinstance(resources, DictionaryObject) else None


def _xobjects(resources: DictionaryObject | None) -> DictionaryObject | None:
    if resources is None:
        return None
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    return xobjects if isinstance(xobjects, DictionaryObject) else None


def _mentions_invisible_mode(obj: DictionaryObject, depth: int) -> bool:
    """Whether the page (or a form it uses) has ``3 Tr`` or ``7 Tr`` anywhere in its bytes."""
    try:
        contents = obj.get_contents() if isinstance(obj, PageObject) else obj
        data = contents.get_data() if contents is not None else b""
    except Exception:  # noqa: BLE001 - a stream pypdf cannot decode has no text to drop either
        return False
    if _INVISIBLE_TR.search(data):
        return True
    xobjects = _xobjects(_resources(obj))
    if xobjects is None or depth >= _MAX_FORM_DEPTH:
        return False
    for name in xobjects:
        xobject = xobjects[name].get_object()
        if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Form":
            if _mentions_invisible_mode(xobject, depth + 1):
                return True
    return False


def _rewrite(
    operations: list[tuple[Any, bytes]],
    resources: DictionaryObject | None,
    pdf: Any,
    mode: int,
    walk: _Walk,
    *,
    depth: int,
) -> tuple[list[tuple[Any, bytes]], list[Any]]:
    """The operations without invisible text, and callables that install rewritten forms.

    ``mode`` is the render mode in force where these operations start (a form inherits the
    caller's graphics state). Counts go to ``walk``.
    """
    kept: list[tuple[Any, bytes]] = []
    installs: list[Any] = []
    stack: list[int] = []
    xobjects = _xobjects(resources)
    for operands, operator in operations:
        if operator == b"q":
            stack.append(mode)
        elif operator == b"Q":
            mode = stack.pop() if stack else mode
        elif operator == b"Tr" and operands:
            try:
                mode = int(operands[0])
            except (TypeError, ValueError):
                pass
        elif operator in _SHOW_TEXT:
            if mode in INVISIBLE_MODES:
                walk.invisible += 1
                if operator == b"'":
                    kept.append(([], b"T*"))
                elif operator == b'"' and len(operands) >= 2:
                    kept += [([operands[0]], b"Tw"), ([operands[1]], b"Tc"), ([], b"T*")]
                continue
            walk.visible += 1
        elif operator == b"INLINE IMAGE":
            walk.images += 1
        elif operator == b"Do" and operands and xobjects is not None and operands[0] in xobjects:
            installs += _visit_form(xobjects, operands[0], resources, pdf, mode, walk, depth)
        kept.append((operands, operator))
    return kept, installs


def _visit_form(
    xobjects: DictionaryObject, name: Any, resources: DictionaryObject | None, pdf: Any, mode: int, walk: _Walk, depth: int
) -> list[Any]:
    """Count an image, or rewrite a form XObject; returns the installers of rewritten forms.

    A form without resources of its own uses those of the content that draws it (PDF 1.1).
    """
    xobject = xobjects[name].get_object()
    if not isinstance(xobject, DictionaryObject):
        return []
    if xobject.get("/Subtype") == "/Image":
        walk.images += 1
        return []
    if xobject.get("/Subtype") != "/Form" or depth >= _MAX_FORM_DEPTH:
        return []
    try:
        form = ContentStream(xobject, pdf, "bytes")
        before = walk.invisible
        operations, installs = _rewrite(form.operations, _resources(xobject) or resources, pdf, mode, walk, depth=depth + 1)
    except Exception:  # noqa: BLE001 - a broken form stays as it is; pypdf reports it when extracting
        return []
    if walk.invisible == before:
        return installs
    form.operations = operations
    for key, value in xobject.items():
        if key not in _COPIED_STREAM_KEYS:
            form[NameObject(key)] = value

    def install() -> None:
        xobjects[NameObject(name)] = form

    return [*installs, install]

"""Serialise hand-built PDF objects into a valid file (header, objects, xref table, trailer).

Test fixtures build the few objects they need (a text page, an image-only "scanned" page) and
leave the byte offsets to this one helper.
"""

from __future__ import annotations

from dataclasses import dataclass


def pdf_from_objects(objects: list[bytes], trailer_extra: str = "") -> bytes:
    """A PDF whose object ``n`` is ``objects[n - 1]``; object 1 must be the catalog.

    ``trailer_extra`` is added inside the trailer dictionary (e.g. ``" /Info 7 0 R"``).
    """
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def add_pages(objects: list[bytes], streams: list[bytes], resources: str) -> None:
    """Append a page and its content stream per item of ``streams``; object 2 becomes the page tree.

    ``objects[1]`` must be a placeholder for the page tree; ``resources`` is the pages' resource
    dictionary body (e.g. ``"/Font << /F1 3 0 R >>"``).
    """
    kids = []
    for stream in streams:
        page_number, content_number = len(objects) + 1, len(objects) + 2
        kids.append(f"{page_number} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << {resources} >> /Contents {content_number} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()


@dataclass(frozen=True)
class PdfLine:
    """One line of text for :func:`unicode_pdf`: its text, render mode (3: invisible) and size in points."""

    text: str
    render_mode: int = 0
    size: float = 11.0


def _utf16_hex(char: str) -> str:
    return char.encode("utf-16-be").hex().upper()


def _to_unicode_cmap(codes: dict[str, int]) -> bytes:
    entries = [f"<{code:04X}> <{_utf16_hex(char)}>" for char, code in codes.items()]
    blocks = [entries[i : i + 100] for i in range(0, len(entries), 100)]
    body = "".join(f"{len(block)} beginbfchar\n" + "\n".join(block) + "\nendbfchar\n" for block in blocks)
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()
    return b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"


def unicode_pdf(pages: list[list[str | PdfLine]], *, scanned_pages: frozenset[int] = frozenset()) -> bytes:
    """A PDF whose text is any Unicode (Thai, Private Use Area glyphs, ligatures), one line per item.

    The font is a Type0 font with a ToUnicode map and no embedded glyphs: extraction (pypdf,
    pdfium) reads exactly the given characters, which is what these tests are about. Lines given as
    :class:`PdfLine` can be drawn invisibly (``render_mode=3``). Pages whose 0-based index is in
    ``scanned_pages`` also draw a full-page image first, as a scanner's output does.
    """
    codes: dict[str, int] = {}
    for lines in pages:
        for line in lines:
            for char in line.text if isinstance(line, PdfLine) else line:
                codes.setdefault(char, len(codes) + 1)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /TestSans /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSans "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
        _to_unicode_cmap(codes),
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length 1 >>\nstream\n\x80\nendstream",
    ]
    streams = []
    for index, lines in enumerate(pages):
        operators = ["q 612 0 0 792 0 0 cm /Im1 Do Q"] if index in scanned_pages else []
        operators += ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
        for line in lines:
            item = line if isinstance(line, PdfLine) else PdfLine(line)
            hexed = "".join(f"{codes[char]:04X}" for char in item.text)
            operators += [f"/F1 {item.size:g} Tf {item.render_mode} Tr", f"<{hexed}> Tj T*"]
        operators.append("ET")
        streams.append("\n".join(operators).encode("ascii"))
    add_pages(objects, streams, "/Font << /F1 3 0 R >> /XObject << /Im1 6 0 R >>")
    return pdf_from_objects(objects)

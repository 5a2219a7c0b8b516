"""Serialise hand-built PDF objects into a valid file (header, objects, xref table, trailer).

Test fixtures build the few objects they need (a text page, an image-only "scanned" page) and
leave the byte offsets to this one helper.
"""

from __future__ import annotations


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

"""Fixtures for ingest tests: files are built in tmp_path, nothing is downloaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pdf_bytes import pdf_from_objects


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """Write a minimal valid PDF: one Helvetica text line per string, a page per list.

    An empty list gives a page without text (like a scanned page). Latin-1 text only: Thai needs
    an embedded font, so Thai PDF behaviour is tested on strings (see test_normalize).
    """
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for lines in pages:
        operators = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td", *(f"({_pdf_string(line)}) Tj T*" for line in lines), "ET"]
        stream = "\n".join(operators).encode("latin-1")
        page_number, content_number = len(objects) + 1, len(objects) + 2
        kids.append(f"{page_number} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_number} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    info = ""
    if title is not None:
        objects.append(f"<< /Title ({_pdf_string(title)}) >>".encode())
        info = f" /Info {len(objects)} 0 R"
    path.write_bytes(pdf_from_objects(objects, info))
    return path


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    """``make_pdf("name.pdf", [["line", ...], ...], title=None)`` -> path in tmp_path."""

    def make(name: str, pages: list[list[str]], title: str | None = None) -> Path:
        return write_pdf(tmp_path / name, pages, title)

    return make

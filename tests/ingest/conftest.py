"""Fixtures for ingest tests: files are built in tmp_path, nothing is downloaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pdf_bytes import add_pages, pdf_from_objects


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
    streams = [
        "\n".join(["BT", "/F1 11 Tf", "14 TL", "72 760 Td", *(f"({_pdf_string(line)}) Tj T*" for line in lines), "ET"]).encode("latin-1")
        for lines in pages
    ]
    add_pages(objects, streams, "/Font << /F1 3 0 R >>")
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

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers import SUPPORTED_SUFFIXES, HTMLReader, MarkdownReader, PDFReader, TextReader, reader_for


@pytest.mark.parametrize(
    ("name", "reader_type"),
    [
        ("a.pdf", PDFReader),
        ("a.PDF", PDFReader),
        ("a.md", MarkdownReader),
        ("a.mdx", MarkdownReader),
        ("a.markdown", MarkdownReader),
        ("a.txt", TextReader),
        ("a.html", HTMLReader),
        ("a.htm", HTMLReader),
    ],
)
def test_reader_for_supported(name: str, reader_type: type) -> None:
    assert isinstance(reader_for(Path(name)), reader_type)


@pytest.mark.parametrize("name", ["a.doc", "a.csv", "Makefile", "a.pdf.bak"])
def test_reader_for_unsupported(name: str) -> None:
    assert reader_for(Path(name)) is None


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == {".pdf", ".md", ".mdx", ".markdown", ".txt", ".html", ".htm", ".docx"}

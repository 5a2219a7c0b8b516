"""The collection rule: top-level folders, the root's own name for files at the top, real paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.collections import collection_for, valid_collection_name
from ingest.loader import DocumentLoader


def _write(path: Path, text: str = "# Title\n\nSome words to index here.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_each_top_level_folder_is_a_collection(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write(corpus / "public" / "a.md")
    _write(corpus / "public" / "deep" / "er" / "b.md")
    _write(corpus / "restricted" / "c.md")
    _write(corpus / "ระเบียบ" / "d.md")
    _write(corpus / "top.md")
    documents = DocumentLoader(show_progress=False, ocr="off").run([corpus]).documents
    assert {document.source: document.collection for document in documents} == {
        "public/a.md": "public",
        "public/deep/er/b.md": "public",
        "restricted/c.md": "restricted",
        "ระเบียบ/d.md": "ระเบียบ",
        "top.md": "corpus",  # directly in the ingested folder: the folder's own name
    }


def test_a_link_into_another_collection_keeps_the_files_own_collection(tmp_path: Path) -> None:
    """public/link.md -> restricted/secret.md must not make the secret readable as 'public'."""
    corpus = tmp_path / "corpus"
    secret = _write(corpus / "restricted" / "secret.md", "# Secret\n\nRestricted words only.")
    (corpus / "public").mkdir()
    (corpus / "public" / "link.md").symlink_to(secret)
    documents = DocumentLoader(show_progress=False, ocr="off").run([corpus]).documents
    assert [document.collection for document in documents] == ["restricted"]  # read once, under its real folder


def test_collection_for_resolves_paths(tmp_path: Path) -> None:
    (tmp_path / "c" / "x").mkdir(parents=True)
    assert collection_for(tmp_path / "c" / "x" / ".." / "f.md", tmp_path / "c") == "c"
    assert collection_for(tmp_path / "c" / "x" / "f.md", tmp_path / "c" / "x" / "..") == "x"


def test_chunks_carry_the_collection_into_the_index(tmp_path: Path) -> None:
    from ingest.chunker import Chunker

    corpus = tmp_path / "corpus"
    _write(corpus / "hr" / "a.md", "# Leave\n\n" + "Staff may take ten days of leave a year. " * 10)
    (document,) = DocumentLoader(show_progress=False, ocr="off").run([corpus]).documents
    chunks = Chunker(max_chars=200, overlap_chars=0, min_chars=50).run(document)
    assert chunks and {chunk.collection for chunk in chunks} == {"hr"}


@pytest.mark.parametrize("name, valid", [("public", True), ("ร่างนโยบาย", True), ("HR 2569", True), ("a.b-c_d", True),
                                         ("../x", False), ("a/b", False), (".hidden", False), ("", False), (" x", False),
                                         ("ี", False), ("x" * 65, False)])
def test_collection_names(name: str, valid: bool) -> None:
    assert valid_collection_name(name) is valid

"""Only indexed files inside the ingested folder are served."""

from __future__ import annotations

from pathlib import Path

from assistant.web.corpus_files import CorpusFiles


def test_serves_indexed_files_with_page_anchor(tmp_path: Path) -> None:
    (tmp_path / "oecd").mkdir()
    (tmp_path / "oecd" / "report 2019.pdf").write_bytes(b"%PDF-1.4")
    files = CorpusFiles([tmp_path], ["oecd/report 2019.pdf"])
    assert files.path_for("oecd/report 2019.pdf") == (tmp_path / "oecd" / "report 2019.pdf").resolve()
    assert files.url_for("oecd/report 2019.pdf", 7) == "/files/oecd/report%202019.pdf#page=7"
    assert files.url_for("oecd/report 2019.pdf") == "/files/oecd/report%202019.pdf"


def test_refuses_files_the_index_does_not_know(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("x")
    files = CorpusFiles([tmp_path], ["doc.md"])
    assert files.path_for("secret.txt") is None and files.url_for("secret.txt") is None
    assert files.path_for("doc.md") is None  # indexed, but the file is gone


def test_refuses_paths_that_leave_the_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "outside.txt").write_text("x")
    (corpus / "link.txt").symlink_to(tmp_path / "outside.txt")
    files = CorpusFiles([corpus], ["../outside.txt", "link.txt"])
    assert files.path_for("../outside.txt") is None
    assert files.path_for("link.txt") is None


def test_index_without_recorded_roots_serves_nothing(tmp_path: Path) -> None:
    assert CorpusFiles([], ["a.md"]).url_for("a.md") is None

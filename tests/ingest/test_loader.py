from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.loader import NO_TEXT_REASON, DocumentLoader, LoadResult, SkippedFile
from ingest.model import Document
from ingest.parallel import CRASH_REASON


@pytest.fixture
def folder(tmp_path: Path, make_pdf: Callable[..., Path]) -> Path:
    root = tmp_path / "corpus"
    (root / "thai" / "kb").mkdir(parents=True)
    (root / "en").mkdir()
    (root / ".git").mkdir()
    (root / "b.md").write_text("# B\n\ntext b\n", encoding="utf-8")
    (root / "a.txt").write_text("Title A\n\ntext a\n", encoding="utf-8")
    (root / "README.md").write_text("# Readme\n\nabout\n", encoding="utf-8")
    (root / "thai" / "kb" / "page.mdx").write_text("---\ntitle: หน้า\n---\nข้อความ\n", encoding="utf-8")
    (root / "en" / "page.html").write_text("<title>Page</title><p>html text</p>", encoding="utf-8")
    (root / "en" / "data.csv").write_text("a,b\n", encoding="utf-8")
    (root / "en" / ".hidden.md").write_text("# hidden\n", encoding="utf-8")
    (root / ".git" / "config.md").write_text("# git\n", encoding="utf-8")
    make_pdf("report.pdf", [["PDF report text."]])
    (tmp_path / "report.pdf").rename(root / "en" / "report.pdf")
    return root


def loader() -> DocumentLoader:
    return DocumentLoader(show_progress=False)


class TestInit:
    def test_defaults(self) -> None:
        assert DocumentLoader().to_dict() == {
            "max_file_bytes": 200_000_000,
            "show_progress": True,
            "pdf_headings": False,
            "ocr": "auto",
            "ocr_languages": "tha+eng",
            "ocr_dpi": 200,
            "ocr_cache_dir": None,
            "workers": 1,
        }

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"max_file_bytes": 0}, "max_file_bytes must be a positive integer, got 0"),
            ({"max_file_bytes": -5}, "max_file_bytes must be a positive integer, got -5"),
            ({"show_progress": "no"}, "show_progress must be True or False, got 'no'"),
            ({"ocr": "always"}, "ocr must be one of auto, scanned, off, got 'always'"),
        ],
    )
    def test_invalid(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            DocumentLoader(**kwargs)  # type: ignore[arg-type]


class TestRun:
    def test_walks_folder_sorted_with_relative_sources(self, folder: Path) -> None:
        result = loader().run([folder])
        assert isinstance(result, LoadResult)
        assert [d.source for d in result.documents] == [
            "README.md",
            "a.txt",
            "b.md",
            "en/page.html",
            "en/report.pdf",
            "thai/kb/page.mdx",
        ]
        assert [d.title for d in result.documents] == ["Readme", "Title A", "B", "Page", "PDF report text.", "หน้า"]
        assert result.seconds > 0

    def test_unsupported_recorded_hidden_ignored(self, folder: Path) -> None:
        result = loader().run([folder])
        assert len(result.skipped) == 1
        skipped = result.skipped[0]
        assert skipped.path == str(folder / "en" / "data.csv")
        assert skipped.reason.startswith("unsupported file type '.csv': supported are ")
        assert ".pdf" in skipped.reason

    def test_root_and_single_file(self, folder: Path) -> None:
        assert [d.source for d in loader().run([folder / "en" / "page.html"]).documents] == ["page.html"]
        result = loader().run([folder / "thai"], root=folder)
        assert [d.source for d in result.documents] == ["thai/kb/page.mdx"]

    def test_file_outside_root(self, folder: Path, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="not inside root"):
            loader().run([folder / "a.txt"], root=tmp_path / "elsewhere")

    def test_missing_path_named(self, folder: Path) -> None:
        missing = folder / "nope.pdf"
        with pytest.raises(FileNotFoundError, match="nope.pdf"):
            loader().run([folder, missing])

    def test_corrupt_pdf_skipped_and_batch_goes_on(self, folder: Path) -> None:
        (folder / "en" / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really\n%%EOF\n")
        result = loader().run([folder])
        assert len(result.documents) == 6
        reasons = {Path(s.path).name: s.reason for s in result.skipped}
        assert "damaged or not a PDF" in reasons["broken.pdf"]
        assert "re-download or re-export it" in reasons["broken.pdf"]
        assert "\n" not in reasons["broken.pdf"]

    def test_empty_documents_skipped(self, folder: Path, make_pdf: Callable[..., Path]) -> None:
        scanned = make_pdf("scan.pdf", [[], []])
        (folder / "empty.md").write_text("---\ntitle: Stub\n---\n", encoding="utf-8")
        result = DocumentLoader(show_progress=False, ocr="off").run([folder, scanned])
        reasons = {Path(s.path).name: s.reason for s in result.skipped}
        assert reasons["scan.pdf"] == "no text layer on its 2 page(s) and no OCR: OCR is off (setting ocr)"
        assert reasons["empty.md"] == "no extractable text (only front matter or markup): nothing to index"
        assert "empty.md" not in [Path(s.path).name for s in result.failed]  # a stub is left out, not failed

    def test_unexpected_error_recorded(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        def explode(self: object, path: Path, source: str) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr("ingest.readers.text.TextReader.run", explode)
        result = loader().run([folder])
        reasons = {Path(s.path).name: s.reason for s in result.skipped}
        assert reasons["a.txt"].startswith("RuntimeError: boom: ")
        assert len(result.documents) == 5

    def test_too_large(self, folder: Path) -> None:
        result = DocumentLoader(max_file_bytes=10, show_progress=False).run([folder / "a.txt"])
        assert result.documents == []
        assert result.skipped == [
            SkippedFile(
                str(folder / "a.txt"),
                "file too large (16 bytes > max_file_bytes=10): raise max_file_bytes or split the file",
            )
        ]

    def test_same_file_twice_read_once(self, folder: Path) -> None:
        result = loader().run([folder / "a.txt", folder / "a.txt"])
        assert [d.source for d in result.documents] == ["a.txt"]

    def test_clashing_sources_reported(self, tmp_path: Path) -> None:
        for name in ("one", "two"):
            (tmp_path / name).mkdir()
            (tmp_path / name / "README.md").write_text(f"# {name}\n", encoding="utf-8")
        result = loader().run([tmp_path / "one", tmp_path / "two"])
        assert [d.title for d in result.documents] == ["one"]
        assert "pass root= to tell them apart" in result.skipped[0].reason

    @pytest.mark.parametrize("workers", [1, 2])
    def test_progress_bar_on_stderr_only_when_asked(self, folder: Path, capsys: pytest.CaptureFixture[str], workers: int) -> None:
        DocumentLoader(show_progress=False, workers=workers).run([folder])
        assert capsys.readouterr().err == ""
        DocumentLoader(show_progress=True, workers=workers).run([folder])
        captured = capsys.readouterr()
        assert "Reading" in captured.err and "6/6" in captured.err
        assert captured.out == ""


def die_on_b(document: Document) -> str:
    """A ``prepare`` step that kills its worker process on b.md (a reader crashing in C code)."""
    if document.source == "b.md":
        os._exit(3)
    return document.source.upper()


class TestWorkers:
    def test_worker_processes_read_the_same_as_one_process(self, folder: Path) -> None:
        (folder / "en" / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really\n%%EOF\n")
        one = DocumentLoader(show_progress=False, workers=1).run([folder])
        two = DocumentLoader(show_progress=False, workers=2).run([folder])
        assert len(one.documents) == 6 and two.documents == one.documents
        assert two.skipped == one.skipped and two.fidelity == one.fidelity and two.notes == one.notes

    def test_a_file_that_kills_its_worker_is_skipped_alone(self, folder: Path) -> None:
        result = DocumentLoader(show_progress=False, workers=2).run([folder], prepare=die_on_b)
        assert "b.md" not in [document.source for document in result.documents]
        assert [s.reason for s in result.skipped if Path(s.path).name == "b.md"] == [CRASH_REASON]
        assert result.prepared == [document.source.upper() for document in result.documents]
        assert len(result.documents) == 5


def test_pdf_heading_detection_is_passed_to_the_pdf_reader(tmp_path: Path) -> None:
    from tests.ingest.conftest import write_pdf
    from tests.ingest.test_pdf_reader import BODY, _set_size

    folder = tmp_path / "pdfs"
    folder.mkdir()
    _set_size(write_pdf(folder / "report.pdf", [["Key findings", *BODY]]), {"Key findings": 20})

    def headings(**kwargs: object) -> list[str]:
        [document] = DocumentLoader(show_progress=False, ocr="off", **kwargs).run([folder]).documents  # type: ignore[arg-type]
        return [block.text for block in document.blocks if block.is_heading]

    assert headings() == []  # off by default: dev-qa was worse with detected PDF headings
    assert headings(pdf_headings=True) == ["Key findings"]
    assert DocumentLoader(pdf_headings=True).to_dict()["pdf_headings"] is True

"""OCR: cleaning, availability messages, caching, and one real (fast) OCR of a small scanned Thai page.

Tests that run tesseract skip when it is not installed, unless ``POLICYRAG_REQUIRE_OCR=1`` (set by
``.ci/run``, which installs it): then a missing tesseract fails them instead of skipping silently.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ingest.loader import DocumentLoader
from ingest.model import document_text
from ingest.ocr import (
    INSTALL_HINT,
    OCRUnavailable,
    PageOCR,
    TesseractInfo,
    clean_ocr_text,
    render_page_pgm,
)
from ingest.readers.pdf import PDFReader

SCANNED = Path(__file__).resolve().parents[1] / "fixtures" / "scanned" / "scanned-thai.pdf"
SCANNED_LINES = ["สำนักงานพัฒนารัฐบาลดิจิทัล", "ระบบบริการภาครัฐแบบดิจิทัล", "Government Data Exchange"]


def _needs_tesseract() -> None:
    ocr = PageOCR(cache_dir=None, show_progress=False)
    reason = ocr.unavailable_reason()
    if reason:
        if os.environ.get("POLICYRAG_REQUIRE_OCR") == "1":
            pytest.fail(f"POLICYRAG_REQUIRE_OCR=1 but {reason}")
        pytest.skip(reason)


class FakeOCR(PageOCR):
    """Returns fixed text per page and records what it was asked for."""

    def __init__(self, text: str = "ข้อความจากการอ่านภาพ OCR text") -> None:
        super().__init__(cache_dir=None, show_progress=False)
        self.text = text
        self.asked: list[int] = []

    def unavailable_reason(self) -> str:
        return ""

    def run(self, pdf_path: Path, page_numbers: list[int]) -> dict[int, str]:
        self.asked.extend(page_numbers)
        return {number: self.text for number in page_numbers}


class TestCleanOcrText:
    def test_stamps_and_signatures_dropped_words_kept(self) -> None:
        raw = "ซ่\nที่ ทก (สรอ) ๕๑๐/๒๕๕๕\nซ่     eds ow    ao ae.    น\nเรื่อง ขอความอนุเคราะห์\n\nGovernment API\n- 2 -"
        assert clean_ocr_text(raw) == "ที่ ทก (สรอ) ๕๑๐/๒๕๕๕\nเรื่อง ขอความอนุเคราะห์\n\nGovernment API"

    def test_thai_letter_noise_dropped_english_fields_kept(self) -> None:
        raw = (
            "1.2 | วไฮววฮวฮวฮั็ัไวูไปปป1โ14โโโโโ 1\n"
            "(อง/ป2| 0ิ๕๐อท/ป2| #เส่ทาเทไลทนล| 22112018.ส่๐๐\n"
            "กรมการปกครองได้วางระบบควบคุมการขอใช้โปรแกรม\n"
            "Address Tumbol String ต้าบล/ แขวง"
        )
        assert clean_ocr_text(raw) == "กรมการปกครองได้วางระบบควบคุมการขอใช้โปรแกรม\nAddress Tumbol String ต้าบล/ แขวง"

    def test_decomposed_sara_am_composed(self) -> None:
        assert clean_ocr_text("สํานักงาน การดําเนินงาน") == "สำนักงาน การดำเนินงาน"


class TestPageOCRInit:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"languages": ""}, "languages must be tesseract language codes joined by '+', got ''"),
            ({"languages": "tha+"}, "languages must be tesseract language codes joined by '+', got 'tha+'"),
            ({"dpi": 10}, "dpi must be an integer from 50 to 600, got 10"),
            ({"timeout_s": 0}, "timeout_s must be positive, got 0"),
        ],
    )
    def test_invalid(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            PageOCR(**kwargs)  # type: ignore[arg-type]

    def test_missing_tesseract_says_how_to_install(self, tmp_path: Path) -> None:
        ocr = PageOCR(executable="no-such-tesseract-here", cache_dir=None)
        assert ocr.unavailable_reason() == f"tesseract is not installed: {INSTALL_HINT}"
        assert "apt-get install tesseract-ocr tesseract-ocr-tha" in INSTALL_HINT
        with pytest.raises(OCRUnavailable, match="tesseract is not installed"):
            ocr.run(SCANNED, [1])

    def test_missing_language_says_which_package(self) -> None:
        _needs_tesseract()  # skips without tesseract, fails instead under POLICYRAG_REQUIRE_OCR=1
        ocr = PageOCR(languages="tha+zzz", cache_dir=None)
        assert ocr.unavailable_reason() == "tesseract has no zzz language data: install it: apt-get install tesseract-ocr-zzz"


def test_render_page_pgm_is_a_greyscale_image() -> None:
    image = render_page_pgm(SCANNED, 0, 100)
    header, pixels = image.split(b"\n255\n", 1)
    magic, width, height = header.split()
    assert magic == b"P5"
    assert len(pixels) == int(width) * int(height)
    assert abs(int(width) - 420 * 100 / 72) <= 1  # 100 dpi over 420 points


class TestPDFReaderWithOCR:
    def test_scanned_page_gets_ocr_text(self) -> None:
        ocr = FakeOCR()
        document = PDFReader(ocr=ocr).run(SCANNED, "scanned.pdf")
        assert ocr.asked == [1]
        assert document_text(document) == "ข้อความจากการอ่านภาพ OCR text"
        assert document.blocks[0].page == 1
        assert (document.extraction.pages_without_text, document.extraction.pages_ocr) == (1, 1)
        assert document.extraction.pages_missing == 0

    def test_without_ocr_the_page_is_counted_missing(self) -> None:
        document = PDFReader().run(SCANNED, "scanned.pdf")
        assert document.blocks == []
        assert (document.extraction.pages_missing, document.extraction.ocr_note) == (1, "OCR is off (setting ocr)")

    def test_garbled_page_is_ocrd_and_good_page_kept(self) -> None:
        pages = [
            "การพัฒนา API ในการเรียกใช\ufffdข\ufffdอมูลบุคคล ส\ufffdวนดังนี้ ระบบที่จะเรียกใช\ufffdข\ufffdอมูลผ\ufffdานทาง EGAWS",  # a wrong encoding: nothing to repair
            "ข้อความภาษาไทยที่ถูกต้อง ไม่ต้องอ่านด้วย OCR",
        ]
        styles: list[list[object]] = [[None], [None]]
        ocr = FakeOCR("การพัฒนา API ในการเรียกใช้ข้อมูลบุคคล")
        stats = PDFReader(ocr=ocr)._replace_unusable_pages(Path("x.pdf"), pages, styles)  # type: ignore[arg-type]
        assert ocr.asked == [1]
        assert pages == ["การพัฒนา API ในการเรียกใช้ข้อมูลบุคคล", "ข้อความภาษาไทยที่ถูกต้อง ไม่ต้องอ่านด้วย OCR"]
        assert (stats.pages_garbled, stats.pages_ocr, stats.pages_missing) == (1, 1, 0)
        assert stats.raw_defects["replacement_char"] == 6

    def test_garbled_page_kept_when_only_scanned_pages_are_ocrd(self) -> None:
        pages = ["การพัฒนา API ในการเรียกใช\ufffdข\ufffdอมูลบุคคล ส\ufffdวนดังนี้ ระบบที่จะเรียกใช\ufffdข\ufffdอมูลผ\ufffdานทาง EGAWS"]
        ocr = FakeOCR()
        stats = PDFReader(ocr=ocr, ocr_garbled=False)._replace_unusable_pages(Path("x.pdf"), pages, [[None]])
        assert ocr.asked == []
        assert (stats.pages_garbled, stats.pages_ocr, stats.pages_missing) == (1, 0, 0)


class TestLoaderOCR:
    def test_a_page_tesseract_fails_on_is_counted_missing(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        fake = TesseractInfo("/usr/bin/tesseract", "tesseract 5.3.0", frozenset({"tha", "eng"}))
        monkeypatch.setattr("ingest.ocr.find_tesseract", lambda executable="tesseract": fake)
        monkeypatch.setattr(PageOCR, "_tesseract", lambda self, *args: None)
        result = DocumentLoader(show_progress=False, ocr_cache_dir=tmp_path).run([SCANNED])
        assert [s.reason for s in result.skipped] == [
            "no text layer on its 1 page(s) and no OCR: OCR failed on some pages (run with -v for the messages)"
        ]
        assert result.fidelity[0].pages_missing == 1
        assert list(tmp_path.rglob("*.txt")) == []  # a failure is not cached


    def test_tesseract_missing_is_one_line_with_the_fix_and_a_note(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("ingest.ocr.find_tesseract", lambda executable="tesseract": None)
        result = DocumentLoader(show_progress=False).run([SCANNED])
        assert result.documents == []
        assert [s.reason for s in result.skipped] == [
            f"no text layer on its 1 page(s) and no OCR: tesseract is not installed: {INSTALL_HINT}"
        ]
        assert result.notes == [
            "Note: 1 PDF page(s) in 1 file(s) have no usable text layer and were not OCR'd: "
            f"tesseract is not installed: {INSTALL_HINT}"
        ]

    def test_real_ocr_of_a_small_scanned_thai_page(self, tmp_path: Path) -> None:
        """The fast end-to-end check: render, tesseract tha+eng, normalise, index-ready text (about 2-5 s)."""
        _needs_tesseract()
        result = DocumentLoader(show_progress=False, ocr_cache_dir=tmp_path / "ocr").run([SCANNED])
        assert [d.source for d in result.documents] == ["scanned-thai.pdf"]
        text = document_text(result.documents[0])
        for line in SCANNED_LINES:
            assert line in text
        [report] = result.fidelity
        assert (report.pages, report.pages_without_text, report.pages_ocr, report.pages_missing) == (1, 1, 1, 0)
        assert report.attention == []
        assert result.notes[0].startswith("OCR: 1 page(s), 1 read by tesseract in ")

    def test_ocr_results_are_cached_by_page_content(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        _needs_tesseract()
        ocr = PageOCR(cache_dir=tmp_path / "ocr", show_progress=False)
        first = ocr.run(SCANNED, [1])
        assert len(list((tmp_path / "ocr").rglob("*.txt"))) == 1

        def no_tesseract(*args: object) -> None:
            raise AssertionError("tesseract ran although the page was cached")

        monkeypatch.setattr(PageOCR, "_tesseract", no_tesseract)
        copy = tmp_path / "renamed copy.pdf"
        copy.write_bytes(SCANNED.read_bytes())
        assert ocr.run(copy, [1]) == first


def test_a_cached_page_of_the_same_file_is_not_rendered_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-ingesting a scanned PDF reads its cached OCR text by the file's bytes and page number."""
    fake = TesseractInfo("/usr/bin/tesseract", "tesseract 5.3.0", frozenset({"tha", "eng"}))
    monkeypatch.setattr("ingest.ocr.find_tesseract", lambda executable="tesseract": fake)
    read: list[int] = []
    monkeypatch.setattr(PageOCR, "_tesseract", lambda self, executable, image, path, number: read.append(number) or "ข้อความจากการอ่านภาพ")
    ocr = PageOCR(cache_dir=tmp_path / "ocr", show_progress=False)
    first = ocr.run(SCANNED, [1])
    assert read == [1] and first == {1: "ข้อความจากการอ่านภาพ"}

    def no_render(*args: object) -> bytes:
        raise AssertionError("a cached page was rendered again")

    with monkeypatch.context() as patched:
        patched.setattr("ingest.ocr.render_page_pgm", no_render)
        assert ocr.run(SCANNED, [1]) == first
    # other bytes (the same page content): rendered again, found by its content, not read again
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(SCANNED.read_bytes() + b"\n% appended\n")
    assert ocr.run(changed, [1]) == first
    assert read == [1]
    assert ocr.stats.pages_cached == 2

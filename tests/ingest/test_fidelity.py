from __future__ import annotations

import pytest

from ingest.fidelity import FidelityReport, build_report, count_defects, format_report_table, page_quality, thai_share

# What pypdf gives for the DGA GovAPI manual (a font whose tone marks extract as Latin letters).
GARBLED = "การพัฒนา API ในการเรียกใชFขFอมูลบุคคล สJวนดังนี้ ระบบที่จะเรียกใชFขFอมูลผJานทาง EGAWS บนเครือขJาย GIN"
CORRECT = "การพัฒนา API ในการเรียกใช้ข้อมูลบุคคล ส่วนดังนี้ ระบบที่จะเรียกใช้ข้อมูลผ่านทาง EGAWS บนเครือข่าย GIN"


class TestCountDefects:
    def test_each_kind_on_broken_text(self) -> None:
        counts = count_defects("ท ้องถิ่น อ านวย ก\u0e4dข \ue001 \ufffd ใชFงาน")
        assert counts == {
            "space_before_mark": 2,
            "orphan_nikhahit": 1,
            "private_use": 1,
            "replacement_char": 1,
            "ascii_inside_thai": 1,
        }

    @pytest.mark.parametrize(
        "correct",
        [
            CORRECT,
            "ภาษา ไทย กรุงเทพ ฯ ข้อ 5 (ก) ค.ศ. 2018 ก/ข ก-ข ก,ข",
            "อำนวยความสะดวก ดำเนินการ น้ำ",
            "ข้อ5ของระเบียบ",  # a digit between Thai words is correct text
            'ทะเบียนบ้าน:อาคาร คลิก"แก้ไขข้อมูล" บุคคล[คลิกเพื่อดาวน์โหลด]',  # punctuation from the DGA pages
            "Plain English text, with punctuation!",
        ],
    )
    def test_correct_text_has_none(self, correct: str) -> None:
        assert sum(count_defects(correct).values()) == 0

    def test_decomposed_sara_am_is_not_an_orphan(self) -> None:
        assert count_defects("ด\u0e4d\u0e32เนิน น\u0e49\u0e4d\u0e32")["orphan_nikhahit"] == 0


class TestPageQuality:
    def test_correct_thai_is_usable(self) -> None:
        assert page_quality(CORRECT).usable

    def test_garbled_thai_is_not(self) -> None:
        verdict = page_quality(GARBLED)
        assert not verdict.usable
        assert verdict.reason.startswith("garbled text layer (7 garbage sequences in ")

    @pytest.mark.parametrize("text", ["", "   ", "- 3 -", "12"])
    def test_no_text_layer(self, text: str) -> None:
        assert page_quality(text) == page_quality("") and page_quality(text).reason == "no text layer"

    def test_one_stray_sequence_is_tolerated(self) -> None:
        assert page_quality(CORRECT + " ใชF").usable

    def test_english_page_with_a_private_use_bullet_is_usable(self) -> None:
        assert page_quality("Key findings \ue001 of the 2019 Digital Government Index for all members").usable


def test_thai_share() -> None:
    assert thai_share("") == 0.0
    assert thai_share("abc") == 0.0
    assert thai_share("ไทย") == 1.0
    assert 0.4 < thai_share("ไทย abc") < 0.6


class TestFidelityReport:
    def test_clean_file_needs_no_attention(self) -> None:
        report = build_report(path="/c/a.md", source="a.md", text=CORRECT, encoding="utf-8")
        assert report.attention == []
        assert report.chars == len(CORRECT)
        assert report.thai_share > 0.8

    def test_attention_names_missing_pages_and_defects(self) -> None:
        report = build_report(
            path="/c/scan.pdf",
            source="scan.pdf",
            text=GARBLED,
            pages=5,
            pages_without_text=3,
            pages_missing=3,
            note="tesseract is not installed: install it: apt-get install tesseract-ocr tesseract-ocr-tha",
        )
        assert report.attention == [
            "3 of 5 page(s) need OCR and did not get it (tesseract is not installed: install it: "
            "apt-get install tesseract-ocr tesseract-ocr-tha)",
            "7 x ASCII byte inside Thai (lost tone mark)",
        ]
        assert report.to_dict()["attention"] == report.attention

    def test_table(self) -> None:
        reports = [
            build_report(path="a", source="a.md", text=CORRECT),
            FidelityReport(path="b", source="scan.pdf", chars=10, pages=3, pages_without_text=2, pages_ocr=2,
                           pages_garbled=1, pages_repaired=1, repairs={"thai_pua": 15, "lost_sara_am": 2}, hidden=1,
                           defects={"private_use": 3}),
        ]
        lines = format_report_table(reports).splitlines()
        assert lines[0].split() == [
            "file", "chars", "thai%", "pages", "no-text", "garbled", "repaired", "ocr", "missing", "fixes", "hidden",
            "sp+mark", "nikhahit", "PUA", "U+FFFD", "ascii-in-thai",
        ]
        assert lines[1].split()[3:9] == ["-", "-", "-", "-", "-", "-"]
        assert lines[2].split() == ["scan.pdf", "10", "0", "3", "2", "1", "1", "2", "0", "17", "1", "0", "0", "3", "0", "0"]
        assert lines[3] == (
            "2 file(s); pages OCR'd 2, repaired without OCR 1, still missing 0; text repaired: thai_pua 15, "
            "lost_sara_am 2; hidden text left out 1; defects sp+mark 0, nikhahit 0, PUA 3, U+FFFD 0, ascii-in-thai 0"
        )

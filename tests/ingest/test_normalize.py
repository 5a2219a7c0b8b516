from __future__ import annotations

import pytest

from ingest.normalize import count_thai_pdf_defects, normalize_text, repair_thai_pdf_text


class TestNormalizeText:
    def test_nfc(self) -> None:
        assert normalize_text("e\u0301") == "\u00e9"

    def test_zero_width_and_soft_hyphen_removed(self) -> None:
        text = "รัฐ\u200bบาล\u200c ดิจิ\u200dทัล\ufeff\u2060 co\u00adoperation"
        assert normalize_text(text) == "รัฐบาล ดิจิทัล cooperation"

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("\u0e19\u0e4d\u0e32", "\u0e19\u0e33"),  # น + ํ + า -> นำ
            ("\u0e19\u0e49\u0e4d\u0e32", "\u0e19\u0e49\u0e33"),  # tone before the circle: น้ำ
            ("\u0e19\u0e4d\u0e49\u0e32", "\u0e19\u0e49\u0e33"),  # circle before the tone: น้ำ
            ("อํานวย", "อำนวย"),
        ],
    )
    def test_decomposed_sara_am_composed(self, raw: str, expected: str) -> None:
        assert normalize_text(raw) == expected

    def test_control_characters_removed(self) -> None:
        assert normalize_text("a\x00b\x07c\x7fd") == "abcd"

    def test_whitespace_collapsed_and_lines_stripped(self) -> None:
        assert normalize_text("  a \t\u00a0 b  \n  c  ") == "a b\nc"

    def test_paragraph_breaks_kept_and_line_endings_normalised(self) -> None:
        assert normalize_text("one\r\ntwo\r\n\r\n\r\n  \r\nthree\rfour") == "one\ntwo\n\nthree\nfour"

    def test_idempotent(self) -> None:
        text = " อ านวย \u200b\r\n\r\n\r\nx  y ....... 3 "
        once = normalize_text(text, from_pdf=True)
        assert normalize_text(once, from_pdf=True) == once

    def test_pdf_repair_only_when_asked(self) -> None:
        assert normalize_text("อ านวย") == "อ านวย"
        assert normalize_text("อ านวย", from_pdf=True) == "อำนวย"

    def test_pdf_symbol_glyphs_and_leaders(self) -> None:
        assert normalize_text("\uf0b7 item\uf020one", from_pdf=True) == "• item one"
        assert normalize_text("Results ........ 25", from_pdf=True) == "Results … 25"
        assert normalize_text("Results ........ 25") == "Results ........ 25"


class TestRepairThaiPdfText:
    @pytest.mark.parametrize(
        ("broken", "repaired"),
        [
            ("อ านวย", "อำนวย"),
            ("ด าเนินการ", "ดำเนินการ"),
            ("มาตรการอ านวยความสะดวก", "มาตรการอำนวยความสะดวก"),
            ("น้ า", "น้ำ"),  # tone mark before the lost ำ
            ("ข้อก ำหนด", "ข้อกำหนด"),  # stray space before ำ
            ("ท ้องถิ่น", "ท้องถิ่น"),  # stray space before a tone mark
            ("\u0e19\u0e4d\u0e32", "\u0e19\u0e33"),
            ("ส าเนา ส านักงาน", "สำเนา สำนักงาน"),
        ],
    )
    def test_repairs(self, broken: str, repaired: str) -> None:
        assert repair_thai_pdf_text(broken) == repaired

    @pytest.mark.parametrize(
        "correct",
        [
            "กรุงเทพ ฯ",
            "ภาษา ไทย",
            "a 1",
            "I have a pen and a 2 b",
            "OECD ได้จัดทำ",
            "ประเทศไทย เป็นประเทศ",
            "ก ข ค",
            "ราคา 100 บาท",
            "e-Government และ AI",
            "อำนวยความสะดวก ดำเนินการ",
            "ไม้เอก ( ่ )",  # a tone mark quoted after a bracket and a space is left alone
        ],
    )
    def test_correct_text_unchanged(self, correct: str) -> None:
        assert repair_thai_pdf_text(correct) == correct

    def test_idempotent(self) -> None:
        once = repair_thai_pdf_text("อ านวย ข้อก ำหนด ท ้อง")
        assert repair_thai_pdf_text(once) == once


class TestCountThaiPdfDefects:
    def test_counts_each_kind(self) -> None:
        text = "อ านวย ท ้อง \u0e19\u0e4d x \ue001 \ufffd ใชFงาน"
        counts = count_thai_pdf_defects(text)
        assert counts["lost_sara_am"] == 1
        assert counts["space_before_mark"] == 1
        assert counts["nikhahit"] == 1
        assert counts["private_use"] == 1
        assert counts["replacement_char"] == 1
        assert counts["ascii_inside_thai"] == 1
        assert counts["total"] == 6

    def test_clean_text_has_none(self) -> None:
        assert count_thai_pdf_defects("อำนวยความสะดวก ก.พ.ร. (ภาษา) ไทย-อังกฤษ OECD a b")["total"] == 0

    def test_repair_removes_what_it_repairs(self) -> None:
        broken = "มาตรการอ านวยความสะดวก ด าเนินการ ข้อก ำหนด ท ้องถิ่น"
        assert count_thai_pdf_defects(broken)["total"] == 4
        assert count_thai_pdf_defects(normalize_text(broken, from_pdf=True))["total"] == 0

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers.base import ReaderError
from ingest.readers.text import TextReader, decode_bytes, decode_text

THAI = "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) ร่วมกับ OECD จัดการสัมมนา\nเรื่อง รัฐบาลดิจิทัลเพื่อบริการประชาชน"


class TestTextReader:
    def test_utf8_paragraphs_and_title(self, tmp_path: Path) -> None:
        path = tmp_path / "note.txt"
        path.write_text("Seminar summary\n\nFirst line\nsecond line\n\n\n\nLast  paragraph\n", encoding="utf-8")
        document = TextReader().run(path, "note.txt")
        assert document.title == "Seminar summary"
        texts = [block.text for block in document.blocks]
        assert texts == ["Seminar summary", "First line\nsecond line", "Last paragraph"]
        assert all(block.page is None and not block.is_heading for block in document.blocks)

    def test_utf8_with_bom(self, tmp_path: Path) -> None:
        path = tmp_path / "bom.txt"
        path.write_bytes("\ufeff".encode() + THAI.encode("utf-8"))
        document = TextReader().run(path, "bom.txt")
        assert document.blocks[0].text == THAI
        assert document.lang == "th"

    @pytest.mark.parametrize("encoding", ["cp874", "tis-620"])
    def test_thai_legacy_encoding(self, tmp_path: Path, encoding: str) -> None:
        path = tmp_path / "old.txt"
        path.write_bytes(THAI.encode(encoding))
        assert TextReader().run(path, "old.txt").blocks[0].text == THAI

    def test_long_first_line_is_not_a_title(self, tmp_path: Path) -> None:
        path = tmp_path / "long-note.txt"
        path.write_text("word " * 40, encoding="utf-8")
        assert TextReader().run(path, "long-note.txt").title == "long-note"

    def test_markdown_heading_marks_dropped_from_title(self, tmp_path: Path) -> None:
        path = tmp_path / "t.txt"
        path.write_text("## สรุปเนื้อหาการสัมมนา\n\ntext", encoding="utf-8")
        assert TextReader().run(path, "t.txt").title == "สรุปเนื้อหาการสัมมนา"

    def test_empty_file(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.txt"
        path.write_bytes(b"")
        document = TextReader().run(path, "empty.txt")
        assert document.blocks == []
        assert document.title == "empty"


def test_decode_error_names_file_and_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ingest.readers.text.from_bytes", lambda data: [])  # charset-normalizer found nothing
    with pytest.raises(ReaderError, match=r"x\.txt: .*not text: .*convert it to UTF-8"):
        decode_bytes(b"\xff\xfe\x81", Path("x.txt"))  # no NUL: no encoding fits, not binary


class TestEncodings:
    @pytest.mark.parametrize(
        ("encoding", "expected_name"),
        [("utf-8", "utf-8"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"), ("cp874", "cp874")],
    )
    def test_thai_in_each_encoding(self, tmp_path: Path, encoding: str, expected_name: str) -> None:
        path = tmp_path / "doc.txt"
        path.write_bytes(THAI.encode(encoding))
        document = TextReader().run(path, "doc.txt")
        assert document.blocks[0].text == THAI
        assert document.extraction.encoding == expected_name

    @pytest.mark.parametrize("text", ["ภาษาไทย", "ประกาศ ๒๕๖๑", "ข้อ 1 การเปิดเผยข้อมูล"])
    def test_a_few_tis620_words(self, text: str) -> None:
        """charset-normalizer alone guesses a CJK code page for these; well-formed Thai wins."""
        assert decode_text(text.encode("tis-620"), Path("x.txt")) == (text, "cp874")

    @pytest.mark.parametrize(
        ("text", "encoding"), [("café au lait, déjà vu à Paris", "latin-1"), ("Привет, мир и всем", "cp1251")]
    )
    def test_other_single_byte_text_is_not_taken_for_thai(self, text: str, encoding: str) -> None:
        decoded, name = decode_text(text.encode(encoding), Path("x.txt"))
        assert name != "cp874"
        assert not any("\u0e00" <= ch <= "\u0e7f" for ch in decoded)

    @pytest.mark.parametrize(
        "text",
        [
            "café",
            "Müller",
            "Zürich",
            "À bientôt, Ça va à Málaga",  # "ภ bient๔t, วa va เ Mแlaga" as cp874: Thai letters, no stray mark
            "ÉCOLE DE PARIS © 2020, 20 °C",  # "ษCOLE DE PARIS ฉ 2020, 20 ฐC"
            "Le café est très bon. Où est la gare?",  # charset-normalizer alone: cp1250 "trčs", "Oů"
        ],
    )
    @pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
    def test_western_8_bit_text_is_read_as_written(self, text: str, encoding: str) -> None:
        """A legacy file is Thai only when its Thai reading is Thai words; else the Western code page."""
        assert decode_text(text.encode(encoding), Path("x.txt")) == (text, "cp1252")

    @pytest.mark.parametrize("text", ["สพร. GDX", "ก.พ.ร.", "ธ.ก.ส. กทม.", "คุณสมชาย ใจดี"])
    def test_thai_abbreviations_and_names_are_still_thai(self, text: str) -> None:
        """No dictionary words, but Thai letters are most of the letters and none sits in a Latin word."""
        assert decode_text(text.encode("cp874"), Path("x.txt")) == (text, "cp874")

    def test_cp874_windows_punctuation_is_still_thai(self) -> None:
        text = "ประกาศเรื่อง “วันหยุดราชการ”\n\n• หน่วยงานปิดทำการวันที่ 13–15 เมษายน…"
        assert decode_text(text.encode("cp874"), Path("x.txt")) == (text, "cp874")

    def test_other_code_pages_keep_charset_normalizers_guess(self) -> None:
        for text, encoding in [("Zażółć gęślą jaźń, Příliš žluťoučký kůň", "cp1250"), ("Ελληνικά κείμενα εδώ", "cp1253")]:
            assert decode_text(text.encode(encoding), Path("x.txt"))[0] == text

    @pytest.mark.parametrize(
        "text",
        [
            "The fee is €5 per page.",  # charset-normalizer alone: cp437 "Ç5"
            "Costs €10.",  # cp1125 (Cyrillic) "А10"
            "“Yes”",  # cp1125 "УYesФ"
            "Price: 12€ — “fair”",  # cp437 "12Ç ù ôfairö"
            "The budget rose to €3.2 million in 2023 and the minister said “good”.",  # cp775 "Ć3.2"
            "It’s the agency’s plan — “once only”.",
        ],
    )
    def test_short_western_text_with_euro_or_curly_quotes_is_cp1252(self, text: str) -> None:
        """On a line or two charset-normalizer takes cp1252's "€" and curly quotes for box-drawing
        or rare letters of another code page; cp1252 reads them as written."""
        assert decode_text(text.encode("cp1252"), Path("x.txt")) == (text, "cp1252")

    @pytest.mark.parametrize(
        "text, encoding",
        [
            ("Dokumenty są dostępne. Żółw", "cp1250"),  # cp1252 would read "s¹ dostêpne. ¯ó³w": symbols inside words
            ("Привет, как дела? Это тест.", "cp1251"),  # cp1252 would read "Ïðèâåò": no ASCII letters
        ],
    )
    def test_text_cp1252_does_not_fit_keeps_its_code_page(self, text: str, encoding: str) -> None:
        assert decode_text(text.encode(encoding), Path("x.txt")) == (text, encoding)

    def test_binary_junk(self) -> None:
        with pytest.raises(ReaderError, match=r"x\.txt: binary data, not text"):
            decode_text(bytes(range(256)) * 4, Path("x.txt"))

    def test_markdown_and_html_record_the_encoding(self, tmp_path: Path) -> None:
        from ingest.readers import reader_for

        for name, body in [("a.md", "# หัวข้อ\n\n" + THAI), ("a.html", f"<h1>หัวข้อ</h1><p>{THAI}</p>")]:
            path = tmp_path / name
            path.write_bytes(body.encode("cp874"))
            document = reader_for(path).run(path, name)  # type: ignore[union-attr]
            assert document.extraction.encoding == "cp874"
            assert THAI.split("\n")[0] in [block.text for block in document.blocks][1]


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary junk\xff\xfe",  # charset-normalizer read it as UTF-16 "Ā戂湩牡⁹番歮" and it was indexed
        b"\x00\x01\x02binary junk",  # valid UTF-8, NUL and controls
        b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml" * 3,  # a .docx saved as .txt
        ("x" * 50 + "\x01\x02").encode(),  # more than 1% control characters
    ],
)
def test_binary_data_named_txt_is_refused(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(data)
    with pytest.raises(ReaderError, match=r"junk\.txt: binary data, not text"):
        TextReader().run(path, "junk.txt")


def test_a_dos_files_end_of_file_mark_is_no_binary_data(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_bytes(b"Office memo: annual leave is 15 days per year for all staff.\r\n\x1a")
    assert TextReader().run(path, "memo.txt").blocks[0].text == "Office memo: annual leave is 15 days per year for all staff."


def test_form_feeds_vertical_tabs_and_utf16_are_text(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(("Page one\x0cPage two: a line\x0bbroken by Word\r\n" + THAI).encode("utf-8"))
    assert "broken by Word" in " ".join(block.text for block in TextReader().run(path, "export.txt").blocks)
    path.write_bytes(THAI.encode("utf-16"))
    assert decode_text(path.read_bytes(), path)[0] == THAI

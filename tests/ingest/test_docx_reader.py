from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.readers import ReaderError, reader_for
from ingest.readers.docx import DocxReader


@pytest.fixture
def policy_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_heading("แนวทางการเปิดเผยข้อมูลภาครัฐ", level=1)
    document.add_paragraph("หน่วยงานของรัฐต้องเปิดเผยข้อมูลตามมาตรฐาน Open Data")
    document.add_heading("ขอบเขต", level=2)
    document.add_paragraph("ใช้กับหน่วยงานทุกแห่ง")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "ชุดข้อมูล"
    table.cell(0, 1).text = "รูปแบบ"
    table.cell(1, 0).text = "งบประมาณ"
    table.cell(1, 1).text = "CSV"
    document.add_paragraph("")
    document.add_paragraph("ด\u0e4d\u0e32เนินการภายใน ๓๐ วัน")
    path = tmp_path / "แนวทาง.docx"
    document.save(str(path))
    return path


class TestDocxReader:
    def test_reader_for_docx(self) -> None:
        assert isinstance(reader_for(Path("a.DOCX")), DocxReader)

    def test_paragraphs_headings_and_table_rows_in_order(self, policy_docx: Path) -> None:
        document = DocxReader().run(policy_docx, "แนวทาง.docx")
        assert document.title == "แนวทางการเปิดเผยข้อมูลภาครัฐ"
        assert document.lang == "th"
        assert [(b.text, b.heading_path, b.is_heading) for b in document.blocks] == [
            ("แนวทางการเปิดเผยข้อมูลภาครัฐ", (), True),
            ("หน่วยงานของรัฐต้องเปิดเผยข้อมูลตามมาตรฐาน Open Data", ("แนวทางการเปิดเผยข้อมูลภาครัฐ",), False),
            ("ขอบเขต", ("แนวทางการเปิดเผยข้อมูลภาครัฐ",), True),
            ("ใช้กับหน่วยงานทุกแห่ง", ("แนวทางการเปิดเผยข้อมูลภาครัฐ", "ขอบเขต"), False),
            ("ชุดข้อมูล | รูปแบบ", ("แนวทางการเปิดเผยข้อมูลภาครัฐ", "ขอบเขต"), False),
            ("งบประมาณ | CSV", ("แนวทางการเปิดเผยข้อมูลภาครัฐ", "ขอบเขต"), False),
            ("ดำเนินการภายใน ๓๐ วัน", ("แนวทางการเปิดเผยข้อมูลภาครัฐ", "ขอบเขต"), False),
        ]
        assert document.extraction.encoding == "docx"

    def test_core_properties_title_wins(self, policy_docx: Path) -> None:
        document = docx.Document(str(policy_docx))
        document.core_properties.title = "Open Data Guideline"
        document.save(str(policy_docx))
        assert DocxReader().run(policy_docx, "x.docx").title == "Open Data Guideline"

    def test_old_doc_or_protected_file(self, tmp_path: Path) -> None:
        path = tmp_path / "old.docx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # an OLE2 (.doc / encrypted) header
        with pytest.raises(ReaderError, match=r"old\.docx: not a DOCX package .*save it as \.docx without a password"):
            DocxReader().run(path, "old.docx")

    def test_damaged_package(self, tmp_path: Path) -> None:
        import zipfile

        path = tmp_path / "broken.docx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a word document")
        with pytest.raises(ReaderError, match=r"broken\.docx: damaged DOCX .*re-save it"):
            DocxReader().run(path, "broken.docx")

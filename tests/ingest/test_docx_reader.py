from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.model import Document, document_text
from ingest.readers import ReaderError, reader_for
from ingest.readers.docx import DocxReader
from tests.docx_everything import NOT_SHOWN, SHOWN, write_everything_docx
from tests.docx_package import docx_package, p, table


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


class TestWhatWordShows:
    """Every way Word stores text a reader sees is read once, in order; what it hides is not."""

    @pytest.fixture
    def everything(self, tmp_path: Path) -> Document:
        return DocxReader().run(write_everything_docx(tmp_path / "standard.docx"), "standard.docx")

    def test_every_shown_line_is_one_block_in_reading_order(self, everything: Document) -> None:
        texts = [block.text for block in everything.blocks]
        positions = [texts.index(line) for line in SHOWN]  # ValueError names a line that was not read whole
        assert positions == sorted(positions)
        assert positions[-1] == len(texts) - 1  # the endnote comes last

    def test_nothing_hidden_deleted_or_instructional_is_read(self, everything: Document) -> None:
        text = document_text(everything)
        for hidden in NOT_SHOWN:
            assert hidden not in text
        assert everything.extraction.hidden_dropped == 3  # the vanished run, paragraph style and character style

    def test_text_box_with_a_fallback_is_read_once(self, everything: Document) -> None:
        assert document_text(everything).count("owners sign off within a week") == 1

    def test_moved_text_is_read_where_it_was_moved_to(self, everything: Document) -> None:
        assert [b.text for b in everything.blocks if "Appeals" in b.text] == ["After the move: Appeals go to the minister."]
        assert "Before the move." in [b.text for b in everything.blocks]

    def test_footnote_follows_the_paragraph_that_cites_it(self, everything: Document) -> None:
        texts = [block.text for block in everything.blocks]
        cited = texts.index("Data is kept for five years. Then it is archived.")
        assert texts[cited + 1] == "Under the Archives Act 2013."

    def test_page_headers_are_not_content(self, everything: Document) -> None:
        assert "CONFIDENTIAL" not in document_text(everything)

    def test_headings_from_styles_outline_levels_and_based_on(self, everything: Document) -> None:
        headings = [(b.text, b.heading_path) for b in everything.blocks if b.is_heading]
        assert headings == [
            ("Digital service standard", ()),
            ("Service rules", ("Digital service standard",)),
            ("Custom section", ("Digital service standard", "Service rules")),  # outline level 1 in its style
            ("Custom subsection", ("Digital service standard", "Service rules")),  # inherited through basedOn
            ("Direct outline heading", ("Digital service standard",)),  # outline level 0 on the paragraph
        ]
        body = next(b for b in everything.blocks if b.text == "Body under the custom section.")
        assert body.heading_path == ("Digital service standard", "Service rules", "Custom section")
        assert everything.title == "Digital service standard"

    def test_a_one_column_layout_table_reads_as_paragraphs(self, tmp_path: Path) -> None:
        body = table([p("Notice", style="Heading1") + p("Offices close on Friday.")], ["Appeals within 30 days."])
        document = DocxReader().run(docx_package(tmp_path / "box.docx", body), "box.docx")
        assert [(b.text, b.is_heading) for b in document.blocks] == [
            ("Notice", True),
            ("Offices close on Friday.", False),
            ("Appeals within 30 days.", False),
        ]

    def test_field_crossing_paragraphs_shows_its_result(self, tmp_path: Path) -> None:
        begin, separate, end = (f'<w:r><w:fldChar w:fldCharType="{k}"/></w:r>' for k in ("begin", "separate", "end"))
        body = (
            p(begin, '<w:r><w:instrText> TOC \\o "1-3" </w:instrText></w:r>', separate, "Introduction 1")
            + p("Scope 2", end)
            + p("Body text.")
        )
        document = DocxReader().run(docx_package(tmp_path / "toc.docx", body), "toc.docx")
        assert [b.text for b in document.blocks] == ["Introduction 1", "Scope 2", "Body text."]

"""Abbreviations the documents define, found by Schwartz and Hearst's algorithm (and its Thai form)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.abbreviations import ABBREVIATIONS_FILE, Abbreviation, AbbreviationTable, best_long_form, find_definitions, is_short_form
from index.analyzer import ThaiEnglishAnalyzer
from index.storage import IndexWriter, current_generation
from ingest.model import Block, Chunk, Document
from tests.conftest import HashEmbedder


def pairs(text: str) -> list[tuple[str, str]]:
    return [(definition.short, definition.long) for definition in find_definitions(text)]


def test_a_thai_agency_and_its_dotted_abbreviation_across_its_own_parenthesis() -> None:
    text = "สำนักงานคณะกรรมการกฤษฎีกา (สคก.) และ สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.) หรือ DGA ร่วมกันพัฒนา"
    assert pairs(text) == [
        ("สคก", "สำนักงานคณะกรรมการกฤษฎีกา"),
        ("สพร", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"),
        ("DGA", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"),  # "(สพร.) หรือ DGA": the same name's English acronym
    ]


def test_a_thai_long_form_is_the_name_whose_syllables_give_the_letters_not_the_shortest_tail() -> None:
    # กยศ: ก of กองทุน, ย of ยืม, ศ of ศึกษา; "กู้ยืมเพื่อการศึกษา" fits the letters too but starts with a verb
    assert pairs("ผู้กู้ยืม กองทุนเงินให้กู้ยืมเพื่อการศึกษา หรือ กยศ. สามารถสั่งพิมพ์ได้") == [
        ("กยศ", "กองทุนเงินให้กู้ยืมเพื่อการศึกษา")
    ]
    # ก.พ.ร.: ก is the second syllable of คณะกรรมการ; "การพัฒนา..." after a noun continues it, and
    # the ก at the end of the syllable นัก in สำนักงาน is no onset ("กงานคณะกรรมการ..." before)
    assert pairs("โดยสำนักงานคณะกรรมการการพัฒนาระบบราชการ (ก.พ.ร.) เป็นหน่วยงานกลาง") == [("ก.พ.ร", "คณะกรรมการการพัฒนาระบบราชการ")]
    assert pairs("เสนอต่อคณะกรรมการพัฒนาระบบราชการ (ก.พ.ร.) เพื่อพิจารณา") == [("ก.พ.ร", "คณะกรรมการพัฒนาระบบราชการ")]
    # the letters skip คณะกรรมการ's คณะ and the words การ, ความ, ปลอดภัย, ไซเบอร์, แห่ง
    assert pairs("สำนักงานคณะกรรมการการรักษาความมั่นคงปลอดภัยไซเบอร์แห่งชาติ (สกมช.)") == [
        ("สกมช", "สำนักงานคณะกรรมการการรักษาความมั่นคงปลอดภัยไซเบอร์แห่งชาติ")
    ]


def test_a_thai_long_form_does_not_start_at_a_verb_or_a_word_before_the_name() -> None:
    # the shortest name that fits wins over a longer run that also starts with ส: "สมาชิก", "สนับสนุนโดย"
    assert pairs("สมาชิกสำนักงานพัฒนารัฐบาลดิจิทัล (สพร.)") == [("สพร", "สำนักงานพัฒนารัฐบาลดิจิทัล")]
    assert pairs("สนับสนุนโดยสำนักงานพัฒนารัฐบาลดิจิทัล (สพร.)") == [("สพร", "สำนักงานพัฒนารัฐบาลดิจิทัล")]
    # the preposition before the name is no part of it, though its ก would fit
    assert pairs("ให้กับผู้กู้ยืมกองทุนเงินให้กู้ยืมเพื่อการศึกษา (กยศ.)") == [("กยศ", "กองทุนเงินให้กู้ยืมเพื่อการศึกษา")]
    # letters that are no syllable's onset do not make a long form
    assert pairs("ระบบงานราชการ (กพร.)") == []


def test_a_latin_acronym_of_a_thai_name_is_bounded_by_the_noun_phrase() -> None:
    assert pairs("หน่วยงานต้องเชื่อมโยงข้อมูลกับกรมการปกครอง (DOPA) ก่อน") == [("DOPA", "กรมการปกครอง")]
    assert pairs("สิทธิ์ที่ได้รับ ให้ติดต่อกรมพัฒนาธุรกิจการค้า (DBD) เพื่อขอสิทธิ์") == [("DBD", "กรมพัฒนาธุรกิจการค้า")]
    assert pairs("เช่นศูนย์แลกเปลี่ยนข้อมูลกลาง (GDX) ก่อนพัฒนาระบบใหม่") == [("GDX", "ศูนย์แลกเปลี่ยนข้อมูลกลาง")]
    # after a Thai abbreviation's own definition the acronym names the same thing
    assert pairs("สำนักงานคณะกรรมการนโยบายเขตพัฒนาพิเศษภาคตะวันออก (สกพอ.) (EEC) ได้จัดให้มีบริการ") == [
        ("สกพอ", "สำนักงานคณะกรรมการนโยบายเขตพัฒนาพิเศษภาคตะวันออก"),
        ("EEC", "สำนักงานคณะกรรมการนโยบายเขตพัฒนาพิเศษภาคตะวันออก"),
    ]


def test_a_latin_acronym_after_thai_text_that_names_nothing_is_left_alone() -> None:
    assert pairs("ติดต่อสำนักงาน (DGA) ได้ทุกวัน") == []  # one common noun names nothing
    assert pairs("หน่วยงานจะต้องมีความร่วมมือ (MOU) กับกรม") == []
    assert pairs("รหัสธุรกิจ 5 หลัก (TSIC)") == []
    assert pairs("ข้อมูลงบการเงิน (V4) รูปภาพ") == []  # no acronym: a version
    # the Thai "or" before a Latin word after plain Thai text is an ordinary "or"
    assert pairs("การประมวลผลจากระบบคอมพิวเตอร์หรือ AI และ ข้อมูลผ่านเว็บไซต์ หรือ API") == []


def test_a_latin_code_after_many_different_thai_phrases_is_a_label_not_an_abbreviation() -> None:
    rows = ["ข้อมูลบุคคล (IKNO)", "ข้อมูลที่อยู่ (IKNO)", "ข้อมูลสมาชิกในบ้าน (IKNO)", "ข้อมูลการเปลี่ยนชื่อนามสกุล (IKNO)"]
    table = AbbreviationTable.mine([("form.pdf", row) for row in rows] + [("a.md", "ให้ติดต่อกรมพัฒนาธุรกิจการค้า (DBD) ได้")])
    assert table.long_forms("IKNO") == [] and table.long_forms("DBD") == ["กรมพัฒนาธุรกิจการค้า"]


def test_a_glossary_table_row_defines_its_abbreviation() -> None:
    assert pairs("PCA | Principal component analysis | A statistical procedure") == [("PCA", "Principal component analysis")]
    assert pairs("คำย่อ; ความหมาย\nสพร.; สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)") == [
        ("สพร", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)")
    ]
    # a row whose second cell is one word or a number is no definition
    assert pairs("API; Application; Required\nKorea; 0.74; 0.81\nGDX | 2 รูปแบบ") == []


def test_english_forms_before_inside_and_after_the_parenthesis() -> None:
    assert pairs("It is run by the Digital Government Development Agency (DGA) of Thailand.") == [
        ("DGA", "Digital Government Development Agency")
    ]
    assert pairs("ศูนย์กลางแลกเปลี่ยนข้อมูลภาครัฐ (Government Data Exchange Center : GDX ) เป็นศูนย์กลาง") == [
        ("GDX", "Government Data Exchange Center")
    ]
    assert pairs("Countries reported their NDGS (national digital government strategies) in 2019.") == [
        ("NDGS", "national digital government strategies")
    ]


def test_the_thai_or_between_the_two_forms() -> None:
    assert pairs("สพร. ได้จัด Capacity Building Programme หรือ CBP เพื่อพัฒนาบุคลากร") == [("CBP", "Capacity Building Programme")]
    assert pairs("จัดทำต้นแบบ (Prototype หรือ MVP) ผ่าน GovID/Mailgothai หรือ OpenID และ FastPay หรือ QRPayment") == []


def test_a_long_form_never_starts_with_a_function_word() -> None:
    assert pairs("led by the Office of the Public Sector Development Commission (OPDC) since 2018") == [
        ("OPDC", "Office of the Public Sector Development Commission")
    ]
    assert best_long_form("OPDC", "nothing matches") is None


def test_parentheses_that_define_nothing_are_left_alone() -> None:
    text = (
        "The index (2019) covers 33 countries (see Box 2.1) and the OECD (2020[2]) found that "
        "services (G2C) improved; ระดับสูง(IAL 2.3) and a translation (DGA) after Thai text สำนักงาน (DGA)."
    )
    assert pairs(text) == []
    assert is_short_form("ก.พ.ร.") and is_short_form("GDX") and not is_short_form("Data") and not is_short_form("2019")


def test_the_table_counts_sources_merges_spellings_and_reads_back(tmp_path: Path) -> None:
    texts = [
        ("a.pdf", "The Identity Assurance Level (IAL) of a service."),
        ("a.pdf", "The Identity Assurance Level (IAL) of a service, again in an overlapping passage."),
        ("b.md", "by Identity Assurance level (IAL) as set out"),
        ("c.md", "The Government Data Exchange Center (GDX) links agencies."),
    ]
    table = AbbreviationTable.mine(texts)
    assert table.entries == [
        Abbreviation("GDX", "Government Data Exchange Center", 1, "c.md"),
        Abbreviation("IAL", "Identity Assurance Level", 2, "a.pdf"),
    ]
    assert table.long_forms("ial") == ["Identity Assurance Level"] and table.long_forms("XYZ") == []
    table.save(tmp_path)
    assert AbbreviationTable.load(tmp_path).entries == table.entries
    assert len(AbbreviationTable.load(tmp_path / "missing")) == 0


def test_the_table_is_written_beside_each_generation(tmp_path: Path) -> None:
    text = "ผู้ใช้ลงทะเบียนกับสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.) ได้ทุกวัน"
    documents = [Document(source="a.md", title="", blocks=[Block(text)], lang="th")]
    chunks = [Chunk("a.md#0", "a.md", "", text, None, (), "th", 0, len(text))]
    IndexWriter([HashEmbedder()], ThaiEnglishAnalyzer(), "{text}", show_progress=False).run(documents, chunks, tmp_path)
    table = AbbreviationTable.load(current_generation(tmp_path))
    assert (current_generation(tmp_path) / ABBREVIATIONS_FILE).is_file()
    assert table.long_forms("สพร.") == ["สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"]


@pytest.mark.parametrize(
    "text",
    [
        "What is PPS (protocol parameter selection)?",
        "What is protocol parameter selection  (PPS)?",
        "ตามที่ สำนักงานพัฒนารัฐบาลดิจิทัล (สพร.) กำหนด",
        "ผ่าน Capacity Building Programme หรือ CBP ของ OECD",
    ],
)
def test_a_definition_spans_exactly_both_forms(text: str) -> None:
    (definition,) = find_definitions(text)
    span = text[definition.start : definition.end]
    assert span.startswith((definition.long, definition.short)) and span.rstrip(".)").endswith((definition.long, definition.short))

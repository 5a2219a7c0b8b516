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
    ]


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

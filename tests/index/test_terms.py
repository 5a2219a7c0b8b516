"""The bilingual term table: mined from "Thai term (English term)", shipped beside the index."""

from __future__ import annotations

from pathlib import Path

from index.analyzer import ThaiEnglishAnalyzer
from index.storage import IndexWriter, current_generation
from index.terms import TERMS_FILE, TermPair, TermTable
from ingest.model import Block, Chunk, Document
from tests.conftest import HashEmbedder

TEXTS = [
    ("a.md", "หน่วยงานต้องส่งเสริมธรรมาภิบาลข้อมูล (Data Governance) อย่างต่อเนื่อง"),
    ("b.md", "แนวทางธรรมาภิบาลข้อมูล (Data Governance) ภาครัฐ และข้อมูลงบการเงิน (V4)"),
]


def test_pairs_are_mined_with_their_count_and_codes_are_left_out() -> None:
    table = TermTable.mine(TEXTS, encoder=None)
    assert [(pair.thai, pair.english, pair.count) for pair in table.pairs] == [("ธรรมาภิบาลข้อมูล", "Data Governance", 2)]


def test_expand_gives_the_other_language_form() -> None:
    table = TermTable([TermPair("นโยบายการใช้คลาวด์เป็นหลัก", "Cloud First Policy", 3, "cloud.md")])
    assert table.expand("นโยบายการใช้คลาวด์เป็นหลักคืออะไร") == ["Cloud First Policy"]
    assert table.expand("What is the cloud first policy?") == ["นโยบายการใช้คลาวด์เป็นหลัก"]
    assert table.expand("Cloud First Policy กับ นโยบายการใช้คลาวด์เป็นหลัก") == []  # both forms there already


def test_the_table_is_written_beside_each_generation(tmp_path: Path) -> None:
    documents = [Document(source=source, title="", blocks=[Block(text)], lang="th") for source, text in TEXTS]
    chunks = [Chunk(f"{source}#0", source, "", text, None, (), "th", 0, len(text)) for source, text in TEXTS]
    IndexWriter([HashEmbedder()], ThaiEnglishAnalyzer(), "{text}", show_progress=False).run(documents, chunks, tmp_path)
    header = (current_generation(tmp_path) / TERMS_FILE).read_text(encoding="utf-8").splitlines()[0]
    assert header == "thai\tenglish\tcount\texample_source"


def test_the_file_reads_back_as_written(tmp_path: Path) -> None:
    table = TermTable.mine(TEXTS, encoder=None)
    table.save(tmp_path)
    assert TermTable.load(tmp_path).pairs == table.pairs == [TermPair("ธรรมาภิบาลข้อมูล", "Data Governance", 2, "a.md")]
    assert len(TermTable.load(tmp_path / "missing")) == 0

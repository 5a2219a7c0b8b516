"""Cross-lingual search on fixture documents with the real bundled model."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_thai_question_finds_the_english_passage(real_rag) -> None:  # type: ignore[no-untyped-def]
    hits = real_rag.search("ประชาชนไม่ต้องยื่นข้อมูลเดิมซ้ำให้หน่วยงานรัฐหลายครั้ง", k=3)
    assert hits[0].chunk.source == "digital-principles.md"
    assert "more than once" in hits[0].chunk.text


def test_english_question_finds_the_thai_passage(real_rag) -> None:  # type: ignore[no-untyped-def]
    hits = real_rag.search("How can people pay government fees electronically instead of cash?", k=3)
    assert hits[0].chunk.source == "thai-services.md"
    assert "พร้อมเพย์" in hits[0].chunk.text


def test_same_language_questions_still_work(real_rag) -> None:  # type: ignore[no-untyped-def]
    assert "ISO/IEC 27001" in real_rag.search("สำนักงานได้รับมาตรฐานความปลอดภัยอะไร", k=1)[0].chunk.text
    assert "challenge" in real_rag.search("Can people contest an automated AI decision?", k=1)[0].chunk.text


def test_filters_restrict_language_and_source(real_rag) -> None:  # type: ignore[no-untyped-def]
    hits = real_rag.search("open data", k=5, langs={"th"})
    assert hits and all(hit.chunk.lang == "th" for hit in hits)
    hits = real_rag.search("open data", k=5, sources={"notes.txt"})
    assert hits and all(hit.chunk.source == "notes.txt" for hit in hits)


def test_empty_query_is_refused(real_rag) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="empty"):
        real_rag.search("   ")

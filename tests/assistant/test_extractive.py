"""The extractive answerer on the fixture documents, with the real bundled model (Thai and English)."""

from __future__ import annotations

import re

import pytest

from assistant.answer_model import Answer
from assistant.citations import citations_in
from assistant.wording import say

pytestmark = pytest.mark.slow


def _check_citations(answer: Answer) -> None:
    """Every [n] names a passage shown, every cited passage quotes exact sentences of its text."""
    numbers = citations_in(answer.text)
    assert numbers, answer.text
    assert set(numbers) <= {passage.number for passage in answer.passages}
    assert [passage.number for passage in answer.passages] == list(range(1, len(answer.passages) + 1))
    for passage in answer.passages:
        assert passage.cited == (passage.number in numbers)
        assert passage.cited == bool(passage.supporting)
        for sentence in passage.supporting:
            assert sentence in passage.hit.chunk.text
            assert " ".join(sentence.split()) in answer.text
    for line in answer.text.splitlines()[1:]:
        assert re.search(r"\[\d+\]$", line), line


def test_english_question_gets_an_english_framed_cited_answer(real_rag) -> None:  # type: ignore[no-untyped-def]
    answer = real_rag.ask("Can people contest an automated AI decision?", k=5)
    assert answer.found and answer.lang == "en" and answer.answerer == "extractive"
    assert answer.text.splitlines()[0] == say("framing", "en")
    _check_citations(answer)
    assert "challenge it before an independent body" in answer.text
    assert 1 <= sum(len(passage.supporting) for passage in answer.passages) <= 4  # sentences quoted


def test_thai_question_gets_a_thai_framed_cited_answer(real_rag) -> None:  # type: ignore[no-untyped-def]
    answer = real_rag.ask("สำนักงานได้รับมาตรฐานความปลอดภัยอะไร", k=5)
    assert answer.found and answer.lang == "th"
    assert answer.text.splitlines()[0] == say("framing", "th")
    _check_citations(answer)
    assert "ISO/IEC 27001" in answer.text


def test_thai_question_about_an_english_document_keeps_the_quote_in_english(real_rag) -> None:  # type: ignore[no-untyped-def]
    answer = real_rag.ask("ประชาชนไม่ต้องยื่นข้อมูลเดิมซ้ำให้หน่วยงานรัฐหลายครั้ง", k=5)
    assert answer.found and answer.lang == "th"
    assert answer.text.splitlines()[0].startswith("จากเอกสาร")
    _check_citations(answer)
    assert "should not have to provide the same information" in answer.text


def test_english_question_about_a_thai_document_frames_in_english(real_rag) -> None:  # type: ignore[no-untyped-def]
    answer = real_rag.ask("How can people pay government fees electronically instead of cash?", k=5)
    assert answer.found and answer.lang == "en"
    assert answer.text.splitlines()[0].startswith("According to the documents")
    _check_citations(answer)
    assert "พร้อมเพย์" in answer.text


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("How do I bake sourdough bread at home?", "en"),
        ("Who won the 2022 FIFA World Cup final?", "en"),
        ("สูตรต้มยำกุ้งน้ำข้นใส่อะไรบ้าง", "th"),
        ("ทีมไหนชนะฟุตบอลโลกปี 2022", "th"),
    ],
)
def test_off_topic_question_gets_not_found_and_the_closest_passages(real_rag, question: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    answer = real_rag.ask(question, k=3)
    assert not answer.found
    assert answer.lang == lang
    assert answer.text == say("not_found", lang)
    assert citations_in(answer.text) == []
    assert len(answer.passages) == 3 and not any(passage.cited for passage in answer.passages)


def test_stream_gives_the_text_then_the_answer(real_rag) -> None:  # type: ignore[no-untyped-def]
    items = list(real_rag.ask_stream("What must agencies do after a serious cybersecurity incident?", k=5))
    assert isinstance(items[-1], Answer)
    assert "".join(item for item in items[:-1] if isinstance(item, str)) == items[-1].text
    assert "24 hours" in items[-1].text


def test_markdown_export_lists_the_cited_sources_with_their_quotes(real_rag) -> None:  # type: ignore[no-untyped-def]
    answer = real_rag.ask("Can people contest an automated AI decision?", k=5)
    markdown = answer.to_markdown()
    assert markdown.startswith("## Can people contest an automated AI decision?")
    assert "### Sources" in markdown
    cited = answer.cited_passages[0]
    assert f"- [{cited.number}] **{cited.hit.chunk.title}**" in markdown
    assert f"`{cited.hit.chunk.source}`" in markdown
    assert "> " + " ".join(cited.supporting[0].split()) in markdown
    data = answer.to_dict()
    assert data["found"] is True and data["lang"] == "en"
    assert [p["number"] for p in data["passages"]] == list(range(1, 6))

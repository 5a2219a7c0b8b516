"""The LLM answerer when no server answers: the reader gets the extractive answer and a note, never a trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer_model import Answer
from assistant.api import make_answerer
from assistant.settings import Settings
from assistant.wording import say
from tests.llm_server import free_port

pytestmark = pytest.mark.slow


def _answerer(real_rag):  # type: ignore[no-untyped-def]
    settings = Settings(
        index_dir=Path("unused"), answerer="llm", llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=5, show_progress=False
    )
    return make_answerer(settings, real_rag.encoders)


def test_unreachable_server_gives_the_extractive_answer_with_a_note(real_rag) -> None:  # type: ignore[no-untyped-def]
    question = "ตู้บริการอัจฉริยะใช้บัตรอะไร"
    items = list(_answerer(real_rag).stream(question, real_rag.search(question, k=5)))
    answer = items[-1]
    assert isinstance(answer, Answer)
    assert answer.answerer == "extractive" and answer.found and answer.lang == "th"
    assert answer.text.startswith("จากเอกสาร")
    assert answer.notes == (say("note_fallback", "th", reason="could not connect to the server"),)
    assert "Traceback" not in answer.text


def test_off_topic_question_is_not_sent_to_the_model(real_rag) -> None:  # type: ignore[no-untyped-def]
    question = "How do I bake sourdough bread at home?"
    answer = _answerer(real_rag).answer(question, real_rag.search(question, k=3))
    assert not answer.found and answer.answerer == "llm"
    assert answer.text == say("not_found", "en") and answer.notes == ()

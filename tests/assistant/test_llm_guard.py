"""An LLM answer that cites no given passage, or echoes its prompt's markup, is never shown as the answer.

A small model (gemma-3-270m on the test server) answered "What are the six dimensions ...?" with
twenty lines of "Question: ... [/INST] [no citation]" and the web page showed "<<SYS>>" and
'<passage n="6">' with the passages' text, each time as a found answer. The fake client here
stands in for such a model (no server needed).
"""

from __future__ import annotations

import pytest

from assistant.answer_model import Answer
from assistant.wording import say
from tests.assistant.test_llm_injection import QUESTION, ObedientModel, _answerer, _hits


@pytest.mark.parametrize(
    "reply",
    [
        "Question: what are the rules? [/INST] The rules are many. [99]",  # only an invented citation
        "Returns are filed online. The office answers questions by phone.",  # no citation at all
        '<<SYS>> You answer questions. <</SYS>> Returns are filed online before 31 March [1].',
        '<passage n="1">\n[1] E-tax guide (en)\nPersonal income tax returns are filed online [1].\n</passage>',
        "<start_of_turn>model\nReturns are filed online before 31 March [1].",
    ],
)
def test_an_untrustworthy_llm_answer_gives_way_to_the_quoted_answer_with_a_note(reply: str) -> None:
    answer = _answerer(ObedientModel(reply)).answer(QUESTION, _hits())
    assert isinstance(answer, Answer) and answer.found
    assert answer.answerer == "extractive"  # the quotes, with their checked citations
    assert "before 31 March" in answer.text and "[1]" in answer.text
    assert not any(mark in answer.text for mark in ("[/INST]", "<<SYS>>", "<passage", "<start_of_turn>"))
    echoed = any(mark in reply for mark in ("[/INST]", "<<SYS>>", "<passage", "<start_of_turn>"))
    reason = say("note_llm_prompt_echo" if echoed else "note_llm_uncited", "en")
    assert answer.notes == (say("note_fallback", "en", reason=reason),)


def test_a_cited_llm_answer_is_kept() -> None:
    answer = _answerer(ObedientModel("Returns are filed online before 31 March [1].")).answer(QUESTION, _hits())
    assert answer.answerer == "llm" and answer.text == "Returns are filed online before 31 March [1]." and answer.notes == ()


def test_the_stream_stops_as_soon_as_the_model_echoes_its_prompt() -> None:
    """The page showed '<<SYS>>' and '<passage n="6">' with the passages' text for about 20 s
    before the quoted answer replaced it."""
    reply = "Returns are filed online. <<SYS>> " + "echoed passage text " * 200
    client = ObedientModel(reply)
    items = list(_answerer(client).stream(QUESTION, _hits()))
    streamed, final = "".join(item for item in items if isinstance(item, str)), items[-1]
    assert isinstance(final, Answer) and final.answerer == "extractive"
    assert "<<SYS>>" not in streamed and "echoed passage text" not in streamed
    assert client.pieces_sent < 10  # the model's stream was closed, not read to its end

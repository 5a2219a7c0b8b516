"""The LLM answerer against a real OpenAI-compatible server (llama-cpp-python + gemma-3-270m on 127.0.0.1).

gemma-3-270m is a base model: these tests assert the protocol, streaming, citation checking and
the fallback, never answer quality. Needs ``bash scripts/setup_llm_test.sh``; run with ``-m llm``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer_model import Answer
from assistant.api import make_answerer
from assistant.citations import citations_in
from assistant.llm import PROMPT_MARKUP
from assistant.settings import Settings
from assistant.wording import say
from tests.llm_server import MODEL_ALIAS, LlamaServer, running_llama

pytestmark = [pytest.mark.llm, pytest.mark.slow]

QUESTION = "What must agencies do after a serious cybersecurity incident?"
# Forces, through llama-server's grammar option, an answer with one valid citation, one invented
# [99], and a sentence the model finishes freely with no citation.
FABRICATING_GRAMMAR = r'''root ::= "Agencies report serious incidents within 24 hours [1]. The team warns other agencies [99]. The report also " word " " word " " word "."
word ::= [a-z]{2,12}'''


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    with running_llama(tmp_path_factory.mktemp("llama") / "server.log") as server:
        yield server


@pytest.fixture(autouse=True)
def _server_still_running(request: pytest.FixtureRequest) -> Iterator[None]:
    """A server that dies mid-test (a llama.cpp build that crashes on this CPU) shows as its exit
    code and log, not as the client's bare "Connection error" in the next assertions."""
    yield
    if "llm_server" in request.fixturenames:
        server = request.getfixturevalue("llm_server")
        if server.process.poll() is not None:
            pytest.fail(f"the llama server exited with {server.process.returncode} during this test:\n{server.tail()}")


def _answerer(real_rag, **settings: object):  # type: ignore[no-untyped-def]
    values = {"index_dir": Path("unused"), "answerer": "llm", "llm_max_tokens": 48, "llm_temperature": 0.0, "show_progress": False}
    return make_answerer(Settings(**{**values, **settings}), real_rag.encoders)  # type: ignore[arg-type]


def _run(answerer, real_rag, question: str = QUESTION) -> tuple[list[str], Answer]:  # type: ignore[no-untyped-def]
    items = list(answerer.stream(question, real_rag.search(question, k=5)))
    final = items[-1]
    assert isinstance(final, Answer)
    assert all(isinstance(item, str) for item in items[:-1])
    return items[:-1], final


def test_the_server_speaks_the_openai_protocol(llm_server: LlamaServer) -> None:
    import openai

    client = openai.OpenAI(base_url=llm_server.base_url, api_key="not-needed", max_retries=0)
    assert [model.id for model in client.models.list()] == [MODEL_ALIAS]


def test_answer_streams_in_chunks_and_ends_with_a_checked_answer(llm_server: LlamaServer, real_rag) -> None:  # type: ignore[no-untyped-def]
    answerer = _answerer(real_rag, llm_base_url=llm_server.base_url)  # llm_model empty: the server's only model
    chunks, answer = _run(answerer, real_rag)
    assert len(chunks) >= 2, chunks
    assert answer.found
    streamed = "".join(chunks)
    written = {number for number in citations_in(streamed) if 1 <= number <= len(answer.passages)}
    if not written or PROMPT_MARKUP.search(streamed):
        # a base model's answer that cites no given passage (or echoes its prompt) is not shown:
        # the quoted answer is, with a note saying why
        assert answer.answerer == "extractive" and answer.notes[0].startswith("The language model could not answer")
        return
    # what the model wrote was checked: citations of given passages kept, any other removed
    kept = citations_in(answer.text)
    assert answer.answerer == "llm" and set(kept) == written
    assert all(passage.cited == (passage.number in kept) for passage in answer.passages)


def test_invented_citation_is_removed_and_uncited_sentence_marked(llm_server: LlamaServer, real_rag) -> None:  # type: ignore[no-untyped-def]
    import json

    answerer = _answerer(
        real_rag, llm_base_url=llm_server.base_url, llm_model=MODEL_ALIAS, llm_extra_body=json.dumps({"grammar": FABRICATING_GRAMMAR})
    )
    chunks, answer = _run(answerer, real_rag)
    streamed = "".join(chunks)
    assert "[99]" in streamed  # the model did write it ...
    assert "[99]" not in answer.text  # ... and the reader never sees it
    assert citations_in(answer.text) == [1]
    assert answer.text.endswith(say("uncited_mark", "en"))
    assert any("[99]" in note for note in answer.notes)
    assert any("no citation" in note for note in answer.notes)
    first = answer.passages[0]
    assert first.cited and first.supporting and all(sentence in first.hit.chunk.text for sentence in first.supporting)
    assert "24 hours" in " ".join(first.supporting)


def test_tiny_timeout_falls_back_to_the_extractive_answer_with_a_note(llm_server: LlamaServer, real_rag) -> None:  # type: ignore[no-untyped-def]
    answerer = _answerer(real_rag, llm_base_url=llm_server.base_url, llm_model=MODEL_ALIAS, llm_timeout=0.05)
    _, answer = _run(answerer, real_rag)
    assert answer.answerer == "extractive" and answer.found
    assert answer.text.startswith(say("framing", "en"))
    assert "24 hours" in answer.text
    assert answer.notes[0] == say("note_fallback", "en", reason="timed out")

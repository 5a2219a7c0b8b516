"""The service the UI and the API share: filters, answerer choice, streaming."""

from __future__ import annotations

import pytest

from assistant.answer_model import Answer
from assistant.api import PolicyRAG
from assistant.web.service import AssistantService, Filters
from tests.assistant.web.conftest import FakeAnswerer


class StreamingAnswerer(FakeAnswerer):
    name = "llm"


@pytest.fixture
def service(hash_rag: PolicyRAG) -> AssistantService:
    return AssistantService(hash_rag, answerers={"llm": StreamingAnswerer(), "extractive": FakeAnswerer()})  # type: ignore[dict-item]


def test_the_first_answerer_is_the_default(service: AssistantService) -> None:
    assert service.default_answerer == "llm"
    assert service.ask("ตู้บริการอัจฉริยะ").answerer == "llm"
    assert service.ask("ตู้บริการอัจฉริยะ", answerer="extractive").answerer == "extractive"


def test_llm_streams_pieces_then_the_answer(service: AssistantService) -> None:
    items = list(service.ask_stream("ตู้บริการอัจฉริยะ", k=3))
    assert isinstance(items[-1], Answer)
    assert len(items) > 2 and all(isinstance(item, str) for item in items[:-1])
    assert "".join(items[:-1]).strip() == items[-1].text  # type: ignore[arg-type]


def test_extractive_gives_its_text_once_then_the_answer(service: AssistantService) -> None:
    items = list(service.ask_stream("ตู้บริการอัจฉริยะ", k=3, answerer="extractive"))
    assert len(items) == 2 and isinstance(items[1], Answer) and items[0] == items[1].text


def test_filters_reach_retrieval(service: AssistantService) -> None:
    answer = service.ask("digital", k=10, filters=Filters.of(langs=["th"]))
    assert answer.passages and {passage.hit.chunk.lang for passage in answer.passages} == {"th"}
    answer = service.ask("digital", k=10, filters=Filters.of(documents=["notes.txt", "thai-services.md"], years=["2024"]))
    assert {passage.hit.chunk.source for passage in answer.passages} == {"thai-services.md"}


@pytest.mark.parametrize("k", [0, 51])
def test_k_out_of_range_is_refused(service: AssistantService, k: int) -> None:
    with pytest.raises(ValueError, match="k must be between 1 and 50"):
        service.search("x", k=k)


def test_unknown_answerer_names_the_offered_ones(service: AssistantService) -> None:
    with pytest.raises(ValueError, match="offers llm, extractive"):
        service.ask("x", answerer="gpt")

"""The service the UI and the API share: filters, answerer choice, streaming."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from assistant.answer_model import Answer
from assistant.followup import Turn
from assistant.api import PolicyRAG
from assistant.retrieval import Hit
from assistant.settings import Settings
from assistant.web.service import AssistantService, Filters
from assistant.wording import say
from index.storage import OpenIndex
from tests.assistant.web.conftest import FakeAnswerer
from tests.conftest import HashEmbedder
from tests.llm_server import free_port


class StreamingAnswerer(FakeAnswerer):
    name = "llm"


@pytest.fixture
def service(hash_rag: PolicyRAG) -> AssistantService:
    return AssistantService(hash_rag, answerers={"llm": StreamingAnswerer(), "extractive": FakeAnswerer()})  # type: ignore[dict-item]


def test_the_first_answerer_is_the_default(service: AssistantService) -> None:
    assert service.default_answerer == "llm"
    assert service.ask("ตู้บริการอัจฉริยะ").answerer == "llm"
    assert service.ask("ตู้บริการอัจฉริยะ", answerer="extractive").answerer == "extractive"


class RecordingAnswerer(StreamingAnswerer):
    """Records the hits it was given and every item it yielded."""

    def __init__(self) -> None:
        self.given: list[Hit] = []
        self.yielded: list[object] = []

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str | Answer]:
        self.given = list(hits)
        for item in super().stream(question, hits):
            self.yielded.append(item)
            yield item


def test_llm_streams_pieces_then_the_answer(hash_rag: PolicyRAG) -> None:
    answerer = RecordingAnswerer()
    service = AssistantService(hash_rag, answerers={"llm": answerer})  # type: ignore[dict-item]
    items = list(service.ask_stream("ตู้บริการอัจฉริยะ", k=3))
    assert len(items) > 2 and items == answerer.yielded  # every piece relayed as written, in order, then the answer
    expected = [hit.chunk.chunk_id for hit in hash_rag.search("ตู้บริการอัจฉริยะ", k=3)]
    assert [hit.chunk.chunk_id for hit in answerer.given] == expected  # the answerer read the service's k=3 search


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


@pytest.fixture(params=["extractive", "llm"])
def settings_only_service(request: pytest.FixtureRequest, web_index) -> Iterator[AssistantService]:  # type: ignore[no-untyped-def]
    """The service as ``policyrag serve`` builds it: answerers from the settings alone (the LLM's
    server is a port nobody listens on)."""
    settings = Settings(
        index_dir=web_index, show_progress=False, top_k=5, answerer=request.param,
        llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=5,
    )  # fmt: skip
    rag = PolicyRAG(OpenIndex(web_index), [HashEmbedder()], settings)  # type: ignore[list-item]
    yield AssistantService(rag)
    rag.close()


QUOTED = "Every agency must report a serious cybersecurity incident to the national response team within 24 hours."


def test_service_builds_from_settings_alone_for_each_answerer(settings_only_service: AssistantService) -> None:
    service = settings_only_service
    chosen = service.rag.settings.answerer
    assert service.default_answerer == chosen
    assert set(service.answerers) == {"extractive", chosen}
    answer = service.ask(QUOTED, k=5)
    assert answer.found and answer.answerer == "extractive"
    assert "within 24 hours" in answer.text and answer.cited_passages
    if chosen == "llm":  # the unreachable server was found at start: a note, the quoted answer, no wait
        assert service.health()["llm"] == {"base_url": service.rag.settings.llm_base_url, "reachable": False, "reason": "could not connect to the server"}
        assert answer.notes == (say("note_fallback", "en", reason="could not connect to the server"),)
        items = list(service.ask_stream(QUOTED, k=5))
        assert isinstance(items[-1], Answer) and items[-1].answerer == "extractive"
    else:
        assert "llm" not in service.health() and answer.notes == ()


def test_llm_fallback_is_the_same_extractive_answerer_users_can_pick(settings_only_service: AssistantService) -> None:
    service = settings_only_service
    if "llm" in service.answerers:
        assert service.answerers["llm"].fallback is service.answerers["extractive"]  # type: ignore[attr-defined]


def test_follow_up_is_completed_from_the_conversation(settings_only_service: AssistantService) -> None:
    """With or without an LLM configured (here unreachable), a follow-up carries the previous subject."""
    history = [Turn(QUOTED, QUOTED)]
    searched = settings_only_service.standalone("And within how many hours?", history)
    assert searched.startswith("And within how many hours?") and len(searched) > len("And within how many hours?")
    assert "within 24 hours" in settings_only_service.search(searched, k=1)[0].chunk.text
    assert settings_only_service.standalone("Who runs the open data portal?", history) == "Who runs the open data portal?"


def test_the_library_refuses_k_below_one_and_a_blank_query_as_the_cli_and_api_do(hash_rag: PolicyRAG) -> None:
    """``PolicyRAG.search(q, k=0)`` used to return the default number of hits (``k or top_k``)."""
    from assistant.limits import EMPTY_QUERY

    for call in (
        lambda: hash_rag.search("digital government", k=0),
        lambda: hash_rag.search_many(["digital government"], k=-1),
        lambda: hash_rag.related("thai-services.md", chunk=0, k=0),
    ):
        with pytest.raises(ValueError, match="k \\(the number of passages\\) must be at least 1"):
            call()
    for call in (lambda: hash_rag.search(" "), lambda: hash_rag.search_many(["digital government", "\t"])):
        with pytest.raises(ValueError) as error:
            call()
        assert str(error.value) == EMPTY_QUERY
    assert len(hash_rag.search("digital government", k=2)) == 2


@pytest.mark.parametrize("question", ["GDX?", "PS-04", "IAL 2.3"])
def test_a_question_of_codes_alone_is_answered_in_the_pages_language(settings_only_service: AssistantService, question: str) -> None:
    """The Thai page gave "The documents do not seem to answer..." for "GDX?": English by default."""
    service = settings_only_service
    on_english_page = service.ask(question, k=5, answerer="extractive", fallback_lang="en")
    on_thai_page = service.ask(question, k=5, answerer="extractive", fallback_lang="th")
    assert (on_english_page.lang, on_english_page.text) == ("en", say("not_found", "en"))
    assert (on_thai_page.lang, on_thai_page.text) == ("th", say("not_found", "th"))
    assert [p.hit.chunk.chunk_id for p in on_thai_page.passages] == [p.hit.chunk.chunk_id for p in on_english_page.passages]
    (*_, streamed) = service.ask_stream(question, k=5, answerer="extractive", fallback_lang="th")
    assert isinstance(streamed, Answer) and streamed.text == say("not_found", "th")


def test_a_question_in_english_on_the_thai_page_is_answered_in_english(settings_only_service: AssistantService) -> None:
    answer = settings_only_service.ask(QUOTED, k=5, answerer="extractive", fallback_lang="th")
    assert answer.found and answer.lang == "en" and answer.text.startswith(say("framing", "en"))
    refused = settings_only_service.ask("What is GDX?", k=5, answerer="extractive", fallback_lang="th")
    assert refused.text == say("not_found", "en")

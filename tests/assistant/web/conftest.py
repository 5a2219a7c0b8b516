"""A small hash-embedded index of the fixture documents and a fake answerer: the web app and
HTTP API tests run in about a second, without loading a model."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from assistant.answer_model import Answer, CitedPassage
from assistant.api import PolicyRAG
from assistant.retrieval import Hit
from assistant.settings import Settings
from assistant.web.service import AssistantService
from index.analyzer import ThaiEnglishAnalyzer
from index.storage import IndexWriter, OpenIndex
from ingest.chunker import Chunker
from ingest.lang import detect_lang
from ingest.loader import DocumentLoader
from tests.conftest import FIXTURE_DOCS, HashEmbedder


class FakeAnswerer:
    """Cites the first sentence of the top passage: enough to check what the app does with answers."""

    name = "extractive"

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        if not hits:
            return Answer(question, detect_lang(question), "Nothing found.", (), False, self.name)  # type: ignore[arg-type]
        first = hits[0].chunk.text.split("\n")[0].strip()
        passages = tuple(
            CitedPassage(number=i, hit=hit, supporting=(first,) if i == 1 else (), cited=i == 1)
            for i, hit in enumerate(hits, start=1)
        )
        return Answer(question, detect_lang(question), f"{first} [1]", passages, True, self.name)  # type: ignore[arg-type]

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str | Answer]:
        answer = self.answer(question, hits)
        for word in answer.text.split(" "):
            yield word + " "
        yield answer


YEARS = {"thai-services.md": "2024", "digital-principles.md": "2019"}


@pytest.fixture(scope="session")
def web_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    for path in FIXTURE_DOCS.iterdir():
        shutil.copy(path, corpus / path.name)
    (corpus.parent / "secret.txt").write_text("not part of the corpus", encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def web_index(web_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("web-index")
    documents = DocumentLoader(show_progress=False).run([web_corpus]).documents
    for document in documents:
        if document.source in YEARS:
            document.metadata["year"] = YEARS[document.source]
    chunker = Chunker(max_chars=300, overlap_chars=0, min_chars=50)
    chunks = [chunk for document in documents for chunk in chunker.run(document)]
    IndexWriter([HashEmbedder()], ThaiEnglishAnalyzer(), show_progress=False, roots=[web_corpus]).run(documents, chunks, index_dir)
    return index_dir


@pytest.fixture
def hash_rag(web_index: Path) -> Iterator[PolicyRAG]:
    rag = PolicyRAG(OpenIndex(web_index), [HashEmbedder()], Settings(index_dir=web_index, show_progress=False, top_k=5))  # type: ignore[list-item]
    yield rag
    rag.close()


@pytest.fixture
def fake_service(hash_rag: PolicyRAG) -> AssistantService:
    return AssistantService(hash_rag, answerers={"extractive": FakeAnswerer()})  # type: ignore[dict-item]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """The system chromium for the `browser` tests (they sign in: see ``browser.open_app``)."""
    from tests.assistant.web.browser import ARTIFACTS, chromium, chromium_missing

    missing = chromium_missing()
    if missing:
        pytest.fail(missing)  # marked `browser`: where it is asked for, a missing browser is a failure
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as launched:
        yield launched

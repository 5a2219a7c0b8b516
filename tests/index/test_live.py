"""An open PolicyRAG follows new index generations (fast stand-in encoder; the real-model test
with a `policyrag ingest` subprocess is tests/assistant/test_live_index.py)."""

from __future__ import annotations

import logging
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.api import PolicyRAG, build_index
from index.live import LiveIndex
from index.storage import OpenIndex
from tests.conftest import FIXTURE_DOCS, HashEmbedder
from tests.index.test_incremental import _settings

NEW_DOC = "# Quantum procurement\n\nThe ministry tenders quantum-safe encryption for every citizen portal.\n"


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, folder)
    return folder


def _ingest(docs: Path, index_dir: Path, model: str = "test-hash") -> None:
    encoder = HashEmbedder(model_name=model)
    build_index([docs], _settings(index_dir, model=model), encoders=[encoder])


def _open(index_dir: Path, **overrides: object) -> PolicyRAG:
    return PolicyRAG(OpenIndex(index_dir), [HashEmbedder()], _settings(index_dir, **overrides))


def _sources(rag: PolicyRAG, query: str) -> list[str]:
    return [hit.chunk.source for hit in rag.search(query, k=3)]


class TestFollowingNewGenerations:
    def test_a_new_generation_is_picked_up(self, docs: Path, tmp_path: Path) -> None:
        index_dir = tmp_path / "index"
        _ingest(docs, index_dir)
        rag = _open(index_dir)
        old_index = rag.index
        assert "quantum.md" not in _sources(rag, "quantum-safe encryption tenders")
        (docs / "quantum.md").write_text(NEW_DOC, encoding="utf-8")
        _ingest(docs, index_dir)
        assert rag.refresh(timeout=30) == "gen-000002"
        assert _sources(rag, "quantum-safe encryption tenders")[0] == "quantum.md"
        with pytest.raises(Exception, match="closed"):  # the old generation was closed after the swap
            old_index.store.get([0])
        rag.close()

    def test_follow_index_off_stays_on_the_opened_generation(self, docs: Path, tmp_path: Path) -> None:
        index_dir = tmp_path / "index"
        _ingest(docs, index_dir)
        rag = _open(index_dir, follow_index=False)
        (docs / "quantum.md").write_text(NEW_DOC, encoding="utf-8")
        _ingest(docs, index_dir)
        rag.search("anything")
        assert rag.generation == "gen-000001"
        rag.close()

    def test_a_generation_built_with_other_models_is_refused_and_the_old_one_answers(
        self, docs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        index_dir = tmp_path / "index"
        _ingest(docs, index_dir)
        rag = _open(index_dir)
        before = _sources(rag, "open data portal")
        _ingest(docs, index_dir, model="other-model")
        with caplog.at_level(logging.WARNING, logger="index.live"):
            assert rag.refresh(timeout=30) == "gen-000001"
        assert "could not open index generation gen-000002" in caplog.text and "other-model" in caplog.text
        assert _sources(rag, "open data portal") == before
        assert rag._live.check() is False  # not reopened on every query
        _ingest(docs, index_dir)  # a good generation again
        assert rag.refresh(timeout=30) == "gen-000003"
        rag.close()

    def test_the_old_generation_closes_only_after_its_last_query(self, docs: Path, tmp_path: Path) -> None:
        index_dir = tmp_path / "index"
        _ingest(docs, index_dir)
        live: LiveIndex[OpenIndex] = LiveIndex(index_dir, prepare=lambda index: index)
        with live.lease() as old:
            _ingest(docs, index_dir)
            live.refresh(timeout=30)
            assert live.generation.name == "gen-000002"
            assert len(old.store.get([0])) == 1  # still readable mid-query
        with pytest.raises(Exception, match="closed"):
            old.store.get([0])
        live.close()

    def test_pinned_keeps_one_generation_across_calls(self, docs: Path, tmp_path: Path) -> None:
        index_dir = tmp_path / "index"
        _ingest(docs, index_dir)
        rag = _open(index_dir)
        with rag.pinned() as retriever:
            (docs / "quantum.md").write_text(NEW_DOC, encoding="utf-8")
            _ingest(docs, index_dir)
            assert rag.refresh(timeout=30) == "gen-000002"
            assert retriever.index.generation.name == "gen-000001"
            assert retriever.run("open data portal", k=1)  # the old generation still answers inside the block
            assert retriever.index.store.get([0])
        rag.close()

    def test_parallel_queries_during_reingest_are_all_answered(self, docs: Path, tmp_path: Path) -> None:
        index_dir = tmp_path / "index"
        _ingest(docs, index_dir)
        rag = _open(index_dir)
        (docs / "quantum.md").write_text(NEW_DOC, encoding="utf-8")
        queries = ["open data portal", "ตู้บริการอัจฉริยะ", "quantum-safe encryption"]
        answers: list[list[object]] = []
        queries_started = threading.Event()

        def ingest_three_times() -> None:
            queries_started.wait(timeout=30)
            for _ in range(3):
                _ingest(docs, index_dir)

        with ThreadPoolExecutor(max_workers=8) as pool:
            writer = pool.submit(ingest_three_times)
            # Queries start before the first ingest and go on until the last one is published.
            while not writer.done() or len(answers) < 60:
                batch = pool.map(lambda query: rag.search(query, k=3), queries * 2)
                queries_started.set()
                answers += list(batch)
            writer.result()  # an error in the ingests fails the test here instead of being lost in the thread
        assert all(len(hits) == 3 for hits in answers)
        rag.refresh(timeout=30)
        assert _sources(rag, "quantum-safe encryption tenders")[0] == "quantum.md"
        rag.close()

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.api import PolicyRAG
from assistant.settings import Settings
from index.analyzer import ThaiEnglishAnalyzer
from index.manifest import IndexManifest, IndexMismatchError, IndexNotFoundError
from index.storage import IndexWriter, OpenIndex, current_generation
from ingest.model import Block, Chunk, Document


def _chunks() -> tuple[list[Document], list[Chunk]]:
    documents = [
        Document(source="en/a.md", title="A", blocks=[Block("Open data portals")], lang="en"),
        Document(source="th/b.pdf", title="บี", blocks=[Block("ข้อมูลเปิดภาครัฐ", page=3)], lang="th"),
    ]
    chunks = [
        Chunk("en/a.md#0", "en/a.md", "A", "Open data portals publish datasets", None, ("Intro",), "en", 0, 34),
        Chunk("th/b.pdf#0", "th/b.pdf", "บี", "ข้อมูลเปิดภาครัฐเพื่อประชาชน", 3, (), "th", 0, 28),
        Chunk("en/a.md#1", "en/a.md", "A", "Cloud first policy for agencies", None, ("Intro", "Cloud"), "en", 36, 67),
    ]
    return documents, chunks


def _build(index_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    documents, chunks = _chunks()
    IndexWriter([embedder], ThaiEnglishAnalyzer(), chunking={"max_chars": 800}, show_progress=False).run(
        documents, chunks, index_dir
    )


class TestIndexWriter:
    def test_writes_a_complete_generation(self, tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
        _build(tmp_path, hash_embedder)
        index = OpenIndex(tmp_path)
        assert len(index) == 3
        assert index.dense[0].pools == ["en", "th"]
        assert index.dense[0].pool_size("en") == 2 and index.dense[0].pool_size("th") == 1
        chunk = index.store.get([1])[0]
        assert (chunk.source, chunk.page, chunk.lang, chunk.title) == ("th/b.pdf", 3, "th", "บี")
        assert index.store.get([2])[0].heading_path == ("Intro", "Cloud")
        manifest = IndexManifest.load(index.generation)
        assert manifest.encoders[0]["model"] == "test-hash" and manifest.encoders[0]["dimension"] == 32
        assert manifest.languages == {"en": 2, "th": 1}
        assert manifest.chunking == {"max_chars": 800}

    def test_dense_rows_map_back_to_chunks(self, tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
        _build(tmp_path, hash_embedder)
        index = OpenIndex(tmp_path)
        query = hash_embedder.embed_queries(["Cloud first policy for agencies"])
        scores, rows = index.dense[0].search("en", query, k=5)
        assert rows[0][0] == 2 and scores[0][0] == pytest.approx(1.0, abs=1e-5)

    def test_rebuild_switches_generation_and_keeps_only_the_previous_one(self, tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
        _build(tmp_path, hash_embedder)
        first = current_generation(tmp_path)
        _build(tmp_path, hash_embedder)
        second = current_generation(tmp_path)
        assert second != first and second.is_dir() and first.is_dir()  # a reader may still use the first
        _build(tmp_path, hash_embedder)
        third = current_generation(tmp_path)
        assert sorted(p.name for p in tmp_path.glob("gen-*")) == [second.name, third.name]

    def test_failed_build_keeps_the_previous_index(self, tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
        _build(tmp_path, hash_embedder)
        before = current_generation(tmp_path)

        class Broken(type(hash_embedder)):  # type: ignore[misc]
            def embed_passages(self, passages, show_progress=False):  # type: ignore[no-untyped-def]
                raise RuntimeError("model crashed")

        documents, chunks = _chunks()
        chunks[0] = Chunk("en/a.md#0", "en/a.md", "A", "A changed passage must be embedded", None, (), "en", 0, 34)
        writer = IndexWriter([Broken()], ThaiEnglishAnalyzer(), chunking={"max_chars": 800}, show_progress=False)
        with pytest.raises(RuntimeError, match="model crashed"):
            writer.run(documents, chunks, tmp_path)
        assert current_generation(tmp_path) == before
        assert len(OpenIndex(tmp_path)) == 3
        assert sorted(p.name for p in tmp_path.glob("gen-*")) == [before.name]


class TestOpeningAnIndex:
    def test_missing_index_says_how_to_build_one(self, tmp_path: Path) -> None:
        with pytest.raises(IndexNotFoundError, match="policyrag ingest"):
            OpenIndex(tmp_path / "nowhere")

    def test_other_model_fails_with_rebuild_hint(self, tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
        _build(tmp_path, hash_embedder)
        with pytest.raises(IndexMismatchError, match=r"built with embedding model\(s\) \['test-hash'\].*rebuild the index"):
            PolicyRAG.open(tmp_path, Settings(index_dir=tmp_path, model="intfloat/multilingual-e5-base", second_model=""))

    def test_a_missing_second_model_fails_with_rebuild_hint(self, tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
        _build(tmp_path, hash_embedder)
        with pytest.raises(IndexMismatchError, match="rebuild"):
            PolicyRAG.open(tmp_path, Settings(index_dir=tmp_path, model="test-hash"))

    def test_other_prompts_fail_with_rebuild_hint(self, tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
        _build(tmp_path, hash_embedder)
        with pytest.raises(IndexMismatchError, match="prompts"):
            PolicyRAG.open(tmp_path, Settings(index_dir=tmp_path, model="test-hash", second_model="", query_prompt="search: "))

    def test_same_model_opens_and_searches(self, tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
        _build(tmp_path, hash_embedder)
        rag = PolicyRAG.open(tmp_path, Settings(index_dir=tmp_path, model="test-hash", second_model=""))
        rag.retriever.encoders = [hash_embedder]
        hits = rag.search("Cloud first policy for agencies", k=2)
        assert hits[0].chunk.chunk_id == "en/a.md#1"
        assert [hit.rank for hit in hits] == [1, 2]
        assert np.all(np.diff([hit.score for hit in hits]) <= 0)


def test_passage_text_carries_title_and_heading_without_blank_lines() -> None:
    from index.storage import passage_for_index

    _, chunks = _chunks()
    template = "{title}\n{heading}\n{text}"
    assert passage_for_index(chunks[2], template) == "A\nIntro > Cloud\nCloud first policy for agencies"
    assert passage_for_index(chunks[1], template) == "บี\nข้อมูลเปิดภาครัฐเพื่อประชาชน"  # a PDF chunk has no heading path


def test_bm25_finds_a_passage_by_its_document_title(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    documents, chunks = _chunks()
    IndexWriter([hash_embedder], ThaiEnglishAnalyzer(), passage_template="{title}\n{text}", show_progress=False).run(
        documents, chunks, tmp_path
    )
    index = OpenIndex(tmp_path)
    scores = index.bm25.scores(index.analyzer.run("บี"))
    assert int(np.argmax(scores)) == 1 and scores[1] > 0


def test_manifest_records_the_ingested_roots(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    """The web app serves original files from the folders that sources are relative to."""
    documents, chunks = _chunks()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    IndexWriter([hash_embedder], ThaiEnglishAnalyzer(), show_progress=False, roots=[corpus, corpus]).run(
        documents, chunks, tmp_path / "index"
    )
    manifest = IndexManifest.load(current_generation(tmp_path / "index"))
    assert manifest.roots == [str(corpus.resolve())]


def test_a_dense_search_limited_to_some_rows_still_fills_k(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    _build(tmp_path, hash_embedder)
    index = OpenIndex(tmp_path)
    query = hash_embedder.embed_queries(["Cloud first policy for agencies"])
    scores, rows = index.dense[0].search("en", query, k=1, allowed=np.array([0]))
    assert rows.tolist() == [[0]]
    expected = hash_embedder.embed_passages(["Cloud first policy for agencies", "ข้อมูลเปิดภาครัฐเพื่อประชาชน"])
    assert np.allclose(index.dense[0].reconstruct(np.array([2, 1])), expected, atol=1e-6)  # rows of both pools
    index.close()

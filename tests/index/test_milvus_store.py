"""Whole indexes in Milvus (Milvus Lite files): ingest, incremental upsert and delete, readers, errors.

The interface itself is covered for both back ends by ``test_vector_store.py``; these tests are
about what only a shared, mutable store has to get right.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.retrieval import HybridRetriever, RetrievalWeights
from index.analyzer import ThaiEnglishAnalyzer
from index.storage import IndexWriter, OpenIndex, current_generation
from index.vector_store import VectorStoreError, make_backend
from ingest.model import Block, Chunk, Document
from tests.index.test_vector_store import MILVUS_MISSING

pytestmark = pytest.mark.skipif(MILVUS_MISSING, reason="Milvus back end not installed: pip install 'policyrag[milvus]'")

TEXTS = {
    "en/open.md": ["Open data portals publish government datasets.", "Portals list datasets by agency and year."],
    "en/cloud.md": ["Cloud first policy for government agencies.", "Agencies move workloads to shared cloud services."],
    "th/data.md": ["หน่วยงานภาครัฐต้องเปิดเผยข้อมูลต่อประชาชน", "ข้อมูลเปิดภาครัฐช่วยให้ประชาชนตรวจสอบได้"],
}


def _corpus(texts: dict[str, list[str]]) -> tuple[list[Document], list[Chunk]]:
    documents, chunks = [], []
    for source, passages in texts.items():
        lang = source[:2]
        documents.append(Document(source=source, title=source, blocks=[Block(" ".join(passages))], lang=lang))
        chunks += [Chunk(f"{source}#{i}", source, source, text, None, (), lang, 0, len(text)) for i, text in enumerate(passages)]
    return documents, chunks


def _ingest(index_dir: Path, embedder, texts: dict[str, list[str]], backend: str = "milvus", rebuild: bool = False):  # type: ignore[no-untyped-def]
    documents, chunks = _corpus(texts)
    writer = IndexWriter([embedder], ThaiEnglishAnalyzer(), show_progress=False, vector_store=make_backend(backend, index_dir))
    return writer.run(documents, chunks, index_dir, rebuild=rebuild)


def _entities(index: OpenIndex) -> int:
    from index.vector_store.milvus_client import all_keys

    return len(all_keys(index.dense[0].client, index.dense[0].collection))  # type: ignore[attr-defined]


def _top(index: OpenIndex, embedder, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    retriever = HybridRetriever(index, [embedder], RetrievalWeights(dense=(1.0,), sentence=0.5))
    return [f"{hit.chunk.source}#{hit.chunk.text[:12]}" for hit in retriever.run(query, k=4)]


def test_retrieval_through_milvus_ranks_like_retrieval_through_faiss(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    _ingest(tmp_path / "faiss", hash_embedder, TEXTS, backend="faiss")
    _ingest(tmp_path / "milvus", hash_embedder, TEXTS)
    faiss_index, milvus_index = OpenIndex(tmp_path / "faiss"), OpenIndex(tmp_path / "milvus")
    try:
        assert (faiss_index.vector_store, milvus_index.vector_store) == ("faiss", "milvus")
        assert milvus_index.manifest.vector_store["uri"] == "milvus.db" and (tmp_path / "milvus" / "milvus.db").exists()
        for query in ("government datasets by year", "ข้อมูลภาครัฐ ประชาชน", "shared cloud"):
            assert _top(milvus_index, hash_embedder, query) == _top(faiss_index, hash_embedder, query)
    finally:
        faiss_index.close()
        milvus_index.close()


def test_an_incremental_ingest_inserts_only_changed_documents_and_prunes_them_later(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    _ingest(tmp_path, hash_embedder, TEXTS)
    first = OpenIndex(tmp_path)
    collections = dict(first.manifest.vector_store["collections"])  # type: ignore[arg-type]
    assert _entities(first) == 6

    changed = {**TEXTS, "en/cloud.md": ["Cloud first policy, revised in 2024.", "Agencies move workloads to shared cloud services."]}
    del changed["th/data.md"]
    stats = _ingest(tmp_path, hash_embedder, changed)
    assert (stats.reused_passages, stats.embedded_passages, stats.removed) == (3, 1, 1)
    second = OpenIndex(tmp_path)
    assert second.manifest.vector_store["collections"] == collections  # updated in place, not rewritten
    assert _entities(second) == 6 + 2  # the changed document's passages are new keys; the previous generation keeps its own
    # A reader still on the first generation keeps finding what it indexed, and nothing it did not.
    assert _top(first, hash_embedder, "ข้อมูลภาครัฐ ประชาชน")[0].startswith("th/data.md")
    assert all(not hit.startswith("th/") for hit in _top(second, hash_embedder, "ข้อมูลภาครัฐ ประชาชน"))
    assert any("revised" in second.store.get([row])[0].text for row in range(len(second)))
    first.close()

    _ingest(tmp_path, hash_embedder, changed)  # the first generation is gone now: its keys are deleted
    third = OpenIndex(tmp_path)
    assert _entities(third) == 4 and len(third) == 4
    second.close()
    third.close()


def test_a_rebuild_writes_new_collections_and_the_old_ones_are_dropped_when_unused(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    from index.vector_store.milvus_client import connect

    _ingest(tmp_path, hash_embedder, TEXTS)
    old = set(OpenIndex(tmp_path).manifest.vector_store["collections"].values())  # type: ignore[union-attr]
    _ingest(tmp_path, hash_embedder, TEXTS, rebuild=True)
    new = set(OpenIndex(tmp_path).manifest.vector_store["collections"].values())  # type: ignore[union-attr]
    client = connect(str(tmp_path / "milvus.db"))
    assert not old & new and old | new <= set(client.list_collections())  # type: ignore[attr-defined]
    _ingest(tmp_path, hash_embedder, TEXTS)
    assert set(client.list_collections()) == new  # type: ignore[attr-defined]


def test_an_index_moves_from_faiss_to_milvus_without_embedding_again(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    _ingest(tmp_path, hash_embedder, TEXTS, backend="faiss")
    before = OpenIndex(tmp_path)
    expected = _top(before, hash_embedder, "government datasets by year")
    before.close()
    stats = _ingest(tmp_path, hash_embedder, TEXTS)
    assert (stats.embedded_passages, stats.embedded_sentences, stats.full_rebuild) == (0, 0, False)
    after = OpenIndex(tmp_path)
    assert after.vector_store == "milvus" and _top(after, hash_embedder, "government datasets by year") == expected
    after.close()


def test_a_missing_collection_fails_with_a_rebuild_message(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    from index.vector_store.milvus_client import connect

    _ingest(tmp_path, hash_embedder, TEXTS)
    collection = OpenIndex(tmp_path).manifest.vector_store["collections"]["dense-0"]  # type: ignore[index]
    connect(str(tmp_path / "milvus.db")).drop_collection(collection)  # type: ignore[attr-defined]
    with pytest.raises(VectorStoreError, match=f"{collection} of this index is missing.*policyrag ingest --rebuild"):
        OpenIndex(tmp_path)


def test_a_milvus_lite_file_held_by_another_process_gives_a_clear_error(tmp_path: Path) -> None:
    from index.vector_store.milvus_client import connect

    path = tmp_path / "milvus.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pymilvus import MilvusClient
            MilvusClient({str(path)!r})
            print("open", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(VectorStoreError, match="open in another process.*milvus_uri"):
            connect(str(path))
    finally:
        holder.communicate("\n", timeout=30)


def test_search_results_skip_other_generations_keys_and_still_fill_k(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    many = {f"en/d{i}.md": [f"Budget report number {i} of the agency."] for i in range(30)}
    _ingest(tmp_path, hash_embedder, many)
    reader = OpenIndex(tmp_path)
    changed = {source: [text[0].replace("Budget", "Revised budget")] for source, text in many.items()}
    _ingest(tmp_path, hash_embedder, changed)  # 30 new keys beside the reader's 30, all close to the query
    query = hash_embedder.embed_queries(["Revised budget report of the agency"])
    _, rows = reader.dense[0].search("en", query, k=10)
    assert rows.shape == (1, 10) and (rows >= 0).all() and len(set(rows[0].tolist())) == 10
    reader.close()


def test_vector_store_settings_are_validated() -> None:
    from assistant.settings import Settings

    with pytest.raises(ValueError, match="vector_store must be one of faiss, milvus"):
        Settings(vector_store="qdrant")
    with pytest.raises(ValueError, match="milvus_index"):
        Settings(milvus_index="DISKANN_X")
    with pytest.raises(ValueError, match="milvus_collection"):
        Settings(milvus_collection="1bad-name")
    assert Settings(vector_store="milvus", milvus_index="hnsw").milvus_index == "hnsw"


def test_the_collection_prefix_is_stable_per_index_folder(tmp_path: Path) -> None:
    from index.vector_store.milvus_store import default_prefix

    assert default_prefix(tmp_path / "a") == default_prefix(tmp_path / "a") != default_prefix(tmp_path / "b")
    assert default_prefix(tmp_path).startswith("policyrag_")


@pytest.mark.slow
def test_policyrag_ingest_and_search_with_vector_store_milvus(
    real_index: Path, fixture_docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI path a user takes: POLICYRAG_VECTOR_STORE=milvus policyrag ingest on an existing
    index (vectors copied, nothing embedded), then policyrag search answers as the FAISS index did."""
    import json
    import shutil

    from assistant.cli import main

    copy = tmp_path / "index"
    shutil.copytree(real_index, copy)
    chunking = {"POLICYRAG_CHUNK_MAX_CHARS": "300", "POLICYRAG_CHUNK_MIN_CHARS": "50", "POLICYRAG_CHUNK_OVERLAP_CHARS": "0"}
    for name, value in chunking.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("POLICYRAG_VECTOR_STORE", "milvus")
    assert main(["ingest", str(fixture_docs), "--index", str(copy), "--quiet"]) == 0
    assert "passages: " in capsys.readouterr().err
    assert OpenIndex(copy).vector_store == "milvus"
    queries = ["open data portal", "ข้อมูลเปิดภาครัฐ", "cloud policy for agencies"]
    results = {}
    for name, index in (("faiss", real_index), ("milvus", copy)):
        for query in queries:
            assert main(["search", query, "--index", str(index), "--json", "-k", "5"]) == 0
            results.setdefault(name, []).append([(hit["source"], hit["text"][:40]) for hit in json.loads(capsys.readouterr().out)["hits"]])
    assert results["milvus"] == results["faiss"] and all(results["milvus"])


def test_a_released_milvus_lite_file_can_be_opened_by_another_process(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    from index.vector_store.milvus_client import release

    _ingest(tmp_path, hash_embedder, TEXTS)
    release(str(tmp_path / "milvus.db"))
    script = f"from index.storage import OpenIndex; print(OpenIndex(__import__('pathlib').Path({str(tmp_path)!r})).dense[0].pool_size('en'))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2], check=False)
    assert done.returncode == 0 and done.stdout.strip() == "4", done.stderr[-2000:]

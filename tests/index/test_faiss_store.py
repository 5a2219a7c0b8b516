"""The FAISS vector store: index type by pool size, recall of the compressed kinds, files on disk."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from index.analyzer import ThaiEnglishAnalyzer
from index.manifest import IndexManifest
from index.storage import IndexWriter, OpenIndex, current_generation
from index.vector_store import make_backend
from index.vector_store.vector_file import VectorFile
from index.vector_store.faiss_store import FLAT, FAST_SCAN, SQ8, FaissBackend, FaissIndexPlan, FaissVectorStore
from ingest.model import Block, Chunk, Document

PLAN = FaissIndexPlan(exact_max=300, fast_scan_min=1_500, rescore=50)


def _crowded(n: int, dimension: int = 48, seed: int = 0) -> np.ndarray:
    """Vectors crowded around one direction like real e5 vectors (mean pairwise cosine ~0.8):
    uniform random vectors would make every index look perfect."""
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, dimension)) * 0.5 + np.linspace(1.0, 0.2, dimension)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _store(
    sizes: dict[str, int], plan: FaissIndexPlan = PLAN, dimension: int = 48
) -> tuple[FaissVectorStore, dict[str, tuple[np.ndarray, np.ndarray]]]:
    store, data, start = FaissVectorStore(dimension, plan), {}, 0
    for seed, (pool, size) in enumerate(sizes.items()):
        rows = np.arange(start, start + size)[::-1].copy()  # rows need not come in order
        vectors = _crowded(size, dimension, seed=seed)
        store.add(pool, rows, vectors)
        data[pool] = (rows, vectors)
        start += size
    return store, data


def _recall_at_10(store: FaissVectorStore, pool: str, rows: np.ndarray, vectors: np.ndarray, queries: np.ndarray) -> float:
    _, found = store.search(pool, queries, k=10)
    exact = rows[np.argsort(-(queries @ vectors.T), axis=1)[:, :10]]
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found.tolist(), exact.tolist())]))


def test_plan_chooses_exact_then_compressed_then_graph_by_pool_size() -> None:
    assert [PLAN.kind(n) for n in (1, 300, 301, 1_499, 1_500)] == [FLAT, FLAT, SQ8, SQ8, FAST_SCAN]
    store, _ = _store({"a": 200, "b": 800, "c": 2_000})
    assert store.stats().kinds == {"a": FLAT, "b": SQ8, "c": FAST_SCAN}
    with pytest.raises(ValueError, match="fast_scan_min"):
        FaissIndexPlan(exact_max=10, fast_scan_min=10)


def test_compressed_pools_keep_recall_at_10_of_exact_search() -> None:
    store, data = _store({"sq8": 1_000, "fast": 6_000})
    queries = _crowded(60, seed=9)
    for pool in ("sq8", "fast"):
        assert _recall_at_10(store, pool, *data[pool], queries) >= 0.97, pool
    # Without re-scoring, SQ8 codes alone confuse these crowded neighbours: the re-scoring is what holds recall.
    bare = FaissVectorStore(48, FaissIndexPlan(exact_max=300, fast_scan_min=1_500, rescore=1))
    bare.add("sq8", *data["sq8"])
    assert _recall_at_10(bare, "sq8", *data["sq8"], queries) < _recall_at_10(store, "sq8", *data["sq8"], queries)


def test_filtered_search_of_a_compressed_pool_is_exact_within_the_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    store, data = _store({"fast": 2_000})
    rows, vectors = data["fast"]
    query = _crowded(1, seed=5)[0]
    allowed = rows[::7]
    exact = np.sort(vectors[::7] @ query)[::-1][:10]
    scores, found = store.search("fast", query, k=10, allowed=allowed)  # few rows: scored one by one
    assert set(found[0].tolist()) <= set(allowed.tolist()) and np.allclose(scores[0], exact, atol=2e-3)  # fp16 vectors
    monkeypatch.setattr("index.vector_store.faiss_store.GATHER_MAX", 10)  # through the index's selector instead
    scores, found = store.search("fast", query, k=10, allowed=allowed)
    assert set(found[0].tolist()) <= set(allowed.tolist()) and np.allclose(scores[0][:9], exact[:9], atol=2e-3)


def test_compressed_vectors_stay_on_disk_and_only_codes_are_in_memory(tmp_path: Path) -> None:
    store, data = _store({"small": 100, "large": 2_000}, dimension=384)
    store.save(tmp_path)
    opened = FaissVectorStore.load(tmp_path, 384)
    large = opened._pools["large"]
    assert isinstance(large.full, VectorFile)  # read row by row, for the re-scored candidates only
    stats = opened.stats()
    assert stats.disk_bytes == 2_000 * 384 * 2  # fp16 on disk
    assert stats.memory_bytes < 100 * 384 * 4 + 2_000 * 500  # SQ8 (384 B) and 4-bit PQ codes (96 B), not fp32 (1,536 B)
    rows, vectors = data["large"]
    assert np.allclose(opened.reconstruct(rows[:3]), vectors[:3], atol=1e-3)
    assert opened.search("large", vectors[0], k=1)[1][0, 0] == rows[0]


def test_an_index_written_before_the_store_layout_still_opens(tmp_path: Path) -> None:
    vectors, rows = _crowded(20), np.arange(100, 120)
    legacy = faiss.IndexIDMap2(faiss.IndexFlatIP(48))  # what DenseIndex.save wrote per pool
    legacy.add_with_ids(vectors, rows)
    faiss.write_index(legacy, str(tmp_path / "dense-th.faiss"))
    opened = FaissVectorStore.load(tmp_path, 48)
    assert opened.pools == ["th"] and opened.stats().kinds == {"th": FLAT}
    scores, found = opened.search("th", vectors[3], k=2, allowed=np.array([103, 104]))
    assert found[0, 0] == 103 and scores[0, 0] == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(opened.reconstruct(np.array([119, 100])), vectors[[19, 0]])


def test_the_manifest_records_the_back_end_and_each_pools_index(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    text = "Open data portals publish datasets number {}"
    documents = [Document(source="a.md", title="A", blocks=[Block("x")], lang="en")]
    chunks = [Chunk(f"a.md#{i}", "a.md", "A", text.format(i), None, (), "en" if i < 320 else "th", 0, 10) for i in range(330)]
    writer = IndexWriter([hash_embedder], ThaiEnglishAnalyzer(), show_progress=False, sentence_vectors=False, vector_store=make_backend("faiss", tmp_path, faiss_exact_max=300))
    writer.run(documents, chunks, tmp_path)
    recorded = IndexManifest.load(current_generation(tmp_path)).vector_store
    assert recorded["backend"] == "faiss" and recorded["stores"] == {"dense-0": {"en": SQ8, "th": FLAT}}
    index = OpenIndex(tmp_path)
    assert index.vector_store == "faiss" and index.dense[0].stats().kinds == {"en": SQ8, "th": FLAT}
    index.close()


def test_the_default_backend_keeps_small_pools_exact() -> None:
    assert FaissBackend().plan.kind(20_000) == FLAT and make_backend("faiss", Path(".")).name == "faiss"
    with pytest.raises(ValueError, match="vector_store must be one of faiss, milvus"):
        make_backend("qdrant", Path("."))


def _write_legacy_layout(generation: Path) -> None:
    """Rewrite a generation as policyrag wrote it before index/vector_store: IndexIDMap2 pools for
    passages and sentences, no store.json, no vector_store in the manifest."""
    import json
    import shutil

    for folder in [generation / "dense-0", generation / "sentences" / "dense-0"]:
        if folder.name == "dense-0" and folder.parent.name == "sentences":
            sentences = np.load(generation / "sentences" / "vectors-0.npy").astype(np.float32)
            pools = np.load(generation / "sentences" / "pools.npy")
            names = json.loads((generation / "sentences" / "sentences.json").read_text())["pools"]
            data = {names[code]: (np.flatnonzero(pools == code), sentences[pools == code]) for code in np.unique(pools)}
            for name in ("vectors-0.npy", "pools.npy", "sentences.json"):
                (generation / "sentences" / name).unlink()
        else:
            store = FaissVectorStore.load(folder, 32)
            data = {pool: store.pool_vectors(pool) for pool in store.pools}
            shutil.rmtree(folder)
        folder.mkdir()
        for pool, (rows, vectors) in data.items():
            legacy = faiss.IndexIDMap2(faiss.IndexFlatIP(32))
            legacy.add_with_ids(np.ascontiguousarray(vectors), rows)
            faiss.write_index(legacy, str(folder / f"dense-{pool}.faiss"))
    manifest = json.loads((generation / "manifest.json").read_text())
    del manifest["vector_store"]
    (generation / "manifest.json").write_text(json.dumps(manifest))


def test_an_old_index_is_searched_and_its_vectors_reused_by_the_next_ingest(tmp_path: Path, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    documents = [Document(source="a.md", title="A", blocks=[Block("x")], lang="en"), Document(source="b.md", title="B", blocks=[Block("y")], lang="th")]
    chunks = [
        Chunk("a.md#0", "a.md", "A", "Open data portals publish datasets. Agencies list them by year.", None, (), "en", 0, 60),
        Chunk("b.md#0", "b.md", "B", "ข้อมูลเปิดภาครัฐ ช่วยประชาชน. หน่วยงานเปิดเผยข้อมูล.", None, (), "th", 0, 40),
    ]
    writer = IndexWriter([hash_embedder], ThaiEnglishAnalyzer(), show_progress=False)
    writer.run(documents, chunks, tmp_path)
    query = hash_embedder.embed_queries(["open data portals"])
    expected = OpenIndex(tmp_path).dense[0].search("en", query, k=1)
    _write_legacy_layout(current_generation(tmp_path))
    old = OpenIndex(tmp_path)
    assert old.manifest.vector_store == {} and old.vector_store == "faiss"
    found = old.dense[0].search("en", query, k=1)
    assert found[1].tolist() == expected[1].tolist() and np.allclose(found[0], expected[0], atol=1e-5)
    assert old.sentences is not None and len(old.sentences.for_rows(0, [0])[0]) == 2
    old.close()
    stats = writer.run(documents, chunks, tmp_path)
    assert (stats.embedded_passages, stats.embedded_sentences) == (0, 0) and stats.reused_sentences == stats.sentences >= 3
    new = OpenIndex(tmp_path)
    assert new.manifest.vector_store["backend"] == "faiss" and (current_generation(tmp_path) / "dense-0" / "store.json").is_file()
    new.close()

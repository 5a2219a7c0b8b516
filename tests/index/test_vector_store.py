"""The vector-store conformance suite: the same tests against every back end, through the interface.

FAISS always runs. Milvus runs on Milvus Lite (a local file, started in-process in a fraction of a
second) when ``pymilvus`` and ``milvus-lite`` are installed (``pip install 'policyrag[milvus]'``;
CI installs the extra), and is skipped with that message otherwise.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from index.analyzer import ThaiEnglishAnalyzer
from index.vector_store import LexicalIndex, RowAttributes, RowFilter, VectorStore, VectorStoreBackend, make_backend, passage_keys

MILVUS_MISSING = importlib.util.find_spec("pymilvus") is None or importlib.util.find_spec("milvus_lite") is None
BACKENDS = [
    "faiss",
    pytest.param(
        "milvus",
        marks=pytest.mark.skipif(MILVUS_MISSING, reason="Milvus back end not installed: pip install 'policyrag[milvus]'"),
    ),
]
DIMENSION = 16
ROWS = 120


def _vectors(n: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _attributes(n: int = ROWS) -> RowAttributes:
    """Rows alternate en/th; 12 documents of 10 rows; documents 0-5 public, 6-11 finance."""
    sources = [f"doc{row // 10}.pdf" for row in range(n)]
    documents = [f"hash{row // 10}" for row in range(n)]
    return RowAttributes(
        sources=sources,
        collections=["public" if row // 10 < 6 else "finance" for row in range(n)],
        langs=["en" if row % 2 == 0 else "th" for row in range(n)],
        keys=passage_keys(documents, [f"passage {row}" for row in range(n)]),
        documents=documents,
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> VectorStoreBackend:
    made = make_backend(request.param, tmp_path)
    made.begin(tmp_path, tmp_path / "gen-000001", None, reuse_lexical=False)
    return made


@pytest.fixture
def filled(backend: VectorStoreBackend) -> tuple[VectorStore, np.ndarray, RowAttributes]:
    attributes = _attributes()
    vectors = _vectors(ROWS, seed=1)
    store = backend.create_dense("dense-0", DIMENSION, attributes)
    langs = np.array(attributes.langs)
    for pool in ("en", "th"):
        rows = np.flatnonzero(langs == pool)
        store.add(pool, rows, vectors[rows])
    return store, vectors, attributes


def _exact(vectors: np.ndarray, rows: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    scores = vectors[rows] @ query
    return rows[np.argsort(-scores, kind="stable")[:k]].tolist()


class TestVectorStore:
    def test_is_a_vector_store(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, _, _ = filled
        assert isinstance(store, VectorStore)
        assert store.pools == ["en", "th"] and store.pool_size("en") == 60 and store.pool_size("xx") == 0

    def test_search_returns_the_exact_top_k_of_the_pool_with_inner_products(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, vectors, _ = filled
        queries = _vectors(3, seed=2)
        scores, rows = store.search("th", queries, k=5)
        assert scores.shape == rows.shape == (3, 5)
        th_rows = np.arange(1, ROWS, 2)
        for query, found, found_scores in zip(queries, rows, scores):
            assert found.tolist() == _exact(vectors, th_rows, query, 5)
            assert np.allclose(found_scores, vectors[found] @ query, atol=1e-5)

    def test_a_single_query_vector_is_accepted(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, vectors, _ = filled
        scores, rows = store.search("en", vectors[4], k=1)
        assert rows.tolist() == [[4]] and scores[0, 0] == pytest.approx(1.0, abs=1e-5)

    def test_allowed_rows_are_applied_before_the_top_k_is_cut(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, vectors, _ = filled
        query = _vectors(1, seed=3)[0]
        allowed = np.array([10, 12, 14, 11, 999])  # 11 is in the th pool, 999 in none
        scores, rows = store.search("en", query, k=10, allowed=allowed)
        assert rows.shape == (1, 3)
        assert rows[0].tolist() == _exact(vectors, np.array([10, 12, 14]), query, 3)

    def test_a_row_filter_on_sources_and_collections_is_applied_before_the_top_k(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, vectors, _ = filled
        query = _vectors(1, seed=4)[0]
        _, rows = store.search("en", query, k=10, where=RowFilter(sources=frozenset({"doc3.pdf"})))
        assert rows[0].tolist() == _exact(vectors, np.arange(30, 40, 2), query, 5)
        _, rows = store.search("th", query, k=100, where=RowFilter(collections=frozenset({"finance"})))
        assert sorted(rows[0].tolist()) == list(range(61, ROWS, 2))
        both = RowFilter(sources=frozenset({"doc1.pdf", "doc8.pdf"}), collections=frozenset({"finance"}))
        _, rows = store.search("en", query, k=10, where=both)
        assert rows[0].tolist() == _exact(vectors, np.arange(80, 90, 2), query, 5)
        _, rows = store.search("en", query, k=10, allowed=np.array([80, 82, 2]), where=both)
        assert sorted(rows[0].tolist()) == [80, 82]

    def test_k_beyond_the_pool_and_unknown_pools_return_what_there_is(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, _, _ = filled
        query = _vectors(2, seed=5)
        _, rows = store.search("en", query, k=500)
        assert rows.shape == (2, 60) and sorted(rows[0].tolist()) == list(range(0, ROWS, 2))
        scores, rows = store.search("de", query, k=5)
        assert rows.shape == scores.shape == (2, 0)
        assert store.search("en", query, k=5, allowed=np.array([], dtype=np.int64))[1].shape == (2, 0)

    def test_reconstruct_returns_the_stored_vectors_of_any_pool(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, vectors, _ = filled
        assert np.allclose(store.reconstruct(np.array([7, 0, 7])), vectors[[7, 0, 7]], atol=1e-3)
        with pytest.raises(KeyError, match="999"):
            store.reconstruct(np.array([1, 999]))

    def test_vectors_returns_every_row_once(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, vectors, _ = filled
        rows, found = store.vectors()
        assert sorted(rows.tolist()) == list(range(ROWS))
        assert np.allclose(found, vectors[rows], atol=1e-3)

    def test_deleted_rows_are_no_longer_found(self, filled) -> None:  # type: ignore[no-untyped-def]
        store, vectors, _ = filled
        assert store.delete(np.array([4, 6, 7, 999])) == 3
        assert store.pool_size("en") == 58 and store.pool_size("th") == 59
        _, rows = store.search("en", vectors[4], k=60)
        assert rows.shape == (1, 58) and not {4, 6} & set(rows[0].tolist())
        assert store.delete(np.array([4])) == 0

    def test_saved_store_opens_with_the_same_answers(self, filled, backend, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        store, vectors, attributes = filled
        query = _vectors(2, seed=6)
        expected = store.search("th", query, k=7)
        store.save(tmp_path / "gen-000001" / "dense-0")
        opened = backend.open_dense(tmp_path / "gen-000001" / "dense-0", DIMENSION, attributes)
        assert opened.pools == ["en", "th"] and opened.pool_size("th") == 60
        found = opened.search("th", query, k=7)
        assert np.array_equal(found[1], expected[1]) and np.allclose(found[0], expected[0], atol=1e-5)
        assert opened.search("en", query, k=3, where=RowFilter(sources=frozenset({"doc0.pdf"})))[1].shape == (2, 3)
        stats = opened.stats()
        assert stats.backend == backend.name and stats.pools == {"en": 60, "th": 60} and stats.size == ROWS

    def test_vectors_of_the_wrong_shape_are_refused(self, backend) -> None:  # type: ignore[no-untyped-def]
        store = backend.create_dense("dense-0", DIMENSION, _attributes())
        with pytest.raises(ValueError, match="shape"):
            store.add("en", np.array([0]), np.zeros((1, DIMENSION + 1), dtype=np.float32))
        with pytest.raises(ValueError, match="rows"):
            store.add("en", np.array([0, 2]), np.zeros((1, DIMENSION), dtype=np.float32))


PASSAGES = [
    "Open data portals publish government datasets",
    "หน่วยงานภาครัฐต้องเปิดเผยข้อมูลต่อประชาชน",
    "Cloud first policy for government agencies",
    "การให้บริการภาครัฐแบบดิจิทัลในปี พ.ศ. 2561",
    "Digital identity for citizens and businesses",
    "ข้อมูลเปิดภาครัฐช่วยให้ประชาชนตรวจสอบได้",
]


def _lexical(backend: VectorStoreBackend) -> tuple[LexicalIndex, ThaiEnglishAnalyzer]:
    analyzer = ThaiEnglishAnalyzer()
    attributes = RowAttributes(
        sources=[f"doc{row}.md" for row in range(len(PASSAGES))],
        collections=["public"] * 4 + ["finance"] * 2,
        langs=["en", "th"] * 3,
        keys=passage_keys(["h"] * len(PASSAGES), PASSAGES),
        documents=["h"] * len(PASSAGES),
    )
    return backend.create_lexical(attributes).build(analyzer.run_batch(PASSAGES, for_index=True)), analyzer


def _lucene_idf(documents_with_term: int, total: int) -> float:
    return float(np.log(1 + (total - documents_with_term + 0.5) / (documents_with_term + 0.5)))


class TestLexicalIndex:
    def test_is_a_lexical_index(self, backend) -> None:  # type: ignore[no-untyped-def]
        index, _ = _lexical(backend)
        assert isinstance(index, LexicalIndex) and index.size == len(PASSAGES)

    def test_thai_words_find_their_passages_best_first(self, backend) -> None:  # type: ignore[no-untyped-def]
        index, analyzer = _lexical(backend)
        scores, rows = index.search(analyzer.run("ข้อมูลภาครัฐ"), k=10)
        assert set(rows[:2].tolist()) == {1, 5} and rows[2] == 3  # both words, then ภาครัฐ alone
        assert scores[1] > scores[2] > 0
        _, rows = index.search(analyzer.run("government datasets"), k=10)
        assert rows[0] == 0 and set(rows.tolist()) == {0, 2}  # "datasets" only in row 0
        _, rows = index.search(analyzer.run("ปี 2018"), k=10)
        assert rows.tolist() == [3]  # พ.ศ. 2561 is indexed as 2018 too

    def test_scores_match_lucene_bm25(self, backend) -> None:  # type: ignore[no-untyped-def]
        index, analyzer = _lexical(backend)
        terms = analyzer.run("cloud")  # one term, in one passage of six
        scores, rows = index.search(terms, k=5)
        corpus = analyzer.run_batch(PASSAGES, for_index=True)
        length, average = len(corpus[2]), np.mean([len(terms) for terms in corpus])
        expected = _lucene_idf(1, 6) / (1 + 1.2 * (0.25 + 0.75 * length / average))  # Lucene 8+: no (k1 + 1)
        assert rows.tolist() == [2] and scores[0] == pytest.approx(expected, rel=1e-4)
        assert index.scores(terms)[2] == pytest.approx(expected, rel=1e-4) and index.scores(terms).shape == (6,)

    def test_query_bound_is_the_summed_idf_of_the_known_terms(self, backend) -> None:  # type: ignore[no-untyped-def]
        index, analyzer = _lexical(backend)
        assert index.query_bound(analyzer.run("government cloud zzzunknown")) == pytest.approx(_lucene_idf(2, 6) + _lucene_idf(1, 6), rel=1e-6)
        assert index.query_bound(["zzzunknown"]) == 0.0 and index.query_bound([]) == 0.0

    def test_filters_apply_before_the_top_k(self, backend) -> None:  # type: ignore[no-untyped-def]
        index, analyzer = _lexical(backend)
        terms = analyzer.run("ข้อมูลภาครัฐ government")
        assert index.search(terms, k=10, allowed=np.array([1, 2]))[1].tolist() in ([1, 2], [2, 1])
        assert set(index.search(terms, k=10, where=RowFilter(collections=frozenset({"finance"})))[1].tolist()) == {5}
        assert index.search(["zzzunknown"], k=10)[1].shape == (0,)

    def test_saved_index_opens_with_the_same_scores(self, backend, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        index, analyzer = _lexical(backend)
        terms = analyzer.run("ข้อมูล cloud")
        expected = index.search(terms, k=10)
        index.save(tmp_path / "gen-000001" / "bm25")
        opened = backend.open_lexical(tmp_path / "gen-000001" / "bm25")
        found = opened.search(terms, k=10)
        assert found[1].tolist() == expected[1].tolist() and np.allclose(found[0], expected[0], rtol=1e-5)
        assert opened.query_bound(terms) == pytest.approx(index.query_bound(terms), rel=1e-6)

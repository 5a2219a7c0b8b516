"""The vector-store and lexical-index interfaces every back end implements.

A *vector store* holds the vectors of one encoder for one index generation, partitioned into
named *pools* (one per chunk language: retrieval compares scores only within a pool). Vectors
are addressed by **chunk row** (the row numbers of ``chunks.sqlite``), so a hit maps straight
back to its chunk whatever the back end. A *lexical index* is the BM25 side, addressed the same
way.

Two back ends implement both (``index/vector_store/factory.py`` picks one from the
``vector_store`` setting, or from an index's manifest when it is opened):

- ``faiss`` (default, ``faiss_store.py``): files in the generation folder, searched in process;
  the FAISS index type is chosen per pool by its size (exact, then compressed).
- ``milvus`` (``milvus_store.py``): collections in Milvus Lite (a local file) or a Milvus
  server or cluster (``milvus_uri``); filters are pushed into Milvus's query.

The shape follows Haystack's document stores and txtai's ANN back ends: one small Protocol, one
module per back end, a factory selected by configuration, the optional back end imported only
when chosen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.manifest import IndexError_


class VectorStoreError(IndexError_):
    """A vector store that cannot be opened or written; the message names the folder or server and the fix."""


@dataclass(frozen=True)
class RowFilter:
    """Which chunk rows a search may return, by chunk attributes (empty fields: no condition).

    A back end applies it *before* the top k is cut (a filter on one small document still fills
    k). FAISS turns it into a row selection; Milvus pushes it into the query expression.
    """

    sources: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.sources or self.collections)


@dataclass(frozen=True)
class RowAttributes:
    """What a store may record about each chunk row of a generation, besides its vectors.

    ``keys`` are stable passage identities (:func:`passage_keys`): the same passage of the same
    document version has the same key in every generation, which lets a Milvus collection be
    updated in place (insert new keys, delete keys no generation uses) instead of rewritten.
    A reader that only filters (FAISS) needs no keys or document hashes.

    Attributes:
        sources, collections, langs: each row's document source path, collection and language.
        keys: (n,) int64, one per row (writers of a Milvus store).
        documents: the content hash of each row's document (``index.storage.document_hash``).
    """

    sources: Sequence[str]
    collections: Sequence[str]
    langs: Sequence[str]
    keys: np.ndarray | None = None
    documents: Sequence[str] | None = None

    def __post_init__(self) -> None:
        n = len(self.sources)
        lengths = [len(self.collections), len(self.langs)]
        lengths += [len(self.keys)] if self.keys is not None else []
        lengths += [len(self.documents)] if self.documents is not None else []
        if any(length != n for length in lengths):
            raise ValueError("RowAttributes: every attribute needs one entry per row")

    def __len__(self) -> int:
        return len(self.sources)

    @cached_property
    def _codes(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per attribute: (distinct values, each row's code): filters compare small integers."""
        out = {}
        for name in ("sources", "collections"):
            values, codes = np.unique(np.asarray(getattr(self, name), dtype=str), return_inverse=True)
            out[name] = (values, codes)
        return out

    def rows_matching(self, where: RowFilter) -> np.ndarray:
        """(m,) int64 ascending: the rows ``where`` admits."""
        mask = np.ones(len(self), dtype=bool)
        for name, wanted in (("sources", where.sources), ("collections", where.collections)):
            if wanted:
                values, codes = self._codes[name]
                mask &= np.isin(codes, np.flatnonzero(np.isin(values, sorted(wanted))))
        return np.flatnonzero(mask).astype(np.int64)


def passage_keys(document_hashes: Sequence[str], passages: Sequence[str]) -> np.ndarray:
    """(n,) int64 stable keys: the first 63 bits of sha256(document hash, passage text, occurrence).

    Equal for a passage of an unchanged document in every generation; a changed document (new
    hash) gets new keys. The occurrence number keeps a passage repeated within one document
    (a boilerplate footer) distinct.
    """
    seen: dict[tuple[str, str], int] = {}
    keys = np.zeros(len(passages), dtype=np.int64)
    for row, (document, passage) in enumerate(zip(document_hashes, passages)):
        occurrence = seen.get((document, passage), 0)
        seen[(document, passage)] = occurrence + 1
        digest = hashlib.sha256(f"{document}\0{occurrence}\0{passage}".encode("utf-8")).digest()
        keys[row] = int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF
    return keys


@dataclass(frozen=True)
class StoreStats:
    """What a store holds and what it costs, for ``policyrag`` status output and benchmarks.

    Attributes:
        backend: ``"faiss"`` or ``"milvus"``.
        pools: pool -> vectors in it.
        kinds: pool -> how it is searched (``"flat"``, ``"sq8-rescored"``, ``"pq4fs-sq8-rescored"``,
            a Milvus index type).
        memory_bytes: what the store keeps in this process's RAM (0 for a Milvus server).
        disk_bytes: what it keeps in files read on demand (only the rows a query needs).
        location: the folder, or the Milvus URI and collection.
    """

    backend: str
    dimension: int
    pools: dict[str, int]
    kinds: dict[str, str] = field(default_factory=dict)
    memory_bytes: int = 0
    disk_bytes: int = 0
    location: str = ""

    @property
    def size(self) -> int:
        return sum(self.pools.values())


@runtime_checkable
class VectorStore(Protocol):
    """Inner-product search over L2-normalised vectors of one encoder, partitioned into pools.

    Rows are chunk rows; every method takes and returns them, never a back end's own ids.
    """

    dimension: int

    @property
    def pools(self) -> list[str]:
        """Pool names, sorted."""
        ...

    def pool_size(self, pool: str) -> int:
        """Vectors in ``pool`` (0 for an unknown pool)."""
        ...

    def add(self, pool: str, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Add (n, dimension) float32 L2-normalised ``vectors`` for chunk ``rows`` (n,) to ``pool``.

        Raises:
            ValueError: wrong shape, or rows and vectors of different lengths.
        """
        ...

    def delete(self, rows: np.ndarray) -> int:
        """Remove these rows from every pool; returns how many were there."""
        ...

    def search(
        self,
        pool: str,
        queries: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        where: RowFilter | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, rows) per query within one pool.

        Args:
            queries: (q, dimension) or (dimension,) float32, L2-normalised.
            allowed: when given, only these rows are searched.
            where: when given, only rows whose chunk attributes match.
                Both filters apply before the top k is cut.

        Returns:
            (q, k') float32 inner products, best first, and (q, k') int64 rows, k' = min(k, pool
            size); rows are -1 (and scores -inf) where fewer than k' rows qualify.
        """
        ...

    def reconstruct(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), dimension) float32: the stored vectors of ``rows``, whatever their pool.

        Raises:
            KeyError: a row is in no pool.
        """
        ...

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows, vectors) of every pool: what an incremental build copies instead of re-embedding."""
        ...

    def save(self, folder: Path) -> None:
        """Write what a reader needs to open this store into ``folder`` (a generation's ``dense-N``)."""
        ...

    def stats(self) -> StoreStats:
        ...

    def close(self) -> None:
        ...


@runtime_checkable
class LexicalIndex(Protocol):
    """BM25 over analyzer terms (newmm-segmented Thai, stemmed English), addressed by chunk row.

    BM25 is the Lucene variant (k1 = 1.2, b = 0.75) in every back end.
    """

    size: int

    def build(self, corpus_terms: list[list[str]], show_progress: bool = False) -> LexicalIndex:
        """Index one term list per row (row i = ``corpus_terms[i]``)."""
        ...

    def search(
        self, query_terms: list[str], k: int, allowed: np.ndarray | None = None, where: RowFilter | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, rows) with a positive BM25 score, best first: (m,) float32, (m,) int64, m <= k."""
        ...

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """(size,) float32 BM25 score of every row (zeros when no term is known).

        A server back end fills only its best rows (the others stay 0): enough for a caller that
        takes the top few hundred.
        """
        ...

    def query_bound(self, query_terms: list[str]) -> float:
        """Sum of the IDF of the query's distinct known terms (what a passage matching each term
        about once scores)."""
        ...

    def save(self, folder: Path) -> None:
        ...

    def close(self) -> None:
        ...


def empty_hits(queries: int) -> tuple[np.ndarray, np.ndarray]:
    """(queries, 0) scores and rows: a search with nothing to return."""
    return np.zeros((queries, 0), dtype=np.float32), np.zeros((queries, 0), dtype=np.int64)


def check_vectors(vectors: np.ndarray, rows: np.ndarray, dimension: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, dimension) float32 C-contiguous vectors and (n,) int64 rows, or ValueError naming the problem."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    rows = np.asarray(rows, dtype=np.int64).reshape(-1)
    if vectors.ndim != 2 or vectors.shape[1] != dimension:
        raise ValueError(f"expected vectors of shape (n, {dimension}), got {vectors.shape}")
    if len(rows) != len(vectors):
        raise ValueError(f"{len(rows)} rows for {len(vectors)} vectors")
    return vectors, rows


def as_queries(queries: np.ndarray, dimension: int) -> np.ndarray:
    """(q, dimension) float32 C-contiguous, or ValueError."""
    queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
    if queries.shape[1] != dimension:
        raise ValueError(f"expected queries of dimension {dimension}, got {queries.shape}")
    return queries


class VectorStoreBackend(Protocol):
    """Makes and opens the stores of one back end (:mod:`index.vector_store.factory` picks one).

    A writer calls :meth:`begin` once per generation, ``create_dense`` per encoder and
    ``create_lexical`` once, saves each store into the generation folder, records
    :meth:`describe` in the manifest and, once the generation is live, calls :meth:`prune`.
    """

    name: str

    def begin(self, index_dir: Path, generation: Path, previous: dict[str, object] | None, reuse_lexical: bool) -> None:
        """Start writing ``generation``; ``previous`` is the live generation's ``describe()`` when
        this build reuses its vectors (None for a full rebuild)."""
        ...

    def create_dense(self, name: str, dimension: int, attributes: RowAttributes) -> VectorStore:
        ...

    def open_dense(self, folder: Path, dimension: int, attributes: RowAttributes | None = None) -> VectorStore:
        ...

    def create_lexical(self, attributes: RowAttributes) -> LexicalIndex:
        ...

    def open_lexical(self, folder: Path, attributes: RowAttributes | None = None) -> LexicalIndex:
        ...

    def describe(self) -> dict[str, object]:
        """JSON-able description recorded in the manifest (``vector_store``): which back end, where."""
        ...

    def prune(self, index_dir: Path, kept: list[Path]) -> None:
        """Remove what no kept generation uses (a shared server's stale entities)."""
        ...

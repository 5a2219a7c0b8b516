"""The default vector store: FAISS in process, one index per language pool, its type chosen by size.

Per pool (:class:`FaissIndexPlan`, numbers measured by ``benchmarks/vector_store_scale.py`` on
vectors drawn from a Gaussian fitted to the reference index's real e5 vectors, one thread):

- up to ``exact_max`` vectors: ``IndexFlatIP``, exact, fp32 in RAM (1.5 KB a 384-d vector). An
  exact scan reads 4 bytes a dimension: beyond 20,000 vectors it is slower than the SQ8 scan
  below (44k e5 vectors: 3.1 ms exact, 56k as SQ8: 2.5 ms) for no recall that matters.
- below ``fast_scan_min``: the vectors as 8-bit scalar-quantised codes in RAM (a quarter of
  fp32), scanned in full; the best ``rescore`` candidates are re-scored exactly from fp16 copies of
  the vectors in a file (only those rows are read: ``vector_file.py``). SQ8 alone has recall@10 0.96
  on these crowded vectors (mean pairwise cosine 0.83); re-scoring 100 brings it to 0.997.
- from ``fast_scan_min``: 4-bit product-quantisation codes (one sub-quantiser per 2 dimensions:
  96 bytes an e5 vector) scanned with FAISS's SIMD fast-scan, ``refine_factor`` x ``rescore``
  candidates re-ranked by the SQ8 codes (``IndexRefine``), the best ``rescore`` re-scored from
  fp16. Measured on a 443k Thai pool of 1M synthetic passages, real questions, one thread:
  SQ8 scan 35 ms (e5) / 46 ms (USE); fast-scan 2.8 ms / 3.1 ms with recall@10 0.98 / 1.00. An
  inverted file (IVF-SQ8) needed a quarter of its lists probed for 0.97 on e5 and stayed at 0.91
  on USE; an HNSW graph over SQ8 took 9 minutes to build per million vectors (every ingest
  writes a new generation) and reached 0.97 only at efSearch 1024.

Files of a store folder (``gen-N/dense-E/``): ``store.json`` (the plan's choice per pool),
``<pool>.faiss``, ``<pool>.rows.npy`` (FAISS position -> chunk row) and, for compressed pools,
``<pool>.f16.npy``. Folders written before this layout (``dense-<pool>.faiss``, an
``IndexIDMap2`` over ``IndexFlatIP``) still open, as exact pools.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.vector_store.base import (
    RowAttributes,
    RowFilter,
    StoreStats,
    VectorStoreError,
    as_queries,
    check_vectors,
    empty_hits,
)
from index.vector_store.vector_file import VectorFile

FORMAT = 2
STORE_FILE = "store.json"
BACKEND = "faiss"

FLAT = "flat"
SQ8 = "sq8-rescored"
FAST_SCAN = "pq4fs-sq8-rescored"
KINDS = (FLAT, SQ8, FAST_SCAN)
# A filter that admits at most this many rows is scored exactly from the stored vectors instead
# of through the index (cheaper than a filtered scan, and exact).
GATHER_MAX = 20_000


@dataclass(frozen=True)
class FaissIndexPlan:
    """Which FAISS index a pool gets, by the number of vectors in it.

    Args:
        exact_max: pools up to this size are searched exactly (``IndexFlatIP``).
        fast_scan_min: pools from this size are scanned as 4-bit PQ codes; in between, as SQ8.
        rescore: candidates re-scored exactly (fp16 vectors) in compressed pools; at least k.
        refine_factor: fast-scan candidates per re-scored one, re-ranked by SQ8 codes first.

    Raises:
        ValueError: a non-positive number, or ``fast_scan_min <= exact_max``.
    """

    exact_max: int = 20_000
    fast_scan_min: int = 200_000
    rescore: int = 100
    refine_factor: int = 10

    def __post_init__(self) -> None:
        if min(self.exact_max, self.rescore, self.refine_factor) <= 0:
            raise ValueError(f"FaissIndexPlan values must be positive: {self}")
        if self.fast_scan_min <= self.exact_max:
            raise ValueError(f"fast_scan_min ({self.fast_scan_min}) must be larger than exact_max ({self.exact_max})")

    def kind(self, size: int) -> str:
        if size <= self.exact_max:
            return FLAT
        return SQ8 if size < self.fast_scan_min else FAST_SCAN


class _Pool:
    """One language pool: a FAISS index over positions 0..n-1, the chunk row of each position and,
    for compressed kinds, the fp16 vectors (read on demand once saved)."""

    def __init__(self, kind: str, index: object, rows: np.ndarray, full: np.ndarray | None) -> None:
        self.kind = kind
        self.index = index
        self.rows = rows  # position -> row; -1 once deleted
        self.full = full  # (n, d) float16 (a VectorFile once saved) for compressed kinds; None for flat
        self._lookup: tuple[np.ndarray, np.ndarray] | None = None
        self._live: int | None = None

    @property
    def live(self) -> int:
        """Positions not deleted (counted once: a pass over a million rows costs 0.5 ms a search)."""
        if self._live is None:
            self._live = int(np.count_nonzero(self.rows >= 0))
        return self._live

    @property
    def has_deleted(self) -> bool:
        return self.live < len(self.rows)

    def locate(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows),) int64: the position of each row in this pool, -1 where it is not (or deleted)."""
        if self._lookup is None:
            order = np.argsort(self.rows, kind="stable")
            self._lookup = (self.rows[order], order)
        ordered, order = self._lookup
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        if not len(ordered):
            return np.full(len(rows), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(ordered, rows), len(ordered) - 1)
        return np.where((ordered[at] == rows) & (rows >= 0), order[at], -1).astype(np.int64)

    def positions(self, rows: np.ndarray) -> np.ndarray:
        """Positions of those ``rows`` that are in this pool (others are ignored)."""
        located = self.locate(rows)
        return located[located >= 0]

    def stored(self, positions: np.ndarray) -> np.ndarray:
        """(len(positions), d) float32 stored vectors."""
        if self.full is not None:
            return np.asarray(self.full[positions], dtype=np.float32)
        return self.index.reconstruct_batch(np.ascontiguousarray(positions, dtype=np.int64))  # type: ignore[attr-defined]

    def forget_lookup(self) -> None:
        """Drop what is derived from ``rows`` (call after changing them)."""
        self._lookup = None
        self._live = None


class FaissVectorStore:
    """The FAISS implementation of :class:`~index.vector_store.base.VectorStore`.

    Vectors added to a pool are kept aside until the pool is first searched or saved; then the
    pool's index is built with the type its size calls for (:class:`FaissIndexPlan`).

    Args:
        dimension: vector dimension.
        plan: how pools are indexed by size.
        attributes: the chunk attributes of the rows, needed only to honour ``where`` filters.
    """

    def __init__(self, dimension: int, plan: FaissIndexPlan | None = None, attributes: RowAttributes | None = None) -> None:
        if dimension <= 0:
            raise ValueError(f"dimension must be positive, got {dimension}")
        self.dimension = dimension
        self.plan = plan or FaissIndexPlan()
        self.attributes = attributes
        self._pools: dict[str, _Pool] = {}
        self._pending: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._building = threading.Lock()  # a query searches its pools from several threads
        self._folder: Path | None = None

    # -- the Protocol -------------------------------------------------------------------------

    @property
    def pools(self) -> list[str]:
        return sorted(set(self._pools) | set(self._pending))

    def pool_size(self, pool: str) -> int:
        built = self._pools[pool].live if pool in self._pools else 0
        return built + sum(len(rows) for rows, _ in self._pending.get(pool, []))

    def add(self, pool: str, rows: np.ndarray, vectors: np.ndarray) -> None:
        vectors, rows = check_vectors(vectors, rows, self.dimension)
        if len(rows):
            self._pending.setdefault(pool, []).append((rows.copy(), vectors.copy()))

    def delete(self, rows: np.ndarray) -> int:
        """Mark ``rows`` deleted (their positions are skipped by every search); a new generation
        written by ``policyrag ingest`` does not carry them."""
        self._build_pending()
        removed = 0
        for pool in self._pools.values():
            positions = pool.positions(rows)
            positions = positions[pool.rows[positions] >= 0]
            pool.rows = pool.rows.copy()
            pool.rows[positions] = -1
            pool.forget_lookup()
            removed += len(positions)
        return removed

    def search(
        self,
        pool: str,
        queries: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        where: RowFilter | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        queries = as_queries(queries, self.dimension)
        self._build_pending()
        found = self._pools.get(pool)
        if found is None or k <= 0:
            return empty_hits(len(queries))
        selected = self._selected(found, allowed, where)
        size = found.live if selected is None else len(selected)
        k = min(k, size)
        if k == 0:
            return empty_hits(len(queries))
        _single_threaded_faiss()
        if selected is not None and (len(selected) <= GATHER_MAX or found.kind == FLAT and len(selected) <= 4 * GATHER_MAX):
            scores, positions = _exact_top(queries, found.stored(selected), selected, k)
        else:
            scores, positions = self._index_search(found, queries, k, selected)
        rows = np.where(positions >= 0, found.rows[np.maximum(positions, 0)], -1)
        scores = np.where(rows >= 0, scores, -np.inf).astype(np.float32)
        return scores, rows.astype(np.int64)

    def reconstruct(self, rows: np.ndarray) -> np.ndarray:
        self._build_pending()
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        out = np.zeros((len(rows), self.dimension), dtype=np.float32)
        done = np.zeros(len(rows), dtype=bool)
        for pool in self._pools.values():
            located = pool.locate(rows)
            hit = (located >= 0) & ~done
            if hit.any():
                out[hit] = pool.stored(located[hit])
                done |= hit
        if not done.all():
            raise KeyError(f"row {int(rows[~done][0])} is in no pool")
        return out

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        self._build_pending()
        rows, vectors = [np.zeros(0, dtype=np.int64)], [np.zeros((0, self.dimension), dtype=np.float32)]
        for name in self.pools:
            pool_rows, pool_vectors = self.pool_vectors(name)
            rows.append(pool_rows)
            vectors.append(pool_vectors)
        return np.concatenate(rows), np.concatenate(vectors).astype(np.float32, copy=False)

    def pool_vectors(self, pool: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, vectors) of one pool, in row order."""
        self._build_pending()
        found = self._pools.get(pool)
        if found is None:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dimension), dtype=np.float32)
        live = np.flatnonzero(found.rows >= 0)
        return found.rows[live], found.stored(live)

    def save(self, folder: Path) -> None:
        import faiss

        self._build_pending()
        folder.mkdir(parents=True, exist_ok=True)
        description: dict[str, object] = {"format": FORMAT, "backend": BACKEND, "dimension": self.dimension, "plan": asdict(self.plan), "pools": {}}
        for name, pool in sorted(self._pools.items()):
            faiss.write_index(pool.index, str(folder / f"{name}.faiss"))
            np.save(folder / f"{name}.rows.npy", pool.rows)
            if pool.full is not None:
                np.save(folder / f"{name}.f16.npy", np.asarray(pool.full, dtype=np.float16))
            description["pools"][name] = {"kind": pool.kind, "size": pool.live}  # type: ignore[index]
        (folder / STORE_FILE).write_text(json.dumps(description, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, dimension: int, attributes: RowAttributes | None = None) -> FaissVectorStore:
        """Open a saved store; compressed pools' fp16 vectors stay on disk, read on demand.

        Raises:
            FileNotFoundError: the folder is missing (an incomplete index).
            VectorStoreError: the folder was written for another dimension or back end.
        """
        import faiss

        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} does not exist: the index is incomplete, rebuild it with policyrag ingest --rebuild")
        description_path = folder / STORE_FILE
        if not description_path.is_file():
            return cls._load_legacy(folder, dimension, attributes)
        description = json.loads(description_path.read_text(encoding="utf-8"))
        if description.get("backend") != BACKEND or description.get("format") != FORMAT:
            raise VectorStoreError(
                f"{folder} holds a {description.get('backend')} store of format {description.get('format')}, not "
                f"faiss format {FORMAT}: rebuild the index with policyrag ingest --rebuild"
            )
        if int(description["dimension"]) != dimension:
            raise VectorStoreError(f"{folder} holds {description['dimension']}-d vectors, the index manifest says {dimension}")
        store = cls(dimension, FaissIndexPlan(**description.get("plan", {})), attributes)
        store._folder = folder
        for name, info in description["pools"].items():
            index = faiss.read_index(str(folder / f"{name}.faiss"))
            rows = np.load(folder / f"{name}.rows.npy")
            full = VectorFile(folder / f"{name}.f16.npy") if info["kind"] != FLAT else None
            if info["kind"] not in KINDS:
                raise VectorStoreError(f"{folder}: pool {name} is of kind {info['kind']!r}, unknown to this policyrag: rebuild the index")
            store._pools[name] = _Pool(info["kind"], index, rows, full)
        return store

    def stats(self) -> StoreStats:
        self._build_pending()
        memory = disk = 0
        for pool in self._pools.values():
            memory += int(pool.rows.nbytes) + _index_bytes(pool)
            if pool.full is not None:
                disk += int(pool.full.nbytes)
        return StoreStats(
            backend=BACKEND,
            dimension=self.dimension,
            pools={name: pool.live for name, pool in sorted(self._pools.items())},
            kinds={name: pool.kind for name, pool in sorted(self._pools.items())},
            memory_bytes=memory,
            disk_bytes=disk,
            location=str(self._folder or ""),
        )

    def close(self) -> None:
        """Close the fp16 vector files (the indexes themselves are in memory)."""
        for pool in self._pools.values():
            if isinstance(pool.full, VectorFile):
                pool.full.close()

    # -- internals ----------------------------------------------------------------------------

    @classmethod
    def _load_legacy(cls, folder: Path, dimension: int, attributes: RowAttributes | None) -> FaissVectorStore:
        """A folder written before ``store.json``: one ``IndexIDMap2(IndexFlatIP)`` per pool."""
        import faiss

        store = cls(dimension, attributes=attributes)
        store._folder = folder
        for path in sorted(folder.glob("dense-*.faiss")):
            pool = path.stem.removeprefix("dense-")
            mapped = faiss.read_index(str(path))
            if not hasattr(mapped, "id_map") or mapped.d != dimension:
                raise VectorStoreError(f"{path} is not a {dimension}-d index this policyrag can read: rebuild it with policyrag ingest --rebuild")
            rows = faiss.vector_to_array(mapped.id_map).astype(np.int64)
            flat = faiss.IndexFlatIP(dimension)  # positions, not ids: the same layout as new pools
            flat.add(mapped.index.reconstruct_n(0, mapped.ntotal))
            store._pools[pool] = _Pool(FLAT, flat, rows, None)
        return store

    def _build_pending(self) -> None:
        """Turn vectors kept aside by :meth:`add` into pool indexes (typed by the pool's final size)."""
        if not self._pending:
            return
        with self._building:
            if self._pending:
                self._build_pending_locked()

    def _build_pending_locked(self) -> None:
        for name, batches in sorted(self._pending.items()):
            rows = np.concatenate([rows for rows, _ in batches])
            vectors = np.concatenate([vectors for _, vectors in batches])
            existing = self._pools.get(name)
            if existing is not None:  # grow a built pool: rebuild it whole, re-typed by its new size
                kept = np.flatnonzero(existing.rows >= 0)
                rows = np.concatenate([existing.rows[kept], rows])
                vectors = np.concatenate([existing.stored(kept), vectors])
            self._pools[name] = _build_pool(rows, vectors, self.plan)
        self._pending = {}

    def _selected(self, pool: _Pool, allowed: np.ndarray | None, where: RowFilter | None) -> np.ndarray | None:
        """Positions a filtered search may return (ascending), or None for the whole pool."""
        rows = None if allowed is None else np.asarray(allowed, dtype=np.int64).reshape(-1)
        if where:
            if self.attributes is None:
                raise ValueError("this store was opened without row attributes: it cannot apply a RowFilter")
            matching = self.attributes.rows_matching(where)
            rows = matching if rows is None else np.intersect1d(rows, matching)
        has_deleted = pool.has_deleted
        if rows is None:
            return np.flatnonzero(pool.rows >= 0).astype(np.int64) if has_deleted else None
        positions = np.unique(pool.positions(rows))
        return positions[pool.rows[positions] >= 0] if has_deleted else positions

    def _index_search(self, pool: _Pool, queries: np.ndarray, k: int, selected: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        depth = k if pool.kind == FLAT else max(k, self.plan.rescore)
        depth = min(depth, pool.index.ntotal)  # type: ignore[attr-defined]
        index = pool.index
        if pool.kind == FAST_SCAN:
            if selected is None:
                parameters = faiss.IndexRefineSearchParameters(k_factor=float(self.plan.refine_factor))
            else:  # fast-scan takes no filter: scan the SQ8 codes it is refined with, filtered
                index, parameters = faiss.downcast_index(index.refine_index), faiss.SearchParameters(sel=faiss.IDSelectorBatch(selected))  # type: ignore[attr-defined]
        else:
            parameters = faiss.SearchParameters(sel=faiss.IDSelectorBatch(selected)) if selected is not None else None
        scores, positions = index.search(queries, depth, params=parameters)  # type: ignore[attr-defined]
        if pool.kind == FLAT:
            return scores, positions
        return _rescore(queries, positions, pool.full, k)  # type: ignore[arg-type]


def _build_pool(rows: np.ndarray, vectors: np.ndarray, plan: FaissIndexPlan) -> _Pool:
    """A pool over ``vectors`` (in row order), of the kind ``plan`` gives its size."""
    import faiss

    order = np.argsort(rows, kind="stable")
    rows, vectors = rows[order], np.ascontiguousarray(vectors[order])
    dimension = vectors.shape[1]
    kind = plan.kind(len(rows))
    if kind == FLAT:
        index = faiss.IndexFlatIP(dimension)
        index.add(vectors)
        return _Pool(kind, index, rows, None)
    sq8 = faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    if kind == SQ8:
        index = sq8
    else:  # the Python wrapper keeps the parts alive as long as the index
        index = faiss.IndexRefine(faiss.IndexPQFastScan(dimension, dimension // 2, 4, faiss.METRIC_INNER_PRODUCT), sq8)
    index.train(_training_sample(vectors))
    index.add(vectors)
    return _Pool(kind, index, rows, vectors.astype(np.float16))


def _training_sample(vectors: np.ndarray, size: int = 200_000) -> np.ndarray:
    """A fixed-seed sample to train on: SQ8 learns each dimension's range, PQ 16 centroids per
    pair of dimensions: 200k vectors are plenty."""
    if len(vectors) <= size:
        return vectors
    picked = np.random.default_rng(0).choice(len(vectors), size, replace=False)
    return vectors[np.sort(picked)]


def _exact_top(queries: np.ndarray, vectors: np.ndarray, positions: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k over the given vectors: (q, k) scores and positions, best first."""
    scores = queries @ vectors.T
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < scores.shape[1] else np.tile(np.arange(scores.shape[1]), (len(queries), 1))
    top_scores = np.take_along_axis(scores, top, axis=1)
    order = np.argsort(-top_scores, axis=1, kind="stable")
    return np.take_along_axis(top_scores, order, axis=1).astype(np.float32), positions[np.take_along_axis(top, order, axis=1)]


def _rescore(queries: np.ndarray, candidates: np.ndarray, full: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Re-rank each query's candidate positions by the exact inner product with their fp16 vectors."""
    scores_out = np.full((len(queries), k), -np.inf, dtype=np.float32)
    positions_out = np.full((len(queries), k), -1, dtype=np.int64)
    for i, (query, found) in enumerate(zip(queries, candidates)):
        found = found[found >= 0]
        if not len(found):
            continue
        order = np.argsort(found)  # read the file in row order
        exact = np.asarray(full[found[order]], dtype=np.float32) @ query
        best = np.argsort(-exact, kind="stable")[:k]
        scores_out[i, : len(best)] = exact[best]
        positions_out[i, : len(best)] = found[order][best]
    return scores_out, positions_out


def _index_bytes(pool: _Pool) -> int:
    """RAM held by a pool's FAISS index: its codes (both kinds of codes for fast-scan)."""
    import faiss

    index = faiss.downcast_index(pool.index)
    if pool.kind != FAST_SCAN:
        return int(index.ntotal) * int(index.code_size)
    parts = (faiss.downcast_index(index.base_index), faiss.downcast_index(index.refine_index))
    return sum(int(part.ntotal) * int(part.code_size) for part in parts)


_FAISS_THREADS = threading.local()


def _single_threaded_faiss() -> None:
    """Search with one OpenMP thread (unless ``POLICYRAG_FAISS_THREADS`` says otherwise).

    Queries come one at a time: FAISS's OpenMP threads cost more than they save there, and on a
    busy 2-core machine a search went from ~0.4 ms to several ms with them (measured while the
    benchmarks shared the cores). Searching several pools at once belongs to the caller's threads
    (``index/retrieval/parallel.py``). OpenMP keeps the thread count per calling thread (a thread
    that never set it gets one per core), so it is set once in every thread that searches: the
    query workers and a web server's request threads, not only the first one.
    """
    if not getattr(_FAISS_THREADS, "set", False):
        import faiss

        faiss.omp_set_num_threads(int(os.environ.get("POLICYRAG_FAISS_THREADS", "1")))
        _FAISS_THREADS.set = True


class FaissBackend:
    """Writes and opens FAISS vector stores and bm25s lexical indexes as files of a generation folder.

    Args:
        plan: which FAISS index each pool gets, by size.
    """

    name = BACKEND

    def __init__(self, plan: FaissIndexPlan | None = None) -> None:
        self.plan = plan or FaissIndexPlan()
        self._created: dict[str, FaissVectorStore] = {}

    def begin(self, index_dir: Path, generation: Path, previous: dict[str, object] | None, reuse_lexical: bool) -> None:
        """Start writing ``generation`` (nothing to prepare: every generation has its own files)."""
        self._created = {}

    def create_dense(self, name: str, dimension: int, attributes: RowAttributes) -> FaissVectorStore:
        store = FaissVectorStore(dimension, self.plan, attributes)
        self._created[name] = store
        return store

    def open_dense(self, folder: Path, dimension: int, attributes: RowAttributes | None = None) -> FaissVectorStore:
        return FaissVectorStore.load(folder, dimension, attributes)

    def create_lexical(self, attributes: RowAttributes) -> object:
        from index.bm25 import BM25Index

        return BM25Index(attributes=attributes)

    def open_lexical(self, folder: Path, attributes: RowAttributes | None = None) -> object:
        from index.bm25 import BM25Index

        return BM25Index.load(folder, attributes)

    def describe(self) -> dict[str, object]:
        """What the manifest records: the back end, the plan and the index kind of every pool."""
        return {
            "backend": BACKEND,
            "plan": asdict(self.plan),
            "stores": {name: store.stats().kinds for name, store in sorted(self._created.items())},
        }

    def prune(self, index_dir: Path, kept: list[Path]) -> None:
        """Nothing outside the generation folders to clean up."""

"""Dense vector index: FAISS inner-product search, one pool per language.

multilingual-e5 scores a passage in the question's own language higher than an equally relevant
passage in the other language. In one mixed pool the English evidence for a Thai question sinks
below Thai passages that merely share the topic. Keeping one pool per language lets retrieval
search each pool and compare scores *within* a pool, where they are comparable.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


class DenseIndex:
    """Exact inner-product search over L2-normalised vectors, partitioned into named pools.

    Rows are the chunk rows of the store, so a hit maps straight back to its chunk.
    """

    def __init__(self, dimension: int) -> None:
        if dimension <= 0:
            raise ValueError(f"dimension must be positive, got {dimension}")
        self.dimension = dimension
        self._pools: dict[str, object] = {}

    @property
    def pools(self) -> list[str]:
        return sorted(self._pools)

    def pool_size(self, pool: str) -> int:
        index = self._pools.get(pool)
        return int(index.ntotal) if index is not None else 0  # type: ignore[attr-defined]

    def add(self, pool: str, rows: np.ndarray, vectors: np.ndarray) -> None:
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise ValueError(f"expected vectors of shape (n, {self.dimension}), got {vectors.shape}")
        if pool not in self._pools:
            self._pools[pool] = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))
        self._pools[pool].add_with_ids(vectors, np.asarray(rows, dtype=np.int64))  # type: ignore[attr-defined]

    def search(
        self, pool: str, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, rows) per query within one pool.

        Args:
            queries: (q, dimension) or (dimension,) float32, L2-normalised.
            allowed: when given, only these rows are searched (a filter applied before the top k
                is cut, so a filter on a small document still fills k).

        Returns:
            (q, k') float32 inner products, best first, and (q, k') int64 rows, k' = min(k, pool
            size); rows are -1 where fewer than k' rows qualify.
        """
        import faiss

        _single_threaded_faiss()
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        size = self.pool_size(pool)
        if allowed is not None:
            size = min(size, len(allowed))
        if size == 0 or k <= 0:
            empty = np.zeros((queries.shape[0], 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        if allowed is None:
            scores, rows = self._pools[pool].search(queries, min(k, size))  # type: ignore[attr-defined]
        else:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            parameters = faiss.SearchParameters(sel=selector)
            scores, rows = self._pools[pool].search(queries, min(k, size), params=parameters)  # type: ignore[attr-defined]
        return scores, rows

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows, vectors) of every pool: what an incremental build copies instead of re-embedding."""
        import faiss

        rows, vectors = [np.zeros(0, dtype=np.int64)], [np.zeros((0, self.dimension), dtype=np.float32)]
        for pool in self.pools:
            index = self._pools[pool]
            size = int(index.ntotal)  # type: ignore[attr-defined]
            if not size:
                continue
            rows.append(faiss.vector_to_array(index.id_map).astype(np.int64))  # type: ignore[attr-defined]
            vectors.append(index.index.reconstruct_n(0, size))  # type: ignore[attr-defined]
        return np.concatenate(rows), np.concatenate(vectors).astype(np.float32, copy=False)

    def reconstruct(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), dimension) float32: the stored vectors of ``rows``, whatever their pool.

        Raises:
            KeyError: a row is in no pool.
        """
        out = np.zeros((len(rows), self.dimension), dtype=np.float32)
        for i, row in enumerate(np.asarray(rows, dtype=np.int64).tolist()):
            for index in self._pools.values():
                try:
                    out[i] = index.reconstruct(row)  # type: ignore[attr-defined]  # IndexIDMap2: by row
                    break
                except RuntimeError:  # not in this pool
                    continue
            else:
                raise KeyError(f"row {row} is in no pool")
        return out

    def save(self, folder: Path) -> None:
        import faiss

        folder.mkdir(parents=True, exist_ok=True)
        for pool, index in self._pools.items():
            faiss.write_index(index, str(folder / f"dense-{pool}.faiss"))

    @classmethod
    def load(cls, folder: Path, dimension: int) -> DenseIndex:
        import faiss

        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} does not exist: the index is incomplete, rebuild it with policyrag ingest --rebuild")
        dense = cls(dimension)
        for path in sorted(folder.glob("dense-*.faiss")):
            pool = path.stem.removeprefix("dense-")
            dense._pools[pool] = faiss.read_index(str(path))
        return dense


_FAISS_THREADS_SET = False


def _single_threaded_faiss() -> None:
    """Search with one OpenMP thread.

    Pools here are small exact indexes searched one query at a time: FAISS's OpenMP threads cost
    more than they save, and on a busy 2-core machine a search went from ~0.4 ms to several ms
    with them (measured while the benchmarks shared the cores).
    """
    global _FAISS_THREADS_SET
    if not _FAISS_THREADS_SET:
        import faiss

        faiss.omp_set_num_threads(1)
        _FAISS_THREADS_SET = True

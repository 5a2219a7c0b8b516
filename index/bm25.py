"""Lexical index: bm25s over analyzer terms, scored for every passage at once.

The FAISS back end's :class:`~index.vector_store.base.LexicalIndex` (files in the generation
folder's ``bm25/``); the Milvus back end serves the same interface from a Milvus collection
(``index/vector_store/milvus_store.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from index.vector_store.base import RowAttributes, RowFilter

logger = logging.getLogger(__name__)


class BM25Index:
    """A BM25 (Lucene variant) index whose rows are the chunk rows of the store.

    Args:
        k1, b: the usual BM25 saturation and length-normalisation parameters.
        attributes: the chunk attributes of the rows, needed only for ``where`` filters.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75, attributes: RowAttributes | None = None) -> None:
        if k1 <= 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 > 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.k1 = k1
        self.b = b
        self.attributes = attributes
        self._bm25 = None
        self.size = 0

    def build(self, corpus_terms: list[list[str]], show_progress: bool = False) -> BM25Index:
        bm25s = _import_bm25s()

        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        # An empty passage would otherwise break bm25s; "" is its reserved empty token.
        self._bm25.index([terms or [""] for terms in corpus_terms], show_progress=show_progress)
        self.size = len(corpus_terms)
        return self

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no term is known)."""
        if self._bm25 is None:
            raise RuntimeError("BM25Index is empty: call build() or load() first")
        known = [term for term in query_terms if term in self._bm25.vocab_dict and term]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def search(
        self, query_terms: list[str], k: int, allowed: np.ndarray | None = None, where: RowFilter | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, rows) with a positive score, best first; ``allowed`` and ``where``
        limit the rows before the top k is cut."""
        scores = self.scores(query_terms)
        if allowed is not None or where:
            mask = np.zeros(self.size, dtype=bool)
            if allowed is not None:
                rows = np.asarray(allowed, dtype=np.int64).reshape(-1)
                mask[rows[(rows >= 0) & (rows < self.size)]] = True
            else:
                mask[:] = True
            if where:
                if self.attributes is None:
                    raise ValueError("this BM25 index was opened without row attributes: it cannot apply a RowFilter")
                admitted = np.zeros(self.size, dtype=bool)
                admitted[self.attributes.rows_matching(where)] = True
                mask &= admitted
            scores = np.where(mask, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return scores[top].astype(np.float32), top.astype(np.int64)

    def query_bound(self, query_terms: list[str]) -> float:
        """Sum of the IDF of the query's distinct known terms: what a passage matching every term
        about once scores. Dividing by it turns BM25 into "how much of the query's information
        this passage matches", comparable across queries; dividing by the best hit instead would
        give a passage that matches only a common word ("government") full marks."""
        if self._bm25 is None:
            raise RuntimeError("BM25Index is empty: call build() or load() first")
        vocab = self._bm25.vocab_dict
        ids = sorted({vocab[term] for term in query_terms if term and term in vocab})
        if not ids:
            return 0.0
        indptr = np.asarray(self._bm25.scores["indptr"])
        document_frequency = (indptr[1:] - indptr[:-1])[ids].astype(np.float64)
        idf = np.log(1.0 + (self.size - document_frequency + 0.5) / (document_frequency + 0.5))
        return float(idf.sum())

    def save(self, folder: Path) -> None:
        if self._bm25 is None:
            raise RuntimeError("nothing to save: build the BM25 index first")
        self._bm25.save(str(folder), show_progress=False)

    def close(self) -> None:
        """Nothing to release: the index is in memory."""

    @classmethod
    def load(cls, folder: Path, attributes: RowAttributes | None = None) -> BM25Index:
        bm25s = _import_bm25s()

        index = cls(attributes=attributes)
        index._bm25 = bm25s.BM25.load(str(folder), show_progress=False)
        index.k1 = float(index._bm25.k1)
        index.b = float(index._bm25.b)
        index.size = int(index._bm25.scores["num_docs"])
        return index


def _import_bm25s():  # type: ignore[no-untyped-def]
    """bm25s sets its logger to DEBUG when imported, which put "DEBUG bm25s: Building index from
    tokens" into every ingest's output; follow the application's logging level instead."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.getLogger().getEffectiveLevel())
    return bm25s

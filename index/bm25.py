"""Lexical index: bm25s over analyzer terms, scored for every passage at once."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


class BM25Index:
    """A BM25 (Lucene variant) index whose rows are the chunk rows of the store.

    Args:
        k1, b: the usual BM25 saturation and length-normalisation parameters.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        if k1 <= 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 > 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.k1 = k1
        self.b = b
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

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        bm25s = _import_bm25s()

        index = cls()
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

"""Which passages a search may return: documents, languages and collections, as a row mask.

A filter is applied before any candidate list is cut (FAISS searches only the allowed rows, BM25
ranks only them), not to the fused top hits afterwards: filtering a 100-candidate list to one small
document could leave fewer than ``k`` hits although the document has ``k`` passages, and a
collection the caller may not read must never enter a candidate list at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SearchFilter:
    """What a search is restricted to; None means no restriction.

    Args:
        sources: document sources (paths as indexed). Empty: no restriction (the web filters' rule).
        langs: passage languages ("th", "en"). Empty: no restriction.
        collections: collections the caller may read (``Chunk.collection``; '' is the default
            collection). Access control: an EMPTY set allows nothing.
    """

    sources: frozenset[str] | None = None
    langs: frozenset[str] | None = None
    collections: frozenset[str] | None = None

    @classmethod
    def of(
        cls,
        sources: Iterable[str] | None = None,
        langs: Iterable[str] | None = None,
        collections: Iterable[str] | None = None,
    ) -> SearchFilter:
        return cls(
            frozenset(sources) or None if sources is not None else None,
            frozenset(langs) or None if langs is not None else None,
            frozenset(collections) if collections is not None else None,
        )

    @property
    def unrestricted(self) -> bool:
        return self.sources is None and self.langs is None and self.collections is None

    def allowed_rows(self, row_sources: np.ndarray, row_langs: np.ndarray, row_collections: np.ndarray) -> np.ndarray | None:
        """(m,) int64 ascending rows that pass, or None when nothing is restricted.

        Args:
            row_sources, row_langs, row_collections: (n,) the per-row values of the index.
        """
        if self.unrestricted:
            return None
        mask = np.ones(len(row_sources), dtype=bool)
        if self.sources is not None:
            mask &= np.isin(row_sources, list(self.sources))
        if self.langs is not None:
            mask &= np.isin(row_langs, list(self.langs))
        if self.collections is not None:
            mask &= np.isin(row_collections, list(self.collections)) if self.collections else False
        return np.flatnonzero(mask).astype(np.int64)

"""Retrieval moved to :mod:`index.retrieval`; these names stay importable from here."""

from __future__ import annotations

from index.retrieval import Deduplicator, Hit, HybridRetriever, RetrievalWeights, SearchFilter

__all__ = ["Deduplicator", "Hit", "HybridRetriever", "RetrievalWeights", "SearchFilter"]

"""Retrieval over an index: the hybrid retriever and its stages, filters, dedup and hits."""

from __future__ import annotations

from index.retrieval.dedup import Deduplicator
from index.retrieval.filters import SearchFilter
from index.retrieval.hits import Hit
from index.retrieval.retriever import HybridRetriever, RetrievalWeights

__all__ = ["Deduplicator", "Hit", "HybridRetriever", "RetrievalWeights", "SearchFilter"]

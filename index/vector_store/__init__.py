"""Vector stores behind one interface: FAISS files (default) or Milvus (``vector_store`` setting)."""

from index.vector_store.base import (
    LexicalIndex,
    RowAttributes,
    RowFilter,
    StoreStats,
    VectorStore,
    VectorStoreBackend,
    VectorStoreError,
    passage_keys,
)
from index.vector_store.factory import VECTOR_STORES, StoreOptions, make_backend, open_backend

__all__ = [
    "LexicalIndex",
    "RowAttributes",
    "RowFilter",
    "StoreOptions",
    "StoreStats",
    "VECTOR_STORES",
    "VectorStore",
    "VectorStoreBackend",
    "VectorStoreError",
    "make_backend",
    "open_backend",
    "passage_keys",
]

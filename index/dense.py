"""``DenseIndex``: the name callers used before the vector-store interface (``index/vector_store``).

It is the default back end's store, with the same methods (``add``, ``search(pool, queries, k,
allowed=None)``, ``reconstruct``, ``vectors``, ``save``, ``load``); new code should name
:class:`index.vector_store.VectorStore` and get stores from a back end.
"""

from __future__ import annotations

from index.vector_store.faiss_store import FaissVectorStore as DenseIndex

__all__ = ["DenseIndex"]

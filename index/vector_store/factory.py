"""Choosing a vector-store back end: from the settings when writing, from the manifest when opening.

An index is always opened with the back end that built it (the manifest records it), whatever
``vector_store`` says now; the settings only decide what the next ``policyrag ingest`` writes.
An incremental ingest into the other back end copies the live vectors across without
re-embedding (a FAISS index becomes a Milvus one, or back).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.vector_store.base import VectorStoreBackend, VectorStoreError
from index.vector_store.faiss_store import FaissBackend, FaissIndexPlan

VECTOR_STORES = ("faiss", "milvus")
LITE_FILE = "milvus.db"  # the Milvus Lite file inside the index folder when milvus_uri is empty


@dataclass(frozen=True)
class StoreOptions:
    """What opening a store may need beyond the manifest.

    Attributes:
        milvus_uri: use this Milvus instead of the one recorded (the server moved); "" = recorded.
        milvus_token: the Milvus server's credentials (never written to the index).
    """

    milvus_uri: str = ""
    milvus_token: str = ""


def make_backend(
    name: str,
    index_dir: Path,
    *,
    faiss_exact_max: int | None = None,
    milvus_uri: str = "",
    milvus_token: str = "",
    milvus_collection: str = "",
    milvus_index: str = "",
) -> VectorStoreBackend:
    """The back end a writer uses, by the ``vector_store`` setting.

    Args:
        name: ``"faiss"`` or ``"milvus"``.
        faiss_exact_max: pools up to this many vectors stay exact (FAISS).
        milvus_uri: a Milvus server or a ``.db`` file; "" = ``milvus.db`` in ``index_dir``
            (Milvus Lite).
        milvus_collection: collection name prefix ("" = derived from the index folder's path).
        milvus_index: vector index of new collections ("" = FLAT on Milvus Lite, HNSW on a server).

    Raises:
        ValueError: an unknown name.
    """
    if name == "faiss":
        if faiss_exact_max is None:
            return FaissBackend()
        plan = FaissIndexPlan()
        return FaissBackend(FaissIndexPlan(exact_max=faiss_exact_max, fast_scan_min=max(plan.fast_scan_min, faiss_exact_max + 1)))
    if name == "milvus":
        from index.vector_store.milvus_client import MilvusIndexSpec
        from index.vector_store.milvus_store import MilvusBackend

        uri, recorded = _milvus_uri(milvus_uri, index_dir)
        index = MilvusIndexSpec.named(milvus_index) if milvus_index else None
        return MilvusBackend(uri, milvus_token, milvus_collection, index, recorded_uri=recorded)
    raise ValueError(f"vector_store must be one of {', '.join(VECTOR_STORES)} (got {name!r})")


def open_backend(description: dict[str, object], index_dir: Path, options: StoreOptions | None = None) -> VectorStoreBackend:
    """The back end that built an index, from its manifest's ``vector_store`` ({} = FAISS, from
    before it was recorded).

    Raises:
        VectorStoreError: a back end this policyrag does not know.
    """
    options = options or StoreOptions()
    name = str(description.get("backend", "faiss"))
    if name == "faiss":
        return FaissBackend()
    if name == "milvus":
        from index.vector_store.milvus_store import MilvusBackend

        from index.vector_store.milvus_client import is_local_file

        recorded = str(description.get("uri", ""))
        if options.milvus_uri:
            uri = _milvus_uri(options.milvus_uri, index_dir)[0]
        elif is_local_file(recorded) and not Path(recorded).is_absolute():
            uri = str(index_dir / recorded)
        else:
            uri = recorded
        return MilvusBackend(uri, options.milvus_token, str(description.get("prefix", "")), recorded_uri=recorded)
    raise VectorStoreError(f"the index at {index_dir} was written by vector store {name!r}, which this policyrag does not know: rebuild it")


def _milvus_uri(uri: str, index_dir: Path) -> tuple[str, str]:
    """(the URI to connect to, the URI to record): a Lite file inside the index folder is
    recorded relative to it, so the folder can be moved."""
    from index.vector_store.milvus_client import is_local_file

    if not uri:
        return str(index_dir / LITE_FILE), LITE_FILE
    if not is_local_file(uri):
        return uri, uri
    path = Path(uri).expanduser().resolve()
    try:
        return str(path), str(path.relative_to(index_dir.resolve()))
    except ValueError:
        return str(path), str(path)

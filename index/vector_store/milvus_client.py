"""Talking to Milvus: one client per process and URI, Milvus Lite's one-process rule, filter
expressions, BM25 term tokens and the collections' schemas.

The same ``pymilvus.MilvusClient`` reaches Milvus Lite (a ``.db`` path: an embedded, pure-Python
Milvus started in this process) and a Milvus standalone or cluster (``http://host:19530``).
pymilvus is imported only here and only when a Milvus store is used; a missing client fails
with the extra to install.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.vector_store.base import RowFilter, VectorStoreError

K1, B = 1.2, 0.75  # BM25 parameters, as bm25s's defaults in the FAISS back end
INSTALL_HINT = "install the Milvus client: pip install 'policyrag[milvus]' (pymilvus, and milvus-lite for a local file)"


@dataclass(frozen=True)
class MilvusIndexSpec:
    """The Milvus vector index of the dense collections.

    Args:
        index_type: ``FLAT`` (exact; Milvus Lite's default here) or ``HNSW`` (a server's default
            here), or any type the server supports (``IVF_FLAT``, ``AUTOINDEX``...).
        params: build parameters (HNSW: M, efConstruction).
        search: search parameters; for HNSW ``ef`` is raised to the limit asked for.
    """

    index_type: str = "FLAT"
    params: dict[str, int] | None = None
    search: dict[str, int] | None = None

    @classmethod
    def named(cls, index_type: str) -> MilvusIndexSpec:
        index_type = index_type.upper()
        if index_type == "HNSW":
            return cls("HNSW", {"M": 32, "efConstruction": 200}, {"ef": 256})
        if index_type in ("IVF_FLAT", "IVF_SQ8"):
            return cls(index_type, {"nlist": 1024}, {"nprobe": 64})
        return cls(index_type, {}, {})

    def search_params(self, limit: int) -> dict[str, object]:
        params = dict(self.search or {})
        if self.index_type == "HNSW":
            params["ef"] = max(int(params.get("ef", 0)), limit)
        return {"metric_type": "IP", "params": params}


# -- connections --------------------------------------------------------------------------------

_CLIENTS: dict[tuple[str, str], object] = {}
_CLIENTS_LOCK = threading.Lock()


def is_local_file(uri: str) -> bool:
    """A Milvus Lite file (``.db``), not a server URI."""
    return not re.match(r"^[a-z][a-z0-9+.-]*://", uri) and uri.endswith(".db")


def connect(uri: str, token: str = "") -> object:
    """A ``pymilvus.MilvusClient`` for ``uri`` (one per process and URI, shared by every store).

    Raises:
        VectorStoreError: pymilvus is not installed, the Milvus Lite file is held by another
            process, or the server cannot be reached; the message says what to do.
    """
    key = (uri, token)
    with _CLIENTS_LOCK:
        if key in _CLIENTS:
            return _CLIENTS[key]
        try:
            from pymilvus import MilvusClient
        except ImportError as error:
            raise VectorStoreError(f"vector_store = 'milvus' needs pymilvus: {INSTALL_HINT}") from error
        lite_log = logging.getLogger("milvus_lite")
        level = lite_log.level
        try:
            if is_local_file(uri):
                Path(uri).parent.mkdir(parents=True, exist_ok=True)
                lite_log.setLevel(logging.CRITICAL)  # a held file is explained below, not as a logged traceback
                client = MilvusClient(uri)
            else:
                client = MilvusClient(uri=uri, token=token) if token else MilvusClient(uri=uri)
        except Exception as error:  # pymilvus wraps every failure in its own exception types
            raise VectorStoreError(_connect_problem(uri, error)) from error
        finally:
            lite_log.setLevel(level)
        _CLIENTS[key] = client
        return client


def release(uri: str) -> None:
    """Close this process's client of ``uri`` and, for a Milvus Lite file, stop its in-process
    server, so that another process can open the file (Milvus Lite serves one process at a time).
    Stores opened on it stop working."""
    with _CLIENTS_LOCK:
        for key in [key for key in _CLIENTS if key[0] == uri]:
            client = _CLIENTS.pop(key)
            client.close()  # type: ignore[attr-defined]
    if is_local_file(uri):
        try:
            from milvus_lite.server_manager import server_manager_instance
        except ImportError:
            return
        server_manager_instance.release_server(uri)


def _held_elsewhere(uri: str) -> bool:
    """Whether another process holds the Milvus Lite file's lock (``<file>/LOCK``, an flock)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock to probe
        return False
    path = Path(uri) / "LOCK"
    if not path.is_file():
        return False
    with open(path, "rb") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


def _connect_problem(uri: str, error: BaseException) -> str:
    text = f"{error} {error.__cause__ or ''} {error.__context__ or ''}"
    if is_local_file(uri):
        if _held_elsewhere(uri):
            return (
                f"the Milvus Lite file {uri} is open in another process (a running policyrag serve or ingest?). "
                "Milvus Lite serves one process at a time: stop the other process, or run a Milvus server "
                f"(milvus-lite server --data-dir {uri} --port 19530, or Milvus standalone) and set "
                "milvus_uri = 'http://127.0.0.1:19530'"
            )
        if "milvus_lite" in text or "milvus-lite" in text or "No module" in text:
            return f"a local Milvus file ({uri}) needs Milvus Lite: {INSTALL_HINT}"
        return f"cannot open the Milvus Lite file {uri}: {error}"
    return f"cannot reach the Milvus server at {uri} ({error}): start it, or fix milvus_uri / milvus_token"


# -- expressions --------------------------------------------------------------------------------


def literal(value: str) -> str:
    """A Milvus string literal: double-quoted, backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_expression(pool: str | None, keys: np.ndarray | None, where: RowFilter | None) -> str:
    """The Milvus boolean expression of a pool, a key list and a :class:`RowFilter`, ANDed."""
    parts = []
    if pool is not None:
        parts.append(f"lang == {literal(pool)}")
    if keys is not None:
        parts.append("key in [" + ",".join(str(int(key)) for key in keys) + "]")
    if where:
        if where.sources:
            parts.append("source in [" + ",".join(literal(s) for s in sorted(where.sources)) + "]")
        if where.collections:
            parts.append("collection in [" + ",".join(literal(c) for c in sorted(where.collections)) + "]")
    return " and ".join(parts)


def term_token(term: str) -> str:
    """One analyzer term as a token every Milvus tokenizer keeps whole: 14 lowercase letters
    (base 26 of 64 bits of its sha256; a collision needs ~4 billion distinct terms)."""
    number = int.from_bytes(hashlib.sha256(term.encode("utf-8")).digest()[:8], "big")
    letters = []
    for _ in range(14):
        number, digit = divmod(number, 26)
        letters.append(chr(97 + digit))
    return "".join(letters)


# -- collections ----------------------------------------------------------------------------------

_SCALAR_FIELDS = (("document", 128), ("source", 4096), ("collection", 1024), ("lang", 32))


def _base_schema() -> object:
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("key", DataType.INT64, is_primary=True)
    for name, length in _SCALAR_FIELDS:
        schema.add_field(name, DataType.VARCHAR, max_length=length)
    return schema


def _create(client: object, name: str, schema: object, vector_field: str, vector_index: dict[str, object]) -> None:
    """Create and load a collection with its vector index, plus INVERTED indexes on the filtered
    fields on a server. Milvus Lite builds indexes at once: pymilvus's wait for them (0.5 s a
    poll) is skipped there."""
    lite = _is_lite(client)
    client.create_collection(name, schema=schema, consistency_level="Strong")  # type: ignore[attr-defined]
    index_params = client.prepare_index_params()  # type: ignore[attr-defined]
    index_params.add_index(field_name=vector_field, **vector_index)
    if not lite:
        for field in ("lang", "source", "collection"):
            index_params.add_index(field_name=field, index_type="INVERTED")
    client.create_index(name, index_params, sync=not lite)  # type: ignore[attr-defined]
    client.load_collection(name)  # type: ignore[attr-defined]


def _is_lite(client: object) -> bool:
    return any(is_local_file(uri) and connected is client for (uri, _), connected in _CLIENTS.items())


def ensure_dense_collection(client: object, name: str, dimension: int, spec: MilvusIndexSpec) -> None:
    """Create (and load) the dense collection ``name`` unless it exists."""
    if client.has_collection(name):  # type: ignore[attr-defined]
        return
    from pymilvus import DataType

    schema = _base_schema()
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)  # type: ignore[attr-defined]
    _create(client, name, schema, "vector", {"index_type": spec.index_type, "metric_type": "IP", "params": spec.params or {}})


def ensure_bm25_collection(client: object, name: str) -> None:
    """Create (and load) the BM25 collection ``name`` unless it exists."""
    if client.has_collection(name):  # type: ignore[attr-defined]
        return
    from pymilvus import DataType, Function, FunctionType

    schema = _base_schema()
    schema.add_field(  # type: ignore[attr-defined]
        "terms", DataType.VARCHAR, max_length=65_535, enable_analyzer=True, enable_match=True, analyzer_params={"tokenizer": "standard"}
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)  # type: ignore[attr-defined]
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"], output_field_names=["sparse"]))  # type: ignore[attr-defined]
    _create(client, name, schema, "sparse", {"index_type": "SPARSE_INVERTED_INDEX", "metric_type": "BM25", "params": {"bm25_k1": 1.2, "bm25_b": 0.75}})


def require_collection(client: object, name: str, uri: str) -> None:
    if not client.has_collection(name):  # type: ignore[attr-defined]
        raise VectorStoreError(
            f"the Milvus collection {name} of this index is missing at {uri or 'the Milvus server'} "
            "(dropped, or milvus_uri names another server): rebuild the index with policyrag ingest --rebuild"
        )
    client.load_collection(name)  # type: ignore[attr-defined]


def count(client: object, collection: str, expression: str) -> int:
    result = client.query(collection, filter=expression, output_fields=["count(*)"])  # type: ignore[attr-defined]
    return int(result[0]["count(*)"]) if result else 0


def all_keys(client: object, collection: str) -> np.ndarray:
    """Every primary key in a collection (for pruning), read with a query iterator."""
    keys: list[int] = []
    quiet = logging.getLogger("pymilvus")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # Milvus Lite has no MVCC timestamp: pymilvus warns on every iterator
    try:
        iterator = client.query_iterator(collection, batch_size=10_000, filter="", output_fields=["key"])  # type: ignore[attr-defined]
        try:
            while batch := iterator.next():
                keys.extend(int(item["key"]) for item in batch)
        finally:
            iterator.close()
    finally:
        quiet.setLevel(level)
    return np.array(keys, dtype=np.int64)

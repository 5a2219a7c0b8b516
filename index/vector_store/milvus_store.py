"""The Milvus back end: dense pools and BM25 in Milvus collections, updated in place.

For a store beyond one machine's RAM, or one index served by several processes: a Milvus
standalone or cluster (``milvus_uri = "http://host:19530"``), or Milvus Lite, an embedded local
file (``pip install 'policyrag[milvus]'``; the default URI is ``milvus.db`` in the index folder)
for tests and small installs. Same client API (``pymilvus.MilvusClient``) for both.

What lives where:

- One collection per encoder (``<prefix>_g<N>_dense<E>``): a stable passage ``key`` (primary),
  its document's content hash, ``source``, ``collection``, ``lang`` (the pool) and the vector
  (metric IP). Pools are ``lang == '...'`` filters; ``allowed`` rows and :class:`RowFilter`
  conditions are pushed into the same filter expression, so Milvus applies them before the top k.
- One BM25 collection (``<prefix>_g<N>_bm25``): Milvus's own BM25 function (Lucene formula,
  k1 = 1.2, b = 0.75) over a text field holding policyrag's analyzer terms (pythainlp newmm
  words for Thai, stemmed English, both year eras), each written as one letters-only token
  (:func:`term_token`). Milvus's analyzers cannot segment Thai (Milvus Lite's ``standard``
  tokenizer cuts words at Thai vowel marks), and would cut ``e-government`` or ``4.0``; a token per
  term makes Milvus's BM25 see exactly the terms bm25s sees in the FAISS back end.
- Each generation folder keeps, per store, its rows and their keys (``keys.npy``): the chunk
  rows of a generation map to keys and back. An incremental ingest inserts only keys the
  collection lacks (new or changed documents: a changed document has a new hash, hence new
  keys) and, once the new generation is live, deletes the keys no kept generation uses. A
  ``--rebuild`` (or new models) writes new collections; the old ones are dropped when no kept
  generation names them. Readers of the previous generation keep working meanwhile: hits whose
  key is not in a reader's generation are skipped (and the search widened when that leaves fewer
  than k).

Milvus Lite serves one process at a time per file: a ``policyrag serve`` and a
``policyrag ingest`` on the same index need a Milvus server (``milvus-lite server`` or Milvus
standalone) and ``milvus_uri`` pointing at it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from index.vector_store.base import (
    RowAttributes,
    RowFilter,
    StoreStats,
    VectorStoreError,
    as_queries,
    check_vectors,
    empty_hits,
)
from index.vector_store.milvus_client import (
    B,
    K1,
    MilvusIndexSpec,
    all_keys,
    connect,
    count,
    ensure_bm25_collection,
    ensure_dense_collection,
    filter_expression,
    is_local_file,
    require_collection,
    term_token,
)

logger = logging.getLogger(__name__)

BACKEND = "milvus"
FORMAT = 1
STORE_FILE = "store.json"
KEYS_FILE = "keys.npy"
ROWS_FILE = "rows.npy"
MAX_LIMIT = 16_384  # Milvus's largest topk
BATCH = 1_000  # entities per insert / get / delete call (well under gRPC's 64 MB)
SCORES_DEPTH = 1_000  # rows LexicalIndex.scores fills from a server: the caller takes the top hundred


# -- the row <-> key map of one generation -----------------------------------------------------


class _KeyMap:
    """Chunk rows of one generation and their stable keys, both ways."""

    def __init__(self, rows: np.ndarray, keys: np.ndarray) -> None:
        self.rows = np.asarray(rows, dtype=np.int64)
        self.keys = np.asarray(keys, dtype=np.int64)
        order = np.argsort(self.keys, kind="stable")
        self._sorted_keys, self._rows_by_key = self.keys[order], self.rows[order]
        size = int(self.rows.max()) + 1 if len(self.rows) else 0
        self._key_of_row = np.full(size, -1, dtype=np.int64)
        self._key_of_row[self.rows] = self.keys

    def keys_of(self, rows: np.ndarray) -> np.ndarray:
        """Keys of those rows that are in this map (others dropped)."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        rows = rows[(rows >= 0) & (rows < len(self._key_of_row))]
        keys = self._key_of_row[rows]
        return keys[keys >= 0]

    def rows_of(self, keys: np.ndarray) -> np.ndarray:
        """Row of each key, -1 for keys of other generations."""
        keys = np.asarray(keys, dtype=np.int64).reshape(-1)
        if not len(self._sorted_keys):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted_keys, keys), len(self._sorted_keys) - 1)
        return np.where(self._sorted_keys[at] == keys, self._rows_by_key[at], -1)

    def drop(self, rows: np.ndarray) -> int:
        keep = ~np.isin(self.rows, np.asarray(rows, dtype=np.int64))
        dropped = int((~keep).sum())
        if dropped:
            self.__init__(self.rows[keep], self.keys[keep])  # type: ignore[misc]
        return dropped


class _MilvusStoreBase:
    """What the dense and BM25 collections share: the client, the key map, writing and saving."""

    kind = ""

    def __init__(self, client: object, collection: str, uri: str, attributes: RowAttributes | None, new_collection: bool) -> None:
        self.client = client
        self.collection = collection
        self.uri = uri
        self.attributes = attributes
        self.new_collection = new_collection
        self.key_map = _KeyMap(np.zeros(0, np.int64), np.zeros(0, np.int64))
        self.pool_sizes: dict[str, int] = {}
        self._slack: int | None = None

    def _require_keys(self) -> RowAttributes:
        if self.attributes is None or self.attributes.keys is None or self.attributes.documents is None:
            raise ValueError(f"{type(self).__name__} needs RowAttributes with keys and documents to write")
        return self.attributes

    def _entity_fields(self, rows: np.ndarray) -> list[dict[str, object]]:
        attributes = self._require_keys()
        return [
            {
                "key": int(attributes.keys[row]),  # type: ignore[index]
                "document": str(attributes.documents[row]),  # type: ignore[index]
                "source": str(attributes.sources[row]),
                "collection": str(attributes.collections[row]),
                "lang": str(attributes.langs[row]),
            }
            for row in rows.tolist()
        ]

    def _existing(self, keys: np.ndarray) -> set[int]:
        """Which of ``keys`` the collection holds already (skipped on insert)."""
        if self.new_collection or not len(keys):
            return set()
        found: set[int] = set()
        for start in range(0, len(keys), BATCH):
            part = keys[start : start + BATCH]
            result = self.client.query(self.collection, filter=filter_expression(None, part, None), output_fields=["key"])  # type: ignore[attr-defined]
            found.update(int(item["key"]) for item in result)
        return found

    def _insert(self, entities: list[dict[str, object]]) -> None:
        for start in range(0, len(entities), BATCH):
            self.client.insert(self.collection, entities[start : start + BATCH])  # type: ignore[attr-defined]

    def _write_folder(self, folder: Path, extra: dict[str, object]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / ROWS_FILE, self.key_map.rows)
        np.save(folder / KEYS_FILE, self.key_map.keys)
        description = {"format": FORMAT, "backend": BACKEND, "kind": self.kind, "collection": self.collection, "pools": self.pool_sizes, **extra}
        (folder / STORE_FILE).write_text(json.dumps(description, indent=2), encoding="utf-8")

    def _read_folder(self, folder: Path) -> dict[str, object]:
        self.key_map = _KeyMap(np.load(folder / ROWS_FILE), np.load(folder / KEYS_FILE))
        description = json.loads((folder / STORE_FILE).read_text(encoding="utf-8"))
        self.pool_sizes = {str(pool): int(size) for pool, size in description.get("pools", {}).items()}
        return description

    def _others(self) -> int:
        """Entities in the collection that are not this generation's (the previous generation's
        changed passages, or a writer's new ones): how much wider a search must look."""
        if self._slack is None:
            total = count(self.client, self.collection, "")
            self._slack = max(0, total - len(self.key_map.rows))
        return self._slack

    def _hits(self, result: Iterable[Sequence[dict]], k: int, limit: int) -> tuple[list[np.ndarray], list[np.ndarray], bool]:
        """Per query: this generation's rows and scores, best first, at most k; and whether a
        query came back full (``limit`` hits) with fewer than k of ours: other generations' keys
        took the places, and the caller widens the search."""
        all_scores, all_rows, short = [], [], False
        for hits in result:
            keys = np.array([int(hit["key"]) for hit in hits], dtype=np.int64)
            scores = np.array([float(hit["distance"]) for hit in hits], dtype=np.float32)
            rows = self.key_map.rows_of(keys)
            mine = rows >= 0
            short = short or (int(mine.sum()) < k and len(hits) >= limit)
            all_scores.append(scores[mine][:k])
            all_rows.append(rows[mine][:k])
        return all_scores, all_rows, short

    def _search_rows(self, data: list, anns_field: str, k: int, expression: str, search_params: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Search, skipping other generations' keys; widen the limit until k of ours are found."""
        limit = min(MAX_LIMIT, k + self._others())
        while True:
            params = search_params(limit) if callable(search_params) else search_params
            result = self.client.search(  # type: ignore[attr-defined]
                self.collection, data=data, anns_field=anns_field, limit=limit, filter=expression,
                search_params=params, output_fields=["key"],
            )
            scores, rows, short = self._hits(result, k, limit)
            if not short or limit >= MAX_LIMIT:
                return scores, rows
            limit = min(MAX_LIMIT, limit * 4)

    def close(self) -> None:
        """The client is shared by the stores of a process; it closes when the process ends."""


class MilvusVectorStore(_MilvusStoreBase):
    """The Milvus implementation of :class:`~index.vector_store.base.VectorStore` (one collection).

    Writers get it from :meth:`MilvusBackend.create_dense` (rows are added, then ``save`` inserts
    the keys the collection lacks); readers from :meth:`MilvusBackend.open_dense`.
    """

    kind = "dense"

    def __init__(
        self,
        client: object,
        collection: str,
        dimension: int,
        uri: str = "",
        attributes: RowAttributes | None = None,
        spec: MilvusIndexSpec | None = None,
        new_collection: bool = False,
    ) -> None:
        if dimension <= 0:
            raise ValueError(f"dimension must be positive, got {dimension}")
        super().__init__(client, collection, uri, attributes, new_collection)
        self.dimension = dimension
        self.spec = spec or MilvusIndexSpec()
        self._pending: list[tuple[str, np.ndarray, np.ndarray]] = []
        self._flushing = threading.Lock()  # a query searches its pools from several threads

    @property
    def pools(self) -> list[str]:
        return sorted(pool for pool, size in self._sizes().items() if size)

    def pool_size(self, pool: str) -> int:
        return self._sizes().get(pool, 0)

    def _sizes(self) -> dict[str, int]:
        sizes = dict(self.pool_sizes)
        for pool, rows, _ in self._pending:
            sizes[pool] = sizes.get(pool, 0) + len(rows)
        return sizes

    def add(self, pool: str, rows: np.ndarray, vectors: np.ndarray) -> None:
        vectors, rows = check_vectors(vectors, rows, self.dimension)
        attributes = self._require_keys()
        wrong = [row for row in rows.tolist() if attributes.langs[row] != pool]
        if wrong:
            raise ValueError(f"rows {wrong[:5]} are not in pool {pool!r} (their chunks' language differs)")
        if len(rows):
            self._pending.append((pool, rows.copy(), vectors.copy()))
        self._flush_pending()

    def _flush_pending(self) -> None:
        """Insert added vectors whose keys the collection lacks; note the rows as this store's."""
        if not self._pending:
            return
        with self._flushing:
            if self._pending:
                self._flush_pending_locked()

    def _flush_pending_locked(self) -> None:
        ensure_dense_collection(self.client, self.collection, self.dimension, self.spec)
        attributes = self._require_keys()
        for pool, rows, vectors in self._pending:
            keys = attributes.keys[rows]  # type: ignore[index]
            existing = self._existing(keys)
            fresh = [i for i, key in enumerate(keys.tolist()) if key not in existing]
            entities = self._entity_fields(rows[fresh])
            for entity, i in zip(entities, fresh):
                entity["vector"] = vectors[i].tolist()
            self._insert(entities)
            known = ~np.isin(rows, self.key_map.rows)
            self.key_map = _KeyMap(np.concatenate([self.key_map.rows, rows[known]]), np.concatenate([self.key_map.keys, keys[known]]))
            self.pool_sizes[pool] = self.pool_sizes.get(pool, 0) + int(known.sum())
        self._pending = []
        self._slack = None

    def delete(self, rows: np.ndarray) -> int:
        self._flush_pending()
        keys = self.key_map.keys_of(rows)
        if not len(keys):
            return 0
        for start in range(0, len(keys), BATCH):
            part = keys[start : start + BATCH].tolist()
            for item in self.client.get(self.collection, ids=part, output_fields=["key", "lang"]):  # type: ignore[attr-defined]
                pool = str(item["lang"])
                self.pool_sizes[pool] = max(0, self.pool_sizes.get(pool, 0) - 1)
            self.client.delete(self.collection, ids=part)  # type: ignore[attr-defined]
        self._slack = None
        return self.key_map.drop(self.key_map.rows_of(keys))

    def search(
        self,
        pool: str,
        queries: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        where: RowFilter | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        queries = as_queries(queries, self.dimension)
        self._flush_pending()
        size = self.pool_size(pool)
        keys = None
        if allowed is not None:
            keys = self.key_map.keys_of(np.unique(np.asarray(allowed, dtype=np.int64)))
            size = min(size, len(keys))
        k = min(k, size)
        if k <= 0:
            return empty_hits(len(queries))
        scores, rows = self._search_rows(
            queries.tolist(), "vector", k, filter_expression(pool, keys, where), self.spec.search_params
        )
        if keys is not None or where:  # k' is what qualifies, like an exact filtered search
            k = min(k, max((len(found) for found in rows), default=0))
        return _padded(scores, rows, k)

    def reconstruct(self, rows: np.ndarray) -> np.ndarray:
        self._flush_pending()
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        keys = self.key_map.keys_of(rows)
        if len(keys) < len(rows):
            known = set(self.key_map.rows.tolist())
            missing = next(row for row in rows.tolist() if row not in known)
            raise KeyError(f"row {missing} is in no pool")
        vectors = self._get_vectors(keys)
        return np.stack([vectors[int(key)] for key in keys]) if len(keys) else np.zeros((0, self.dimension), np.float32)

    def _get_vectors(self, keys: np.ndarray) -> dict[int, np.ndarray]:
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(keys), BATCH):
            part = [int(key) for key in keys[start : start + BATCH]]
            for item in self.client.get(self.collection, ids=part, output_fields=["key", "vector"]):  # type: ignore[attr-defined]
                found[int(item["key"])] = np.asarray(item["vector"], dtype=np.float32)
        missing = [int(key) for key in keys if int(key) not in found]
        if missing:
            raise VectorStoreError(
                f"the Milvus collection {self.collection} at {self.uri} lacks {len(missing)} vector(s) of this index "
                "(deleted by hand, or a different Milvus?): rebuild the index with policyrag ingest --rebuild"
            )
        return found

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        self._flush_pending()
        rows = np.sort(self.key_map.rows)
        if not len(rows):
            return rows, np.zeros((0, self.dimension), dtype=np.float32)
        return rows, self.reconstruct(rows)

    def save(self, folder: Path) -> None:
        self._flush_pending()
        ensure_dense_collection(self.client, self.collection, self.dimension, self.spec)
        self.client.flush(self.collection)  # type: ignore[attr-defined]
        self._write_folder(folder, {"dimension": self.dimension, "index": {"type": self.spec.index_type, "params": self.spec.params, "search": self.spec.search}, "uri": self.uri})

    @classmethod
    def load(cls, folder: Path, dimension: int, client: object, uri: str = "") -> MilvusVectorStore:
        description = json.loads((folder / STORE_FILE).read_text(encoding="utf-8"))
        if int(description.get("dimension", 0)) != dimension:
            raise VectorStoreError(f"{folder} holds {description.get('dimension')}-d vectors, the index manifest says {dimension}")
        index = description.get("index", {})
        spec = MilvusIndexSpec(str(index.get("type", "FLAT")), index.get("params"), index.get("search"))
        store = cls(client, str(description["collection"]), dimension, uri=uri, spec=spec)
        store._read_folder(folder)
        require_collection(client, store.collection, uri)
        return store

    def stats(self) -> StoreStats:
        self._flush_pending()
        return StoreStats(
            backend=BACKEND,
            dimension=self.dimension,
            pools=dict(sorted(self.pool_sizes.items())),
            kinds={pool: f"milvus-{self.spec.index_type.lower()}" for pool in self.pool_sizes},
            memory_bytes=int(self.key_map.rows.nbytes + self.key_map.keys.nbytes),
            location=f"{self.uri} {self.collection}",
        )


class MilvusBM25Index(_MilvusStoreBase):
    """The Milvus implementation of :class:`~index.vector_store.base.LexicalIndex`: Milvus's BM25
    function over policyrag's analyzer terms (one token per term, :func:`term_token`)."""

    kind = "bm25"

    def __init__(self, client: object, collection: str, uri: str = "", attributes: RowAttributes | None = None, new_collection: bool = False) -> None:
        super().__init__(client, collection, uri, attributes, new_collection)
        self._document_frequency: dict[str, int] = {}
        self._total: int | None = None

    @property
    def size(self) -> int:
        return int(self.key_map.rows.max()) + 1 if len(self.key_map.rows) else 0

    def build(self, corpus_terms: list[list[str]], show_progress: bool = False) -> MilvusBM25Index:
        attributes = self._require_keys()
        if len(corpus_terms) != len(attributes):
            raise ValueError(f"{len(corpus_terms)} term lists for {len(attributes)} rows")
        ensure_bm25_collection(self.client, self.collection)
        rows = np.arange(len(corpus_terms), dtype=np.int64)
        keys = attributes.keys  # type: ignore[assignment]
        existing = self._existing(keys)  # type: ignore[arg-type]
        fresh = [row for row in rows.tolist() if int(keys[row]) not in existing]  # type: ignore[index]
        entities = self._entity_fields(np.array(fresh, dtype=np.int64))
        for entity, row in zip(entities, fresh):
            entity["terms"] = " ".join(term_token(term) for term in corpus_terms[row] if term) or term_token("")
        self._insert(entities)
        self.key_map = _KeyMap(rows, keys)  # type: ignore[arg-type]
        self.pool_sizes = {str(lang): int(count) for lang, count in zip(*np.unique(np.asarray(attributes.langs, dtype=str), return_counts=True))}
        return self

    def search(
        self, query_terms: list[str], k: int, allowed: np.ndarray | None = None, where: RowFilter | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        tokens = sorted({term_token(term) for term in query_terms if term})
        keys = None if allowed is None else self.key_map.keys_of(np.unique(np.asarray(allowed, dtype=np.int64)))
        if not tokens or k <= 0 or (keys is not None and not len(keys)):
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores, rows = self._search_rows([" ".join(tokens)], "sparse", min(k, MAX_LIMIT), filter_expression(None, keys, where), {"metric_type": "BM25"})
        # Milvus returns BM25 as a score (larger is better); Milvus Lite 3.2 as its negation (a
        # distance): BM25 is never negative, so the magnitude is the score in both. Milvus keeps
        # the classic (k1 + 1) factor that Lucene 8 and bm25s dropped: divided out, the scores are
        # bm25s's, which the retriever's BM25 weight was tuned on.
        scores_0, rows_0 = np.abs(scores[0]) / (K1 + 1.0), rows[0]
        order = np.argsort(-scores_0, kind="stable")
        positive = scores_0[order] > 0
        return scores_0[order][positive].astype(np.float32), rows_0[order][positive].astype(np.int64)

    def scores(self, query_terms: list[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        scores, rows = self.search(query_terms, SCORES_DEPTH)
        out[rows] = scores
        return out

    def query_bound(self, query_terms: list[str]) -> float:
        """Sum of IDF (Lucene: ln(1 + (N - df + 0.5) / (df + 0.5))) of the query's distinct known
        terms, with N and each df counted in Milvus (cached per term for this generation)."""
        tokens = sorted({term_token(term) for term in query_terms if term})
        if not tokens:
            return 0.0
        if self._total is None:
            self._total = count(self.client, self.collection, "")
        total = 0.0
        for token in tokens:
            if token not in self._document_frequency:
                self._document_frequency[token] = count(self.client, self.collection, f"text_match(terms, '{token}')")
            frequency = self._document_frequency[token]
            if frequency:
                total += float(np.log(1.0 + (self._total - frequency + 0.5) / (frequency + 0.5)))
        return total

    def save(self, folder: Path) -> None:
        ensure_bm25_collection(self.client, self.collection)
        self.client.flush(self.collection)  # type: ignore[attr-defined]
        self._write_folder(folder, {"uri": self.uri, "k1": K1, "b": B})

    @classmethod
    def load(cls, folder: Path, client: object, uri: str = "") -> MilvusBM25Index:
        description = json.loads((folder / STORE_FILE).read_text(encoding="utf-8"))
        index = cls(client, str(description["collection"]), uri=uri)
        index._read_folder(folder)
        require_collection(client, index.collection, uri)
        return index


def _padded(scores: list[np.ndarray], rows: list[np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray]:
    """(q, k) arrays from per-query hit lists; -1 rows and -inf scores where fewer than k came back."""
    out_scores = np.full((len(scores), k), -np.inf, dtype=np.float32)
    out_rows = np.full((len(rows), k), -1, dtype=np.int64)
    for i, (found_scores, found_rows) in enumerate(zip(scores, rows)):
        out_scores[i, : len(found_scores)] = found_scores[:k]
        out_rows[i, : len(found_rows)] = found_rows[:k]
    return out_scores, out_rows


# -- the back end ---------------------------------------------------------------------------------


def default_prefix(index_dir: Path) -> str:
    """Collection name prefix of an index folder: ``policyrag_`` and 8 hex digits of its path, so
    two index folders on one Milvus server never share collections."""
    return "policyrag_" + hashlib.sha1(str(index_dir.resolve()).encode("utf-8")).hexdigest()[:8]


class MilvusBackend:
    """Writes and opens Milvus vector stores and BM25 indexes.

    Args:
        uri: a Milvus server (``http://host:19530``) or a Milvus Lite file (``.db``).
        token: the server's credentials (``user:password`` or an API key); never recorded.
        prefix: collection name prefix ("" -> :func:`default_prefix` of the index folder).
        index: the vector index of new dense collections.
        recorded_uri: the URI as the manifest records it (a Lite file inside the index folder is
            recorded relative to it, so the folder can move).
    """

    name = BACKEND

    def __init__(self, uri: str, token: str = "", prefix: str = "", index: MilvusIndexSpec | None = None, recorded_uri: str | None = None) -> None:
        if not uri:
            raise ValueError("MilvusBackend needs a URI (a Milvus server or a .db file)")
        if prefix and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,150}", prefix):
            raise ValueError(f"milvus_collection {prefix!r}: use letters, digits and _ (not starting with a digit)")
        self.uri = uri
        self.token = token
        self.prefix = prefix
        self.index = index or MilvusIndexSpec.named("FLAT" if is_local_file(uri) else "HNSW")
        self.recorded_uri = recorded_uri or uri
        self._client: object | None = None
        self._collections: dict[str, str] = {}
        self._reuse: dict[str, str] = {}
        self._generation = ""

    @property
    def client(self) -> object:
        if self._client is None:
            self._client = connect(self.uri, self.token)
        return self._client

    def begin(self, index_dir: Path, generation: Path, previous: dict[str, object] | None, reuse_lexical: bool) -> None:
        """Start writing ``generation``: reuse the live generation's collections (incremental
        ingest into the same Milvus), or name new ones."""
        self.prefix = self.prefix or default_prefix(index_dir)
        self._generation = generation.name.removeprefix("gen-").lstrip("0") or "0"
        self._collections = {}
        self._reuse = {}
        if previous and previous.get("backend") == BACKEND and previous.get("uri") == self.recorded_uri:
            reusable = dict(previous.get("collections", {}))  # type: ignore[arg-type]
            if not reuse_lexical:
                reusable.pop("bm25", None)
            self._reuse = {name: str(collection) for name, collection in reusable.items() if self.client.has_collection(collection)}  # type: ignore[attr-defined]

    def _collection_for(self, name: str) -> tuple[str, bool]:
        if name in self._reuse:
            collection, new = self._reuse[name], False
        else:
            collection, new = f"{self.prefix}_g{self._generation}_{name.replace('-', '')}", True
            if self.client.has_collection(collection):  # left by a crashed build of this number
                self.client.drop_collection(collection)  # type: ignore[attr-defined]
        self._collections[name] = collection
        return collection, new

    def create_dense(self, name: str, dimension: int, attributes: RowAttributes) -> MilvusVectorStore:
        collection, new = self._collection_for(name)
        return MilvusVectorStore(self.client, collection, dimension, self.recorded_uri, attributes, self.index, new_collection=new)

    def open_dense(self, folder: Path, dimension: int, attributes: RowAttributes | None = None) -> MilvusVectorStore:
        store = MilvusVectorStore.load(folder, dimension, self.client, self.recorded_uri)
        store.attributes = attributes
        return store

    def create_lexical(self, attributes: RowAttributes) -> MilvusBM25Index:
        collection, new = self._collection_for("bm25")
        return MilvusBM25Index(self.client, collection, self.recorded_uri, attributes, new_collection=new)

    def open_lexical(self, folder: Path, attributes: RowAttributes | None = None) -> MilvusBM25Index:
        return MilvusBM25Index.load(folder, self.client, self.recorded_uri)

    def describe(self) -> dict[str, object]:
        return {
            "backend": BACKEND,
            "uri": self.recorded_uri,
            "prefix": self.prefix,
            "collections": dict(sorted(self._collections.items())),
            "index": self.index.index_type,
        }

    def prune(self, index_dir: Path, kept: list[Path]) -> None:
        """After a switch: delete entities whose keys no kept generation uses, and drop this
        index's collections that no kept generation names."""
        used: dict[str, list[np.ndarray]] = {}
        for generation in kept:
            for description in generation.glob(f"*/{STORE_FILE}"):
                info = json.loads(description.read_text(encoding="utf-8"))
                if info.get("backend") == BACKEND and (description.parent / KEYS_FILE).is_file():
                    used.setdefault(str(info["collection"]), []).append(np.load(description.parent / KEYS_FILE))
        prefix = (self.prefix or default_prefix(index_dir)) + "_g"
        for collection in self.client.list_collections():  # type: ignore[attr-defined]
            if collection.startswith(prefix) and collection not in used:
                self.client.drop_collection(collection)  # type: ignore[attr-defined]
                logger.info("dropped Milvus collection %s (no index generation uses it)", collection)
        for collection, key_sets in used.items():
            if not self.client.has_collection(collection):  # type: ignore[attr-defined]
                continue
            stale = np.setdiff1d(all_keys(self.client, collection), np.concatenate(key_sets))
            for start in range(0, len(stale), BATCH):
                self.client.delete(collection, ids=stale[start : start + BATCH].tolist())  # type: ignore[attr-defined]
            if len(stale):
                self.client.flush(collection)  # type: ignore[attr-defined]
                logger.info("deleted %d stale entities from Milvus collection %s", len(stale), collection)

"""Chunk text and metadata in SQLite: one file, readable by any tool, loaded by row number."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from index.manifest import IndexMismatchError, index_folder
from ingest.model import Chunk

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    row INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    page INTEGER,
    heading_path TEXT NOT NULL,
    lang TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    page_end INTEGER,
    collection TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    lang TEXT NOT NULL,
    metadata TEXT NOT NULL,
    content_hash TEXT NOT NULL DEFAULT '',
    collection TEXT NOT NULL DEFAULT ''
);
"""
_COLUMNS = 'row, chunk_id, source, title, page, heading_path, lang, start, "end", text, page_end, collection'
# Indexes written before page_end and collection existed: the same columns, with their defaults.
_LEGACY_COLUMNS = 'row, chunk_id, source, title, page, heading_path, lang, start, "end", text, NULL, \'\''


class DamagedStoreError(IndexMismatchError):
    """The chunk store's SQLite file cannot be read."""


class ChunkStore:
    """Rows 0..n-1 hold the chunks in index order; the vector and BM25 rows use the same numbers.

    Args:
        path: the SQLite file.
        read_only: open a published generation: it never changes again, so SQLite is told it is
            immutable (no locks, no journal checks) and the open handle keeps reading even if a
            writer deletes the folder later. Safe to share between threads.
    """

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = threading.Lock()
        if read_only:
            if not path.is_file():
                raise FileNotFoundError(f"{path} does not exist")
            uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self._conn = sqlite3.connect(str(path), check_same_thread=False)
        try:
            if not read_only:
                self._conn.executescript(_SCHEMA)
            chunk_columns = {row[1] for row in self._conn.execute("PRAGMA table_info(chunks)").fetchall()}
        except sqlite3.DatabaseError as error:  # a damaged file ("file is not a database")
            self._conn.close()
            raise DamagedStoreError(
                f"{path} is damaged ({error}). Rebuild the index with: policyrag ingest PATH --index {index_folder(path.parent)} --rebuild"
            ) from error
        self._columns = _COLUMNS if "collection" in chunk_columns else _LEGACY_COLUMNS

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def add_chunks(self, chunks: Sequence[Chunk], first_row: int = 0) -> None:
        with self._conn:
            self._conn.executemany(
                f"INSERT INTO chunks ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        first_row + offset,
                        chunk.chunk_id,
                        chunk.source,
                        chunk.title,
                        chunk.page,
                        json.dumps(list(chunk.heading_path), ensure_ascii=False),
                        chunk.lang,
                        chunk.start,
                        chunk.end,
                        chunk.text,
                        chunk.page_end,
                        chunk.collection,
                    )
                    for offset, chunk in enumerate(chunks)
                ],
            )

    def add_document(
        self, source: str, title: str, lang: str, metadata: dict[str, str], content_hash: str = "", collection: str = ""
    ) -> None:
        with self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO documents (source, title, lang, metadata, content_hash, collection) VALUES (?,?,?,?,?,?)",
                (source, title, lang, json.dumps(metadata, ensure_ascii=False), content_hash, collection),
            )

    def content_hashes(self) -> dict[str, str]:
        """source -> content hash of each document ('' for indexes written before hashes existed)."""
        columns = {row[1] for row in self._query("PRAGMA table_info(documents)")}
        if "content_hash" not in columns:
            return {source: "" for (source,) in self._query("SELECT source FROM documents")}
        return dict(self._query("SELECT source, content_hash FROM documents"))

    def _query(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:  # type: ignore[type-arg]
        """Run one read and fetch all of it under the lock: queries may come from many threads."""
        with self._lock:
            return self._conn.execute(sql, parameters).fetchall()

    def __len__(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM chunks")[0][0])

    def get(self, rows: Iterable[int]) -> list[Chunk]:
        """Chunks for ``rows``, in the order given."""
        wanted = [int(row) for row in rows]
        if not wanted:
            return []
        placeholders = ",".join("?" * len(wanted))
        found = {
            record[0]: _chunk(record)
            for record in self._query(f"SELECT {self._columns} FROM chunks WHERE row IN ({placeholders})", wanted)
        }
        return [found[row] for row in wanted]

    def iter_all(self) -> Iterable[tuple[int, Chunk]]:
        for record in self._query(f"SELECT {self._columns} FROM chunks ORDER BY row"):
            yield record[0], _chunk(record)

    def row_sources(self) -> list[str]:
        """The source of each row, indexed by row (for document-level scoring)."""
        return [source for (source,) in self._query("SELECT source FROM chunks ORDER BY row")]

    def row_langs(self) -> list[str]:
        return [lang for (lang,) in self._query("SELECT lang FROM chunks ORDER BY row")]

    def row_collections(self) -> list[str]:
        """The collection of each row, indexed by row ('' everywhere in an index without collections)."""
        if self._columns is _LEGACY_COLUMNS:
            return ["" for _ in range(len(self))]
        return [collection for (collection,) in self._query("SELECT collection FROM chunks ORDER BY row")]

    def documents(self) -> list[dict[str, object]]:
        """One dict per document: source, title, lang, metadata and collection ('' in older indexes)."""
        collection = "collection" if self._columns is _COLUMNS else "''"
        return [
            {"source": source, "title": title, "lang": lang, "metadata": json.loads(metadata), "collection": owner}
            for source, title, lang, metadata, owner in self._query(
                f"SELECT source, title, lang, metadata, {collection} FROM documents ORDER BY source"
            )
        ]


def _chunk(record: tuple) -> Chunk:  # type: ignore[type-arg]
    _, chunk_id, source, title, page, heading_path, lang, start, end, text, page_end, collection = record
    return Chunk(
        chunk_id=chunk_id,
        source=source,
        title=title,
        text=text,
        page=page,
        heading_path=tuple(json.loads(heading_path)),
        lang=lang,
        start=start,
        end=end,
        page_end=page_end,
        collection=collection,
    )

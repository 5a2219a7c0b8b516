"""Chunk text and metadata in SQLite: one file, readable by any tool, loaded by row number."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

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
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    lang TEXT NOT NULL,
    metadata TEXT NOT NULL
);
"""
_COLUMNS = 'row, chunk_id, source, title, page, heading_path, lang, start, "end", text'


class ChunkStore:
    """Rows 0..n-1 hold the chunks in index order; the vector and BM25 rows use the same numbers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        self._conn.close()

    def add_chunks(self, chunks: Sequence[Chunk], first_row: int = 0) -> None:
        with self._conn:
            self._conn.executemany(
                f"INSERT INTO chunks ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
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
                    )
                    for offset, chunk in enumerate(chunks)
                ],
            )

    def add_document(self, source: str, title: str, lang: str, metadata: dict[str, str]) -> None:
        with self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO documents (source, title, lang, metadata) VALUES (?,?,?,?)",
                (source, title, lang, json.dumps(metadata, ensure_ascii=False)),
            )

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def get(self, rows: Iterable[int]) -> list[Chunk]:
        """Chunks for ``rows``, in the order given."""
        wanted = [int(row) for row in rows]
        if not wanted:
            return []
        placeholders = ",".join("?" * len(wanted))
        found = {
            record[0]: _chunk(record)
            for record in self._conn.execute(f"SELECT {_COLUMNS} FROM chunks WHERE row IN ({placeholders})", wanted)
        }
        return [found[row] for row in wanted]

    def iter_all(self) -> Iterable[tuple[int, Chunk]]:
        for record in self._conn.execute(f"SELECT {_COLUMNS} FROM chunks ORDER BY row"):
            yield record[0], _chunk(record)

    def row_sources(self) -> list[str]:
        """The source of each row, indexed by row (for document-level scoring)."""
        return [source for (source,) in self._conn.execute("SELECT source FROM chunks ORDER BY row")]

    def row_langs(self) -> list[str]:
        return [lang for (lang,) in self._conn.execute("SELECT lang FROM chunks ORDER BY row")]

    def documents(self) -> list[dict[str, object]]:
        return [
            {"source": source, "title": title, "lang": lang, "metadata": json.loads(metadata)}
            for source, title, lang, metadata in self._conn.execute(
                "SELECT source, title, lang, metadata FROM documents ORDER BY source"
            )
        ]


def _chunk(record: tuple) -> Chunk:  # type: ignore[type-arg]
    _, chunk_id, source, title, page, heading_path, lang, start, end, text = record
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
    )

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from index.store import ChunkStore, DamagedStoreError
from ingest.model import Chunk

_LEGACY_SCHEMA = """
CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
    title TEXT NOT NULL, page INTEGER, heading_path TEXT NOT NULL, lang TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE documents (source TEXT PRIMARY KEY, title TEXT NOT NULL, lang TEXT NOT NULL,
    metadata TEXT NOT NULL, content_hash TEXT NOT NULL DEFAULT '');
INSERT INTO chunks VALUES (0, 'a.pdf#0', 'a.pdf', 'A', 3, '[]', 'en', 0, 12, 'Open data...');
INSERT INTO documents VALUES ('a.pdf', 'A', 'en', '{}', 'abc');
"""


class TestChunkStore:
    def test_page_span_and_collection_round_trip(self, tmp_path: Path) -> None:
        store = ChunkStore(tmp_path / "chunks.sqlite")
        chunk = Chunk("a.pdf#0", "a.pdf", "A", "continues on the next page", 3, (), "en", 0, 26, page_end=4, collection="restricted")
        store.add_chunks([chunk])
        store.add_document("a.pdf", "A", "en", {}, "hash", collection="restricted")
        store.close()
        reader = ChunkStore(tmp_path / "chunks.sqlite", read_only=True)
        found = reader.get([0])[0]
        assert (found.page, found.page_end, found.pages, found.collection) == (3, 4, (3, 4), "restricted")
        assert reader.row_collections() == ["restricted"]
        assert reader.documents()[0]["collection"] == "restricted"

    def test_index_written_before_page_end_and_collections_still_reads(self, tmp_path: Path) -> None:
        path = tmp_path / "chunks.sqlite"
        with sqlite3.connect(path) as connection:
            connection.executescript(_LEGACY_SCHEMA)
        reader = ChunkStore(path, read_only=True)
        chunk = reader.get([0])[0]
        assert (chunk.page, chunk.page_end, chunk.pages, chunk.collection) == (3, None, (3, 3), "")
        assert reader.row_collections() == [""]
        assert reader.documents()[0]["collection"] == ""


def test_a_damaged_chunk_store_is_named_with_the_rebuild_command(tmp_path: Path) -> None:
    generation = tmp_path / "idx" / "gen-000001"
    generation.mkdir(parents=True)
    (tmp_path / "idx" / "CURRENT").write_text("gen-000001", encoding="utf-8")
    (generation / "chunks.sqlite").write_bytes(b"not a database at all, " * 200)
    with pytest.raises(DamagedStoreError) as raised:
        ChunkStore(generation / "chunks.sqlite", read_only=True)
    assert "chunks.sqlite is damaged (file is not a database)" in str(raised.value)
    assert str(raised.value).endswith(f"--index {tmp_path / 'idx'} --rebuild")

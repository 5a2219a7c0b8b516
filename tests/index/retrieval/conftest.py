"""A small index built with the hashing stand-in encoder, for retrieval logic tests (no model)."""

from __future__ import annotations

from pathlib import Path

from index.analyzer import ThaiEnglishAnalyzer
from index.storage import IndexWriter, OpenIndex
from ingest.lang import detect_lang
from ingest.model import Block, Chunk, Document
from tests.conftest import HashEmbedder


def build_index(index_dir: Path, documents: dict[str, list[str]], collections: dict[str, str] | None = None, dimension: int = 256) -> OpenIndex:
    """Index ``documents`` (source -> its passages, one chunk each) and open it.

    Args:
        collections: source -> collection ('' when not given).
    """
    collections = collections or {}
    docs, chunks = [], []
    for source, passages in documents.items():
        collection = collections.get(source, "")
        docs.append(Document(source=source, title="", blocks=[Block(text) for text in passages], lang=detect_lang(passages[0]), collection=collection))
        for number, text in enumerate(passages):
            chunks.append(
                Chunk(f"{source}#{number}", source, "", text, None, (), detect_lang(text), 0, len(text), collection=collection)
            )
    IndexWriter([HashEmbedder(dimension=dimension)], ThaiEnglishAnalyzer(), passage_template="{text}", show_progress=False).run(
        docs, chunks, index_dir
    )
    return OpenIndex(index_dir)

"""Thai digits are read as Arabic ones by every encoder; stale vectors are embedded again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.analyzer import ThaiEnglishAnalyzer
from index.encoder_text import NormalisedEncoder, encoder_text
from index.storage import IndexWriter, current_generation
from ingest.model import Block, Chunk, Document
from tests.conftest import HashEmbedder


class RecordingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(dimension=64)
        self.seen: list[str] = []

    def embed_passages(self, passages: list[str], show_progress: bool = False) -> np.ndarray:
        self.seen.extend(passages)
        return super().embed_passages(passages)

    # HashEmbedder.embed_queries goes through embed_passages: queries are recorded there too.


def test_encoder_text_maps_thai_digits() -> None:
    assert encoder_text("แผนปี ๒๕๖๗ ข้อ ๓") == "แผนปี 2567 ข้อ 3"


def test_normalised_encoder_maps_queries_and_passages() -> None:
    inner = RecordingEmbedder()
    encoder = NormalisedEncoder(inner)
    encoder.embed_queries(["ปี ๒๕๖๗"])
    encoder.embed_passages(["ปี ๒๕๖๖"])
    # a query's Buddhist-era year also reads in the Common era (an English report's "2024")
    assert inner.seen == ["ปี 2567 (2024)", "ปี 2566"] and encoder.dimension == 64


def _documents() -> tuple[list[Document], list[Chunk]]:
    texts = {"digits.md": "แผนปี ๒๕๖๗ ของหน่วยงาน", "plain.md": "แผนปี 2566 ของหน่วยงาน"}
    documents = [Document(source=name, title="", blocks=[Block(text)], lang="th") for name, text in texts.items()]
    chunks = [Chunk(f"{name}#0", name, "", text, None, (), "th", 0, len(text)) for name, text in texts.items()]
    return documents, chunks


def test_vectors_embedded_before_digits_were_mapped_are_embedded_again(tmp_path: Path) -> None:
    documents, chunks = _documents()
    IndexWriter([RecordingEmbedder()], ThaiEnglishAnalyzer(), "{text}", show_progress=False, sentence_vectors=False).run(
        documents, chunks, tmp_path
    )
    manifest = current_generation(tmp_path) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data["encoder_text"]
    data["encoder_text"] = ""  # as written before Thai digits were mapped
    manifest.write_text(json.dumps(data), encoding="utf-8")
    again = RecordingEmbedder()
    stats = IndexWriter([again], ThaiEnglishAnalyzer(), "{text}", show_progress=False, sentence_vectors=False).run(
        documents, chunks, tmp_path
    )
    assert again.seen == ["แผนปี 2567 ของหน่วยงาน"] and stats.reused_passages == 1

"""Shared fixtures: small fixture documents, a fast fake embedder, and a real index built once."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "docs"
SHARED = Path(__file__).resolve().parents[2] / "shared"


class HashEmbedder:
    """A deterministic stand-in for the embedding model, for tests of storage logic only.

    Vectors come from hashing the words, so equal texts get equal vectors and nothing loads.
    """

    def __init__(self, model_name: str = "test-hash", dimension: int = 32) -> None:
        self.model_name = model_name
        self.query_prompt = "query: "
        self.passage_prompt = "passage: "
        self.dimension = dimension
        self.batch_size = 8

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in text.lower().split():
            digest = hashlib.sha1(word.encode()).digest()
            vector[digest[0] % self.dimension] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_passages(self, passages: list[str], show_progress: bool = False) -> np.ndarray:
        return np.stack([self._vector(text) for text in passages]) if passages else np.zeros((0, self.dimension), np.float32)

    def embed_queries(self, queries: list[str]) -> np.ndarray:
        return self.embed_passages(queries)


@pytest.fixture(autouse=True)
def private_ocr_cache(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path | None:
    """Fast tests never read or write the user's OCR cache.

    Slow tests on the reference corpus use it, as the product does: its scanned pages are OCR'd
    once per machine (minutes), then read from the cache.
    """
    if request.node.get_closest_marker("slow"):
        return None
    folder = tmp_path_factory.mktemp("ocr-cache")
    monkeypatch.setattr("ingest.loader.default_ocr_cache_dir", lambda: folder)
    return folder


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def fixture_docs() -> Path:
    return FIXTURE_DOCS


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the fixture documents built with the real bundled model (slow tests only)."""
    from assistant.api import build_index
    from assistant.settings import Settings

    index_dir = tmp_path_factory.mktemp("index")
    settings = Settings(index_dir=index_dir, chunk_max_chars=300, chunk_min_chars=50, chunk_overlap_chars=0, show_progress=False)
    build_index([FIXTURE_DOCS], settings)
    return index_dir


@pytest.fixture(scope="session")
def real_rag(real_index: Path):  # type: ignore[no-untyped-def]
    from assistant.api import PolicyRAG
    from assistant.settings import Settings

    rag = PolicyRAG.open(real_index, Settings(index_dir=real_index, show_progress=False))
    yield rag
    rag.close()

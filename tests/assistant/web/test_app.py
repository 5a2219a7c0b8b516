"""`policyrag serve` start-up: the models load before the server listens, not on the first question."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.api import PolicyRAG
from assistant.settings import Settings
from assistant.web import app as web_app
from index.storage import OpenIndex
from tests.conftest import HashEmbedder


class LazyEncoder(HashEmbedder):
    """Loads on first use as the real encoders do (``Embedder.runtime``, ``UseEmbedder.model``):
    ``load()`` loads now; a text embedded before loads first and counts as a load on a query."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False
        self.loads_on_query = 0

    def load(self, throughput: bool = True) -> None:
        self.loaded = True

    def embed_queries(self, queries: list[str]) -> np.ndarray:
        if not self.loaded:
            self.loads_on_query += 1
            self.loaded = True
        return super().embed_queries(queries)


def test_serve_loads_the_models_before_the_first_question(
    web_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first question after start-up took 8-15 s (the models loaded then), later ones 0.03-0.15 s."""
    encoders = [LazyEncoder(), LazyEncoder()]
    settings = Settings(
        index_dir=web_index, show_progress=False, serve_port=web_app.free_port(),
        users_file=tmp_path / "users.toml", audit_log=tmp_path / "audit.jsonl",
    )  # fmt: skip
    rag = PolicyRAG(OpenIndex(web_index), encoders[:1], settings)  # type: ignore[list-item]
    monkeypatch.setattr(PolicyRAG, "open", classmethod(lambda cls, index_dir=None, settings=None: rag))
    at_start: dict[str, object] = {}

    def first_question(app: object, **options: object) -> None:  # stands in for uvicorn.run: the server is up
        at_start["loaded"] = encoders[0].loaded
        at_start["answerer built"] = rag._answerer is not None
        rag.search("รัฐบาลดิจิทัล บริการ")
        at_start["loads on the first question"] = encoders[0].loads_on_query

    monkeypatch.setattr("uvicorn.run", first_question)
    web_app.serve(settings)
    assert at_start == {"loaded": True, "answerer built": True, "loads on the first question": 0}
    assert "ready" in capsys.readouterr().out
    # without the warm-up the first question is what loads the model
    cold = PolicyRAG(OpenIndex(web_index), encoders[1:], settings)  # type: ignore[list-item]
    try:
        cold.search("รัฐบาลดิจิทัล บริการ")
        assert encoders[1].loads_on_query == 1
    finally:
        cold.close()

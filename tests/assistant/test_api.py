"""``build_index`` with files read in worker processes builds the same index as in one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.api import build_index
from assistant.settings import Settings
from index.generations import current_generation, current_name
from index.store import ChunkStore
from tests.conftest import FIXTURE_DOCS, HashEmbedder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The fixture documents, a sub-folder, a broken PDF and a manifest that excludes one file."""
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_DOCS, root)
    (root / "sub").mkdir()
    (root / "sub" / "extra.md").write_text("# Extra\n\nข้อความภาษาไทยในเอกสารเพิ่มเติม ใช้ทดสอบการตัดประโยค\n\nOne more English sentence. And a second one.\n", encoding="utf-8")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (root / "manifest.toml").write_text(
        'exclude = ["notes.txt"]\n[[documents]]\npath = "sub/*"\ntitle = "Extra from the manifest"\n', encoding="utf-8"
    )
    return root


def _build(corpus: Path, index_dir: Path, workers: int):  # type: ignore[no-untyped-def]
    settings = Settings(
        index_dir=index_dir, show_progress=False, ingest_threads=workers, ingest_nice=0,
        chunk_max_chars=300, chunk_min_chars=50, chunk_overlap_chars=0, sentence_vectors=True,
    )  # fmt: skip
    return build_index([corpus], settings, encoders=[HashEmbedder()])  # type: ignore[list-item]


def _contents(index_dir: Path) -> tuple[object, ...]:
    generation = current_generation(index_dir)
    assert generation is not None
    store = ChunkStore(generation / "chunks.sqlite")
    try:
        chunks = list(store.iter_all())
        documents = store.documents()
    finally:
        store.close()
    files = {
        str(path.relative_to(generation)): path.read_bytes()
        for path in sorted(generation.rglob("*"))
        if path.is_file() and path.suffix not in {".sqlite", ".json"}
    }
    return chunks, documents, files


def test_reading_in_worker_processes_builds_the_same_index(corpus: Path, tmp_path: Path) -> None:
    one = _build(corpus, tmp_path / "one", workers=1)
    two = _build(corpus, tmp_path / "two", workers=2)
    assert two.sources == one.sources and len(one.sources) == 5  # notes.txt excluded, broken.pdf skipped
    assert [(item.path, item.reason) for item in two.skipped] == [(item.path, item.reason) for item in one.skipped]
    assert any("excluded by the corpus manifest" in item.reason for item in one.skipped)
    assert any(item.path.endswith("broken.pdf") and item.failed for item in one.skipped)
    assert two.fidelity == one.fidelity and two.chunks == one.chunks and two.chunks_by_lang == one.chunks_by_lang
    chunks, documents, files = _contents(tmp_path / "one")
    assert _contents(tmp_path / "two") == (chunks, documents, files)
    assert any(document["title"] == "Extra from the manifest" for document in documents)
    assert any(name.startswith("bm25") for name in files) and any(name.endswith(".faiss") for name in files)


class LoadRecordingEmbedder(HashEmbedder):
    """Records the thread that loads it and whether the files were all read by then."""

    def __init__(self, fail: bool = False) -> None:
        super().__init__()
        self.fail = fail
        self.loaded_on: list[str] = []

    def load(self) -> None:
        import threading

        self.loaded_on.append(threading.current_thread().name)
        if self.fail:
            raise RuntimeError("the model files are damaged")

    def embed_passages(self, passages: list[str], show_progress: bool = False):  # type: ignore[no-untyped-def]
        if self.fail:
            raise RuntimeError("the model files are damaged")
        return super().embed_passages(passages)


def _settings(index_dir: Path, workers: int) -> Settings:
    return Settings(index_dir=index_dir, show_progress=False, ingest_threads=workers, ingest_nice=0, sentence_vectors=True)


def test_the_models_load_in_a_thread_while_worker_processes_read(corpus: Path, tmp_path: Path) -> None:
    encoder = LoadRecordingEmbedder()
    report = build_index([corpus], _settings(tmp_path / "index", workers=2), encoders=[encoder])  # type: ignore[list-item]
    assert encoder.loaded_on == ["policyrag-load-models"] and report.chunks > 0
    one = LoadRecordingEmbedder()
    build_index([corpus], _settings(tmp_path / "one", workers=1), encoders=[one])  # type: ignore[list-item]
    assert one.loaded_on == []  # reading in this process: nothing to overlap, the first embedding loads


def test_a_model_that_fails_to_load_beside_the_reading_fails_the_build_with_its_error(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="model files are damaged"):
        build_index([corpus], _settings(tmp_path / "index", workers=2), encoders=[LoadRecordingEmbedder(fail=True)])  # type: ignore[list-item]
    assert current_name(tmp_path / "index") is None  # nothing half-written made live

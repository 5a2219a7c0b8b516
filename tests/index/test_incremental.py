"""Incremental and crash-safe indexing, on the fixture documents with a fast stand-in encoder.

The same behaviour with the real models, a real SIGKILL and live reload is in
``tests/assistant/test_live_index.py`` (slow).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant.api import PolicyRAG, build_index
from assistant.settings import Settings
from index.generations import IndexBusyError, current_generation, writer_lock
from index.storage import OpenIndex
from tests.conftest import FIXTURE_DOCS, HashEmbedder

QUERIES = ["open data portal datasets", "ตู้บริการอัจฉริยะ บัตรประชาชน", "digital by design principles", "ชำระค่าธรรมเนียม พร้อมเพย์"]


class CountingEmbedder(HashEmbedder):
    """Counts the passages it is asked to embed: the proof that unchanged ones are not."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def embed_passages(self, passages: list[str], show_progress: bool = False) -> np.ndarray:
        self.passages.extend(passages)
        return super().embed_passages(passages)


def _settings(index_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        index_dir=index_dir, model="test-hash", second_model="", show_progress=False,
        chunk_max_chars=300, chunk_min_chars=50, chunk_overlap_chars=0,
    )
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _ingest(docs: Path, index_dir: Path, rebuild: bool = False, **overrides: object):  # type: ignore[no-untyped-def]
    encoder = CountingEmbedder()
    report = build_index([docs], _settings(index_dir, **overrides), rebuild=rebuild, encoders=[encoder])
    return report, encoder


def _results(index_dir: Path) -> list[list[tuple[str, float]]]:
    rag = PolicyRAG(OpenIndex(index_dir), [HashEmbedder()], _settings(index_dir))
    try:
        return [[(hit.chunk.chunk_id, round(hit.score, 5)) for hit in rag.search(query, k=5)] for query in QUERIES]
    finally:
        rag.close()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, folder)
    return folder


class TestIncrementalIngest:
    def test_unchanged_documents_are_not_re_embedded(self, docs: Path, tmp_path: Path) -> None:
        first, encoder = _ingest(docs, tmp_path / "index")
        assert first.build.embedded_sentences > 0 and first.build.sentences >= first.chunks
        assert len(encoder.passages) == first.chunks + first.build.embedded_sentences
        assert first.build.full_rebuild and first.build.changed == 5
        second, encoder = _ingest(docs, tmp_path / "index")
        assert encoder.passages == []  # neither passages nor their sentences
        assert (second.build.unchanged, second.build.changed, second.build.removed) == (5, 0, 0)
        assert (second.build.reused_passages, second.build.embedded_passages) == (first.chunks, 0)
        assert (second.build.sentences, second.build.embedded_sentences) == (first.build.sentences, 0)
        assert (first.build.reused_sentences, second.build.reused_sentences) == (0, first.build.sentences)
        assert f"sentences: {first.build.sentences} reused, 0 embedded" in second.summary()
        assert "5 unchanged (reused), 0 new/changed (embedded), 0 removed" in second.summary()

    def test_only_new_and_changed_documents_are_embedded_and_deleted_ones_removed(self, docs: Path, tmp_path: Path) -> None:
        _ingest(docs, tmp_path / "index")
        (docs / "notes.txt").write_text(
            "Meeting notes on open data\n\nThe open data portal now also publishes real-time transport feeds.\n",
            encoding="utf-8",
        )
        (docs / "cloud.md").write_text("# Cloud first\n\nAgencies buy cloud services before building data centres.\n", encoding="utf-8")
        (docs / "public-sector-practice.md").unlink()
        report, encoder = _ingest(docs, tmp_path / "index")
        embedded_sources = {passage.split("\n")[0] for passage in encoder.passages}  # the title line
        assert embedded_sources == {"Meeting notes on open data", "Cloud first"}
        assert (report.build.unchanged, report.build.changed, report.build.removed) == (3, 2, 1)
        index = OpenIndex(tmp_path / "index")
        assert "public-sector-practice.md" not in set(index.row_sources)
        assert {"cloud.md", "notes.txt"} <= set(index.row_sources)
        index.close()

        # Same results as embedding everything from scratch.
        _ingest(docs, tmp_path / "full", rebuild=True)
        assert _results(tmp_path / "index") == _results(tmp_path / "full")

    def test_rebuild_embeds_everything(self, docs: Path, tmp_path: Path) -> None:
        first, _ = _ingest(docs, tmp_path / "index")
        report, encoder = _ingest(docs, tmp_path / "index", rebuild=True)
        assert len(encoder.passages) == first.chunks + first.build.embedded_sentences and report.build.full_rebuild
        assert "full rebuild: --rebuild" in report.summary()

    def test_other_chunking_embeds_everything(self, docs: Path, tmp_path: Path) -> None:
        _ingest(docs, tmp_path / "index")
        report, encoder = _ingest(docs, tmp_path / "index", chunk_max_chars=500)
        assert report.build.full_rebuild and "chunking" in report.build.rebuild_reason
        assert len(encoder.passages) == report.chunks + report.build.embedded_sentences

    def test_an_index_without_content_hashes_still_reuses_vectors(self, docs: Path, tmp_path: Path) -> None:
        first, _ = _ingest(docs, tmp_path / "index")
        store = current_generation(tmp_path / "index") / "chunks.sqlite"
        with sqlite3.connect(store) as connection:  # what an index from before this change looks like
            connection.execute("ALTER TABLE documents DROP COLUMN content_hash")
        report, encoder = _ingest(docs, tmp_path / "index")
        assert encoder.passages == [] and report.build.reused_passages == first.chunks


class TestCrashSafety:
    def test_unfinished_generation_is_ignored_then_cleaned_up(self, docs: Path, tmp_path: Path) -> None:
        index_dir = tmp_path / "index"
        _ingest(docs, index_dir)
        live = current_generation(index_dir)
        before = _results(index_dir)
        # What a killed ingest leaves: a newer generation folder that CURRENT never named.
        crashed = index_dir / "gen-000002"
        shutil.copytree(live, crashed)
        (crashed / "manifest.json").unlink()
        (crashed / "bm25" / "params.index.json").write_text("{trunc", encoding="utf-8")
        assert current_generation(index_dir) == live and _results(index_dir) == before

        report, _ = _ingest(docs, index_dir)
        assert not crashed.exists()
        assert current_generation(index_dir).name == report.build.generation.name == "gen-000003"
        assert _results(index_dir) == before

    def test_a_second_writer_is_refused_with_a_clear_error(self, docs: Path, tmp_path: Path) -> None:
        index_dir = tmp_path / "index"
        with writer_lock(index_dir):
            with pytest.raises(IndexBusyError, match="another policyrag ingest is writing"):
                _ingest(docs, index_dir)

    def test_a_reader_keeps_working_after_its_generation_is_deleted(self, docs: Path, tmp_path: Path) -> None:
        index_dir = tmp_path / "index"
        _ingest(docs, index_dir)
        rag = PolicyRAG(OpenIndex(index_dir), [HashEmbedder()], _settings(index_dir, follow_index=False))
        expected = [hit.chunk.chunk_id for hit in rag.search(QUERIES[0], k=3)]
        _ingest(docs, index_dir, rebuild=True)
        _ingest(docs, index_dir, rebuild=True)  # the reader's generation is now two behind: deleted
        assert not rag.index.generation.exists()
        assert [hit.chunk.chunk_id for hit in rag.search(QUERIES[0], k=3)] == expected
        assert rag.generation == "gen-000001"
        rag.close()


def test_cli_ingest_while_another_is_writing_is_a_one_line_error(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    index_dir = tmp_path / "index"
    with writer_lock(index_dir):
        code = main(["ingest", str(docs), "--index", str(index_dir), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"another policyrag ingest is writing the index at {index_dir}" in err and "Traceback" not in err


def test_opening_follows_current_when_its_generation_vanishes_mid_open(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.generations import switch_to

    index_dir = tmp_path / "index"
    _ingest(docs, index_dir)
    _ingest(docs, index_dir, rebuild=True)  # gen-000001 (kept as previous) and gen-000002 (live)
    real_open = OpenIndex._open
    calls: list[str] = []

    def racing_open(self: OpenIndex, generation: Path) -> None:
        calls.append(generation.name)
        if len(calls) == 1:  # a writer publishes another generation and deletes this one meanwhile
            switch_to(index_dir, index_dir / "gen-000001")
            raise FileNotFoundError(generation / "chunks.sqlite")
        real_open(self, generation)

    monkeypatch.setattr(OpenIndex, "_open", racing_open)
    index = OpenIndex(index_dir)
    assert calls == ["gen-000002", "gen-000001"] and index.generation.name == "gen-000001"
    index.close()
    monkeypatch.setattr(OpenIndex, "_open", lambda self, generation: (_ for _ in ()).throw(FileNotFoundError("gone")))
    with pytest.raises(FileNotFoundError):  # CURRENT did not move: a real error, not retried forever
        OpenIndex(index_dir)


_KILLED_INGEST = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from assistant.api import build_index
from tests.conftest import HashEmbedder
from tests.index.test_incremental import _settings

class SlowEmbedder(HashEmbedder):
    def embed_passages(self, passages, show_progress=False):
        print("embedding", len(passages), flush=True)
        time.sleep(120)  # killed here
        return super().embed_passages(passages)

build_index([Path({docs!r})], _settings(Path({index!r})), rebuild=True, encoders=[SlowEmbedder()])
"""


def test_sigkill_during_embedding_leaves_the_previous_index(docs: Path, tmp_path: Path) -> None:
    """A real process killed with SIGKILL mid-ingest (the real-model CLI version is in
    tests/assistant/test_live_index.py)."""
    import os
    import signal
    import subprocess
    import sys

    index_dir = tmp_path / "index"
    _ingest(docs, index_dir)
    live = current_generation(index_dir)
    before = _results(index_dir)
    (docs / "cloud.md").write_text("# Cloud first\n\nAgencies buy cloud services first.\n", encoding="utf-8")
    script = _KILLED_INGEST.format(root=str(Path(__file__).resolve().parents[2]), docs=str(docs), index=str(index_dir))
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()  # type: ignore[union-attr]
    assert line.startswith("embedding"), process.stderr.read()  # type: ignore[union-attr]
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    half = index_dir / "gen-000002"
    assert half.is_dir() and (half / "chunks.sqlite").exists() and not (half / "manifest.json").exists()
    assert current_generation(index_dir) == live and _results(index_dir) == before

    report, _ = _ingest(docs, index_dir)  # the lock died with the process; the half generation is removed
    assert not half.exists() and report.build.generation.name == "gen-000003" and report.build.changed == 1

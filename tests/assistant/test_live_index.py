"""Incremental ingest, SIGKILL mid-ingest and live reload, with the real bundled models and a
real ``policyrag ingest`` subprocess (the fast versions with a stand-in encoder are in
tests/index/test_incremental.py and tests/index/test_live.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant.api import PolicyRAG, build_index, make_encoders
from assistant.settings import Settings
from index.generations import current_generation
from index.storage import OpenIndex
from tests.conftest import FIXTURE_DOCS

pytestmark = pytest.mark.slow

CHUNKING = {"chunk_max_chars": 300, "chunk_min_chars": 50, "chunk_overlap_chars": 0}
QUERIES = [
    "ตู้บริการอัจฉริยะใช้บัตรอะไร",
    "What is the once-only principle?",
    "How do people pay fees online?",
    "open data portal licence",
    "การทดสอบเจาะระบบ ISO 27001",
]
NEW_DOC = """# Quantum-safe procurement

The ministry tenders quantum-safe encryption for every citizen portal before the end of the fiscal year.
"""


def _settings(index_dir: Path) -> Settings:
    return Settings(index_dir=index_dir, show_progress=False, **CHUNKING)  # type: ignore[arg-type]


class CountingEncoder:
    """Wraps a real encoder and counts the passages it embeds."""

    def __init__(self, encoder) -> None:  # type: ignore[no-untyped-def]
        self.encoder = encoder
        self.passages: list[str] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.encoder, name)

    def embed_passages(self, passages, show_progress: bool = False):  # type: ignore[no-untyped-def]
        self.passages.extend(passages)
        return self.encoder.embed_passages(passages, show_progress=show_progress)

    def embed_passages_pooled(self, passages, groups, show_progress: bool = False):  # type: ignore[no-untyped-def]
        """One pass per passage that also gives its sentences' vectors: the passages are counted."""
        self.passages.extend(passages)
        return self.encoder.embed_passages_pooled(passages, groups, show_progress=show_progress)


@pytest.fixture(scope="module")
def encoders():  # type: ignore[no-untyped-def]
    """The real e5 + USE encoders, loaded once for the module."""
    loaded = make_encoders(_settings(Path("unused")))
    for encoder in loaded:
        encoder.embed_queries(["warm up"])
    return loaded


def _docs(tmp_path: Path, extra: int = 0) -> Path:
    """The fixture documents, plus ``extra`` generated English reports (to make an ingest take a while)."""
    folder = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, folder)
    for number in range(extra):
        paragraphs = [
            f"Agency {number} reviewed service line {part} and found that {number * 7 + part} forms could be "
            f"pre-filled from registry {part}, saving citizens about {number + part} minutes per application "
            f"in district {number % 13}."
            for part in range(3)
        ]
        (folder / f"report-{number:03d}.md").write_text(
            f"# Service review {number}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
        )
    return folder


def _answers(rag: PolicyRAG) -> list[list[tuple[str, float]]]:
    return [[(hit.chunk.chunk_id, round(hit.score, 3)) for hit in rag.search(query, k=5)] for query in QUERIES]


def _ingest_process(docs: Path, index_dir: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """``policyrag ingest`` as a user runs it, with the chunking the in-process builds use."""
    env = {**os.environ, **{f"POLICYRAG_{key.upper()}": str(value) for key, value in CHUNKING.items()}}
    env["POLICYRAG_SHOW_PROGRESS"] = "false"
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest", str(docs), "--index", str(index_dir)],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def test_unchanged_documents_are_not_re_embedded_and_results_equal_a_full_rebuild(encoders, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(tmp_path)
    index_dir = tmp_path / "index"
    counting = [CountingEncoder(encoder) for encoder in encoders]
    first = build_index([docs], _settings(index_dir), encoders=counting)  # type: ignore[arg-type]
    assert first.build.embedded_sentences > 0  # each passage's sentences, after its passages
    # e5 embeds each sentence apart; USE pools its sentence vectors from the passage's own pass
    e5, use = counting
    assert len(e5.passages) == first.chunks + first.build.embedded_sentences
    assert len(use.passages) == first.chunks

    (docs / "quantum.md").write_text(NEW_DOC, encoding="utf-8")
    (docs / "notes.txt").unlink()
    counting = [CountingEncoder(encoder) for encoder in encoders]
    report = build_index([docs], _settings(index_dir), encoders=counting)  # type: ignore[arg-type]
    for encoder in counting:
        assert encoder.passages and all(passage.startswith("Quantum-safe procurement") for passage in encoder.passages)
    assert (report.build.unchanged, report.build.changed, report.build.removed) == (4, 1, 1)

    full_dir = tmp_path / "full"
    build_index([docs], _settings(full_dir), rebuild=True, encoders=encoders)
    incremental = PolicyRAG(OpenIndex(index_dir), encoders, _settings(index_dir))
    full = PolicyRAG(OpenIndex(full_dir), encoders, _settings(full_dir))
    # the same passages in the same order; scores equal up to bf16 arithmetic, whose rounding
    # depends on which passages shared a batch (OpenVINO pads each batch to its longest passage)
    got, want = _answers(incremental), _answers(full)
    assert [[chunk for chunk, _ in hits] for hits in got] == [[chunk for chunk, _ in hits] for hits in want]
    assert all(abs(a - b) <= 0.01 for g, w in zip(got, want) for (_, a), (_, b) in zip(g, w))
    assert incremental.search("quantum-safe encryption tender", k=1)[0].chunk.source == "quantum.md"
    for rag in (incremental, full):
        rag.close()


def test_sigkill_during_ingest_leaves_the_previous_index_answering(encoders, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(tmp_path)
    index_dir = tmp_path / "index"
    build_index([docs], _settings(index_dir), encoders=encoders)
    live = current_generation(index_dir)
    rag = PolicyRAG.open(index_dir, _settings(index_dir))
    before = _answers(rag)
    rag.close()

    big = _docs(tmp_path / "big", extra=150)  # ~450 new passages: half a minute or more of embedding
    process = _ingest_process(big, index_dir, cwd=tmp_path)
    building = index_dir / "gen-000002"
    deadline = time.monotonic() + 180
    while not (building / "chunks.sqlite").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # into the embedding
    assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert building.is_dir() and not (building / "manifest.json").exists()  # killed midway

    assert current_generation(index_dir) == live
    rag = PolicyRAG.open(index_dir, _settings(index_dir))
    assert _answers(rag) == before
    rag.close()

    report = build_index([docs], _settings(index_dir), encoders=encoders)  # a later ingest cleans up
    assert not building.exists() and report.build.embedded_passages == 0
    assert sorted(path.name for path in index_dir.glob("gen-*")) == [live.name, report.build.generation.name]
    rag = PolicyRAG.open(index_dir, _settings(index_dir))
    assert _answers(rag) == before
    rag.close()


def test_20_parallel_queries_during_a_reingest_are_answered_and_the_new_generation_picked_up(
    encoders, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    docs = _docs(tmp_path)
    index_dir = tmp_path / "index"
    build_index([docs], _settings(index_dir), encoders=encoders)
    rag = PolicyRAG(OpenIndex(index_dir), encoders, _settings(index_dir))
    first = rag.generation
    expected = {query: hits[0][0] for query, hits in zip(QUERIES, _answers(rag))}

    (docs / "quantum.md").write_text(NEW_DOC, encoding="utf-8")
    for number in range(10):  # new passages to embed while the queries run
        (docs / f"extra-{number:02d}.md").write_text(
            f"# Regional office {number}\n\nRegional office {number} digitised {number * 11} paper archives in "
            f"province {number % 7} and trained {number + 3} officers.\n",
            encoding="utf-8",
        )
    process = _ingest_process(docs, index_dir, cwd=tmp_path)
    burst = [QUERIES[number % len(QUERIES)] for number in range(20)]
    bursts_during_ingest = 0
    with ThreadPoolExecutor(max_workers=20) as pool:
        while process.poll() is None:
            answers = list(pool.map(lambda query: rag.search(query, k=5), burst))  # an error fails the test
            assert [len(hits) for hits in answers] == [5] * 20
            if process.poll() is None:
                bursts_during_ingest += 1  # all 20 answered while the ingest was still running
            time.sleep(0.5)  # leave the ingest some CPU on a small machine
        # No explicit refresh: the queries themselves notice the new generation and switch to it.
        deadline = time.monotonic() + 60
        while rag.generation == first and time.monotonic() < deadline:
            answers = list(pool.map(lambda query: rag.search(query, k=5), burst))
            assert [len(hits) for hits in answers] == [5] * 20
            time.sleep(0.2)
    stderr = process.stderr.read().decode()  # type: ignore[union-attr]
    assert process.returncode == 0, stderr
    assert "5 unchanged (reused), 11 new/changed (embedded), 0 removed" in stderr

    assert bursts_during_ingest >= 1
    assert rag.generation != first
    assert rag.search("quantum-safe encryption tender", k=1)[0].chunk.source == "quantum.md"
    assert rag.search(QUERIES[0], k=1)[0].chunk.chunk_id == expected[QUERIES[0]]
    rag.close()

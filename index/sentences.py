"""Sentence vectors: each passage is also found by its best-matching sentence.

A question is usually answered by one sentence, while a passage vector averages ten sentences
together: a neighbouring passage on the same topic often scores as high as the one holding the
answer. Scoring a passage by its best sentence as well (the "MaxP" idea of passage-level
re-ranking) separates them. Measured before adopting it:

- XQuAD (1,190 questions, 240 paragraphs a language), e5 alone: Recall@1 th->en 0.735 -> 0.792,
  en->th 0.773 -> 0.829, th->th 0.883 -> 0.905, en->en 0.937 -> 0.964 with the passage and
  best-sentence z-scores added with equal weights.
- dev-qa, inside the hybrid retriever: a sentence embedded alone lacks the subject its document
  gives it ("40% evaluate the impact" of what?) and pulled in sentences of other documents; each
  sentence is therefore embedded like a passage, after its document title and heading path
  (the passage template with the sentence as text).

Layout in a generation folder: ``sentences/rows.npy`` (sentence number -> chunk row) and
``sentences/dense-N/`` (one pool per language, like the passage vectors, for encoder N).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.dense import DenseIndex
from ingest.model import Chunk
from ingest.sentences import dedupe_key, passage_sentences

SENTENCES_DIR = "sentences"


def chunk_sentences(chunk: Chunk) -> list[str]:
    """The sentences of a chunk that get their own vectors: the quotable ones (headings, the
    title, bibliography entries and fragments dropped). A chunk with none (a table, a list of
    short items) gets none: its passage vector stands for it."""
    headings = frozenset(dedupe_key(heading) for heading in (chunk.title, *chunk.heading_path))
    return [chunk.text[start:end] for start, end in passage_sentences(chunk.text, skip=headings)]


class SentenceVectors:
    """Per-encoder sentence vectors of one generation, searched per language pool.

    Args:
        rows: the chunk row of each sentence, in sentence order.
        dense: one :class:`DenseIndex` per encoder, keyed by sentence number.
    """

    def __init__(self, rows: np.ndarray, dense: list[DenseIndex]) -> None:
        self.rows = np.asarray(rows, dtype=np.int64)
        self.dense = dense

    def __len__(self) -> int:
        return len(self.rows)

    def best_per_row(self, encoder: int, pool: str, query_vector: np.ndarray, candidates: int) -> dict[int, float]:
        """Chunk row -> cosine of its best sentence, over the top ``candidates`` sentences of ``pool``."""
        scores, found = self.dense[encoder].search(pool, query_vector, candidates)
        best: dict[int, float] = {}
        for score, sentence in zip(scores[0].tolist(), found[0].tolist()):
            if sentence < 0:
                continue
            row = int(self.rows[sentence])
            if row not in best:  # FAISS returns sentences best first
                best[row] = score
        return best

    def save(self, folder: Path) -> None:
        target = folder / SENTENCES_DIR
        target.mkdir(parents=True, exist_ok=True)
        np.save(target / "rows.npy", self.rows)
        for number, dense in enumerate(self.dense):
            dense.save(target / f"dense-{number}")

    @classmethod
    def load(cls, folder: Path, dimensions: list[int]) -> SentenceVectors | None:
        """The sentence vectors of a generation, or None for an index built without them."""
        target = folder / SENTENCES_DIR
        if not (target / "rows.npy").is_file():
            return None
        rows = np.load(target / "rows.npy")
        return cls(rows, [DenseIndex.load(target / f"dense-{number}", dimension) for number, dimension in enumerate(dimensions)])

    def vectors_by_row(self, encoder: int, size: int) -> dict[int, np.ndarray]:
        """Chunk row -> its sentence vectors in order: what an incremental build copies."""
        numbers, vectors = self.dense[encoder].vectors()
        table = np.zeros((len(self.rows), vectors.shape[1]), dtype=np.float32)
        table[numbers] = vectors
        starts = np.searchsorted(self.rows, np.arange(size + 1))
        return {row: table[starts[row] : starts[row + 1]] for row in range(size) if starts[row + 1] > starts[row]}

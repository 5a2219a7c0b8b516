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

Layout in a generation folder: ``sentences/rows.npy`` (sentence number -> chunk row),
``sentences/spans.npy`` ((n, 2) int32: each sentence's start and end offsets in its chunk's text;
(-1, -1) where a chunk's passage vector stands in for a chunk without its own sentences) and
``sentences/dense-N/`` (one pool per language, like the passage vectors, for encoder N). The
answerers read the stored vectors of the top passages' sentences (:meth:`SentenceVectors.for_rows`)
instead of embedding them again at query time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.dense import DenseIndex
from ingest.model import Chunk
from ingest.sentences import Span, dedupe_key, passage_sentences

SENTENCES_DIR = "sentences"
STAND_IN: Span = (-1, -1)  # the span recorded where a chunk's passage vector stands in


def chunk_sentence_spans(chunk: Chunk) -> list[Span]:
    """Offsets in ``chunk.text`` of the sentences of a chunk that get their own vectors: the
    quotable ones (headings, the title, bibliography entries and fragments dropped). A chunk with
    none (a table, a list of short items) gets none: its passage vector stands for it."""
    headings = frozenset(dedupe_key(heading) for heading in (chunk.title, *chunk.heading_path))
    return passage_sentences(chunk.text, skip=headings)


def chunk_sentences(chunk: Chunk) -> list[str]:
    """The texts of :func:`chunk_sentence_spans`."""
    return [chunk.text[start:end] for start, end in chunk_sentence_spans(chunk)]


class SentenceVectors:
    """Per-encoder sentence vectors of one generation, searched per language pool.

    Args:
        rows: (n,) the chunk row of each sentence, in sentence order (ascending rows).
        dense: one :class:`DenseIndex` per encoder, keyed by sentence number.
        spans: (n, 2) int32 offsets of each sentence in its chunk's text, (-1, -1) for a stand-in
            passage vector; None for an index written before spans were stored.
    """

    def __init__(self, rows: np.ndarray, dense: list[DenseIndex], spans: np.ndarray | None = None) -> None:
        self.rows = np.asarray(rows, dtype=np.int64)
        self.dense = dense
        self.spans = None if spans is None else np.asarray(spans, dtype=np.int32).reshape(-1, 2)
        if self.spans is not None and len(self.spans) != len(self.rows):
            raise ValueError(f"{len(self.spans)} sentence spans for {len(self.rows)} sentences")
        self._starts = np.searchsorted(self.rows, np.arange(int(self.rows.max()) + 2 if len(self.rows) else 1))

    def __len__(self) -> int:
        return len(self.rows)

    def best_per_row(
        self, encoder: int, pool: str, query_vector: np.ndarray, candidates: int, allowed_rows: np.ndarray | None = None
    ) -> dict[int, float]:
        """Chunk row -> cosine of its best sentence, over the top ``candidates`` sentences of ``pool``
        (only the sentences of ``allowed_rows``, when given)."""
        allowed = None
        if allowed_rows is not None:
            allowed = np.concatenate(
                [np.arange(self._starts[row], self._starts[row + 1]) for row in np.asarray(allowed_rows, dtype=np.int64) if row + 1 < len(self._starts)]
                or [np.zeros(0, dtype=np.int64)]
            )
        scores, found = self.dense[encoder].search(pool, query_vector, candidates, allowed=allowed)
        best: dict[int, float] = {}
        for score, sentence in zip(scores[0].tolist(), found[0].tolist()):
            if sentence < 0:
                continue
            row = int(self.rows[sentence])
            if row not in best:  # FAISS returns sentences best first
                best[row] = score
        return best

    def for_rows(self, encoder: int, rows: list[int]) -> dict[int, list[tuple[int, int, np.ndarray]]]:
        """The stored sentences of chunk ``rows``: row -> [(start, end, vector)] in text order.

        ``vector`` is encoder ``encoder``'s (dimension,) float32 L2-normalised sentence vector, as
        embedded at ingest (after the title and heading path: ``passage_for_index``). Rows whose
        passage vector stands in for their sentences map to []. Empty when the index stores no
        spans (built before they were recorded): the caller embeds the sentences itself.
        """
        if self.spans is None:
            return {}
        found: dict[int, list[tuple[int, int, np.ndarray]]] = {}
        dense = self.dense[encoder]
        for row in rows:
            numbers = np.arange(self._starts[row], self._starts[row + 1]) if row + 1 < len(self._starts) else np.zeros(0, np.int64)
            numbers = numbers[self.spans[numbers, 0] >= 0] if len(numbers) else numbers
            vectors = dense.reconstruct(numbers) if len(numbers) else np.zeros((0, dense.dimension), np.float32)
            found[row] = [(int(self.spans[n, 0]), int(self.spans[n, 1]), vectors[i]) for i, n in enumerate(numbers.tolist())]
        return found

    def save(self, folder: Path) -> None:
        target = folder / SENTENCES_DIR
        target.mkdir(parents=True, exist_ok=True)
        np.save(target / "rows.npy", self.rows)
        if self.spans is not None:
            np.save(target / "spans.npy", self.spans)
        for number, dense in enumerate(self.dense):
            dense.save(target / f"dense-{number}")

    @classmethod
    def load(cls, folder: Path, dimensions: list[int]) -> SentenceVectors | None:
        """The sentence vectors of a generation, or None for an index built without them."""
        target = folder / SENTENCES_DIR
        if not (target / "rows.npy").is_file():
            return None
        rows = np.load(target / "rows.npy")
        spans = np.load(target / "spans.npy") if (target / "spans.npy").is_file() else None
        dense = [DenseIndex.load(target / f"dense-{number}", dimension) for number, dimension in enumerate(dimensions)]
        return cls(rows, dense, spans)

    def vectors_by_row(self, encoder: int, size: int) -> dict[int, np.ndarray]:
        """Chunk row -> its sentence vectors in order: what an incremental build copies."""
        numbers, vectors = self.dense[encoder].vectors()
        table = np.zeros((len(self.rows), vectors.shape[1]), dtype=np.float32)
        table[numbers] = vectors
        starts = np.searchsorted(self.rows, np.arange(size + 1))
        return {row: table[starts[row] : starts[row + 1]] for row in range(size) if starts[row + 1] > starts[row]}

"""Related across languages: for a passage, its closest passages in the other language.

What researchers asked for: the OECD principle behind a Thai practice, and the Thai practice
behind an OECD principle. A passage is its own best query: its stored vectors (no model run) are
searched in the other language's pools of each encoder, z-scored per pool and summed with the
retriever's dense weights (the encoders' cross-lingual mistakes differ, as for questions), and
each candidate's best sentence adds half its encoder's weight. Names, numbers and Latin terms the
two passages share add BM25 evidence like a question's cross-script terms do.

Measured on XQuAD's 240 parallel paragraphs (``python -m benchmarks.xquad``, one index of both
languages): the paragraph's translation is ranked first for 0.996 of the Thai paragraphs and
1.000 of the English ones (2 ms a paragraph).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from index.retrieval.stages import BestSentences, DensePools, PoolScores, fuse
from index.storage import OpenIndex
from ingest.lang import is_data, is_reference_list
from ingest.sentences import is_outline


class RelatedPassages:
    """Passages close to given passages, in other languages by default.

    Args:
        index: the opened index.
        dense_weights: one weight per encoder (the retriever's), primary first.
        sentence_weight: the best sentence's z-score as a fraction of its encoder's weight.
        bm25_weight: weight of the BM25 share of the passage's terms (names, numbers, Latin terms
            are what two languages share), divided by their summed IDF like a question's.
        candidates: passages taken per pool and encoder.
        per_document: at most this many passages of one document (0: no limit). A researcher looks
            for the documents that speak to a passage: for the OECD Once-Only definition, 9 of the
            10 closest Thai passages were of one seminar summary, and the Thai control that puts
            the principle into practice came 8th.
        skip_data: leave out passages that are data rather than prose (``ingest.lang.is_data``:
            tables of numbers, JSON samples, code, enums). They share names and numbers with many
            passages, and a researcher following a passage to the other language looks for what a
            document says: a Thai standard's control was answered with an e-payment error-code
            enum and an OCR'd table of numbers. Reference lists (``ingest.lang.is_reference_list``)
            and outlines of headings and links (``ingest.sentences.is_outline``) are left out too:
            an OECD report's bibliography names every title a passage speaks of, and a Markdown
            page's list of section headings shares its countries' names, but neither says anything.
    """

    def __init__(
        self,
        index: OpenIndex,
        dense_weights: Sequence[float] = (1.0, 0.5),
        sentence_weight: float = 0.5,
        bm25_weight: float = 1.0,
        candidates: int = 50,
        per_document: int = 2,
        skip_data: bool = True,
    ) -> None:
        if candidates <= 0:
            raise ValueError(f"candidates must be positive, got {candidates}")
        if per_document < 0:
            raise ValueError(f"per_document must be >= 0, got {per_document}")
        self.per_document = per_document
        self.skip_data = skip_data
        self.index = index
        self.dense_weights = tuple(dense_weights)
        self.sentence_weight = sentence_weight
        self.bm25_weight = bm25_weight
        self.dense_stage = DensePools(index, candidates)
        self.sentence_stage = BestSentences(index, candidates)

    def query_vectors(self, rows: Sequence[int]) -> list[np.ndarray]:
        """Per encoder, the (dimension,) L2-normalised mean of the rows' stored passage vectors."""
        vectors = []
        for dense in self.index.dense:
            stored = dense.reconstruct(np.asarray(rows, dtype=np.int64)).mean(axis=0)
            norm = float(np.linalg.norm(stored))
            vectors.append(stored / norm if norm else stored)
        return vectors

    def run(self, rows: Sequence[int], k: int, allowed: np.ndarray | None = None, same_language: bool = False) -> list[tuple[int, float]]:
        """The ``k`` passages closest to ``rows`` (one passage, a page or a whole document), best
        first, as (row, score).

        Args:
            rows: the passages to find relatives of (their languages are left out unless
                ``same_language``).
            allowed: rows a filter lets through (None: all); applied before any cut.
            same_language: also search the passages' own language (their own document excluded).

        Raises:
            ValueError: ``rows`` is empty or ``k`` is not positive.
        """
        if not len(rows):
            raise ValueError("no passage given to find related passages for")
        if k <= 0:
            raise ValueError(f"k must be positive, got {k}")
        own = set(int(row) for row in rows)
        own_sources = {self.index.row_sources[row] for row in own}
        langs = {dominant_language(self.index.row_langs, own)}
        candidates = np.arange(len(self.index), dtype=np.int64) if allowed is None else np.asarray(allowed, dtype=np.int64)
        keep = ~np.isin(self.index.row_sources[candidates], list(own_sources))
        if not same_language:
            keep &= ~np.isin(self.index.row_langs[candidates], list(langs))
        candidates = candidates[keep]
        if not len(candidates):
            return []
        terms: list[PoolScores] = []
        for number, (weight, vector) in enumerate(zip(self.dense_weights, self.query_vectors(list(own)))):
            if not weight:
                continue
            passages = self.dense_stage.run(number, vector, candidates, weight, depth=k)
            terms += passages
            if self.sentence_weight:  # a large sentence pool: the sentences of the passages found only
                found = np.array(sorted(set().union(*(term.scores for term in passages))), dtype=np.int64)
                terms += self.sentence_stage.run(number, vector, candidates, weight * self.sentence_weight, found)
        scores = fuse(terms, self.index.row_langs)
        for row, value in self._shared_terms(list(own), candidates, k).items():
            scores[row] = scores.get(row, min(scores.values(), default=0.0)) + value
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        kept: list[tuple[int, float]] = []
        taken: dict[str, int] = {}
        for row, score in ranked:
            source = str(self.index.row_sources[row])
            if self.per_document and taken.get(source, 0) >= self.per_document:
                continue
            if self.skip_data and self._is_not_prose(row):
                continue
            taken[source] = taken.get(source, 0) + 1
            kept.append((row, score))
            if len(kept) == k:
                break
        return kept

    def _is_not_prose(self, row: int) -> bool:
        """Whether passage ``row`` is data, a reference list or an outline rather than prose (read
        from the chunk store; only the ranked candidates are read, in rank order, until ``k`` are
        kept)."""
        return is_not_prose(self.index.store.get([int(row)])[0].text)

    def _shared_terms(self, rows: list[int], candidates: np.ndarray, k: int) -> dict[int, float]:
        """BM25 of the passages' script-neutral terms (Latin words, numbers), as a share of their IDF."""
        if not self.bm25_weight:
            return {}
        texts = self.index.store.get(rows)
        terms = [term for chunk in texts for term in self.index.analyzer.run(chunk.text) if term.isascii()]
        bound = self.index.bm25.query_bound(terms)
        if bound <= 0:
            return {}
        scores = self.index.bm25.scores(terms)
        top = candidates[np.argsort(-scores[candidates])[: max(50, k)]]
        top = top[scores[top] > 0]
        return dict(zip(top.tolist(), (self.bm25_weight * scores[top] / bound).tolist()))


def is_not_prose(text: str) -> bool:
    """Whether a passage says nothing to follow to another document: data (``is_data``), a
    reference list (``is_reference_list``) or an outline of headings and links (``is_outline``)."""
    return is_data(text) or is_reference_list(text) or is_outline(text)


def dominant_language(row_langs: np.ndarray, rows: Iterable[int]) -> str:
    """The language most of ``rows`` are in: what "the other language" of a page or a whole
    document is measured from. A Thai seminar summary quotes English session titles, and some of
    its passages are English: leaving out every language its passages have left nothing to relate
    the document to."""
    return Counter(str(row_langs[row]) for row in rows).most_common(1)[0][0]

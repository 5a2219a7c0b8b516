"""Find the sentences of the retrieved passages that answer a question, and whether any do.

Both answerers start here. Retrieval scores are fused z-scores: they rank passages well but say
nothing absolute about whether a passage answers the question (the best of ten off-topic
passages still gets a high z-score). Whether the documents support an answer is therefore decided
on the sentences themselves, with two measures that are comparable across questions:

- ``similarity``: the cosine between the question (e5 ``query:``) and a sentence (e5 ``passage:``)
  under the primary encoder; works across Thai and English.
- ``overlap``: the share of the question's content words (BM25 analyzer terms: newmm Thai words,
  stemmed English words, stop words dropped) that appear in the top passages. It only works
  within a script, so it can confirm but never veto a strong cross-lingual match.

The thresholds are settings, calibrated on the dev questions (which the documents answer) against
off-topic questions in both languages: see ``benchmarks/support.py`` and the README.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.retrieval import Hit
from index.analyzer import ThaiEnglishAnalyzer
from ingest.lang import detect_lang
from ingest.model import Lang
from ingest.sentences import line_spans, sentence_spans

_BLOCKS = re.compile(r"(?:[^\n]|\n(?!\s*\n))+")
_LETTER = re.compile(r"[A-Za-z\u0e01-\u0e2e]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class EvidenceSentence:
    """One sentence of a retrieved passage, scored against the question.

    ``start``/``end`` are offsets into ``hit.chunk.text`` of passage ``number``: ``text`` is that
    exact slice, so a UI can highlight it in the passage.
    """

    number: int
    start: int
    end: int
    text: str
    similarity: float
    overlap: float
    score: float

    @property
    def display(self) -> str:
        """The sentence on one line (PDF text wraps lines inside sentences)."""
        return _SPACES.sub(" ", self.text).strip()


@dataclass(frozen=True)
class Evidence:
    """The scored sentences of the top passages, best first, and the support decision."""

    question: str
    lang: Lang
    sentences: tuple[EvidenceSentence, ...]
    vectors: np.ndarray
    best_similarity: float
    overlap: float
    supported: bool


def passage_sentences(text: str, min_chars: int = 20, max_chars: int = 500) -> list[tuple[int, int]]:
    """Spans of the sentences of a passage worth quoting.

    Blocks (separated by blank lines) are split into sentences (crfcut for Thai, punctuation for
    English); a "sentence" longer than ``max_chars`` (a list or table with no full stops) is cut at
    its lines. Headings and fragments shorter than ``min_chars`` or without letters are dropped.

    Example:
        >>> text = "Cloud first\\n\\nAgencies move workloads to the cloud. Pooling lowers costs."
        >>> [text[a:b] for a, b in passage_sentences(text)]
        ['Agencies move workloads to the cloud.', 'Pooling lowers costs.']
    """
    spans: list[tuple[int, int]] = []
    for block in _BLOCKS.finditer(text):
        for start, end in sentence_spans(text, block.start(), block.end()):
            pieces = line_spans(text, start, end) if end - start > max_chars else [(start, end)]
            for piece_start, piece_end in pieces:
                piece = text[piece_start:piece_end]
                if len(piece.strip()) >= min_chars and len(_LETTER.findall(piece)) >= min_chars // 2:
                    spans.append((piece_start, piece_end))
    return spans


def _dedupe_key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


class EvidenceFinder:
    """Scores the sentences of the top retrieved passages against a question.

    Args:
        encoder: the primary encoder (e5: ``embed_queries`` adds ``query:``, ``embed_passages``
            adds ``passage:``); its cosines are what the thresholds were calibrated on.
        analyzer: the BM25 analyzer, for the lexical overlap.
        passages: how many of the top hits are read for sentences.
        min_similarity: below this best cosine nothing supports an answer.
        strong_similarity: at or above this best cosine the sentence supports an answer on its own
            (cross-lingual matches share no words with the question).
        min_overlap: between the two thresholds, the share of question words the top passages must
            contain.
        overlap_weight: how much a sentence's own word overlap adds to its cosine when ranking
            sentences (a tie-breaker towards sentences that name what was asked).
    """

    def __init__(
        self,
        encoder: object,
        analyzer: ThaiEnglishAnalyzer | None = None,
        passages: int = 5,
        min_similarity: float = 0.80,
        strong_similarity: float = 0.86,
        min_overlap: float = 0.5,
        overlap_weight: float = 0.05,
    ) -> None:
        if passages <= 0:
            raise ValueError(f"passages must be positive, got {passages}")
        if not 0.0 <= min_similarity <= strong_similarity <= 1.0:
            raise ValueError("need 0 <= min_similarity <= strong_similarity <= 1")
        if not 0.0 <= min_overlap <= 1.0:
            raise ValueError(f"min_overlap must be within [0, 1], got {min_overlap}")
        if not (hasattr(encoder, "embed_queries") and hasattr(encoder, "embed_passages")):
            raise TypeError("encoder needs embed_queries() and embed_passages()")
        self.encoder = encoder
        self.analyzer = analyzer or ThaiEnglishAnalyzer()
        self.passages = passages
        self.min_similarity = min_similarity
        self.strong_similarity = strong_similarity
        self.min_overlap = min_overlap
        self.overlap_weight = overlap_weight

    def run(self, question: str, hits: Sequence[Hit]) -> Evidence:
        lang = detect_lang(question)
        top = list(hits)[: self.passages]
        candidates: list[tuple[int, int, int, str]] = []
        seen: set[str] = set()
        for number, hit in enumerate(top, start=1):
            for start, end in passage_sentences(hit.chunk.text):
                sentence = hit.chunk.text[start:end]
                key = _dedupe_key(sentence)
                if key not in seen:  # passages overlap: the same sentence can be in two of them
                    seen.add(key)
                    candidates.append((number, start, end, sentence))
        question_terms = set(self.analyzer.run(question))
        passage_terms = {term for hit in top for term in self.analyzer.run(hit.chunk.text)}
        overlap = len(question_terms & passage_terms) / len(question_terms) if question_terms else 0.0
        if not candidates:
            return Evidence(question, lang, (), np.zeros((0, 0), np.float32), 0.0, overlap, False)
        query_vector = self.encoder.embed_queries([question])[0]  # type: ignore[attr-defined]
        vectors = self.encoder.embed_passages([sentence for *_, sentence in candidates])  # type: ignore[attr-defined]
        similarities = vectors @ query_vector
        scored = []
        for (number, start, end, sentence), similarity in zip(candidates, similarities):
            terms = set(self.analyzer.run(sentence))
            own_overlap = len(question_terms & terms) / len(question_terms) if question_terms else 0.0
            score = float(similarity) + self.overlap_weight * own_overlap
            scored.append(EvidenceSentence(number, start, end, sentence, float(similarity), own_overlap, score))
        order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
        best = float(similarities.max())
        return Evidence(
            question=question,
            lang=lang,
            sentences=tuple(scored[i] for i in order),
            vectors=vectors[order],
            best_similarity=best,
            overlap=overlap,
            supported=self.is_supported(best, overlap),
        )

    def is_supported(self, best_similarity: float, overlap: float) -> bool:
        """A strong sentence match alone, or a fair one whose passages contain the question's words."""
        if best_similarity >= self.strong_similarity:
            return True
        return best_similarity >= self.min_similarity and overlap >= self.min_overlap

"""Find the sentences of the retrieved passages that answer a question, and whether any do.

Both answerers start here. Retrieval scores are fused z-scores: they rank passages well but say
nothing absolute about whether a passage answers the question (the best of ten off-topic
passages still gets a high z-score). Whether the documents support an answer is therefore decided
on the sentences themselves, with measures that are comparable across questions:

- ``support``: the best sentence's e5 cosine (question as ``query:``, sentence as ``passage:``)
  plus half its USE-multilingual cosine (the index's second encoder). Both work across Thai and
  English; in the calibration run on dev-qa against 40 off-topic questions (the questions of
  ``benchmarks/answers.py``) the sum separated better than either alone (ROC AUC 0.997; e5 alone
  0.978, USE alone 0.989). With the default thresholds: 36/40 dev answered, 0/40 off-topic.
- ``overlap``: the share of the question's content words (BM25 analyzer terms: newmm Thai words,
  stemmed English words, stop words dropped) that appear in the top passages. It only works
  within a script, so it confirms a borderline match but never vetoes a strong one.

Sentences are ranked for quoting by their e5 cosine, plus a little word overlap, minus a little
per retrieval rank (retrieval saw the title and heading path that a lone sentence lacks): in the
calibration run this put an evidence sentence among the top four candidates for 22 of the 32
questions whose evidence is in the passages read (e5 cosine alone: 16). End to end, the
extractive answer quotes the evidence for 16/40 dev questions (benchmarks/answers.py).
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
from ingest.sentences import dedupe_key, passage_sentences

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
    support: float
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
    best_similarity: float  # the best sentence's support score (e5 + weighted second encoder)
    overlap: float
    supported: bool


# Thresholds for an index with e5 only (``second_model = ""``), calibrated like the defaults:
# on dev-qa 38/40 found, 2/40 off-topic questions found.
E5_ONLY_THRESHOLDS = (0.835, 0.85, 0.2)


class EvidenceFinder:
    """Scores the sentences of the top retrieved passages against a question.

    Args:
        encoder: the primary encoder (e5: ``embed_queries`` adds ``query:``, ``embed_passages``
            adds ``passage:``).
        second_encoder: the index's second encoder (USE multilingual) or None; its cosine,
            times ``second_weight``, is added to the support score. Without it the support
            thresholds fall back to :data:`E5_ONLY_THRESHOLDS`.
        analyzer: the BM25 analyzer, for the word overlap.
        passages: how many of the top hits are read for sentences.
        min_similarity: below this best support score nothing supports an answer.
        strong_similarity: at or above it a sentence supports an answer on its own (cross-lingual
            matches share no words with the question).
        min_overlap: between the two thresholds, the share of question words the top passages
            must contain.
        overlap_weight: how much a sentence's own word overlap adds to its quoting rank.
        rank_weight: how much each retrieval rank below the first takes from it.
    """

    def __init__(
        self,
        encoder: object,
        second_encoder: object | None = None,
        analyzer: ThaiEnglishAnalyzer | None = None,
        passages: int = 5,
        min_similarity: float = 0.95,
        strong_similarity: float = 0.995,
        min_overlap: float = 0.5,
        second_weight: float = 0.5,
        overlap_weight: float = 0.05,
        rank_weight: float = 0.01,
    ) -> None:
        if passages <= 0:
            raise ValueError(f"passages must be positive, got {passages}")
        if not 0.0 <= min_similarity <= strong_similarity:
            raise ValueError("need 0 <= min_similarity <= strong_similarity")
        if not 0.0 <= min_overlap <= 1.0:
            raise ValueError(f"min_overlap must be within [0, 1], got {min_overlap}")
        for candidate in (encoder, second_encoder):
            if candidate is not None and not (hasattr(candidate, "embed_queries") and hasattr(candidate, "embed_passages")):
                raise TypeError("an encoder needs embed_queries() and embed_passages()")
        self.encoder = encoder
        self.second_encoder = second_encoder
        self.analyzer = analyzer or ThaiEnglishAnalyzer()
        self.passages = passages
        if second_encoder is None:
            min_similarity, strong_similarity, min_overlap = E5_ONLY_THRESHOLDS
        self.min_similarity = min_similarity
        self.strong_similarity = strong_similarity
        self.min_overlap = min_overlap
        self.second_weight = second_weight
        self.overlap_weight = overlap_weight
        self.rank_weight = rank_weight

    def run(self, question: str, hits: Sequence[Hit]) -> Evidence:
        lang = detect_lang(question)
        top = list(hits)[: self.passages]
        candidates: list[tuple[int, int, int, str]] = []
        seen: set[str] = set()
        for number, hit in enumerate(top, start=1):
            headings = frozenset(dedupe_key(heading) for heading in (hit.chunk.title, *hit.chunk.heading_path))
            for start, end in passage_sentences(hit.chunk.text, skip=headings):
                sentence = hit.chunk.text[start:end]
                key = dedupe_key(sentence)
                if key not in seen:  # passages overlap: the same sentence can be in two of them
                    seen.add(key)
                    candidates.append((number, start, end, sentence))
        question_terms = set(self.analyzer.run(question))
        passage_terms = {term for hit in top for term in self.analyzer.run(hit.chunk.text)}
        overlap = len(question_terms & passage_terms) / len(question_terms) if question_terms else 0.0
        if not candidates:
            return Evidence(question, lang, (), np.zeros((0, 0), np.float32), 0.0, overlap, False)
        texts = [sentence for *_, sentence in candidates]
        query_vector = self.encoder.embed_queries([question])[0]  # type: ignore[attr-defined]
        vectors = self.encoder.embed_passages(texts)  # type: ignore[attr-defined]
        similarities = vectors @ query_vector
        support = similarities.copy()
        if self.second_encoder is not None:
            second_query = self.second_encoder.embed_queries([question])[0]  # type: ignore[attr-defined]
            support = support + self.second_weight * (self.second_encoder.embed_passages(texts) @ second_query)  # type: ignore[attr-defined]
        scored = []
        for (number, start, end, sentence), similarity, supported in zip(candidates, similarities, support):
            terms = set(self.analyzer.run(sentence))
            own_overlap = len(question_terms & terms) / len(question_terms) if question_terms else 0.0
            score = float(similarity) + self.overlap_weight * own_overlap - self.rank_weight * (number - 1)
            scored.append(EvidenceSentence(number, start, end, sentence, float(similarity), float(supported), own_overlap, score))
        order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
        best = float(support.max())
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

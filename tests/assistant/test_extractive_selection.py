"""Which scored sentences the extractive answer quotes: the relevance margin and the length budget."""

from __future__ import annotations

import numpy as np

from assistant.evidence import Evidence, EvidenceFinder, EvidenceSentence
from assistant.extractive import ExtractiveAnswerer
from assistant.questions import analyse_question
from assistant.settings import Settings
from index.retrieval.hits import Hit
from ingest.model import Chunk
from tests.conftest import HashEmbedder

QUESTION = "What does Pillar 1 of the OURdata Index measure?"


def _evidence(lengths_scores: list[tuple[int, float]]) -> tuple[Evidence, list[Hit]]:
    """One passage holding sentences of the given lengths (characters) and quoting scores."""
    sentences_text = [f"Sentence {n} says {'x' * (length - 20)} here." for n, (length, _) in enumerate(lengths_scores)]
    text = " ".join(sentences_text)
    chunk = Chunk("r.pdf#0", "r.pdf", "Report", text, 1, (), "en", 0, len(text))
    sentences, start = [], 0
    for sentence_text, (_, score) in zip(sentences_text, lengths_scores):
        sentences.append(EvidenceSentence(1, start, start + len(sentence_text), sentence_text, 0.9, 1.2, 0.5, score))
        start += len(sentence_text) + 1
    vectors = np.eye(len(sentences), 8, dtype=np.float32)  # unrelated sentences: none repeats another
    evidence = Evidence(QUESTION, "en", tuple(sentences), vectors, 1.2, 1.0, True, analyse_question(QUESTION))
    return evidence, [Hit(1, 1.0, chunk, row=0)]


def _quoted(answerer: ExtractiveAnswerer, evidence: Evidence, hits: list[Hit]) -> list[str]:
    answer = answerer.from_evidence(evidence, hits)
    return [sentence for passage in answer.passages for sentence in passage.supporting]


def test_a_third_relevant_sentence_fits_after_two_long_ones() -> None:
    """Report sentences of 300-400 characters: the third relevant one is still quoted."""
    evidence, hits = _evidence([(300, 0.19), (400, 0.17), (230, 0.12)])
    settings = Settings()
    answerer = ExtractiveAnswerer(EvidenceFinder(HashEmbedder()), max_chars=settings.answer_max_chars)
    assert len(_quoted(answerer, evidence, hits)) == 3


def test_the_budget_and_the_margin_still_bound_the_answer() -> None:
    evidence, hits = _evidence([(300, 0.19), (400, 0.17), (230, 0.12), (200, 0.05)])
    answerer = ExtractiveAnswerer(EvidenceFinder(HashEmbedder()))
    assert len(_quoted(answerer, evidence, hits)) == 3  # the fourth is more than 0.1 below the best
    tight = ExtractiveAnswerer(EvidenceFinder(HashEmbedder()), max_chars=750)
    quoted = _quoted(tight, evidence, hits)
    assert len(quoted) == 2 and quoted[1].startswith("Sentence 1")

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


def _passage(texts_scores: list[tuple[str, float]]) -> tuple[Evidence, list[Hit]]:
    """One passage of the given sentences (in text order) and quoting scores, best first in the evidence."""
    text = " ".join(text for text, _ in texts_scores)
    chunk = Chunk("m.pdf#0", "m.pdf", "Methodology", text, 1, (), "en", 0, len(text))
    sentences, start = [], 0
    for sentence_text, score in texts_scores:
        sentences.append(EvidenceSentence(1, start, start + len(sentence_text), sentence_text, 0.9, 1.2, 0.5, score))
        start += len(sentence_text) + 1
    order = sorted(range(len(sentences)), key=lambda i: -sentences[i].score)
    vectors = np.eye(len(sentences), 8, dtype=np.float32)[order]
    question = "Does the lower alpha mean the dimension is less reliable?"
    evidence = Evidence(question, "en", tuple(sentences[i] for i in order), vectors, 1.2, 1.0, True, analyse_question(question))
    return evidence, [Hit(1, 1.0, chunk, row=0)]


def test_a_sentence_that_points_back_is_quoted_with_the_one_it_completes() -> None:
    """'This does not mean ...' finishes the quoted sentence's thought: without it the quote says the
    opposite of the document's answer."""
    evidence, hits = _passage(
        [
            ("Cronbach's alpha is a function of the number of items; therefore, the alpha of Open by default is lower.", 0.24),
            ("This does not mean the concept of Open by default is less reliable than the other dimensions.", 0.12),
            ("Table 3 lists the coefficients of every dimension in the survey.", 0.10),
        ]
    )
    answerer = ExtractiveAnswerer(EvidenceFinder(HashEmbedder()))
    answer = answerer.from_evidence(evidence, hits)
    assert "This does not mean" in answer.text
    assert "Table 3" not in answer.text  # below the margin, and it does not point back
    assert len([line for line in answer.text.splitlines() if line.startswith("- ")]) == 1  # one quote of two sentences


def test_a_following_sentence_that_does_not_point_back_stays_out() -> None:
    evidence, hits = _passage(
        [
            ("Cronbach's alpha is a function of the number of items; therefore, the alpha of Open by default is lower.", 0.24),
            ("Polyserial correlation was employed for items with few categories in the survey.", 0.12),
        ]
    )
    answer = ExtractiveAnswerer(EvidenceFinder(HashEmbedder())).from_evidence(evidence, hits)
    assert "Polyserial" not in answer.text


def test_a_thai_sentence_that_points_back_is_quoted_too() -> None:
    evidence, hits = _passage(
        [
            ("ค่าสัมประสิทธิ์ของมิตินี้ต่ำกว่ามิติอื่นเพราะมีจำนวนข้อคำถามน้อยกว่า", 0.24),
            ("อย่างไรก็ตาม ไม่ได้หมายความว่ามิตินี้มีความน่าเชื่อถือน้อยกว่ามิติอื่น", 0.10),
        ]
    )
    answer = ExtractiveAnswerer(EvidenceFinder(HashEmbedder())).from_evidence(evidence, hits)
    assert "อย่างไรก็ตาม ไม่ได้หมายความว่า" in answer.text


def _two_documents(first: str, second: str) -> tuple[Evidence, list[Hit]]:
    """The best sentence of each of two passages of two documents (their vectors apart: each is
    embedded after its own document's title, as the index stores them)."""
    chunks = [Chunk(f"{n}.md#0", f"{n}.md", f"Page {n}", text, None, (), "th", 0, len(text)) for n, text in ((1, first), (2, second))]
    sentences = (
        EvidenceSentence(1, 0, len(first), first, 0.9, 1.2, 0.5, 0.30),
        EvidenceSentence(2, 0, len(second), second, 0.9, 1.2, 0.5, 0.29),
    )
    vectors = np.array([[1.0, 0.0], [0.96, 0.28]], dtype=np.float32)  # cosine 0.96: no near-copy by vector
    question = "Token ของ Government API มีอายุกี่นาที"
    evidence = Evidence(question, "th", sentences, vectors, 1.2, 1.0, True, analyse_question(question))
    return evidence, [Hit(n, 1.0, chunk, row=n - 1) for n, chunk in enumerate(chunks, start=1)]


def test_the_same_sentence_in_two_documents_is_quoted_once() -> None:
    sentence = "หลังจากที่ Validate เรียบร้อยแล้ว กรณีที่ไม่มีการเรียกใช้งาน API ใด ๆ Token มีอายุ 60 นาที"
    answerer = ExtractiveAnswerer(EvidenceFinder(HashEmbedder()))
    for first in (f"หมายเหตุ {sentence}", sentence, f"**{sentence}**."):
        assert _quoted(answerer, *_two_documents(first, sentence)) == [first]


def test_two_sentences_that_differ_in_a_figure_are_both_quoted() -> None:
    english = "After validation, a token that is not used for any API call expires after 60 minutes."
    answerer = ExtractiveAnswerer(EvidenceFinder(HashEmbedder()))
    other = english.replace("60", "30")
    assert len(_quoted(answerer, *_two_documents(english, other))) == 2
    # a sentence that holds another and says more is no repeat
    longer = english[:-1] + ", and a refresh token expires after 24 hours unless the agency asks for longer ones."
    assert len(_quoted(answerer, *_two_documents(english, longer))) == 2

"""Which sentences the answerers may quote (``assistant.evidence``), with a word-count encoder (no model)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from assistant.evidence import EvidenceFinder
from assistant.retrieval import Hit
from ingest.chunker import Chunker
from ingest.model import Block, Document


class WordCounts:
    """Hashed word counts, L2-normalised: a short sentence made of the question's words beats a longer one."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 512), np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, zlib.crc32(word.encode()) % 512] += 1
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    embed_passages = embed_queries


def test_a_sentence_cut_by_a_page_break_is_quoted_whole_not_its_head() -> None:
    head = "The committee approves the annual data catalogue of every ministry"
    before = "The committee met four times during the year. " + head
    text = before + " no later than 30 June, after a public comment period of fourteen days."
    document = Document("report.pdf", "Annual report", [Block(text, page=3, page_breaks=((len(before) + 1, 4),))])
    first, second = Chunker().run(document)
    assert (first.text, first.page, second.page) == ("The committee met four times during the year.", 3, 4)
    question = "When does the committee approve the annual data catalogue of every ministry?"

    def quoted(hits: list[Hit]) -> list[tuple[int, str]]:
        return [(sentence.number, sentence.display) for sentence in EvidenceFinder(WordCounts()).run(question, hits).sentences]

    whole = head + " no later than 30 June, after a public comment period of fourteen days."
    both = quoted([Hit(1, 2.0, first), Hit(2, 1.0, second)])  # the page-3 passage ranks first
    assert both[0] == (2, whole)
    assert [display for _, display in both if head in display] == [whole]  # whole, once, never the head
    # page 4's passage not retrieved: still no half sentence to quote
    assert quoted([Hit(1, 1.0, first)]) == [(1, "The committee met four times during the year.")]

"""Sentence vectors at ingest: offsets through the passage template, and one pass per passage when
an encoder pools its sentences."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.analyzer import ThaiEnglishAnalyzer
from index.sentence_embedding import passage_with_text_map, sentence_groups
from index.storage import IndexWriter, OpenIndex, passage_for_index
from ingest.model import Block, Chunk, Document
from tests.conftest import HashEmbedder

TEMPLATE = "{title}\n{heading}\n{text}"


def _chunk(text: str, title: str = "Open data policy", heading: tuple[str, ...] = ("Principles",), source: str = "a.md") -> Chunk:
    return Chunk(
        chunk_id=f"{source}-0", source=source, title=title, text=text, page=None, heading_path=heading, lang="en", start=0, end=len(text)
    )


@pytest.mark.parametrize(
    "text, heading",
    [
        ("Agencies publish data.\n\nCitizens reuse it freely. Nobody pays.", ("Principles",)),
        ("\n\nStarts after blank lines.\n \nAnd a line of spaces.", ()),
        ("One line only.", ("A", "B")),
    ],
)
def test_the_text_map_gives_the_passage_and_where_each_sentence_landed(text: str, heading: tuple[str, ...]) -> None:
    chunk = _chunk(text, heading=heading)
    passage, positions, (start, end) = passage_with_text_map(chunk, TEMPLATE)
    assert passage == passage_for_index(chunk, TEMPLATE)
    for offset, character in enumerate(text):
        if positions[offset] >= 0:
            assert passage[positions[offset]] == character
    assert passage[start:end].split() == text.split()


def test_sentence_groups_hold_the_title_and_heading_and_the_sentence() -> None:
    text = "Agencies publish data.\n\nCitizens reuse it freely."
    chunk = _chunk(text)
    second = (text.index("Citizens"), len(text))
    passage, groups = sentence_groups(chunk, TEMPLATE, [second])
    (context, sentence, tail) = groups[0]
    assert passage[context[0] : context[1]].split() == ["Open", "data", "policy", "Principles"]
    assert passage[sentence[0] : sentence[1]] == "Citizens reuse it freely."
    assert tail[0] == tail[1] == len(passage)


def test_a_template_with_text_twice_cannot_be_pooled() -> None:
    with pytest.raises(ValueError, match="twice"):
        passage_with_text_map(_chunk("x"), "{text} {title} {text}")


class PoolingEmbedder(HashEmbedder):
    """A hash encoder that pools: a group's vector is the hash of the words in its ranges."""

    can_pool_spans = True
    pooled_sentences_faithful = True

    def __init__(self) -> None:
        super().__init__()
        self.pooled_calls: list[int] = []
        self.plain_texts: list[str] = []

    def embed_passages(self, passages: list[str], show_progress: bool = False) -> np.ndarray:
        self.plain_texts.extend(passages)
        return super().embed_passages(passages)

    def embed_passages_pooled(self, passages, groups, show_progress=False):  # type: ignore[no-untyped-def]
        from index.embedder import PooledPassages

        self.pooled_calls.append(len(passages))
        pooled = [
            np.stack([self._vector(" ".join(text[a:b] for a, b in ranges)) for ranges in group]) if group else np.zeros((0, self.dimension), np.float32)
            for text, group in zip(passages, groups)
        ]
        found = [np.ones(len(group), bool) for group in groups]
        return PooledPassages(super().embed_passages(list(passages)), pooled, found)


def _build(tmp_path: Path, encoder: HashEmbedder, method: str = "auto"):  # type: ignore[no-untyped-def]
    texts = ["Agencies publish their data. Citizens reuse it freely.", "Kiosks read the national identity card. Fees are paid with a QR code."]
    chunks = [_chunk(text, source=f"d{n}.md") for n, text in enumerate(texts)]
    documents = [Document(source=f"d{n}.md", title="Open data policy", blocks=[Block(text)], lang="en") for n, text in enumerate(texts)]
    writer = IndexWriter([encoder], ThaiEnglishAnalyzer(), passage_template=TEMPLATE, show_progress=False, sentence_method=method)
    return writer.run(documents, chunks, tmp_path / "index")


def test_pooled_sentences_cost_one_pass_per_passage_and_are_the_title_heading_and_sentence(tmp_path: Path) -> None:
    encoder = PoolingEmbedder()
    stats = _build(tmp_path, encoder)
    assert encoder.pooled_calls == [2] and encoder.plain_texts == []  # no second pass for the sentences
    index = OpenIndex(tmp_path / "index")
    try:
        stored = index.sentences.for_rows(0, [0])[0]  # type: ignore[union-attr]
        chunk = index.store.get([0])[0]
        for start, end, vector in stored:
            expected = encoder._vector(f"Open data policy\nPrinciples {chunk.text[start:end]}")
            assert np.allclose(vector, expected, atol=1e-3)  # stored as float16
        methods = [encoder_entry["sentence_method"] for encoder_entry in json.loads((stats.generation / "manifest.json").read_text())["encoders"]]
        assert methods == ["pooled-1"]
    finally:
        index.close()


def test_another_sentence_method_re_embeds_the_sentences_and_keeps_the_passages(tmp_path: Path) -> None:
    _build(tmp_path, PoolingEmbedder(), method="separate")
    encoder = PoolingEmbedder()
    stats = _build(tmp_path, encoder, method="pooled")
    assert stats.reused_passages == 2 and stats.embedded_passages == 0
    assert stats.reused_sentences == 0 and stats.embedded_sentences == 4
    again = _build(tmp_path, PoolingEmbedder(), method="pooled")
    assert again.reused_sentences == 4 and again.embedded_sentences == 0


def test_an_encoder_that_cannot_pool_embeds_its_sentences_apart(tmp_path: Path) -> None:
    encoder = PoolingEmbedder()
    encoder.can_pool_spans = False  # type: ignore[misc]
    stats = _build(tmp_path, encoder, method="pooled")
    assert encoder.pooled_calls == [] and len(encoder.plain_texts) == 2 + 4
    assert json.loads((stats.generation / "manifest.json").read_text())["encoders"][0]["sentence_method"] == "separate"


def test_a_sentence_repeated_by_the_chunk_overlap_is_embedded_once(tmp_path: Path) -> None:
    texts = ["Agencies publish their data. Citizens reuse it freely.", "Citizens reuse it freely. Fees are paid with a QR code."]
    chunks = [replace(_chunk(text, source="d.md"), chunk_id=f"d.md-{n}") for n, text in enumerate(texts)]
    document = Document(source="d.md", title="Open data policy", blocks=[Block(" ".join(texts))], lang="en")
    encoder = PoolingEmbedder()
    encoder.can_pool_spans = False  # type: ignore[misc]
    writer = IndexWriter([encoder], ThaiEnglishAnalyzer(), passage_template=TEMPLATE, show_progress=False, sentence_method="separate")
    stats = writer.run([document], chunks, tmp_path / "index")
    sentences = encoder.plain_texts[2:]
    assert len(sentences) == 3 and len(set(sentences)) == 3  # 4 sentences, the shared one once
    assert stats.embedded_sentences == 4
    index = OpenIndex(tmp_path / "index")
    try:
        stored = index.sentences.for_rows(0, [0, 1])  # type: ignore[union-attr]
        for row, text in enumerate(texts):
            for start, end, vector in stored[row]:
                assert np.allclose(vector, encoder._vector(f"Open data policy\nPrinciples\n{text[start:end]}"), atol=1e-3)  # stored as float16
        assert np.array_equal(stored[0][1][2], stored[1][0][2])
    finally:
        index.close()


def test_the_build_says_where_the_embedding_time_went(tmp_path: Path) -> None:
    separate = PoolingEmbedder()
    separate.can_pool_spans = False  # type: ignore[misc]
    stats = _build(tmp_path / "separate", separate, method="separate")
    assert set(stats.embed_breakdown) == {"sentence plan", "loading models", "test-hash passages", "test-hash sentences"}
    pooled = _build(tmp_path / "pooled", PoolingEmbedder(), method="pooled")
    assert set(pooled.embed_breakdown) == {"sentence plan", "loading models", "test-hash passages"}  # sentences in the passage pass
    assert all(seconds >= 0 for seconds in [*stats.embed_breakdown.values(), *pooled.embed_breakdown.values()])
    assert sum(stats.embed_breakdown.values()) <= stats.embed_seconds


def test_title_context_embeds_each_sentence_after_the_title_alone_and_another_context_re_embeds(tmp_path: Path) -> None:
    def build(context: str) -> tuple[PoolingEmbedder, object]:
        encoder = PoolingEmbedder()
        encoder.can_pool_spans = False  # type: ignore[misc]
        texts = ["Agencies publish their data. Citizens reuse it freely.", "Kiosks read the national identity card. Fees are paid with a QR code."]
        chunks = [_chunk(text, source=f"d{n}.md") for n, text in enumerate(texts)]
        documents = [Document(source=f"d{n}.md", title="Open data policy", blocks=[Block(text)], lang="en") for n, text in enumerate(texts)]
        writer = IndexWriter(
            [encoder], ThaiEnglishAnalyzer(), passage_template=TEMPLATE, show_progress=False, sentence_method="separate", sentence_context=context
        )
        return encoder, writer.run(documents, chunks, tmp_path / "index")

    encoder, stats = build("title")
    assert encoder.plain_texts[2:] == [
        "Open data policy\nAgencies publish their data.",
        "Open data policy\nCitizens reuse it freely.",
        "Open data policy\nKiosks read the national identity card.",
        "Open data policy\nFees are paid with a QR code.",
    ]  # no heading path ("Principles")
    assert json.loads((stats.generation / "manifest.json").read_text())["encoders"][0]["sentence_method"] == "separate-title"
    encoder, stats = build("heading")
    assert stats.reused_passages == 2 and stats.embedded_sentences == 4 and encoder.plain_texts[0].startswith("Open data policy\nPrinciples\n")
    with pytest.raises(ValueError, match="sentence_context"):
        IndexWriter([PoolingEmbedder()], ThaiEnglishAnalyzer(), passage_template=TEMPLATE, sentence_context="none")

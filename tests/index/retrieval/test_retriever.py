"""HybridRetriever: filters before the cut, collections, duplicates, Thai digits (hashing encoder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.retrieval import HybridRetriever, RetrievalWeights
from tests.conftest import HashEmbedder
from tests.index.retrieval.conftest import build_index

TOPIC = "digital government open data portal"
WORDS = "strategy budget citizens services cloud identity standards law survey index agency plan".split()
BIG = {
    f"big{i}.md": [f"{TOPIC} {WORDS[(i + j) % 12]} {WORDS[(3 * i + 2 * j + 1) % 12]} chapter {i * 6 + j}" for j in range(6)]
    for i in range(8)
}
SMALL = {"small.md": ["budget of the fisheries department", "harbour inspection schedule", "boat licence fees", "coastal survey"]}


def _retriever(index, candidates: int = 5, **weights: object) -> HybridRetriever:  # type: ignore[no-untyped-def]
    return HybridRetriever(
        index,
        [HashEmbedder(dimension=256)],
        RetrievalWeights(dense=(1.0,), **weights),  # type: ignore[arg-type]
        dense_candidates=candidates,
        bm25_candidates=candidates,
        sentence_candidates=candidates,
    )


class TestFilters:
    def test_document_filter_on_a_small_document_returns_its_k_passages(self, tmp_path: Path) -> None:
        """The small document's passages rank far below the 5 candidates kept per list; filtering
        after the cut returned none of them."""
        index = build_index(tmp_path, {**BIG, **SMALL})
        retriever = _retriever(index)
        assert not any(hit.chunk.source == "small.md" for hit in retriever.run(TOPIC, k=10))
        hits = retriever.run(TOPIC, k=4, sources={"small.md"})
        assert sorted(hit.chunk.text for hit in hits) == sorted(SMALL["small.md"])

    def test_language_filter_before_the_cut(self, tmp_path: Path) -> None:
        thai = {"th.md": ["งบประมาณกรมประมง", "ตารางตรวจท่าเรือ", "ค่าธรรมเนียมใบอนุญาตเรือ"]}
        index = build_index(tmp_path, {**BIG, **thai})
        hits = _retriever(index).run(TOPIC, k=3, langs={"th"})
        assert sorted(hit.chunk.text for hit in hits) == sorted(thai["th.md"])

    def test_collections_filter_never_returns_other_collections(self, tmp_path: Path) -> None:
        collections = {source: "public" for source in BIG} | {"small.md": "secret"}
        index = build_index(tmp_path, {**BIG, **SMALL}, collections)
        retriever = _retriever(index)
        hits = retriever.run("fisheries department budget", k=10, collections={"public"})
        assert len(hits) == 10 and all(hit.chunk.collection == "public" for hit in hits)
        assert {hit.chunk.source for hit in retriever.run("fisheries department budget", k=4, collections={"secret"})} == {"small.md"}
        assert retriever.run("fisheries department budget", k=4, collections=set()) == []

    def test_empty_sources_and_langs_mean_all(self, tmp_path: Path) -> None:
        index = build_index(tmp_path, {**BIG, **SMALL})
        retriever = _retriever(index)
        assert len(retriever.run(TOPIC, k=7, sources=set(), langs=set())) == 7


class TestDuplicates:
    def test_copies_take_one_place_and_list_the_others(self, tmp_path: Path) -> None:
        text = "agencies must explain automated decisions made with artificial intelligence"
        documents = {
            "x.md": [text],
            "x (1).md": [text],
            "archive/x-2024.md": [text.replace("  ", " ") + " "],
            "ai-risk.md": ["artificial intelligence risk: agencies explain automated decisions to citizens"],
            **{f"other{i}.md": [f"unrelated harbour survey number {i}"] for i in range(4)},
        }
        index = build_index(tmp_path, documents)
        hits = _retriever(index, candidates=20).run("automated decisions artificial intelligence agencies explain", k=3)
        texts = [" ".join(hit.chunk.text.split()) for hit in hits]
        assert len(set(texts)) == len(texts) == 3
        assert "ai-risk.md" in [hit.chunk.source for hit in hits]
        first = next(hit for hit in hits if hit.chunk.source in {"x.md", "x (1).md", "archive/x-2024.md"})
        assert {first.chunk.source, *(source for source, _ in first.also_in)} == {"x.md", "x (1).md", "archive/x-2024.md"}
        assert first.to_dict()["also_in"] and hits[0].rank == 1 and [hit.rank for hit in hits] == [1, 2, 3]


class TestThaiDigits:
    def test_a_thai_digit_year_finds_the_arabic_digit_passage_by_dense_retrieval_alone(self, tmp_path: Path) -> None:
        """Word-hashing vectors share nothing between "๒๕๖๗" and "2567" unless digits are mapped
        before the encoder; the other year's passage shares more words with the question."""
        documents = {"plan-2566.md": ["แผน ปี 2566"], "plan-2567.md": ["แผน 2567"]}
        index = build_index(tmp_path, documents)
        retriever = _retriever(index, bm25=0.0, sentence=0.0)
        assert retriever.run("แผน ปี ๒๕๖๗", k=1)[0].chunk.source == "plan-2567.md"


@pytest.mark.parametrize("k", [0, -1])
def test_k_must_be_positive(tmp_path: Path, k: int) -> None:
    index = build_index(tmp_path, SMALL)
    with pytest.raises(ValueError, match="k must be positive"):
        _retriever(index).run("boat", k=k)


MANY = {
    f"report{i}.md": [
        f"The {WORDS[i % 12]} office publishes its {TOPIC} plan {i * 5 + j}. Agencies review the {WORDS[(i + j) % 12]} rules every year. "
        f"Citizens asked the ministry about {WORDS[(2 * i + j) % 12]} fees in {2000 + i + j}."
        for j in range(5)
    ]
    for i in range(10)
}


def _bytes_read(index) -> int:  # type: ignore[no-untyped-def]
    return sum(file.rows_read for file in index.sentences.vectors_per_encoder)


class TestLargeSentencePools:
    """A sentence pool larger than ``sentence_scan_max`` is read for the candidate passages only:
    what a query reads is bounded by the candidates, not by the size of the index."""

    def _retriever(self, index, candidates: int, scan_max: int) -> HybridRetriever:  # type: ignore[no-untyped-def]
        return HybridRetriever(
            index, [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,)), dense_candidates=candidates,
            bm25_candidates=candidates, sentence_candidates=candidates, sentence_scan_max=scan_max,
        )

    def test_a_large_pool_reads_only_the_sentences_of_the_dense_and_bm25_candidates(self, tmp_path: Path) -> None:
        index = build_index(tmp_path, MANY)
        sentences = index.sentences
        assert sentences is not None and sentences.pool_size("en") > 2 * len(index)  # several sentences a passage
        retriever = self._retriever(index, candidates=4, scan_max=10)
        vector = retriever.embed([TOPIC])[0][0]
        dense = retriever.dense_stage.raw(0, vector)["en"]
        lexical = retriever.lexical_stage.run(TOPIC, "en", None, 5.0, 0.5)
        candidates = np.array(sorted(set(dense) | set(lexical)))
        before = _bytes_read(index)
        hits = retriever.run(TOPIC, k=3)
        assert _bytes_read(index) - before == len(sentences.numbers_of_rows(candidates)) < sentences.pool_size("en")
        spread = hits[0].sentence_spread[(0, "en")]  # type: ignore[index]
        expected = np.sort(sentences.vectors(0)[sentences.numbers_of_rows(candidates)] @ vector)[::-1][:4]
        assert np.allclose(spread, expected, atol=1e-6)  # the answers' spread: the same read, no second scan

    def test_a_small_pool_is_still_scored_whole(self, tmp_path: Path) -> None:
        index = build_index(tmp_path, MANY)
        retriever = self._retriever(index, candidates=4, scan_max=20_000)
        before = _bytes_read(index)
        hits = retriever.run(TOPIC, k=3)
        assert _bytes_read(index) - before == index.sentences.pool_size("en")  # type: ignore[union-attr]
        vector = retriever.embed([TOPIC])[0][0]
        assert np.allclose(hits[0].sentence_spread[(0, "en")], index.sentences.top_scores(0, "en", vector, 4), atol=1e-6)  # type: ignore[index,union-attr]

    def test_candidates_covering_the_pool_rank_as_the_whole_scan_does(self, tmp_path: Path) -> None:
        index = build_index(tmp_path, MANY)
        whole = self._retriever(index, candidates=len(index), scan_max=20_000).run("ministry fees for citizens in 2005", k=10)
        limited = self._retriever(index, candidates=len(index), scan_max=0).run("ministry fees for citizens in 2005", k=10)
        assert [(hit.row, round(hit.score, 9)) for hit in limited] == [(hit.row, round(hit.score, 9)) for hit in whole]

    def test_a_filtered_search_carries_no_spread(self, tmp_path: Path) -> None:
        """The answers then z-score against the pool they may scan, not a filtered part of it."""
        index = build_index(tmp_path, MANY)
        hits = self._retriever(index, candidates=4, scan_max=0).run(TOPIC, k=3, sources={"report1.md"})
        assert hits and all(hit.chunk.source == "report1.md" and hit.sentence_spread is None for hit in hits)


def test_a_reference_list_is_ranked_below_the_passage_that_says_something(tmp_path: Path) -> None:
    """An OECD report's bibliography repeats the titles a question names and came first; the
    finding is what a researcher wants (``RetrievalWeights.reference_list``, 0: off)."""
    references = (
        "OECD (2019), Digital Government Review of Sweden: Towards a Data-driven Public Sector, OECD Publishing, Paris,\n"
        "https://dx.doi.org/10.1787/4daf932b-en.\n[10]\n"
        "OECD (2020), Data-driven Public Sector: Enabling the Strategic Use of Data, OECD Publishing, Paris."
    )
    finding = "A data-driven public sector uses data to anticipate needs and to design policies."
    others = [
        "Cloud first policy moves agency workloads to shared infrastructure.",
        "Digital identity lets citizens sign in once for every service.",
        "Open government data is published in machine-readable formats.",
    ]
    index = build_index(tmp_path, {"en/references.md": [references], "en/finding.md": [finding], "en/other.md": others})
    question = "data-driven public sector data OECD Publishing"

    def first(weight: float) -> str:
        retriever = HybridRetriever(index, [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,), reference_list=weight))
        return retriever.run(question, k=2)[0].chunk.source

    assert first(0.0) == "en/references.md"  # by its words the bibliography wins
    assert first(RetrievalWeights().reference_list) == "en/finding.md"

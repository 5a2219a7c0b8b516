"""The second-stage reranker: its features, its weights file, and how the retriever applies it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from index.retrieval import HybridRetriever, RetrievalWeights
from index.retrieval.rerank import (
    DEPTH,
    WEIGHTS_FILE,
    Evidence,
    LinearReranker,
    candidate_features,
    feature_names,
    make_reranker,
    rerank,
)
from tests.conftest import HashEmbedder
from tests.index.retrieval.conftest import build_index

NAMES = feature_names(1)
ROW_LANGS = np.array(["en", "en", "en", "th", "th"], dtype=object)


def _column(features: np.ndarray, name: str, names: tuple[str, ...] = NAMES) -> list[float]:
    return features[:, names.index(name)].round(6).tolist()


def _evidence() -> Evidence:
    return Evidence(
        query_lang="th",
        fused={0: 3.0, 3: 2.5, 1: 1.0, 4: 0.5, 2: 0.1},
        dense={0: {"en": {0: 0.8, 1: 0.6}, "th": {3: 0.9, 4: 0.7}}},
        sentences={0: {"en": {0: 0.5, 1: 0.7}}},
        bm25_share={3: 0.4, 0: 0.2},
    )


def test_features_are_standardised_within_each_passages_own_pool() -> None:
    rows = [0, 3, 1, 4, 2]
    features = candidate_features(_evidence(), rows, ROW_LANGS, encoders=1)
    assert features.shape == (5, len(NAMES))
    # Two cosines per pool: z = +1 / -1 in each, whatever the pools' cosine levels.
    assert _column(features, "e5_passage_z") == [1.0, 1.0, -1.0, -1.0, -1.0]  # row 2 missing: its pool's floor
    # Gap: the cosine minus the best of its own pool's list (a Thai-English cosine is not compared
    # with a Thai-Thai one); a missing row gets the list's lowest cosine.
    assert _column(features, "e5_passage_gap") == [0.0, 0.0, -0.2, -0.2, -0.2]
    assert _column(features, "e5_sentence_z") == [-1.0, 0.0, 1.0, 0.0, -1.0]  # no Thai sentence list: 0
    assert _column(features, "bm25_share") == [0.2, 0.4, 0.0, 0.0, 0.0]
    # Weighted by script as the fused score weighs it: half for the English passage of a Thai question.
    assert _column(features, "bm25") == [0.1, 0.4, 0.0, 0.0, 0.0]
    assert _column(features, "cross") == [1.0, 0.0, 1.0, 0.0, 1.0]  # Thai question, English passages
    assert _column(features, "cross_e5_passage_z") == [1.0, 0.0, -1.0, -0.0, -1.0]
    assert _column(features, "cross_bm25_share") == [0.2, 0.0, 0.0, 0.0, 0.0]
    assert _column(features, "fused_gap") == [0.0, -0.5, -2.0, -2.5, -2.9]
    assert _column(features, "log_rank")[:2] == [0.0, round(float(np.log(2)), 6)]
    # Place in its own pool's list: 0, 1, and one below the list for a row missing from it.
    log2, log3 = round(float(np.log(2)), 6), round(float(np.log(3)), 6)
    assert _column(features, "e5_passage_log_rank") == [0.0, 0.0, log2, log2, log3]
    assert _column(features, "bm25_log_rank") == [log2, 0.0, log3, log3, log3]
    only = candidate_features(_evidence(), rows, ROW_LANGS, encoders=1, names=("cross", "fused"))
    assert only.tolist() == features[:, [NAMES.index("cross"), NAMES.index("fused")]].tolist()


def test_rerank_puts_the_reordered_rows_above_the_rest_in_their_new_order() -> None:
    scores = {0: 3.0, 1: 2.0, 2: 1.0, 3: 0.5, 4: 0.1}
    result = rerank(scores, [0, 1, 2], np.array([-1.0, 5.0, 0.0]))
    assert sorted(result, key=lambda row: -result[row]) == [1, 2, 0, 3, 4]
    assert result[3] == 0.5 and result[4] == 0.1  # below the depth: untouched


def _ranker(names: tuple[str, ...], weights: dict[str, float]) -> LinearReranker:
    return LinearReranker(
        names, np.zeros(len(names)), np.ones(len(names)), np.array([weights.get(name, 0.0) for name in names]), depth=DEPTH
    )


def test_a_weights_file_round_trips_and_one_for_other_features_is_refused(tmp_path: Path) -> None:
    names = feature_names(2)
    path = tmp_path / "weights.json"
    path.write_text(_ranker(names, {"fused": 1.5, "cross_bm25_share": -0.25}).to_json({"trained_on": "test"}))
    loaded = LinearReranker.load(path)
    assert loaded.names == names and loaded.weights[names.index("fused")] == 1.5
    assert loaded.weights[names.index("cross_bm25_share")] == -0.25
    with pytest.raises(ValueError, match="retrain"):
        LinearReranker.load(path, encoders=1)
    record = json.loads(path.read_text())
    record["scale"]["fused"] = 0.0
    path.write_text(json.dumps(record))
    with pytest.raises(ValueError, match="positive"):
        LinearReranker.load(path)
    with pytest.raises(ValueError, match="not a reranker weights file"):
        LinearReranker.load(tmp_path / "missing.json")


def test_the_shipped_weights_fit_the_product_retrievers_features() -> None:
    ranker = make_reranker("learned", encoders=2)
    assert isinstance(ranker, LinearReranker) and set(ranker.names) <= set(feature_names(2)) and ranker.depth == DEPTH
    features = candidate_features(_evidence(), [0, 3, 1, 4, 2], ROW_LANGS, encoders=2, names=ranker.names)
    assert ranker.scores(features).shape == (5,)
    assert make_reranker("none") is None
    with pytest.raises(ValueError, match="none, learned"):
        make_reranker("cross-encoder")
    assert WEIGHTS_FILE.name == "rerank_weights.json"


TOPIC = "digital government open data portal"
WORDS = "strategy budget citizens services cloud identity standards law survey index agency plan".split()
DOCS = {f"d{i}.md": [f"{TOPIC} {WORDS[(i + j) % 12]} {WORDS[(5 * i + j) % 12]} chapter {i * 4 + j}" for j in range(4)] for i in range(6)}


@dataclass
class ReverseFused:
    """Scores the candidates by their fused score negated: the retriever must hand back its fused
    top candidates in reverse order."""

    depth: int = 5
    names: tuple[str, ...] = ("fused",)

    def scores(self, features: np.ndarray) -> np.ndarray:
        return -features[:, 0]


def test_the_retriever_hands_back_its_fused_top_candidates_in_the_rerankers_order(tmp_path: Path) -> None:
    index = build_index(tmp_path, DOCS)

    def retriever(reranker: ReverseFused | None) -> HybridRetriever:
        return HybridRetriever(
            index, [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,)), dense_candidates=10,
            bm25_candidates=10, sentence_candidates=10, dedup=None, reranker=reranker,
        )

    question = "budget cloud chapter 9"
    base = {hit.row: hit.score for hit in retriever(None).run(question, k=10)}
    # A caller asking for more hits than the depth gets at least that many re-ordered: here all ten
    # (the fused scores of these rows tie in places, so the order is checked by score).
    for depth in (2, 10):
        reranked = [hit.row for hit in retriever(ReverseFused(depth=depth)).run(question, k=10)]
        assert set(reranked) == set(base)
        assert [base[row] for row in reranked] == sorted(base.values())

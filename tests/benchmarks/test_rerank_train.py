"""The reranker's training: the listwise fit learns the order, ranks count ties against the gold one,
and cross-fitting never scores an article with a ranker trained on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.rerank_train import Dataset, cross_fit, fit, ranks


def _synthetic(questions: int = 240, depth: int = 10, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature 0 is the fused score (gold second for most questions), feature 1 tells the gold one."""
    rng = np.random.default_rng(seed)
    features = np.zeros((questions, depth, 3))
    features[:, :, 0] = -np.arange(depth)[None, :] + rng.normal(0, 0.1, (questions, depth))
    features[:, :, 2] = rng.normal(0, 1, (questions, depth))
    gold = np.full(questions, 1)
    gold[::4] = 0
    features[np.arange(questions), gold, 1] = 1.0 + rng.normal(0, 0.1, questions)
    return features, np.ones((questions, depth), dtype=bool), gold


def test_the_fit_learns_the_feature_that_tells_the_gold_passage() -> None:
    features, mask, gold = _synthetic()
    mean, scale, weights = fit(features, mask, gold, np.ones(len(gold)), ("fused", "signal", "noise"))
    scores = ((features - mean) / scale) @ weights
    assert np.all(ranks(scores, mask, gold) == 1)
    assert weights[1] > abs(weights[2]) * 5


def test_ties_with_the_gold_candidate_rank_it_lower_and_absent_gold_is_zero() -> None:
    scores = np.array([[1.0, 1.0, 0.0], [3.0, 2.0, 1.0]])
    mask = np.ones((2, 3), dtype=bool)
    assert ranks(scores, mask, np.array([0, -1])).tolist() == [2, 0]


def test_cross_fitting_scores_each_article_with_a_ranker_that_never_saw_it(tmp_path: Path) -> None:
    """Each article's gold candidate is told by a feature of its own: a ranker that saw the article
    would find it; one fitted on the other articles cannot, so the cross-fitted R@1 stays at the base."""
    questions, depth, articles = 80, 6, 8
    features = np.zeros((questions, depth, 2 + articles))
    features[:, :, 0] = -np.arange(depth)[None, :]
    gold = np.full(questions, 2)
    article = np.arange(questions) % articles
    features[np.arange(questions), gold, 2 + article] = 1.0  # an article-specific tell
    names = np.array(["fused", "cross", *[f"a{number}" for number in range(articles)]])
    path = tmp_path / "features.npz"
    np.savez(
        path,
        features=features.reshape(-1, features.shape[2]),
        sizes=np.full(questions, depth),
        queries=np.stack([np.arange(questions) % 2, np.arange(questions), article, gold], axis=1),
        names=names,
        directions=np.array(["th->en", "th->th"]),
    )
    dataset = Dataset(path)
    assert dataset.cross().tolist()[:2] == [True, False]
    result = cross_fit(dataset, folds=4)
    for row in result["directions"].values():
        assert row["base"]["recall@1"] == 0.0 and row["reranked"]["recall@1"] == 0.0
    mean, scale, weights = fit(dataset.features, dataset.mask, dataset.gold, np.ones(questions), tuple(names))
    in_sample = ranks(((dataset.features - mean) / scale) @ weights, dataset.mask, dataset.gold)
    assert np.all(in_sample == 1)  # what training on the scored articles would have reported

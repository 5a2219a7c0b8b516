"""Hubness: a sentence close to everything in the other language scores higher than a specific one."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.hubness import cross_pool_hubness, pool_zscores
from index.sentences import SentenceVectors


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _space(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """20 English sentences on separate topics, 5 Thai ones: one generic (the mean of the English
    ones: near all of them), four each translating one English sentence."""
    rng = np.random.default_rng(seed)
    english = _unit(rng.normal(size=(20, 32)))
    generic = _unit(english.mean(axis=0, keepdims=True))
    translations = _unit(english[:4] + 0.05 * rng.normal(size=(4, 32)))
    vectors = np.vstack([english, generic, translations])
    pools = np.array([0] * 20 + [1] * 5, dtype=np.uint8)
    return vectors, pools


def test_the_generic_sentence_is_the_hub_of_its_pool() -> None:
    vectors, pools = _space()
    hubness = cross_pool_hubness(vectors, pools, k=5, min_others=0)
    thai = hubness[20:]
    assert int(np.argmax(thai)) == 0  # the generic sentence, not a translation
    z = pool_zscores(hubness, pools)
    assert abs(float(z[pools == 0].mean())) < 1e-5 and abs(float(z[pools == 1].mean())) < 1e-5
    assert z[20] > 1.0


def test_a_sample_of_the_other_pool_is_deterministic_and_one_pool_has_no_hubs() -> None:
    vectors, pools = _space()
    assert np.array_equal(
        cross_pool_hubness(vectors, pools, k=3, sample=8, min_others=0), cross_pool_hubness(vectors, pools, k=3, sample=8, min_others=0)
    )
    assert not cross_pool_hubness(vectors, pools, k=3).any()  # 5 Thai, 20 English sentences: too few to tell a hub
    assert not cross_pool_hubness(vectors, np.zeros(len(vectors), dtype=np.uint8)).any()


def test_hubness_is_written_with_the_sentences_and_read_back(tmp_path: Path) -> None:
    vectors, pools = _space()
    rows = np.arange(len(vectors))
    spans = np.array([[0, 10]] * len(vectors))
    store = SentenceVectors(rows, [vectors], spans, np.where(pools == 0, "en", "th"))
    store.hubness[0] = cross_pool_hubness(vectors, pools, k=5, min_others=0)
    store.save(tmp_path)
    loaded = SentenceVectors.load(tmp_path, [32])
    assert loaded is not None and loaded.hubness[0] is not None
    # row 20 (the generic Thai sentence) has the highest z-score of the Thai pool
    found = loaded.hubness_for_rows(0, [20, 21])
    assert found[20][0] > found[21][0] > -10
    # an index written before hubness: no values, nothing subtracted
    (tmp_path / "sentences" / "hubness-0.npy").unlink()
    assert SentenceVectors.load(tmp_path, [32]).hubness_for_rows(0, [20]) == {}  # type: ignore[union-attr]

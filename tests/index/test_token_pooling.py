"""Pooling parts of a passage from its token states: which tokens each sentence averages."""

from __future__ import annotations

import numpy as np

from index.token_pooling import l2_normalize, mean_pool, own_token_counts, token_masks

# "passage: Hello world. Bye now." tokenised as <s> passage : Hello world . Bye now . </s>
PROMPT = "passage: "
OFFSETS = np.array([(0, 0), (0, 7), (7, 8), (8, 14), (14, 20), (20, 21), (21, 25), (25, 29), (29, 30), (0, 0)])
SPECIAL = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1], dtype=bool)


def test_a_sentence_pools_its_own_tokens_the_prompt_and_the_special_tokens() -> None:
    text = "Hello world. Bye now."
    first, second = (0, text.index("Bye") - 1), (text.index("Bye"), len(text))
    masks = token_masks(OFFSETS, SPECIAL, [[first], [second]], shift=len(PROMPT))
    assert masks[0].tolist() == [True, True, True, True, True, True, False, False, False, True]
    # " Bye" starts with the space before it: it belongs to the sentence it starts
    assert masks[1].tolist() == [True, True, True, False, False, False, True, True, True, True]
    assert own_token_counts(masks, OFFSETS, SPECIAL, len(PROMPT)).tolist() == [3, 3]


def test_a_range_beyond_the_truncated_tokens_has_no_tokens_of_its_own() -> None:
    masks = token_masks(OFFSETS, SPECIAL, [[(400, 420)]], shift=len(PROMPT))
    assert own_token_counts(masks, OFFSETS, SPECIAL, len(PROMPT)).tolist() == [0]


def test_mean_pool_averages_the_masked_states() -> None:
    states = np.arange(12, dtype=np.float32).reshape(4, 3)
    masks = np.array([[True, False, True, False], [False, False, False, False]])
    pooled = mean_pool(states, masks)
    assert np.allclose(pooled[0], (states[0] + states[2]) / 2)
    assert np.allclose(pooled[1], 0)
    assert np.allclose(np.linalg.norm(l2_normalize(pooled[:1]), axis=1), 1)

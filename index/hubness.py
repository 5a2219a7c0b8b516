"""Hubness of sentence vectors: how close a sentence is to everything in the other language.

In a bilingual vector space some points are "hubs": near neighbours of very many points of the
other language. A Thai seminar sentence that says OECD has standards for digital government is
close to nearly every English OECD sentence, so it scores well for nearly every question about an
OECD report, and the new-user tryout found it quoted as padding in one answer after another.
Conneau et al., "Word translation without parallel data" (ICLR 2018), correct for this with
cross-domain similarity local scaling (CSLS): a target's similarity is lowered by r(t), its mean
cosine to its k nearest neighbours on the other side. This module computes r for every sentence
at ingest, against the sentences of the other language pools; the answerers subtract it, as a
z-score within the sentence's pool, from the sentence's quoting score (``QuoteWeights.hubness``).

Measured on the reference corpus before adopting it (stored USE vectors, k = 10; dev-qa, the check
questions, held-out and the stop-20 tryout's questions, evidence quoted): weight 0 -> 0.02:
26 -> 30 of 35, 32 -> 32 of 37, 32 -> 31 of 37, 19 -> 19 of 24.
"""

from __future__ import annotations

import numpy as np

K = 10
SAMPLE = 4096  # other-language sentences compared against, at most: exact on small stores
MIN_OTHERS = 200  # fewer other-language sentences than this: no hubness (10 neighbours would be most of them)
BLOCK = 2048  # sentences scored per matrix product


def cross_pool_hubness(
    vectors: np.ndarray, pool_codes: np.ndarray, k: int = K, sample: int = SAMPLE, seed: int = 0, min_others: int = MIN_OTHERS
) -> np.ndarray:
    """r(s) for every sentence: the mean cosine of its ``k`` nearest sentences among the other
    pools (languages), at most ``sample`` of them drawn at random (fixed ``seed``). A pool whose
    other pools hold fewer than ``min_others`` sentences gets 0: with a handful of documents in
    the other language, "nearest 10" is most of them and says nothing about a sentence (a Thai
    fixture question gained an English padding quote).

    Args:
        vectors: (n, dimension) L2-normalised sentence vectors (float16 or float32; a memory-mapped
            file is read in blocks).
        pool_codes: (n,) the pool of each sentence.

    Returns:
        (n,) float32; 0 for sentences of a store with a single pool (nothing to be a hub for).
    """
    codes = np.asarray(pool_codes)
    hubness = np.zeros(len(codes), dtype=np.float32)
    rng = np.random.default_rng(seed)
    for code in np.unique(codes):
        others = np.flatnonzero(codes != code)
        if not len(others) or len(others) < min_others:
            continue
        if len(others) > sample:
            others = np.sort(rng.choice(others, size=sample, replace=False))
        reference = np.asarray(vectors[others], dtype=np.float32)
        nearest = min(k, len(others))
        members = np.flatnonzero(codes == code)
        for start in range(0, len(members), BLOCK):
            block = members[start : start + BLOCK]
            similarity = np.asarray(vectors[block], dtype=np.float32) @ reference.T
            top = np.partition(similarity, similarity.shape[1] - nearest, axis=1)[:, -nearest:]
            hubness[block] = top.mean(axis=1)
    return hubness


def pool_zscores(hubness: np.ndarray, pool_codes: np.ndarray) -> np.ndarray:
    """(n,) float32: each value as a z-score within its pool (a pool's spread is its own: Thai
    sentences sit closer to English ones on average than English ones to Thai)."""
    codes = np.asarray(pool_codes)
    z = np.zeros(len(codes), dtype=np.float32)
    for code in np.unique(codes):
        members = codes == code
        values = hubness[members].astype(np.float64)
        spread = values.std()
        z[members] = (values - values.mean()) / spread if spread > 0 else 0.0
    return z

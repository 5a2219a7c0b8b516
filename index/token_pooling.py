"""Vectors of parts of a passage, pooled from the token states of the passage's own forward pass.

Why ("late chunking", Günther et al. 2024, arXiv:2409.04701): embedding each sentence of a
passage again costs as many model tokens as the passage itself (7,763 sentences of the reference
corpus carry 1.5x the tokens of its 1,528 passages, since each is embedded after the title and
heading). A mean-pooling encoder already computed a state for every token of the passage; the
mean of the states of one sentence's tokens is that sentence's vector, read in the context of the
whole passage, at no extra model cost.

A pooled vector is described by character ranges of the passage text: every token whose
characters overlap a range is pooled, and so are the special tokens (``<s>``, ``</s>``) and the
prompt's tokens, which the passage vector's mean pooling also counts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

Span = tuple[int, int]


def token_masks(
    offsets: np.ndarray, special: np.ndarray, groups: Sequence[Sequence[Span]], shift: int = 0
) -> np.ndarray:
    """Which tokens each group of character ranges pools.

    Args:
        offsets: (tokens, 2) character offsets of each token in the tokenised text ((0, 0) for
            special tokens).
        special: (tokens,) bool, the tokenizer's special tokens, always pooled.
        groups: per pooled vector, character ranges of the passage text (the text after the
            prompt; ``shift`` is the prompt's length in characters). Tokens of the prompt itself
            are always pooled, like special tokens.
        shift: characters before the passage text (the prompt).

    Returns:
        (len(groups), tokens) bool. A group whose ranges hold no token (cut off by truncation,
        or empty) has only the always-pooled tokens set: see :func:`has_own_tokens`.
    """
    starts, ends = offsets[:, 0], offsets[:, 1]
    always = special.astype(bool) | (ends <= shift) & (ends > starts)
    masks = np.zeros((len(groups), len(offsets)), dtype=bool)
    for number, ranges in enumerate(groups):
        mask = masks[number]
        for start, end in ranges:
            if end > start:
                mask |= (starts < end + shift) & (ends > start + shift) & ~special.astype(bool)
        mask |= always
    return masks


def own_token_counts(masks: np.ndarray, offsets: np.ndarray, special: np.ndarray, shift: int = 0) -> np.ndarray:
    """(groups,) number of tokens each mask pools beyond the always-pooled ones."""
    starts, ends = offsets[:, 0], offsets[:, 1]
    always = special.astype(bool) | (ends <= shift) & (ends > starts)
    return (masks & ~always).sum(axis=1)


def mean_pool(states: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """(groups, hidden) float32 means of ``states`` (tokens, hidden) over each (groups, tokens)
    mask; an empty mask gives zeros."""
    weights = masks.astype(np.float32)
    counts = np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
    return (weights @ states.astype(np.float32, copy=False)) / counts


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32, copy=False)


class UnsupportedPooling(ValueError):
    """A model whose vectors are not one pooling of its transformer's token states."""


_POOLING_MODES = ("mean", "cls")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


@dataclass(frozen=True)
class PoolingSpec:
    """How a sentence-transformers model turns token states into its vector.

    Attributes:
        pooling: ``mean`` (over every token the attention mask covers, special and prompt tokens
            included, as sentence-transformers' Pooling with ``include_prompt``) or ``cls``.
        normalize: L2-normalise the pooled vector.
        dimension: size of the vector.
        max_seq_length: tokens per input; longer inputs are truncated.
        inputs: the model inputs the tokenizer provides, in order.
    """

    pooling: str
    normalize: bool
    dimension: int
    max_seq_length: int
    inputs: tuple[str, ...] = ("input_ids", "attention_mask")

    @classmethod
    def from_sentence_transformer(cls, model: Any) -> PoolingSpec:
        """The spec of a loaded ``SentenceTransformer``.

        Raises:
            UnsupportedPooling: modules other than Transformer, Pooling (mean or CLS, prompt
                included) and Normalize, e.g. a Dense layer.
        """
        modules = list(model)
        kinds = [type(module).__name__ for module in modules]
        if len(modules) < 2 or kinds[0] != "Transformer" or kinds[1] != "Pooling" or any(k != "Normalize" for k in kinds[2:]):
            raise UnsupportedPooling(f"the model's modules {kinds} are not Transformer, Pooling and Normalize")
        pooling = modules[1].get_config_dict()
        mode = str(pooling.get("pooling_mode", ""))
        if mode not in _POOLING_MODES or not pooling.get("include_prompt", True):
            raise UnsupportedPooling(f"pooling {pooling} is not mean or CLS pooling over every token")
        inputs = tuple(name for name in _INPUTS if name in getattr(model.tokenizer, "model_input_names", ()))
        return cls(
            pooling=mode,
            normalize="Normalize" in kinds,
            dimension=int(pooling.get("embedding_dimension") or modules[1].get_embedding_dimension()),
            max_seq_length=int(model.max_seq_length or 512),
            inputs=inputs or ("input_ids", "attention_mask"),
        )

    @classmethod
    def load(cls, path: Path) -> PoolingSpec:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{**data, "inputs": tuple(data["inputs"])})

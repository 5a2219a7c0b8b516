"""Second-stage reranker: re-orders the fused top candidates from the evidence the stages computed.

Why: the misses of the fused ranking are mostly the right document found and the right passage
inside it ranked 2nd-19th (README, "Tried for issue 10"); every hand re-weighting of the fusion
lost somewhere. A learned ranker weighs the same evidence per candidate (each encoder's passage
and best-sentence z-scores and cosine gaps, the BM25 share, the fused score and rank, whether the
passage is in the question's language) with weights fitted on real cross-lingual questions:
XQuAD's Thai and English questions over its parallel paragraphs (``benchmarks/rerank_train.py``,
cross-fitted by Wikipedia article). Nothing is embedded again: a query costs one (50, f) product.

The weights are a small reviewable JSON file (``rerank_weights.json`` beside this module): feature
names, the training set's means and scales, and one weight per feature.

Off by default (``reranker = "none"``): measured 2026-11-30, it lifts XQuAD (cross-fitted R@1
th->en 0.834 -> 0.851, en->th 0.848 -> 0.862) and the retrieval checks (MRR@10 0.565 -> 0.631),
but dev-qa R@10 falls 0.950 -> 0.875 and held-out MRR@10 0.620 -> 0.597 (README, "Learned
reranker").
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from index.retrieval.stages import standardise

WEIGHTS_FILE = Path(__file__).resolve().parent / "rerank_weights.json"
RERANKERS = ("none", "learned")
DEPTH = 50  # fused candidates re-ordered per query
ENCODER_NAMES = ("e5", "use")  # the product's encoders, in index order


def _encoder_name(number: int) -> str:
    return ENCODER_NAMES[number] if number < len(ENCODER_NAMES) else f"enc{number}"


def feature_names(encoders: int = 2) -> tuple[str, ...]:
    """Every feature :func:`candidate_features` can compute, in its default column order (a
    weights file uses some of them)."""
    names: list[str] = []
    for number in range(encoders):
        encoder = _encoder_name(number)
        for kind in ("passage", "sentence"):
            names += [f"{encoder}_{kind}_z", f"{encoder}_{kind}_gap", f"{encoder}_{kind}_log_rank"]
    names += ["bm25", "bm25_share", "bm25_log_rank", "fused", "fused_gap", "log_rank", "cross"]
    for number in range(encoders):
        names += [f"cross_{_encoder_name(number)}_passage_z", f"cross_{_encoder_name(number)}_sentence_z"]
    names += ["cross_bm25_share"]
    return tuple(names)


@dataclass
class Evidence:
    """What the retriever's stages found for one query, per candidate row (raw, before weights).

    Attributes:
        query_lang: the question's language (``ingest.lang.detect_lang``).
        fused: row -> the fused score (the first stage's ranking).
        dense: encoder number -> pool -> {row: passage cosine} (each pool's top candidates).
        sentences: encoder number -> pool -> {row: cosine of its best sentence}.
        bm25_share: row -> BM25 score divided by the query's bound (unweighted; ``Lexical``).
        cross_script: the BM25 weight of a passage in the other script, as a fraction of one in
            the question's (``RetrievalWeights.cross_script_bm25``).
    """

    query_lang: str
    fused: dict[int, float]
    dense: dict[int, dict[str, dict[int, float]]] = field(default_factory=dict)
    sentences: dict[int, dict[str, dict[int, float]]] = field(default_factory=dict)
    bm25_share: dict[int, float] = field(default_factory=dict)
    cross_script: float = 0.5

    def top(self, depth: int = DEPTH) -> list[int]:
        """The ``depth`` best rows by fused score, best first (ties by row)."""
        return [row for row, _ in sorted(self.fused.items(), key=lambda item: (-item[1], item[0]))[:depth]]


def _pool_columns(
    found: Mapping[str, Mapping[int, float]], rows: list[int], row_langs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(z-score, cosine gap, log rank) of ``rows`` against one encoder's per-pool lists.

    z: standardised within the row's pool list (a row missing from it gets the list's lowest z, as
    :func:`~index.retrieval.stages.fuse` does); gap: the row's cosine minus the best cosine of its
    pool's list (a missing row gets the list's lowest cosine): cosines across languages are on
    other scales, so both stay within the row's pool; log rank: log(1 + the row's 0-based place in
    its pool's list), a missing row one place below the list. 0 for a pool without a list.
    """
    z = np.zeros(len(rows))
    gap = np.zeros(len(rows))
    rank = np.zeros(len(rows))
    for pool, scores in found.items():
        if not scores:
            continue
        values = np.array(list(scores.values()), dtype=np.float64)
        standard = dict(zip(scores, standardise(values).tolist()))
        places = {row: place for place, row in enumerate(sorted(scores, key=lambda row: -scores[row]))}
        floor_z, floor_cosine, best = min(standard.values()), float(values.min()), float(values.max())
        for position, row in enumerate(rows):
            if row_langs[row] == pool:
                z[position] = standard.get(row, floor_z)
                gap[position] = scores.get(row, floor_cosine) - best
                rank[position] = math.log1p(places.get(row, len(scores)))
    return z, gap, rank


def candidate_features(
    evidence: Evidence, rows: list[int], row_langs: np.ndarray, encoders: int = 2, names: tuple[str, ...] | None = None
) -> np.ndarray:
    """(len(rows), len(names)) float64 features of ``rows`` (best fused first), ``names`` of
    :func:`feature_names` (None: all of them).

    Every feature is relative to the query (z-scores, gaps and ranks within a pool's list, gaps to
    the best candidate): absolute cosines differ between collections (a title in front of a corpus
    passage, none in XQuAD) and would not carry from the training data to an office's documents.

    Raises:
        KeyError: a name this module does not compute.
    """
    names = names or feature_names(encoders)
    columns: dict[str, np.ndarray] = {}
    for number in range(encoders):
        encoder = _encoder_name(number)
        for kind, found in (("passage", evidence.dense), ("sentence", evidence.sentences)):
            z, gap, rank = _pool_columns(found.get(number, {}), rows, row_langs)
            columns.update({f"{encoder}_{kind}_z": z, f"{encoder}_{kind}_gap": gap, f"{encoder}_{kind}_log_rank": rank})
    cross = np.array([1.0 if row_langs[row] != evidence.query_lang else 0.0 for row in rows])
    share = np.array([evidence.bm25_share.get(row, 0.0) for row in rows])
    lexical_places = {row: place for place, row in enumerate(sorted(evidence.bm25_share, key=lambda row: -evidence.bm25_share[row]))}
    fused = np.array([evidence.fused[row] for row in rows])
    columns.update(
        {
            "bm25": share * np.where(cross > 0, evidence.cross_script, 1.0),
            "bm25_share": share,
            "bm25_log_rank": np.array([math.log1p(lexical_places.get(row, len(lexical_places))) for row in rows]),
            "fused": fused,
            "fused_gap": fused - (fused.max() if len(rows) else 0.0),
            "log_rank": np.log1p(np.arange(len(rows), dtype=np.float64)),
            "cross": cross,
            "cross_bm25_share": cross * share,
        }
    )
    for number in range(encoders):
        for kind in ("passage", "sentence"):
            columns[f"cross_{_encoder_name(number)}_{kind}_z"] = cross * columns[f"{_encoder_name(number)}_{kind}_z"]
    return np.stack([columns[name] for name in names], axis=1) if rows else np.zeros((0, len(names)))


class Reranker(Protocol):
    """Re-orders a query's fused candidates (``HybridRetriever(reranker=...)``)."""

    depth: int
    names: tuple[str, ...]  # the features it reads (:func:`feature_names`)

    def scores(self, features: np.ndarray) -> np.ndarray:
        """(n,) scores of n candidates from their (n, f) :func:`candidate_features` of ``names``; higher first."""
        ...


@dataclass(frozen=True)
class LinearReranker:
    """A linear scoring function over standardised features (trained as a listwise softmax ranker).

    Attributes:
        names: the features it reads, some of :func:`feature_names` (checked on load).
        mean, scale: (f,) the training features' means and standard deviations.
        weights: (f,) one weight per standardised feature.
        depth: fused candidates re-ordered per query.
    """

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    depth: int = DEPTH

    def scores(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean) / self.scale) @ self.weights

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE, encoders: int = 2) -> LinearReranker:
        """Read a weights file written by ``benchmarks/rerank_train.py``.

        Raises:
            ValueError: the file is missing, unreadable, or made for other features (retrain:
                ``python -m benchmarks.rerank_train``).
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            names = tuple(data["features"])
            mean = np.array([data["mean"][name] for name in names], dtype=np.float64)
            scale = np.array([data["scale"][name] for name in names], dtype=np.float64)
            weights = np.array([data["weights"][name] for name in names], dtype=np.float64)
            depth = int(data.get("depth", DEPTH))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: not a reranker weights file ({error}); retrain with python -m benchmarks.rerank_train") from error
        unknown = sorted(set(names) - set(feature_names(encoders)))
        if unknown or len(set(names)) != len(names):
            raise ValueError(
                f"{path}: weights for features this retriever does not compute ({', '.join(unknown) or 'repeated names'}); "
                "retrain with python -m benchmarks.rerank_train"
            )
        if not np.all(np.isfinite(weights)) or np.any(scale <= 0) or depth <= 0:
            raise ValueError(f"{path}: weights must be finite, scales and depth positive")
        return cls(names, mean, scale, weights, depth)

    def to_json(self, extra: Mapping[str, object] | None = None) -> str:
        """The weights file's text: one value per feature name (reviewable), ``extra`` first."""
        record: dict[str, object] = dict(extra or {})
        record.update(
            {
                "features": list(self.names),
                "depth": self.depth,
                "weights": {name: round(float(value), 6) for name, value in zip(self.names, self.weights)},
                "mean": {name: round(float(value), 6) for name, value in zip(self.names, self.mean)},
                "scale": {name: round(float(value), 6) for name, value in zip(self.names, self.scale)},
            }
        )
        return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def make_reranker(name: str, encoders: int = 2, path: Path = WEIGHTS_FILE) -> Reranker | None:
    """The reranker a setting names: ``"none"`` (None: the fused order stands) or ``"learned"``.

    Raises:
        ValueError: an unknown name, or a weights file that does not fit (see :meth:`LinearReranker.load`).
    """
    if name == "none":
        return None
    if name == "learned":
        return LinearReranker.load(path, encoders)
    raise ValueError(f"reranker must be one of {', '.join(RERANKERS)} (got {name!r})")


def rerank(scores: dict[int, float], order: list[int], new: np.ndarray) -> dict[int, float]:
    """``scores`` with the rows of ``order`` re-ordered by ``new`` and kept above every other row.

    The re-ordered rows get their new score shifted so that the lowest of them is just above the
    best row outside them: hits stay sorted by score, and rows below the depth keep their order.
    """
    if not order:
        return scores
    chosen = set(order)
    rest = [value for row, value in scores.items() if row not in chosen]
    base = (max(rest) + 1.0) if rest else 0.0
    shift = base - float(new.min())
    result = dict(scores)
    result.update({row: float(value) + shift for row, value in zip(order, new.tolist())})
    return result

"""Train and measure the learned second-stage reranker (``index/retrieval/rerank.py``) on XQuAD.

Why XQuAD: it is real data of the product's weak case, Thai questions over English paragraphs
(and English over Thai), 1,190 questions in both languages over 240 parallel paragraphs of 48
Wikipedia articles. Each article's five paragraphs share a topic, so the negatives next to the
gold paragraph are "the right document, another passage": the miss the reranker is for.

Protocol:
1. Dump: the XQuAD indexes of ``benchmarks.xquad`` (one per context language, built by the
   product's ``IndexWriter``) and one mixed th+en index; every question of the four directions
   through the production retriever without a reranker, in both settings (see
   :func:`dump_features`); the features (:func:`~index.retrieval.rerank.candidate_features`) of
   its top ``DEPTH`` fused candidates and the gold one's position are saved (``.npz``).
2. Fit: a linear ranker over the standardised features of ``--set``, fitted by listwise softmax
   cross-entropy (ListNet with a one-hot target; Cao et al., "Learning to rank: from pairwise
   approach to listwise approach", ICML 2007) by Newton's method with an L2 penalty, on the
   ``--train-on`` settings. **Cross-fitted by article**: the 48 articles fall in ``FOLDS`` groups;
   each group's questions are scored by the ranker fitted on the others, so no reported question's
   article was seen in training. ``--write`` then fits on every article and writes the shipped
   weights (the defaults reproduce ``index/retrieval/rerank_weights.json``).

Run:  python -m benchmarks.rerank_train --features /tmp/xquad-features.npz          (dump if missing, fit, report)
      python -m benchmarks.rerank_train --features FILE --write                    (also write the shipped weights)
      python -m benchmarks.rerank_train --features FILE --limit 20                 (smoke run)
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np

from benchmarks.xquad import (
    DEFAULT_DATA_DIR,
    DIRECTIONS,
    MRR_DEPTH,
    RESULTS_DIR,
    MeteredEncoder,
    Run,
    LANGS,
    build_context_indexes,
    build_mixed_index,
    code_fingerprint,
    direction_name,
    load_xquad,
    machine_info,
    write_json,
)

# The features a ranker reads (index/retrieval/rerank.py computes them all; ``fused_gap`` and a
# per-query constant are the same to a ranker, so it is not used). "within-pool": how to weigh the
# evidence inside a language pool, what XQuAD's own protocol (one language's paragraphs at a time)
# can teach. "pools": also how a passage in the other language than the question weighs against
# one in it (``cross`` and its products), which only the mixed setting teaches: fitted on single
# indexes alone, those weights would move a whole pool of an office's mixed store untaught.
_WITHIN = (
    "e5_passage_z", "e5_passage_gap", "e5_sentence_z", "e5_sentence_gap",
    "use_passage_z", "use_passage_gap", "use_sentence_z", "use_sentence_gap",
    "bm25", "fused", "log_rank",
)
_RANKS = ("e5_passage_log_rank", "e5_sentence_log_rank", "use_passage_log_rank", "use_sentence_log_rank", "bm25_log_rank")
_CROSS = ("cross", "cross_e5_passage_z", "cross_e5_sentence_z", "cross_use_passage_z", "cross_use_sentence_z", "cross_bm25_share")
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "within-pool": _WITHIN,
    "within-pool-ranks": _WITHIN + _RANKS,
    "pools": _WITHIN + _CROSS,
    "pools-ranks": _WITHIN + _RANKS + _CROSS,
}
DEFAULT_SET = "pools-ranks"
FOLDS = 4
# A cross-lingual question's weight in the loss. 1: in the mixed setting a Thai and an English
# question pull the pool balance opposite ways, and x2 bought cross-lingual R@1 there (+0.03) with
# monolingual (-0.02 to -0.05): the balance is left to the data.
CROSS_WEIGHT = 1.0
L2 = 1e-2
SEED = 0


# --------------------------------------------------------------------------------------------
# 1. Features


def dump_features(data_dir: Path, limit: int | None, out: Path) -> None:
    """Run every XQuAD question through the production retriever (no reranker) and save the
    features of its top candidates to ``out``, in two settings:

    - single: XQuAD's protocol, each question against one language's 240 paragraphs;
    - mixed: one index of both languages' paragraphs (a pool per language, as an office's
      store), the gold paragraph in the direction's context language and its translation withheld
      (a filter): a Thai question's English answer then competes with the Thai paragraphs of the
      same article, the product's miss (a Thai text on the topic outranks the English passage).
    """
    from assistant.api import PolicyRAG, make_encoders
    from assistant.settings import Settings
    from index.retrieval.rerank import DEPTH, candidate_features, feature_names

    run = Run()
    data = load_xquad(data_dir, limit)
    settings = replace(Settings(), reranker="none")
    encoders = [MeteredEncoder(encoder) for encoder in make_encoders(settings)]
    features: list[np.ndarray] = []
    query_rows: list[tuple[int, int, int, int, int]] = []  # direction, question, article, gold position (-1: absent), mixed
    with tempfile.TemporaryDirectory(prefix="policyrag-rerank-") as work_dir:
        indexes = build_context_indexes(data, cast("list[Any]", encoders), Path(work_dir), run, settings.sentence_embedding)
        mixed = build_mixed_index(data, cast("list[Any]", encoders), Path(work_dir), run, settings.sentence_embedding)
        for number, (q_lang, c_lang) in enumerate(DIRECTIONS):
            for is_mixed, index in ((0, indexes[c_lang]), (1, mixed)):
                retriever = PolicyRAG(index, cast("list[Any]", encoders), settings).retriever
                sources = np.asarray(retriever.index.row_sources)
                other = q_lang if q_lang != c_lang else next(lang for lang in LANGS if lang != c_lang)
                label = f"features {direction_name((q_lang, c_lang))}{' mixed' if is_mixed else ''}"
                with run.stage(f"{label} ({len(data.questions[q_lang])} questions)"):
                    vectors = retriever.embed(data.questions[q_lang])
                    for question, (text, gold) in enumerate(zip(data.questions[q_lang], data.gold)):
                        wanted = f"{c_lang}:{gold}" if is_mixed else str(gold)
                        allowed = np.flatnonzero(sources != f"{other}:{gold}") if is_mixed else None
                        evidence, _ = retriever.evidence_with_spread(text, [encoded[question] for encoded in vectors], allowed)
                        order = evidence.top(DEPTH)
                        found = [sources[row] for row in order]
                        position = found.index(wanted) if wanted in found else -1
                        features.append(candidate_features(evidence, order, retriever.index.row_langs, len(encoders)))
                        query_rows.append((number, question, data.articles[gold], position, is_mixed))
        for index in (*indexes.values(), mixed):
            index.close()
    sizes = [len(block) for block in features]
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        features=np.concatenate(features),
        sizes=np.array(sizes, dtype=np.int64),
        queries=np.array(query_rows, dtype=np.int64),
        names=np.array(feature_names(len(encoders))),
        directions=np.array([direction_name(direction) for direction in DIRECTIONS]),
    )
    print(f"wrote {out}: {len(sizes)} questions, {sum(sizes)} candidates", file=sys.stderr)


# --------------------------------------------------------------------------------------------
# 2. Fitting


class Dataset:
    """The dumped features as one (questions, depth, f) array with a mask (fewer candidates pad)."""

    def __init__(self, path: Path) -> None:
        stored = np.load(path)
        self.names = tuple(str(name) for name in stored["names"])
        self.directions = [str(name) for name in stored["directions"]]
        sizes = stored["sizes"]
        queries = stored["queries"]
        depth = int(sizes.max())
        flat = stored["features"]
        self.features = np.zeros((len(sizes), depth, flat.shape[1]))
        self.mask = np.zeros((len(sizes), depth), dtype=bool)
        start = 0
        for number, size in enumerate(sizes.tolist()):
            self.features[number, :size] = flat[start : start + size]
            self.mask[number, :size] = True
            start += size
        self.direction = queries[:, 0]
        self.article = queries[:, 2]
        self.gold = queries[:, 3]
        self.mixed = queries[:, 4].astype(bool) if queries.shape[1] > 4 else np.zeros(len(queries), dtype=bool)

    def select(self, names: tuple[str, ...]) -> Dataset:
        """The same questions with only the features ``names`` (in that order).

        Raises:
            ValueError: a name the dump does not hold (dump again with this code).
        """
        missing = [name for name in names if name not in self.names]
        if missing:
            raise ValueError(f"the features file lacks {', '.join(missing)}: delete it to dump again with this code")
        chosen = copy.copy(self)
        chosen.features = self.features[:, :, [self.names.index(name) for name in names]]
        chosen.names = names
        return chosen

    def cross(self) -> np.ndarray:
        """(questions,) whether each question is cross-lingual."""
        return np.array([name.split("->")[0] != name.split("->")[1] for name in self.directions])[self.direction]


def fit(
    features: np.ndarray, mask: np.ndarray, gold: np.ndarray, weights: np.ndarray, names: tuple[str, ...], l2: float = L2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A linear listwise ranker: (mean, scale, weights) over the features of the questions whose
    gold candidate is among them (the others teach nothing about the order).

    Args:
        features: (q, depth, f); mask: (q, depth) real candidates; gold: (q,) the gold position
            (-1: absent); weights: (q,) each question's weight in the loss; names: the features'
            names (the fit starts from the fused score alone, the first stage's order).
    """
    keep = gold >= 0
    features, mask, gold, weights = features[keep], mask[keep], gold[keep], weights[keep]
    real = features[mask]
    mean = real.mean(axis=0)
    scale = real.std(axis=0)
    scale[scale < 1e-9] = 1.0
    standard = np.where(mask[:, :, None], (features - mean) / scale, 0.0)
    share = weights / weights.sum()
    picked = standard[np.arange(len(gold)), gold]  # (q, f)
    w = np.zeros(features.shape[2])
    if "fused" in names:
        w[names.index("fused")] = 1.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        scores = np.where(mask, standard @ w, -np.inf)
        top = scores.max(axis=1, keepdims=True)
        exp = np.exp(scores - top)
        partition = exp.sum(axis=1)
        probabilities = exp / partition[:, None]
        value = float(share @ (np.log(partition) + top[:, 0] - scores[np.arange(len(gold)), gold])) + 0.5 * l2 * float(w @ w)
        expected = np.einsum("qd,qdf->qf", probabilities, standard)  # each question's mean candidate under the model
        gradient = share @ expected - share @ picked + l2 * w
        flat = (share[:, None] * probabilities).reshape(-1)
        rows = standard.reshape(-1, standard.shape[2])
        hessian = (rows * flat[:, None]).T @ rows - (expected * share[:, None]).T @ expected + l2 * np.eye(len(w))
        return value, gradient, hessian

    # Newton's method with step halving: the loss is convex and smooth, and f is a few dozen.
    value, gradient, hessian = loss(w)
    for _ in range(100):
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while size > 1e-6:
            trial = loss(w - size * step)
            if trial[0] <= value:
                break
            size /= 2
        else:
            break
        w = w - size * step
        improvement = value - trial[0]
        value, gradient, hessian = trial
        if improvement < 1e-10:
            break
    return mean, scale, w


def ranks(scores: np.ndarray, mask: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """1-based rank of the gold candidate under ``scores`` (ties pessimistic; 0: absent)."""
    scores = np.where(mask, scores, -np.inf)
    found = gold >= 0
    gold_scores = scores[np.arange(len(gold)), np.maximum(gold, 0)]
    rank = (scores >= gold_scores[:, None]).sum(axis=1)
    return np.where(found, rank, 0)


def metrics(rank: np.ndarray) -> dict[str, float]:
    n = len(rank)
    return {
        "n": n,
        "recall@1": float(np.mean(rank == 1)) if n else 0.0,
        "recall@10": float(np.mean((rank >= 1) & (rank <= MRR_DEPTH))) if n else 0.0,
        "mrr@10": float(np.mean(np.where((rank >= 1) & (rank <= MRR_DEPTH), 1.0 / np.maximum(rank, 1), 0.0))) if n else 0.0,
    }


MODES = {"single": (False,), "mixed": (True,), "both": (False, True)}


def cross_fit(
    dataset: Dataset, folds: int = FOLDS, l2: float = L2, cross_weight: float = CROSS_WEIGHT, train_on: str = "both"
) -> dict[str, Any]:
    """Base and cross-fitted reranked metrics per setting and direction (each article's questions
    scored by a ranker fitted on the other articles' questions of the ``train_on`` settings), and
    each fold's weights."""
    articles = np.unique(dataset.article)
    order = np.random.default_rng(SEED).permutation(articles)
    fold_of = {int(article): number % folds for number, article in enumerate(order.tolist())}
    fold = np.array([fold_of[int(article)] for article in dataset.article])
    question_weight = np.where(dataset.cross(), cross_weight, 1.0)
    trained_modes = np.isin(dataset.mixed, MODES[train_on])
    base_scores = -np.arange(dataset.features.shape[1], dtype=np.float64)[None, :].repeat(len(fold), axis=0)
    new_scores = np.zeros_like(base_scores)
    fold_weights = []
    for number in range(folds):
        train = (fold != number) & trained_modes
        mean, scale, weights = fit(dataset.features[train], dataset.mask[train], dataset.gold[train], question_weight[train], dataset.names, l2)
        test = fold == number
        new_scores[test] = ((dataset.features[test] - mean) / scale) @ weights
        fold_weights.append(dict(zip(dataset.names, np.round(weights, 4).tolist())))
    base = ranks(base_scores, dataset.mask, dataset.gold)
    new = ranks(new_scores, dataset.mask, dataset.gold)
    rows: dict[str, dict[str, Any]] = {}
    for mixed in sorted(set(dataset.mixed.tolist())):
        for number, name in enumerate(dataset.directions):
            chosen = (dataset.direction == number) & (dataset.mixed == mixed)
            key = f"{name} mixed" if mixed else name
            rows[key] = {"base": metrics(base[chosen]), "reranked": metrics(new[chosen])}
    return {
        "folds": folds, "l2": l2, "cross_weight": cross_weight, "train_on": train_on, "directions": rows, "fold_weights": fold_weights,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"XQuAD, cross-fitted by article ({result['folds']} folds; trained on {result['train_on']}; l2 {result['l2']}, "
        f"cross-lingual weight {result['cross_weight']}); mixed: one th+en index, the translation withheld",
        "",
        "| direction | R@1 base | R@1 reranked | MRR@10 base | MRR@10 reranked | questions |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["directions"].items():
        base, new = row["base"], row["reranked"]
        lines.append(
            f"| {name} | {base['recall@1']:.3f} | {new['recall@1']:.3f} | {base['mrr@10']:.3f} | {new['mrr@10']:.3f} | {base['n']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rerank_train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", type=Path, required=True, help="the dumped features (.npz); dumped first if missing")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="folder with xquad.th.json and xquad.en.json")
    parser.add_argument("--limit", type=int, default=None, help="first N paragraphs only (smoke run; dump only)")
    parser.add_argument("--set", choices=sorted(FEATURE_SETS), default=DEFAULT_SET, help="the features the ranker reads")
    parser.add_argument("--train-on", choices=sorted(MODES), default="both", help="the settings the ranker is fitted on")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--cross-weight", type=float, default=CROSS_WEIGHT)
    parser.add_argument("--write", action="store_true", help="fit on every article and write the shipped weights file")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "rerank_xquad.json", help="JSON result file")
    args = parser.parse_args(argv)
    from index.retrieval.rerank import DEPTH, WEIGHTS_FILE, LinearReranker

    started = time.perf_counter()
    machine = machine_info()
    if not args.features.exists():
        dump_features(args.data, args.limit, args.features)
    dataset = Dataset(args.features).select(FEATURE_SETS[args.set])
    result = cross_fit(dataset, l2=args.l2, cross_weight=args.cross_weight, train_on=args.train_on)
    print(table(result))
    if args.write:
        question_weight = np.where(dataset.cross(), args.cross_weight, 1.0)
        train = np.isin(dataset.mixed, MODES[args.train_on])
        mean, scale, weights = fit(dataset.features[train], dataset.mask[train], dataset.gold[train], question_weight[train], dataset.names, args.l2)
        ranker = LinearReranker(dataset.names, mean, scale, weights, DEPTH)
        WEIGHTS_FILE.write_text(
            ranker.to_json(
                {
                    "trained_on": "XQuAD th/en, all four directions, every article (python -m benchmarks.rerank_train --write)",
                    "loss": f"listwise softmax, L2 {args.l2}, cross-lingual questions x{args.cross_weight}",
                    "feature_set": args.set,
                    "trained_on_settings": args.train_on,
                }
            ),
            encoding="utf-8",
        )
        print(f"wrote {WEIGHTS_FILE}", file=sys.stderr)
    write_json(
        args.out,
        {
            "benchmark": "xquad-rerank-crossfit",
            "machine": machine,
            "code": code_fingerprint(),
            "feature_set": args.set,
            "features": list(dataset.names),
            "result": result,
            "total_seconds": round(time.perf_counter() - started, 2),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

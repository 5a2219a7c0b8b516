"""Retrieval ablation on the bilingual dev QA set over the reference corpus.

Builds (or reuses, ``--index``) a production index of ``../shared/corpus`` and scores, on the same
passages, each step from the usual RAG baseline to policyrag's retrieval:

- BM25 with regex tokens (what most RAG tools do; it shreds Thai),
- BM25 over pythainlp-newmm Thai words,
- e5 dense in one mixed pool (raw cosine across languages),
- e5 with per-language pools standardised per query,
- plus the second encoder (USE multilingual),
- the best sentence, then near-duplicate folding (each stage switched off in turn),
- the best sentence scored over every sentence of each pool (as before ``sentence_scan_max``),
  beside the production row (the dense and BM25 candidates' sentences only),
- policyrag: the production retriever, and the retriever of ``--baseline-ref`` (the code before
  retrieval moved to ``index/retrieval``) on the same index, for quality and latency side by side.

The production row is also scored on ``--checks``: questions of the same kind written over the
corpus for this project (``benchmarks/data/retrieval-checks.jsonl``: Thai questions on English
documents above all), never used to tune anything, to see whether a change generalises beyond
the 40 shared dev questions.

Latency: every dev question once per retriever, alternating which goes first, after 3 warm-up
queries; the query encoders are in both timings (they are most of it).

Run: ``python -m benchmarks.devqa [--index DIR] [--qa FILE] [--checks FILE] [--corpus DIR]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.api import PolicyRAG, build_index
from assistant.evaluation import EvalReport, evaluate, load_qa
from assistant.settings import Settings
from index.analyzer import RegexAnalyzer
from index.bm25 import BM25Index
from index.retrieval import HybridRetriever, RetrievalWeights

SHARED = Path("/work/shared") if Path("/work/shared").is_dir() else Path(__file__).resolve().parents[2] / "shared"
CHECKS = Path(__file__).parent / "data" / "retrieval-checks.jsonl"
BASELINE_REF = "0078993"  # main before retrieval moved to index/retrieval (assistant/retrieval.py there)


def baseline_retriever(ref: str, rag: PolicyRAG) -> object:
    """The retriever class of ``assistant/retrieval.py`` at git ``ref``, loaded from the repository
    history, over the same index and encoders: "today's" retrieval measured in the same run."""
    root = Path(__file__).resolve().parents[1]
    source = subprocess.run(
        ["git", "-C", str(root), "show", f"{ref}:assistant/retrieval.py"], check=True, capture_output=True, text=True
    ).stdout
    spec = importlib.util.spec_from_loader(f"retrieval_at_{ref}", loader=None)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    exec(compile(source, f"{ref}:assistant/retrieval.py", "exec"), module.__dict__)  # noqa: S102 - our own history
    settings = rag.settings
    weights = module.RetrievalWeights(
        dense=(settings.dense_weight, settings.second_model_weight)[: len(rag.encoders)],
        bm25=settings.bm25_weight,
        cross_script_bm25=settings.cross_script_bm25_weight,
        sentence=settings.sentence_weight,
    )
    return module.HybridRetriever(
        rag.index, rag.encoders, weights, settings.dense_candidates, settings.bm25_candidates,
        sentence_candidates=settings.sentence_candidates,
    )


def latency(items: list, systems: dict[str, object]) -> dict[str, dict[str, float]]:  # type: ignore[type-arg]
    """Median and p90 ms per query of each retriever's ``run(query, k=10)``, alternating order."""
    names = list(systems)
    for item in items[:3]:
        for name in names:
            systems[name].run(item.question, k=10)  # type: ignore[attr-defined]
    timings: dict[str, list[float]] = {name: [] for name in names}
    for number, item in enumerate(items):
        for name in names if number % 2 == 0 else reversed(names):
            started = time.perf_counter()
            systems[name].run(item.question, k=10)  # type: ignore[attr-defined]
            timings[name].append(1000 * (time.perf_counter() - started))
    out = {}
    for name, values in timings.items():
        values.sort()
        out[name] = {"median_ms": round(statistics.median(values), 1), "p90_ms": round(values[int(0.9 * (len(values) - 1))], 1)}
    return out


def _regex_bm25_search(rag: PolicyRAG):  # type: ignore[no-untyped-def]
    """A search function over the same passages with the naive regex-token BM25."""
    rows_and_chunks = list(rag.index.store.iter_all())
    analyzer = RegexAnalyzer()
    bm25 = BM25Index().build(analyzer.run_batch([chunk.text for _, chunk in rows_and_chunks]))

    def search_many(queries: list[str], k: int) -> list[list[dict[str, object]]]:
        out = []
        for query in queries:
            scores = bm25.scores(analyzer.run(query))
            top = [int(i) for i in np.argsort(-scores)[:k] if scores[i] > 0]
            out.append(
                [{"rank": rank, "source": rows_and_chunks[i][1].source, "text": rows_and_chunks[i][1].text}
                 for rank, i in enumerate(top, start=1)]
            )
        return out

    return search_many


def _retriever_search(retriever: HybridRetriever):  # type: ignore[no-untyped-def]
    def search_many(queries: list[str], k: int) -> list[list[dict[str, object]]]:
        return [[hit.to_dict() for hit in hits] for hits in retriever.run_batch(queries, k=k)]

    return search_many


def _without_dedup(retriever: HybridRetriever) -> HybridRetriever:
    """The same retriever with near-duplicate folding switched off."""
    return HybridRetriever(
        retriever.index, retriever.encoders, retriever.weights, retriever.dense_candidates, retriever.bm25_candidates,
        retriever.standardise_pools, retriever.sentence_candidates, dedup=None,
    )


def _whole_pool_sentences(retriever: HybridRetriever) -> HybridRetriever:
    """The same retriever as before the best-sentence term was bounded: every sentence of each
    language pool scored for each query (``sentence_scan_max`` above any pool), not only the
    dense and BM25 candidates' sentences."""
    return HybridRetriever(
        retriever.index, retriever.encoders, retriever.weights, retriever.dense_candidates, retriever.bm25_candidates,
        retriever.standardise_pools, retriever.sentence_candidates, dedup=retriever.dedup, expand_terms=retriever.terms is not None,
        sentence_scan_max=10**9,
    )


def _row(name: str, report: EvalReport) -> dict[str, object]:
    return {"retriever": name, "overall": report.overall, "cells": report.cells}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--qa", type=Path, default=SHARED / "eval" / "dev-qa.jsonl")
    parser.add_argument("--checks", type=Path, default=CHECKS, help="held-out check questions for the production row")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="git ref whose assistant/retrieval.py is the baseline")
    parser.add_argument("--index", type=Path, help="reuse this index instead of building one")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "devqa.json")
    args = parser.parse_args(argv)

    settings = Settings.load()
    index_dir = args.index or Path(tempfile.mkdtemp(prefix="policyrag-devqa-"))
    ingest_seconds = None
    if not args.index:
        report = build_index([args.corpus], replace(settings, index_dir=index_dir))
        ingest_seconds = round(report.total_seconds, 1)
        print(report.summary())
    rag = PolicyRAG.open(index_dir, replace(settings, index_dir=index_dir))
    items = load_qa(args.qa)

    def variant(weights: RetrievalWeights, standardise: bool = True) -> HybridRetriever:
        return HybridRetriever(rag.index, rag.encoders, weights, settings.dense_candidates, settings.bm25_candidates, standardise)

    production = rag.retriever
    baseline = baseline_retriever(args.baseline_ref, rag)
    configs = [
        ("BM25, regex tokens", _regex_bm25_search(rag)),
        ("BM25, newmm", _retriever_search(variant(RetrievalWeights(dense=(0.0, 0.0), bm25=1.0, cross_script_bm25=1.0)))),
        ("e5, one mixed pool", _retriever_search(variant(RetrievalWeights(dense=(1.0, 0.0), bm25=0.0, sentence=0.0), standardise=False))),
        ("e5, per-language pools (z)", _retriever_search(variant(RetrievalWeights(dense=(1.0, 0.0), bm25=0.0, sentence=0.0)))),
        ("e5 + USE, per-language pools", _retriever_search(variant(replace(production.weights, bm25=0.0, sentence=0.0)))),
        ("e5 + USE + BM25, no best sentence", _retriever_search(variant(replace(production.weights, sentence=0.0)))),
        ("+ best sentence, copies not folded", _retriever_search(_without_dedup(production))),
        (f"policyrag at {args.baseline_ref} (before)", _retriever_search(baseline)),
        ("policyrag, every sentence pool scanned whole (before)", _retriever_search(_whole_pool_sentences(production))),
        ("**policyrag**", _retriever_search(production)),
    ]
    rows = []
    for name, search_many in configs:
        report = evaluate(items, search_many)
        rows.append(_row(name, report))
        print(f"{name:<32} " + " ".join(f"{key} {value:.3f}" for key, value in report.overall.items() if key != "n"))

    checks = None
    if args.checks and args.checks.is_file():
        report = evaluate(load_qa(args.checks), _retriever_search(production))
        checks = {"file": args.checks.name, "overall": report.overall, "cells": report.cells}
        print(f"\nchecks ({args.checks.name}): " + " ".join(f"{key} {value:.3f}" for key, value in report.overall.items() if key != "n"))
        print(report.format_table())
        whole = evaluate(load_qa(args.checks), _retriever_search(_whole_pool_sentences(production)))
        checks["whole_pool_sentences"] = {"overall": whole.overall, "cells": whole.cells}
        print("checks, every sentence pool scanned whole: " + " ".join(f"{key} {value:.3f}" for key, value in whole.overall.items() if key != "n"))

    timing = latency(items, {"policyrag": production, f"policyrag at {args.baseline_ref}": baseline})

    cells = sorted(rows[-1]["cells"])  # type: ignore[arg-type]
    lines = [
        "| retriever | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 | " + " | ".join(f"R@10 {cell}" for cell in cells) + " |",
        "|---" * (6 + len(cells)) + "|",
    ]
    for row in rows:
        overall = row["overall"]
        lines.append(
            f"| {row['retriever']} | "
            + " | ".join(f"{overall[key]:.3f}" for key in ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10"))  # type: ignore[index]
            + " | "
            + " | ".join(f"{row['cells'][cell]['R@10']:.2f}" for cell in cells)  # type: ignore[index]
            + " |"
        )
    table = "\n".join(lines)
    print(f"\n{table}\n")
    for name, values in timing.items():
        print(f"latency per query, {name}: median {values['median_ms']} ms, p90 {values['p90_ms']} ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "qa": str(args.qa.name),
                "passages": len(rag.index),
                "ingest_seconds": ingest_seconds,
                "rows": rows,
                "latency": timing,
                "checks": checks,
                "markdown": table,
                "date": time.strftime("%Y-%m-%d"),
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

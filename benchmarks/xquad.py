"""XQuAD Thai/English retrieval benchmark, following the Thai Sentence Vector Benchmark protocol.

Why this benchmark: XQuAD gives the *same* 240 Wikipedia paragraphs and 1190 questions in Thai and
English, so one run measures monolingual (th->th, en->en) and cross-lingual (th->en, en->th)
retrieval on identical content, and the Thai Sentence Vector Benchmark publishes numbers for the
same protocol to compare against (BGE-M3 th->th Recall@1 0.905). Protocol: every question is
searched against ALL contexts of one language; the gold context is the question's own paragraph;
we report Recall@1 and MRR@10.

Rows, all computed in one run so that they share data, machine and load:

(a) ``regex-BM25``: BM25 over ``(?u)\\b\\w\\w+\\b`` tokens, the naive baseline most RAG tools ship.
(b) ``newmm-BM25``: BM25 over the product's analyzer (pythainlp newmm + stemmed English).
(c) ``e5 dense``: multilingual-e5 cosine only, read from the same index as (d) with weights
    dense=(1.0, 0.0), bm25=0, cross_script_bm25=0 (z-scoring within one pool keeps the cosine order).
(d) ``policyrag``: the retriever of ``PolicyRAG(index, encoders, Settings())`` (production weights), over an
    index built by ``IndexWriter`` with one chunk per context (``source`` = paragraph index).

Every context set and question set is embedded once per encoder: the index build embeds the
contexts, the questions are embedded up front into a per-encoder cache, and the retrieval rows only
read that cache, so the retrieval stage times fusion and search rather than the models.

Run:  python -m benchmarks.xquad            (full run: 2.5-9 minutes on 2 shared CPU cores)
      python -m benchmarks.xquad --limit 20 (smoke run on the first 20 paragraphs)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from assistant.settings import Settings
    from index.storage import OpenIndex
    from index.analyzer import RegexAnalyzer, ThaiEnglishAnalyzer
    from index.embedder import Embedder, UseEmbedder
    from ingest.model import Lang

DEFAULT_DATA_DIR = Path("/work/shared/bench/xquad")
RESULTS_DIR = Path(__file__).resolve().parent / "results"
LANGS: tuple[Lang, ...] = ("th", "en")
DIRECTIONS: tuple[tuple[Lang, Lang], ...] = (("th", "th"), ("th", "en"), ("en", "th"), ("en", "en"))
MRR_DEPTH = 10
# Must-meet Recall@1 of the policyrag row (question language, context language) -> minimum.
TARGETS: dict[tuple[Lang, Lang], float] = {("th", "th"): 0.95, ("th", "en"): 0.88, ("en", "th"): 0.88}
# Related across languages: the paragraph's translation ranked first.
RELATED_TARGET = 0.95
# Published reference on the same protocol (Thai Sentence Vector Benchmark, XQuAD th->th).
PUBLISHED = {"BGE-M3": {"th->th": {"recall@1": 0.905}}}
ROW_LABELS = {
    "regex-bm25": "(a) regex-BM25 baseline",
    "newmm-bm25": "(b) newmm-BM25",
    "e5-dense": "(c) e5 dense only",
    "no-sentence": "(d') policyrag without the best-sentence term",
    "whole-pool-sentences": "(d'') policyrag with every sentence pool scanned whole (before)",
    "policyrag": "(d) policyrag (production)",
}


def direction_name(direction: tuple[str, str]) -> str:
    return f"{direction[0]}->{direction[1]}"


# --------------------------------------------------------------------------------------------
# Data


@dataclass
class XquadData:
    """Parallel XQuAD: ``contexts[lang][i]`` and ``questions[lang][j]``; ``gold[j]`` is the
    paragraph index of question j, the same in both languages because the files are parallel."""

    contexts: dict[str, list[str]]
    questions: dict[str, list[str]]
    gold: list[int]
    articles: list[int] = field(default_factory=list)  # the Wikipedia article of each paragraph (0-47)


def load_xquad(data_dir: Path, limit: int | None = None) -> XquadData:
    """Read ``xquad.th.json`` and ``xquad.en.json`` and check they are parallel.

    Why the check: the gold label of a cross-lingual question is "the same paragraph index in the
    other file", which is only true if paragraphs and question ids line up one to one.
    """
    paragraphs: dict[str, list[dict]] = {}
    articles: list[int] = []
    for lang in LANGS:
        with (data_dir / f"xquad.{lang}.json").open(encoding="utf-8") as handle:
            data = json.load(handle)
        paragraphs[lang] = [paragraph for article in data["data"] for paragraph in article["paragraphs"]]
        articles = [number for number, article in enumerate(data["data"]) for _ in article["paragraphs"]]
    if len(paragraphs["th"]) != len(paragraphs["en"]):
        raise ValueError("xquad.th.json and xquad.en.json have different numbers of paragraphs")
    for number, (th, en) in enumerate(zip(paragraphs["th"], paragraphs["en"])):
        if [qa["id"] for qa in th["qas"]] != [qa["id"] for qa in en["qas"]]:
            raise ValueError(f"paragraph {number}: question ids differ between th and en; not parallel")
    if limit is not None:
        paragraphs = {lang: items[:limit] for lang, items in paragraphs.items()}
        articles = articles[:limit]
    # Some Thai contexts start with a byte-order mark left over from the translation files.
    contexts = {lang: [p["context"].lstrip("\ufeff").strip() for p in items] for lang, items in paragraphs.items()}
    questions = {
        lang: [qa["question"].lstrip("\ufeff").strip() for p in items for qa in p["qas"]]
        for lang, items in paragraphs.items()
    }
    gold = [number for number, p in enumerate(paragraphs["th"]) for _ in p["qas"]]
    return XquadData(contexts, questions, gold, articles)


# --------------------------------------------------------------------------------------------
# Metrics


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% interval of a proportion; tells whether a miss against a target is beyond sampling noise."""
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarise(ranks: Sequence[int]) -> dict[str, Any]:
    """Recall@1, MRR@10 (and R@10) from 1-based ranks of the gold context (0 = not in the top 10)."""
    n = len(ranks)
    hits1 = sum(1 for rank in ranks if rank == 1)
    return {
        "n": n,
        "recall@1": hits1 / n if n else 0.0,
        "recall@1_ci95": list(wilson_interval(hits1, n)),
        "recall@10": sum(1 for rank in ranks if 1 <= rank <= MRR_DEPTH) / n if n else 0.0,
        "mrr@10": sum(1.0 / rank for rank in ranks if 1 <= rank <= MRR_DEPTH) / n if n else 0.0,
    }


def rank_of_gold(scores: np.ndarray, gold: int) -> int:
    """Pessimistic 1-based rank: ties with the gold context count as ranked above it.

    Why pessimistic: BM25 gives many contexts the same score (often 0 across scripts), and the
    order of ties is arbitrary; an optimistic or index-order tie break would credit lucky ids.
    Returns 0 when the rank is beyond ``MRR_DEPTH`` (it then counts for neither metric).
    """
    rank = int(np.count_nonzero(scores >= scores[gold]))
    return rank if rank <= MRR_DEPTH else 0


# --------------------------------------------------------------------------------------------
# Encoders: count time and embed each question once


class MeteredEncoder:
    """Wraps a product encoder: times every call and embeds each distinct query text once.

    Why: the rows (c) and (d) and both context languages use the same question vectors; the
    retriever calls ``embed_queries`` on every ``run_batch``, so without the cache the run would
    encode the 2380 questions four times per encoder. Everything else is forwarded unchanged.
    """

    def __init__(self, inner: Embedder | UseEmbedder) -> None:
        self.inner = inner
        self.passage_seconds = 0.0
        self.query_seconds = 0.0
        self.passages_embedded = 0
        self.queries_embedded = 0
        self._cache: dict[str, np.ndarray] = {}
        self._passages: dict[str, np.ndarray] = {}  # the related-passages index reuses the contexts' vectors

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def embed_passages(self, passages: Sequence[str], show_progress: bool = False) -> np.ndarray:
        missing = [text for text in dict.fromkeys(passages) if text not in self._passages]
        if missing:
            started = time.perf_counter()
            vectors = self.inner.embed_passages(missing, show_progress=show_progress)
            self.passage_seconds += time.perf_counter() - started
            self.passages_embedded += len(missing)
            self._passages.update(zip(missing, vectors))
        if not passages:
            return np.zeros((0, self.inner.dimension), dtype=np.float32)
        return np.stack([self._passages[text] for text in passages])

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        missing = [query for query in dict.fromkeys(queries) if query not in self._cache]
        if missing:
            started = time.perf_counter()
            vectors = self.inner.embed_queries(missing)
            self.query_seconds += time.perf_counter() - started
            self.queries_embedded += len(missing)
            self._cache.update(zip(missing, vectors))
        return np.stack([self._cache[query] for query in queries])


# --------------------------------------------------------------------------------------------
# The benchmark


@dataclass
class Run:
    """Results and per-stage wall times of one benchmark run."""

    rows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the body as one named stage (and show progress: a full run takes minutes)."""
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        self.stages[name] = self.stages.get(name, 0.0) + elapsed
        print(f"  {name}: {elapsed:.1f} s", file=sys.stderr, flush=True)


def bm25_ranks(analyzer: ThaiEnglishAnalyzer | RegexAnalyzer, data: XquadData) -> dict[str, list[int]]:
    """Gold ranks of a plain BM25 over each context language, for the four directions."""
    from index.bm25 import BM25Index

    ranks: dict[str, list[int]] = {}
    indexes = {
        lang: BM25Index().build(analyzer.run_batch(data.contexts[lang]))
        for lang in LANGS
    }
    terms = {lang: analyzer.run_batch(data.questions[lang]) for lang in LANGS}
    for q_lang, c_lang in DIRECTIONS:
        ranks[direction_name((q_lang, c_lang))] = [
            rank_of_gold(indexes[c_lang].scores(query_terms), gold)
            for query_terms, gold in zip(terms[q_lang], data.gold)
        ]
    return ranks


def hit_ranks(hits_per_query: list[list[Any]], gold: list[int]) -> list[int]:
    """Gold rank from retriever hits: the hit whose chunk source is the gold paragraph index."""
    ranks = []
    for hits, paragraph in zip(hits_per_query, gold):
        wanted = str(paragraph)
        ranks.append(next((hit.rank for hit in hits if hit.chunk.source == wanted), 0))
    return ranks


def build_context_indexes(
    data: XquadData, encoders: Sequence[Embedder | UseEmbedder], work_dir: Path, run: Run, sentence_method: str
) -> dict[str, OpenIndex]:
    """One index per language of its contexts (one passage each, ``source`` = paragraph number),
    written by the product's ``IndexWriter`` under ``work_dir`` (sentence vectors made as
    ``sentence_embedding`` says): language -> the opened index."""
    from index.analyzer import ThaiEnglishAnalyzer
    from index.storage import IndexWriter, OpenIndex
    from ingest.model import Block, Chunk, Document

    indexes: dict[str, OpenIndex] = {}
    for lang in LANGS:
        chunks = [
            Chunk(
                chunk_id=f"xquad-{lang}-{number}", source=str(number), title="", text=text, page=None,
                heading_path=(), lang=lang, start=0, end=len(text),
            )
            for number, text in enumerate(data.contexts[lang])
        ]
        documents = [
            Document(source=str(number), title="", blocks=[Block(text)], lang=lang)
            for number, text in enumerate(data.contexts[lang])
        ]
        writer = IndexWriter(
            encoders,
            ThaiEnglishAnalyzer(),
            passage_template="{text}",
            chunking={},
            show_progress=False,
            sentence_method=sentence_method,
        )
        index_dir = work_dir / f"index-{lang}"
        with run.stage(f"build {lang} index (embed {len(chunks)} contexts x {len(encoders)} encoders + BM25)"):
            writer.run(documents, chunks, index_dir)
        indexes[lang] = OpenIndex(index_dir)

    return indexes


def build_mixed_index(
    data: XquadData, encoders: Sequence[Embedder | UseEmbedder], work_dir: Path, run: Run, sentence_method: str
) -> OpenIndex:
    """One index of both languages' contexts (a pool per language), ``source`` = "th:12" / "en:12",
    written under ``work_dir``; encoders that cache vectors (:class:`MeteredEncoder`) reuse them."""
    from index.analyzer import ThaiEnglishAnalyzer
    from index.storage import IndexWriter, OpenIndex
    from ingest.model import Block, Chunk, Document

    both = [(lang, number, text) for lang in LANGS for number, text in enumerate(data.contexts[lang])]
    writer = IndexWriter(
        encoders, ThaiEnglishAnalyzer(), passage_template="{text}", chunking={}, show_progress=False, sentence_method=sentence_method
    )
    with run.stage("build th+en index (vectors reused)"):
        writer.run(
            [Document(source=f"{lang}:{number}", title="", blocks=[Block(text)], lang=lang) for lang, number, text in both],
            [
                Chunk(f"{lang}:{number}#0", f"{lang}:{number}", "", text, None, (), lang, 0, len(text))
                for lang, number, text in both
            ],
            work_dir / "index-both",
        )
    return OpenIndex(work_dir / "index-both")


def run_benchmark(data_dir: Path, limit: int | None, work_dir: Path) -> tuple[Run, dict[str, Any]]:
    from assistant.api import PolicyRAG, make_encoders
    from assistant.retrieval import HybridRetriever, RetrievalWeights
    from assistant.settings import Settings
    from index.analyzer import RegexAnalyzer, ThaiEnglishAnalyzer

    run = Run()
    with run.stage("load XQuAD"):
        data = load_xquad(data_dir, limit)
    print(
        f"XQuAD: {len(data.gold)} questions x {len(data.contexts['th'])} contexts per language",
        file=sys.stderr,
    )

    ranks: dict[str, dict[str, list[int]]] = {}
    with run.stage("(a) regex-BM25: analyze, index, score"):
        ranks["regex-bm25"] = bm25_ranks(RegexAnalyzer(), data)
    with run.stage("(b) newmm-BM25: analyze, index, score"):
        ranks["newmm-bm25"] = bm25_ranks(ThaiEnglishAnalyzer(), data)

    settings = Settings()
    encoders = [MeteredEncoder(encoder) for encoder in make_encoders(settings)]
    # The wrappers duck-type the product encoders (same attributes and methods).
    product_encoders = cast("list[Embedder | UseEmbedder]", encoders)
    # Load the models before timing the embedding stages (a 10-20 s one-off, not per passage).
    with run.stage("load encoders"):
        for encoder in encoders:
            encoder.embed_queries(["warm-up"])
    for encoder in encoders:
        encoder._cache.clear()
        encoder.query_seconds = 0.0
        encoder.queries_embedded = 0

    indexes = build_context_indexes(data, product_encoders, work_dir, run, settings.sentence_embedding)

    # Related across languages: both languages' contexts in one index (vectors already embedded),
    # each paragraph asked for its closest paragraph in the other language.
    both_index = build_mixed_index(data, product_encoders, work_dir, run, settings.sentence_embedding)
    related = PolicyRAG(both_index, product_encoders, settings).retriever
    for lang, other in (("th", "en"), ("en", "th")):
        with run.stage(f"related {lang}->{other} ({len(data.contexts[lang])} paragraphs)"):
            found = [related.related(f"{lang}:{number}", chunk=0, k=MRR_DEPTH) for number in range(len(data.contexts[lang]))]
        ranks.setdefault("related", {})[f"{lang}->{other}"] = [
            next((hit.rank for hit in hits if hit.chunk.source == f"{other}:{number}"), 0) for number, hits in enumerate(found)
        ]
    both_index.close()

    for lang in LANGS:
        with run.stage(f"embed {len(data.questions[lang])} {lang} questions x {len(encoders)} encoders"):
            for encoder in encoders:
                encoder.embed_queries(data.questions[lang])

    # The production row takes its retriever from PolicyRAG itself, so it follows whatever weights
    # and candidate counts the product composes from Settings (no copy of that logic here).
    retrievers: dict[str, dict[str, HybridRetriever]] = {
        "policyrag": {lang: PolicyRAG(indexes[lang], product_encoders, settings).retriever for lang in LANGS},
        "no-sentence": {
            lang: PolicyRAG(indexes[lang], product_encoders, replace(settings, sentence_weight=0.0)).retriever for lang in LANGS
        },
        "whole-pool-sentences": {
            lang: PolicyRAG(indexes[lang], product_encoders, replace(settings, sentence_scan_max=10**9)).retriever for lang in LANGS
        },
        "e5-dense": {
            lang: HybridRetriever(
                indexes[lang],
                product_encoders,
                weights=RetrievalWeights(dense=(1.0, 0.0)[: len(encoders)], bm25=0.0, cross_script_bm25=0.0, sentence=0.0),
                dense_candidates=settings.dense_candidates,
                bm25_candidates=settings.bm25_candidates,
            )
            for lang in LANGS
        },
    }
    for row, by_lang in retrievers.items():
        ranks[row] = {}
        for q_lang, c_lang in DIRECTIONS:
            retriever = by_lang[c_lang]
            with run.stage(f"retrieve {row} ({len(data.questions[q_lang])} queries, {direction_name((q_lang, c_lang))})"):
                hits = retriever.run_batch(data.questions[q_lang], k=MRR_DEPTH)
            ranks[row][direction_name((q_lang, c_lang))] = hit_ranks(hits, data.gold)
    for index in indexes.values():
        index.close()

    for row in ROW_LABELS:
        run.rows[row] = {direction: summarise(values) for direction, values in ranks[row].items()}
    run.rows["related"] = {direction: summarise(values) for direction, values in ranks["related"].items()}
    config = {
        "paragraphs_per_language": len(data.contexts["th"]),
        "questions_per_language": len(data.gold),
        "limit": limit,
        "settings": settings_record(settings),
        "passage_template_used": "{text}",
        "retrieval": {
            row: {
                "weights": asdict(by_lang["th"].weights),
                "dense_candidates": by_lang["th"].dense_candidates,
                "bm25_candidates": by_lang["th"].bm25_candidates,
            }
            for row, by_lang in retrievers.items()
        },
        "encoders": [
            {
                "model": encoder.model_name,
                "passages_embedded": encoder.passages_embedded,
                "passage_seconds": round(encoder.passage_seconds, 2),
                "queries_embedded": encoder.queries_embedded,
                "query_seconds": round(encoder.query_seconds, 2),
            }
            for encoder in encoders
        ],
    }
    return run, config


# --------------------------------------------------------------------------------------------
# Reporting


def settings_record(settings: Settings) -> dict[str, Any]:
    """Every Settings field as JSON; the product's defaults change often, the record must say which."""
    return {item.name: _jsonable(getattr(settings, item.name)) for item in fields(settings)}


def _jsonable(value: object) -> object:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


REPO_ROOT = Path(__file__).resolve().parent.parent


def code_fingerprint(root: Path = REPO_ROOT) -> dict[str, Any]:
    """sha256 of the product's Python sources, and the git commit if there is one.

    Why: other people edit the product while benchmarks run, and without commits a fingerprint is
    the only way to tell later which code a recorded number belongs to.
    """
    import hashlib
    import subprocess

    digest = hashlib.sha256()
    files = sorted(path for package in ("assistant", "index", "ingest", "corpus") for path in (root / package).rglob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "-q", "HEAD"], check=False, capture_output=True, text=True
        )
        commit = result.stdout.strip() if result.returncode == 0 else None
    except OSError:
        commit = None
    return {"sources_sha256": digest.hexdigest()[:16], "files": len(files), "git_commit": commit}


def machine_info() -> dict[str, object]:
    """What the numbers were measured on; timings mean little without it."""
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, object] = {
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg_start": [round(value, 2) for value in os.getloadavg()],
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        info["gpu"] = torch.cuda.is_available()
    except ImportError:
        info["gpu"] = False
    return info


def markdown_tables(rows: dict[str, dict[str, dict[str, Any]]], n_questions: int) -> str:
    names = [direction_name(direction) for direction in DIRECTIONS]
    lines = [
        f"Recall@1 / MRR@10, each question against all contexts of one language ({n_questions} questions per direction)",
        "",
        "| Row | " + " | ".join(f"R@1 {name}" for name in names) + " | " + " | ".join(f"MRR@10 {name}" for name in names) + " |",
        "|---|" + "---:|" * (2 * len(names)),
    ]
    for row, label in ROW_LABELS.items():
        values = rows[row]
        lines.append(
            f"| {label} | "
            + " | ".join(f"{values[name]['recall@1']:.3f}" for name in names)
            + " | "
            + " | ".join(f"{values[name]['mrr@10']:.3f}" for name in names)
            + " |"
        )
    lines.append("| BGE-M3 (published, TSVB) | 0.905 | | | | | | | |")
    related = rows.get("related")
    if related:
        lines += [
            "",
            "Related across languages: each paragraph's closest paragraph in the other language (its translation is gold)",
            "",
            "| Direction | R@1 | MRR@10 | paragraphs |",
            "|---|---:|---:|---:|",
        ]
        lines += [f"| {name} | {value['recall@1']:.3f} | {value['mrr@10']:.3f} | {value['n']} |" for name, value in related.items()]
    return "\n".join(lines)


def target_checks(rows: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    checks = []
    targets = [("policyrag", direction_name(direction), minimum) for direction, minimum in TARGETS.items()]
    targets += [("related", name, RELATED_TARGET) for name in rows.get("related", {})]
    for row, name, minimum in targets:
        value = float(rows[row][name]["recall@1"])
        low, high = rows[row][name]["recall@1_ci95"]
        checks.append(
            {
                "direction": name if row == "policyrag" else f"related {name}",
                "metric": "recall@1",
                "target": minimum,
                "value": round(value, 4),
                "ci95": [round(low, 4), round(high, 4)],
                "met": value >= minimum,
                "margin": round(value - minimum, 4),
            }
        )
    return checks


def targets_table(checks: list[dict[str, Any]]) -> str:
    lines = [
        "Must-meet targets (policyrag row, Recall@1)",
        "",
        "| Direction | Target | policyrag | 95% CI | Margin | Met |",
        "|---|---:|---:|---|---:|---|",
    ]
    for check in checks:
        low, high = check["ci95"]
        lines.append(
            f"| {check['direction']} | >= {check['target']:.2f} | {check['value']:.3f} | {low:.3f}-{high:.3f} "
            f"| {check['margin']:+.3f} | {'yes' if check['met'] else 'NO'} |"
        )
    return "\n".join(lines)


def stages_table(stages: dict[str, float], total: float) -> str:
    lines = ["Wall time per stage", "", "| Stage | Seconds |", "|---|---:|"]
    lines += [f"| {stage} | {seconds:.1f} |" for stage, seconds in stages.items()]
    lines.append(f"| **total** | **{total:.1f}** |")
    return "\n".join(lines)


def write_json(path: Path, payload: dict[str, object]) -> None:
    """Write through a temporary file so a crashed run never leaves half a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.xquad",
        description="XQuAD th/en retrieval (Thai Sentence Vector Benchmark protocol): Recall@1 and MRR@10.",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="folder with xquad.th.json and xquad.en.json")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N paragraphs (smoke run)")
    parser.add_argument("--out", type=Path, default=None, help="JSON result file (default: benchmarks/results/xquad.json, or xquad-limitN.json with --limit)")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit <= 0:
        parser.error("--limit must be positive")
    out = args.out or RESULTS_DIR / ("xquad.json" if args.limit is None else f"xquad-limit{args.limit}.json")

    machine = machine_info()
    code = code_fingerprint()
    started_at = datetime.now(UTC).astimezone()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="policyrag-xquad-") as work_dir:
        run, config = run_benchmark(args.data, args.limit, Path(work_dir))
    total = time.perf_counter() - started
    machine["loadavg_end"] = [round(value, 2) for value in os.getloadavg()]

    checks = target_checks(run.rows)
    n_questions = int(config["questions_per_language"])
    limited = f", LIMITED to {args.limit} paragraphs" if args.limit else ""
    header = (
        f"## XQuAD retrieval ({started_at:%Y-%m-%d %H:%M %Z}, {machine['cpus_usable']} CPU cores, "
        f"GPU: {'yes' if machine.get('gpu') else 'no'}{limited})"
    )
    report = "\n\n".join(
        [
            header,
            markdown_tables(run.rows, n_questions),
            targets_table(checks),
            stages_table(run.stages, total),
        ]
    )
    print(report)
    write_json(
        out,
        {
            "benchmark": "xquad-retrieval",
            "protocol": "Thai Sentence Vector Benchmark: each question against all contexts of one language; "
            "gold = the question's paragraph; ranks with pessimistic ties",
            "date": started_at.isoformat(timespec="seconds"),
            "machine": machine,
            "code": code,
            "config": config,
            "rows": run.rows,
            "row_labels": ROW_LABELS,
            "targets": checks,
            "published": PUBLISHED,
            "stage_seconds": {stage: round(seconds, 2) for stage, seconds in run.stages.items()},
            "total_seconds": round(total, 2),
        },
    )
    print(f"\nWrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

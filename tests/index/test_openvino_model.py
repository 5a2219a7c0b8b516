"""The OpenVINO back end embeds like sentence-transformers on torch, and is exported once.

The export goes to ``default_cache_dir()`` like the bundled model (``scripts/setup.sh`` builds it),
so the slow tests pay it at most once per machine."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from index import embedder as embedder_module
from index.embedder import Embedder

THAI = [
    "รัฐบาลดิจิทัลช่วยอำนวยความสะดวกให้ประชาชน",
    "แผนพัฒนารัฐบาลดิจิทัลมุ่งเน้นการเชื่อมโยงข้อมูลระหว่างหน่วยงานภาครัฐ เพื่อลดขั้นตอนการขอเอกสารจากประชาชน " * 3,
]
ENGLISH = ["Agencies must protect personal data.", "The once-only principle: citizens give the same data to government only once. " * 4]


class FakeTorch:
    def __init__(self, model: str, threads: int, device: str = "cpu") -> None:
        self.model_name, self.threads = model, threads

    def describe(self) -> str:
        return "fake torch"

    def tokenizer(self) -> None:
        return None


def test_auto_falls_back_to_torch_with_a_warning_when_openvino_is_missing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embedder_module, "openvino_problem", lambda: "the openvino package is not installed (pip install ...)")
    monkeypatch.setattr(embedder_module, "TorchTransformer", FakeTorch)
    with caplog.at_level(logging.WARNING):
        runtime = Embedder(backend="auto").runtime
    assert isinstance(runtime, FakeTorch)
    assert "not installed" in caplog.text


class FakeFloat32OpenVINO:
    precision = "f32"

    def __init__(self, model_dir: object, threads: int) -> None:
        self.threads = threads

    def describe(self) -> str:
        return "fake openvino f32"

    def tokenizer(self) -> None:
        return None


def test_a_cpu_without_bfloat16_is_noted_not_warned_on_every_command(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing a user can do about the CPU: a warning printed by every command broke
    `policyrag ask --json 2>&1` (field case 13 on a machine without AVX512-BF16)."""
    monkeypatch.setattr(embedder_module, "openvino_problem", lambda: None)
    monkeypatch.setattr(embedder_module, "export_openvino", lambda model: model)
    monkeypatch.setattr(embedder_module, "OpenVINOTransformer", FakeFloat32OpenVINO)
    with caplog.at_level(logging.INFO, logger=embedder_module.logger.name):
        runtime = Embedder(backend="auto").runtime
    assert isinstance(runtime, FakeFloat32OpenVINO)
    assert "no bfloat16" in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_openvino_chosen_but_missing_is_an_error_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder_module, "openvino_problem", lambda: "the openvino package is not installed (pip install x)")
    with pytest.raises(RuntimeError, match="encoder_backend = 'auto' or 'torch'"):
        Embedder(backend="openvino").runtime  # noqa: B018


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, openvino, torch"):
        Embedder(backend="onnx")


@pytest.fixture(scope="module")
def both() -> tuple[Embedder, Embedder]:
    pytest.importorskip("openvino")
    return Embedder(backend="openvino", threads=2), Embedder(backend="torch", threads=2)


@pytest.mark.slow
def test_openvino_vectors_are_the_torch_vectors(both: tuple[Embedder, Embedder]) -> None:
    openvino, torch = both
    texts = THAI + ENGLISH
    assert np.min(np.sum(openvino.embed_passages(texts) * torch.embed_passages(texts), axis=1)) > 0.9999
    assert np.min(np.sum(openvino.embed_queries(texts) * torch.embed_queries(texts), axis=1)) > 0.9999
    reference = torch.runtime.encode_whole([torch.passage_prompt + text for text in texts], 16, False)  # sentence-transformers itself
    assert np.min(np.sum(torch.embed_passages(texts) * reference, axis=1)) > 0.99999


@pytest.mark.slow
def test_pooled_sentences_agree_between_back_ends(both: tuple[Embedder, Embedder]) -> None:
    passage = ENGLISH[0] + " " + THAI[0]
    groups = [[[(0, len(ENGLISH[0]))], [(len(ENGLISH[0]) + 1, len(passage))]]]
    first, second = (backend.embed_passages_pooled([passage], groups) for backend in both)
    assert np.min(np.sum(first.groups[0] * second.groups[0], axis=1)) > 0.9999
    assert first.found[0].tolist() == [True, True]


@pytest.mark.slow
def test_the_export_is_made_once() -> None:
    pytest.importorskip("openvino")
    from openvino.tools.ovc import convert_impl

    from index.openvino_model import export_openvino

    telemetry = convert_impl.tm
    folder = export_openvino("bundled:multilingual-e5-small")
    built = (folder / "model.bin").stat().st_mtime_ns
    assert export_openvino("bundled:multilingual-e5-small") == folder
    assert (folder / "model.bin").stat().st_mtime_ns == built  # found, not rebuilt
    assert (folder / "model.xml").is_file() and (folder / "tokenizer").is_dir()
    assert convert_impl.tm is telemetry  # the telemetry stub was only swapped in during the export


@pytest.mark.slow
def test_loading_ahead_compiles_the_model_an_ingest_runs(caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("openvino")
    encoder = Embedder(backend="openvino", threads=2)
    with caplog.at_level(logging.INFO, logger="index.openvino_model"):
        encoder.load()
        assert "for throughput" in caplog.text
        caplog.clear()
        vectors = encoder.embed_passages((THAI + ENGLISH) * 10)  # several batches: the throughput model
    assert "compiled" not in caplog.text and vectors.shape == (40, 384)

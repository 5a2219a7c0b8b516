from __future__ import annotations

from ingest.sentences import line_spans, sentence_spans, word_spans


def pieces(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


def test_line_spans_trimmed_and_offset() -> None:
    text = "xx\n a \n\n b\n"
    assert pieces(text, line_spans(text, 2, len(text))) == ["a", "b"]


def test_english_sentences() -> None:
    text = "The DGI uses e.g. data from 3.5 million users. It was published in 2020! See Annex A. done"
    assert pieces(text, sentence_spans(text, 0, len(text))) == [
        "The DGI uses e.g. data from 3.5 million users.",
        "It was published in 2020!",
        "See Annex A. done",
    ]


def test_thai_sentences_do_not_cut_abbreviations() -> None:
    text = (
        "๒.๒ สำนักงาน ก.พ.ร. จึงได้เสนอข้อเท็จจริงต่อคณะกรรมการพัฒนาระบบราชการ (ก.พ.ร.) เพื่อพิจารณา "
        "หัวหน้าคณะรักษาความสงบแห่งชาติได้มีคำสั่ง ที่ ๒๑/๒๕๖๐ เรื่อง การแก้ไขเพิ่มเติมกฎหมาย"
    )
    spans = sentence_spans(text, 0, len(text))
    assert len(spans) > 1
    assert all(not text[start:end].startswith("ร.") for start, end in spans)
    assert "".join(pieces(text, spans)).replace(" ", "") == text.replace(" ", "")


def test_sentence_spans_respect_offsets() -> None:
    text = "prefix|One sentence here. Another one."
    assert pieces(text, sentence_spans(text, 7, len(text))) == ["One sentence here.", "Another one."]


def test_word_spans_segment_long_thai_runs() -> None:
    text = "ok สำนักงานพัฒนารัฐบาลดิจิทัลองค์การมหาชนกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม"
    words = pieces(text, word_spans(text, 0, len(text)))
    assert words[0] == "ok"
    assert len(words) > 3
    assert "".join(words[1:]) == text[3:]

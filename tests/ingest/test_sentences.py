from __future__ import annotations

import pytest

from ingest.sentences import is_outline, line_spans, passage_sentences, sentence_spans, word_spans


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


def test_a_list_written_one_item_a_line_is_cut_at_its_items() -> None:
    """Thai has no full stop to end an item: crfcut ran the introduction and two items into one
    quote, with the third item's bullet hanging at its end."""
    text = (
        "หลักการของข้อมูลเปิดมีดังนี้\n• เปิดเผยโดยค่าเริ่มต้น\n• ปรับปรุงข้อมูลให้เป็นปัจจุบันอย่างน้อยปีละ ๑ ครั้ง\n"
        "• ใช้รูปแบบไฟล์ที่เครื่องอ่านได้ เช่น CSV หรือ JSON"
    )
    quotes = [text[a:b] for a, b in passage_sentences(text)]
    assert quotes == [
        "• เปิดเผยโดยค่าเริ่มต้น",
        "• ปรับปรุงข้อมูลให้เป็นปัจจุบันอย่างน้อยปีละ ๑ ครั้ง",
        "• ใช้รูปแบบไฟล์ที่เครื่องอ่านได้ เช่น CSV หรือ JSON",
    ]  # the introduction ("... มีดังนี้") is no claim


def test_a_wrapped_list_item_stays_one_sentence() -> None:
    text = "Governments should:\n1. invest in research on trustworthy AI that\nbenefits people and the planet;\n2. foster an inclusive digital ecosystem."
    quotes = [text[a:b] for a, b in passage_sentences(text)]
    assert "1. invest in research on trustworthy AI that\nbenefits people and the planet;" in quotes
    assert all("Governments should" not in quote for quote in quotes)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Supply Current max. 50mA", ["Supply Current max. 50mA"]),
        ("See Fig. 3 for the results. Scores rose.", ["See Fig. 3 for the results.", "Scores rose."]),
        ("Costs fell (approx. 40%) in 2020. Then they rose.", ["Costs fell (approx. 40%) in 2020.", "Then they rose."]),
        ("Prof. Smith chaired the panel. Dr. Lee spoke.", ["Prof. Smith chaired the panel.", "Dr. Lee spoke."]),
        # near misses: "max." ending a sentence (no number after it), "etc." ending one
        ("The limit is the max. It was set in 2019.", ["The limit is the max.", "It was set in 2019."]),
        ("They share data, code, etc. The rest is closed.", ["They share data, code, etc.", "The rest is closed."]),
        ("It ends here. Next one.", ["It ends here.", "Next one."]),
    ],
)
def test_no_sentence_ends_at_an_abbreviation(text: str, sentences: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text))] == sentences


@pytest.mark.parametrize(
    ("text", "outline"),
    [
        # a Markdown page's closing list of section headings and links
        ("International Case Studies & Regulations\n\nสหรัฐอเมริกา\n\nusa.gov\n\nสิงคโปร์\n\ngov.sg\n\nเอสโตเนีย\n\nWhy?\n\nHow?", True),
        # a report's table of contents
        ("Table of contents\n\nExecutive Summary 6\n\nKey messages 9\n\nIntroduction 11", True),
        # prose wrapped into short PDF lines says something
        ("• The concept of retaining value is ultimately\n\nsubjective and is indirectly captured when\n\nmeasuring stakeholder engagement for data release.", False),
        # a Thai standard's control: short labelled lines, and a requirement
        ("PS-09\n\nระดับการบังคับใช้ (Compliance): Mandatory\n\nประเภทบริการ: ALL\n\nมีข้อมูลวัดผลหลังเปิดบริการ เช่น อัตราการใช้งานสำเร็จ", False),
        # two headings are a heading path, not an outline
        ("Keywords\n\nCitizen Portal", False),
    ],
)
def test_an_outline_is_short_headings_and_links_without_a_sentence(text: str, outline: bool) -> None:
    assert is_outline(text) is outline

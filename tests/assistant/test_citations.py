"""The citation check that runs on every answer, whoever wrote it."""

from __future__ import annotations

from assistant.citations import CitationChecker, citations_in
from assistant.wording import say


def test_a_citation_naming_no_passage_is_removed_and_noted() -> None:
    checked = CitationChecker().run("Agencies share data they already hold [1][99]. Costs fall [2].", range(1, 4), "en")
    assert "[99]" not in checked.text
    assert checked.text == "Agencies share data they already hold [1]. Costs fall [2]."
    assert checked.cited == (1, 2)
    assert checked.removed == (99,)
    assert any("[99]" in note for note in checked.notes)


def test_a_sentence_left_without_citations_after_removal_is_marked() -> None:
    checked = CitationChecker().run("The portal publishes open data [7]. Agencies report incidents within a day [1].", [1, 2], "en")
    assert checked.text.startswith("The portal publishes open data. " + say("uncited_mark", "en"))
    assert checked.uncited == ("The portal publishes open data.",)


def test_lists_of_numbers_become_one_bracket_each() -> None:
    checked = CitationChecker().run("Both agencies share the data [1, 3].", [1, 2, 3], "en")
    assert checked.text == "Both agencies share the data [1][3]."
    assert citations_in("x [1, 2] y [3]") == [1, 2, 3]


def test_uncited_sentences_are_marked_but_labels_are_not() -> None:
    text = "Key points:\n- Agencies move workloads to a shared cloud [1].\n- Pooling servers lowers costs for everyone."
    checked = CitationChecker().run(text, [1], "en")
    lines = checked.text.splitlines()
    assert lines[0] == "Key points:"
    assert lines[1].endswith("[1].")
    assert lines[2].endswith(say("uncited_mark", "en"))
    assert len(checked.uncited) == 1
    assert any("1 sentence" in note for note in checked.notes)


def test_thai_uncited_sentence_is_marked_in_thai() -> None:
    text = "ตู้บริการอัจฉริยะตั้งอยู่ที่ว่าการอำเภอ [1] ประชาชนพิมพ์ใบสรุปข้อมูลได้ทันทีโดยไม่ต้องรอคิว"
    checked = CitationChecker().run(text, [1], "th")
    assert checked.text.endswith(say("uncited_mark", "th"))
    assert checked.uncited and "พิมพ์ใบสรุป" in checked.uncited[0]
    assert not checked.wrong_script


def test_an_answer_in_the_wrong_script_is_flagged() -> None:
    checked = CitationChecker().run("Citizens do not have to provide the same information twice [1].", [1], "th")
    assert checked.wrong_script
    assert say("note_wrong_script", "th") in checked.notes
    assert not CitationChecker(check_script=False).run("Citizens provide information once [1].", [1], "th").wrong_script


def test_a_clean_answer_passes_unchanged() -> None:
    text = "ประชาชนไม่ต้องยื่นข้อมูลเดิมซ้ำ [1] หน่วยงานแลกเปลี่ยนข้อมูลกันเอง [2]"
    checked = CitationChecker().run(text, [1, 2], "th")
    assert checked.text == text
    assert checked.notes == ()

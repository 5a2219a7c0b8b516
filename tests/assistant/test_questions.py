"""Question types and subjects, Thai and English."""

from __future__ import annotations

import pytest

from assistant.questions import analyse_question, answers_type, search_text


@pytest.mark.parametrize(
    ("question", "types", "expected"),
    [
        ("What are the six dimensions of the Digital Government Policy Framework?", {"list"}, 6),
        ("มิติของกรอบนโยบายรัฐบาลดิจิทัลมีอะไรบ้าง", {"list"}, None),
        ("ผู้ดูแลระบบของหน่วยงานทำอะไรได้บ้าง", {"list"}, None),  # "what can ... do": the things, one by one
        ("Which four transversal facets does the DGI look at?", {"list"}, 4),
        ("ดัชนี OURdata ปี 2017 ครอบคลุมกี่ประเทศ", {"count"}, None),
        ("How many players are on a team?", {"count"}, None),
        ("When did the law portal go live?", {"when"}, None),
        ("ระบบกลางทางกฎหมายเริ่มเมื่อไร", {"when"}, None),
        ("Who wrote the 2019 results paper?", {"who"}, None),
        ("ใครบรรยายเรื่องการออกแบบบริการ", {"who"}, None),
        ("What is the once-only principle?", {"definition"}, None),
        ("หลัก Once-Only คืออะไร", {"definition"}, None),
        ("Does Estonia have a central citizen portal?", {"yes_no"}, None),
        ("ไม่มีบัตรสมาร์ทการ์ดจะใช้ตู้ได้ไหม", {"yes_no"}, None),
        ("ถ้าไม่มีบัตรจะไปทำบัตรได้ที่ไหน", {"where"}, None),
    ],
)
def test_types_and_expected_items(question: str, types: set[str], expected: int | None) -> None:
    intent = analyse_question(question)
    assert types <= intent.types
    assert intent.expected_items == expected


def test_what_a_subject_does_is_answered_by_the_sentence_that_says_it() -> None:
    intent = analyse_question("What does the OECD Digital Government Index measure?")
    assert "predicate" in intent.types and intent.verb == "measure"
    assert answers_type(intent, "The DGI measures the maturity level of digital government strategies.") == 1
    assert answers_type(intent, "The DGI assesses governments' adoption of strategic approaches.") == 1  # the documents' other word
    assert answers_type(intent, "The purpose of the DGI is to measure the digital transformation of the public sector.") == 1
    assert answers_type(intent, "It is important to note that the DGI does not measure the uptake of services.") == 0
    assert answers_type(intent, "The OECD developed the DGI to monitor the implementation of the Recommendation.") == 0
    # The last word is not always a verb: "... require regarding traceability?"
    assert "predicate" not in analyse_question("What does the AI principle on robustness require regarding traceability?").types
    assert "predicate" not in analyse_question("What does the once-only principle mean?").types  # a definition


def test_subject_drops_the_question_words() -> None:
    assert analyse_question("What is the once-only principle?").subject == "once-only principle"
    assert analyse_question("หลัก Once-Only คืออะไร").subject == "หลัก Once-Only"


def test_sentence_has_the_form_of_the_answer_asked_for() -> None:
    assert answers_type(analyse_question("How many countries took part?"), "33 countries took part.") == 1
    assert answers_type(analyse_question("How many countries took part?"), "Many countries took part.") == 0
    assert answers_type(analyse_question("ระบบเปิดใช้งานเมื่อไร"), "เปิดใช้งานจริงเมื่อวันที่ 30 กรกฎาคม 2564") == 1
    assert answers_type(analyse_question("What is the once-only principle?"), "The Once-Only Principle refers to the right of citizens.") == 1


def test_a_definition_question_names_the_abbreviation_or_code_it_looks_up() -> None:
    terms = {
        "สพร. ย่อมาจากอะไร": "สพร.",
        "ชื่อเต็มของ ก.พ.ร. คืออะไร": "ก.พ.ร.",
        "What does DGA stand for?": "DGA",
        "What is the full name of the OPDC?": "OPDC",
        "What is PS-04?": "PS-04",
        "ข้อกำหนด PS-04 คืออะไร": "PS-04",
        "IAL 2.3 คืออะไร": "IAL 2.3",
        "What does CBP stand for in the DGA-OECD seminar?": "CBP",
        "IAL ย่อมาจากอะไรในคู่มือนี้": "IAL",
        "What does the DGI mean for Thailand?": "",  # what it means for someone, not what it stands for
        "gdx คืออะไร": "gdx",  # typed in lower case: the documents decide whether it is defined
        "What is PS04?": "PS04",
        "What is the once-only principle?": "",  # a concept, not an abbreviation
        "หลัก Once-Only คืออะไร": "",
        "Who runs the GDX?": "",  # not a definition question
    }
    assert {question: analyse_question(question).term for question in terms} == terms


def test_a_lookup_is_searched_with_the_long_form_the_documents_give() -> None:
    from index.abbreviations import Abbreviation, AbbreviationTable

    table = AbbreviationTable([Abbreviation("สพร", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)", 5, "a.md")])
    assert search_text("สพร. ย่อมาจากอะไร", table) == "สพร. ย่อมาจากอะไร สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"
    assert search_text("สพร. ตั้งอยู่ที่ไหน", table) == "สพร. ตั้งอยู่ที่ไหน"  # not a lookup: searched as asked
    assert search_text("GDX คืออะไร", table) == "GDX คืออะไร"  # not defined in the documents


def test_a_code_named_anywhere_in_a_question() -> None:
    assert analyse_question("What does control PS-05 of the Thai digital service standard require?").codes == ("PS-05",)
    assert analyse_question("What is the difference between PS-04 and PS-05?").codes == ("PS-04", "PS-05")
    assert analyse_question("มาตรฐาน มรด. 1-1:2564 คืออะไร").codes == ()  # a standard's number is no heading code
    assert analyse_question("What does the e-GIF say?").codes == ()

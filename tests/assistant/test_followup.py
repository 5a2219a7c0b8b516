"""Follow-up questions are completed from the conversation before they are searched."""

from __future__ import annotations

import pytest

from assistant.followup import KeywordCarryOver, Turn, content_words, is_follow_up, slot_values, standalone_question

COUNTRIES = Turn(
    "What share of countries evaluate the impact of digital investments?",
    "What share of countries evaluate the impact of digital investments?",
)
HACKATHON = Turn("แผนระยะสั้นมีการจัดกิจกรรม Hackathon อะไรบ้าง", "แผนระยะสั้นมีการจัดกิจกรรม Hackathon อะไรบ้าง")


@pytest.mark.parametrize(
    "question", ["and in Thailand?", "What about Korea?", "Who leads it?", "When?", "แล้วใครเป็นผู้รับผิดชอบ", "ส่วนประเทศไทยล่ะ", "ใครรับผิดชอบ"]
)
def test_follow_ups(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        "What share of countries evaluate the impact of digital investments?",
        "หลัก Once-Only คืออะไร",
        "ส่วนประกอบของระบบคลาวด์มีอะไรบ้าง",  # "ส่วน" inside a word is no connective
        "In which year was the Recommendation adopted?",
        "Which agency leads the programme that funds hackathons?",
        "What is PS-04?",  # one word, but a code names its own subject
        "GDX คืออะไร",
        "สพร. ย่อมาจากอะไร",
    ],
)
def test_questions_that_stand_on_their_own(question: str) -> None:
    assert not is_follow_up(question)


def test_english_follow_up_carries_the_previous_subject() -> None:
    assert KeywordCarryOver().rewrite("and in Thailand?", [COUNTRIES]) == "and in Thailand? share countries evaluate impact digital investments"


def test_thai_follow_up_carries_the_previous_subject() -> None:
    rewritten = KeywordCarryOver().rewrite("แล้วใครเป็นผู้รับผิดชอบ", [HACKATHON])
    assert rewritten.startswith("แล้วใครเป็นผู้รับผิดชอบ ") and "Hackathon" in rewritten and "ระยะสั้น" in rewritten


def test_standalone_question_is_searched_as_it_is() -> None:
    assert standalone_question("หลัก Once-Only คืออะไร", [HACKATHON]) == "หลัก Once-Only คืออะไร"
    assert standalone_question("and in Thailand?", []) == "and in Thailand?"


def test_llm_rewrite_is_used_and_its_failure_falls_back_to_keywords() -> None:
    assert standalone_question("and in Thailand?", [COUNTRIES], lambda q, h: "What share of Thai agencies evaluate them?") == (
        "What share of Thai agencies evaluate them?"
    )

    def broken(question: str, history: object) -> str:
        raise TimeoutError("no answer")

    assert standalone_question("and in Thailand?", [COUNTRIES], broken).endswith("digital investments")


def test_content_words_leave_out_question_words() -> None:
    assert content_words("Who leads hackathons in the short-term plan?") == ["leads", "hackathons", "short-term", "plan"]


def test_a_follow_up_with_its_own_words_carries_only_the_rarest_subject_words() -> None:
    first = Turn("Which countries were early open data trend setters in the 2017 OURdata Index?", "")
    first = Turn(first.question, first.question)
    idf = {"ourdata": 6.0, "2017": 3.0, "index": 2.5, "trend": 2.0, "setter": 2.2, "earli": 1.0, "open": 0.5, "data": 0.4, "countri": 0.3}

    def weights(terms: object) -> dict[str, float]:
        return {term: idf.get(term, 0.0) for term in terms}  # type: ignore[union-attr]

    searched = KeywordCarryOver(weights).rewrite("And which OECD members are missing from it?", [first])
    assert searched == "And which OECD members are missing from it? 2017 OURdata Index"


def test_an_llm_rewrite_that_is_the_earlier_question_again_falls_back_to_keywords() -> None:
    """gemma-3-270m rewrote "and who must apply them?" as "- What are the OECD AI principles?", the
    question before: the follow-up's own words were lost."""
    principles = Turn("What are the OECD AI principles?", "What are the OECD AI principles?")
    searched = standalone_question("and who must apply them?", [principles], lambda q, h: "- What are the OECD AI principles?")
    assert searched.startswith("and who must apply them?") and "principles" in searched
    # a list marker or quotes around a good rewrite are taken off
    assert standalone_question("and who must apply them?", [principles], lambda q, h: '"Who must apply the OECD AI principles?"') == (
        "Who must apply the OECD AI principles?"
    )


def test_a_new_question_about_a_code_carries_nothing_from_the_one_before() -> None:
    before = Turn("ประเทศไทยได้คะแนนดัชนี OURdata ปี 2017 เท่าไร", "ประเทศไทยได้คะแนนดัชนี OURdata ปี 2017 เท่าไร")
    assert standalone_question("What is PS-04?", [before]) == "What is PS-04?"
    # and the follow-up after it carries the code, not the question before it
    assert standalone_question("and who is responsible for it?", [before, Turn("What is PS-04?", "What is PS-04?")]) == (
        "and who is responsible for it? PS-04"
    )


def test_thai_words_written_together_are_carried_together() -> None:
    thang_rat = Turn("แอปทางรัฐพัฒนาโดยหน่วยงานใด", "แอปทางรัฐพัฒนาโดยหน่วยงานใด")
    assert standalone_question("แล้วมีค่าใช้จ่ายไหม", [thang_rat]) == "แล้วมีค่าใช้จ่ายไหม แอปทางรัฐพัฒนา หน่วยงาน"


@pytest.mark.parametrize(
    ("before", "follow_up", "searched"),
    [
        ("GDX คืออะไร", "แล้ว IAL ล่ะ", "IAL คืออะไร"),
        ("What is GDX?", "What about IAL?", "What is IAL?"),
        ("PS-04 คืออะไร", "และ PS-05 ล่ะ", "PS-05 คืออะไร"),
        # the old term's long form is not carried to the new term
        ("What is PPS (protocol parameter selection)?", "And what is RoHS?", "What is RoHS?"),
        ("What is protocol parameter selection (PPS)?", "And what is RoHS?", "What is RoHS?"),
        ("สำนักงานพัฒนารัฐบาลดิจิทัล (สพร.) ทำหน้าที่อะไร", "แล้ว GDX ล่ะ", "GDX ทำหน้าที่อะไร"),
    ],
)
def test_a_follow_up_naming_another_term_asks_the_same_of_it(before: str, follow_up: str, searched: str) -> None:
    assert standalone_question(follow_up, [Turn(before, before)]) == searched


def test_a_lookup_carries_its_term_not_its_question_words() -> None:
    lookup = Turn("สพร. ย่อมาจากอะไร", "สพร. ย่อมาจากอะไร")
    assert standalone_question("ทำหน้าที่อะไร", [lookup]) == "ทำหน้าที่อะไร สพร."


@pytest.mark.parametrize(
    ("before", "follow_up", "searched"),
    [
        ("ระบบกลางทางกฎหมายระยะที่ 2 มีไว้เพื่ออะไร", "แล้วระยะที่ 1 ล่ะ", "แล้วระยะที่ 1 ล่ะ ระบบกลางทางกฎหมาย"),
        ("What did phase 2 deliver?", "And phase 1?", "And phase 1? deliver"),
        ("ข้อ 2 ของระเบียบกำหนดอะไร", "แล้วข้อ ๓ ล่ะ", "แล้วข้อ ๓ ล่ะ ระเบียบ"),  # Thai digits are numbers too
        ("How many countries had a data strategy in 2023?", "And in 2019?", "And in 2019? countries data strategy"),
        ("What does step 3 of the onboarding require?", "what about step 4?", "what about step 4? onboarding require"),
    ],
)
def test_a_follow_up_naming_another_number_of_the_same_thing_does_not_carry_the_old_number(
    before: str, follow_up: str, searched: str
) -> None:
    assert KeywordCarryOver().rewrite(follow_up, [Turn(before, before)]) == searched


def test_a_follow_up_without_a_number_of_its_own_keeps_the_old_one() -> None:
    before = Turn("What did phase 2 deliver?", "What did phase 2 deliver?")
    assert KeywordCarryOver().rewrite("and in Thailand?", [before]) == "and in Thailand? phase 2 deliver"
    # another kind of numbered thing is no replacement: the phase stays
    assert KeywordCarryOver().rewrite("and in 2019?", [before]) == "and in 2019? phase 2 deliver"


def test_an_llm_rewrite_that_keeps_the_replaced_number_falls_back_to_keywords() -> None:
    before = Turn("What did phase 2 deliver?", "What did phase 2 deliver?")
    assert standalone_question("And phase 1?", [before], lambda q, h: "What did phase 2 and phase 1 deliver?") == "And phase 1? deliver"
    assert standalone_question("And phase 1?", [before], lambda q, h: "What did phase 1 deliver?") == "What did phase 1 deliver?"


def test_slot_values_read_counters_in_thai_and_english_and_years_alone() -> None:
    assert slot_values("ระบบกลางทางกฎหมายระยะที่ ๒ ตามแผนปี 2566") == {"phase": {"2"}, "year": {"2566"}}
    assert slot_values("section 2.1 covers 25% of the 1,200 agencies") == {}  # a sub-section, a share, a count
    assert slot_values("Phase 2 of the 2019 plan") == slot_values("ระยะที่ 2 ของแผนปี 2019")

"""Answerability: close passages that lack what the question asks (a year, a place, a number, an
amount, a date) are related, not an answer; both answerers refuse them and say what is missing."""

from __future__ import annotations


import numpy as np
import pytest

from assistant.answerability import AnswerabilityCheck, Missing, requirements_of
from assistant.evidence import EvidenceFinder, EvidenceSentence
from assistant.extractive import ExtractiveAnswerer
from assistant.llm import LLMAnswerer
from assistant.places import places_asked
from assistant.questions import analyse_question
from assistant.retrieval import Hit
from assistant.wording import reword, say
from ingest.model import Chunk


class SameVector:
    """Every text gets one vector: every sentence is as close to the question as can be (support
    1.5, far above the similarity thresholds), so only the answerability check can refuse."""

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 8), np.float32) / np.sqrt(8)

    def embed_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self.embed_queries(texts)


def _hit(text: str, lang: str = "en", title: str = "Report", source: str = "report.md", rank: int = 1) -> Hit:
    chunk = Chunk(f"{source}#{rank}", source, title, text, None, (), lang, 0, len(text))  # type: ignore[arg-type]
    return Hit(rank=rank, score=1.0, chunk=chunk)


def _finder() -> EvidenceFinder:
    return EvidenceFinder(SameVector(), SameVector())


def _sentences(text: str, number: int = 1) -> list[EvidenceSentence]:
    return [EvidenceSentence(number, 0, len(text), text, 1.0, 1.5, 0.5, 0.3)]


EN_YEAR = "What did the digital government plan achieve in 2025?"
TH_YEAR = "แผนพัฒนารัฐบาลดิจิทัลปี 2568 มีผลสำเร็จอะไร"


def test_a_year_the_passage_lacks_is_refused_and_named_english() -> None:
    hits = [_hit("The digital government plan achieved a single portal for all permits and services.")]
    answer = ExtractiveAnswerer(_finder()).answer(EN_YEAR, hits)
    assert not answer.found
    assert answer.text == say("not_stated_for", "en", form="an answer", terms="2025")
    assert [passage.hit for passage in answer.passages] == hits  # the closest passages, shown as related


def test_the_same_question_is_answered_when_the_passage_states_the_year_english() -> None:
    hits = [_hit("In 2025 the digital government plan achieved a single portal for all permits and services.")]
    answer = ExtractiveAnswerer(_finder()).answer(EN_YEAR, hits)
    assert answer.found and "single portal" in answer.text


def test_a_year_the_passage_lacks_is_refused_thai_and_the_other_era_counts() -> None:
    lacking = [_hit("แผนพัฒนารัฐบาลดิจิทัลทำให้ประชาชนยื่นคำขออนุญาตได้ทางออนไลน์ทุกบริการ", lang="th")]
    answer = ExtractiveAnswerer(_finder()).answer(TH_YEAR, lacking)
    assert not answer.found and answer.text == say("not_stated_for", "th", form="คำตอบ", terms="2568")
    # the passage writes the year in the Common Era (2568 BE = 2025 CE): it is the year asked for
    stating = [_hit("ในปี 2025 แผนพัฒนารัฐบาลดิจิทัลทำให้ประชาชนยื่นคำขออนุญาตได้ทางออนไลน์ทุกบริการ", lang="th")]
    assert ExtractiveAnswerer(_finder()).answer(TH_YEAR, stating).found


def test_the_year_may_be_in_the_document_title_or_file_name() -> None:
    hits = [_hit("The plan achieved a single portal for all permits.", title="Digital Government Plan 2025")]
    assert ExtractiveAnswerer(_finder()).answer(EN_YEAR, hits).found


def test_the_llm_answerer_gets_the_same_decision_without_asking_the_model() -> None:
    finder = _finder()
    llm = LLMAnswerer(finder, ExtractiveAnswerer(finder), base_url="http://127.0.0.1:9/v1")  # nothing listens there
    answer = llm.answer(EN_YEAR, [_hit("The digital government plan achieved a single portal for all permits.")])
    assert not answer.found and answer.answerer == "llm"
    assert answer.text == say("not_stated_for", "en", form="an answer", terms="2025")


@pytest.mark.parametrize(
    ("question", "lacking", "stating", "lang"),
    [
        ("How many kiosks does the agency run?", "The agency runs kiosks in every province.", "The agency runs 420 kiosks in every province.", "en"),
        ("หน่วยงานมีตู้บริการกี่ตู้", "หน่วยงานมีตู้บริการในทุกจังหวัด", "หน่วยงานมีตู้บริการ ๔๒๐ ตู้ในทุกจังหวัด", "th"),
    ],
)
def test_a_how_many_question_needs_a_number_in_the_quote(question: str, lacking: str, stating: str, lang: str) -> None:
    answerer = ExtractiveAnswerer(_finder())
    refused = answerer.answer(question, [_hit(lacking, lang=lang)])
    assert not refused.found
    assert refused.text == say("not_stated", lang, form=say("missing_number", lang))
    assert answerer.answer(question, [_hit(stating, lang=lang)]).found


@pytest.mark.parametrize(
    "quote",
    ["1. เปิดแอปพลิเคชันทางรัฐแล้วเลือกเมนูบริการ", "ในปี 2566 แอปพลิเคชันทางรัฐเปิดให้บริการหน่วยงานทุกแห่ง"],
)
def test_a_list_marker_or_a_year_is_not_the_count_asked_for(quote: str) -> None:
    intent = analyse_question("แอปพลิเคชันทางรัฐมีผู้ใช้งานกี่ล้านคน")
    hits = [_hit(quote, lang="th")]
    assert AnswerabilityCheck().run(intent, _sentences(quote), hits).missing == (Missing("number"),)


@pytest.mark.parametrize(
    ("quote", "counts"),
    [
        ("แอปพลิเคชันทางรัฐสามารถใช้ได้ทุกหน่วยงาน", False),  # "สาม" (three) inside "สามารถ" (can)
        ("หน่วยงานนำเข้าได้ช่องทางเดียว คือ เจ้าหน้าที่กฎหมายกรอกข้อมูล", True),  # one channel
        ("หน่วยงานนำเข้าได้สามช่องทาง", True),
    ],
)
def test_thai_number_words_count_as_whole_words(quote: str, counts: bool) -> None:
    intent = analyse_question("หน่วยงานนำเข้าข้อมูลได้กี่ช่องทาง")
    assert AnswerabilityCheck().run(intent, _sentences(quote), [_hit(quote, lang="th")]).answerable is counts


def test_the_questions_own_year_is_not_the_number_asked_for() -> None:
    intent = analyse_question("งบประมาณประจำปี 2567 ของ สพร. มีจำนวนเท่าไร")
    hits = [_hit("จัดทำคำของบประมาณส่งไปยัง สพร. ภายในวันที่ 18 ธ.ค. 2567", lang="th")]
    verdict = AnswerabilityCheck().run(intent, _sentences(hits[0].chunk.text), hits)
    assert verdict.missing == (Missing("amount"),)  # a budget asks for an amount; a deadline is none
    amount = [_hit("งบประมาณประจำปี 2567 ของ สพร. มีจำนวน 1,200 ล้านบาท", lang="th")]
    assert AnswerabilityCheck().run(intent, _sentences(amount[0].chunk.text), amount).answerable


def test_a_place_the_passage_does_not_name_is_missing_in_either_language() -> None:
    intent = analyse_question("What score did Indonesia get in the Digital Government Index?")
    korea = [_hit("Korea scored 0.74 in the Digital Government Index, the highest of all countries.")]
    assert AnswerabilityCheck().run(intent, _sentences(korea[0].chunk.text), korea).missing == (Missing("place", "Indonesia"),)
    thai_name = [_hit("อินโดนีเซียได้คะแนน 0.52 ในดัชนีรัฐบาลดิจิทัล", lang="th")]
    assert AnswerabilityCheck().run(intent, _sentences(thai_name[0].chunk.text), thai_name).answerable


def test_thailand_is_named_by_every_thai_passage() -> None:
    intent = analyse_question("ประเทศไทยมีศูนย์แลกเปลี่ยนข้อมูลภาครัฐชื่ออะไร")
    hits = [_hit("ศูนย์กลางแลกเปลี่ยนข้อมูลภาครัฐ (GDX) เป็นศูนย์กลางในการแลกเปลี่ยนข้อมูลระหว่างหน่วยงานภาครัฐ", lang="th")]
    assert AnswerabilityCheck().run(intent, _sentences(hits[0].chunk.text), hits).answerable


def test_only_the_quotes_within_the_margin_are_checked() -> None:
    intent = analyse_question("How many kiosks does the agency run?")
    text = "The agency runs kiosks everywhere. It runs 420 of them."
    hits = [_hit(text)]
    first = EvidenceSentence(1, 0, 34, text[:34], 1.0, 1.5, 0.5, 0.30)
    far = EvidenceSentence(1, 35, len(text), text[35:], 1.0, 1.5, 0.5, 0.10)  # 0.2 below: never quoted
    assert not AnswerabilityCheck(margin=0.1).run(intent, [first, far], hits).answerable
    near = EvidenceSentence(1, 35, len(text), text[35:], 1.0, 1.5, 0.5, 0.25)
    assert AnswerabilityCheck(margin=0.1).run(intent, [first, near], hits).answerable


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("When did the law portal go live?", ["date"]),
        ("What is done when a government service is going to be unavailable?", []),  # "when" as a conjunction
        ("When building the index, what was done with weak items?", []),
        ("กฎหมายนี้มีผลบังคับใช้เมื่อไหร่", ["date"]),
        ("What fine does the Recommendation impose?", ["amount"]),
        ("ค่าธรรมเนียมกี่บาท", ["amount"]),
        ("What is the monthly fee for the API?", ["amount"]),
        ("What are the six dimensions of the framework in 2019?", ["year"]),  # a list: items, no number
        ("What does the UK Government Digital Service do?", []),  # "UK" only qualifies a name
        ("What date format does the BirthDate parameter take?", []),  # a format, not a date
        ("มาตรฐานนี้ประกาศในราชกิจจานุเบกษาเมื่อวันที่เท่าไร", ["date"]),  # "on what day": a date, though "เท่าไร" asks numbers
        ("On what date was the standard published?", ["date"]),
        ("ดัชนี DGI 2023 พูดถึงการใช้คลาวด์ของภาครัฐอย่างไร", ["year"]),  # "ลาว" (Laos) inside "คลาวด์" (cloud)
    ],
)
def test_what_a_question_asks_for(question: str, kinds: list[str]) -> None:
    assert [need.missing.kind for need in requirements_of(analyse_question(question))] == kinds


def test_places_are_matched_as_words_not_inside_others() -> None:
    assert [place.name for place in places_asked("เอกสารภาษาอังกฤษของ GOV.UK พูดถึงอะไร")] == []
    assert [place.name for place in places_asked("ประเทศเวียดนามใช้ระบบอะไร")] == ["Viet Nam"]


def test_support_specifics_off_leaves_the_decision_to_similarity() -> None:
    finder = EvidenceFinder(SameVector(), SameVector(), answerability=None)
    answer = ExtractiveAnswerer(finder).answer(EN_YEAR, [_hit("The digital government plan achieved a single portal for all permits.")])
    assert answer.found


def test_an_llm_sentence_is_not_taken_for_the_refusal() -> None:
    assert reword("Support for agencies is given by the DGA.", "en", "th") is None


def test_the_refusal_is_reworded_whole_when_the_page_has_the_other_language() -> None:
    thai = say("not_stated_for", "th", form=say("missing_amount", "th"), terms="2566")
    assert reword(thai, "th", "en") == "The documents do not give the amount for 2566. The closest passages are listed below: related, not an answer."


def test_a_thai_year_written_against_its_era_marker_counts() -> None:
    hits = [_hit("ตามแผนพ.ศ.๒๕๖๘ แผนพัฒนารัฐบาลดิจิทัลทำให้ประชาชนยื่นคำขออนุญาตได้ทางออนไลน์", lang="th")]
    assert ExtractiveAnswerer(_finder()).answer(TH_YEAR, hits).found


def test_a_question_for_the_day_needs_a_date_not_a_year() -> None:
    """"เมื่อวันที่เท่าไร" (on what day) is not answered by a copyright year; the refusal names a date."""
    question = "มาตรฐานบริการดิจิทัลภาครัฐประกาศในราชกิจจานุเบกษาเมื่อวันที่เท่าไร"
    year_only = [_hit("ระบุข้อความลิขสิทธิ์และปีที่พัฒนา พร้อมชื่อหน่วยงาน (เช่น © 2569 ชื่อหน่วยงาน)", lang="th")]
    answer = ExtractiveAnswerer(_finder()).answer(question, year_only)
    assert not answer.found
    assert say("missing_date", "th") in answer.text
    dated = [_hit("มาตรฐานบริการดิจิทัลภาครัฐประกาศในราชกิจจานุเบกษาเมื่อวันที่ 8 มีนาคม 2566", lang="th")]
    assert ExtractiveAnswerer(_finder()).answer(question, dated).found

"""Whether the sentences an answer would quote give what the question asks, not only its topic.

The support test (``EvidenceFinder.is_supported``) measures how close the best sentence is to the
question; on-topic questions the documents cannot answer pass it easily. "What score did Indonesia
get in the DGI 2019?" finds sentences about the DGI 2019 at support 1.14, far above any off-topic
question, and the answer quoted the DGI's top performers, which users read as the answer. What
such a question asks for that its topic does not give is specific: a place, a year, a number, an
amount of money, a date. So besides being close, the answer must carry these:

- **places** the question names (:mod:`assistant.places`, English or Thai names) must be named by
  the passage a quote comes from (its text, title or headings), in either language; Thailand is
  also named by every Thai-language passage (the Thai documents are about it without saying so);
- **years** the question names must be in that passage, in either era (2566 = 2023);
- **the form of the answer**: a question asking how many / how much / what share (``กี่``,
  ``เท่าไร``) needs a quote holding a number other than the question's own numbers, a year or a
  list item's marker; one asking for
  money (a budget, fee, cost, salary, fine) needs an amount (a number with บาท, baht, USD, million,
  %...); one asking when needs a date or year other than the question's.

The quotes checked are those the answerer would show: the best-scored sentences within ``margin``
of the best (the extractive answerer's ``relevance_margin``), at most ``quotes`` of them. The answer
stands when one of them meets every requirement; otherwise the documents are said not to give what
is missing (``Missing``), and the closest passages are listed as related, not as the answer. A list
question answered with the document's items is checked for places and years only; a lookup the
documents define ("What is PS-04?") is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.places import HOME, Place, names_place, places_asked, surface, whole_words
from assistant.questions import QuestionIntent
from assistant.retrieval import Hit
from index.years import other_era

if TYPE_CHECKING:
    from assistant.evidence import EvidenceSentence

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d+(?:[.,]\d+)*")  # "พ.ศ.2561", "ปี2567" hold a year; "PS04" no number
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# "how many" / "how much" / "กี่" / "เท่าไร": the answer is a number (``questions`` also counts
# "what level", "อัตรา", which a word can answer).
_ASKS_NUMBER = re.compile(
    r"\bhow\s+(?:many|much|long|large|big)\b|\bwhat\s+(?:share|percentage|proportion|number|amount|score|fraction)\b"
    r"|กี่|เท่าไร|เท่าไหร่|เท่าใด|จำนวนเท่า",
    re.IGNORECASE,
)
# asks when: not "when" as a conjunction ("What is done when a service is down?", "When building the
# index, what was done ...?"), nor a date's
# format ("What date format does the parameter take?")
_ASKS_DAY = re.compile(
    r"วันที่\s*(?:เท่าไร|เท่าไหร่|เท่าใด)|\b(?:what|which)\s+(?:date|day)\b(?!\s+(?:format|field|type|parameter|column|string|value|stamp))",
    re.IGNORECASE,
)
_ASKS_DATE = re.compile(
    r"^\s*(?:and\s+|so\s+)?when\b(?![^?]*,\s*(?:what|which|who|how|where|why)\b)|\bsince\s+when\b|\b(?:in\s+)?(?:what|which)\s+(?:year|date|month|day|period)\b(?!\s+(?:format|field|type|parameter|column|string|value|stamp))"
    r"|เมื่อไร|เมื่อไหร่|เมื่อใด|ปีไหน|ปีใด|ปีอะไร|วันที่เท่าไร|วันไหน|วันใด|ช่วงเวลาใด|ตั้งแต่เมื่อ",
    re.IGNORECASE,
)
_MONEY_WORDS = (
    r"budget|cost|costs|fee|fees|price|pay|paid|spend|spent|salary|salaries|wage|fund|funding|fine|fines|charge|charged|expenditure"
)
_ASKS_MONEY = re.compile(
    rf"\b(?:{_MONEY_WORDS})\b|งบประมาณ|ค่าธรรมเนียม|ค่าบริการ|ค่าใช้จ่าย|ราคา|เงินเดือน|ค่าจ้าง|ค่าปรับ|เงินทุน|เงินสนับสนุน|กี่บาท",
    re.IGNORECASE,
)
# "What fine does ...?", "What is the monthly fee ...?": money asked without "how much"
_WHAT_MONEY = re.compile(
    rf"\b(?:what|which)\s+(?:(?:is|are|was|were)\s+(?:the\s+)?)?(?:\w+\s+)?(?:{_MONEY_WORDS})\b", re.IGNORECASE
)
# a list item's marker ("1. เปิดแอปพลิเคชัน", "(2) ...") is no quantity
_LIST_MARKER = re.compile(r"^\s*(?:\(?[0-9]{1,2}[.)]|[a-z][.)])\s+")
_AMOUNT = re.compile(
    r"\d[\d.,]*\s*(?:บาท|ล้าน|แสน|หมื่น|พันล้าน|baht|thb|usd|eur|dollars?|euros?|million|billion|bn|m\b|%|percent|per\s*cent)"
    r"|(?:\$|€|£|฿|usd|thb|eur|ร้อยละ)\s*\d",
    re.IGNORECASE,
)
_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion"
    r"|half|third|thirds|quarter|quarters|dozen|majority|single|once|twice)\b"
    r"|(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน|ครึ่ง)+",  # whole words: "ห้าสิบ", not "สามารถ"
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"
    r"|(?:ม|ก\.พ|มี|เม\.ย|พ\.ค|มิ\.ย|ก\.ค|ส\.ค|ก\.ย|ต\.ค|พ\.ย|ธ\.ค)\.\s*\d",
)


@dataclass(frozen=True)
class Missing:
    """What the quotes do not give: ``kind`` is "place", "year", "number", "amount" or "date";
    ``term`` is the question's own words for a place or year ("Indonesia", "2566"), '' for a form."""

    kind: str
    term: str = ""


@dataclass(frozen=True)
class Answerability:
    """The check's verdict: answerable unless something the question asks for is ``missing``."""

    missing: tuple[Missing, ...] = ()

    @property
    def answerable(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class _Requirement:
    missing: Missing
    place: Place | None = None
    years: frozenset[str] = frozenset()
    day: bool = False  # a date to the day ("วันที่เท่าไร", "on what date"): a month, not a year alone


class AnswerabilityCheck:
    """Checks that the quotes an answer would show carry the question's specifics (module doc).

    Args:
        margin: a sentence scored within this of the best one would be quoted (the extractive
            answerer's ``relevance_margin``).
        quotes: at most this many of them are checked (the answerer's ``max_sentences``).
    """

    def __init__(self, margin: float = 0.1, quotes: int = 4) -> None:
        if margin < 0:
            raise ValueError(f"margin must not be negative, got {margin}")
        if quotes < 1:
            raise ValueError(f"quotes must be at least 1, got {quotes}")
        self.margin = margin
        self.quotes = quotes

    def run(self, intent: QuestionIntent, sentences: Sequence[EvidenceSentence], hits: Sequence[Hit]) -> Answerability:
        """The verdict for ``sentences`` (scored, best first) of ``hits`` (passage n is ``hits[n-1]``).

        No sentences: nothing is missing here (the support test refuses on its own).
        """
        requirements = requirements_of(intent)
        if not requirements or not sentences:
            return Answerability()
        best = sentences[0].score
        window = [sentence for sentence in sentences if sentence.score >= best - self.margin][: self.quotes]
        question_numbers = _numbers(intent.question)
        unmet_by: list[set[int]] = []
        for sentence in window:
            chunk = hits[sentence.number - 1].chunk
            context = "\n".join((chunk.source, chunk.title, *chunk.heading_path, chunk.text))
            unmet = {
                i
                for i, requirement in enumerate(requirements)
                if not _meets(requirement, sentence.display, context, chunk.lang, question_numbers)
            }
            if not unmet:
                return Answerability()
            unmet_by.append(unmet)
        never = set.intersection(*unmet_by)
        shown = never or unmet_by[0]
        return Answerability(tuple(requirements[i].missing for i in sorted(shown)))


def requirements_of(intent: QuestionIntent) -> list[_Requirement]:
    """What an answer to ``intent`` must carry: its places, its years and the form it asks for."""
    question = intent.question
    found = [_Requirement(Missing("place", surface(question, place)), place=place) for place in places_asked(question)]
    found += [_Requirement(Missing("year", written), years=forms) for written, forms in _years(question)]
    if intent.is_list:
        return found
    money = bool(_ASKS_MONEY.search(question)) and bool(_ASKS_NUMBER.search(question) or _WHAT_MONEY.search(question))
    if money:
        found.append(_Requirement(Missing("amount")))
    elif _ASKS_DAY.search(question):  # "วันที่เท่าไร" (on what day) asks a date with the words of "how many"
        found.append(_Requirement(Missing("date"), day=True))
    elif _ASKS_NUMBER.search(question):
        found.append(_Requirement(Missing("number")))
    elif _ASKS_DATE.search(question):
        found.append(_Requirement(Missing("date")))
    return found


def _meets(requirement: _Requirement, sentence: str, context: str, lang: str, question_numbers: set[str]) -> bool:
    kind = requirement.missing.kind
    if kind == "place":
        assert requirement.place is not None
        return names_place(context, requirement.place) or (requirement.place.name == HOME and lang == "th")
    if kind == "year":
        return bool(requirement.years & _numbers(context))
    text = _LIST_MARKER.sub("", sentence.translate(_THAI_DIGITS))
    new_numbers = _numbers(text) - question_numbers
    if kind == "amount":
        return any(match.group(0) and (_numbers(match.group(0)) - question_numbers) for match in _AMOUNT.finditer(text))
    if kind == "number":  # a year answers no "how many" ("... in 2021" is not the count asked for)
        # "เดียว" (single) is bound to its noun ("ช่องทางเดียว", one channel; newmm: "ทางเดียว")
        return any(not _reads_as_year(number) for number in new_numbers) or bool(whole_words(_NUMBER_WORDS, text)) or "เดียว" in text
    # a date: a year or a month other than the question's own; to the day, a month
    if requirement.day:
        return bool(_DATE_WORDS.search(text))
    return any(_YEAR.fullmatch(number) for number in new_numbers) or bool(_DATE_WORDS.search(text))


def _numbers(text: str) -> set[str]:
    """The numbers ``text`` writes, as written (Thai digits as Arabic: "๒๕๖๗" is "2567")."""
    return {match.group(0) for match in _NUMBER.finditer(text.translate(_THAI_DIGITS))}


def _reads_as_year(number: str) -> bool:
    """A bare 4-digit number within the years policy documents talk about ("2,500" is no year)."""
    return len(number) == 4 and number.isdigit() and other_era(int(number), None) is not None


def _years(question: str) -> list[tuple[str, frozenset[str]]]:
    """(as written, both eras' forms) of each year the question names: a 4-digit number within the
    years policy documents talk about (``index.years``: CE 1900-2100, BE 2443-2643)."""
    found = []
    for match in _YEAR.finditer(question.translate(_THAI_DIGITS)):
        year = int(match.group(1))
        other = other_era(year, None)
        if other is not None:
            found.append((question[match.start() : match.end()], frozenset({str(year), str(other)})))
    return list(dict((written, forms) for written, forms in found).items())

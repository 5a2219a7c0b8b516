"""What a question asks for: its type (a number, a date, a definition, a list ...) and its subject.

The answerers use it to prefer the sentence that gives what is asked ("how many" -> a sentence
with a number; "when" -> a date; "what is X" -> the sentence that defines X, under the heading
that names it) and to answer a list question with the list's items. Thai and English.

Types (one question can have several): ``list`` (มีอะไรบ้าง, what are the six ...), ``count``
(how many, กี่, เท่าไร), ``when`` (when, เมื่อไร, ปีไหน), ``who`` (who, ใคร, หน่วยงานใด), ``where``
(where, ที่ไหน), ``definition`` (what is X, X คืออะไร, หมายถึงอะไร), ``yes_no`` (does ..., ได้ไหม,
หรือไม่), ``how`` (how do I, อย่างไร), ``superlative`` (the weakest, the best, สูงสุด: answered
by a comparison or a score).
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from index.abbreviations import AbbreviationTable, is_short_form
from ingest.lang import detect_lang
from ingest.model import Lang

_EN_NUMBER_WORDS = r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}"
# "What does the DGI measure?": answered by the sentence that says what it measures (``verb``).
_PREDICATE = re.compile(r"^\s*what\s+(?P<aux>does|do|did)\s+\S.{1,80}?\s+(?P<verb>[a-z]{3,})\s*\??\s*$", re.IGNORECASE)
_PATTERNS: dict[str, re.Pattern[str]] = {
    "list": re.compile(
        rf"^\s*(?:what|which)\s+(?:are|were)\s+(?:the\s+)?(?:(?:main|key|{_EN_NUMBER_WORDS})\s+)*\w+"
        r"|\b(?:list|name|enumerate)\s+(?:the|all)\b|\bwhat\s+(?:are|were)\s+the\s+(?:steps|stages|phases|types|kinds|categories|components|elements|dimensions|pillars|principles|criteria|requirements|channels|options)\b"
        r"|\bwhat\s+(?:does|do)\s+.{3,80}\s+(?:comprise|consist of|include|cover)\b|\bwhich\s+\w+\s+(?:are|were)\s+(?:included|covered|listed|part of)\b"
        r"|\bthrough\s+which\s+channels\b|\bwhat\s+steps\b|\bsteps\s+(?:to|for)\b"
        rf"|^\s*(?:what|which)\s+(?:{_EN_NUMBER_WORDS})\s+\w+"
        r"|อะไร\S{0,4}บ้าง|ใครบ้าง|ที่ไหนบ้าง|ไหน\S{0,6}บ้าง|ใด\S{0,6}บ้าง|มีขั้นตอน|ขั้นตอน.{0,40}อย่างไร|ประกอบด้วยอะไร|ได้แก่อะไร|มีกี่\S{0,12}.{0,30}(?:อะไร|ใด)",
        re.IGNORECASE,
    ),
    "count": re.compile(
        r"\bhow\s+(?:many|much|often|long|large|big)\b|\bwhat\s+(?:share|percentage|proportion|number|amount|rate|level|score|value)\b"
        r"|\b(?:share|percentage|proportion|number)\s+of\b|กี่|เท่าไร|เท่าใด|เท่าไหร่|บ่อยแค่ไหน|นานแค่ไหน|จำนวนเท่า|ร้อยละ|อัตรา|ค่า.{0,30}(?:อยู่ที่|เป็น)",
        re.IGNORECASE,
    ),
    "when": re.compile(
        r"\bwhen\b|\bwhat\s+(?:year|date|month|day|time|period)\b|\bwhich\s+(?:year|date|month|period)\b|\bsince\s+when\b"
        r"|เมื่อไร|เมื่อไหร่|เมื่อใด|ปีไหน|ปีใด|ปีอะไร|วันที่เท่าไร|วันไหน|วันใด|ช่วงเวลาใด|ช่วงไหน|ช่วงปี|ตั้งแต่เมื่อ|ระยะเวลา",
        re.IGNORECASE,
    ),
    "who": re.compile(
        r"\bwho\b|\bwhose\b|\bwhich\s+(?:agency|agencies|office|organi[sz]ation|body|bodies|ministry|department|country|countries|institution|team|unit|person|people|government)\b"
        r"|ใคร|หน่วยงานใด|หน่วยงานไหน|หน่วยงานอะไร|ประเทศใด|ประเทศไหน|ผู้ใด|องค์กรใด",
        re.IGNORECASE,
    ),
    "where": re.compile(r"\bwhere\b|\bat\s+which\s+(?:url|address|site|website)\b|ที่ไหน|ที่ใด|ตรงไหน|ช่องทางใด|ช่องทางไหน", re.IGNORECASE),
    "definition": re.compile(
        r"^\s*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?[^?]{1,60}\??\s*$|\bwhat\s+(?:does|do)\s+.{1,60}\s+(?:mean|refer\s+to|stand\s+for)\b"
        r"|\bwhat\s+is\s+meant\s+by\b|\bdefin(?:e|ition)\b|\bfull\s+(?:name|form)\s+of\b|\babbreviation\b"
        r"|คืออะไร|หมายถึงอะไร|หมายถึง|ความหมาย|นิยาม|ย่อมาจาก|ชื่อเต็ม|คือ\s*\S{0,4}\s*$",
        re.IGNORECASE,
    ),
    "yes_no": re.compile(
        r"^\s*(?:is|are|was|were|does|do|did|can|could|should|must|has|have|will)\b|ได้ไหม|ได้หรือไม่|หรือไม่|หรือเปล่า|ไหม\s*$|มั้ย\s*$",
        re.IGNORECASE,
    ),
    "predicate": _PREDICATE,
    "how": re.compile(r"^\s*how\s+(?:do|does|can|should|to|is|are)\b|\bhow\s+to\b|อย่างไร|ยังไง|วิธี", re.IGNORECASE),
    "superlative": re.compile(
        r"\b(?:best|worst|weakest|strongest|highest|lowest|most|least|largest|smallest|top|bottom|first|last|leading|lagging)\b"
        r"|ที่สุด|สูงสุด|ต่ำสุด|มากสุด|น้อยสุด|อันดับ",
        re.IGNORECASE,
    ),
}
# What a question says beside its subject: removed to find the subject ("What is X?" -> X).
_EN_FRAME = re.compile(
    r"^\s*(?:and\s+)?(?:what|which|who|whom|whose|when|where|why|how)(?:\s+(?:is|are|was|were|does|do|did|can|could|should|must|many|much|often|long))*\s+(?:the\s+|an?\s+)?"
    r"|\s*(?:mean|refer\s+to|stand\s+for)?\s*\?+\s*$",
    re.IGNORECASE,
)
_TH_FRAME = re.compile(
    r"(?:คืออะไร|หมายถึงอะไร|หมายถึง|ย่อมาจากอะไร|ย่อมาจาก|มีชื่อเต็มว่าอะไร|ชื่อเต็มคืออะไร|ชื่อเต็มว่าอะไร|มีอะไรบ้าง|อะไรบ้าง|คือ|อย่างไร"
    r"|ได้แก่อะไร|ประกอบด้วยอะไร|มีกี่\S*|\?)\s*$"
)
# "the full name of X", "ชื่อเต็มของ X": the frame before a looked-up term
_LOOKUP_FRAME = re.compile(r"^(?:the\s+)?(?:full\s+(?:name|form)\s+of|abbreviation)\s+(?:the\s+)?|^ชื่อเต็มของ\s*", re.IGNORECASE)
# "What does X stand for ...", "X ย่อมาจาก ...": the term named before the frame
_STANDS_FOR = re.compile(
    r"\bwhat\s+(?:does|do|did)\s+(?:the\s+)?(?P<term>[^\s?]+)\s+(?:stand\s+for\b|mean\s*\??\s*$)|(?P<thai>[^\s?]+)\s*ย่อมาจาก", re.IGNORECASE
)
# A code the documents use as a heading or name: "PS-04", "IAL 2.3", "G2C"
_CODE = re.compile(r"^[A-Za-z]{1,6}[-\s]?[0-9]+(?:\.[0-9]+)*$")
_CODE_IN_TEXT = re.compile(r"(?<![\w-])[A-Z]{1,6}-[0-9]{1,3}(?:\.[0-9]+)*(?![\w-])")
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
_LOWER_WORD = re.compile(r"[a-z][a-z0-9\-]{1,11}")
_LOOKUP_NOUNS = re.compile(r"^(?:ข้อกำหนด|มาตรฐาน|ระบบ|หน่วยงาน|โครงการ|ระดับ|ตัวย่อ|คำย่อ)$")
_EN_COUNT = re.compile(rf"\b(?P<n>{_EN_NUMBER_WORDS})\s+(?:main\s+|key\s+)?[A-Za-z]+", re.IGNORECASE)
_TH_COUNT = re.compile(r"(?:ทั้ง)?(?P<n>[0-9๐-๙]{1,2}|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ)\s*(?:มิติ|ด้าน|ข้อ|ขั้นตอน|ประเภท|กลุ่ม|หลัก|ส่วน|ประการ|แบบ|ช่องทาง|ระดับ)")
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9, "สิบ": 10,
}  # fmt: skip


def is_term(word: str) -> bool:
    """Whether ``word`` names one thing by itself: an abbreviation ("GDX", "สพร.") or a code
    ("PS-04", "IAL 2.3")."""
    return bool(is_short_form(word) or _CODE.match(word.strip()))


@dataclass(frozen=True)
class QuestionIntent:
    """What ``question`` asks for.

    Attributes:
        question: as asked.
        lang: its language.
        types: the question types found (see the module doc), in a fixed order.
        subject: the question without its question words ("What is the once-only principle?" ->
            "once-only principle"): what a definition or list is about.
        expected_items: the number of items a list question names ("the six dimensions" -> 6), or None.
        verb: what a "What does X <verb>?" question asks X to do ("measure"), or '' (type ``predicate``).
    """

    question: str
    lang: Lang
    types: frozenset[str]
    subject: str
    expected_items: int | None = None
    verb: str = ""

    @property
    def codes(self) -> tuple[str, ...]:
        """The requirements' or controls' codes the question names anywhere ("What does control PS-05
        require?" -> ("PS-05",); "the difference between PS-04 and PS-05" -> both). Such a code is the
        heading of what it names."""
        return tuple(dict.fromkeys(_CODE_IN_TEXT.findall(self.question)))

    @property
    def term(self) -> str:
        """The abbreviation or code a definition question looks up ("สพร. ย่อมาจากอะไร" -> "สพร.",
        "What is PS-04?" -> "PS-04", "ข้อกำหนด PS-04 คืออะไร" -> "PS-04"), or '' for any other question."""
        if "definition" not in self.types:
            return ""
        named = _STANDS_FOR.search(self.question)
        term = (named.group("term") or named.group("thai")) if named else ""
        if term and is_term(term):
            return term  # "What does CBP stand for in the seminar?", "IAL ย่อมาจากอะไรในคู่มือนี้"
        subject = _LOOKUP_FRAME.sub("", self.subject.strip(" ?")).strip()
        if is_term(subject):
            return subject
        latin = _THAI_RUN.sub(" ", subject).split()
        thai = _THAI_RUN.findall(subject)
        if len(latin) == 1 and all(_LOOKUP_NOUNS.match(word) for word in thai) and is_term(latin[0]):
            return latin[0]
        if _LOWER_WORD.fullmatch(subject):
            return subject  # "gdx คืออะไร": typed in lower case; the documents decide whether it is defined
        return ""

    @property
    def is_list(self) -> bool:
        return "list" in self.types


def analyse_question(question: str) -> QuestionIntent:
    """The :class:`QuestionIntent` of ``question``.

    Example:
        >>> intent = analyse_question("What are the six dimensions of the Digital Government Policy Framework?")
        >>> sorted(intent.types), intent.expected_items
        (['list'], 6)
        >>> sorted(analyse_question("ดัชนี OURdata ปี 2017 ครอบคลุมกี่ประเทศ").types)
        ['count']
    """
    text = " ".join(question.split())
    types = {name for name, pattern in _PATTERNS.items() if pattern.search(text)}
    if "list" in types:
        types.discard("definition")  # "What are the phases of X?" wants the phases, not a definition
    verb = ""
    if "predicate" in types:
        match = _PREDICATE.match(text)
        verb = match.group("verb").lower() if match else ""
        before = text[: match.start("verb")].split()[-1].lower() if match else ""
        # "... require regarding traceability": the last word is the object of a preposition, not the verb
        if not verb or verb in _GENERIC_VERBS or before in _PREPOSITIONS or before.endswith("ing") or types & {"definition", "list"}:
            types.discard("predicate")
            verb = ""
    subject = _TH_FRAME.sub("", _EN_FRAME.sub("", text)).strip(" ?")
    expected = None
    count = _EN_COUNT.search(text) if "list" in types else None
    count = count or (_TH_COUNT.search(text) if "list" in types else None)
    if count:
        value = count.group("n").lower().translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
        expected = (int(value) if value.isdigit() else _NUMBER_WORDS.get(value)) or None
    return QuestionIntent(text, detect_lang(text), frozenset(types), subject or text, expected, verb)


_PREPOSITIONS = frozenset("about regarding concerning on of for in to with by from at into under towards".split())
# Verbs that say nothing of the answer's form ("what does X do / say / have"), or that another type covers.
_GENERIC_VERBS = frozenset("do say have get show mean refer stand include comprise cover contain involve".split())


# Verbs the documents use for one another when they say what an index, a body or a policy does.
_VERB_FAMILIES = (
    frozenset({"measure", "assess", "evaluate", "gauge"}),
    frozenset({"aim", "seek", "intend"}),
    frozenset({"require", "oblige", "mandate"}),
    frozenset({"recommend", "advise", "encourage", "call"}),
)


@lru_cache(maxsize=256)
def predicate_forms(verb: str) -> re.Pattern[str]:
    """The sentence forms that state what a subject does, for ``verb`` ("measure") and the verbs
    the documents use for it (:data:`_VERB_FAMILIES`: "assess"): "X measures ...", "X measured
    ...", "the indicators assess ...", "its purpose is to measure ...", but not "X does not measure
    ..."."""
    verbs = next((family for family in _VERB_FAMILIES if verb in family), frozenset({verb}))
    forms = []
    for each in sorted(verbs):
        stem = each[:-1] if each.endswith("e") else each
        forms += [each, f"{each}s", f"{each}es", f"{stem}ed", f"{stem}es"]
    return re.compile(rf"(?<!\bnot\s)(?<!\bn't\s)\b(?:{'|'.join(dict.fromkeys(forms))})\b", re.IGNORECASE)


_DIGIT = re.compile(r"[0-9๐-๙]")
_DATE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|25[0-9]\d)\b|[๒][๕][๐-๙][๐-๙]"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"
    r"|(?:ม|ก\.?พ|มี|เม\.?ย|พ\.?ค|มิ\.?ย|ก\.?ค|ส\.?ค|ก\.?ย|ต\.?ค|พ\.?ย|ธ\.?ค)\.\s*(?:[0-9๐-๙]{2,4})?",
    re.IGNORECASE,
)
_DEFINITION_CUE = re.compile(
    r"\b(?:refers?\s+to|means|is\s+defined\s+as|are\s+defined\s+as|is\s+(?:an?|the)\b|are\s+(?:those|the)\b|consists?\s+of|comprises?)"
    r"|หมายถึง|คือ|หมายความว่า|เป็น(?:ระบบ|การ|หน่วยงาน|ศูนย์|แพลตฟอร์ม|บริการ)",
    re.IGNORECASE,
)
_ORG_OR_NAME = re.compile(
    r"\b(?:[A-Z][a-z]+\s+){1,4}(?:Office|Agency|Ministry|Department|Commission|Council|Service|Unit|Centre|Center|Team|Directorate)\b"
    r"|\b[A-Z]{2,6}\b|สำนักงาน|กรม|กระทรวง|คณะกรรมการ|หน่วยงาน|บรรยายโดย|(?:นาย|นาง|นางสาว|Mr\.|Ms\.|Dr\.)\s*\S"
)
_COMPARISON = re.compile(
    r"\b(?:than|compared|highest|lowest|best|worst|weakest|strongest|most|least|largest|smallest|top|ranked?|leading|followed\s+by)\b"
    r"|[0-9]\.[0-9]|ที่สุด|สูงสุด|ต่ำสุด|มากกว่า|น้อยกว่า|อันดับ",
    re.IGNORECASE,
)
_PLACE = re.compile(r"https?://|www\.|\.go\.th|\.or\.th|ที่ว่าการ|สำนักงานเขต|อำเภอ|ที่\s*\S+|ณ\s|\bat\b|\bin\b", re.IGNORECASE)


def answers_type(intent: QuestionIntent, sentence: str) -> float:
    """How many of the question's types ``sentence`` has the form of an answer to (0 or more):
    a number for ``count``, a date for ``when``, a definition cue for ``definition``, an
    organisation or person for ``who``, a place or address for ``where``, the question's verb
    stated of something for ``predicate`` ("The DGI measures ..." for "What does the DGI measure?")."""
    found = 0.0
    if "count" in intent.types and _DIGIT.search(sentence):
        found += 1
    if "when" in intent.types and _DATE.search(sentence):
        found += 1
    if "definition" in intent.types and _DEFINITION_CUE.search(sentence):
        found += 1
    if "who" in intent.types and _ORG_OR_NAME.search(sentence):
        found += 0.5
    if "where" in intent.types and _PLACE.search(sentence):
        found += 0.5
    if "superlative" in intent.types and _COMPARISON.search(sentence):
        found += 1
    if "predicate" in intent.types and intent.verb and predicate_forms(intent.verb).search(sentence):
        found += 1
    return found


def search_text(question: str, abbreviations: AbbreviationTable) -> str:
    """What retrieval searches for ``question``: the question itself, and for one that looks up an
    abbreviation the documents define ("สพร. ย่อมาจากอะไร", "What does DGA stand for?") its
    long form too, so that the passages defining it rank above the hundreds that only use it.

    Example:
        >>> from index.abbreviations import Abbreviation
        >>> table = AbbreviationTable([Abbreviation("GDX", "Government Data Exchange Center", 3, "gdx.md")])
        >>> search_text("What is the GDX?", table)
        'What is the GDX? Government Data Exchange Center'
    """
    term = analyse_question(question).term
    forms = abbreviations.long_forms(term) if term else []
    return f"{question} {forms[0]}" if forms else question

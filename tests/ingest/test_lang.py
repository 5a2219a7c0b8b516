from __future__ import annotations

import pytest

from ingest.lang import (
    THAI_THRESHOLD,
    detect_lang,
    function_word_counts,
    has_thai_function_word,
    is_data,
    is_reference_list,
    passage_lang,
    thai_ratio,
    without_addresses,
    words_tell_language,
)
from tests.conftest import SHARED


class TestThaiRatio:
    def test_values(self) -> None:
        assert thai_ratio("ไทย ABC") == 0.5
        assert thai_ratio("ภาษาไทย") == 1.0
        assert thai_ratio("English") == 0.0

    def test_no_letters(self) -> None:
        assert thai_ratio("") == 0.0
        assert thai_ratio("123 ... ๑๒๓") == 0.0

    def test_marks_not_counted(self) -> None:
        # ที่ = ท + ี + ่ : one letter, two marks
        assert thai_ratio("ที่ a") == 0.5


class TestDetectLang:
    @pytest.mark.parametrize(
        ("text", "lang"),
        [
            ("รัฐบาลดิจิทัล", "th"),
            ("Digital Government Index", "en"),
            ("OECD ได้จัดทำดัชนีรัฐบาลดิจิทัล", "th"),
            ("การใช้ Public Cloud เป็นหลัก", "th"),
            ("The Digital Government Development Agency (สพร.) published it", "en"),
            ("", "en"),
            ("12345", "en"),
        ],
    )
    def test_detect(self, text: str, lang: str) -> None:
        assert detect_lang(text) == lang

    @pytest.mark.parametrize(
        "question",
        [
            "Open Government Data คืออะไร",  # field case 08: 25% Thai letters
            "Digital Government Development Agency ตั้งขึ้นเมื่อไร",
            "Cronbach's alpha ของ Digital Government Index",
        ],
    )
    def test_thai_question_quoting_a_long_english_name_is_thai(self, question: str) -> None:
        """Thai question words carry the sentence even when most letters are Latin."""
        assert thai_ratio(question) <= 0.3
        assert detect_lang(question) == "th"

    def test_english_question_about_a_thai_term_is_english(self) -> None:
        question = "What is ธรรมาภิบาลข้อมูล?"
        assert thai_ratio(question) > 0.3
        assert detect_lang(question) == "en"


def _detect_by_counts(text: str) -> str:
    """The rule of ``detect_lang`` as written first: both languages' function words counted (web
    and mail addresses left out, as ``detect_lang`` does)."""
    text = without_addresses(text)
    ratio = thai_ratio(text)
    if 0.0 < ratio < 1.0:
        thai, english = function_word_counts(text)
        if bool(thai) != bool(english):
            return "th" if thai else "en"
    return "th" if ratio > THAI_THRESHOLD else "en"


class TestDecidedWithoutSegmenting:
    """``detect_lang`` segments Thai only when its function words can change the answer: the
    answer must be the one counting every function word gives."""

    @pytest.mark.parametrize(
        "text",
        [
            "รัฐบาลดิจิทัลเป็นการใช้เทคโนโลยีดิจิทัลเพื่อยกระดับการให้บริการประชาชน",
            "The Digital Government Index measures how far governments have moved to digital by design.",
            "การใช้ Public Cloud เป็นหลัก",  # Thai with an English term
            "สำนักงานพัฒนารัฐบาลดิจิทัล (Digital Government Development Agency) of Thailand",  # English name, English "of"
            "Ministry of Digital Economy and Society กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม",  # both names, no Thai grammar word
            "What is ธรรมาภิบาลข้อมูล?",
            "Open Government Data คืออะไร",
            "ดัชนี OECD Digital Government Index",  # neither language's function words
            "The OECD ranked ประเทศไทย in the index",
            "OECD ได้จัดทำดัชนีรัฐบาลดิจิทัล and the results",
            "GDX API",
            "",
        ],
    )
    def test_same_as_counting_every_function_word(self, text: str) -> None:
        assert detect_lang(text) == _detect_by_counts(text)

    def test_has_thai_function_word_agrees_with_the_count(self) -> None:
        for text in ("Open Government Data คืออะไร", "ธรรมาภิบาลข้อมูล", "ระบบ GDX ที่ใช้ในหน่วยงาน", "ABC"):
            assert has_thai_function_word(text) == (function_word_counts(text)[0] > 0)

    def test_same_on_the_corpus_lines_and_paragraphs(self) -> None:
        corpus = SHARED / "corpus"
        if not corpus.is_dir():
            pytest.skip("../shared/corpus is not here")
        texts = [path.read_text(encoding="utf-8") for path in sorted(corpus.rglob("*")) if path.suffix in {".md", ".mdx", ".txt"}]
        pieces = {piece.strip() for text in texts for piece in (*text.split("\n\n"), *text.splitlines())}
        mixed = [piece for piece in pieces if 0.0 < thai_ratio(piece) < 1.0]
        assert len(mixed) > 500  # the corpus has many mixed-script texts: the check is not vacuous
        assert [detect_lang(piece) for piece in mixed] == [_detect_by_counts(piece) for piece in mixed]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # ".or.th" is the domain of most Thai agencies: its "or" is no English function word
        ("ระบบข้อมูลคนพิการ (สำนักงานหลักประกันสุขภาพแห่งชาติ) https://www.dga.or.th/th/content/920/", "th"),
        ("ติดต่อสอบถามได้ที่ contact@dga.or.th หรือ www.dga.or.th", "th"),
        ("1. ระบบตรวจสอบสิทธิ (กรมบัญชีกลาง) https://www.cgd.go.th/cs/internet/internet/หน้าหลัก.html", "th"),
        ("See https://www.oecd.org/gov/digital-government/ for the data.", "en"),
        ("https://www.dga.or.th", "en"),  # nothing but an address: decided by its letters
    ],
)
def test_web_and_mail_addresses_are_no_words_of_either_language(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("GDX?", False),
        ("PS-04", False),
        ("IAL 2.3", False),
        ("Digital ID", False),  # a name
        ("https://www.dga.or.th", False),
        ("What is GDX?", True),
        ("GDX คืออะไร", True),
        ("ระบบ GDX", True),
        ("GDX registration steps", True),
    ],
)
def test_whether_a_questions_words_tell_its_language(text: str, told: bool) -> None:
    """Codes, acronyms, names and numbers do not: the reader's page language may decide the wording."""
    assert words_tell_language(text) is told


# A Thai API manual's passages that are code or tables: too few Thai letters to be Thai by script.
THAI_MANUAL_DATA = [
    '{ "CitizenID":"143XXXXXXXXXX", "NameEN_FirstName":null, "NameTH_Prefix":"นาย", "Sex":"ชาย", "Age":"29" }',
    'ErrorCodeEnum { [Description("Others")] Others = 999, [Description("Invalid Request")] InvalidRequest = 1 }',
    "Parameter Type Description AddressID String เลขรหัสประจำบ้าน 11 หลัก RegistryOffice String Address_No String Address_Moo String",
    "GET https://api.egov.go.th/ws/dopa/personal/profile?CitizenID=<CitizenID> Parameter Required Type Description",
]


@pytest.mark.parametrize("text", THAI_MANUAL_DATA)
def test_a_thai_documents_code_and_tables_are_thai(text: str) -> None:
    """They were "en": in the English pool, left out by the filter ``th``, and offered as "related
    in the other language" for Thai passages."""
    assert detect_lang(text) == "en"  # by its own letters
    assert passage_lang(text, "th") == "th"


def test_a_passage_that_is_prose_keeps_its_own_language() -> None:
    english = "The index measures how far governments have moved to a digital government, and which policies they use."
    thai = "การพัฒนารัฐบาลดิจิทัลต้องอาศัยธรรมาภิบาลข้อมูลที่ดี และหน่วยงานต้องเปิดเผยข้อมูลให้ประชาชนใช้ได้"
    assert passage_lang(english, "th") == "en"  # an English abstract in a Thai report
    assert passage_lang(thai, "en") == "th"
    assert passage_lang(english, "en") == "en" and passage_lang(thai, "th") == "th"
    # a Thai summary's line of English speaker names is Thai: Thai words carry it
    names = "บรรยายโดย Seong Ju Park, Lead, Services and digital skills, Digital Government Unit, OECD"
    assert passage_lang(names, "th") == "th"


@pytest.mark.parametrize(
    ("text", "data"),
    [
        *[(text, True) for text in THAI_MANUAL_DATA[:2]],
        ("Spain 0.69 4 0.6 4 0.69 8 0.59 23 Israel 0.6 14 0.49 12 0.77 6", True),
        ('"paymentType": "BillPayment", "amount": "10000", "requestReference1": "C640810399"', True),
        ("The index measures how far governments have moved to a digital government.", False),
        ("PS-06 ระดับการบังคับใช้ (Compliance): Mandatory ประเภทแอปพลิเคชัน: ALL; ประเภทบริการ: Partial, Full", False),
        ("1. ระบบข้อมูลทะเบียนราษฎร์ (กรมการปกครอง) 2. ระบบตรวจสอบข้อมูลผู้ใช้น้ำ (การประปานครหลวง)", False),
        ("", False),
    ],
)
def test_data_is_code_and_number_tables_not_records_or_lists(text: str, data: bool) -> None:
    assert is_data(text) is data


# An OECD report's reference list as the PDF reader gives it: an entry per line, its DOI cut onto
# the next line, OECD's reference numbers between, some entries run together on one line.
OECD_REFERENCES = """References

González, S., L. Fleischer and M. Mira d’Ercole (2017), “Governance statistics in OECD countries and beyond”, OECD Statistics Working Papers, No. 2017/3, OECD Publishing, Paris,

https://dx.doi.org/10.1787/c0d45b5e-en.

[4]

OECD (forthcoming), Good Practice Principles for Data Ethics in the Public Sector. [14] OECD (2020), The OECD Digital Government Policy Framework, OECD Public Governance Policy Papers, No. 2. [13]

Welby, B. (2019), “The impact of digital government on citizen well-being”, OECD Working Papers on Public Governance, No. 32, OECD Publishing, Paris,

https://doi.org/10.1787/24bac82f-en.

[4]"""
# A Thai bibliography (APA in Thai: Buddhist-era years, "สืบค้นจาก" for "retrieved from").
THAI_REFERENCES = """บรรณานุกรม

สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน). (2563). มาตรฐานรัฐบาลดิจิทัล ว่าด้วยแนวทางการเปิดเผยข้อมูลเปิดภาครัฐ. สืบค้นจาก https://www.dga.or.th/document-sharing/

สมชาย ใจดี และ สมหญิง รักเรียน. (2562). การบูรณาการข้อมูลภาครัฐเพื่อบริการประชาชน. วารสารรัฐประศาสนศาสตร์, 17(2), 45-68.

สำนักงานคณะกรรมการพัฒนาระบบราชการ. (ม.ป.ป.). คู่มือการให้บริการภาครัฐผ่านระบบดิจิทัล. กรุงเทพฯ: สำนักงาน ก.พ.ร."""


@pytest.mark.parametrize(
    ("text", "reference_list"),
    [
        (OECD_REFERENCES, True),
        (THAI_REFERENCES, True),
        # the tail of a list cut by a passage boundary: one entry with its publisher and DOI
        ("www.worldjusticeproject.org).\n\nUbaldi, B. (2013), \"Open Government Data\", OECD Working Papers on Public Governance, No. 22, OECD Publishing, Paris. http://dx.doi.org/10.1787/5k46bj4f03s7-en", True),
        # prose citing a source inline, in either language: findings, not a bibliography
        (
            "According to OECD (2019), governments that share data through one catalogue answer requests faster.\n\n"
            "OECD (2020), the Digital Government Index, found that Korea leads on digital by design; "
            "Denmark and the United Kingdom follow (https://doi.org/10.1787/4de9f5bb-en).",
            False,
        ),
        ("Ubaldi, B. (2013) shows that open data portals rarely measure reuse, and that agencies publish what is easy rather than what is asked for.", False),
        ("สำนักงานพัฒนารัฐบาลดิจิทัล (2563) ระบุว่าหน่วยงานของรัฐควรเปิดเผยข้อมูลในรูปแบบที่เครื่องอ่านได้ เพื่อให้ประชาชนนำไปใช้ต่อได้ทันที โดยไม่ต้องยื่นคำขอ", False),
        ("", False),
    ],
)
def test_reference_lists_are_bibliographies_not_prose_citing_a_source(text: str, reference_list: bool) -> None:
    assert is_reference_list(text) is reference_list

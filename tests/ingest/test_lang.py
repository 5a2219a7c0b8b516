from __future__ import annotations

import pytest

from ingest.lang import detect_lang, thai_ratio


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

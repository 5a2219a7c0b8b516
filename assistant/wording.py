"""Every sentence the assistant itself writes, in Thai and in English.

The answer's framing, the "not found" reply and the notes follow the question's language, while
quoted evidence stays in the document's language. Keeping the wording in one table means the
answerers, the citation checker and the UIs never disagree on a phrase (tests look for them too).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

Lang = Literal["th", "en"]

_TEXT: dict[str, dict[str, str]] = {
    "framing": {
        "en": "According to the documents:",
        "th": "จากเอกสาร:",
    },
    "framing_quoted_other_language": {
        "en": "According to the documents (quoted in the original Thai):",
        "th": "จากเอกสาร (ยกข้อความตามต้นฉบับภาษาอังกฤษ):",
    },
    "framing_quoted_mixed": {
        "en": "According to the documents (quoted in the original language):",
        "th": "จากเอกสาร (ยกข้อความตามภาษาต้นฉบับ):",
    },
    "not_found": {
        "en": "The documents do not seem to answer this question. The closest passages are listed below.",
        "th": "ไม่พบข้อความในเอกสารที่ตอบคำถามนี้ได้ ด้านล่างคือข้อความที่ใกล้เคียงที่สุด",
    },
    # the documents come close but do not give what the question asks (assistant/answerability.py);
    # whole sentences, so that no other line (an LLM's sentence) is taken for one of them
    "not_stated": {
        "en": "The documents do not give {form} asked for. The closest passages are listed below: related, not an answer.",
        "th": "เอกสารไม่ได้ระบุ{form}ที่ถาม ด้านล่างคือข้อความที่ใกล้เคียงที่สุด ซึ่งเกี่ยวข้องแต่ไม่ใช่คำตอบ",
    },
    "not_stated_for": {
        "en": "The documents do not give {form} for {terms}. The closest passages are listed below: related, not an answer.",
        "th": "เอกสารไม่ได้ระบุ{form}สำหรับ {terms} ด้านล่างคือข้อความที่ใกล้เคียงที่สุด ซึ่งเกี่ยวข้องแต่ไม่ใช่คำตอบ",
    },
    "missing_answer": {"en": "an answer", "th": "คำตอบ"},
    "missing_number": {"en": "the number", "th": "ตัวเลข"},
    "missing_amount": {"en": "the amount", "th": "จำนวนเงิน"},
    "missing_date": {"en": "the date", "th": "วันเวลา"},
    "no_passages": {
        "en": "The documents do not seem to answer this question: the search found no passages.",
        "th": "ไม่พบข้อความในเอกสารที่ตอบคำถามนี้ได้ การค้นหาไม่พบข้อความใดเลย",
    },
    "uncited_mark": {
        "en": "[no citation]",
        "th": "[ไม่มีการอ้างอิง]",
    },
    "note_uncited": {
        "en": "{count} sentence(s) have no citation and are marked {mark}: check them against the sources.",
        "th": "มี {count} ประโยคที่ไม่มีการอ้างอิง (ทำเครื่องหมาย {mark}) โปรดตรวจสอบกับเอกสารต้นฉบับ",
    },
    "note_removed": {
        "en": "Removed citation(s) {numbers}: they name no passage that was given.",
        "th": "ลบการอ้างอิง {numbers} ออก เพราะไม่ตรงกับข้อความใดที่ให้ไว้",
    },
    "note_wrong_script": {
        "en": "The answer is not written in English, the language of the question.",
        "th": "คำตอบไม่ได้เขียนเป็นภาษาไทยตามภาษาของคำถาม",
    },
    "note_fallback": {
        "en": "The language model could not answer ({reason}); this is the extractive answer instead.",
        "th": "แบบจำลองภาษาตอบไม่ได้ ({reason}) จึงแสดงคำตอบที่คัดจากเอกสารแทน",
    },
    "note_llm_uncited": {
        "en": "the model's answer cited none of the passages",
        "th": "คำตอบของแบบจำลองไม่ได้อ้างอิงข้อความใดจากเอกสาร",
    },
    "note_llm_prompt_echo": {
        "en": "the model's answer repeated its instructions",
        "th": "คำตอบของแบบจำลองทวนคำสั่งที่ได้รับ",
    },
    "note_empty_llm": {
        "en": "the model returned no text",
        "th": "แบบจำลองไม่ได้ส่งข้อความกลับมา",
    },
    "searched_as": {
        "en": "Searched as:",
        "th": "ค้นเป็น:",
    },
    "sources": {
        "en": "Sources",
        "th": "แหล่งอ้างอิง",
    },
    "page": {
        "en": "p.",
        "th": "หน้า",
    },
    "pages": {
        "en": "pp.",
        "th": "หน้า",
    },
    "language_name_th": {"en": "Thai", "th": "ภาษาไทย"},
    "language_name_en": {"en": "English", "th": "ภาษาอังกฤษ"},
}


def say(key: str, lang: Lang, **values: object) -> str:
    """The assistant's phrase ``key`` in ``lang``, with ``values`` filled in.

    Example:
        >>> say("framing", "th")
        'จากเอกสาร:'
    """
    text = _TEXT[key]["th" if lang == "th" else "en"]
    return text.format(**values) if values else text


# Phrases whose meaning is their language: "not written in English, the language of the
# question" cannot be said of another language; it is dropped when the wording changes language.
_ABOUT_THE_LANGUAGE = ("note_wrong_script",)


@lru_cache(maxsize=2)
def _patterns(lang: Lang) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each phrase of ``lang`` as a pattern matching it whole, its ``{fields}`` as named groups."""
    patterns = []
    for key, texts in _TEXT.items():
        pieces = re.split(r"\{(\w+)\}", texts[lang])
        regex = "".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)" for i, piece in enumerate(pieces))
        patterns.append((key, re.compile(regex, re.DOTALL)))
    return tuple(patterns)


FRAMINGS = ("framing", "framing_quoted_other_language", "framing_quoted_mixed")


def framing(lang: Lang, quoted_langs: set[str]) -> str:
    """The framing line of an answer in ``lang`` that quotes documents in ``quoted_langs``: plain
    when they are all in ``lang``, else saying the quotes are in their original language.

    Example:
        >>> framing("th", {"en"})
        'จากเอกสาร (ยกข้อความตามต้นฉบับภาษาอังกฤษ):'
    """
    if quoted_langs == {lang}:
        return say("framing", lang)
    return say("framing_quoted_other_language" if len(quoted_langs) == 1 else "framing_quoted_mixed", lang)


def phrase_key(text: str, lang: Lang) -> str | None:
    """The key of the phrase ``text`` is in ``lang`` (its values filled in), or None."""
    return next((key for key, pattern in _patterns(lang) if pattern.fullmatch(text)), None)


def reword(text: str, source: Lang, target: Lang) -> str | None:
    """``text`` said in ``target`` when it is one of the assistant's phrases in ``source`` (its
    filled-in values reworded too: a fallback note's reason is a phrase itself); "" for a phrase
    about the language itself (dropped); None when ``text`` is no phrase (quoted evidence, an
    LLM's sentence). A framing line names the quotes' language relative to the answer's: see
    :func:`framing`.

    Example:
        >>> reword("According to the documents:", "en", "th")
        'จากเอกสาร:'
        >>> reword("Removed citation(s) [7]: they name no passage that was given.", "en", "th")
        'ลบการอ้างอิง [7] ออก เพราะไม่ตรงกับข้อความใดที่ให้ไว้'
    """
    if source == target:
        return text
    for key, pattern in _patterns(source):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if key in _ABOUT_THE_LANGUAGE:
            return ""
        values = {name: reword(value, source, target) or value for name, value in match.groupdict().items()}
        return say(key, target, **values) if values else say(key, target)
    return None

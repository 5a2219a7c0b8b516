"""Every sentence the assistant itself writes, in Thai and in English.

The answer's framing, the "not found" reply and the notes follow the question's language, while
quoted evidence stays in the document's language. Keeping the wording in one table means the
answerers, the citation checker and the UIs never disagree on a phrase (tests look for them too).
"""

from __future__ import annotations

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

"""Every piece of UI text, in Thai and English (the label toggle switches between them)."""

from __future__ import annotations

from typing import Literal

from ingest.injection import PLANTED_LABEL

UiLang = Literal["th", "en"]

LABELS: dict[str, dict[UiLang, str]] = {
    "title": {"th": "ผู้ช่วยค้นนโยบายรัฐบาลดิจิทัล", "en": "Digital-government policy assistant"},
    "subtitle": {
        "th": "ถามเป็นภาษาไทยหรืออังกฤษ ทุกคำตอบอ้างอิงข้อความจากเอกสาร [n]",
        "en": "Ask in Thai or English; every answer cites the passages it comes from [n]",
    },
    "ui_lang": {"th": "ภาษาของหน้าจอ", "en": "Interface language"},
    "question": {"th": "คำถาม", "en": "Question"},
    "placeholder": {"th": "เช่น หลัก Once-Only คืออะไร", "en": "e.g. What is the once-only principle?"},
    "ask": {"th": "ถาม", "en": "Ask"},
    "examples": {"th": "ตัวอย่างคำถาม", "en": "Example questions"},
    "filters": {"th": "ตัวกรอง", "en": "Filters"},
    "documents": {"th": "เอกสาร (ว่าง = ทั้งหมด)", "en": "Documents (empty = all)"},
    "langs": {"th": "ภาษาของข้อความ", "en": "Passage language"},
    "years": {"th": "ปีของเอกสาร (ค.ศ.)", "en": "Document year"},
    "k": {"th": "จำนวนข้อความที่ค้น", "en": "Passages to retrieve"},
    "answerer": {"th": "วิธีตอบ", "en": "Answerer"},
    "answer": {"th": "คำตอบ", "en": "Answer"},
    "sources": {"th": "แหล่งอ้างอิง", "en": "Sources"},
    "other_passages": {"th": "ข้อความอื่นที่ค้นพบ (ไม่ได้อ้างอิง)", "en": "Other passages found (not cited)"},
    "page": {"th": "หน้า", "en": "page"},
    "pages": {"th": "หน้า", "en": "pages"},
    "open_pdf": {"th": "เปิดเอกสารหน้านี้", "en": "open at this page"},
    "open_file": {"th": "เปิดเอกสาร", "en": "open document"},
    "related": {"th": "ข้อความที่เกี่ยวข้องในอีกภาษา", "en": "related in the other language"},
    "related_title": {"th": "ข้อความที่เกี่ยวข้องในอีกภาษา", "en": "Related passages in the other language"},
    "no_related": {"th": "ไม่พบข้อความที่เกี่ยวข้องในเอกสารที่คุณเปิดอ่านได้", "en": "No related passage in the documents you may read."},
    "passage": {"th": "ข้อความที่", "en": "passage"},
    "related_missing": {"th": "ไม่พบเอกสารหรือข้อความนี้แล้ว (อาจถูกนำออกหรือเปลี่ยนแปลง)", "en": "This document or passage is no longer in the index (removed or changed)"},
    "planted": {
        "th": "⚠ ข้อความที่สั่ง AI หรือผู้อ่าน ไม่ใช่ส่วนของคำตอบ",
        "en": PLANTED_LABEL,  # the CLI's and the export's words
    },
    "download": {"th": "ดาวน์โหลดคำตอบ (Markdown)", "en": "Download answer (Markdown)"},
    "not_found": {"th": "ไม่พบข้อความที่ตอบคำถามนี้", "en": "No passage answers this question"},
    "empty": {"th": "กรุณาพิมพ์คำถาม", "en": "Please type a question"},
    "writing": {"th": "กำลังเขียนคำตอบ…", "en": "Writing the answer…"},
    "notes": {"th": "หมายเหตุ", "en": "Notes"},
    "no_sources": {"th": "ยังไม่มีแหล่งอ้างอิง", "en": "No sources yet"},
    "answerer_extractive": {"th": "ยกข้อความจากเอกสาร (เร็ว ออฟไลน์)", "en": "Quote the documents (fast, offline)"},
    "answerer_llm": {"th": "ให้ LLM เรียบเรียงคำตอบ", "en": "LLM-written answer"},
    "searched_as": {"th": "ค้นเป็น:", "en": "Searched as:"},
    "new_conversation": {"th": "เริ่มบทสนทนาใหม่", "en": "New conversation"},
    "conversation": {"th": "คำถามก่อนหน้า", "en": "Earlier in this conversation"},
    "llm_unreachable": {
        "th": "เชื่อมต่อ LLM ไม่ได้ ({reason}) จึงตอบด้วยการยกข้อความจากเอกสารแทน",
        "en": "The LLM server cannot be reached ({reason}): answers are quoted from the documents instead",
    },
    "lang_th": {"th": "ไทย", "en": "Thai"},
    "lang_en": {"th": "อังกฤษ", "en": "English"},
}


def label(key: str, ui_lang: str) -> str:
    """The text for ``key`` in ``ui_lang`` ("th" or "en"; anything else falls back to English)."""
    texts = LABELS[key]
    return texts["th"] if ui_lang == "th" else texts["en"]


def lang_name(lang: str, ui_lang: str) -> str:
    """A passage language code as a word in the UI language ("th" -> "ไทย" / "Thai")."""
    key = f"lang_{lang}"
    return label(key, ui_lang) if key in LABELS else lang


def answerer_name(name: str, ui_lang: str) -> str:
    key = f"answerer_{name}"
    return label(key, ui_lang) if key in LABELS else name

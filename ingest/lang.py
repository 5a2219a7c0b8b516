"""Language of a text by script: Thai or English.

The corpus is Thai and English only, and what matters downstream is whether Thai word
segmentation is needed, so counting Thai letters among all letters is enough; no language model.
"""

from __future__ import annotations

from ingest.model import Lang

# A Thai text that quotes English terms ("การใช้ Public Cloud เป็นหลัก") is still Thai; an English
# text that names a Thai agency once is still English. Thai letters are many per word, so a
# third of the letters being Thai already means Thai carries the sentence.
THAI_THRESHOLD = 0.3


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def thai_ratio(text: str) -> float:
    """Share of Thai letters among all letters (0.0 when the text has no letters).

    Thai vowel signs and tone marks are not letters (Unicode category Mn), so they are not
    counted; digits and punctuation are ignored too.

    Example:
        >>> thai_ratio("ไทย ABC")
        0.5
    """
    thai = letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if _is_thai(ch):
                thai += 1
    return thai / letters if letters else 0.0


def detect_lang(text: str) -> Lang:
    """``"th"`` when more than :data:`THAI_THRESHOLD` of the letters are Thai, else ``"en"``.

    Example:
        >>> detect_lang("OECD ได้จัดทำดัชนีรัฐบาลดิจิทัล"), detect_lang("Digital Government Index")
        ('th', 'en')
    """
    return "th" if thai_ratio(text) > THAI_THRESHOLD else "en"

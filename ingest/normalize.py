"""Unicode and whitespace normalisation shared by every reader, plus the Thai PDF repair.

Documents and queries must be normalised the same way or equal words stop matching: a document
written with U+0E4D U+0E32 (what OCR and NFKC produce) never matches a query typed with ำ (U+0E33).
Everything here is deterministic and idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``.

Why the PDF repair exists: pypdf turns ำ in the Thai PDFs of this corpus into a space followed by
า ("อ านวย" for อำนวย, "ด าเนินการ" for ดำเนินการ) and sometimes puts a stray space before a tone
mark ("ท ้อง" for ท้อง) or before ำ ("ข้อก ำหนด"). In correct Thai a space is never followed by a
character that cannot start a syllable (า, ำ, above/below vowels, tone marks), so these sequences
can be repaired without touching correct text.
"""

from __future__ import annotations

import re
import unicodedata

SARA_AM = "\u0e33"  # ำ
SARA_AA = "\u0e32"  # า
NIKHAHIT = "\u0e4d"  # ํ  (the circle of ำ when it is decomposed)

# Thai consonants ก..ฮ (U+0E01-U+0E2E); ฯ (U+0E2F) is an abbreviation sign, not a consonant.
_CONSONANT = "\u0e01-\u0e2e"
_TONE = "\u0e48-\u0e4b"  # ่ ้ ๊ ๋
# Marks written above or below a consonant: ั ิ ี ึ ื ุ ู ฺ ็ ่ ้ ๊ ๋ ์ ํ ๎ - they never start a syllable.
_COMBINING = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
# Following vowels that never start a syllable either: ะ า ำ ๅ.
_FOLLOWING_VOWEL = "\u0e30\u0e32\u0e33\u0e45"

_DECOMPOSED_AM = re.compile(NIKHAHIT + f"([{_TONE}]?)" + SARA_AA)
_LOST_AM = re.compile(f"([{_CONSONANT}][{_TONE}]?) {SARA_AA}")
_SPACE_BEFORE_AM = re.compile(f"([{_CONSONANT}][{_TONE}]?) {SARA_AM}")
_SPACE_BEFORE_MARK = re.compile(f"([{_CONSONANT}{_COMBINING}]) ([{_COMBINING}])")

# Symbol/Wingdings fonts put their glyphs at U+F020-U+F0FF; these three are unambiguous.
_PDF_SYMBOL_GLYPHS = str.maketrans({"\uf020": " ", "\uf0b7": "•", "\uf0a7": "•"})

# Other Symbol/Wingdings glyphs standing alone (checkboxes, arrows, ticks in front of list items).
_PDF_SYMBOL_BULLET = re.compile("(?<![^\\s])[\uf021-\uf0ff](?![^\\s])")

# Dotted leaders of tables of contents and form fields ("Results ........ 25", "ชื่อ ……………").
_LEADERS = re.compile(r"(?:[.…]\s?){4,}")
_LINE_ENDINGS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_HSPACE = re.compile(r"[^\S\n]+")  # any whitespace except the newline: tabs, NBSP, thin spaces...
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str, *, from_pdf: bool = False) -> str:
    """Normalise Unicode and whitespace so that equal text compares equal.

    Steps: NFC; U+0E4D U+0E32 (and U+0E4D + tone + U+0E32) become ำ; invisible format characters
    (zero-width space/joiners, BOM, word joiner, soft hyphen and the rest of category Cf) and control
    characters are removed; line endings become ``\\n``; runs of spaces and tabs collapse to one
    space and lines are stripped; single newlines are kept and blank lines collapse to one
    paragraph break (``\\n\\n``).

    Args:
        text: raw text from a reader.
        from_pdf: also apply :func:`repair_thai_pdf_text`, map the Symbol-font bullet and space
            glyphs that PDF extraction leaves in the Private Use Area (any U+F021-U+F0FF glyph
            standing alone between spaces is a bullet or checkbox: "•"), and shorten dotted leaders
            ("Results ........ 25") to one ellipsis.

    Returns:
        The normalised text, stripped.

    Example:
        >>> normalize_text("ด าเนินการ\\u200b  ต่อ\\r\\n\\r\\n\\r\\nจบ", from_pdf=True)
        'ดำเนินการ ต่อ\\n\\nจบ'
    """
    text = unicodedata.normalize("NFC", text)
    text = _LINE_ENDINGS.sub("\n", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf"))
    text = _DECOMPOSED_AM.sub(lambda m: m.group(1) + SARA_AM, text)
    if from_pdf:
        text = _LEADERS.sub(" … ", _PDF_SYMBOL_BULLET.sub("•", text.translate(_PDF_SYMBOL_GLYPHS)))
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if from_pdf:
        text = repair_thai_pdf_text(text)
    return text


def repair_thai_pdf_text(text: str) -> str:
    """Undo what pypdf does to Thai in this corpus's PDFs, without touching correct Thai.

    Repairs, in order:

    1. U+0E4D U+0E32 (optionally with a tone mark between) -> ำ: the decomposed form.
    2. consonant [+ tone mark] + space + า -> ำ: the circle of ำ was lost and replaced by a space
       ("อ านวย" -> "อำนวย", "น้ า" -> "น้ำ"). า never starts a word, so after a consonant a space
       before it cannot be real.
    3. consonant [+ tone mark] + space + ำ -> the space is removed ("ข้อก ำหนด" -> "ข้อกำหนด").
    4. consonant or mark + space + above/below vowel or tone mark -> the space is removed
       ("ท ้อง" -> "ท้อง"): a combining mark after a space has nothing to sit on.

    A space before a leading vowel (เ แ โ ใ ไ) or a consonant is real Thai (a phrase break) and is
    kept, as is everything that is not Thai ("ภาษา ไทย", "กรุงเทพ ฯ", "a 1" are unchanged).
    Known limit: text that talks about the letter า itself after a consonant ("ตัว า") is changed.

    Example:
        >>> repair_thai_pdf_text("มาตรการอ านวยความสะดวก ด าเนินการ ข้อก ำหนด ท ้องถิ่น")
        'มาตรการอำนวยความสะดวก ดำเนินการ ข้อกำหนด ท้องถิ่น'
    """
    text = _DECOMPOSED_AM.sub(lambda m: m.group(1) + SARA_AM, text)
    text = _LOST_AM.sub(lambda m: m.group(1) + SARA_AM, text)
    text = _SPACE_BEFORE_AM.sub(lambda m: m.group(1) + SARA_AM, text)
    # Applied twice because one mark can be separated from a second one ("ก ุ ้").
    for _ in range(2):
        text = _SPACE_BEFORE_MARK.sub(r"\1\2", text)
    return text


_DEFECT_PATTERNS: dict[str, re.Pattern[str]] = {
    # consonant/tone + space + า: the signature of a lost ำ.
    "lost_sara_am": re.compile(f"(?<=[{_CONSONANT}{_TONE}]) {SARA_AA}"),
    # any whitespace between a Thai character and a mark or following vowel that cannot start a
    # syllable (the lost-ำ cases above are counted there, not here).
    "space_before_mark": re.compile(f"(?<=[\u0e01-\u0e4e])\\s+[{_COMBINING}{_FOLLOWING_VOWEL}]"),
    "nikhahit": re.compile(NIKHAHIT),
    "private_use": re.compile("[\ue000-\uf8ff]"),
    "replacement_char": re.compile("\ufffd"),
    # one ASCII character between two Thai ones: a font whose tone-mark glyphs have no Unicode
    # mapping, so pypdf emits the raw byte ("ใชF" for ใช้). Counted, not repaired: the byte-to-mark
    # mapping differs per font.
    "ascii_inside_thai": re.compile("(?<=[\u0e01-\u0e4e])(?![.()\\-/,])[!-~\x7f](?=[\u0e01-\u0e4e])"),
}


def count_thai_pdf_defects(text: str) -> dict[str, int]:
    """Count the sequences that show broken Thai PDF extraction, to measure the repair.

    Returns:
        Counts per kind, plus ``"total"``:

        - ``lost_sara_am``: consonant or tone mark + space + า (a lost ำ),
        - ``space_before_mark``: other whitespace before a mark or following vowel,
        - ``nikhahit``: U+0E4D (a decomposed or stray ำ circle),
        - ``private_use``: U+E000-U+F8FF glyphs,
        - ``replacement_char``: U+FFFD,
        - ``ascii_inside_thai``: one ASCII character between two Thai characters, excluding
          ``.``, ``(``, ``)``, ``-``, ``/`` and ``,`` which do occur there in correct text.

    Example:
        >>> count_thai_pdf_defects("อ านวย ท ้อง")["lost_sara_am"]
        1
    """
    counts = {name: len(pattern.findall(text)) for name, pattern in _DEFECT_PATTERNS.items()}
    counts["space_before_mark"] -= counts["lost_sara_am"]
    counts["total"] = sum(counts.values())
    return counts


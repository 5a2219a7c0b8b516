"""Unicode and whitespace normalisation shared by every reader, plus the Thai PDF repair.

Documents and queries must be normalised the same way or equal words stop matching: a document
written with U+0E4D U+0E32 (what OCR and NFKC produce) never matches a query typed with ำ (U+0E33).
Everything here is deterministic and idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``.

Why the PDF repair exists: pypdf turns ำ in the Thai PDFs of this corpus into a space followed by
า ("อ านวย" for อำนวย, "ด าเนินการ" for ดำเนินการ) and sometimes puts a stray space before a tone
mark ("ท ้อง" for ท้อง) or before ำ ("ข้อก ำหนด"). In correct Thai a space is never followed by a
character that cannot start a syllable (า, ำ, above/below vowels, tone marks), so these sequences
can be repaired without touching correct text.

Two families of characters are folded for every reader, because the same word must give the same
BM25 terms and vectors whatever the file: compatibility characters (ligatures "ﬁ ﬂ ﬀ" that PDF
fonts emit, fullwidth "ＡＢＣ１２３", Arabic and Hebrew presentation forms, mathematical
alphanumerics) become their plain letters, and the legacy Thai glyphs that old Thai fonts put in
the Private Use Area (U+F700-U+F71A: shifted tone marks and upper vowels) become the Thai
characters they draw. Neither is NFKC over the whole text: NFKC would decompose ำ.
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

# Compatibility characters folded to their NFKC form, one character at a time (never NFKC on the
# whole text: it decomposes ำ U+0E33 into U+0E4D U+0E32). The blocks whose characters are the same
# letters drawn differently: Unicode's "Alphabetic Presentation Forms" (ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ,
# Armenian and Hebrew forms), "Arabic Presentation Forms-A/B", the vertical, CJK-compatibility and
# small forms, "Halfwidth and Fullwidth Forms", and "Mathematical Alphanumeric Symbols" (𝐀 𝑎 𝟏).
# Superscripts, circled numbers, ½, ™ and the like are left alone: folding them changes meaning.
_COMPATIBILITY_BLOCKS = (
    (0xFB00, 0xFB4F),
    (0xFB50, 0xFDFF),
    (0xFE10, 0xFE19),
    (0xFE30, 0xFE6F),
    (0xFE70, 0xFEFE),
    (0xFF00, 0xFFEF),
    (0x1D400, 0x1D7FF),
)
COMPATIBILITY_FOLDS: dict[int, str] = {
    code: folded
    for first, last in _COMPATIBILITY_BLOCKS
    for code in range(first, last + 1)
    if (folded := unicodedata.normalize("NFKC", chr(code))) != chr(code)
}
_COMPATIBILITY = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(COMPATIBILITY_FOLDS)) + "]")

# The legacy Thai glyphs of the Private Use Area, as Thai fonts made for pre-OpenType systems
# (Microsoft's Tahoma/Angsana, Adobe's and Apple's Thai fonts, and the TLWG fonts that keep them
# for compatibility, e.g. Garuda's uniF700-uniF71A) define them: variants of a mark shifted left
# (to clear a tall consonant such as ป ฝ ฟ), lowered (a tone mark with no upper vowel below it), or
# both, and two consonants without their descender. PDF fonts that map these glyphs to their own
# code points in the ToUnicode table make text extract as "ต\uf70bอง" for ต้อง. Each maps to exactly
# one Thai character, so the repair is lossless.
THAI_PUA: dict[str, str] = {
    "\uf700": "\u0e10",  # ฐ without its descender
    "\uf701": "\u0e34",  # ิ shifted left
    "\uf702": "\u0e35",  # ี shifted left
    "\uf703": "\u0e36",  # ึ shifted left
    "\uf704": "\u0e37",  # ื shifted left
    "\uf705": "\u0e48",  # ่ shifted left
    "\uf706": "\u0e49",  # ้ shifted left
    "\uf707": "\u0e4a",  # ๊ shifted left
    "\uf708": "\u0e4b",  # ๋ shifted left
    "\uf709": "\u0e4c",  # ์ shifted left
    "\uf70a": "\u0e48",  # ่ lowered
    "\uf70b": "\u0e49",  # ้ lowered
    "\uf70c": "\u0e4a",  # ๊ lowered
    "\uf70d": "\u0e4b",  # ๋ lowered
    "\uf70e": "\u0e4c",  # ์ lowered
    "\uf70f": "\u0e0d",  # ญ without its descender
    "\uf710": "\u0e31",  # ั shifted left
    "\uf711": "\u0e4d",  # ํ shifted left
    "\uf712": "\u0e47",  # ็ shifted left
    "\uf713": "\u0e48",  # ่ lowered and shifted left
    "\uf714": "\u0e49",  # ้ lowered and shifted left
    "\uf715": "\u0e4a",  # ๊ lowered and shifted left
    "\uf716": "\u0e4b",  # ๋ lowered and shifted left
    "\uf717": "\u0e4c",  # ์ lowered and shifted left
    "\uf718": "\u0e38",  # ุ lowered
    "\uf719": "\u0e39",  # ู lowered
    "\uf71a": "\u0e3a",  # ฺ lowered
}
# Mapped only beside Thai (or beside another of these glyphs): the same code points mean other
# things elsewhere (Apple's function-key characters start at U+F700).
_THAI_PUA_GLYPH = re.compile("(?:(?<=[\u0e01-\u0e5b\uf700-\uf71a])[\uf700-\uf71a]|[\uf700-\uf71a](?=[\u0e01-\u0e5b\uf700-\uf71a]))")

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

    Steps: compatibility characters folded (see :func:`fold_compatibility`: "ﬁ" -> "fi",
    fullwidth -> ASCII) and the legacy Thai Private Use Area glyphs mapped to Thai (see
    :data:`THAI_PUA`); NFC; U+0E4D U+0E32 (and U+0E4D + tone + U+0E32) become ำ; invisible format characters
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
    text = unicodedata.normalize("NFC", map_thai_pua(fold_compatibility(text)))
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


def fold_compatibility(text: str) -> str:
    """Ligatures, fullwidth and presentation forms as their plain characters, without NFKC.

    Example:
        >>> fold_compatibility("work\\ufb02ow \\ufb01nancial ＤＧＡ２０２４ น้ำ")
        'workflow financial DGA2024 น้ำ'
    """
    return _COMPATIBILITY.sub(lambda m: COMPATIBILITY_FOLDS[ord(m.group())], text)


def map_thai_pua(text: str) -> str:
    """The legacy Thai Private Use Area glyphs (U+F700-U+F71A) next to Thai, as the Thai they draw.

    Example:
        >>> map_thai_pua("ต\\uf70bองแจ\\uf70bง เมื\\uf70aอ")
        'ต้องแจ้ง เมื่อ'
    """
    return _THAI_PUA_GLYPH.sub(lambda m: THAI_PUA[m.group()], text)


def count_repairs(text: str, *, from_pdf: bool = False) -> dict[str, int]:
    """How many characters or sequences of raw ``text`` :func:`normalize_text` repairs, by kind.

    Kinds: ``thai_pua`` (legacy Thai glyphs mapped), ``compatibility`` (ligatures, fullwidth and
    presentation forms folded), ``decomposed_sara_am`` (U+0E4D U+0E32 composed), and with
    ``from_pdf`` also ``lost_sara_am`` ("อ านวย"), ``space_before_mark`` (stray spaces before Thai
    marks removed) and ``symbol_glyphs`` (Symbol-font bullets and spaces). For the fidelity report.

    Example:
        >>> count_repairs("ต\\uf70bอง wor\\ufb02ow อ านวย", from_pdf=True)
        {'thai_pua': 1, 'compatibility': 1, 'decomposed_sara_am': 0, 'symbol_glyphs': 0, 'lost_sara_am': 1, 'space_before_mark': 0}
    """
    counts = {
        "thai_pua": len(_THAI_PUA_GLYPH.findall(text)),
        "compatibility": len(_COMPATIBILITY.findall(text)),
    }
    text = unicodedata.normalize("NFC", map_thai_pua(fold_compatibility(text)))
    counts["decomposed_sara_am"] = len(_DECOMPOSED_AM.findall(text))
    if from_pdf:
        text = _DECOMPOSED_AM.sub(lambda m: m.group(1) + SARA_AM, text)
        glyphs = text.translate(_PDF_SYMBOL_GLYPHS)
        counts["symbol_glyphs"] = sum(text.count(ch) for ch in "\uf020\uf0b7\uf0a7") + len(_PDF_SYMBOL_BULLET.findall(glyphs))
        text = _HSPACE.sub(" ", glyphs)
        counts["lost_sara_am"] = len(_LOST_AM.findall(text))
        counts["space_before_mark"] = len(_SPACE_BEFORE_AM.findall(text)) + len(_SPACE_BEFORE_MARK.findall(text))
    return counts


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


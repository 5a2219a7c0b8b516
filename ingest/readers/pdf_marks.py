"""Thai marks that a PDF font left without a Unicode mapping, recovered with the Thai dictionary.

Word's PDF export with some Thai fonts (TH Sarabun PSK subsets, seen in the DGA GovAPI manual)
writes a ToUnicode map without the font codes of tone marks and upper vowels; every extractor
(pypdf, pdfium) then emits the code's raw byte: "ใชFขFอมูล" for ใช้ข้อมูล, "รุJน" for รุ่น,
"องคBการ" for องค์การ. The byte-to-mark mapping differs per font, so there is no fixed table;
but inside one document each byte stands for one mark, and only the right mark turns the words
around it into dictionary words. So, per document, for each ASCII byte found between Thai
letters often enough, every Thai mark is tried in its place and the one that makes the most
dictionary words (pythainlp's newmm and word list) is kept, when it makes nearly all of them
words and clearly more than any other mark. A byte that no mark explains is left alone (the page
may still be OCR'd).
"""

from __future__ import annotations

import re
from collections import Counter

# Marks a font may leave unmapped: tone marks, thanthakhat, maitaikhu, nikhahit, upper and lower vowels.
THAI_MARKS = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e47\u0e4d\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39"
# An ASCII byte glued between Thai letters (punctuation that occurs there in correct text excluded).
_CANDIDATE = re.compile("(?<=[\u0e01-\u0e4e])([A-Za-z0-9\x7f$@^`{}|~])(?=[\u0e01-\u0e4e])")
_THAI_RUN = "[\u0e01-\u0e4e{chars}]+"
_THAI = re.compile("[\u0e01-\u0e4e]")
#: A byte needs this many occurrences between Thai letters before it is decoded at all.
MIN_OCCURRENCES = 3
#: The best mark must put at least this share of the byte's places inside dictionary words ...
MIN_DICTIONARY_SHARE = 0.8
#: ... and the words it makes must be this much longer, on average, than those of the second best
#: mark (a wrong mark still makes short words by chance: "เป้" for เป็น, "คุ" for ค์).
MIN_LENGTH_RATIO = 1.4
# Thai runs scored per byte (enough to decide; a document may have thousands).
_SAMPLE = 300


def recover_unmapped_marks(pages: list[str]) -> tuple[list[str], dict[str, str], int]:
    """Replace the bytes that stand for unmapped Thai marks in a document's page texts.

    Args:
        pages: the raw extracted text of each page of one PDF.

    Returns:
        The page texts with the decoded bytes replaced, the mapping found (byte -> mark) and the
        number of replacements.

    Example:
        >>> pages = ["การใชFขFอมูลของหนFาที่ ไดFรับ ขFอมูล"]
        >>> recover_unmapped_marks(pages)[1:]
        ({'F': '้'}, 5)
    """
    counts = Counter(_CANDIDATE.findall("\n".join(pages)))
    mapping: dict[str, str] = {}
    for char, count in counts.most_common():
        if count < MIN_OCCURRENCES:
            break
        mark = _decode(char, pages, mapping, set(counts))
        if mark:
            mapping[char] = mark
    if not mapping:
        return pages, {}, 0
    chars = "".join(re.escape(char) for char in mapping)
    letters = "".join(re.escape(char) for char in mapping if not char.isdigit())
    # between Thai letters, or (a letter, never a digit) ending a Thai word: "แกN " for แก้
    ending = f"|(?<=[\u0e01-\u0e4e])([{letters}])(?=[\\s.,;:/)\\]\"'”’]|$)" if letters else ""
    pattern = re.compile(f"(?<=[\u0e01-\u0e4e])([{chars}])(?=[\u0e01-\u0e4e]){ending}")
    replaced = 0
    fixed = []
    for page in pages:
        page, number = pattern.subn(lambda m: mapping[m.group(1) or m.group(2)], page)
        replaced += number
        fixed.append(page)
    return fixed, mapping, replaced


def undecoded_bytes(text: str) -> int:
    """ASCII bytes still glued between Thai letters: marks no decoding explained (DEL included).

    In a document whose fonts are known to leave marks unmapped, a page with any of these keeps
    a wrong or lost mark in its text layer, so it is read by OCR instead.
    """
    return len(_CANDIDATE.findall(text))


def _decode(char: str, pages: list[str], mapping: dict[str, str], candidates: set[str]) -> str:
    """The mark ``char`` stands for, or "" when no mark explains it clearly.

    Each mark is placed where ``char`` is (between Thai letters) and the Thai run segmented with
    newmm: the mark scores by the share of places that fall inside a dictionary word, and by the
    mean length of those words ("ข้อมูล" is a six-letter word; "ข่อมูล" splits into short pieces).
    Measured on the GovAPI manual's bytes: F ้ 5.7 vs 2.6 for the second best, J ่ 5.0 vs 1.6,
    B ์ 9.6 vs 2.2, u ็ 4.5 vs 3.0; DEL was left alone (no mark above 53 % of its places).
    """
    unknown = "".join(re.escape(c) for c in candidates)
    runs: list[str] = []
    for page in pages:
        for run in re.findall(_THAI_RUN.format(chars=unknown), page):
            if char in run[1:-1]:
                runs.append("".join(mapping.get(c, c) for c in run))
        if len(runs) >= _SAMPLE:
            break
    scores = sorted((_in_words(runs, char, mark) + (mark,) for mark in THAI_MARKS), key=lambda s: s[1], reverse=True)
    (share, length, mark), (_, second, _) = scores[0], scores[1]
    return mark if share >= MIN_DICTIONARY_SHARE and length >= MIN_LENGTH_RATIO * second else ""


def _in_words(runs: list[str], char: str, mark: str) -> tuple[float, float]:
    """For ``char`` read as ``mark`` between Thai letters in ``runs``: the share of its places inside
    a dictionary word, and the mean length of the dictionary word around a place (0 for none)."""
    from pythainlp.tokenize import word_tokenize

    from ingest.ocr import thai_dictionary

    words = thai_dictionary()
    placed = inside = length = 0
    for run in runs:
        places = {i for i, c in enumerate(run) if c == char and 0 < i < len(run) - 1 and _THAI.match(run[i - 1]) and _THAI.match(run[i + 1])}
        if not places:
            continue
        offset = 0
        for token in word_tokenize(run.replace(char, mark), engine="newmm", keep_whitespace=False):
            start, end = offset, offset + len(token)  # newmm's tokens put together are the run
            offset = end
            hits = sum(1 for i in places if start <= i < end)
            placed += hits
            if hits and len(token) >= 2 and token in words:
                inside += hits
                length += hits * len(token)
    return (inside / placed, length / placed) if placed else (0.0, 0.0)

"""Buddhist-era and Common-era years as one BM25 term: "พ.ศ. 2561" and "2018" are the same year.

Thai official documents write years in the Buddhist Era (BE = CE + 543); English documents and
many users write the Common Era. A question with one form must find a passage with the other, so
at index time a year gets its other-era form as an extra term (BM25 queries are left alone: both
forms are then in every passage that has either, and a query with one form matches it). The dense
encoders read a query's Buddhist-era year with its Common-era form beside it
(:func:`with_common_era`).

Only a 4-digit number that reads as a year is expanded, because "2500 บาท" is not the year 1957:

- after an era or year marker (พ.ศ., ค.ศ., B.E., A.D., ปี, ปีงบประมาณ, a Thai month name): expanded
  across the whole plausible range, BE 2400-2700 <-> CE 1857-2157;
- with no marker: only within BE 2443-2643 / CE 1900-2100, the years policy documents talk about;
- never when a unit or currency follows ("2500 บาท", "2000 people") or it sits in a run of digit
  groups (a phone number "0 2612 6060"), unless a marker precedes it; numbers written with a
  thousands separator ("2,500") are never a year.
"""

from __future__ import annotations

import re

BE_OFFSET = 543
BE_RANGE = (2400, 2700)
CE_RANGE = (BE_RANGE[0] - BE_OFFSET, BE_RANGE[1] - BE_OFFSET)  # 1857-2157
UNMARKED_CE_RANGE = (1900, 2100)
UNMARKED_BE_RANGE = (UNMARKED_CE_RANGE[0] + BE_OFFSET, UNMARKED_CE_RANGE[1] + BE_OFFSET)  # 2443-2643

_YEAR = re.compile(r"^\d{4}$")
_THAI_MONTHS = (
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม "
    "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค."
).split()
_BE_MARKERS = frozenset(["พ.ศ.", "พ.ศ", "พศ", "b.e.", ".e.", *_THAI_MONTHS])
_CE_MARKERS = frozenset(["ค.ศ.", "ค.ศ", "คศ", "a.d.", "ad", "ce", ".d."])
_YEAR_WORDS = frozenset(["ปี", "ปีงบประมาณ", "ปีการศึกษา", "ปีงบ", "year", "years", "fy"])
_UNITS = frozenset(
    """บาท ล้าน พัน หมื่น แสน คน ราย แห่ง หน่วย ชิ้น เครื่อง ครั้ง ชั่วโมง นาที กิโลเมตร เมตร ตัน ฉบับ เรื่อง โครงการ
    baht thb usd eur dollars dollar euros people persons users units items km kg mb gb tb hours minutes
    million billion thousand % percent""".split()
)


def other_era(year: int, marker: str | None) -> int | None:
    """The same year in the other era, or None when ``year`` is not a plausible year.

    ``marker`` is "be", "ce" or "year" (a year word such as ปี: either era) or None (no marker).
    """
    if marker in ("be", "year", None):
        low, high = BE_RANGE if marker else UNMARKED_BE_RANGE
        if low <= year <= high:
            return year - BE_OFFSET
    if marker in ("ce", "year", None):
        low, high = CE_RANGE if marker else UNMARKED_CE_RANGE
        if low <= year <= high:
            return year + BE_OFFSET
    return None


def common_era(year: int) -> int:
    """A year a user filters by, in the Common Era: a Buddhist-era year (BE 2400-2700, as Thai
    users write years: 2569) is that year less 543 (2026); any other year is kept. No Common-era
    year of a document falls in 2400-2700, so the era needs no marker here.

    Example:
        >>> common_era(2569), common_era(2026)
        (2026, 2026)
    """
    return year - BE_OFFSET if BE_RANGE[0] <= year <= BE_RANGE[1] else year


def year_aliases(tokens: list[str]) -> list[tuple[int, str]]:
    """(position, other-era year) for each token of ``tokens`` that reads as a year.

    ``tokens`` are the analyzer's raw tokens (lower-cased, Thai digits already Arabic, spaces
    dropped), so the words around a number can be seen.
    """
    return [(position, alias) for position, alias, _ in _year_readings(tokens)]


def _year_readings(tokens: list[str]) -> list[tuple[int, str, str | None]]:
    """:func:`year_aliases` with the marker each year was read by ("be", "ce", "year" or None)."""
    readings: list[tuple[int, str, str | None]] = []
    for position, token in enumerate(tokens):
        if not _YEAR.match(token):
            continue
        before = tokens[position - 1] if position > 0 else ""
        after = tokens[position + 1] if position + 1 < len(tokens) else ""
        marker: str | None = None
        if before in _BE_MARKERS:
            marker = "be"
        elif before in _CE_MARKERS:
            marker = "ce"
        elif before in _YEAR_WORDS or (before in {"-", "–", "ถึง", "to"} and _previous_was_year(tokens, position)):
            marker = "year"
        elif after in {"b.e.", "be", "ad", "a.d.", "ce"}:
            marker = "be" if after in {"b.e.", "be"} else "ce"
        if marker is None and (after in _UNITS or _in_digit_run(tokens, position)):
            continue
        alias = other_era(int(token), marker)
        if alias is not None:
            readings.append((position, str(alias), marker))
    return readings


def _in_digit_run(tokens: list[str], position: int) -> bool:
    """Part of a phone or reference number ("02 612 6060", "2612-6060", "SLE 4432 5518"): a
    neighbour (across one "-") is a run of 3+ digits that is not itself a plausible year."""
    for step in (-1, 1):
        for distance in (1, 2):
            near = position + step * distance
            if not 0 <= near < len(tokens):
                break
            token = tokens[near]
            if distance == 1 and token in {"-", "–"}:
                continue
            if token.isdigit() and len(token) >= 3 and other_era(int(token), None) is None:
                return True
            break
    return False


def _previous_was_year(tokens: list[str], position: int) -> bool:
    """The second year of a range ("2561-2565", "2018 to 2020")."""
    return position >= 2 and bool(_YEAR.match(tokens[position - 2]))


# A word keeps its Thai vowel and tone marks (Unicode Mn, which \w does not match): "ปี", "ล้าน".
_QUERY_TOKEN = re.compile(
    r"พ\.\s?ศ\.?|ค\.\s?ศ\.?|b\.e\.|a\.d\.|\d+|(?:[^\W\d_]|[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])+|\S", re.IGNORECASE
)


def _tokens(text: str) -> tuple[list[re.Match[str]], list[str]]:
    """A short text's tokens as :func:`year_aliases` reads them (era markers whole, lower case),
    and where each is: no Thai word segmentation needed to see "พ.ศ." or "ปี" beside a number."""
    matches = list(_QUERY_TOKEN.finditer(text))
    return matches, [match.group(0).lower().replace(" ", "") for match in matches]


def with_common_era(query: str) -> str:
    """``query`` with the Common-era form after each Buddhist-era year: "ดัชนี DGI ปี 2562" ->
    "ดัชนี DGI ปี 2562 (2019)". For the dense encoders, which BM25's era terms do not reach: e5 and
    USE read "2562" as another number than the "2019" of an English report, and a Thai question
    about the 2019 index was answered with the 2023 one's figures. Passages are left as they are
    (their vectors are unchanged); a Common-era year in a query is left alone (English documents
    write it, and BM25 finds Thai passages by either era).

    Thai digits must already be Arabic (``index.encoder_text``).
    """
    matches, tokens = _tokens(query)
    out, last = [], 0
    for position, alias in year_aliases(tokens):
        if int(alias) >= int(tokens[position]):
            continue  # a Common-era year
        end = matches[position].end()
        out.append(query[last:end] + f" ({alias})")
        last = end
    return "".join(out) + query[last:]


# Words that make the number after them a count or a rank, not a year: "Top 2500 companies",
# "over 2000 agencies", "กว่า 2500 แห่ง".
_COUNT_WORDS = frozenset("top over under about around approximately nearly almost some least than first last no number #".split())
# Thai is not segmented here: a run of Thai ending in one of these before the number is a count
# ("บริษัทชั้นนำกว่า 2500 แห่ง"), and one starting with a unit after it an amount ("2500 ล้านบาท").
_THAI_COUNT_ENDINGS = ("กว่า", "ประมาณ", "เกือบ", "ราว", "อันดับ", "จำนวน", "ทั้งหมด")
_THAI_UNIT_START = tuple(unit for unit in _UNITS if "\u0e01" <= unit[0] <= "\u0e4e")
_THAI_LETTER = re.compile("[\u0e01-\u0e4e]")


def _counted(tokens: list[str], position: int) -> bool:
    """The number at ``position`` is a count, a rank or an amount by the words around it."""
    before = tokens[position - 1] if position > 0 else ""
    after = tokens[position + 1] if position + 1 < len(tokens) else ""
    return before in _COUNT_WORDS or before.endswith(_THAI_COUNT_ENDINGS) or after.startswith(_THAI_UNIT_START)


def year_of_title(title: str, thai: bool | None = None) -> int | None:
    """The first year a document's title names, in the Common Era: "ประกาศ ... พ.ศ. 2568" -> 2025,
    "OECD Digital Government Index 2019" -> 2019; None when it names none. For a document whose
    file and manifest give no year (the year filter finds it by its title's). Thai digits must
    already be Arabic (``index.encoder_text``).

    Stricter than :func:`year_aliases` for a number with no era or year marker, because a title
    without its year gets none, while a wrong one files the document under that year: it is no
    year after a count or rank word ("Top 2500 companies", "กว่า 2500 แห่ง") or before a unit
    that begins a Thai word ("2500 ล้านบาท"), and it is a
    Buddhist-era year only in a title with Thai in it (English titles write the Common Era: the
    corpus's "2019 results", "2023 OECD ...", "OECD 2017 OURdata"; Thai ones write "พ.ศ. 2569",
    "ปีงบประมาณ 2569" or a bare "2566-2570"). ``thai`` says whether the document is Thai (None:
    whether the title has Thai letters).
    """
    _, tokens = _tokens(title)
    thai = bool(_THAI_LETTER.search(title)) if thai is None else thai
    for position, alias, marker in _year_readings(tokens):
        year, other = int(tokens[position]), int(alias)
        if marker is None:
            if _counted(tokens, position):
                continue
            if year > other and not thai:  # read as Buddhist era in an English title
                continue
        return min(year, other)  # the Common-era one of the pair
    return None


# What separates the words of a file name: "report_2019-final", "top-2500-companies".
_NAME_SEPARATORS = re.compile(r"[_\-+]+")
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")


def year_of_name(file_name: str, thai: bool) -> int | None:
    """The year a document's file name states, in the Common Era, read as :func:`year_of_title`
    reads a title: "ระเบียบ...-พ.ศ.2561.pdf" -> 2018, "annual-report-2019.pdf" -> 2019; the words
    of the name split at "_", "-" and "+", so "top-2500-companies.pdf" is a count, no year. A
    Buddhist-era year with no marker counts only for a Thai document (``thai``) or a name with
    Thai letters.

    Dates and timestamps run together ("20180920113012.pdf", "AdminManual_22112018.pdf",
    "cabinetDoc161018.pdf") are no year: a file's upload stamp is not its document's year (that
    2018 stamp names a 2012 agreement), and "161018" reads as 2018 or 2016. Thai digits must
    already be Arabic (``index.encoder_text``).

    Example:
        >>> year_of_name("files__ระเบียบสำนักทะเบียนกลาง-พ.ศ.2561.pdf", thai=True)
        2018
        >>> year_of_name("top-2500-companies.pdf", thai=False), year_of_name("20180920113012.pdf", thai=True)
        (None, None)
    """
    stem = _EXTENSION.sub("", file_name.rsplit("/", 1)[-1])  # "...พ.ศ.2561.pdf": the last dot only
    return year_of_title(_NAME_SEPARATORS.sub(" ", stem), thai=thai or None)


def document_year(title: str, source: str, lang: str) -> int | None:
    """A document's year when its file and manifest give none: the first its title names, else the
    one its file name states (an OCR'd title such as "เล่ม ๑๓๕ ตอนพิเศษ ๒๕๓ ง ราชกิจจานุเบกษา" names
    none, while the file "...-พ.ศ.2561.pdf" does). Thai digits must already be Arabic.

    Example:
        >>> document_year("Digital Government Index: 2019 results", "oecd/dgi.pdf", "en")
        2019
        >>> document_year("เล่ม 135 ตอนพิเศษ 253 ง ราชกิจจานุเบกษา", "thai/ระเบียบ-พ.ศ.2561.pdf", "th")
        2018
    """
    return year_of_title(title) or year_of_name(source, thai=lang == "th")

"""Language of a text: Thai or English, by its grammatical words first and its script second.

The corpus is Thai and English only, so no language model is needed. Letter share alone fails on
the texts that matter most: a Thai question that quotes a long English name ("Open Government
Data คืออะไร": 25% Thai letters) is Thai, because Thai words carry its grammar, and an English
question about a Thai term ("What is ธรรมาภิบาลข้อมูล?": 68% Thai letters) is English. So a text
is the language of its function words (question words, particles, prepositions, the copula)
when only one language's occur; the letter share decides a text with both (a long mixed
passage) or neither (a bare name).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.model import Lang

# A Thai text that quotes English terms ("การใช้ Public Cloud เป็นหลัก") is still Thai; an English
# text that names a Thai agency once is still English. Thai letters are many per word, so a
# third of the letters being Thai already means Thai carries the sentence.
THAI_THRESHOLD = 0.3

# Closed-class Thai words: question words, particles, the copula, prepositions and conjunctions.
# They never appear in names or terms, so one of them means Thai grammar is present.
THAI_FUNCTION_WORDS = frozenset(
    """อะไร อย่างไร ยังไง ไหม มั้ย หรือไม่ หรือเปล่า เมื่อไร เมื่อไหร่ เท่าไร เท่าไหร่ ที่ไหน ไหน ใคร
    ทำไม กี่ แค่ไหน เพียงใด อย่างไรบ้าง บ้าง คือ เป็น มี ได้ จะ ต้อง ควร ไม่ ของ ที่ และ หรือ กับ ใน
    จาก โดย ให้ ว่า ซึ่ง แต่ เพื่อ อยู่ แล้ว ก็ นี้ นั้น ครับ ค่ะ คะ ตาม ถึง เมื่อ ต่อ ด้วย เพราะ
    ถ้า หาก ยัง อีก จึง ทั้ง เช่น ได้แก่ ดังนี้ สำหรับ ระหว่าง""".split()
)
# Closed-class English words, the same idea.
ENGLISH_FUNCTION_WORDS = frozenset(
    """a an the is are was were be been being am do does did what which who whom whose when where
    why how of in on at to for from by with about into than that this these those and or but not
    no can could should would will shall may might must has have had it its there their""".split()
)
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# Web and mail addresses are no words of any language: the "or" of ".or.th" (the domain of most
# Thai agencies) is no English function word, and a long URL's letters are not English text.
_ADDRESS = re.compile(
    r"(?:https?|ftp)://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|int|gov|edu|(?:go|or|ac|co|in|mi|net)\.th)\b\S*",
    re.IGNORECASE,
)
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")


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


@lru_cache(maxsize=1)
def _thai_words():  # type: ignore[no-untyped-def]
    """pythainlp's newmm segmenter, loaded on first use (Thai has no spaces between words)."""
    from pythainlp.tokenize import word_tokenize

    return word_tokenize


def function_word_counts(text: str) -> tuple[int, int]:
    """(Thai, English) function words in ``text``.

    Example:
        >>> function_word_counts("Open Government Data คืออะไร")
        (2, 0)
    """
    english = _english_function_words(text)
    runs = _THAI_RUN.findall(text)
    if not runs:
        return 0, english
    segment = _thai_words()
    thai = sum(1 for run in runs for word in segment(run, engine="newmm") if word in THAI_FUNCTION_WORDS)
    return thai, english


def _english_function_words(text: str) -> int:
    return sum(1 for word in _LATIN_WORD.findall(text) if word.lower() in ENGLISH_FUNCTION_WORDS)


# Any Thai function word as a plain substring: newmm's words are pieces of the run it cuts, so a
# run without one of these substrings has none of the words, and is not segmented.
_THAI_FUNCTION_SUBSTRING = re.compile("|".join(sorted(map(re.escape, THAI_FUNCTION_WORDS), key=len, reverse=True)))


def has_thai_function_word(text: str) -> bool:
    """Whether newmm finds a Thai function word in ``text``: ``function_word_counts(text)[0] > 0``.

    Cheaper: runs without one of the words as a substring are not segmented, and the search
    stops at the first word found.

    Example:
        >>> has_thai_function_word("Open Government Data คืออะไร"), has_thai_function_word("ธรรมาภิบาลข้อมูล")
        (True, False)
    """
    segment = None
    for run in _THAI_RUN.findall(text):
        if _THAI_FUNCTION_SUBSTRING.search(run) is None:
            continue
        segment = segment or _thai_words()
        if any(word in THAI_FUNCTION_WORDS for word in segment(run, engine="newmm")):
            return True
    return False


# An English content word: lower-case letters only, three or more ("registration", "steps").
# Codes and acronyms ("GDX", "PS-04", "IAL 2.3") are capitals and digits, and names capitalised.
_LOWER_CASE_WORD = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])")


def words_tell_language(text: str) -> bool:
    """Whether ``text``'s words say its language: it has Thai letters, an English function word or
    a lower-case English word. A question made of codes, acronyms, names, numbers and addresses
    ("GDX?", "PS-04", "IAL 2.3", "Digital ID") does not: :func:`detect_lang` calls it English by default,
    and a caller that knows the reader's language (the web page's) can use that instead.

    Example:
        >>> [words_tell_language(text) for text in ("GDX?", "PS-04", "IAL 2.3", "What is GDX?", "GDX คือ", "api keys")]
        [False, False, False, True, True, True]
    """
    text = _ADDRESS.sub(" ", text)  # an address alone tells no language either
    return bool(_THAI_RUN.search(text) or _english_function_words(text) or _LOWER_CASE_WORD.search(text))


def without_addresses(text: str) -> str:
    """``text`` with its web and mail addresses blanked out, or as it is when it is nothing else.

    Example:
        >>> without_addresses("ดูที่ https://www.dga.or.th/th/ ครับ")
        'ดูที่   ครับ'
    """
    if "." not in text and "@" not in text:
        return text
    without = _ADDRESS.sub(" ", text)
    return without if without.strip() else text


def detect_lang(text: str) -> Lang:
    """``"th"`` or ``"en"``: the only language whose function words the text contains; when both
    or neither occur (a long mixed passage, a bare name), the letter share decides (more than
    :data:`THAI_THRESHOLD` Thai letters is Thai).

    Only a text with letters of both scripts is segmented, and only when the Thai words can change
    the answer. With English function words, Thai ones give "th" only when the letter share says
    "th" too (both occur) and their absence gives "en": so below the threshold it is "en" either
    way. Without English ones, Thai ones give "th" and their absence leaves it to the letter share:
    above the threshold it is "th" either way. In the two other cases the answer is "th" exactly
    when a Thai function word occurs (:func:`has_thai_function_word`). Same answers as counting
    both languages' words of every mixed text, which newmm made most of ingest's language time.

    Example:
        >>> detect_lang("Open Government Data คืออะไร"), detect_lang("What is ธรรมาภิบาลข้อมูล?")
        ('th', 'en')
        >>> detect_lang("OECD ได้จัดทำดัชนีรัฐบาลดิจิทัล"), detect_lang("Digital Government Index")
        ('th', 'en')

    Web and mail addresses are left out ("ระบบข้อมูลคนพิการ https://www.dga.or.th/th/content/920/"
    is Thai: its "or" is part of a domain), unless the text is nothing else.
    """
    text = without_addresses(text)
    ratio = thai_ratio(text)
    thai_by_letters = ratio > THAI_THRESHOLD
    if 0.0 < ratio < 1.0 and bool(_english_function_words(text)) == thai_by_letters:
        return "th" if has_thai_function_word(text) else "en"
    return "th" if thai_by_letters else "en"


# -- passages: language of prose, and passages that are data rather than prose -------------------

# A passage's own language wins over its document's only when it reads as prose in that language:
# at least this share of its words (numbers included) are that language's function words. English
# prose has 0.2-0.45 (the OECD reports' passages, median about 0.3); below 0.15 are tables, charts,
# reference lists, JSON and enums. Thai prose by newmm's words is alike (median about 0.22).
PROSE_SHARE = 0.15
# A passage is data, not prose, when fewer than this share of its words are function words of
# either language and fewer than DATA_WORD_SHARE of its space-separated tokens are plain words
# (identifiers such as "NameEN_FirstName", numbers, JSON and code are not).
DATA_FUNCTION_SHARE = 0.05
DATA_WORD_SHARE = 0.6
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_TOKEN_PUNCTUATION = "()[]{}:;,.!?\"'“”‘’«»*•–—/|#>-"
# A plain word: Thai letters, a lower-case or capitalised Latin word ("Mandatory", "data-driven"),
# an acronym ("OECD", "APIs"). Not an identifier ("NameEN_FirstName", "errorCode"), a number or code.
_PLAIN_WORD = re.compile(r"^(?:[\u0e01-\u0e4e]+|[A-Za-z][a-z]+(?:-[A-Za-z][a-z]+)*|[A-Z]{2,6}s?|[a-z])$")


def function_word_shares(text: str) -> tuple[float, float]:
    """(Thai, English) function words as a share of the text's words in that script plus its
    numbers (newmm's words for Thai, Latin words for English; addresses left out). 0.0 for a
    script with no words.

    Example:
        >>> [round(share, 2) for share in function_word_shares("The index measures the maturity of digital government.")]
        [0.0, 0.38]
    """
    text = without_addresses(text)
    numbers = len(_NUMBER.findall(text))
    thai_words = thai_function = 0
    runs = _THAI_RUN.findall(text)
    if runs:
        segment = _thai_words()
        for run in runs:
            for word in segment(run, engine="newmm"):
                if word.strip():
                    thai_words += 1
                    thai_function += word in THAI_FUNCTION_WORDS
    latin = _LATIN_WORD.findall(text)
    english_function = sum(1 for word in latin if word.lower() in ENGLISH_FUNCTION_WORDS)
    thai_share = thai_function / (thai_words + numbers) if thai_words else 0.0
    english_share = english_function / (len(latin) + numbers) if latin else 0.0
    return thai_share, english_share


def passage_lang(text: str, document_lang: Lang) -> Lang:
    """A passage's language, for its language pool, the language filter and "related in the other
    language": its own (:func:`detect_lang`) when it reads as prose in it, else its document's.

    A Thai API manual's JSON sample, parameter table or error-code enum has too few Thai letters
    and was "en": it landed in the English pool, the language filter ``th`` left it out, and
    "related in the other language" offered it for the Thai passages of other documents. Such a
    passage has next to no function words (:data:`PROSE_SHARE`), and is in its document's
    language; an English abstract in a Thai report is prose and stays English.

    Example:
        >>> passage_lang('{"CitizenID": "143XXXXXXXXXX", "Sex": "ชาย", "Age": "29"}', "th")
        'th'
        >>> passage_lang("The index measures the maturity of digital government in each country.", "th")
        'en'
    """
    lang = detect_lang(text)
    if lang == document_lang:
        return lang
    thai_share, english_share = function_word_shares(text)
    return lang if (thai_share if lang == "th" else english_share) >= PROSE_SHARE else document_lang


def is_data(text: str) -> bool:
    """Whether a passage is data rather than prose: a table of numbers, JSON, code, an enum.

    Both must hold: few function words of either language (:data:`DATA_FUNCTION_SHARE`) and few
    plain words among its tokens (:data:`DATA_WORD_SHARE`). A record of labelled fields in words
    ("ระดับการบังคับใช้ (Compliance): Mandatory ประเภทบริการ: Partial, Full") has few function
    words but is words, and is kept; a list of services too.

    Example:
        >>> is_data('ErrorCodeEnum { [Description("Others")] Others = 999, InvalidRequest = 1 }')
        True
        >>> is_data("Spain 0.69 4 0.6 4 0.69 8 Israel 0.6 14 0.49 12")
        True
        >>> is_data("ระดับการบังคับใช้ (Compliance): Mandatory ประเภทบริการ: Partial, Full")
        False
    """
    tokens = text.split()
    if not tokens:
        return False
    plain = sum(1 for token in tokens if _PLAIN_WORD.match(token.strip(_TOKEN_PUNCTUATION)))
    if plain >= DATA_WORD_SHARE * len(tokens):
        return False
    return max(function_word_shares(text)) < DATA_FUNCTION_SHARE


# -- passages that are reference lists or outlines rather than prose ------------------------------

# A passage is a reference list when at least this share of its characters (markers such as "[12]"
# and a "References" heading left out) are bibliography entries and their URL/DOI continuation lines,
# and it holds at least REFERENCE_LIST_MIN_ENTRIES entries. On the reference corpus the OECD
# reports' 14 reference-list passages are 0.85-1.0; no other passage holds an entry, and the
# highest share among them is 0.55 (an API manual's URL lines).
REFERENCE_LIST_SHARE = 0.6
REFERENCE_LIST_MIN_ENTRIES = 2
# An entry's opening: its authors (a person "Ubaldi, B. et al.", "González, S., L. Fleischer and M.
# Mira d’Ercole", an organisation "OECD", "World Bank", a Thai author or agency), then the year in
# brackets and a comma or full stop: "OECD (2019), Title, ...", "Cronbach, L. (1951), “...”",
# "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน). (2562). ชื่อเรื่อง. สืบค้นจาก https://...". The year is
# CE (18xx-20xx) or BE (24xx-25xx), with an optional letter ("2020a") or OECD's "[3]" reference
# number, or "forthcoming", "n.d."/"ม.ป.ป." (no date). The title after it opens with a capital, a
# quote or a Thai letter: "OECD (2020), the index found that ..." is prose.
_ENTRY_OPENING = re.compile(
    r"^[\s\-•*]*(?P<authors>[^()\n]{2,120}?(?:\([^()\n]{1,60}\)[^()\n]{0,20}?)?)\s*\(\s*"
    r"(?:(?:18|19|20|24|25)\d{2}[a-z]?(?:\[\d+\])?|n\.\s?d\.|forthcoming|in press|ม\.?\s?ป\.?\s?ป\.?)\s*\)\s*[,.:]\s*"
    r"(?:$|[\"'“‘«A-Z0-9\u0e01-\u0e4e]|[a-z]-)"  # then the title: capitalised, quoted, Thai, "e-Government"
)
# Lower-case words an author list may hold: "and", "et al.", name particles ("van", "de", "d’").
_AUTHOR_SMALL_WORDS = frozenset("and et al al. & van von der den de del della da du la le y d’ d'".split())
# Lines that carry an entry on: its URL or DOI alone, "pp. 297-334", "accessed on ...", the
# publisher and place, the Thai "สืบค้นจาก/เมื่อ" (retrieved from/on).
_ENTRY_CONTINUATION = re.compile(
    r"^\s*(?:https?://|www\.|doi:)\S+\s*[.,]?\s*$"
    r"|\bdoi\.org/|OECD Publishing|University Press|\(accessed on [^)]*\)|^\s*pp?\.\s*\d"
    r"|สืบค้น(?:จาก|เมื่อ)|เข้าถึง(?:ได้)?(?:จาก|เมื่อ)",
    re.IGNORECASE,
)
# Lines that are neither an entry nor prose: a reference number "[12]", a page number, the list's
# heading.
_REFERENCE_MARKER = re.compile(
    r"^\s*(?:\[\d+\]|\d{1,3}|(?:#+\s*)?(?:References?|Bibliography|Further reading|Notes|บรรณานุกรม|เอกสารอ้างอิง|อ้างอิง|แหล่งอ้างอิง)\s*:?)\s*$",
    re.IGNORECASE,
)
# OECD's reference numbers between entries run together on one line: "... 2023 Results. [3] Ubaldi, B. ..."
_ENTRY_SEPARATOR = re.compile(r"(?<=\S)\s*\[\d{1,3}\](?:\s+|$)")


def _is_entry_opening(line: str) -> bool:
    """Whether a line opens a bibliography entry: authors, then "(year)," (see ``_ENTRY_OPENING``).
    The authors are names: "According to OECD (2019), ..." has a lower-case word other than a
    name's ("to") and is prose citing a source."""
    opening = _ENTRY_OPENING.match(line)
    if not opening:
        return False
    words = _LATIN_WORD.findall(re.sub(r"\([^()]*\)", " ", opening.group("authors")))
    return all(word[0].isupper() or word.lower() in _AUTHOR_SMALL_WORDS for word in words)


def reference_share(text: str) -> tuple[float, int, bool]:
    """(share of the passage's characters in bibliography entries, number of entries, whether an
    entry has a publisher, URL or DOI).

    The passage is read line by line (a PDF's reference list has an entry or its URL per line;
    Markdown and HTML lists an entry per item), a line cut again at reference numbers ("... Results.
    [3] Ubaldi, B. ..."): a piece opening an entry (:func:`_is_entry_opening`) and the pieces carrying
    one on (its URL or DOI alone, "OECD Publishing", "pp. 12", "สืบค้นจาก ...") are the entries;
    reference numbers ("[12]"), page numbers and the list's heading count for neither side; every
    other piece is prose.
    """
    entries = entry_chars = prose_chars = 0
    published = False
    for line in text.splitlines():
        for piece in _ENTRY_SEPARATOR.split(line):
            piece = piece.strip()
            if not piece or _REFERENCE_MARKER.match(piece):
                continue
            continued = bool(_ENTRY_CONTINUATION.search(piece))
            if _is_entry_opening(piece):
                entries += 1
                entry_chars += len(piece)
                published |= continued
            elif continued:
                entry_chars += len(piece)
                published = True
            else:
                prose_chars += len(piece)
    total = entry_chars + prose_chars
    return (entry_chars / total if total else 0.0), entries, published


def is_reference_list(text: str) -> bool:
    """Whether a passage is a reference list (a bibliography) rather than findings: most of it
    (:data:`REFERENCE_LIST_SHARE` of its characters) is bibliography entries, at least
    :data:`REFERENCE_LIST_MIN_ENTRIES` of them (or one with its publisher, URL or DOI: the tail of a
    list cut by a passage boundary). An OECD report's "References" pages name every
    title the report speaks of, so they match many questions' words and vectors; a researcher
    wants the finding, not the list. Prose citing a source inline is not a reference list.

    Example:
        >>> is_reference_list("OECD (2019), Digital Government Review of Sweden, OECD Publishing, Paris,\\n"
        ...     "https://dx.doi.org/10.1787/4daf932b-en.\\n[10]\\n"
        ...     "Ubaldi, B. et al. (2020), “State of the art in the use of emerging technologies”, OECD Working Papers on Public Governance, No. 31.")
        True
        >>> is_reference_list("OECD (2019), Digital Government Review of Sweden, found that a data-driven public sector needs "
        ...     "leadership. Agencies share data through one catalogue, and the ministry measures its reuse every year.")
        False
    """
    share, entries, published = reference_share(text)
    if share < REFERENCE_LIST_SHARE:
        return False
    return entries >= REFERENCE_LIST_MIN_ENTRIES or (entries == 1 and published)

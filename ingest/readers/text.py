"""Plain text files: decode whatever the encoding, then one block per paragraph."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.model import Block, Document, ExtractionStats
from ingest.lang import thai_ratio
from ingest.normalize import normalize_text
from ingest.ocr import thai_dictionary_share
from ingest.readers.base import MAX_TITLE_CHARS, ReaderError, build_document


_UTF_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_THAI_CONSONANT = re.compile("[\u0e01-\u0e2e]")
# A Thai mark or following vowel after something that is not Thai: cp874 bytes that were not Thai.
_STRAY_THAI_MARK = re.compile("(?<![\u0e01-\u0e4e])[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]")
# A leading vowel (เ แ โ ใ ไ) is written before a consonant; Latin-1 "à á â ã ä" give them before
# a Latin letter or a space ("Mแlaga").
_STRAY_LEADING_VOWEL = re.compile("[\u0e40-\u0e44](?![\u0e01-\u0e2e])")
# Thai text in a legacy file: most of its Thai letters sit in dictionary words (see
# ingest.ocr.thai_dictionary_share); Latin-1 "À bientôt" read as cp874 is "ภ bient๔t": none do.
MIN_CP874_DICTIONARY_SHARE = 0.5
# the Thai text judged by the dictionary: enough to tell, not the whole of a large file
_DICTIONARY_SAMPLE_CHARS = 20_000
_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")
_THAI_IN_LATIN_WORD = re.compile("[A-Za-z][\u0e01-\u0e5b]|[\u0e01-\u0e5b][A-Za-z]")
# what cp874 holds besides ASCII and Thai: Windows punctuation (0x80-0x9F) and the no-break space
_CP874_PUNCTUATION = frozenset(bytes(range(0x80, 0xA1)).decode("cp874", errors="ignore"))
# What a legacy 8-bit file is when it is not Thai: the Western Windows code page (a superset of
# Latin-1 for text), unless charset-normalizer finds another code page that fits better.
_WESTERN = "cp1252"
_THAI_CODE_PAGES = frozenset({"cp874", "tis_620", "iso8859_11"})


def _plausible_cp874(data: bytes) -> str | None:
    """``data`` decoded as TIS-620/cp874 when that gives plausible Thai, else None.

    charset-normalizer recognises cp874 from longer texts but guesses CJK code pages for a few Thai
    words, and Western text read as cp874 is Thai letters too ("Ça va à Málaga" -> "วa va เ
    Mแlaga"). So: every non-ASCII character must be Thai or cp874's Windows punctuation (curly
    quotes, en dash, bullet, ellipsis), there must be Thai consonants, no vowel
    or tone mark may follow a non-Thai character (Latin-1 "café" would give "caf้"), no leading
    vowel may stand before anything but a consonant, and at least half of the Thai letters must
    sit in dictionary words (pythainlp newmm, as OCR'd lines are judged) or, for abbreviations
    and names, Thai must be most of the letters with no Thai letter glued to a Latin one.
    """
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii or not all("\u0e01" <= ch <= "\u0e5b" or ch in _CP874_PUNCTUATION for ch in non_ascii):
        return None
    if not _THAI_CONSONANT.search(text) or _STRAY_THAI_MARK.search(text) or _STRAY_LEADING_VOWEL.search(text):
        return None
    sample = " ".join(_THAI_RUN.findall(text[: _DICTIONARY_SAMPLE_CHARS * 4]))[:_DICTIONARY_SAMPLE_CHARS]
    share = thai_dictionary_share(sample)
    if share is not None and share >= MIN_CP874_DICTIONARY_SHARE:
        return text
    # Abbreviations and names are no dictionary words ("สพร. GDX", "ก.พ.ร."): Thai still, when
    # Thai letters are most of the letters and none is glued to a Latin letter, as accented
    # letters are inside Western words ("ษCOLE", "Mแlaga").
    if thai_ratio(text) >= 0.5 and not _THAI_IN_LATIN_WORD.search(text):
        return text
    return None


def _code_page_guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's guess for a file that is neither UTF nor plausible Thai, or None.

    Its guesses for short Western text are poor ("café" as UTF-16-BE "捡曩", French as cp1250
    "crčme"): a UTF-16/32 guess is never taken (BOM-less UTF-16 of Latin or Thai text was read
    before), nor a Thai code page (the Thai reading was not plausible); cp1252 wins when its
    reading is the better Western text (:func:`_western_reading`: "€5", not cp437's "Ç5"), and
    whenever it decodes the bytes as well as the best guess (no more chaos) with every non-ASCII
    character where Western text has one (:func:`_fits_western`). Cyrillic or Central European
    text, which cp1252 does not fit ("s¹ dostêpne"), keeps charset-normalizer's code page.
    """
    every = list(from_bytes(data))
    matches = [
        match
        for match in every
        if not match.encoding.startswith(("utf_16", "utf_32")) and match.encoding not in _THAI_CODE_PAGES
    ]
    if not matches:
        return None
    best = min(matches, key=lambda match: match.chaos)
    western = _western_reading(data, str(best), str(best.encoding))
    if western is not None:
        return western, _WESTERN
    for match in every:  # a match lists the code pages that decode the bytes the same way
        if _WESTERN in match.could_be_from_charset and match.chaos <= best.chaos:
            text = data.decode(_WESTERN, errors="replace")
            if all(_fits_western(text, at) for at, ch in enumerate(text) if not ch.isascii()):
                return text, _WESTERN  # not cp1250 Polish's "s¹ dostêpne" nor cp437's "caf‚"
    return str(best), str(best.encoding)


# Between two letters only an apostrophe or a dash belongs in Western text ("agency’s",
# "2019–2020", "services—and"); "caf‚" or "gar‡on" is cp437 "café"/"garçon" read as cp1252.
_WORD_INNER = frozenset("’‘'–—-·")
# Latin text: at least this share of its letters are ASCII (Cyrillic cp1251 read as cp1252 is
# "Ïðèâåò": its letters are all Latin-1 ones).
MIN_WESTERN_ASCII_LETTERS = 0.8


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


def _fits_western(text: str, at: int) -> bool:
    """Whether character ``at`` of a cp1252 reading is where Western text has such a character:
    a Latin letter inside a word or a word of its own; punctuation or a symbol not glued inside a word ("€5",
    "“Yes”", "12 €"), except the apostrophes and dashes that are."""
    ch = text[at]
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if _is_letter(ch):  # in a word, or a word of its own ("à Málaga"), not glued to a number
        return _latin(ch) and (_is_letter(before) or _is_letter(after) or not (before.isalnum() or after.isalnum()))
    return ch in _WORD_INNER or not (_is_letter(before) and _is_letter(after))


def _odd_in_western(text: str, at: int, western: str) -> bool:
    """Whether character ``at`` of another code page's reading is out of place in Latin text where
    the cp1252 reading has ``western``: box drawing or any non-letter symbol (cp437's "─", "≈"), a
    letter of another script (cp1125's "А10" for "€10"), a letter standing alone ("12Ç"), or a
    letter where cp1252 reads a quote, dash, euro sign or ellipsis (cp437's "ôfairö")."""
    ch = text[at]
    if not _is_letter(ch) or not _latin(ch):
        return True
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return not (_is_letter(before) or _is_letter(after)) or not _is_letter(western)


def _western_reading(data: bytes, guess: str, encoding: str) -> str | None:
    """``data`` read as cp1252 when that is the better reading of a short Western text than
    charset-normalizer's ``guess`` (which, on a line or two, takes "€5" for cp437 "Ç5" and
    "“Yes”" for cp1125 "УYesФ"); None when the guess stands.

    cp1252 is taken when the bytes decode in it cleanly (no undefined byte), the text is Latin
    (``MIN_WESTERN_ASCII_LETTERS``), every character where the two readings differ fits Western
    text in cp1252's reading (:func:`_fits_western`), and at least one of them is out of place in
    the guess's (:func:`_odd_in_western`): Central European text keeps cp1250 ("Zażółć" is
    "Za¿ó³æ" in cp1252: symbols inside a word; "podobě" is "podobì", whose "ě" is in place), as
    Cyrillic keeps cp1251 (its cp1252 reading's letters are not ASCII).
    """
    if encoding == _WESTERN:
        return None
    try:
        western = data.decode(_WESTERN)
    except UnicodeDecodeError:
        return None
    letters = [ch for ch in western if _is_letter(ch)]
    if not letters or sum(ch.isascii() for ch in letters) < MIN_WESTERN_ASCII_LETTERS * len(letters):
        return None
    if len(guess) != len(western):  # a multi-byte guess: the positions do not line up
        return western if all(_fits_western(western, at) for at, ch in enumerate(western) if not ch.isascii()) else None
    differ = [at for at, (mine, theirs) in enumerate(zip(western, guess)) if mine != theirs]
    if not differ or not all(_fits_western(western, at) for at in differ):
        return None
    return western if any(_odd_in_western(guess, at, western[at]) for at in differ) else None


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the bytes look like BOM-less UTF-16 of Latin or Thai text.

    Every other byte is then 0x00 (Latin) or 0x0E (Thai, U+0E00-U+0E7F). Thai UTF-16-LE is valid
    ASCII byte for byte, so this must be checked before UTF-8, or Thai becomes control characters.
    """
    sample = data[:4096]
    if len(sample) < 4:
        return None
    high = (0x00, 0x0E)
    even = sample[0::2]
    odd = sample[1::2]
    share_even = sum(byte in high for byte in even) / len(even)
    share_odd = sum(byte in high for byte in odd) / len(odd)
    if share_odd >= 0.5 and share_even < 0.1:
        return "utf-16-le"
    if share_even >= 0.5 and share_odd < 0.1:
        return "utf-16-be"
    return None


# C0 control characters a text file does not hold (tab, line feed, vertical tab, form feed and
# carriage return are text: Word exports write line breaks as vertical tabs); NUL among them:
# binary data, or UTF-16/32 that decoded as something else.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.01


def _binary_problem(path: Path, kind: str = "binary data") -> ReaderError:
    fix = "check it is a text file (a .docx or .pdf saved under another name?)"
    if kind != "binary data":
        fix = "check it is a text file; convert it to UTF-8 (e.g. iconv -f TIS-620 -t UTF-8) if it is"
    return ReaderError(f"{path}: {kind}, not text: {fix}")


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode file bytes and refuse binary data; returns (text, encoding name).

    Raises:
        ReaderError: the bytes are binary data (a NUL byte outside UTF-16/32, or more than 1% C0
            control characters once decoded: "\\x00\\x01\\x02binary junk\\xff\\xfe" was read as
            UTF-16 "Ā戂湩牡⁹番歮" and indexed) or text in no encoding charset-normalizer knows.
    """
    text, encoding = _decode(data, path)
    text = text.rstrip("\x1a")  # the end-of-file mark old DOS editors write (Ctrl-Z)
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > MAX_CONTROL_SHARE * max(len(text), 1):
        raise _binary_problem(path)
    return text, encoding


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode file bytes; returns (text, encoding name).

    Order: UTF-16 without BOM when every other byte is 0x00 or 0x0E (BOM-less Thai UTF-16 is
    valid ASCII, so it comes first); UTF-8 (with or without BOM) strictly, since a strict UTF-8
    decode of real text that succeeds is never wrong; a UTF-16/32 byte-order mark; well-formed
    TIS-620/cp874 Thai that reads as Thai words (older Thai files); then charset-normalizer's guess,
    cp1252 when it fits as well as any (older Western files, see :func:`_code_page_guess`).

    Raises:
        ReaderError: the bytes are binary data or text in no encoding charset-normalizer knows.
    """
    utf16 = _utf16_without_bom(data) if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    for bom, encoding in _UTF_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    if b"\x00" in data:
        raise _binary_problem(path)  # UTF-16/32 with a byte-order mark or Thai/English without one are read above
    thai = _plausible_cp874(data)
    if thai is not None:
        return thai, "cp874"
    guess = _code_page_guess(data)
    if guess is None:
        raise _binary_problem(path, "not UTF-8 and no other text encoding fits")
    return guess


def decode_bytes(data: bytes, path: Path) -> str:
    """The text of :func:`decode_text` without the encoding name."""
    return decode_text(data, path)[0]


def text_title(paragraphs: list[str], path: Path) -> str:
    """The first line if it is short enough to be a title, else the file name without suffix."""
    if paragraphs:
        first_line = paragraphs[0].split("\n", 1)[0].lstrip("#").strip()
        if first_line and len(first_line) < MAX_TITLE_CHARS:
            return first_line
    return path.stem


class TextReader:
    """Reads ``.txt`` files: paragraphs are separated by blank lines.

    Line breaks inside a paragraph are kept (lists and addresses stay readable); headings are not
    detected. The title is the first line when shorter than 120 characters (a leading Markdown
    ``#`` is dropped), else the file stem.
    """

    def run(self, path: Path, source: str) -> Document:
        decoded, encoding = decode_text(path.read_bytes(), path)
        text = normalize_text(decoded)
        paragraphs = [p for p in text.split("\n\n") if p]
        return build_document(
            path=path,
            source=source,
            title=text_title(paragraphs, path),
            blocks=[Block(text=p) for p in paragraphs],
            extraction=ExtractionStats(encoding=encoding),
        )

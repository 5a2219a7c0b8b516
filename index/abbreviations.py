"""Abbreviations and their long forms, as the documents define them.

Policy documents name agencies and systems by abbreviations and define each once or a few times:
"สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.)", "Digital Government Development Agency
(DGA)", "ศูนย์กลางแลกเปลี่ยนข้อมูลภาครัฐ (Government Data Exchange Center : GDX)". A user asks
"สพร. ย่อมาจากอะไร" or "What is the GDX?": the answer is the sentence that defines it, and the
passages that only use the abbreviation (hundreds of them) bury it.

Definitions are found with the algorithm of Schwartz and Hearst, "A simple algorithm for
identifying abbreviation definitions in biomedical text" (PSB 2003): a short form in parentheses
after its long form (or the reverse), accepted when the short form's letters occur in the long
form in order, its first letter starting a word of the long form. Thai long forms have no spaces
between words, so a Thai word start is a newmm word boundary. Added for these documents: the
long form written inside the parentheses before the short form, after a colon or comma
("(Government Data Exchange Center : GDX)"), and the two forms joined by the Thai "or"
("Capacity Building Programme หรือ CBP").

Thai abbreviations are not made of word initials: by the Royal Institute's rules for อักษรย่อ a
Thai abbreviation takes the initial consonant of the name's syllables, usually one of each main
word or part of a compound, and may skip words ("กยศ" = **ก**องทุนเงินให้กู้**ย**ืมเพื่อการ**ศ**ึกษา,
"ก.พ.ร." = คณะ**ก**รรมการ**พ**ัฒนา**ร**ะบบราชการ, "สกมช" = **ส**ำนักงานคณะ**ก**รรมการการรักษาความ
**ม**ั่นคงปลอดภัยไซเบอร์แห่ง**ช**าติ). So a Thai short form's letters are matched to syllable onsets
(pythainlp's dictionary syllables), the first within the long form's first word, and the long form
starts at a newmm word that is a noun (orchid_ud tags): a name starts with its head noun
(กองทุน, สำนักงาน, คณะกรรมการ), not with a verb such as กู้ยืม, whose letters also fit. Schwartz
and Hearst's shortest match is kept among those starts, except that a nominalised "การ..." right
after a noun continues that noun's compound (คณะกรรมการ|การพัฒนา...), it does not start a name.

A Latin acronym after a Thai name ("กรมการปกครอง (DOPA)", "(สพร.) หรือ DGA") is the name's English
acronym and shares no letters with it. It is taken only where the pattern says so: an all-capital
Latin acronym in parentheses right after a Thai noun phrase (bounded at the verb, preposition or
space before it, and long enough to be a name: two words or four syllables), or "หรือ" + the
acronym right after a Thai definition's own parenthesis. A Latin code that the documents put after
several different Thai phrases is a label (the system a row of data comes from), not an
abbreviation, and is left out of the table.

The table is mined at every ingest from the passages indexed, written beside the index as
``abbreviations.tsv`` (reviewable, like the bilingual ``terms.tsv``) and used at query time: a
question that asks what an abbreviation is or stands for is searched with its long form too.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.tsv_table import read_tsv, write_tsv

ABBREVIATIONS_FILE = "abbreviations.tsv"

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
# A short form: Latin letters with at least two capitals or a capital and a digit ("DGA", "OURdata"
# is no abbreviation, "PDPA", "G2C"), or Thai consonants with their dots ("สพร.", "ก.พ.ร.", "สคก.").
_LATIN_SHORT = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2}|[^A-Z]*[A-Z][^0-9]*[0-9])[A-Za-z][A-Za-z0-9&\-]{1,9}$")
_THAI_SHORT = re.compile(r"^[\u0e01-\u0e2e](?:\.?[\u0e01-\u0e2e]){1,7}\.?$")
_PARENTHESIS = re.compile(r"\(([^()\n]{2,120})\)")
_INNER_SPLIT = re.compile(r"^(?P<long>.{3,100}?)\s*[:,]\s*(?P<short>\S{2,12})\s*$")
# A glossary table's row, as the readers write it (cells joined by " | " or "; "): "PCA | Principal
# component analysis | ...", "สพร. ; สำนักงานพัฒนารัฐบาลดิจิทัล"
_ROW = re.compile(r"^[ \t]*(?P<short>[^\s|;]{2,12})[ \t]*(?:\||;)[ \t]*(?P<long>[^|;\n]{3,100}?)[ \t]*(?:[|;]|$)", re.MULTILINE)
_OR_SHORT = re.compile(r"\s+หรือ\s+([^\s,;:()]{2,12})(?=[\s,;:)]|$)")
_BEFORE_WINDOW = 160  # characters of text before a parenthesis searched for the long form
# The acronym of a Thai name: Latin capitals only ("DOPA", "DBD", "EEC-OSS"), no digits ("V4")
_LATIN_ACRONYM = re.compile(r"^[A-Z]{2,8}(?:-[A-Z]{2,8})?$")
_THAI_CONSONANT = re.compile(r"[\u0e01-\u0e2e]")
_LEADING_VOWEL = "\u0e40\u0e41\u0e42\u0e43\u0e44"  # เ แ โ ใ ไ, written before the syllable's onset
_NOMINALISERS = frozenset({"การ", "ความ"})  # "การ" + a verb is a noun: "การพัฒนา", "ความร่วมมือ"
_NOUNS = frozenset({"NOUN", "PROPN"})
# What may stand inside a Thai name between two of its nouns: a verb (กรม|พัฒนา|ธุรกิจการค้า) or
# one of these prepositions (โครงสร้างพื้นฐานสำคัญ|ทาง|สารสนเทศ); "กับ", "ของ", "จาก" join two phrases
_LINK_ADPOSITIONS = frozenset({"ทาง", "แห่ง", "ใน", "เพื่อ", "ด้าน"})
_MIN_NAME_SYLLABLES = 4  # a one-word Thai "name" shorter than this is a common noun ("สำนักงาน", "ความร่วมมือ")
_MAX_THAI_LONG = 60  # characters
_LABEL_LONG_FORMS = 3  # a Latin code after this many different Thai phrases labels them: no abbreviation


@dataclass(frozen=True)
class Definition:
    """One abbreviation defined in a text: ``text[start:end]`` holds both forms."""

    short: str  # as written, without a trailing dot: "สพร", "GDX"
    long: str  # "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)", "Government Data Exchange Center"
    start: int
    end: int


def is_short_form(text: str) -> bool:
    """Whether ``text`` has the shape of an abbreviation ("GDX", "PDPA", "สพร.", "ก.พ.ร.")."""
    text = text.strip()
    return bool(_LATIN_SHORT.match(text) or _THAI_SHORT.match(text))


def short_key(text: str) -> str:
    """The form abbreviations are compared in: without dots, spaces and case ("ก.พ.ร." -> "กพร")."""
    return re.sub(r"[\s.]", "", text).lower()


@lru_cache(maxsize=4096)
def _word_starts(text: str) -> frozenset[int]:
    """Positions in ``text`` where a word starts: after a non-letter, or at a newmm boundary in Thai."""
    starts = {i for i, char in enumerate(text) if char.isalnum() and (i == 0 or not text[i - 1].isalnum())}
    if _THAI.search(text):
        from pythainlp.tokenize import word_tokenize

        position = 0
        for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
            if word and word[0].isalnum():
                starts.add(position)
            position += len(word)
    return frozenset(starts)


_FUNCTION_WORDS = frozenset("of the and for in on to by with at from a an".split())


def _function_word_at(lowered: str, position: int) -> bool:
    """Whether a function word starts at ``position`` ("of" is no first word of "Office of ...")."""
    match = re.match(r"[a-z]+", lowered[position:])
    return bool(match) and match.group(0) in _FUNCTION_WORDS


def best_long_form(short: str, candidate: str) -> str | None:
    """The shortest end of ``candidate`` that is a long form of ``short`` (Schwartz and Hearst's
    ``findBestLongForm``): every letter of the short form found in order, right to left, the
    first one at the start of a word that is no function word, none inside a parenthesis of the
    candidate. None when there is none.

    Example:
        >>> best_long_form("OPDC", "the Office of the Public Sector Development Commission")
        'Office of the Public Sector Development Commission'
    """
    letters = [char.lower() for char in short if char.isalnum()]
    if len(letters) < 2:
        return None
    starts = _word_starts(candidate)
    lowered = candidate.lower()
    # an official name's own parenthesis ("(องค์การมหาชน)") gives no letter of the short form
    nested = {i for match in re.finditer(r"\([^()]*\)", candidate) for i in range(match.start(), match.end())}
    position = len(candidate) - 1
    for index in range(len(letters) - 1, -1, -1):
        char = letters[index]
        while position >= 0 and (
            lowered[position] != char
            or position in nested
            or (index == 0 and (position not in starts or _function_word_at(lowered, position)))
        ):
            position -= 1
        if position < 0:
            return None
        position -= 1
    long = candidate[position + 1 :].strip()
    return long if len(long) > len(short) + 1 else None


@dataclass(frozen=True)
class _Word:
    """A newmm word of a Thai run: where it starts, its text and its orchid_ud part of speech."""

    start: int
    text: str
    tag: str


@lru_cache(maxsize=4096)
def _thai_words(run: str) -> tuple[_Word, ...]:
    """The words of a Thai ``run`` (no spaces) with their tags; a nominaliser newmm splits off
    ("การ", "ความ") is joined to the word after it, which it makes a noun ("การ|ให้บริการ")."""
    from pythainlp.tag import pos_tag
    from pythainlp.tokenize import word_tokenize

    tokens = [token for token in word_tokenize(run, engine="newmm", keep_whitespace=False) if token]
    tags = [tag for _, tag in pos_tag(tokens, engine="perceptron", corpus="orchid_ud")]
    words: list[_Word] = []
    position = 0
    for token, tag in zip(tokens, tags):
        position = run.find(token, position)
        if words and words[-1].text in _NOMINALISERS:
            words[-1] = _Word(words[-1].start, words[-1].text + token, "NOUN")
        else:
            # "ศูนย์" is a centre far more often than zero in a name ("ศูนย์แลกเปลี่ยนข้อมูลกลาง")
            words.append(_Word(position, token, "NOUN" if tag == "NUM" and _THAI.match(token) else tag))
        position += len(token)
    return tuple(words)


@lru_cache(maxsize=4096)
def _syllable_onsets(run: str) -> frozenset[int]:
    """Positions in a Thai ``run`` of each syllable's initial consonant (pythainlp's dictionary
    syllables; a leading vowel such as เ is written before it: "เล็ก" -> ล)."""
    from pythainlp.tokenize import subword_tokenize

    onsets: set[int] = set()
    position = 0
    for syllable in subword_tokenize(run, engine="dict"):
        position = run.find(syllable, position)
        offset = len(syllable) - len(syllable.lstrip(_LEADING_VOWEL))
        if offset < len(syllable) and _THAI_CONSONANT.match(syllable[offset]):
            onsets.add(position + offset)
        position += len(syllable)
    return frozenset(onsets)


_OWN_PARENTHESES = re.compile(r"(?:\s*\([^()]*\))+\s*$")
_THAI_TAIL = re.compile(r"[\u0e00-\u0e7f]+$")


def _thai_name_run(before: str) -> tuple[str, int] | None:
    """The Thai run a name before a parenthesis can lie in: the last run of Thai letters without a
    space, an official name's own parenthesis after it ("... ดิจิทัล (องค์การมหาชน)") allowed; with
    its offset in ``before``. None when ``before`` does not end in Thai."""
    tail = _OWN_PARENTHESES.search(before)
    if tail and any(is_short_form(inside) for inside in re.findall(r"\(([^()]*)\)", tail.group(0))):
        return None  # "... (สกพอ.) (EEC)": another abbreviation stands between
    head = before[: tail.start()] if tail and _THAI.search(tail.group(0)) else before.rstrip()
    run = _THAI_TAIL.search(head)
    return (run.group(0), run.start()) if run else None


def _follow(letters: Sequence[str], run: str, onsets: frozenset[int], position: int) -> bool:
    """Whether ``letters`` are, in order, the onsets of syllables of ``run`` from ``position`` on."""
    for letter in letters:
        position = next((i for i in sorted(onsets) if i >= position and run[i] == letter), -1)
        if position < 0:
            return False
        position += 1
    return True


def thai_long_form(short: str, before: str) -> str | None:
    """The long form of the Thai abbreviation ``short`` that ends ``before`` (the text before its
    parenthesis or its "หรือ"), or None: each consonant of the short form the onset of a syllable,
    in order, the first within the long form's first word; the long form starting at a word that
    can start a name (a noun that does not continue the noun before it), the shortest such one
    (Schwartz and Hearst's rule), else at any word as their algorithm would.

    Example:
        >>> thai_long_form("กยศ", "ผู้กู้ยืม กองทุนเงินให้กู้ยืมเพื่อการศึกษา")
        'กองทุนเงินให้กู้ยืมเพื่อการศึกษา'
    """
    letters = _THAI_CONSONANT.findall(short)
    found = _thai_name_run(before)
    if len(letters) < 2 or found is None:
        return None
    run, offset = found
    words = _thai_words(run)
    onsets = _syllable_onsets(run) | {word.start for word in words}
    fitting = []  # indexes of the words a long form can start at, left to right
    for index, word in enumerate(words):
        first = [i for i in range(word.start, word.start + len(word.text)) if i in onsets and run[i] == letters[0]]
        if first and _follow(letters[1:], run, onsets, first[0] + 1):
            fitting.append(index)

    def starts_name(index: int) -> bool:
        word = words[index]
        continues = index > 0 and words[index - 1].tag in _NOUNS and word.text.startswith(tuple(_NOMINALISERS))
        return word.tag in _NOUNS and not continues

    named = [index for index in fitting if starts_name(index)]
    chosen = (named or fitting or [None])[-1]
    if chosen is None:
        return None
    long = before[offset + words[chosen].start :].strip()
    return long if len(long) <= _MAX_THAI_LONG else None


def thai_name(before: str) -> str | None:
    """The Thai noun phrase that ends ``before``, taken as the name a Latin acronym in parentheses
    after it abbreviates ("ให้ติดต่อกรมพัฒนาธุรกิจการค้า" -> "กรมพัฒนาธุรกิจการค้า"), or None: its
    nouns and adjectives, and a verb or preposition between two of them (กรม|พัฒนา|ธุรกิจ),
    back to the verb, auxiliary, conjunction or space before it; starting at a noun (not at a
    nominalised verb: "การจัดหา|ระบบงานคอมพิวเตอร์" names the system); two words or four syllables at
    least (one common noun, "สำนักงาน", names nothing)."""
    found = _thai_name_run(before)
    if found is None:
        return None
    run, offset = found
    words = _thai_words(run)
    nounish = _NOUNS | {"ADJ"}
    if not words or words[-1].tag not in nounish:
        return None
    start = len(words) - 1
    while start > 0:
        previous = words[start - 1]
        links = previous.tag == "VERB" or previous.text in _LINK_ADPOSITIONS
        if previous.tag in nounish or (links and start >= 2 and words[start - 2].tag in nounish):
            start -= 1
            continue
        break
    while start < len(words) and (words[start].tag not in _NOUNS or words[start].text.startswith(tuple(_NOMINALISERS))):
        start += 1
    if start == len(words):
        return None
    name = run[words[start].start :]
    if len(words) - start < 2 and len(_syllable_onsets(name)) < _MIN_NAME_SYLLABLES:
        return None
    long = before[offset + words[start].start :].strip()
    return long if len(long) <= _MAX_THAI_LONG else None


def _accept(short: str, long: str) -> bool:
    """Schwartz and Hearst's bounds on a pair: a long form of at most min(|S| + 5, 2|S|) words
    (Latin; a Thai long form at most 60 characters), no longer a single word than the short form."""
    if _THAI.search(long) and not _THAI.search(short):
        return False  # a Thai name with a Latin short form: "(DGA)" after a Thai name is a translation's
    if _THAI.search(short):
        return len(long) <= 60
    words = long.split()
    size = len([char for char in short if char.isalnum()])
    return 1 < len(words) <= min(size + 5, 2 * size)


def _thai_definition_before(found: Sequence[Definition], text: str, position: int) -> Definition | None:
    """The definition of a Thai abbreviation in ``found`` that ends right before ``position``
    (spaces between), or None."""
    for definition in found:
        if _THAI.search(definition.short) and definition.end <= position and not text[definition.end : position].strip():
            return definition
    return None


def find_definitions(text: str) -> list[Definition]:
    """The abbreviations ``text`` defines, in order.

    Example:
        >>> [(d.short, d.long) for d in find_definitions("Digital Government Development Agency (DGA) runs it.")]
        [('DGA', 'Digital Government Development Agency')]
    """
    found: list[Definition] = []
    for match in _PARENTHESIS.finditer(text):
        inside = match.group(1).strip()
        before = text[max(0, match.start() - _BEFORE_WINDOW) : match.start()].split("\n")[-1].rstrip()
        if is_short_form(inside):
            # "long form (SF)": the long form ends right before the parenthesis; an official
            # name's own parenthesis ("(องค์การมหาชน)") may stand between. A Latin short form's
            # long form is the Latin text before it, else the Thai name right before it.
            short = inside.rstrip(".")
            if _THAI.search(short):
                long = thai_long_form(short, before)
                if long:
                    found.append(Definition(short, long, _start_in(text, match.start(), before) + before.rfind(long), match.end()))
                continue
            latin = _THAI_RUN.split(before)[-1]
            long = best_long_form(short, latin)
            if long and _accept(short, long):
                found.append(Definition(short, long, _start_in(text, match.start(), before) + before.rfind(long), match.end()))
            elif _LATIN_ACRONYM.match(short):
                named = _thai_definition_before(found, text, match.start())
                if named is not None:
                    # "... ภาคตะวันออก (สกพอ.) (EEC)": the same name's English acronym
                    found.append(Definition(short, named.long, named.start, match.end()))
                elif long := thai_name(before):
                    # "กรมการปกครอง (DOPA)": a Thai name's English acronym
                    found.append(Definition(short, long, _start_in(text, match.start(), before) + before.rfind(long), match.end()))
            continue
        split = _INNER_SPLIT.match(inside)
        if split and is_short_form(split.group("short")):
            # "(Long Form : SF)"
            short = split.group("short").rstrip(".")
            long = best_long_form(short, split.group("long").strip())
            if long and _accept(short, long):
                found.append(Definition(short, long, match.start(), match.end()))
            continue
        word = re.search(r"(\S+)\s*$", before)
        if word and is_short_form(word.group(1)):
            # "SF (long form)", checked the same way
            short = word.group(1).rstrip(".")
            long = best_long_form(short, inside)
            if long and long == inside and _accept(short, long):
                found.append(Definition(short, long, _start_in(text, match.start(), before) + word.start(1), match.end()))
    for match in _OR_SHORT.finditer(text):
        # "Capacity Building Programme หรือ CBP": the Thai documents' "or" between the two forms
        short = match.group(1).rstrip(".")
        if not is_short_form(match.group(1)):
            continue
        before = text[max(0, match.start() - _BEFORE_WINDOW) : match.start()].split("\n")[-1].rstrip()
        if _THAI.search(short):
            long = thai_long_form(short, before)
            if long:
                found.append(Definition(short, long, _start_in(text, match.start(), before) + before.rfind(long), match.end(1)))
            continue
        named = _thai_definition_before(found, text, match.start())
        if named is not None and _LATIN_ACRONYM.match(short):
            # "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.) หรือ DGA": the same name's English acronym
            found.append(Definition(short, named.long, named.start, match.end(1)))
            continue
        latin = _THAI_RUN.split(before)[-1]
        long = best_long_form(short, latin)
        if long and _accept(short, long):
            found.append(Definition(short, long, _start_in(text, match.start(), before) + before.rfind(long), match.end(1)))
    for match in _ROW.finditer(text):
        # a glossary row: the short form's cell, then its long form's, checked the same way
        short, long = match.group("short").rstrip("."), match.group("long").strip()
        if not is_short_form(match.group("short")):
            continue
        fits = thai_long_form(short, long) if _THAI.search(short) else best_long_form(short, long)
        if fits == long and (_THAI.search(short) or _accept(short, long)):
            found.append(Definition(short, long, match.start("short"), match.end("long")))
    return sorted(found, key=lambda definition: definition.start)


def _start_in(text: str, end: int, before: str) -> int:
    """Where ``before`` (a piece of ``text`` ending at ``end``, its trailing spaces stripped) starts in ``text``."""
    return len(text[:end].rstrip()) - len(before)


def defines(text: str, short: str) -> bool:
    """Whether ``text`` defines the abbreviation ``short`` (compared by :func:`short_key`)."""
    key = short_key(short)
    return any(short_key(definition.short) == key for definition in find_definitions(text))


@dataclass(frozen=True)
class Abbreviation:
    """An abbreviation, one long form the documents give it, how often and where."""

    short: str
    long: str
    count: int
    example: str  # a source that defines it so


class AbbreviationTable:
    """The abbreviations defined in an index's passages.

    Args:
        entries: one per (short form, long form) pair; the most frequent long form of a short form first.
    """

    def __init__(self, entries: Sequence[Abbreviation]) -> None:
        self.entries = list(entries)
        self._by_key: dict[str, list[Abbreviation]] = defaultdict(list)
        for entry in sorted(self.entries, key=lambda entry: -entry.count):
            self._by_key[short_key(entry.short)].append(entry)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def mine(cls, texts: Iterable[tuple[str, str]]) -> AbbreviationTable:
        """The definitions written in ``texts`` ((source, passage text) pairs); a definition that
        passages repeat (they overlap) is counted once per source."""
        seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        spelled: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        written: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for source, text in texts:
            for definition in find_definitions(text):
                long = " ".join(definition.long.split())
                key = (short_key(definition.short), long.lower())
                seen[key].add(source)
                spelled[key][definition.short] += 1
                written[key][long] += 1
        # A Thai long form that ends with another, no more frequent one of the same short form
        # overshot a name's start ("สิทธิที่ทางกรมพัฒนาธุรกิจการค้า (DBD)", a word newmm ran together):
        # counted as the shorter one.
        for key in sorted(seen, key=lambda key: len(key[1])):
            shorter = [other for other in seen if other[0] == key[0] and key[1].endswith(other[1]) and len(other[1]) < len(key[1])]
            if _THAI.search(key[1]) and shorter and len(seen[shorter[0]]) >= len(seen[key]):
                seen[shorter[0]] |= seen.pop(key)
                spelled[shorter[0]] += spelled.pop(key)
        # A Latin code after several different Thai phrases ("ข้อมูลบุคคล (IKNO)", "ข้อมูลที่อยู่ (IKNO)")
        # names where the data come from, not what the code stands for.
        thai_names: Counter[str] = Counter(short for short, long in seen if _THAI.search(long) and not _THAI.search(short))
        entries = [
            Abbreviation(spelled[key].most_common(1)[0][0], written[key].most_common(1)[0][0], len(sources), sorted(sources)[0])
            for key, sources in seen.items()
            if thai_names[key[0]] < _LABEL_LONG_FORMS or not _THAI.search(key[1])
        ]
        return cls(sorted(entries, key=lambda entry: (short_key(entry.short), -entry.count, entry.long)))

    def long_forms(self, short: str) -> list[str]:
        """The long forms of ``short`` (dots, spaces and case ignored), the most frequent first."""
        return [entry.long for entry in self._by_key.get(short_key(short), [])]

    def save(self, folder: Path) -> None:
        """Write ``abbreviations.tsv``: short, long, count, example source (UTF-8, tab-separated, a header)."""
        write_tsv(folder / ABBREVIATIONS_FILE, ["short", "long", "count", "example_source"], ([e.short, e.long, e.count, e.example] for e in self.entries))

    @classmethod
    def load(cls, folder: Path) -> AbbreviationTable:
        """The table of an index generation (empty for one built before tables existed)."""
        rows = read_tsv(folder / ABBREVIATIONS_FILE)
        return cls([Abbreviation(row["short"], row["long"], int(row.get("count") or 1), row.get("example_source", "")) for row in rows])

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
_OR_SHORT = re.compile(r"\s+หรือ\s+([^\s,;:()]{2,12})(?=[\s,;:)]|$)")
_BEFORE_WINDOW = 160  # characters of text before a parenthesis searched for the long form


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
            # long form is Latin: the Thai text before it is not searched.
            short = inside.rstrip(".")
            if not _THAI.search(short):
                before = _THAI_RUN.split(before)[-1]
            long = best_long_form(short, before)
            if long and _accept(short, long):
                found.append(Definition(short, long, _start_in(text, match.start(), before) + before.find(long), match.end()))
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
        if not _THAI.search(short):
            before = _THAI_RUN.split(before)[-1]
        long = best_long_form(short, before)
        if long and _accept(short, long):
            found.append(Definition(short, long, _start_in(text, match.start(), before) + before.find(long), match.end(1)))
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
        entries = [
            Abbreviation(spelled[key].most_common(1)[0][0], written[key].most_common(1)[0][0], len(sources), sorted(sources)[0])
            for key, sources in seen.items()
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

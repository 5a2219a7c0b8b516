"""Follow-up questions: "and in Thailand?" or "แล้วใครเป็นผู้รับผิดชอบ" are searched with what they refer to.

A conversation is a list of :class:`Turn`. A new question that leans on the one before (it is short,
it starts with "and"/"what about"/"แล้ว"/"ส่วน", or it points back with "it"/"they"/"นี้"/"ดังกล่าว")
is made standalone before retrieval:

- without an LLM (:class:`KeywordCarryOver`): the previous question's content words that the new
  one lacks are added to it ("and in Thailand?" after "What share of countries evaluate the impact
  of digital investments?" is searched as "and in Thailand? share countries evaluate impact digital
  investments");
- with an LLM (``LLMAnswerer.rewrite``): the model writes a standalone question from the last
  turns, shown to the user; on any failure the keyword carry-over is used.

A question that stands on its own (it names its own subject) is searched as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.questions import is_term
from index.abbreviations import find_definitions, short_key
from index.analyzer import ThaiEnglishAnalyzer
from ingest.lang import detect_lang

# How a follow-up starts: a connective or a "what about".
_EN_LEAD = re.compile(r"^\s*(?:and|but|also|so|then|what\s+about|how\s+about|what\s+if|same\s+for)\b", re.IGNORECASE)
_TH_LEADS = frozenset({"แล้ว", "และ", "ส่วน", "เช่นเดียวกัน", "อีก"})  # as the first word ("ส่วนประกอบ" is not "ส่วน")
# Words that point back to something said before (pronouns; "that" and "this" are too often
# relative or demonstrative inside a question that stands on its own).
_EN_BACK = re.compile(r"\b(?:it|its|they|them|their|these|those|he|she|his|her|the\s+same)\b", re.IGNORECASE)
_EN_ONE = re.compile(r"\b(?:one|ones)\b", re.IGNORECASE)  # "Where can I get one?": a pronoun in a short question
_TH_BACK = re.compile(r"(?:ดังกล่าว|เหล่านี้|เหล่านั้น|ข้างต้น|เดียวกัน|พวกเขา)")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-.]*[A-Za-z0-9]|[0-9][0-9.,]*")
# Question words and verbs that carry no subject: a follow-up made only of these (and a
# connective, and a place or name) has no subject of its own.
_EN_FRAME_WORDS = frozenset(
    """what which who whom whose when where why how many much does do did is are was were can could should would will
    about and also so then in for of the a an to by with on at from any there here please tell me show list name
    every each all some must may might shall within without after before during into more less than other
    stand stands mean means full abbreviation""".split()
)
_TH_FRAME_WORDS = frozenset(
    "อะไร ใคร ที่ไหน ไหน เมื่อไร เมื่อไหร่ อย่างไร ยังไง ทำไม เท่าไร เท่าไหร่ กี่ บ้าง ไหม หรือไม่ หรือเปล่า แล้ว และ ส่วน ถ้า หาก ล่ะ คะ ครับ "
    "เป็น คือ มี ได้ ไป มา ให้ ที่ ของ ใน จาก กับ โดย ผู้ ใด ย่อ มาจาก ย่อมาจาก ชื่อเต็ม".split()
)
MAX_FOLLOW_UP_WORDS = 1  # content words: a question with no more has no subject of its own


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation: what was asked, what was searched, and the answer's text."""

    question: str
    searched: str
    answer_text: str = ""


@lru_cache(maxsize=1)
def _analyzer() -> ThaiEnglishAnalyzer:
    return ThaiEnglishAnalyzer()


def _words(text: str) -> list[str]:
    """Surface words of ``text``: newmm words for Thai, word tokens for English (order kept)."""
    if detect_lang(text) == "th" or re.search(r"[\u0e01-\u0e4e]", text):
        from pythainlp.tokenize import word_tokenize

        return [word for word in word_tokenize(text, engine="newmm") if word.strip() and not re.fullmatch(r"\W+", word)]
    return _EN_WORD.findall(text)


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry its subject: stop words and question words left out, each once.

    Example:
        >>> content_words("What share of countries evaluate the impact of digital investments?")
        ['share', 'countries', 'evaluate', 'impact', 'digital', 'investments']
    """
    analyzer = _analyzer()
    found: list[str] = []
    seen: set[str] = set()
    for word in _words(text):
        lower = word.lower()
        if lower in _EN_FRAME_WORDS or word in _TH_FRAME_WORDS or not analyzer.run(word):
            continue
        if lower not in seen:
            seen.add(lower)
            found.append(word)
    return found


def content_phrases(text: str) -> list[str]:
    """:func:`content_words`, with the Thai words that are written together kept together, as the
    question wrote them: "แอปทางรัฐพัฒนาโดยหน่วยงานใด" -> ["แอปทางรัฐพัฒนา", "หน่วยงาน"], not "แอ ป รัฐ
    พัฒนา" (newmm splits a word it does not know, and "ทาง" is a stop word). What a follow-up
    carries is shown to the user ("Searched as ..."), and the encoders read Thai better unsplit.
    A run of Thai words without spaces is cut at question words and particles
    (:data:`_TH_FRAME_WORDS`); its stop words inside stay."""
    if not re.search(r"[\u0e01-\u0e4e]", text):
        return content_words(text)
    from pythainlp.tokenize import word_tokenize

    analyzer = _analyzer()
    runs: list[list[tuple[str, bool]]] = [[]]
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        if not word.strip() or re.fullmatch(r"\W+", word) or word in _TH_FRAME_WORDS or word.lower() in _EN_FRAME_WORDS or not re.search(r"[\u0e01-\u0e4e]", word):
            runs.append([])  # a space, punctuation, a question word or a Latin word ends a Thai run
            if word.strip() and re.search(r"[A-Za-z0-9]", word) and word.lower() not in _EN_FRAME_WORDS and analyzer.run(word):
                runs.append([(word, True)])
                runs.append([])
            continue
        runs[-1].append((word, bool(analyzer.run(word))))
    found: list[str] = []
    seen: set[str] = set()
    for run in runs:
        flags = [content for _, content in run]
        if True not in flags:
            continue
        first, last = flags.index(True), len(flags) - 1 - flags[::-1].index(True)
        phrase = "".join(word for word, _ in run[first : last + 1])
        if phrase.lower() not in seen:
            seen.add(phrase.lower())
            found.append(phrase)
    return found


def is_follow_up(question: str) -> bool:
    """True when ``question`` leans on the previous one: it starts like a follow-up ("and", "what
    about", "แล้ว", "ส่วน"), points back with a pronoun ("it", "they", "ดังกล่าว"), or has at most
    :data:`MAX_FOLLOW_UP_WORDS` content word (no subject of its own: "Who?", "ใครรับผิดชอบ"), unless
    that word is an abbreviation or a code ("What is PS-04?" names its own subject).

    Example:
        >>> is_follow_up("and in Thailand?"), is_follow_up("แล้วใครเป็นผู้รับผิดชอบ")
        (True, True)
        >>> is_follow_up("What share of countries evaluate the impact of digital investments?")
        False
    """
    text = question.strip()
    words = _words(text)
    if _EN_LEAD.match(text) or (words and words[0] in _TH_LEADS) or _EN_BACK.search(text) or _TH_BACK.search(text):
        return True
    if _EN_ONE.search(text) and len(words) <= 6:
        return True
    if terms_in(text):
        return False  # "What is PS-04?", "GDX คืออะไร": an abbreviation or a code is a subject of its own
    return len(content_words(text)) <= MAX_FOLLOW_UP_WORDS


def terms_in(text: str) -> list[str]:
    """The abbreviations and codes ``text`` names ("GDX", "สพร.", "PS-05"), as written, in order.
    Read from the raw words: newmm cuts "สพร." into "สพ" + "ร." and "PS-05" into "PS-" + "05"."""
    words = (word.strip(".?!") if not re.search(r"[\u0e01-\u0e2e]\.$", word) else word for word in _RAW_WORD.findall(text))
    return [word for word in words if word and is_term(word)]


_RAW_WORD = re.compile(r"[^\s?!,;:()\"'“”‘’]+")


def _with_new_term(question: str, previous: str) -> str | None:
    """``previous`` asked again of the one abbreviation or code ``question`` names ("What about IAL?"
    after "What is GDX?" -> "What is IAL?"; "และ PS-05 ล่ะ" after "PS-04 คืออะไร" -> "PS-05 คืออะไร"),
    without the old term's long form where ``previous`` gives it, or
    None when ``question`` names no single new term, says more than that, or ``previous`` names none."""
    new = terms_in(question)
    if len(new) != 1 or len([word for word in content_phrases(question) if not any(piece in word or word in piece for piece in new)]) > 0:
        return None
    old = terms_in(previous)
    if len(old) != 1 or short_key(old[0]) == short_key(new[0]):
        return None
    # The old term's long form goes with it: "What is PPS (protocol parameter selection)?" asked of
    # RoHS is "What is RoHS?", not "What is RoHS (protocol parameter selection)?".
    for definition in find_definitions(previous):
        if short_key(definition.short) == short_key(old[0]):
            return " ".join((previous[: definition.start] + new[0] + previous[definition.end :]).split())
    return previous.replace(old[0], new[0], 1)


# Counter words that number one of several things of a kind: a follow-up naming another number after
# the same counter asks of another one ("แล้วระยะที่ 1 ล่ะ" after "... ระยะที่ 2 ...", "And phase 1?"
# after "What did phase 2 deliver?"), so the old number is not carried. English and Thai counters of
# one kind share a slot ("phase" and "ระยะที่"): a conversation may change language.
_SLOT_COUNTERS = {
    "phase": "phase", "ระยะที่": "phase", "ระยะ": "phase",
    "step": "step", "stage": "step", "ขั้นตอนที่": "step", "ขั้นที่": "step", "ขั้นตอน": "step",
    "item": "item", "clause": "item", "ข้อที่": "item", "ข้อ": "item",
    "article": "article", "section": "article", "มาตรา": "article",
    "pillar": "pillar", "dimension": "dimension", "มิติที่": "dimension", "มิติ": "dimension",
    "chapter": "chapter", "part": "chapter", "บทที่": "chapter", "ส่วนที่": "chapter",
    "round": "round", "wave": "round", "ครั้งที่": "round", "รอบที่": "round",
    "version": "version", "edition": "version", "ฉบับที่": "version",
    "level": "level", "tier": "level", "ระดับที่": "level", "ระดับ": "level",
    "year": "year", "fy": "year", "ปี": "year", "พ.ศ.": "year", "ค.ศ.": "year", "ปีงบประมาณ": "year",
}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER = r"[0-9\u0e50-\u0e59]{1,4}(?![0-9\u0e50-\u0e59]|[.,][0-9\u0e50-\u0e59])"  # not "section 2.1"
_COUNTED = re.compile(
    "(?<![A-Za-z])("  # Thai is written without spaces: "ระบบกลางทางกฎหมายระยะที่ 2"
    + "|".join(sorted((re.escape(word) for word in _SLOT_COUNTERS), key=len, reverse=True))
    + f")\\s*(?:no\\.?\\s*|number\\s*|ที่\\s*)?({_NUMBER})",
    re.IGNORECASE,
)
# A year written alone: 1900-2099 CE or 2400-2699 BE (Thai documents date by the Buddhist Era).
_YEAR = re.compile("(?<![0-9\u0e50-\u0e59.,])((?:19|20|24|25|26)[0-9]{2}|[\u0e51\u0e52][\u0e50-\u0e59]{3})(?![0-9\u0e50-\u0e59.,%])")


def slot_values(text: str) -> dict[str, set[str]]:
    """The numbered things ``text`` names, by kind: ``{"phase": {"2"}, "year": {"2019"}}``.

    A number after a counter word (:data:`_SLOT_COUNTERS`: phase/ระยะที่, step/ขั้นตอนที่, ข้อ, article/
    มาตรา, year/ปี/พ.ศ. ...) and a year written alone; Thai digits read as Arabic ones.

    Example:
        >>> slot_values("ระบบกลางทางกฎหมายระยะที่ ๒ ตามแผนปี 2566")
        {'phase': {'2'}, 'year': {'2566'}}
        >>> slot_values("What did phase 2 deliver in 2019?")
        {'phase': {'2'}, 'year': {'2019'}}
    """
    found: dict[str, set[str]] = {}
    for match in _COUNTED.finditer(text):
        found.setdefault(_SLOT_COUNTERS[match.group(1).lower()], set()).add(match.group(2).translate(_THAI_DIGITS))
    for match in _YEAR.finditer(text):
        found.setdefault("year", set()).add(match.group(1).translate(_THAI_DIGITS))
    return found


def _says(text: str, phrase: str) -> bool:
    """Whether ``text`` holds ``phrase``: a Latin word or a number whole ("2" is not in "2019"),
    Thai anywhere (Thai is written without spaces)."""
    if re.search(r"[\u0e01-\u0e4e]", phrase):
        return phrase in text
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(phrase)}(?![A-Za-z0-9])", text, re.IGNORECASE) is not None


def replaced_values(question: str, previous: str) -> set[str]:
    """The numbers of ``previous`` that ``question`` replaces: those of each kind of numbered
    thing (:func:`slot_values`) for which ``question`` names other numbers ("1" for "2" in
    "And phase 1?" after "What did phase 2 deliver?"). Thai digits read as Arabic ones."""
    new, old = slot_values(question), slot_values(previous)
    return {value for slot, values in old.items() if slot in new and new[slot] != values for value in values - new[slot]}


class KeywordCarryOver:
    """Makes a follow-up standalone without an LLM: the previous searched question's content words
    that the follow-up lacks are appended to it.

    A follow-up with no subject of its own ("and in Thailand?", "แล้วใครเป็นผู้รับผิดชอบ") gets all of
    them, except a number it replaces: "แล้วระยะที่ 1 ล่ะ" after "ระบบกลางทางกฎหมายระยะที่ 2
    มีไว้เพื่ออะไร" is searched as "แล้วระยะที่ 1 ล่ะ ระบบกลางทางกฎหมาย", without the 2
    (:func:`replaced_values`). One that has its own words and only points back ("And which
    countries manage them as a portfolio?") gets the :data:`SUBJECT_WORDS` rarest (by ``term_weights``, the index's IDF; in
    their order): the names of what it refers to, not the previous question's own request, which
    would pull the search back to the previous answer.

    Args:
        term_weights: IDF of analyzer terms (``PolicyRAG.term_weights``); None carries every word.
    """

    SUBJECT_WORDS = 3

    def __init__(self, term_weights: Callable[[Sequence[str]], dict[str, float]] | None = None) -> None:
        self.term_weights = term_weights

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        if not history or not is_follow_up(question):
            return question
        asked_again = _with_new_term(question, history[-1].searched)
        if asked_again is not None:
            return asked_again
        own = content_words(question)
        have = {word.lower() for word in own}
        replaced = replaced_values(question, history[-1].searched)  # "ระยะที่ 1" after "ระยะที่ 2": not the 2
        carried = [
            phrase
            for phrase in content_phrases(history[-1].searched)
            if phrase.lower() not in have and not _says(question, phrase) and phrase.translate(_THAI_DIGITS) not in replaced
        ]
        if len(own) > MAX_FOLLOW_UP_WORDS and self.term_weights is not None and len(carried) > self.SUBJECT_WORDS:
            carried = self._rarest(carried)
        if not carried:
            return question
        return question.rstrip() + " " + " ".join(carried)

    def _rarest(self, words: list[str]) -> list[str]:
        analyzer = _analyzer()
        terms = {word: analyzer.run(word) for word in words}
        idf = self.term_weights(sorted({term for found in terms.values() for term in found})) if self.term_weights else {}
        weight = {word: max((idf.get(term, 0.0) for term in found), default=0.0) for word, found in terms.items()}
        keep = set(sorted(words, key=lambda word: -weight[word])[: self.SUBJECT_WORDS])
        return [word for word in words if word in keep]


Rewriter = Callable[[str, Sequence[Turn]], str]


def standalone_question(
    question: str,
    history: Sequence[Turn],
    rewriter: Rewriter | None = None,
    term_weights: Callable[[Sequence[str]], dict[str, float]] | None = None,
) -> str:
    """The question to search for ``question`` after ``history`` (oldest first).

    ``rewriter`` (an LLM's) is tried first for a follow-up; when it fails or returns nothing
    usable, the keyword carry-over is used (``term_weights``: see :class:`KeywordCarryOver`).
    """
    if not history or not is_follow_up(question):
        return question
    if rewriter is not None:
        try:
            rewritten = _REWRITE_DRESSING.sub("", " ".join(rewriter(question, history).split()))
        except Exception:  # noqa: BLE001 - any failure of the LLM: fall back to keywords
            rewritten = ""
        earlier = {_same_question(turn.question) for turn in history}
        # a rewrite that kept the old number ("phase 2" for "And phase 1?") asks the earlier question again
        kept_old = replaced_values(question, history[-1].searched) & {v for vs in slot_values(rewritten).values() for v in vs}
        if 3 <= len(rewritten) <= 400 and _same_question(rewritten) not in earlier and "<" not in rewritten and not kept_old:
            return rewritten
    return KeywordCarryOver(term_weights).rewrite(question, history)


# A list marker or quotes a model put around its one line ("- What are ...?", '"What are ...?"').
_REWRITE_DRESSING = re.compile(r"^\s*(?:[-*•]\s+|\d+[.)]\s+)?[\"'“”]?|[\"'“”]\s*$")


def _same_question(text: str) -> str:
    """A question compared without case, spacing and punctuation: a rewrite that is an earlier
    question again (gemma-3-270m answered "and who must apply them?" with "- What are the OECD AI
    principles?", the question before) dropped the follow-up; the keyword carry-over keeps it."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())

"""Check the citations of a written answer before anyone reads it.

An answer is only as trustworthy as its citations. After generation, whoever wrote it:

- a ``[n]`` that names no passage that was given is removed (a model that invents ``[99]``
  must not send the reader to a passage that does not exist);
- ``[1, 2]`` and ``[1,2]`` become ``[1][2]``, the one form the UIs link;
- a sentence with no citation at all is marked, so the reader knows it is not backed;
- an answer in the other script than the question is flagged (a Thai question answered in English).

Headings, list intros ending in ":" and very short fragments are not claims and need no citation;
a list item ("- ..." or "1. ...") that ends with its citation is one claim, even of two sentences
(an extractive quote of adjacent sentences).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from assistant.wording import Lang, say
from ingest.lang import detect_lang
from ingest.sentences import sentence_spans

CITATION = re.compile(r"\[(\d+(?:\s*[,;،]\s*\d+)*)\]")
_ANY_MARK = re.compile(r"\[\d+\]|\[(?:no citation|ไม่มีการอ้างอิง)\]")
_LETTER = re.compile(r"[A-Za-z\u0e01-\u0e2e]")
_LIST_PREFIX = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_CITED_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+.*(?:\[\d+\])+[.!?]?\s*$")
# A run of citations, with the punctuation after it, followed by more text ends a claim: Thai has
# no full stops, and crfcut does not always cut after "[1]".
_CLAIM_END = re.compile(r"(?:\[\d+\])+[.!?]?(?=\s+\S)")
# A claim is a sentence with at least this many letters; shorter pieces are labels or fragments.
MIN_CLAIM_LETTERS = 12


@dataclass(frozen=True)
class CheckedText:
    """The checked answer text and what the check found.

    Attributes:
        text: the answer with invalid citations removed and uncited sentences marked.
        cited: the valid passage numbers cited, in order of first use.
        removed: the invalid numbers removed, in order of appearance.
        uncited: the sentences (as written) that carry no citation.
        wrong_script: True when the answer is not in the question's script.
        notes: the reader-facing notes, in the question's language.
    """

    text: str
    cited: tuple[int, ...]
    removed: tuple[int, ...]
    uncited: tuple[str, ...]
    wrong_script: bool
    notes: tuple[str, ...]


def citations_in(text: str) -> list[int]:
    """The passage numbers cited in ``text``, in order, repeats included.

    Example:
        >>> citations_in("Agencies share data [1]. Costs fall [2, 3].")
        [1, 2, 3]
    """
    return [int(number) for match in CITATION.finditer(text) for number in re.split(r"\s*[,;،]\s*", match.group(1))]


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut after each citation run that more text follows."""
    cuts = [match.end() for match in _CLAIM_END.finditer(text, start, end)]
    bounds = [start] + cuts + [end]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


def _claims(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """English sentences by punctuation; a Thai segment stays whole.

    Thai marks no sentence end, and crfcut cuts at most spaces (inside clauses too), which would
    flag half a cited sentence as uncited; a Thai claim runs to its citation or the line end.
    """
    if detect_lang(text[start:end]) == "th":
        return [(start, end)]
    return sentence_spans(text, start, end)


class CitationChecker:
    """Cleans and annotates an answer's ``[n]`` citations.

    Args:
        check_script: flag an answer whose script differs from the question's. The extractive
            answerer turns this off: its quotes are deliberately in the document's language.
    """

    def __init__(self, check_script: bool = True) -> None:
        self.check_script = check_script

    def run(self, text: str, valid: Collection[int], lang: Lang) -> CheckedText:
        """Check ``text`` written for a question in ``lang`` against the passage numbers ``valid``."""
        valid_numbers = set(valid)
        removed: list[int] = []
        cited: list[int] = []

        def rewrite(match: re.Match[str]) -> str:
            kept = []
            for number in (int(part) for part in re.split(r"\s*[,;،]\s*", match.group(1))):
                if number in valid_numbers:
                    if number not in kept:
                        kept.append(number)
                    if number not in cited:
                        cited.append(number)
                else:
                    removed.append(number)
            return "".join(f"[{number}]" for number in kept)

        cleaned = CITATION.sub(rewrite, text)
        cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)) if removed else cleaned
        marked, uncited = self._mark_uncited(cleaned, lang)
        wrong_script = self.check_script and self._wrong_script(marked, lang)
        notes = []
        if removed:
            notes.append(say("note_removed", lang, numbers=", ".join(f"[{n}]" for n in dict.fromkeys(removed))))
        if uncited:
            notes.append(say("note_uncited", lang, count=len(uncited), mark=say("uncited_mark", lang)))
        if wrong_script:
            notes.append(say("note_wrong_script", lang))
        return CheckedText(marked.strip(), tuple(cited), tuple(removed), tuple(uncited), wrong_script, tuple(notes))

    @staticmethod
    def _is_claim(sentence: str) -> bool:
        body = _ANY_MARK.sub("", _LIST_PREFIX.sub("", sentence)).strip()
        return len(_LETTER.findall(body)) >= MIN_CLAIM_LETTERS and not body.endswith(":")

    def _mark_uncited(self, text: str, lang: Lang) -> tuple[str, tuple[str, ...]]:
        """Append the "no citation" mark to each claim sentence that cites nothing.

        A citation placed at the start of the next sentence (``... costs. [2] Next``) still counts
        for the sentence before it: sentence splitting puts it there, and readers read it so.
        """
        mark = say("uncited_mark", lang)
        uncited: list[str] = []
        out: list[str] = []
        position = 0
        for line_match in re.finditer(r"[^\n]+", text):
            if _CITED_ITEM.match(line_match.group(0)):
                continue  # a list item that ends with its citation is one claim, however many sentences
            spans = [
                span
                for segment_start, segment_end in _segments(text, line_match.start(), line_match.end())
                for span in _claims(text, segment_start, segment_end)
            ]
            for number, (start, end) in enumerate(spans):
                sentence = text[start:end]
                following = text[end : spans[number + 1][1]] if number + 1 < len(spans) else ""
                leading_citation = re.match(r"\s*\[\d+\]", following)
                if self._is_claim(sentence) and not CITATION.search(sentence) and not leading_citation:
                    uncited.append(sentence.strip())
                    out.append(text[position:end] + " " + mark)
                    position = end
        out.append(text[position:])
        return "".join(out), tuple(uncited)

    @staticmethod
    def _wrong_script(text: str, lang: Lang) -> bool:
        body = _ANY_MARK.sub("", text)
        if len(_LETTER.findall(body)) < MIN_CLAIM_LETTERS:
            return False
        return detect_lang(body) != lang

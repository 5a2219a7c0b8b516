"""The default answerer: no LLM, works offline, never says anything the documents do not say.

It quotes the 2-4 sentences of the retrieved passages that best answer the question, each
followed by its ``[n]``, under a one-line framing in the question's language. Sentences are
chosen by maximal marginal relevance (MMR): relevance is the e5 cosine to the question (plus a
little word overlap, see ``assistant.evidence``), and each further sentence must add something
the chosen ones do not already say. Quotes stay verbatim in the document's language (a Thai
question about an English report gets a Thai framing and English quotes); translating them
would need a model that can invent facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import numpy as np

from assistant.answer_model import Answer, CitedPassage
from assistant.answerability import Missing
from assistant.citations import CitationChecker
from assistant.evidence import Evidence, EvidenceFinder, EvidenceSentence
from assistant.lists import FoundList, ListFinder
from assistant.retrieval import Hit
from assistant.wording import Lang, say
from ingest.markup import plain_text


# A sentence that opens by pointing back at the one before it ("This does not mean ...",
# "ดังนั้น ...") finishes that sentence's statement: quoted without it, the quote stops mid-thought.
_CONTINUES = re.compile(
    r"(?:(?:this|these|that|those|it|such|however|therefore|thus|hence|consequently|accordingly|nevertheless|"
    r"nonetheless|instead|otherwise|but|yet|in other words|as a result|for this reason|in (?:this|that|such) cases?)\b"
    r"|ดังนั้น|อย่างไรก็ตาม|อย่างไรก็ดี|ทั้งนี้|กล่าวคือ|นั่นคือ|ด้วยเหตุนี้|โดยเหตุนี้|ในกรณีนี้|จึง)",
    re.IGNORECASE,
)


def not_found_answer(question: str, evidence: Evidence, hits: Sequence[Hit], answerer: str) -> Answer:
    """Say, in the question's language, that the documents do not answer; show the closest passages.

    Where the passages are close but do not give what the question asks (``Evidence.missing``: a
    place, a year, a number ...), say what is missing: "The documents do not give the amount for
    2023. The closest passages are listed below: related, not an answer."
    """
    if not hits:
        text = say("no_passages", evidence.lang)
    elif evidence.missing:
        text = not_stated(evidence.missing, evidence.lang)
    else:
        text = say("not_found", evidence.lang)
    passages = tuple(CitedPassage(number, hit) for number, hit in enumerate(hits, start=1))
    return Answer(question, evidence.lang, text, passages, found=False, answerer=answerer)


def not_stated(missing: Sequence[Missing], lang: Lang) -> str:
    """The refusal that says what the documents do not give, in ``lang``: the answer's form ("the
    amount") and the question's places and years it is asked for, as the question writes them.

    Example:
        >>> not_stated([Missing("place", "Indonesia"), Missing("amount")], "en")
        'The documents do not give the amount for Indonesia. The closest passages are listed below: related, not an answer.'
        >>> not_stated([Missing("date")], "th")
        'เอกสารไม่ได้ระบุวันเวลาที่ถาม ด้านล่างคือข้อความที่ใกล้เคียงที่สุด ซึ่งเกี่ยวข้องแต่ไม่ใช่คำตอบ'
    """
    terms = list(dict.fromkeys(item.term for item in missing if item.term))
    kind = next((item.kind for item in missing if not item.term), "answer")
    form = say(f"missing_{kind}", lang)
    if terms:
        return say("not_stated_for", lang, form=form, terms=(" และ " if lang == "th" else " and ").join(terms))
    return say("not_stated", lang, form=form)


_NOT_WORDS = re.compile(r"[^\w\u0e00-\u0e7f]+|_")  # Thai vowel and tone marks are no \w, and are letters
# A quote whose words are this share of another's, and inside it, repeats it ("หมายเหตุ หลังจากที่ ... Token มี
# อายุ 60 นาที" and the same sentence without its "Note" label, in two pages of one help site).
REPEAT_SHARE = 0.8


def repeats(first: str, second: str) -> bool:
    """True when two quotes say the same words: equal once case, spacing, punctuation and markup are
    left out, or one inside the other and at least :data:`REPEAT_SHARE` of its length. Sentence
    vectors cannot tell: they are embedded after each document's title and headings, so the same
    sentence in two documents is two vectors (cosine 0.95-0.99).

    Example:
        >>> note = "หมายเหตุ: หลังจาก Validate แล้ว กรณีที่ไม่มีการเรียกใช้งาน API ใด ๆ Token มีอายุ 60 นาที"
        >>> repeats(note, "หลังจาก Validate แล้ว กรณีที่ไม่มีการเรียกใช้งาน API ใด ๆ **Token** มีอายุ 60 นาที.")
        True
        >>> repeats("Token มีอายุ 60 นาที", "Token มีอายุ 30 นาที")
        False
    """
    a, b = (_NOT_WORDS.sub("", plain_text(text)).casefold() for text in (first, second))
    if not a or not b:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return shorter in longer and len(shorter) >= REPEAT_SHARE * len(longer)


def quote_groups(chosen: Sequence[EvidenceSentence], hits: Sequence[Hit]) -> list[list[EvidenceSentence]]:
    """The chosen sentences as quotes: sentences of one passage that follow each other in its text
    (only whitespace between them) make one quote, in text order; quotes keep the order in which
    their best sentence was chosen."""
    groups: list[list[EvidenceSentence]] = []
    for sentence in chosen:
        text = hits[sentence.number - 1].chunk.text
        for group in groups:
            if group[0].number == sentence.number and any(_adjacent(text, member, sentence) for member in group):
                group.append(sentence)
                group.sort(key=lambda member: member.start)
                break
        else:
            groups.append([sentence])
    # a sentence may join two groups of the same passage that it sits between
    merged: list[list[EvidenceSentence]] = []
    for group in groups:
        text = hits[group[0].number - 1].chunk.text
        target = next((m for m in merged if m[0].number == group[0].number and any(_adjacent(text, a, b) for a in m for b in group)), None)
        if target is None:
            merged.append(group)
        else:
            target.extend(group)
            target.sort(key=lambda member: member.start)
    return merged


def _adjacent(text: str, first: EvidenceSentence, second: EvidenceSentence) -> bool:
    before, after = (first, second) if first.start <= second.start else (second, first)
    return before.end <= after.start and not text[before.end : after.start].strip()


class ExtractiveAnswerer:
    """Answers by quoting the best sentences of the retrieved passages, with citations.

    Args:
        finder: scores the passages' sentences and decides whether they support an answer.
        max_sentences, min_sentences: how many sentences to quote (fewer when fewer are relevant).
        max_chars: the quotes' total length; the best sentence is always quoted.
        mmr_lambda: relevance against novelty (1.0: relevance only).
        relevance_margin: after ``min_sentences``, a sentence is only added while its quoting
            score (``EvidenceSentence.score``) is within this margin of the best one.
        duplicate_similarity: a sentence whose vector is this close to a chosen one repeats it.
            Sentence vectors carry their title and heading path, so two different sentences of
            one section are close (0.95-0.98): only a near-copy is left out.
        lists: finds the enumerations that answer a list question ("มีอะไรบ้าง", "what are the
            six ..."); None answers list questions with sentences too.
        list_margin, list_min_shared, list_shared: a list question is answered with the best
            list (``ListFinder``) when the question is as close to the list's introduction and
            headings as to the best sentence (e5 cosine), where each question word they hold is
            worth ``list_margin`` / (all of them) and at least ``list_min_shared`` of them are
            held; or when they hold ``list_shared`` of them; otherwise with sentences. A list
            whose introduction is less like the question than the best sentence thus needs more of
            the question's words the further it falls behind (on 13 list questions of dev-qa and the
            check set the right lists fell 0.004-0.035 behind with 40-100% of the words; the one
            wrong list, the kiosk's 15 services for "which ID cards does the kiosk take", 0.042
            behind with 25%).
        continuations: a quoted sentence is followed by the next one of its passage when that one
            opens by pointing back at it ("This does not mean ...", "ดังนั้น ..."), whatever its
            own score: quoted alone, the first would stop mid-thought (held-out h037: "the alpha of
            Open by default is lower" without "This does not mean it is less reliable").
    """

    name = "extractive"

    def __init__(
        self,
        finder: EvidenceFinder,
        max_sentences: int = 4,
        min_sentences: int = 1,
        max_chars: int = 1200,
        mmr_lambda: float = 1.0,
        relevance_margin: float = 0.1,
        duplicate_similarity: float = 0.995,
        lists: ListFinder | None = None,
        list_margin: float = 0.1,
        list_shared: float = 0.6,
        list_min_shared: float = 0.2,
        continuations: bool = True,
    ) -> None:
        if not 1 <= min_sentences <= max_sentences:
            raise ValueError(f"need 1 <= min_sentences <= max_sentences, got {min_sentences}, {max_sentences}")
        if max_chars < 50:
            raise ValueError(f"max_chars must be at least 50, got {max_chars}")
        if not 0.0 <= mmr_lambda <= 1.0:
            raise ValueError(f"mmr_lambda must be within [0, 1], got {mmr_lambda}")
        self.finder = finder
        self.max_sentences = max_sentences
        self.min_sentences = min_sentences
        self.max_chars = max_chars
        self.mmr_lambda = mmr_lambda
        self.relevance_margin = relevance_margin
        self.duplicate_similarity = duplicate_similarity
        self.lists = lists
        self.list_margin = list_margin
        self.list_shared = list_shared
        self.list_min_shared = list_min_shared
        self.continuations = continuations
        self.checker = CitationChecker(check_script=False)

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        return self.from_evidence(self.finder.run(question, hits), hits)

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str | Answer]:
        """The whole answer at once (it takes well under a second), then the Answer."""
        answer = self.answer(question, hits)
        yield answer.text
        yield answer

    def from_evidence(self, evidence: Evidence, hits: Sequence[Hit], notes: tuple[str, ...] = ()) -> Answer:
        """The answer for already-scored evidence (the LLM answerer's fallback reuses its evidence)."""
        if not evidence.supported or not evidence.sentences:
            answer = not_found_answer(evidence.question, evidence, hits, self.name)
            return Answer(answer.question, answer.lang, answer.text, answer.passages, False, self.name, notes)
        if evidence.intent is not None and evidence.intent.is_list and self.lists is not None:
            found = self.lists.run(evidence.intent, hits, evidence.query_vector)
            best_sentence = max(sentence.similarity for sentence in evidence.sentences)
            close = (
                found is not None
                and found.similarity + self.list_margin * found.shared >= best_sentence
                and found.shared >= self.list_min_shared
            )
            if found is not None and (close or found.shared >= self.list_shared):
                return self._list_answer(evidence, hits, found, notes)
        chosen = self.select(evidence)
        if self.continuations:
            chosen = self._continued(chosen, evidence, hits)
        framing = self._framing(evidence, {hits[sentence.number - 1].chunk.lang for sentence in chosen})
        lines = [framing] + [f"- {' '.join(s.display for s in group)} [{group[0].number}]" for group in quote_groups(chosen, hits)]
        checked = self.checker.run("\n".join(lines), range(1, len(hits) + 1), evidence.lang)
        supporting: dict[int, list[str]] = {}
        for sentence in chosen:
            supporting.setdefault(sentence.number, []).append(sentence.text)
        passages = tuple(
            CitedPassage(number, hit, tuple(supporting.get(number, ())), number in supporting)
            for number, hit in enumerate(hits, start=1)
        )
        return Answer(evidence.question, evidence.lang, checked.text, passages, True, self.name, notes + checked.notes)

    @staticmethod
    def _framing(evidence: Evidence, doc_langs: set[str]) -> str:
        if doc_langs == {evidence.lang}:
            return say("framing", evidence.lang)
        if len(doc_langs) == 1:
            return say("framing_quoted_other_language", evidence.lang)
        return say("framing_quoted_mixed", evidence.lang)

    def _list_answer(self, evidence: Evidence, hits: Sequence[Hit], found: FoundList, notes: tuple[str, ...]) -> Answer:
        """The list's items in document order, each cited.

        A passage holding an item that retrieval did not return (the list runs on after it) is
        shown among the sources, in place of the lowest-ranked retrieved passage that holds no item
        (:func:`sources_for_list`): the reader sees as many sources as were asked for, numbered
        from 1, and every number the answer cites is one of them on every surface (the web page's
        cards, the API's ``passages``, the CLI, the Markdown export). A source 11 under 10 shown
        cards read as a citation of nothing.
        """
        shown = sources_for_list(hits, found)
        numbers = {hit.chunk.chunk_id: number for number, hit in enumerate(shown, start=1)}
        supporting: dict[int, list[str]] = {}
        lines = [self._framing(evidence, {item.chunk.lang for item in found.items})]
        for item in found.items:
            number = numbers[item.chunk.chunk_id]
            supporting.setdefault(number, []).append(item.text)
            lines.append(f"- {item.display} [{number}]")
        checked = self.checker.run("\n".join(lines), range(1, len(shown) + 1), evidence.lang)
        passages = tuple(
            CitedPassage(number, hit, tuple(supporting.get(number, ())), number in supporting)
            for number, hit in enumerate(shown, start=1)
        )
        return Answer(evidence.question, evidence.lang, checked.text, passages, True, self.name, notes + checked.notes)

    def _continued(self, chosen: list[EvidenceSentence], evidence: Evidence, hits: Sequence[Hit]) -> list[EvidenceSentence]:
        """The chosen sentences, each followed by the quotable sentence right after it in its passage
        when that one opens by pointing back at it (``_CONTINUES``), within ``max_chars``."""
        taken = {(sentence.number, sentence.start) for sentence in chosen}
        used = sum(len(sentence.display) for sentence in chosen)
        result = list(chosen)
        for sentence in chosen:
            text = hits[sentence.number - 1].chunk.text
            follower = next(
                (
                    other
                    for other in evidence.sentences
                    if other.number == sentence.number and other.start >= sentence.end and _adjacent(text, sentence, other)
                ),
                None,
            )
            if follower is None or (follower.number, follower.start) in taken or not _CONTINUES.match(follower.text.lstrip()):
                continue
            if used + len(follower.display) > self.max_chars:
                continue
            taken.add((follower.number, follower.start))
            used += len(follower.display)
            result.append(follower)
        return result

    def select(self, evidence: Evidence) -> list[EvidenceSentence]:
        """MMR over the scored sentences, within the sentence-count and length budgets."""
        sentences = evidence.sentences
        vectors = evidence.vectors
        best = sentences[0].score
        chosen: list[int] = [0]
        used = len(sentences[0].display)
        remaining = list(range(1, len(sentences)))
        while remaining and len(chosen) < self.max_sentences:
            redundancy = np.max(vectors[remaining] @ vectors[chosen].T, axis=1)
            relevance = np.array([sentences[i].score for i in remaining])
            mmr = self.mmr_lambda * relevance - (1.0 - self.mmr_lambda) * redundancy
            pick = None
            for position in np.argsort(-mmr):
                candidate = remaining[int(position)]
                sentence = sentences[candidate]
                if redundancy[int(position)] > self.duplicate_similarity:  # a near-copy (a sentence repeated in a table)
                    continue
                if any(repeats(sentence.display, sentences[i].display) for i in chosen):  # the same words in another document
                    continue
                if used + len(sentence.display) > self.max_chars:
                    continue
                if len(chosen) >= self.min_sentences and sentence.score < best - self.relevance_margin:
                    continue
                pick = candidate
                break
            if pick is None:
                break
            chosen.append(pick)
            used += len(sentences[pick].display)
            remaining.remove(pick)
        return [sentences[i] for i in chosen]


def sources_for_list(hits: Sequence[Hit], found: FoundList) -> list[Hit]:
    """The passages to show with a list answer: the retrieved ones in their order, where the
    passages holding items that retrieval did not return take the places of the lowest-ranked
    retrieved passages that hold no item, and follow them (in the list's order). When every
    retrieved passage holds an item, they are added after them.

    Example: 3 retrieved passages, the list in #1 running on into a passage not retrieved: the
    sources are #1, #2 and that passage (as [3]); #3, which holds no item, is left out.
    """
    retrieved = {hit.chunk.chunk_id for hit in hits}
    holding = {item.chunk.chunk_id for item in found.items}
    added: list[Hit] = []
    for item in found.items:
        if item.chunk.chunk_id not in retrieved and all(hit.chunk.chunk_id != item.chunk.chunk_id for hit in added):
            added.append(Hit(rank=len(hits) + len(added) + 1, score=0.0, chunk=item.chunk, row=item.row))
    if not added:
        return list(hits)
    spare = [number for number in range(len(hits) - 1, -1, -1) if hits[number].chunk.chunk_id not in holding][: len(added)]
    return [hit for number, hit in enumerate(hits) if number not in spare] + added

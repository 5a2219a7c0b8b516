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

from collections.abc import Iterator, Sequence

import numpy as np

from assistant.answer_model import Answer, CitedPassage
from assistant.citations import CitationChecker
from assistant.evidence import Evidence, EvidenceFinder, EvidenceSentence
from assistant.retrieval import Hit
from assistant.wording import say


def not_found_answer(question: str, evidence: Evidence, hits: Sequence[Hit], answerer: str) -> Answer:
    """Say, in the question's language, that the documents do not answer; show the closest passages."""
    key = "not_found" if hits else "no_passages"
    passages = tuple(CitedPassage(number, hit) for number, hit in enumerate(hits, start=1))
    return Answer(question, evidence.lang, say(key, evidence.lang), passages, found=False, answerer=answerer)


class ExtractiveAnswerer:
    """Answers by quoting the best sentences of the retrieved passages, with citations.

    Args:
        finder: scores the passages' sentences and decides whether they support an answer.
        max_sentences, min_sentences: how many sentences to quote (fewer when fewer are relevant).
        max_chars: the quotes' total length; the best sentence is always quoted.
        mmr_lambda: relevance against novelty (1.0: relevance only).
        relevance_margin: after ``min_sentences``, a sentence is only added while its cosine to the
            question is within this margin of the best one.
    """

    name = "extractive"

    def __init__(
        self,
        finder: EvidenceFinder,
        max_sentences: int = 4,
        min_sentences: int = 2,
        max_chars: int = 700,
        mmr_lambda: float = 0.7,
        relevance_margin: float = 0.04,
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
        chosen = self.select(evidence)
        doc_langs = {hits[sentence.number - 1].chunk.lang for sentence in chosen}
        if doc_langs == {evidence.lang}:
            framing = say("framing", evidence.lang)
        elif len(doc_langs) == 1:
            framing = say("framing_quoted_other_language", evidence.lang)
        else:
            framing = say("framing_quoted_mixed", evidence.lang)
        lines = [framing] + [f"- {sentence.display} [{sentence.number}]" for sentence in chosen]
        checked = self.checker.run("\n".join(lines), range(1, len(hits) + 1), evidence.lang)
        supporting: dict[int, list[str]] = {}
        for sentence in chosen:
            supporting.setdefault(sentence.number, []).append(sentence.text)
        passages = tuple(
            CitedPassage(number, hit, tuple(supporting.get(number, ())), number in supporting)
            for number, hit in enumerate(hits, start=1)
        )
        return Answer(evidence.question, evidence.lang, checked.text, passages, True, self.name, notes + checked.notes)

    def select(self, evidence: Evidence) -> list[EvidenceSentence]:
        """MMR over the scored sentences, within the sentence-count and length budgets."""
        sentences = evidence.sentences
        vectors = evidence.vectors
        best = sentences[0].similarity
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
                if redundancy[int(position)] > 0.97:  # a near-copy (e.g. the same sentence reworded in a table)
                    continue
                if used + len(sentence.display) > self.max_chars:
                    continue
                if len(chosen) >= self.min_sentences and sentence.similarity < best - self.relevance_margin:
                    continue
                if sentence.support < self.finder.min_similarity:  # each quote must support an answer itself
                    continue
                pick = candidate
                break
            if pick is None:
                break
            chosen.append(pick)
            used += len(sentences[pick].display)
            remaining.remove(pick)
        return [sentences[i] for i in chosen]

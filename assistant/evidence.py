"""Find the sentences of the retrieved passages that answer a question, and whether any do.

Both answerers start here. The candidates are the quotable sentences of the top passages
(``ingest.sentences.passage_sentences``: claims only, never a heading, caption, reference line,
fragment, question or planted instruction), with the vectors the index stored for them at ingest
(``SentenceVectors.for_rows``: each sentence embedded after its document title and heading path).
Only an index without stored spans, or one written under other sentence rules, has its sentences
embedded here, the same way.

Whether the documents support an answer at all is decided on absolute measures (retrieval's fused
z-scores say nothing absolute: the best of ten off-topic passages still scores high):

- ``support``: the best sentence's e5 cosine (question as ``query:``) plus half its USE cosine.
  On the stored, title-prefixed vectors, dev-qa questions score higher than before and off-topic
  ones too; the thresholds (``support_min_similarity``, ``support_strong_similarity``) were fitted
  again on them (``benchmarks/answers.py``).
- ``overlap``: the share of the question's content words (BM25 analyzer terms) found in the top
  passages; it confirms a borderline match within one script.

Which sentences answer is ranked by ``score``, a weighted sum of (weights in :class:`QuoteWeights`):

- the sentence's e5 and USE cosines as z-scores against the question's scores in the sentence
  pool of the sentence's language (as retrieval does: e5 gives same-language sentences higher
  cosines, so raw cosines favour a Thai sentence for a Thai question about an English report);
- its share of the question's content words, weighted by their IDF when the index gives them;
- how much of the question its heading path names (the sentence under the heading that names the
  term answers "what is X");
- whether it has the form of the answer asked for (``assistant.questions``: a number for "how
  many", a date for "when", a definition cue for "what is");
- the passage's retrieval rank (retrieval saw the whole passage; a lone sentence sees less).
- less the sentence's hubness (``index/hubness.py``): a sentence close to everything in the other
  language (a Thai summary's "OECD has standards for digital government") is close to every
  question about an OECD report without answering any.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.answerability import AnswerabilityCheck, Missing
from assistant.questions import QuestionIntent, analyse_question, answers_type
from assistant.retrieval import Hit
from index.abbreviations import defines, short_key
from index.analyzer import ThaiEnglishAnalyzer
from index.sentences import SentenceVectors
from ingest.lang import detect_lang
from ingest.markup import plain_text
from ingest.model import Lang
from ingest.sentences import SENTENCE_RULES, dedupe_key, passage_sentences

_SPACES = re.compile(r"\s+")
_LEADING_BULLET = re.compile(r"^(?:[•▪◦●○■□➢➤►\uf0b7\uf0a7]\s*|[-*+]\s+)(?=\S)")  # "-5%" keeps its sign

TermWeights = Callable[[Sequence[str]], dict[str, float]]


def one_line(text: str) -> str:
    """``text`` as a reader sees it: Markdown/HTML marks removed, on one line."""
    return _SPACES.sub(" ", plain_text(text)).strip()


@dataclass(frozen=True)
class EvidenceSentence:
    """One sentence of a retrieved passage, scored against the question.

    ``start``/``end`` are offsets into ``hit.chunk.text`` of passage ``number``: ``text`` is that
    exact slice (markup included), so a UI can highlight it in the passage; ``display`` is what a
    reader is shown.

    Attributes:
        similarity: e5 cosine to the question.
        support: e5 cosine plus the weighted second encoder's (the "not found" test's measure).
        overlap: share of the question's content words in the sentence.
        score: the quoting rank (see the module doc).
    """

    number: int
    start: int
    end: int
    text: str
    similarity: float
    support: float
    overlap: float
    score: float
    # the quoting rank's terms before weighting, named as QuoteWeights' fields (for fitting the weights)
    features: tuple[tuple[str, float], ...] = field(default=(), compare=False, repr=False)

    @property
    def display(self) -> str:
        """The sentence on one line, without Markdown or HTML marks (PDF text wraps lines inside
        sentences) and without a bullet in front ("• The best performing countries ..."): the answer
        gives each quote its own "- ". A number or letter marker stays ("b) Governments ...")."""
        return _LEADING_BULLET.sub("", one_line(self.text))


@dataclass(frozen=True)
class Evidence:
    """The scored sentences of the top passages, best first, and the support decision."""

    question: str
    lang: Lang
    sentences: tuple[EvidenceSentence, ...]
    vectors: np.ndarray  # (len(sentences), dim) float32: the primary encoder's sentence vectors, same order
    best_similarity: float  # the best sentence's support score (e5 + weighted second encoder)
    overlap: float
    supported: bool
    intent: QuestionIntent | None = field(default=None, compare=False)
    query_vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # the primary encoder's
    # what the question asks that the quotes do not give (a place, a year, a number ...): close
    # sentences that only share the question's topic (``assistant.answerability``); not supported then
    missing: tuple[Missing, ...] = ()


@dataclass(frozen=True)
class QuoteWeights:
    """Weights of the quoting rank (see the module doc), measured with ``benchmarks/answers.py``
    on dev-qa and on a separate set of check questions (``benchmarks/answer_checks.jsonl``)."""

    e5: float = 0.03  # per standard deviation of the question's e5 scores in the sentence pool
    second: float = 0.01  # the same for the second encoder (USE)
    overlap: float = 0.05  # share of the question's content words in the sentence
    idf_overlap: float = 0.05  # the same, weighted by IDF
    heading: float = 0.06  # share of the question's content words in the heading path or the heading line above
    answer_type: float = 0.03  # per question type the sentence has the form of an answer to (0.02: 1 fewer on each set)
    rank: float = 0.02  # per retrieval rank below the first
    defines: float = 0.3  # the sentence defines the abbreviation or code a "what is X" question looks up
    hubness: float = 0.02  # per standard deviation of the sentence's hubness under USE (index/hubness.py)


# Thresholds for an index with e5 only (``second_model = ""``): e5 cosine alone, on stored vectors.
E5_ONLY_THRESHOLDS = (0.835, 0.85, 0.2)


@dataclass
class _Candidate:
    number: int
    start: int
    end: int
    vectors: list[np.ndarray | None]
    hub: float = 0.0  # hubness z-score under the second encoder (0: not stored)


class EvidenceFinder:
    """Scores the sentences of the top retrieved passages against a question.

    Args:
        encoder: the primary encoder (e5: ``embed_queries`` adds ``query:``, ``embed_passages``
            adds ``passage:``).
        second_encoder: the index's second encoder (USE multilingual) or None; its cosine,
            times ``second_weight``, is added to the support score. Without it the support
            thresholds fall back to :data:`E5_ONLY_THRESHOLDS`.
        analyzer: the BM25 analyzer, for the word overlap.
        passages: how many of the top hits are read for sentences.
        min_similarity: below this best support score nothing supports an answer.
        strong_similarity: at or above it a sentence supports an answer on its own (cross-lingual
            matches share no words with the question).
        min_overlap: between the two thresholds, the share of question words the top passages
            must contain.
        full_overlap_similarity: the support that suffices when the top passages contain every
            question word; between ``min_overlap`` and all of them the required support falls
            linearly from ``min_similarity`` to it. "หลัก Once-Only คืออะไร" finds both of its words
            and the OECD definition at 0.936; no off-topic question of the benchmark finds more than
            0.4 of its words. Without a second encoder it is ``min_similarity`` (not measured), and
            it is never above ``min_similarity``.
        weights: the quoting rank's weights.
        passage_template: how the index embedded a sentence (the settings' ``passage_template``
            with the sentence as text); used when sentences must be embedded here.
        term_weights: IDF of analyzer terms in the index (``PolicyRAG`` gives the BM25 index's);
            None weighs every question word alike.
        answerability: checks that the sentences an answer would quote carry what the question
            asks beyond its topic (its places, years, a number, an amount, a date); a supported
            question whose quotes do not is not supported (``Evidence.missing`` says why). None
            leaves the decision to the similarity test alone.
    """

    def __init__(
        self,
        encoder: object,
        second_encoder: object | None = None,
        analyzer: ThaiEnglishAnalyzer | None = None,
        passages: int = 5,
        min_similarity: float = 0.95,
        strong_similarity: float = 0.975,
        min_overlap: float = 0.5,
        second_weight: float = 0.5,
        full_overlap_similarity: float = 0.92,
        weights: QuoteWeights | None = None,
        passage_template: str = "{title}\n{heading}\n{text}",
        term_weights: TermWeights | None = None,
        answerability: AnswerabilityCheck | None = AnswerabilityCheck(),
    ) -> None:
        if passages <= 0:
            raise ValueError(f"passages must be positive, got {passages}")
        if not 0.0 <= min_similarity <= strong_similarity:
            raise ValueError("need 0 <= min_similarity <= strong_similarity")
        if not 0.0 <= min_overlap <= 1.0:
            raise ValueError(f"min_overlap must be within [0, 1], got {min_overlap}")
        if full_overlap_similarity < 0.0:
            raise ValueError(f"full_overlap_similarity must not be negative, got {full_overlap_similarity}")
        for candidate in (encoder, second_encoder):
            if candidate is not None and not (hasattr(candidate, "embed_queries") and hasattr(candidate, "embed_passages")):
                raise TypeError("an encoder needs embed_queries() and embed_passages()")
        self.encoder = encoder
        self.second_encoder = second_encoder
        self.analyzer = analyzer or ThaiEnglishAnalyzer()
        self.passages = passages
        if second_encoder is None:
            min_similarity, strong_similarity, min_overlap = E5_ONLY_THRESHOLDS
            full_overlap_similarity = min_similarity
        self.min_similarity = min_similarity
        self.full_overlap_similarity = min(full_overlap_similarity, min_similarity)  # never above it
        self.strong_similarity = strong_similarity
        self.min_overlap = min_overlap
        self.second_weight = second_weight
        self.weights = weights or QuoteWeights()
        self.passage_template = passage_template
        self.term_weights = term_weights
        self.answerability = answerability
        self.embedded_at_query_time = 0  # sentences this finder had to embed (an index without stored spans)

    @property
    def encoders(self) -> list[object]:
        return [self.encoder] + ([self.second_encoder] if self.second_encoder is not None else [])

    def run(self, question: str, hits: Sequence[Hit]) -> Evidence:
        intent = analyse_question(question)
        lang = detect_lang(question)
        top = list(hits)[: self.passages]
        question_terms = set(self.analyzer.run(question))
        passage_terms = {term for hit in top for term in self.analyzer.run(hit.chunk.text)}
        overlap = question_overlap(question_terms, passage_terms, [hit.chunk.text for hit in top])
        candidates = self._candidates(top)
        if not candidates:
            return Evidence(question, lang, (), np.zeros((0, 0), np.float32), 0.0, overlap, False, intent)
        query_vectors = [encoder.embed_queries([question])[0] for encoder in self.encoders]  # type: ignore[attr-defined]
        self._fill_vectors(top, candidates)
        matrices = [np.stack([candidate.vectors[e] for candidate in candidates]) for e in range(len(self.encoders))]  # type: ignore[misc]
        cosines = [matrix @ vector for matrix, vector in zip(matrices, query_vectors)]
        support = cosines[0] + (self.second_weight * cosines[1] if len(cosines) > 1 else 0.0)
        zscores = [self._zscores(top, candidates, e, cosines[e], query_vectors[e]) for e in range(len(cosines))]
        idf = self._idf(question_terms)
        idf_total = sum(idf.values())
        scored = []
        w = self.weights
        # A lookup ("What is PS-04?") is answered by the defining sentence whatever its similarity; a
        # code named in a question that asks what it requires ("What does control PS-05 require?")
        # prefers it, but a question asking something else of the code ("Is PS-05 mandatory?", "PS-05
        # ใช้กับบริการประเภทใด") is left to the other features.
        codes = intent.codes if not intent.types & _ASKS_OTHER_THAN_CONTENT else ()
        defining = _defining(intent.term, top, candidates) if intent.term else set()
        prefer = defining or {i for code in codes for i in _defining(code, top, candidates)}
        for i, candidate in enumerate(candidates):
            hit = top[candidate.number - 1]
            text = hit.chunk.text[candidate.start : candidate.end]
            terms = set(self.analyzer.run(text))
            shared = question_terms & terms
            own_overlap = len(shared) / len(question_terms) if question_terms else 0.0
            idf_overlap = sum(idf.get(term, 0.0) for term in shared) / idf_total if idf_total else own_overlap
            local = _heading_above(hit.chunk.text, candidate.start)
            heading_terms = set(self.analyzer.run(" ".join((*hit.chunk.heading_path, local))))
            heading = len(question_terms & heading_terms) / len(question_terms) if question_terms else 0.0
            if heading and "definition" in intent.types and _first_under(hit.chunk.text, candidate.start, local):
                heading += 0.5  # the first sentence under the heading that names the term defines it
            features = (
                ("e5", float(zscores[0][i])),
                ("second", float(zscores[1][i]) if len(zscores) > 1 else 0.0),
                ("overlap", own_overlap),
                ("idf_overlap", idf_overlap),
                ("heading", heading),
                ("answer_type", float(answers_type(intent, one_line(text)))),
                ("rank", -float(candidate.number - 1)),
                ("defines", 1.0 if i in prefer else 0.0),
                ("hubness", -float(candidate.hub)),
            )
            score = sum(getattr(w, name) * value for name, value in features)
            scored.append(
                EvidenceSentence(
                    candidate.number, candidate.start, candidate.end, text, float(cosines[0][i]), float(support[i]), own_overlap, score, features
                )
            )
        order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
        best = float(support.max())
        ranked = tuple(scored[i] for i in order)
        supported = self.is_supported(best, overlap)
        missing: tuple[Missing, ...] = ()
        if supported and not defining and self.answerability is not None:
            missing = self.answerability.run(intent, ranked, top).missing
        return Evidence(
            question=question,
            lang=lang,
            sentences=ranked,
            vectors=matrices[0][order],
            best_similarity=best,
            overlap=overlap,
            supported=(supported and not missing) or bool(defining),
            intent=intent,
            query_vector=query_vectors[0],
            missing=missing,
        )

    def is_supported(self, best_similarity: float, overlap: float) -> bool:
        """A strong sentence match alone, or a fair one whose passages contain the question's words
        (the more of them, the less similarity is needed: see ``full_overlap_similarity``)."""
        if best_similarity >= self.strong_similarity:
            return True
        if overlap < self.min_overlap:
            return False
        share = (overlap - self.min_overlap) / (1.0 - self.min_overlap) if self.min_overlap < 1.0 else 1.0
        required = self.min_similarity - share * (self.min_similarity - self.full_overlap_similarity)
        return best_similarity >= required - 1e-9

    def _candidates(self, top: list[Hit]) -> list[_Candidate]:
        """The quotable sentences of the top passages, each once (passages overlap), in passage order;
        with their stored vectors where the index has them."""
        candidates: list[_Candidate] = []
        seen: set[str] = set()
        stored = self._stored(top)
        for number, hit in enumerate(top, start=1):
            found = stored.get(number)
            if found is None:
                headings = frozenset(dedupe_key(heading) for heading in (hit.chunk.title, *hit.chunk.heading_path))
                found = [(start, end, [None] * len(self.encoders), 0.0) for start, end in passage_sentences(hit.chunk.text, skip=headings)]
            for start, end, vectors, hub in found:
                key = dedupe_key(hit.chunk.text[start:end])
                if key not in seen:
                    seen.add(key)
                    candidates.append(_Candidate(number, start, end, list(vectors), hub))
        return candidates

    def _stored(self, top: list[Hit]) -> dict[int, list[tuple[int, int, list[np.ndarray | None], float]]]:
        """Passage number -> its sentences as the index stored them: (start, end, vector per encoder,
        hubness z-score under the second encoder).

        Only for hits whose index stores spans chosen under the current sentence rules and has one
        dense index per encoder; the others are left to be split and embedded here.
        """
        found: dict[int, list[tuple[int, int, list[np.ndarray | None], float]]] = {}
        groups: dict[int, tuple[SentenceVectors, list[tuple[int, int]]]] = {}
        for number, hit in enumerate(top, start=1):
            store = hit.sentences
            if hit.row is None or store is None or store.spans is None or store.rules != SENTENCE_RULES:
                continue
            if len(store.vectors_per_encoder) != len(self.encoders):
                continue
            groups.setdefault(id(store), (store, []))[1].append((number, hit.row))
        for store, members in groups.values():
            rows = [row for _, row in members]
            per_encoder = [store.for_rows(e, rows) for e in range(len(self.encoders))]
            stand_ins = [store.stand_ins(e, rows) for e in range(len(self.encoders))]
            hubness = store.hubness_for_rows(1, rows) if len(self.encoders) > 1 else {}
            for number, row in members:
                sentences = per_encoder[0].get(row, [])
                hubs = hubness.get(row, [])
                if sentences:
                    found[number] = [
                        (start, end, [per_encoder[e][row][i][2] for e in range(len(self.encoders))], hubs[i] if i < len(hubs) else 0.0)
                        for i, (start, end, _) in enumerate(sentences)
                    ]
                elif row in stand_ins[0]:
                    # one quotable sentence that is the whole passage, or none: only the text tells
                    chunk = top[number - 1].chunk
                    headings = frozenset(dedupe_key(heading) for heading in (chunk.title, *chunk.heading_path))
                    spans = passage_sentences(chunk.text, skip=headings)
                    found[number] = [
                        (start, end, [stand_ins[e][row] for e in range(len(self.encoders))], hubs[0] if hubs else 0.0) for start, end in spans[:1]
                    ]
                    if len(spans) > 1:  # not what the index stored: let them be embedded
                        del found[number]
                else:
                    found[number] = []
        return found

    def _fill_vectors(self, top: list[Hit], candidates: list[_Candidate]) -> None:
        """Embed the candidates without a stored vector, as the index embeds sentences (after the
        title and heading path), so that both kinds score alike."""
        from index.storage import passage_for_index

        missing = [candidate for candidate in candidates if any(vector is None for vector in candidate.vectors)]
        if not missing:
            return
        texts = [
            passage_for_index(replace(top[c.number - 1].chunk, text=top[c.number - 1].chunk.text[c.start : c.end]), self.passage_template)
            for c in missing
        ]
        self.embedded_at_query_time += len(texts)
        for e, encoder in enumerate(self.encoders):
            vectors = encoder.embed_passages(texts)  # type: ignore[attr-defined]
            for candidate, vector in zip(missing, vectors):
                candidate.vectors[e] = vector

    def _zscores(self, top: list[Hit], candidates: list[_Candidate], encoder: int, cosines: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Each candidate's cosine as a z-score against the question's scores in the sentence pool
        of its language (the 100 best; the candidates' own when the index has no sentence pools)."""
        stats: dict[str, tuple[float, float]] = {}
        zscores = np.zeros(len(candidates), dtype=np.float64)
        for i, candidate in enumerate(candidates):
            hit = top[candidate.number - 1]
            lang = hit.chunk.lang
            if lang not in stats:
                stats[lang] = self._pool_stats(hit, encoder, lang, query) or _spread(cosines)
            mean, std = stats[lang]
            zscores[i] = (float(cosines[i]) - mean) / std
        return zscores

    @staticmethod
    def _pool_stats(hit: Hit, encoder: int, pool: str, query: np.ndarray) -> tuple[float, float] | None:
        """Mean and spread of the question's 100 best sentence cosines in ``pool``.

        Read from what the retriever's best-sentence term already scored for this question
        (``hit.sentence_spread``: one search serves both); for a hit without it (made by hand,
        a filtered search) the pool is scanned when it is small enough (``SentenceVectors.scannable``).
        None when neither holds 10 cosines: the caller uses the candidates' own spread. A large
        pool is never scanned here: that read gigabytes a question at a million passages.
        """
        carried = hit.sentence_spread.get((encoder, pool)) if hit.sentence_spread is not None else None
        if carried is not None and len(carried) >= 10:
            return _spread(carried[:100])
        store: SentenceVectors | None = hit.sentences
        if store is None or encoder >= len(store.vectors_per_encoder) or pool not in store.pools:
            return None
        if store.dimension(encoder) != len(query) or not store.scannable(pool):
            return None
        values = store.top_scores(encoder, pool, query, 100)
        return _spread(values) if len(values) >= 10 else None

    def _idf(self, terms: set[str]) -> dict[str, float]:
        if self.term_weights is None or not terms:
            return {}
        return self.term_weights(sorted(terms))


# Question types that ask for something other than what a code says: whether, how many, when, who,
# where, which ones, which is best, how.
_ASKS_OTHER_THAN_CONTENT = frozenset({"yes_no", "count", "when", "who", "where", "list", "superlative", "how"})


_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")


def question_overlap(question_terms: set[str], passage_terms: set[str], passages: Sequence[str]) -> float:
    """The share of the question's terms the passages hold, of those they could hold: a Thai term
    cannot be in passages without Thai letters, so a Thai question over English passages (a
    document filter, or an English report that answers it) is measured on its Latin terms and
    numbers, as retrieval's BM25 share is (README, stop 19). "หลัก Once-Only คืออะไร" limited to the
    OECD report held "once-only" but not "หลัก": half its words, and a 0.934 definition was refused.
    0.0 when no term of the question can be held."""
    if any(_THAI_LETTER.search(text) for text in passages):
        reachable = question_terms
    else:
        reachable = {term for term in question_terms if not _THAI_LETTER.search(term)}
    return len(reachable & passage_terms) / len(reachable) if reachable else 0.0


def _defining(term: str, top: Sequence[Hit], candidates: Sequence[_Candidate]) -> set[int]:
    """The candidates (by index) that define ``term``, an abbreviation or code a definition
    question looks up (or a code any question names: "What does PS-05 require?"): a sentence that
    gives its long form ("... (สพร.)", "Government Data Exchange Center : GDX";
    ``index.abbreviations``), or the first sentence under a heading that is the term itself
    ("PS-04", over the requirement it names) or defines it ("Principal component analysis (PCA)":
    a heading is never quoted, the claim under it is).

    Such a sentence answers the question whatever its similarity to it: an abbreviation's
    question shares nothing with its definition but the abbreviation, so it also lets the answer
    be given where the similarity thresholds alone would refuse it."""
    key = _term_key(term)
    found: set[int] = set()
    under: dict[int, list[int]] = {}  # passage number -> positions of the term's heading lines in it
    for number, hit in enumerate(top, start=1):
        positions = [match.start() for match in re.finditer(r"[^\n]+", hit.chunk.text) if _heads(one_line(match.group(0)).strip("#*: "), term, key)]
        if hit.chunk.heading_path and _heads(hit.chunk.heading_path[-1], term, key):
            positions.insert(0, -1)
        under[number] = positions
    taken: set[tuple[int, int]] = set()
    for i, candidate in enumerate(candidates):
        text = top[candidate.number - 1].chunk.text[candidate.start : candidate.end]
        if defines(text, term):
            found.add(i)
            continue
        heading = max((position for position in under[candidate.number] if position < candidate.start), default=None)
        if heading is not None and (candidate.number, heading) not in taken:
            taken.add((candidate.number, heading))  # candidates are in passage order: this is the first under it
            found.add(i)
    return found


def _heads(line: str, term: str, key: str) -> bool:
    """Whether ``line`` heads what ``term`` names: it is the term ("PS-04"), or a heading that
    defines it ("Principal component analysis (PCA)")."""
    from ingest.quotable import FRAGMENT, HEADING, piece_kind

    if _term_key(line) == key:
        return True
    if len(line) > 160 or short_key(term) not in short_key(line):
        return False  # the cheap test first: a line that does not name the term defines nothing
    return defines(line, term) and piece_kind(line) in (HEADING, FRAGMENT)


def _term_key(text: str) -> str:
    """A term as headings are compared with it: case, spaces, dots, hyphens and a number's leading
    zeros left out, so "FT-9", "ft-09", "PS 04" and "PS04" find the heading "FT-09" / "PS-04"."""
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", re.sub(r"[\s.\-]", "", short_key(text)))


def _lines_before(text: str, position: int) -> list[str]:
    return [line.strip() for line in text[:position].split("\n") if line.strip()]


def _heading_above(text: str, position: int, max_chars: int = 120) -> str:
    """The nearest line above ``position`` in the passage that is a heading or label (PDF passages
    carry their headings as such lines: "Digital by design"), or ''."""
    from ingest.quotable import FRAGMENT, HEADING, piece_kind
    from ingest.sentences import continues_line

    lines = _lines_before(text, position)[-6:]
    following = [*lines[1:], text[position : position + 40]]
    for line, after in zip(reversed(lines), reversed(following)):
        if continues_line(after):
            continue  # a wrapped line of a sentence (a PDF line), not a heading
        if len(line) <= max_chars and piece_kind(line) in (HEADING, FRAGMENT):
            return line
    return ""


def _first_under(text: str, position: int, heading: str) -> bool:
    """True when the sentence at ``position`` opens its paragraph right under ``heading`` (or under
    the passage's own heading, when the passage starts with it)."""
    before = _lines_before(text, position)
    if not before:
        return True  # the passage starts here, under its heading path
    return bool(heading) and before[-1] == heading


def _spread(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation (at least 0.01: a flat pool makes no distinction)."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return 0.0, 1.0
    return float(values.mean()), max(float(values.std()), 0.01)

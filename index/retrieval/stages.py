"""The scoring stages of the hybrid retriever, each usable alone.

Every stage returns evidence per candidate row; :func:`fuse` adds the dense ones up. Scores of a
stage are standardised per language pool (z-scores against that pool's candidates for this query)
so a Thai and an English passage are compared by how much each stands out in its own language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np

from index.retrieval.parallel import run_side_by_side, search_threads
from index.sentences import SentenceMatches
from index.storage import OpenIndex
from index.terms import TermTable
from ingest.lang import is_reference_list

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolScores:
    """One encoder's evidence in one language pool: row -> z-score, weighted.

    ``floor`` is the lowest z-score of the list: a passage of this pool outside the list ranked
    below all of them, so it is given that bound instead of nothing.
    """

    weight: float
    pool: str
    scores: dict[int, float]
    floor: float


def standardise(scores: np.ndarray) -> np.ndarray:
    """z-scores of one pool's candidate similarities for one query."""
    if len(scores) < 2:
        return np.zeros_like(scores)
    spread = float(scores.std())
    return (scores - float(scores.mean())) / spread if spread > 1e-6 else np.zeros_like(scores)


def pool_scores(weight: float, pool: str, found: dict[int, float], standardised: bool = True) -> list[PoolScores]:
    """Standardise one pool's raw scores into a :class:`PoolScores` (nothing for an empty list)."""
    found = {row: score for row, score in found.items() if row >= 0}
    if not found:
        return []
    values = np.array(list(found.values()), dtype=np.float64)
    z = standardise(values) if standardised else values
    return [PoolScores(weight, pool, dict(zip(found, z.tolist())), float(z.min()))]


def pool_rows(index: OpenIndex, pool: str, allowed: np.ndarray | None) -> np.ndarray | None:
    """The allowed rows that lie in ``pool`` (pools are keyed by passage language)."""
    if allowed is None:
        return None
    return allowed[index.row_langs[allowed] == pool]


class PoolStage:
    """A stage that searches each language pool of one encoder (or of several at once).

    Args:
        index: the opened index.
        candidates: passages (or sentences) taken per pool.
        standardised: z-score each pool (False: raw cosine, what one mixed index does).
        threads: threads the searches of one query run on, side by side (``parallel.py``; at
            most the usable cores). The results do not depend on it.
    """

    def __init__(self, index: OpenIndex, candidates: int = 100, standardised: bool = True, threads: int = 1) -> None:
        if candidates <= 0:
            raise ValueError(f"candidates must be positive, got {candidates}")
        self.index = index
        self.candidates = candidates
        self.standardised = standardised
        self.threads = search_threads(threads)


class DensePools(PoolStage):
    """Passage vectors: each language pool of one encoder searched for the query's nearest passages."""

    def raw(
        self, encoder: int, vector: np.ndarray, allowed: np.ndarray | None = None, depth: int = 0
    ) -> dict[str, dict[int, float]]:
        """pool -> {row: cosine} of the top ``max(candidates, depth)`` passages of each pool."""
        return self.raw_all({encoder: vector}, allowed, depth)[encoder]

    def raw_all(
        self, vectors: Mapping[int, np.ndarray], allowed: np.ndarray | None = None, depth: int = 0
    ) -> dict[int, dict[str, dict[int, float]]]:
        """:meth:`raw` of several encoders (encoder -> its query vector), every pool of every
        encoder searched side by side: encoder -> pool -> {row: cosine}."""
        k = max(self.candidates, depth)
        searches: list[tuple[int, str, Callable[[], tuple[np.ndarray, np.ndarray]]]] = []
        for encoder, vector in vectors.items():
            dense = self.index.dense[encoder]
            for pool in dense.pools:
                rows_in_pool = pool_rows(self.index, pool, allowed)
                if rows_in_pool is not None and not len(rows_in_pool):
                    continue
                searches.append((encoder, pool, partial(dense.search, pool, vector, k, allowed=rows_in_pool)))
        results = run_side_by_side([search for _, _, search in searches], self.threads)
        found: dict[int, dict[str, dict[int, float]]] = {encoder: {} for encoder in vectors}
        for (encoder, pool, _), (scores, rows) in zip(searches, results):
            found[encoder][pool] = {row: score for row, score in zip(rows[0].tolist(), scores[0].tolist()) if row >= 0}
        return found

    def run_all(
        self, vectors: Mapping[int, np.ndarray], weights: Mapping[int, float], allowed: np.ndarray | None, depth: int = 0
    ) -> dict[int, list[PoolScores]]:
        """:meth:`run` of several encoders at once (searched side by side): encoder -> its terms."""
        return self.terms(self.raw_all(vectors, allowed, depth), weights)

    def terms(self, raw: Mapping[int, Mapping[str, dict[int, float]]], weights: Mapping[int, float]) -> dict[int, list[PoolScores]]:
        """Weighted z-scores per pool of :meth:`raw_all`'s result: encoder -> its terms."""
        return {
            encoder: [term for pool, found in per_pool.items() for term in pool_scores(weights[encoder], pool, found, self.standardised)]
            for encoder, per_pool in raw.items()
        }

    def run(self, encoder: int, vector: np.ndarray, allowed: np.ndarray | None, weight: float, depth: int = 0) -> list[PoolScores]:
        """Weighted z-scores per pool; ``depth``: at least this many passages per pool (a caller
        asking for ``k`` hits gets ``k`` candidates even when ``candidates`` is smaller)."""
        return self.run_all({encoder: vector}, {encoder: weight}, allowed, depth)[encoder]


class BestSentences(PoolStage):
    """Each passage also counts by its best-matching sentence (``index/sentences.py``): it ranks the
    passage that holds the answering sentence above its neighbours on the same topic (dev-qa
    MRR@10 0.582 -> 0.622, XQuAD R@1 +2 to +6 points).

    Only the sentences of the candidate passages the other stages found (passage dense search and
    BM25, a few hundred passages) are scored: what a query reads is bounded by the number of
    candidates, not by the size of the index (a million passages hold about five million sentences
    per encoder, 9 GB of fp16 for e5 and USE together). On the reference corpus this ranks as well
    as scanning every sentence of the pool (dev-qa, XQuAD: within one question) and scores a query
    in 16 ms instead of 36 (README, "Large document stores").

    Args:
        scan_max: pools up to this many sentences are scanned whole instead (``sentence_scan_max``;
            0: never).
    """

    def __init__(self, index: OpenIndex, candidates: int = 100, standardised: bool = True, scan_max: int = 0) -> None:
        super().__init__(index, candidates, standardised)
        if scan_max < 0:
            raise ValueError(f"scan_max must be >= 0, got {scan_max}")
        self.scan_max = scan_max
        self._warned: set[str] = set()

    def search(
        self,
        encoder: int,
        vector: np.ndarray,
        allowed: np.ndarray | None = None,
        candidates: np.ndarray | None = None,
        restrict: bool = False,
    ) -> dict[str, SentenceMatches]:
        """pool -> the top sentences of each language pool of ``encoder`` for one query.

        Args:
            vector: (dimension,) float32, L2-normalised query vector of ``encoder``.
            allowed: rows a filter lets through (None: all).
            candidates: the passages the other stages found for this query: a pool larger than
                ``scan_max`` sentences is scored over their sentences only (every pool, with
                ``restrict``: a second stage scoring its own candidates). None: whole pools
                (a pool too large to scan is then scanned anyway, with a logged note once).
        """
        return self.search_all({encoder: vector}, allowed, candidates, restrict)[encoder]

    def search_all(
        self,
        vectors: Mapping[int, np.ndarray],
        allowed: np.ndarray | None = None,
        candidates: np.ndarray | None = None,
        restrict: bool = False,
    ) -> dict[int, dict[str, SentenceMatches]]:
        """:meth:`search` of several encoders (encoder -> its query vector): encoder -> pool -> matches.

        One pool after another, not side by side like the passage searches: reading the
        candidates' sentences is hundreds of short ``pread`` calls driven by Python, and two
        threads doing that hand the GIL to each other at every call (100k passages, 2 cores:
        the whole query took 53.7 ms with the sentence reads on two threads, 30.7 ms on one).
        """
        sentences = self.index.sentences
        found: dict[int, dict[str, SentenceMatches]] = {encoder: {} for encoder in vectors}
        if sentences is None:
            return found
        for encoder, vector in vectors.items():
            for pool, rows_in_pool in self._pool_limits(encoder, allowed, candidates, restrict):
                found[encoder][pool] = sentences.search(encoder, pool, vector, self.candidates, rows_in_pool)
        return found

    def _pool_limits(
        self, encoder: int, allowed: np.ndarray | None, candidates: np.ndarray | None, restrict: bool
    ) -> list[tuple[str, np.ndarray | None]]:
        """(pool, the rows whose sentences are scored there, None: all) for each pool of ``encoder``
        with something to score."""
        sentences = self.index.sentences
        assert sentences is not None
        limits: list[tuple[str, np.ndarray | None]] = []
        for pool in self.index.dense[encoder].pools:
            limit = allowed
            if candidates is not None and (restrict or not sentences.scannable(pool, self.scan_max)):
                limit = np.asarray(candidates, dtype=np.int64) if allowed is None else np.intersect1d(candidates, allowed)
            elif candidates is None and pool not in self._warned and not sentences.scannable(pool, self.scan_max):
                self._warned.add(pool)
                LOG.warning(
                    "the %s sentence pool holds %d sentences (more than sentence_scan_max, %d) and no candidate passages "
                    "were given: it is scanned whole for every query", pool, sentences.pool_size(pool), self.scan_max,
                )
            rows_in_pool = pool_rows(self.index, pool, limit)
            if rows_in_pool is not None and not len(rows_in_pool):
                continue
            limits.append((pool, rows_in_pool))
        return limits

    def raw(
        self, encoder: int, vector: np.ndarray, allowed: np.ndarray | None = None, rows: np.ndarray | None = None
    ) -> dict[str, dict[int, float]]:
        """pool -> {row: cosine of its best sentence}, over the top sentences of each pool (of
        ``rows`` only, when given: a second stage scores its candidates' sentences)."""
        return {pool: matches.best for pool, matches in self.search(encoder, vector, allowed, rows, restrict=rows is not None).items()}

    def terms(self, found: dict[str, SentenceMatches], weight: float) -> list[PoolScores]:
        """Weighted z-scores per pool of :meth:`search`'s result."""
        return [term for pool, matches in found.items() for term in pool_scores(weight, pool, matches.best, self.standardised)]

    def run(
        self, encoder: int, vector: np.ndarray, allowed: np.ndarray | None, weight: float, candidates: np.ndarray | None = None
    ) -> list[PoolScores]:
        """Weighted z-scores per pool; ``candidates`` as in :meth:`search`."""
        return self.terms(self.search(encoder, vector, allowed, candidates), weight)


def fuse(terms: list[PoolScores], row_langs: np.ndarray) -> dict[int, float]:
    """Weighted sum of the dense evidence of every candidate row.

    A row missing from one list of its own pool gets that list's floor (an upper bound: it ranked
    below all of them), which keeps sums comparable between rows found by different lists.
    """
    candidates = set().union(*(term.scores for term in terms)) if terms else set()
    combined: dict[int, float] = {}
    for row in candidates:
        total = 0.0
        for term in terms:
            value = term.scores.get(row)
            if value is not None:
                total += term.weight * value
            elif row_langs[row] == term.pool:
                total += term.weight * term.floor
        combined[row] = total
    return combined


class Lexical:
    """BM25 as the share of the query's information a passage matches, weighted by script.

    The score is divided by the summed IDF of the query's known terms that a passage of its script
    can hold (what such a passage matching each of them once scores): comparable across queries, and
    a passage matching only a common word scores low. An English passage can hold only the terms
    without Thai letters: a Thai question that names its subject in English ("มิติตัดขวาง
    (transversal facets) ... DGI 2019") matched all it could in the right English passage but was
    divided by the whole question's IDF and scored a third of the share, under the Thai passages'
    noise (dev-qa th-cross R@10 0.667 -> 1.000, MRR@10 0.337 -> 0.450; README). An English question
    is all Latin terms: its bound is the same for both scripts. Passages in the other script than
    the query get ``cross_script`` of the weight: there BM25 only sees shared names and numbers.
    """

    def __init__(self, index: OpenIndex, candidates: int = 100, terms: TermTable | None = None) -> None:
        if candidates <= 0:
            raise ValueError(f"candidates must be positive, got {candidates}")
        self.index = index
        self.candidates = candidates
        self.terms = terms

    def query_terms(self, query: str) -> list[str]:
        """The query's BM25 terms, plus the other language's forms of the terms in the term table
        (``index/terms.py``): "นโยบายการใช้คลาวด์เป็นหลัก" also asks for "cloud first policy"."""
        expansions = self.terms.expand(query) if self.terms is not None else []
        return self.index.analyzer.run(" ".join([query, *expansions]))

    def run(
        self, query: str, query_lang: str, allowed: np.ndarray | None, weight: float, cross_script: float, depth: int = 0
    ) -> dict[int, float]:
        """row -> weighted BM25 share of the top candidates (nothing with ``weight`` 0)."""
        if not weight:
            return {}
        return self.weighted(self.shares(query, allowed, depth), query_lang, weight, cross_script)

    def weighted(self, shares: dict[int, float], query_lang: str, weight: float, cross_script: float) -> dict[int, float]:
        """:meth:`shares` weighted by script: ``cross_script`` of ``weight`` in the other one."""
        return {
            row: share * (weight if self.index.row_langs[row] == query_lang else weight * cross_script)
            for row, share in shares.items()
        }

    def shares(self, query: str, allowed: np.ndarray | None, depth: int = 0) -> dict[int, float]:
        """row -> BM25 score / the bound of its script (the share of the query it matches), for
        the top ``max(candidates, depth)`` rows with a score above 0."""
        terms = self.query_terms(query)
        bound = self.index.bm25.query_bound(terms)
        if bound <= 0:
            return {}
        scores = self.index.bm25.scores(terms)
        if allowed is not None:
            masked = np.zeros_like(scores)
            masked[allowed] = scores[allowed]
            scores = masked
        top = np.argsort(-scores)[: max(self.candidates, depth)]
        top = top[scores[top] > 0]
        langs = self.index.row_langs[top]
        latin_bound = self.index.bm25.query_bound(latin_terms(terms)) or bound
        bounds = np.where(langs == "th", bound, latin_bound)  # what a passage of that script can match
        return dict(zip(top.tolist(), (scores[top] / bounds).tolist()))


_THAI_LETTER = re.compile(r"[\u0e00-\u0e7f]")


def latin_terms(terms: list[str]) -> list[str]:
    """The terms an English passage can hold: those without Thai characters (Latin words, names,
    numbers; the analyzer maps Thai digits to Arabic ones). A Thai passage can hold them all."""
    return [term for term in terms if not _THAI_LETTER.search(term)]


class ReferenceLists:
    """Demotes reference-list passages (bibliographies) among a query's top candidates.

    An OECD report's "References" pages name every title the report speaks of: their words and
    vectors match many questions, and one came first for 30 of 229 evaluation questions searched
    with ``langs=en``, but a researcher wants the finding, not the list. Each of the top ``depth`` candidates found to be a reference list
    (``ingest.lang.is_reference_list``, read from its text at query time) loses ``penalty`` from
    its fused score; it stays findable (a question about the literature still reaches it), just
    below the passages that say something.

    Query time, not ingest: no re-ingest, and the rule can change without one. Cost: each row's
    text is read and classified once per opened index (a byte per row remembers the answer);
    after that a query pays a dictionary sort of its candidates.

    Args:
        index: the opened index (its chunk store gives the texts).
        penalty: subtracted from a reference list's score, in the fused score's units (summed
            per-pool z-scores plus BM25 shares; the learned reranker's when one is on). 0: off.
        depth: candidates looked at per query (at least the ``2k + 5`` a page of hits reads).
    """

    def __init__(self, index: OpenIndex, penalty: float, depth: int = 50) -> None:
        if penalty < 0:
            raise ValueError(f"the reference-list penalty must be >= 0, got {penalty}")
        self.index = index
        self.penalty = penalty
        self.depth = depth
        self._known = np.full(len(index), -1, dtype=np.int8)  # -1 not read yet, 0 prose, 1 reference list

    def flags(self, rows: list[int]) -> list[bool]:
        """Whether each row is a reference list (texts read once per row, then remembered)."""
        unknown = [row for row in rows if self._known[row] < 0]
        if unknown:
            for row, chunk in zip(unknown, self.index.store.get(unknown)):
                self._known[row] = is_reference_list(chunk.text)
        return [bool(self._known[row]) for row in rows]

    def run(self, scores: dict[int, float], depth: int = 0) -> dict[int, float]:
        """``scores`` with the reference lists among the best ``max(self.depth, 2 * depth + 5)``
        rows lowered by ``penalty`` (a new dict; ``scores`` itself is left as it is)."""
        if not self.penalty or not scores:
            return scores
        top = sorted(scores, key=lambda row: -scores[row])[: max(self.depth, 2 * depth + 5)]
        demoted = [row for row, flagged in zip(top, self.flags(top)) if flagged]
        if not demoted:
            return scores
        result = dict(scores)
        for row in demoted:
            result[row] -= self.penalty
        return result

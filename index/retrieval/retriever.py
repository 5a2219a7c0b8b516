"""Hybrid bilingual retrieval: per-language dense pools, best sentences and script-aware BM25,
fused by score, filtered before any cut, near-duplicates collapsed.

Why not one mixed dense index plus reciprocal-rank fusion (the usual RAG recipe)? Measured on the
reference corpus, multilingual-e5 ranks passages in the question's language first, and BM25 can
only match across scripts on shared names and numbers; RRF of the two pushes the right English
passage for a Thai question further down (th->en R@10 0.21). So:

1. Dense (:class:`~index.retrieval.stages.DensePools`): the query is searched in each language
   pool separately, and each pool's scores are standardised against that pool's own score
   distribution for this query (z-scores). A passage then counts by how much it stands out
   *within its language*, which removes e5's same-language bias without a tuned constant. Two
   encoders are summed this way (e5-small and USE multilingual): they make different
   cross-lingual mistakes (XQuAD th->en R@1 .735 -> .79).
2. Best sentence (:class:`~index.retrieval.stages.BestSentences`): each passage's best-matching
   sentence, z-scored per pool like the passages, adds half the passage weight of its encoder.
   Only the sentences of the passages stages 1 and 3 found are scored (bounded work at a million
   passages; ``sentence_scan_max`` scans pools up to that size whole instead).
3. Lexical (:class:`~index.retrieval.stages.Lexical`): BM25 over newmm-segmented Thai / stemmed
   English as the share of the query's information a passage matches; passages in the other
   script get a fraction of the weight.
4. Reference lists (:class:`~index.retrieval.stages.ReferenceLists`): bibliography passages
   among the top candidates lose ``RetrievalWeights.reference_list`` (after the reranker, if any).
5. Dedup (:class:`~index.retrieval.dedup.Deduplicator`): copies fold into the best-ranked one.

Each stage is a component that can be switched off (its weight 0, or ``dedup=None``): the
benchmarks measure each one's share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.encoder_text import encoder_text
from index.retrieval.dedup import Deduplicator
from index.retrieval.filters import SearchFilter
from index.retrieval.hits import Hit, SentenceSpread, chunk_number
from index.retrieval.parallel import DEFAULT_THREADS, single_threaded_blas
from index.retrieval.related import RelatedPassages, dominant_language
from index.abbreviations import AbbreviationTable
from index.terms import TermTable
from index.retrieval.stages import BestSentences, DensePools, Lexical, PoolScores, ReferenceLists, fuse
from index.retrieval.rerank import Evidence, Reranker, candidate_features, rerank
from index.storage import OpenIndex
from ingest.lang import detect_lang
from ingest.model import Chunk


DEFAULT_DEDUP = Deduplicator()


@dataclass(frozen=True)
class RetrievalWeights:
    """How the evidence adds up. Dense terms are z-scores (one weight per encoder, primary first);
    BM25 is divided by the summed IDF of the query terms (the share of the query matched)."""

    dense: tuple[float, ...] = (1.0, 0.5)
    bm25: float = 5.0
    cross_script_bm25: float = 0.5  # a fraction of ``bm25``
    sentence: float = 0.5  # best-sentence z-score, as a fraction of its encoder's ``dense`` weight
    reference_list: float = 4.0  # subtracted from a reference list's score (``ReferenceLists``); 0: off


class HybridRetriever:
    """Finds the passages of an index that answer a query, in either language.

    Args:
        index: an opened index.
        encoders: the encoders the index was built with, in the same order (the caller checks the
            manifest).
        weights: how dense and BM25 evidence add up.
        dense_candidates: passages taken from each language pool of each encoder before fusion.
        bm25_candidates: passages taken from the BM25 ranking before fusion.
        standardise_pools: z-score each language pool (the default). False keeps raw cosine
            similarities, which is what one mixed index does; kept to measure against.
        sentence_candidates: sentences taken from each language pool of each encoder (an index
            built without sentence vectors skips the best-sentence term).
        dedup: folds near-duplicate passages into one hit; None keeps every copy.
        expand_terms: add the other language's form of the question's terms from the index's
            bilingual term table to the BM25 query (``index/terms.py``).
        sentence_scan_max: the best-sentence term scores the dense and BM25 candidates' sentences;
            language pools of up to this many sentences are scanned whole instead (0: never).
        search_threads: threads one query's passage searches (each pool of each encoder) run on
            side by side (at most the usable cores; ``index/retrieval/parallel.py``). The results
            do not depend on it.
        reranker: re-orders the fused top candidates from the stages' evidence
            (``index/retrieval/rerank.py``); None keeps the fused order.
    """

    def __init__(
        self,
        index: OpenIndex,
        encoders: Sequence[object],
        weights: RetrievalWeights | None = None,
        dense_candidates: int = 100,
        bm25_candidates: int = 100,
        standardise_pools: bool = True,
        sentence_candidates: int = 100,
        dedup: Deduplicator | None = DEFAULT_DEDUP,
        expand_terms: bool = False,
        sentence_scan_max: int = 0,
        search_threads: int = DEFAULT_THREADS,
        reranker: Reranker | None = None,
    ) -> None:
        if dense_candidates <= 0 or bm25_candidates <= 0 or sentence_candidates <= 0:
            raise ValueError("dense_candidates, bm25_candidates and sentence_candidates must be positive")
        if len(encoders) != len(index.dense):
            raise ValueError(f"the index has {len(index.dense)} dense encoder(s) but {len(encoders)} were given")
        self.index = index
        self.encoders = list(encoders)
        self.weights = weights or RetrievalWeights()
        self.dense_candidates = dense_candidates
        self.bm25_candidates = bm25_candidates
        self.standardise_pools = standardise_pools
        self.sentence_candidates = sentence_candidates
        self.dedup = dedup
        single_threaded_blas()
        self.dense_stage = DensePools(index, dense_candidates, standardise_pools, threads=search_threads)
        self.sentence_stage = BestSentences(index, sentence_candidates, standardise_pools, sentence_scan_max)
        self.terms = TermTable.load(index.generation) if expand_terms else None
        self.abbreviations = AbbreviationTable.load(index.generation)  # what the documents define
        self.lexical_stage = Lexical(index, bm25_candidates, self.terms)
        self.reference_stage = ReferenceLists(index, self.weights.reference_list)
        self.reranker = reranker
        self._row_collections: np.ndarray | None = None

    # -- public -------------------------------------------------------------------------------

    def run(
        self,
        query: str,
        k: int = 10,
        sources: set[str] | None = None,
        langs: set[str] | None = None,
        collections: set[str] | None = None,
    ) -> list[Hit]:
        return self.run_batch([query], k=k, sources=sources, langs=langs, collections=collections)[0]

    def run_batch(
        self,
        queries: list[str],
        k: int = 10,
        sources: set[str] | None = None,
        langs: set[str] | None = None,
        collections: set[str] | None = None,
    ) -> list[list[Hit]]:
        """Search many queries, encoding them in one batch per encoder (the models are the slow part).

        Args:
            sources, langs: restrict to these documents / passage languages (empty or None: all).
            collections: restrict to passages of these collections (None: all; an empty set: none).
        """
        if k <= 0:
            raise ValueError(f"k must be positive, got {k}")
        if not queries:
            return []
        allowed = self.allowed_rows(SearchFilter.of(sources, langs, collections))
        if allowed is not None and not len(allowed):
            return [[] for _ in queries]
        vectors = self.embed(queries)
        results = []
        for number, query in enumerate(queries):
            scores, spread = self.score_with_spread(query, [encoded[number] for encoded in vectors], allowed, depth=k)
            results.append(self.top(scores, k, spread))
        return results

    def embed(self, queries: list[str]) -> list[np.ndarray]:
        """(q, dimension) query vectors per encoder, Thai digits mapped as at ingest."""
        texts = [encoder_text(query) for query in queries]
        return [encoder.embed_queries(texts) for encoder in self.encoders]  # type: ignore[attr-defined]

    def allowed_rows(self, search_filter: SearchFilter) -> np.ndarray | None:
        """The rows a filter lets through (None: all)."""
        if search_filter.unrestricted:
            return None
        return search_filter.allowed_rows(self.index.row_sources, self.index.row_langs, self.row_collections)

    @property
    def row_collections(self) -> np.ndarray:
        if self._row_collections is None:
            self._row_collections = np.array(self.index.store.row_collections(), dtype=object)
        return self._row_collections

    def score(
        self, query: str, query_vectors: Sequence[np.ndarray], allowed: np.ndarray | None = None, depth: int = 0
    ) -> dict[int, float]:
        """Fused score of every candidate row for one query (one query vector per encoder).

        Args:
            allowed: the rows a filter lets through (None: all).
            depth: at least this many candidates per pool (the ``k`` asked for).
        """
        return self.score_with_spread(query, query_vectors, allowed, depth)[0]

    def score_with_spread(
        self, query: str, query_vectors: Sequence[np.ndarray], allowed: np.ndarray | None = None, depth: int = 0
    ) -> tuple[dict[int, float], SentenceSpread | None]:
        """:meth:`score`, and the top sentence cosines the best-sentence term read per encoder and
        pool (``Hit.sentence_spread``: the answerers z-score against it instead of searching the
        sentence pools again; None with a filter, whose pools are not the whole index's).

        The best-sentence term runs last: it scores the sentences of the passages the dense and
        BM25 stages found (a pool of at most ``sentence_scan_max`` sentences whole).
        """
        evidence, spread = self.evidence_with_spread(query, query_vectors, allowed, depth)
        scores = evidence.fused
        if self.reranker is not None:
            order = evidence.top(max(self.reranker.depth, depth))
            features = candidate_features(evidence, order, self.index.row_langs, len(self.encoders), self.reranker.names)
            scores = rerank(scores, order, self.reranker.scores(features))
        return self.reference_stage.run(scores, depth), spread

    def evidence_with_spread(
        self, query: str, query_vectors: Sequence[np.ndarray], allowed: np.ndarray | None = None, depth: int = 0
    ) -> tuple[Evidence, SentenceSpread | None]:
        """What every stage found for one query (``Evidence.fused``: the first stage's fused
        scores; the raw cosines and BM25 shares the reranker reads), and the sentence spread of
        :meth:`score_with_spread`."""
        query_lang = detect_lang(query)
        weighted = {number: vector for number, (weight, vector) in enumerate(zip(self.weights.dense, query_vectors)) if weight}
        weights = dict(enumerate(self.weights.dense))
        raw_dense = self.dense_stage.raw_all(weighted, allowed, depth)  # every pool of every encoder side by side
        dense_terms = self.dense_stage.terms(raw_dense, weights)
        shares = self.lexical_stage.shares(query, allowed, depth) if self.weights.bm25 else {}
        lexical = self.lexical_stage.weighted(shares, query_lang, self.weights.bm25, self.weights.cross_script_bm25)
        candidates = np.array(sorted(set(lexical).union(*(term.scores for found in dense_terms.values() for term in found))), dtype=np.int64)
        sentences = self.sentence_stage.search_all(weighted, allowed, candidates) if self.weights.sentence else {}
        terms: list[PoolScores] = []
        spread: SentenceSpread = {}
        for number in weighted:
            terms += dense_terms[number]
            if self.weights.sentence:
                found = sentences[number]
                terms += self.sentence_stage.terms(found, weights[number] * self.weights.sentence)
                spread.update({(number, pool): matches.top for pool, matches in found.items()})
        dense = fuse(terms, self.index.row_langs)
        scores = {row: dense.get(row, 0.0) + lexical.get(row, 0.0) for row in set(dense) | set(lexical)}
        evidence = Evidence(
            query_lang,
            scores,
            raw_dense,
            {number: {pool: matches.best for pool, matches in found.items()} for number, found in sentences.items()},
            shares,
            self.weights.cross_script_bm25,
        )
        return evidence, (spread if spread and allowed is None else None)

    def related(
        self,
        source: str,
        page: int | None = None,
        chunk: int | None = None,
        k: int = 5,
        sources: set[str] | None = None,
        langs: set[str] | None = None,
        collections: set[str] | None = None,
        same_language: bool = False,
    ) -> list[Hit]:
        """Passages of other documents closest to a passage (``chunk``), a page (``page``) or a
        whole document (neither), in the other language unless ``same_language`` or ``langs``
        says otherwise. Takes the same filters as :meth:`run`; the passage itself must pass the
        collections filter (a caller never learns what is near a passage it may not read).

        Raises:
            ValueError: no such document, page or passage (or not readable by the caller).
        """
        if k <= 0:
            raise ValueError(f"k must be positive, got {k}")
        rows = self.passage_rows(source, page, chunk, collections)
        allowed = self.allowed_rows(SearchFilter.of(sources, langs, collections))
        if allowed is not None and not len(allowed):
            return []
        own_langs = {dominant_language(self.index.row_langs, rows)}
        other_language = not same_language and not (langs and set(langs) & own_langs)
        finder = RelatedPassages(self.index, self.weights.dense, self.weights.sentence, candidates=max(50, k))
        found = finder.run(rows, 2 * k + 5, allowed, same_language=not other_language)
        return self.top(dict(found), k)

    def passage_rows(
        self, source: str, page: int | None = None, chunk: int | None = None, collections: set[str] | None = None
    ) -> list[int]:
        """Rows of a document, of one of its pages, or of one passage (by its number)."""
        rows = np.flatnonzero(self.index.row_sources == source)
        if collections is not None:
            rows = rows[np.isin(self.row_collections[rows], list(collections))]
        if not len(rows):
            raise ValueError(f"{source!r} is not a document of this index: see /api/documents or policyrag search")
        if chunk is None and page is None:
            return rows.tolist()
        chunks = self.index.store.get(rows.tolist())
        if chunk is not None:
            chosen = [row for row, item in zip(rows.tolist(), chunks) if chunk_number(item.chunk_id) == chunk]
            what = f"passage {chunk}"
        else:
            chosen = [
                row for row, item in zip(rows.tolist(), chunks)
                if item.page is not None and item.page <= page <= (item.page_end or item.page)  # type: ignore[operator]
            ]
            what = f"page {page}"
        if not chosen:
            raise ValueError(_no_such_part(source, what, chunks, chunk is not None))
        return chosen

    def top(self, scores: dict[int, float], k: int, spread: SentenceSpread | None = None) -> list[Hit]:
        """The ``k`` best rows as hits, near-duplicates folded into the best-ranked copy (each hit
        carries the query's ``spread``, see :meth:`score_with_spread`)."""
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        hits: list[Hit] = []
        window = 2 * k + 5 if self.dedup else k
        while True:
            rows = [row for row, _ in ranked[:window]]
            chunks = self.index.store.get(rows)
            families = self.dedup.run([chunk.text for chunk in chunks], k, rows) if self.dedup else [[i] for i in range(len(rows))][:k]
            if len(families) >= k or window >= len(ranked):
                break
            window *= 2
        for rank, family in enumerate(families[:k], start=1):
            first = family[0]
            also = tuple((chunks[i].source, chunks[i].page) for i in family[1:])
            hits.append(
                Hit(
                    rank=rank, score=ranked[first][1], chunk=chunks[first], also_in=also, row=rows[first],
                    sentences=self.index.sentences, sentence_spread=spread,
                )
            )
        return hits


def _no_such_part(source: str, what: str, chunks: Sequence[Chunk], by_passage: bool) -> str:
    """Why a document has no such passage or page, and what it has: passages numbered from 0; the
    pages of a PDF (not its passage count); no pages at all for a file without them (Markdown,
    text, HTML), where a passage number is what to ask for."""
    numbers = [number for number in (chunk_number(item.chunk_id) for item in chunks) if number is not None]
    passages = f"{min(numbers)}-{max(numbers)}" if numbers else "none"
    if by_passage:
        return f"{source} has no {what} in this index: its passages are numbered {passages}"
    pages = [page for item in chunks for page in (item.pages or ())]
    if not pages:
        return f"{source} has no pages (pages apply to PDFs): ask for one of its passages by number instead (chunk {passages})"
    return f"{source} has no {what} in this index: its pages are {min(pages)}-{max(pages)}"

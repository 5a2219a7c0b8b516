"""The one place where components are composed: the CLI, the web app and Python users all come here.

Example:
    >>> from assistant.api import PolicyRAG, build_index
    >>> build_index(["../shared/corpus"], index_dir=Path(".policyrag/index"))   # doctest: +SKIP
    >>> rag = PolicyRAG.open(Path(".policyrag/index"))                          # doctest: +SKIP
    >>> rag.search("หลัก Once-Only คืออะไร", k=3)[0].chunk.source              # doctest: +SKIP
    'oecd/oecd-digital-government-index-2019-results.pdf'
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.answer_model import Answer, Answerer
from assistant.limits import check_k, check_query
from assistant.related_gap import FilterValues, RelatedGap
from assistant.related_gap import explain as explain_related_gap
from assistant.settings import Settings
from assistant.questions import search_text
from corpus.manifest import CorpusManifest
from index.analyzer import ThaiEnglishAnalyzer
from index.cpu_policy import QueryProcessMark, ingest_threads, polite_ingest, serving_queries_here
from index.embedder import Embedder, UseEmbedder, make_encoder
from index.encoder_text import NormalisedEncoder
from index.live import LiveIndex
from index.preparation import DocumentPreparation, PreparedChunks, PreparedDocument
from index.retrieval import Deduplicator, Hit, HybridRetriever, RetrievalWeights
from index.retrieval.rerank import make_reranker
from index.storage import BuildStats, IndexWriter, OpenIndex
from index.vector_store import StoreOptions, VectorStoreBackend, make_backend
from ingest.chunker import Chunker
from ingest.fidelity import FidelityReport
from ingest.loader import DocumentLoader, SkippedFile
from ingest.model import Chunk, Document
from ingest.report import problem_lines

logger = logging.getLogger(__name__)


# What :meth:`PolicyRAG.warm_up` searches: one question in each language (the Thai one runs the
# Thai segmenter and the extractive answerer's Thai sentence tools).
WARM_UP_QUESTIONS = ("รัฐบาลดิจิทัลคืออะไร", "What is digital government?")


def make_encoders(settings: Settings, purpose: str = "query", polite: bool = False) -> list[Embedder | UseEmbedder]:
    """The primary embedding model, then the optional second one, with the CPU threads of their
    ``purpose``: ``query`` (``query_threads``) or ``ingest`` (``ingest_threads``; one core fewer
    when ``polite``: queries are being served, see ``index/cpu_policy.py``)."""
    models = [settings.model] + ([settings.second_model] if settings.second_model else [])
    threads = ingest_threads(settings.ingest_threads, polite) if purpose == "ingest" else settings.query_threads
    return [
        NormalisedEncoder(  # type: ignore[misc]
            make_encoder(
                model,
                settings.query_prompt,
                settings.passage_prompt,
                settings.embed_batch_size,
                backend=settings.encoder_backend,
                threads=threads,
            )
        )
        for model in models
    ]


def make_loader(settings: Settings, workers: int = 1) -> DocumentLoader:
    """The document loader ``build_index`` reads with (uploads are checked with the same one);
    ``workers``: processes reading files (``ingest/parallel.py``)."""
    return DocumentLoader(
        max_file_bytes=settings.max_file_bytes,
        show_progress=settings.show_progress,
        pdf_headings=settings.pdf_headings,
        ocr=settings.ocr,
        ocr_languages=settings.ocr_languages,
        ocr_dpi=settings.ocr_dpi,
        workers=workers,
    )


def make_vector_store(settings: Settings, index_dir: Path) -> VectorStoreBackend:
    """The vector-store back end ``policyrag ingest`` writes with (``vector_store`` setting)."""
    return make_backend(
        settings.vector_store,
        index_dir,
        faiss_exact_max=settings.faiss_exact_max,
        milvus_uri=settings.milvus_uri,
        milvus_token=settings.milvus_token,
        milvus_collection=settings.milvus_collection,
        milvus_index=settings.milvus_index,
    )


def store_options(settings: Settings) -> StoreOptions:
    """What opening an index's vector stores needs from the settings (a Milvus server's token)."""
    return StoreOptions(milvus_uri=settings.milvus_uri if settings.vector_store == "milvus" else "", milvus_token=settings.milvus_token)


@dataclass
class IngestReport:
    """What one ``build_index`` call read, skipped and wrote; ``build`` says what was re-embedded."""

    files_read: int
    skipped: list[SkippedFile]
    chunks: int
    chunks_by_lang: dict[str, int]
    read_seconds: float
    embed_seconds: float
    total_seconds: float
    index_dir: Path
    build: BuildStats
    sources: list[str] = field(default_factory=list)
    fidelity: list[FidelityReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[SkippedFile]:
        """Files that could not be indexed (``policyrag ingest`` exits with 1 when there are any)."""
        return [item for item in self.skipped if item.failed]

    def summary(self) -> str:
        build = self.build
        lines = [
            f"Indexed {self.files_read} file(s) into {self.chunks} passages "
            f"({', '.join(f'{lang}: {n}' for lang, n in sorted(self.chunks_by_lang.items()))}) "
            f"in {self.total_seconds:.1f} s (reading {self.read_seconds:.1f} s, embedding {self.embed_seconds:.1f} s).",
            f"Documents: {build.unchanged} unchanged (reused), {build.changed} new/changed (embedded), "
            f"{build.removed} removed; passages: {build.reused_passages} reused, {build.embedded_passages} embedded"
            + (f"; sentences: {build.reused_sentences} reused, {build.embedded_sentences} embedded" if build.sentences else "")
            + (f" (full rebuild: {build.rebuild_reason})" if build.full_rebuild and build.rebuild_reason else "")
            + ".",
            f"Index: {self.index_dir} ({build.generation.name})",
        ]
        lines.extend(problem_lines(self.skipped, self.fidelity, self.notes))
        return "\n".join(lines)


def build_index(
    paths: list[Path],
    settings: Settings | None = None,
    index_dir: Path | None = None,
    rebuild: bool = False,
    encoders: list[Embedder | UseEmbedder] | None = None,
) -> IngestReport:
    """Read, chunk and index ``paths`` (files or folders) into a new index generation, made live
    when complete.

    The index then holds exactly these documents: ones no longer given are removed. Passages
    already in the live index keep their vectors (only new and changed documents are embedded)
    unless ``rebuild`` is set or the models, prompts or chunking changed.

    Files are read, chunked and prepared for the index (sentence spans, BM25 terms) in
    ``ingest_threads`` worker processes (``ingest/parallel.py``, ``index/preparation.py``), then
    embedded here.

    Args:
        encoders: already loaded encoders to use (default: made from ``settings``).
    """
    settings = settings or Settings.load()
    index_dir = index_dir or settings.index_dir
    started = time.perf_counter()
    polite = encoders is None and polite_ingest(settings.ingest_nice)
    writer = IndexWriter(
        encoders or make_encoders(settings, purpose="ingest", polite=polite),
        ThaiEnglishAnalyzer(),
        passage_template=settings.passage_template,
        chunking={
            "max_chars": settings.chunk_max_chars,
            "overlap_chars": settings.chunk_overlap_chars,
            "min_chars": settings.chunk_min_chars,
            "pdf_headings": int(settings.pdf_headings),
        },
        show_progress=settings.show_progress,
        # Sources are relative to each folder given, or to a single file's own folder (the loader's rule).
        roots=[Path(path) if Path(path).is_dir() else Path(path).parent for path in paths],
        sentence_vectors=settings.sentence_vectors,
        vector_store=make_vector_store(settings, index_dir),
        store_options=store_options(settings),
        sentence_method=settings.sentence_embedding,
        sentence_context=settings.sentence_context,
    )
    preparation = DocumentPreparation(
        Chunker(max_chars=settings.chunk_max_chars, overlap_chars=settings.chunk_overlap_chars, min_chars=settings.chunk_min_chars),
        writer.chunk_preparation(),
        # The manifest beside each folder given (or the packaged one): titles, metadata, exclusions.
        [CorpusManifest.find(root) for root in dict.fromkeys(Path(path) for path in paths if Path(path).is_dir())],
    )
    # Reading processes: a core is left to the queries when another process or this one serves them.
    workers = ingest_threads(settings.ingest_threads, polite or serving_queries_here())
    # The models load in this process while the workers read (5-10 s otherwise spent after the reading).
    loading = _start_loading(writer) if workers > 1 else None
    loaded = make_loader(settings, workers=workers).run([Path(path) for path in paths], prepare=preparation)
    if loading is not None:
        loading.join()
    documents: list[Document] = []
    skipped = list(loaded.skipped)
    chunks: list[Chunk] = []
    prepared = PreparedChunks(writer.chunk_preparation().key())
    for document, done in zip(loaded.documents, loaded.prepared):
        assert isinstance(done, PreparedDocument)
        if done.excluded_by is not None:
            skipped.append(SkippedFile(document.path, f"excluded by the corpus manifest ({done.excluded_by})", failed=False))
            continue
        documents.append(document)
        chunks += done.chunks
        prepared.extend(done.prepared)
    excluded = {document.source for document in loaded.documents} - {document.source for document in documents}
    read_seconds = time.perf_counter() - started
    if not chunks:
        raise ValueError(
            "nothing to index: no readable text in " + ", ".join(str(path) for path in paths)
            + "".join(f"\n{line}" for line in problem_lines(skipped, loaded.fidelity, loaded.notes))
        )
    stats: BuildStats = writer.run(documents, chunks, index_dir, rebuild=rebuild, prepared=prepared)
    by_lang: dict[str, int] = {}
    for chunk in chunks:
        by_lang[chunk.lang] = by_lang.get(chunk.lang, 0) + 1
    return IngestReport(
        files_read=len(documents),
        skipped=skipped,
        chunks=stats.chunks,
        chunks_by_lang=by_lang,
        read_seconds=read_seconds,
        embed_seconds=stats.embed_seconds,
        total_seconds=time.perf_counter() - started,
        index_dir=index_dir,
        build=stats,
        sources=[document.source for document in documents],
        fidelity=[report for report in loaded.fidelity if report.source not in excluded],
        notes=loaded.notes,
    )


def _start_loading(writer: IndexWriter) -> threading.Thread:
    """A thread loading the writer's models; an error is logged here and raised again by the
    first embedding, which loads them then."""

    def load() -> None:
        try:
            writer.load_models()
        except Exception as error:  # noqa: BLE001 - raised again where the models are used
            logger.debug("loading the models beside the reading failed: %s", error)

    thread = threading.Thread(target=load, name="policyrag-load-models", daemon=True)
    thread.start()
    return thread


def make_answerer(
    settings: Settings,
    encoders: list[Embedder | UseEmbedder],
    term_weights: Callable[[Sequence[str]], dict[str, float]] | None = None,
    document_chunks: Callable[[str], Sequence[tuple[int, Chunk]]] | None = None,
) -> Answerer:
    """The answerer chosen by ``settings.answerer``, over the index's encoders (primary first).

    Args:
        term_weights: IDF of analyzer terms in the index (quoting weighs rare question words more).
        document_chunks: a document's passages in order (a list question's items may run on past
            the passages retrieval returned).
    """
    from assistant.answerability import AnswerabilityCheck
    from assistant.evidence import EvidenceFinder
    from assistant.extractive import ExtractiveAnswerer
    from assistant.lists import ListFinder

    analyzer = ThaiEnglishAnalyzer()
    finder = EvidenceFinder(
        encoders[0],
        encoders[1] if len(encoders) > 1 else None,
        analyzer,
        passages=settings.answer_passages,
        min_similarity=settings.support_min_similarity,
        strong_similarity=settings.support_strong_similarity,
        min_overlap=settings.support_min_overlap,
        full_overlap_similarity=settings.support_full_overlap_similarity,
        passage_template=settings.passage_template,
        term_weights=term_weights,
        answerability=AnswerabilityCheck(quotes=settings.answer_max_sentences) if settings.support_specifics else None,
    )
    extractive = ExtractiveAnswerer(
        finder,
        max_sentences=settings.answer_max_sentences,
        min_sentences=settings.answer_min_sentences,
        max_chars=settings.answer_max_chars,
        mmr_lambda=settings.answer_mmr_lambda,
        lists=ListFinder(
            encoders[0], analyzer, document_chunks, passages=settings.answer_passages,
            second_encoder=encoders[1] if len(encoders) > 1 else None, term_weights=term_weights,
        ),
    )
    if settings.answerer == "extractive":
        return extractive
    from assistant.llm import LLMAnswerer

    return LLMAnswerer(
        finder,
        extractive,
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout,
        passages=settings.answer_passages,
        passage_chars=settings.llm_passage_chars,
        max_sentences=settings.answer_max_sentences,
        extra_body=json.loads(settings.llm_extra_body) if settings.llm_extra_body else None,
    )


class PolicyRAG:
    """An opened index plus the query-side components: search in Thai or English, get cited passages.

    Safe to share between threads (a web server). While it is open, a ``policyrag ingest`` into
    the same folder can publish a new generation: the next query notices (one ``stat`` of
    ``CURRENT``), the new generation is opened in the background while queries go on against the
    old one, and then swapped in; the old one is closed when its last query is done. Set
    ``follow_index = false`` to stay on the generation that was opened.
    """

    def __init__(self, index: OpenIndex, encoders: list[Embedder | UseEmbedder], settings: Settings) -> None:
        self.encoders = encoders
        self.settings = settings
        self._live: LiveIndex[HybridRetriever] = LiveIndex(
            index.index_dir, self._prepare, opened=index, follow=settings.follow_index, options=store_options(settings)
        )
        self._answerer: Answerer | None = None
        # An ingest started while this is open yields the CPU to its queries (index/cpu_policy.py).
        self._query_mark = QueryProcessMark()

    def _prepare(self, index: OpenIndex) -> HybridRetriever:
        """The retriever for one generation; refuses one built with other models or prompts."""
        index.manifest.check_encoders(
            [(encoder.model_name, encoder.query_prompt, encoder.passage_prompt) for encoder in self.encoders],
            index.index_dir,
        )
        return HybridRetriever(
            index,
            self.encoders,
            weights=RetrievalWeights(
                dense=(self.settings.dense_weight, self.settings.second_model_weight)[: len(self.encoders)],
                bm25=self.settings.bm25_weight,
                cross_script_bm25=self.settings.cross_script_bm25_weight,
                sentence=self.settings.sentence_weight,
                reference_list=self.settings.reference_list_weight,
            ),
            dense_candidates=self.settings.dense_candidates,
            bm25_candidates=self.settings.bm25_candidates,
            sentence_candidates=self.settings.sentence_candidates,
            dedup=Deduplicator(self.settings.dedup_threshold) if self.settings.dedup_threshold else None,
            expand_terms=self.settings.expand_terms,
            sentence_scan_max=self.settings.sentence_scan_max,
            search_threads=self.settings.search_threads,
            reranker=make_reranker(self.settings.reranker, len(self.encoders)),
        )

    @property
    def answerer(self) -> Answerer:
        """The answerer chosen by the settings, built on first use."""
        if self._answerer is None:
            self._answerer = make_answerer(self.settings, self.encoders, self.term_weights, self.document_chunks)
        return self._answerer

    def term_weights(self, terms: Sequence[str]) -> dict[str, float]:
        """IDF of each analyzer term in the index in use (0 for a term no passage has)."""
        with self._live.lease() as retriever:
            bm25 = retriever.index.bm25
            return {term: bm25.query_bound([term]) for term in terms}

    def document_chunks(self, source: str) -> list[tuple[int, Chunk]]:
        """The passages of document ``source`` in the index in use, in document order, as (row, chunk)."""
        with self._live.lease() as retriever:
            index = retriever.index
            rows = [int(row) for row in np.flatnonzero(index.row_sources == source)]
            return list(zip(rows, index.store.get(rows)))

    @classmethod
    def open(cls, index_dir: Path | None = None, settings: Settings | None = None) -> PolicyRAG:
        """Open an index; fails with a rebuild hint when it was built with another model or prompts."""
        settings = settings or Settings.load()
        index_dir = index_dir or settings.index_dir
        index = OpenIndex(index_dir, options=store_options(settings))
        try:
            return cls(index, make_encoders(settings), settings)
        except BaseException:
            index.close()
            raise

    @property
    def index(self) -> OpenIndex:
        """The generation queries are answered from now."""
        return self._live.current.index

    @property
    def retriever(self) -> HybridRetriever:
        return self._live.current.payload

    @property
    def generation(self) -> str:
        return self._live.generation.name

    @contextmanager
    def pinned(self) -> Iterator[HybridRetriever]:
        """The retriever of the generation in use, kept open for the whole ``with`` block.

        For work that needs one generation across several calls (search, then read neighbouring
        passages from ``retriever.index.store``); ``search`` pins by itself. Holding
        ``rag.retriever`` outside such a block may meet a generation closed by a reload.
        """
        with self._live.lease() as retriever:
            yield retriever

    def refresh(self, timeout: float | None = None) -> str:
        """Pick up a newly published generation now (waiting for it to open); returns the one in use."""
        return self._live.refresh(timeout).name

    def search(
        self,
        query: str,
        k: int | None = None,
        sources: set[str] | None = None,
        langs: set[str] | None = None,
        collections: set[str] | None = None,
    ) -> list[Hit]:
        """The ``k`` passages that best answer ``query``, Thai or English.

        Args:
            sources, langs: only these documents / passage languages (None or empty: all).
            collections: only passages of these collections (access control: None is all, an
                empty set is none). Filters apply before any candidate list is cut.

        Raises:
            ValueError: the query is empty, or ``k`` is below 1.
            QueryTooLongError: the query is longer than ``max_query_chars`` (refused before any work).
        """
        check_query(query, self.settings.max_query_chars)
        check_k(k)
        with self._live.lease() as retriever:
            text = search_text(query, retriever.abbreviations)
            return retriever.run(text, k=k or self.settings.top_k, sources=sources, langs=langs, collections=collections)

    def ask(
        self,
        question: str,
        k: int | None = None,
        sources: set[str] | None = None,
        langs: set[str] | None = None,
        collections: set[str] | None = None,
    ) -> Answer:
        """Retrieve, then answer with citations (or say the documents do not answer).

        Example:
            >>> rag.ask("What is the once-only principle?").text.splitlines()[0]   # doctest: +SKIP
            'According to the documents:'
        """
        return self.answerer.answer(question, self.search(question, k, sources, langs, collections))

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        sources: set[str] | None = None,
        langs: set[str] | None = None,
        collections: set[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, yielding text as it is written; the last item is the checked Answer,
        whose text replaces what was streamed."""
        hits = self.search(question, k, sources, langs, collections)
        yield from self.answerer.stream(question, hits)

    def related(
        self,
        source: str,
        page: int | None = None,
        chunk: int | None = None,
        k: int | None = None,
        sources: set[str] | None = None,
        langs: set[str] | None = None,
        collections: set[str] | None = None,
    ) -> list[Hit]:
        """The passages of other documents closest to a passage (``chunk``: its number in the
        document, ``Hit.chunk_number``), a page, or a whole document, in the other language:
        the OECD principle behind a Thai practice, and back. Same filters as :meth:`search`.

        Raises:
            ValueError: no such document, page or passage, or not in ``collections``.
        """
        check_k(k)
        with self._live.lease() as retriever:
            return retriever.related(source, page, chunk, k or self.settings.top_k, sources, langs, collections)

    def related_gap(
        self,
        source: str,
        page: int | None = None,
        chunk: int | None = None,
        sources: set[str] | None = None,
        langs: set[str] | None = None,
        collections: set[str] | None = None,
        filters: FilterValues | None = None,
    ) -> RelatedGap | None:
        """Why :meth:`related` of the same arguments is empty (None: passages are left to relate
        to); ``filters`` are the filters as the user set them, named in the message.

        Raises:
            ValueError: no such document, page or passage, or not in ``collections``.
        """
        with self._live.lease() as retriever:
            return explain_related_gap(retriever, source, page, chunk, sources, langs, collections, filters)

    def search_many(
        self, queries: list[str], k: int | None = None, sources: set[str] | None = None, langs: set[str] | None = None
    ) -> list[list[Hit]]:
        """:meth:`search` of many queries, embedded in one batch per encoder (same filters)."""
        for query in queries:
            check_query(query, self.settings.max_query_chars)
        check_k(k)
        with self._live.lease() as retriever:
            texts = [search_text(query, retriever.abbreviations) for query in queries]
            return retriever.run_batch(texts, k=k or self.settings.top_k, sources=sources, langs=langs)

    def warm_up(self) -> float:
        """Load now what the first question would otherwise load, and return the seconds it took.

        The encoders load on first use (e5's tokenizer and OpenVINO compile, USE's weights: 8-15 s
        on an office CPU), and so does the Thai word segmenter's dictionary: the first question
        after ``policyrag serve`` started took that long, later ones 0.03-0.15 s. Each encoder is loaded for queries (one text at a time,
        not the ingest's batch compile), then one Thai and one English question are searched
        (nothing is recorded: this is below the service's audit log).
        """
        start = time.perf_counter()
        for encoder in self.encoders:
            load = getattr(encoder, "load", None)
            if callable(load):
                load(throughput=False)
        for question in WARM_UP_QUESTIONS:
            self.search(question)
        return time.perf_counter() - start

    def close(self) -> None:
        self._live.close()
        self._query_mark.close()

"""What an index build computes per chunk before any model runs, done where the file was read.

A chunk's quotable sentence spans (pythainlp crfcut for Thai) and its BM25 terms (newmm) are
pure Python and depend on nothing but the chunk: ``build_index`` computes them in the worker
processes that read the files (``ingest.parallel``), beside the chunking, instead of one after
the other in the process that embeds. On the reference corpus the sentence spans took 3.4 s and
the BM25 terms 1.5 s of single-core time.

:class:`ChunkPreparation` is the index writer's own recipe (passage template, analyzer, whether
sentences get vectors), so what the workers compute is what the writer would have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from index.analyzer import RegexAnalyzer, ThaiEnglishAnalyzer, analyzer_from_dict
from index.sentences import chunk_sentence_spans, document_heading_paths, drop_overlap_tails, sentence_heading_paths
from index.token_pooling import Span
from ingest.chunker import Chunker
from ingest.model import Chunk, Document


@dataclass
class PreparedChunks:
    """Per chunk, in chunk order: the BM25 terms of its passage and its sentence spans.

    Attributes:
        key: :meth:`ChunkPreparation.key` of the preparation that made them.
        bm25_terms: the analyzer's index terms of each chunk's passage (``passage_for_index``).
        sentence_spans: each chunk's quotable sentences, (start, end) offsets in its text
            (``index.sentences.chunk_sentence_spans``); None when sentences get no vectors.
        sentence_headings: the heading path each of those sentences sits under
            (``index.sentences.sentence_heading_paths``); None when sentences get no vectors.
    """

    key: tuple[object, ...] = ()
    bm25_terms: list[list[str]] = field(default_factory=list)
    sentence_spans: list[list[Span]] | None = None
    sentence_headings: list[list[tuple[str, ...]]] | None = None

    def extend(self, other: PreparedChunks) -> None:
        """Add ``other``'s chunks after these (``other`` made by the same preparation)."""
        if other.key and self.key and other.key != self.key:
            raise ValueError("chunks prepared for different index writers cannot be joined")
        self.key = self.key or other.key
        self.bm25_terms += other.bm25_terms
        if other.sentence_spans is not None:
            self.sentence_spans = (self.sentence_spans or []) + other.sentence_spans
        if other.sentence_headings is not None:
            self.sentence_headings = (self.sentence_headings or []) + other.sentence_headings

    def __len__(self) -> int:
        return len(self.bm25_terms)


class ChunkPreparation:
    """The per-chunk work of an :class:`index.storage.IndexWriter` that needs no model.

    Picklable (a worker process rebuilds the analyzer from its settings).

    Args:
        passage_template: as the writer's (``passage_for_index``).
        analyzer: the writer's BM25 analyzer.
        sentence_vectors: whether the writer gives sentences vectors (then spans are found).
    """

    def __init__(self, passage_template: str, analyzer: ThaiEnglishAnalyzer | RegexAnalyzer, sentence_vectors: bool) -> None:
        self.passage_template = passage_template
        self.analyzer = analyzer
        self.sentence_vectors = sentence_vectors

    def key(self) -> tuple[object, ...]:
        """What the result depends on: a writer takes prepared chunks only with its own key."""
        return (self.passage_template, repr(sorted(self.analyzer.to_dict().items())), self.sentence_vectors)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "analyzer": self.analyzer.to_dict()}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update({**state, "analyzer": analyzer_from_dict(state["analyzer"])})  # type: ignore[arg-type]

    def __call__(self, chunks: Sequence[Chunk], documents: Sequence[Document] = ()) -> PreparedChunks:
        """Prepare ``chunks``; ``documents``: theirs, whose heading structure places each sentence
        under its own heading (a chunk of a document not given keeps its heading path throughout)."""
        from index.storage import passage_for_index

        terms = self.analyzer.run_batch([passage_for_index(chunk, self.passage_template) for chunk in chunks], for_index=True)
        if not self.sentence_vectors:
            return PreparedChunks(self.key(), terms)
        headings = document_heading_paths(documents)
        spans = drop_overlap_tails(chunks, [chunk_sentence_spans(chunk, headings.get(chunk.source, {})) for chunk in chunks])
        return PreparedChunks(
            self.key(),
            terms,
            spans,
            [sentence_heading_paths(chunk, found, headings.get(chunk.source, {})) for chunk, found in zip(chunks, spans)],
        )


class DocumentRules(Protocol):
    """A corpus manifest (``corpus.manifest.CorpusManifest``) as document preparation uses it."""

    source: str

    def is_excluded(self, source: str) -> bool: ...

    def apply(self, documents: list[Document]) -> None: ...


@dataclass
class PreparedDocument:
    """A document cut into chunks, the chunks prepared, or the manifest that excludes it."""

    chunks: list[Chunk]
    prepared: PreparedChunks
    excluded_by: str | None = None


class DocumentPreparation:
    """Apply the corpus manifests to a document just read, chunk it and prepare its chunks
    (``DocumentLoader.run(..., prepare=...)``: in the worker that read it).

    Args:
        chunker: cuts documents into chunks.
        chunks: the index writer's :class:`ChunkPreparation`.
        manifests: applied in order (titles, metadata, collections); a document one of them
            excludes is neither chunked nor prepared.
    """

    def __init__(self, chunker: Chunker, chunks: ChunkPreparation, manifests: Sequence[DocumentRules] = ()) -> None:
        self.chunker = chunker
        self.chunks = chunks
        self.manifests = list(manifests)

    def __call__(self, document: Document) -> PreparedDocument:
        for manifest in self.manifests:
            if manifest.is_excluded(document.source):
                return PreparedDocument([], PreparedChunks(self.chunks.key()), excluded_by=manifest.source)
            manifest.apply([document])
        chunks = self.chunker.run(document)
        return PreparedDocument(chunks, self.chunks(chunks, [document]))

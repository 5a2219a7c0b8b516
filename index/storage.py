"""Writing and opening an index folder.

Layout of an index folder::

    CURRENT            name of the live generation (replaced atomically)
    .write.lock        held by the one writer (``policyrag ingest``) at work
    gen-000003/        manifest.json, chunks.sqlite, dense-0/ (a vector store per encoder), bm25/, sentences/
    gen-000002/        the previous generation, kept for readers that still have it open
    milvus.db          with vector_store = "milvus" and no milvus_uri: the Milvus Lite file

A new index is written into a fresh generation folder and only then made live by replacing
``CURRENT`` in one ``os.replace``: a crash mid-build leaves the previous index intact and readers
never see a half-written one (see ``index/generations.py``).

Re-indexing is incremental: a passage whose text (title + heading path + chunk, exactly what the
encoders saw) is already in the live generation gets its vectors copied from there instead of
being embedded again, so only new and changed documents cost model time. Each document's content
hash (sha256 of its file, title and metadata) is stored to tell the user what changed. BM25 and
the chunk store are always rebuilt over all passages (seconds). When the encoders, prompts,
passage template or chunking differ from the live generation's, everything is embedded again.

Each passage's quotable sentences get vectors of their own (``index/sentences.py``), reused the
same way as the passage vectors.

Where the vectors and BM25 live is the vector-store back end's business (``index/vector_store``:
FAISS and bm25s files in the generation folder, or Milvus collections); the manifest records
which, and :class:`OpenIndex` opens a generation with the back end that wrote it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
import sys
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.analyzer import RegexAnalyzer, ThaiEnglishAnalyzer, analyzer_from_dict
from index.embedder import Embedder, UseEmbedder
from index.encoder_text import ENCODER_TEXT, encoder_text
from index.generations import (
    CURRENT_NAME,
    current_generation,
    current_name,
    next_generation,
    remove_unfinished,
    remove_unused,
    switch_to,
    writer_lock,
)
from index.manifest import IndexError_, IndexManifest
from index.preparation import ChunkPreparation, PreparedChunks
from index.sentence_embedding import (
    POOLED,
    SENTENCE_CONTEXTS,
    SENTENCE_METHODS,
    SEPARATE,
    embed_rows,
    method_record,
    sentence_groups,
    separate_sentence_texts,
)
from index.sentences import STAND_IN, SentenceVectors
from index.token_pooling import Span
from ingest.sentences import SENTENCE_RULES
from index.store import ChunkStore
from index.vector_store import (
    LexicalIndex,
    RowAttributes,
    StoreOptions,
    VectorStore,
    VectorStoreBackend,
    make_backend,
    open_backend,
    passage_keys,
)
from index.abbreviations import AbbreviationTable
from index.terms import TermTable
from ingest.model import Chunk, Document, document_text

logger = logging.getLogger(__name__)

__all__ = ["BuildStats", "CURRENT_NAME", "IndexWriter", "OpenIndex", "current_generation", "document_hash", "passage_for_index"]


def passage_for_index(chunk: Chunk, template: str, normalise: bool = True) -> str:
    """The text a chunk is found by, for the encoders and BM25 alike.

    A passage alone often lacks its subject ("only 40% evaluate the impact..." says nothing of
    digital government); the document title and heading path give it back. Measured on dev-qa,
    putting the title in front raised e5's Recall@10 from 0.60 to 0.80. Empty parts (a PDF
    chunk has no heading path) leave no blank lines. Thai digits are read as Arabic ones, as
    queries are (``index/encoder_text.py``).
    """
    heading = " > ".join(chunk.heading_path)
    text = template.format(title=chunk.title, heading=heading, text=chunk.text)
    text = "\n".join(line for line in text.split("\n") if line.strip())
    return encoder_text(text) if normalise else text


def document_hash(document: Document) -> str:
    """sha256 of the document's file bytes (its text when there is no file), title and metadata:
    everything of a document that can change what is indexed, apart from the index settings."""
    digest = hashlib.sha256()
    path = Path(document.path) if document.path else None
    if path is not None and path.is_file():
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(document_text(document).encode("utf-8"))
    digest.update(b"\0" + json.dumps([document.title, document.metadata], ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


@dataclass
class BuildStats:
    """What a build did. Documents are counted by source: ``unchanged`` ones had the same content
    hash and every passage's vectors reused; ``changed`` ones are new or changed (embedded)."""

    chunks: int
    documents: int
    embed_seconds: float
    bm25_seconds: float
    generation: Path
    unchanged: int = 0
    changed: int = 0
    removed: int = 0
    embedded_passages: int = 0
    reused_passages: int = 0
    full_rebuild: bool = True
    rebuild_reason: str = ""
    removed_sources: list[str] = field(default_factory=list)
    sentences: int = 0
    embedded_sentences: int = 0
    reused_sentences: int = 0
    # Where ``embed_seconds`` went, e.g. {"multilingual-e5-small passages": 16.2,
    # "multilingual-e5-small sentences": 20.1, ...}: each encoder's passage pass (with its pooled
    # sentences; model loading included) and its separate sentence pass, in wall seconds.
    embed_breakdown: dict[str, float] = field(default_factory=dict)


@dataclass
class _Previous:
    """What the live generation offers an incremental build."""

    hashes: dict[str, str]
    passage_rows: dict[str, int]  # passage text -> a row of the live generation
    vectors: list[np.ndarray]  # per encoder: row -> vector (rows of the live generation)
    # per encoder: row -> its sentences' vectors (read from the stored file on access), or None
    # where they cannot be reused (other sentence rules, or another sentence method:
    # index/sentence_embedding.py)
    sentence_vectors: list[Mapping[int, np.ndarray] | None]
    vector_store: dict[str, object]  # the live generation's back end (manifest ``vector_store``)
    analyzer: dict[str, object]  # the live generation's BM25 analyzer


class IndexWriter:
    """Builds a complete index generation from chunks and switches it in atomically.

    Args:
        encoders: encode passages; one set of dense pools each, the first is the primary model.
        analyzer: BM25 terms for passages (queries must use the same one).
        passage_template: how title, heading and text are put together for the embedding model.
        chunking: the chunker settings, recorded in the manifest.
        roots: the folders the documents' ``source`` paths are relative to, recorded in the manifest
            (the web app serves the original files from there).
        show_progress: progress bars and a line on what is reused, on stderr.
        sentence_vectors: also give each passage's sentences vectors (``index/sentences.py``),
            for better ranking among passages on the same topic.
        sentence_method: ``auto``, ``pooled`` (each sentence's vector pooled from its passage's
            forward pass, where the encoder can: no extra model pass) or ``separate`` (each
            sentence embedded again on its own); see ``index/sentence_embedding.py``.
        vector_store: where the dense vectors and BM25 are written (default: FAISS files in the
            generation folder; ``index.vector_store.make_backend``).
        store_options: what opening the live generation's stores needs (a Milvus token).
        sentence_context: what a sentence embedded apart is put after: ``heading`` (title and
            heading path) or ``title`` (title only).
    """

    def __init__(
        self,
        encoders: list[Embedder | UseEmbedder],
        analyzer: ThaiEnglishAnalyzer | RegexAnalyzer,
        passage_template: str = "{text}",
        chunking: dict[str, int] | None = None,
        show_progress: bool = True,
        roots: list[Path] | None = None,
        sentence_vectors: bool = True,
        sentence_method: str = "auto",
        vector_store: VectorStoreBackend | None = None,
        store_options: StoreOptions | None = None,
        sentence_context: str = "heading",
    ) -> None:
        if "{text}" not in passage_template:
            raise ValueError(f"passage_template must contain {{text}}, got {passage_template!r}")
        if sentence_method not in SENTENCE_METHODS:
            raise ValueError(f"sentence_method must be one of {', '.join(SENTENCE_METHODS)}, got {sentence_method!r}")
        if sentence_context not in SENTENCE_CONTEXTS:
            raise ValueError(f"sentence_context must be one of {', '.join(SENTENCE_CONTEXTS)}, got {sentence_context!r}")
        if not encoders:
            raise ValueError("IndexWriter needs at least one encoder")
        self.encoders = encoders
        self.analyzer = analyzer
        self.passage_template = passage_template
        self.chunking = chunking or {}
        self.show_progress = show_progress
        self.roots = list(dict.fromkeys(str(Path(root).resolve()) for root in roots or []))
        self.sentence_vectors = sentence_vectors
        self.vector_store = vector_store or make_backend("faiss", Path("."))
        self.store_options = store_options
        self.sentence_method = sentence_method
        self.sentence_context = sentence_context

    @functools.cached_property
    def sentence_methods(self) -> list[str]:
        """What each encoder's sentence vectors are (recorded in the manifest, compared on reuse).

        Asked when :meth:`run` starts, not when the writer is made: it loads the models
        (``can_pool_spans``), which a build that fails while reading then never loads."""
        return [
            method_record(
                POOLED
                if self.passage_template.count("{text}") == 1
                and getattr(encoder, "can_pool_spans", False)
                and (
                    self.sentence_method == "pooled"
                    or self.sentence_method == "auto" and getattr(encoder, "pooled_sentences_faithful", False)
                )
                else SEPARATE,
                self.sentence_context,
            )
            for encoder in self.encoders
        ]

    def load_models(self) -> None:
        """Load (and compile) every encoder now, e.g. in a thread while the files are read.

        Loading e5 and USE takes 5-10 s of the process that embeds (transformers' import, the
        tokenizer, OpenVINO's compile); ``build_index`` overlaps it with the reading, which runs in
        worker processes. A failure here is left for the first embedding to raise again."""
        for encoder in self.encoders:
            load = getattr(encoder, "load", None)
            if load is not None:
                load()
        self.sentence_methods  # noqa: B018 - computed once the models are in

    def chunk_preparation(self) -> ChunkPreparation:
        """The per-chunk work of this writer that needs no model (BM25 terms, sentence spans), to
        run where the files are read (``index/preparation.py``); its results go to :meth:`run`."""
        return ChunkPreparation(self.passage_template, self.analyzer, self.sentence_vectors)

    def run(
        self,
        documents: list[Document],
        chunks: list[Chunk],
        index_dir: Path,
        rebuild: bool = False,
        prepared: PreparedChunks | None = None,
    ) -> BuildStats:
        """Write a new generation of ``index_dir`` holding exactly ``documents``/``chunks`` and make it live.

        Args:
            rebuild: embed everything, reusing nothing from the live generation.
            prepared: what :meth:`chunk_preparation` computed for ``chunks`` (in chunk order);
                None: computed here.

        Raises:
            IndexBusyError: another writer is at work on ``index_dir``.
        """
        with writer_lock(index_dir):
            generation = next_generation(index_dir)  # numbers only grow, past crashed builds too
            remove_unfinished(index_dir)
            live = current_name(index_dir)
            previous, reason = (None, "--rebuild") if rebuild else self._previous(index_dir)
            try:
                preparation = self.chunk_preparation()
                if prepared is None or prepared.key != preparation.key():  # none, or made for another writer
                    prepared = preparation(chunks, documents)
                stats = self._write(documents, chunks, generation, previous, reason, prepared)
                switch_to(index_dir, generation)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                raise
            # Keep the generation just replaced: a reader may still be answering queries from it.
            kept = {generation.name, *([live] if live else [])}
            remove_unused(index_dir, keep=kept)
            try:
                self.vector_store.prune(index_dir, [index_dir / name for name in sorted(kept)])
            except Exception as error:  # noqa: BLE001 - the new index is live; the next ingest prunes again
                logger.warning("could not remove stale vectors from the %s vector store: %s", self.vector_store.name, error)
        return stats

    def _previous(self, index_dir: Path) -> tuple[_Previous | None, str]:
        """The live generation's hashes, passages and vectors, or None and why it cannot be reused."""
        if current_name(index_dir) is None:
            return None, "new index"
        try:
            generation = current_generation(index_dir)
            manifest = IndexManifest.load(generation)
        except (IndexError_, OSError, ValueError, TypeError) as error:
            return None, f"the live index cannot be read ({error})"
        built = [
            (str(e["model"]), int(e["dimension"]), str(e["query_prompt"]), str(e["passage_prompt"]))  # type: ignore[call-overload]
            for e in manifest.encoders
        ]
        wanted = [(e.model_name, int(e.dimension), e.query_prompt, e.passage_prompt) for e in self.encoders]
        if built != wanted:
            return None, "the embedding models or prompts changed"
        if manifest.passage_template != self.passage_template:
            return None, "the passage template changed"
        if dict(manifest.chunking) != dict(self.chunking):
            return None, "the chunking settings changed"
        try:
            store = ChunkStore(generation / "chunks.sqlite", read_only=True)
        except (IndexError_, OSError) as error:  # a damaged or missing chunk store: build anew
            return None, f"the live index cannot be read ({error})"
        try:
            hashes = store.content_hashes()
            # Vectors embedded before Thai digits were mapped are kept only where mapping changes nothing.
            stale = manifest.encoder_text != ENCODER_TEXT
            passage_rows = {
                passage_for_index(chunk, self.passage_template, normalise=not stale): row for row, chunk in store.iter_all()
            }
            if stale:
                passage_rows = {text: row for text, row in passage_rows.items() if encoder_text(text) == text}
            size = len(store)
        finally:
            store.close()
        vectors = []
        try:
            backend = open_backend(manifest.vector_store, index_dir, self.store_options)
            stores = [backend.open_dense(generation / f"dense-{number}", encoder.dimension) for number, encoder in enumerate(self.encoders)]
        except (OSError, RuntimeError, ValueError) as error:
            return None, f"the live index's vectors cannot be read ({error})"
        for number, encoder in enumerate(self.encoders):
            rows, found = stores[number].vectors()
            stores[number].close()
            if len(rows) != size:
                return None, f"the live index's dense-{number} vectors do not match its chunks"
            table = np.zeros((size, encoder.dimension), dtype=np.float32)
            table[rows] = found
            vectors.append(table)
        sentences = SentenceVectors.load(generation, [encoder.dimension for encoder in self.encoders])
        if manifest.sentence_rules != SENTENCE_RULES:  # other sentences were chosen: embed them again
            sentences = None
        sentence_vectors: list[Mapping[int, np.ndarray] | None] = [
            sentences.vectors_by_row(number, size)
            if sentences is not None and str(built.get("sentence_method", SEPARATE)) == method
            else None
            for number, (built, method) in enumerate(zip(manifest.encoders, self.sentence_methods))
        ]
        return _Previous(hashes, passage_rows, vectors, sentence_vectors, dict(manifest.vector_store), dict(manifest.analyzer)), ""

    def _write(
        self,
        documents: list[Document],
        chunks: list[Chunk],
        generation: Path,
        previous: _Previous | None,
        rebuild_reason: str,
        prepared: PreparedChunks,
    ) -> BuildStats:
        if len(prepared) != len(chunks) or (self.sentence_vectors and prepared.sentence_spans is None):
            raise ValueError(f"prepared data for {len(prepared)} chunks given with {len(chunks)} chunks")
        generation.mkdir(parents=True)
        hashes = {document.source: document_hash(document) for document in documents}
        store = ChunkStore(generation / "chunks.sqlite")
        store.add_chunks(chunks)
        for document in documents:
            store.add_document(
                document.source, document.title, document.lang, document.metadata, hashes[document.source], document.collection
            )
        store.close()

        started = time.perf_counter()
        passages = [passage_for_index(chunk, self.passage_template) for chunk in chunks]
        reuse = [previous.passage_rows.get(passage, -1) if previous else -1 for passage in passages]
        to_embed = [row for row, old in enumerate(reuse) if old < 0]
        if previous and self.show_progress:
            print(
                f"Reusing the vectors of {len(passages) - len(to_embed)} unchanged passage(s); "
                f"embedding {len(to_embed)} new or changed",
                file=sys.stderr,
            )
        langs = np.array([chunk.lang for chunk in chunks])
        documents_of_rows = [hashes[chunk.source] for chunk in chunks]
        attributes = RowAttributes(
            sources=[chunk.source for chunk in chunks],
            collections=[chunk.collection for chunk in chunks],
            langs=[chunk.lang for chunk in chunks],
            keys=passage_keys(documents_of_rows, passages),
            documents=documents_of_rows,
        )
        self.vector_store.begin(
            generation.parent,
            generation,
            previous.vector_store if previous else None,
            reuse_lexical=previous is not None and previous.analyzer == self.analyzer.to_dict(),
        )
        breakdown: dict[str, float] = {}
        mark = time.perf_counter()
        plan = (
            _SentencePlan.make(
                chunks,
                prepared.sentence_spans or [],
                passages,
                self.passage_template,
                reuse,
                previous,
                prepared.sentence_headings,
                self.sentence_context,
            )
            if self.sentence_vectors
            else None
        )
        breakdown["sentence plan"] = time.perf_counter() - mark
        if plan is not None and self.show_progress and plan.to_embed:
            print(f"Embedding {plan.to_embed} sentence(s) of {len(chunks)} passage(s)", file=sys.stderr)
        mark = time.perf_counter()
        methods = self.sentence_methods  # loads the models
        breakdown["loading models"] = time.perf_counter() - mark
        sentence_tables: list[np.ndarray] = []
        embedded_sentences = 0
        for number, encoder in enumerate(self.encoders):
            vectors = np.zeros((len(chunks), encoder.dimension), dtype=np.float32)
            if previous:
                kept = np.flatnonzero(np.array(reuse) >= 0)
                vectors[kept] = previous.vectors[number][np.array(reuse)[kept]]
            old_sentences = previous.sentence_vectors[number] if previous else None
            sentence_rows = plan.rows_to_embed(old_sentences) if plan is not None else []
            embedded = embed_rows(
                encoder,
                "pooled" if methods[number] == POOLED else "separate",
                passages,
                to_embed,
                sentence_rows,
                plan.groups if plan is not None else {},
                plan.texts if plan is not None else {},
                show_progress=self.show_progress,
            )
            name = str(getattr(encoder, "model_name", f"encoder {number}")).removeprefix("bundled:")
            breakdown.update({f"{name} {part}": seconds for part, seconds in embedded.seconds.items()})
            if to_embed:
                vectors[to_embed] = np.stack([embedded.passages[row] for row in to_embed])
            dense = self.vector_store.create_dense(f"dense-{number}", encoder.dimension, attributes)
            for lang in sorted(set(langs.tolist())):
                rows = np.flatnonzero(langs == lang)
                dense.add(lang, rows, vectors[rows])
            dense.save(generation / f"dense-{number}")
            dense.close()
            if plan is not None:
                sentence_tables.append(plan.vectors(encoder.dimension, vectors, old_sentences, embedded.sentences))
                embedded_sentences = max(embedded_sentences, sum(len(plan.texts[row]) for row in sentence_rows))
        sentence_count, reused_sentences = 0, 0
        if plan is not None:
            sentences = SentenceVectors(plan.rows, sentence_tables, plan.spans, langs[plan.rows] if len(plan.rows) else langs[:0])
            sentences.save(generation)
            sentence_count = len(sentences)
            reused_sentences = plan.reused(previous.sentence_vectors if previous else [])
        embed_seconds = time.perf_counter() - started

        # The bilingual term table (Thai term, English original) written in these documents,
        # rebuilt with every generation; the last encoder (USE, fast) picks the Thai words.
        TermTable.mine(((chunk.source, chunk.text) for chunk in chunks), self.encoders[-1]).save(generation)
        # The abbreviations the documents define ("... (สพร.)"), for questions that look one up.
        AbbreviationTable.mine((chunk.source, chunk.text) for chunk in chunks).save(generation)

        started = time.perf_counter()
        bm25 = self.vector_store.create_lexical(attributes).build(prepared.bm25_terms)
        bm25.save(generation / "bm25")
        bm25.close()
        bm25_seconds = time.perf_counter() - started

        embedded_sources = {chunks[row].source for row in to_embed}
        old_hashes = previous.hashes if previous else {}
        unchanged = [
            source for source in hashes if old_hashes.get(source) == hashes[source] and source not in embedded_sources
        ]
        removed = sorted(set(old_hashes) - set(hashes))

        IndexManifest(
            encoders=[
                {
                    "model": encoder.model_name,
                    "dimension": encoder.dimension,
                    "query_prompt": encoder.query_prompt,
                    "passage_prompt": encoder.passage_prompt,
                    "sentence_method": method,
                    "runtime": encoder.describe() if hasattr(encoder, "describe") else type(encoder).__name__,
                }
                for encoder, method in zip(self.encoders, self.sentence_methods)
            ],
            passage_template=self.passage_template,
            chunking=dict(self.chunking),
            analyzer=self.analyzer.to_dict(),
            chunks=len(chunks),
            documents=len(documents),
            languages=dict(Counter(chunk.lang for chunk in chunks)),
            roots=list(self.roots),
            sentences=sentence_count,
            sentence_rules=SENTENCE_RULES if sentence_count else "",
            vector_store=self.vector_store.describe(),
            encoder_text=ENCODER_TEXT,
        ).save(generation)
        return BuildStats(
            chunks=len(chunks),
            documents=len(documents),
            embed_seconds=embed_seconds,
            bm25_seconds=bm25_seconds,
            generation=generation,
            unchanged=len(unchanged),
            changed=len(documents) - len(unchanged),
            removed=len(removed),
            embedded_passages=len(to_embed),
            reused_passages=len(chunks) - len(to_embed),
            full_rebuild=previous is None,
            rebuild_reason=rebuild_reason,
            removed_sources=removed,
            sentences=sentence_count,
            embedded_sentences=embedded_sentences,
            reused_sentences=reused_sentences,
            embed_breakdown=breakdown,
        )


@dataclass
class _SentencePlan:
    """Which sentences get vectors and how, for one build (the same for every encoder).

    A chunk without a quotable sentence (a table, a list of short items) is represented by its
    passage vector, so that it is not ranked as if it had no sentence at all; so is a chunk that
    is one sentence (the same text would be embedded twice).
    """

    texts: dict[int, list[str]]  # row -> its sentences as embedded apart ([]: the passage stands in)
    groups: dict[int, list[list[Span]]]  # row -> pooling ranges of its sentences in the passage
    rows: np.ndarray  # (sentences,) chunk row of each sentence vector
    spans: np.ndarray  # (sentences, 2) offsets in the chunk text; STAND_IN for a passage vector
    starts: np.ndarray  # (chunks + 1,) first sentence number of each row
    reuse: list[int]  # row -> its row in the live generation, or -1
    to_embed: int = 0  # sentences without a reusable vector (for the progress line)

    @classmethod
    def make(
        cls,
        chunks: list[Chunk],
        chunk_spans: list[list[Span]],
        passages: list[str],
        template: str,
        reuse: list[int],
        previous: _Previous | None,
        chunk_headings: list[list[tuple[str, ...]]] | None = None,
        context: str = "heading",
    ) -> _SentencePlan:
        texts: dict[int, list[str]] = {}
        groups: dict[int, list[list[Span]]] = {}
        all_spans = []
        for row, (chunk, spans) in enumerate(zip(chunks, chunk_spans)):
            sentences = separate_sentence_texts(chunk, template, spans, chunk_headings[row] if chunk_headings else None)
            if sentences == [passages[row]]:  # the chunk is one sentence: its passage vector stands in
                texts[row] = []
            else:
                texts[row] = sentences if context == "heading" else separate_sentence_texts(chunk, template, spans, context=context)
            if texts[row]:
                groups[row] = sentence_groups(chunk, template, spans)[1] if template.count("{text}") == 1 else []
            all_spans += spans if texts[row] else [STAND_IN]
        rows = np.array([row for row in range(len(chunks)) for _ in range(max(1, len(texts[row])))], dtype=np.int64)
        plan = cls(
            texts,
            groups,
            rows,
            np.array(all_spans, dtype=np.int32).reshape(-1, 2),
            np.searchsorted(rows, np.arange(len(chunks) + 1)),
            reuse,
        )
        first = next((old for old in (previous.sentence_vectors if previous else []) if old is not None), None)
        plan.to_embed = sum(len(texts[row]) for row in plan.rows_to_embed(first))
        return plan

    def _reusable(self, row: int, old: Mapping[int, np.ndarray] | None) -> bool:
        return old is not None and self.reuse[row] >= 0 and len(old.get(self.reuse[row], ())) == max(1, len(self.texts[row]))

    def rows_to_embed(self, old: Mapping[int, np.ndarray] | None) -> list[int]:
        """Rows with sentences of their own whose vectors cannot be copied from ``old``."""
        return [row for row, sentences in self.texts.items() if sentences and not self._reusable(row, old)]

    def reused(self, old_per_encoder: list[Mapping[int, np.ndarray] | None]) -> int:
        """Sentence vectors copied (counted for the first encoder that had any to copy)."""
        old = next((found for found in old_per_encoder if found is not None), None)
        return sum(int(self.starts[row + 1] - self.starts[row]) for row in self.texts if self._reusable(row, old))

    def vectors(
        self,
        dimension: int,
        passage_vectors: np.ndarray,
        old: Mapping[int, np.ndarray] | None,
        embedded: dict[int, np.ndarray],
    ) -> np.ndarray:
        """(sentences, dimension) float32: one encoder's sentence vectors in sentence order, each
        copied, newly embedded, or the passage vector standing in."""
        vectors = np.zeros((len(self.rows), dimension), dtype=np.float32)
        for row in self.texts:
            start, end = self.starts[row], self.starts[row + 1]
            if self._reusable(row, old):
                vectors[start:end] = old[self.reuse[row]]  # type: ignore[index]
            elif self.texts[row]:
                vectors[start:end] = embedded[row]
            else:
                vectors[start:end] = passage_vectors[row]
        return vectors


class OpenIndex:
    """A read-only view of one generation of an index folder (the live one unless ``generation`` is given).

    Opened with the vector-store back end that wrote it (the manifest's ``vector_store``).
    FAISS pools and BM25 are loaded into memory, compressed pools' and sentences' full vectors
    are memory-mapped; the chunk store keeps an open handle, so the view keeps working after a
    writer switches generations or deletes this one.

    Attributes:
        dense: one :class:`~index.vector_store.VectorStore` per encoder, primary first.
        bm25: the :class:`~index.vector_store.LexicalIndex`.
        sentences: the sentence vectors, or None for an index built without them.
        attributes: each row's source, collection and language (for ``RowFilter`` searches).
        vector_store: the back end's name (``"faiss"`` or ``"milvus"``).
    """

    def __init__(self, index_dir: Path, generation: Path | None = None, options: StoreOptions | None = None) -> None:
        self.index_dir = index_dir
        self.options = options
        if generation is not None:
            self._open(generation)
            return
        for attempt in range(3):
            live = current_generation(index_dir)
            try:
                self._open(live)
                return
            except (OSError, RuntimeError):  # IndexError_ and FAISS read errors are RuntimeErrors
                # Two ingests finished while we were opening: the generation we read in CURRENT
                # was deleted under us. Open the newer one; anything else is a real error.
                if attempt == 2 or current_generation(index_dir) == live:
                    raise

    def _open(self, generation: Path) -> None:
        self.generation = generation
        self.manifest = IndexManifest.load(generation)
        self.store = ChunkStore(generation / "chunks.sqlite", read_only=True)
        self.dense: list[VectorStore] = []
        try:
            self.row_sources = np.array(self.store.row_sources())
            self.row_langs = np.array(self.store.row_langs())
            self.attributes = RowAttributes(sources=self.row_sources, collections=self.store.row_collections(), langs=self.row_langs)
            backend = open_backend(self.manifest.vector_store, generation.parent, self.options)
            self.vector_store = backend.name
            for number, encoder in enumerate(self.manifest.encoders):
                self.dense.append(backend.open_dense(generation / f"dense-{number}", int(encoder["dimension"]), self.attributes))  # type: ignore[call-overload]
            self.bm25: LexicalIndex = backend.open_lexical(generation / "bm25", self.attributes)
            self.analyzer = analyzer_from_dict(self.manifest.analyzer)
            self.sentences = SentenceVectors.load(generation, [int(e["dimension"]) for e in self.manifest.encoders])  # type: ignore[call-overload]
        except BaseException:
            self.store.close()
            raise

    def __len__(self) -> int:
        return len(self.row_sources)

    def close(self) -> None:
        for dense in self.dense:
            dense.close()
        if hasattr(self, "bm25"):
            self.bm25.close()
        self.store.close()

"""Sentence vectors: each passage is also found by its best-matching sentence.

A question is usually answered by one sentence, while a passage vector averages ten sentences
together: a neighbouring passage on the same topic often scores as high as the one holding the
answer. Scoring a passage by its best sentence as well (the "MaxP" idea of passage-level
re-ranking) separates them. Measured before adopting it:

- XQuAD (1,190 questions, 240 paragraphs a language), e5 alone: Recall@1 th->en 0.735 -> 0.792,
  en->th 0.773 -> 0.829, th->th 0.883 -> 0.905, en->en 0.937 -> 0.964 with the passage and
  best-sentence z-scores added with equal weights.
- dev-qa, inside the hybrid retriever: a sentence embedded alone lacks the subject its document
  gives it ("40% evaluate the impact" of what?) and pulled in sentences of other documents; each
  sentence is therefore embedded like a passage, after its document title and heading path
  (the passage template with the sentence as text).

Layout in a generation folder (``sentences/``): ``rows.npy`` (sentence number -> chunk row, in
row order), ``spans.npy`` ((n, 2) int32: each sentence's start and end offsets in its chunk's
text; (-1, -1) where a chunk's passage vector stands in for a chunk without its own sentences),
``pools.npy`` (uint8: each sentence's language pool, named in ``sentences.json``),
``vectors-N.npy`` ((n, dimension) float16: encoder N's vectors) and ``hubness-N.npy`` ((n,)
float16: each sentence's hubness under encoder N, ``index/hubness.py``; absent in older indexes).
The vector files are read on demand (``index/vector_store/vector_file.py``), never loaded whole: a product with a million passages has about five million sentences per
encoder (3.8 GB of fp16 for e5 alone), and ranking reads only the sentences of the candidate
passages (:meth:`SentenceVectors.best_per_row` with ``allowed_rows``), a few hundred rows of the
file. fp16 changes a cosine by less than 1e-3 (measured: ``tests/index/test_sentences.py``).
Retrieval scores only the sentences of the passages that passage search and BM25 found
(``index/retrieval/stages.py``, ``BestSentences``), and the top cosines of that one read are also
the spread the answerers z-score against (``Hit.sentence_spread``): no unfiltered query reads a
whole pool.
The answerers read the stored vectors of the top passages' sentences
(:meth:`SentenceVectors.for_rows`) instead of embedding them again at query time. Indexes written
before this layout (one FAISS index per pool under ``sentences/dense-N/``) still open: their
vectors are read into memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.hubness import cross_pool_hubness, pool_zscores
from index.manifest import MANIFEST_NAME
from index.vector_store.base import VectorStoreError
from index.vector_store.vector_file import VectorFile
from ingest.model import Chunk, Document
from ingest.quotable import opens_mid_sentence
from ingest.sentences import BLOCKS, Span, dedupe_key, passage_sentences

SENTENCES_DIR = "sentences"
INFO_NAME = "sentences.json"
FORMAT = 2
STAND_IN: Span = (-1, -1)  # the span recorded where a chunk's passage vector stands in
# The largest pool a caller without candidate passages may still scan whole (:meth:`SentenceVectors.
# scannable`): the answerers do, for the z-score spread of a hit that carries none (a filtered
# search), as they always did. 20,000 e5 + USE sentence vectors are 35 MB of fp16; a million
# passages' pools are 9 GB, never scanned.
SCAN_MAX = 20_000


@dataclass(frozen=True)
class SentenceMatches:
    """The best sentences of one pool for one query (:meth:`SentenceVectors.search`).

    Attributes:
        best: chunk row -> cosine of its best sentence among the top ones, best rows first.
        top: (<= candidates,) float32 cosines of the top sentences, best first: the spread the
            answerers z-score a question's sentences against.
        scanned: sentences scored (what the search read).
    """

    best: dict[int, float]
    top: np.ndarray
    scanned: int


def chunk_sentence_spans(chunk: Chunk, headings: Iterable[str] = ()) -> list[Span]:
    """Offsets in ``chunk.text`` of the sentences of a chunk that get their own vectors: the
    quotable ones (headings, the title, bibliography entries and fragments dropped). A chunk with
    none (a table, a list of short items) gets none: its passage vector stands for it.

    ``headings``: the document's other headings (``dedupe_key``, e.g. the keys of
    :func:`document_heading_paths`): a chunk holding several short sections has their headings in
    its text, and a heading is never quoted, whatever its wording."""
    skip = frozenset(dedupe_key(heading) for heading in (chunk.title, *chunk.heading_path)) | frozenset(headings)
    return passage_sentences(chunk.text, skip=skip)


def drop_overlap_tails(chunks: Sequence[Chunk], spans: Sequence[list[Span]]) -> list[list[Span]]:
    """``spans`` (:func:`chunk_sentence_spans` of each of ``chunks``) without the tails of sentences
    that a chunk's overlap cut: the chunker repeats the end of the previous chunk at the start of the
    next one from a sentence start of crfcut, which cuts Thai at spaces inside a sentence (and from a
    word boundary when no sentence starts in the overlap), so a chunk may open with the tail of a
    sentence: "สามารถใช้บริการได้อย่างมั่นใจ", "together government and non-government actors to ...".
    A span wholly inside that overlap whose text ends a longer sentence the previous chunk quotes,
    and that opens mid-sentence (``ingest.quotable.opens_mid_sentence``: a lower-case English word;
    Thai without a subject, or "และ"/"หรือ"), is no claim on its own (the whole sentence stays
    quotable in the previous chunk). A tail with its own subject ("โดยชื่อผู้ใช้งานจะเป็นเลขประจำตัว
    นิติบุคคล 13 หลัก") stays: it is a claim, and the one a question on that detail quotes.

    Args:
        chunks: chunks with their document offsets (``Chunk.start``, ``Chunk.end``), any order.
        spans: per chunk, (start, end) offsets in its text, as ``chunks``.

    Returns:
        per chunk, the spans kept, in their order.
    """
    kept = [list(found) for found in spans]
    order = sorted(range(len(chunks)), key=lambda i: (chunks[i].source, chunks[i].start, chunks[i].end))
    for before, index in zip(order, order[1:]):
        previous, chunk = chunks[before], chunks[index]
        overlap = previous.end - chunk.start
        if previous.source != chunk.source or overlap <= 0 or not kept[index]:
            continue
        quoted = [previous.text[start:end] for start, end in kept[before]]
        kept[index] = [
            (start, end)
            for start, end in kept[index]
            if not (
                end <= overlap
                and any(len(whole) > end - start and whole.endswith(chunk.text[start:end]) for whole in quoted)
                and opens_mid_sentence(chunk.text[start:end])
            )
        ]
    return kept


HeadingPaths = Mapping[str, Sequence[tuple[str, ...]]]


def document_heading_paths(documents: Iterable[Document]) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """source -> heading (``dedupe_key``) -> the full heading paths it ends, in document order:
    what :func:`sentence_heading_paths` looks a heading of a chunk's text up in."""
    found: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for document in documents:
        paths = found.setdefault(document.source, {})
        for block in document.blocks:
            if block.is_heading:
                paths.setdefault(dedupe_key(block.text), []).append((*block.heading_path, block.text))
    return found


def sentence_heading_paths(chunk: Chunk, spans: Sequence[Span], headings: HeadingPaths) -> list[tuple[str, ...]]:
    """The heading path each sentence of a chunk sits under, by the document's structure.

    Why: a chunk keeps the heading path of its first block, but short sections are merged into
    one chunk (a help page's questions and answers, several to a chunk), so a sentence after a
    second heading in the chunk is not under the chunk's heading path. Embedded after that path,
    the answer to "where do I get a smart card" carried the heading "which cards can I use", and
    neither retrieval's best-sentence term nor the quotes found it.

    Args:
        chunk: the chunk; ``chunk.heading_path`` holds until a heading block of its text.
        spans: (start, end) offsets of its sentences in ``chunk.text``.
        headings: the chunk's document's headings (:func:`document_heading_paths`); a paragraph
            of the chunk equal to one is a heading, and the path becomes that heading's full path
            (of several headings with that text, the one sharing most of the current path).

    Returns:
        One heading path (outermost first) per span.
    """
    if not headings or not spans:
        return [chunk.heading_path for _ in spans]
    changes: list[tuple[int, tuple[str, ...]]] = []
    current = chunk.heading_path
    for paragraph in BLOCKS.finditer(chunk.text):
        paths = headings.get(dedupe_key(paragraph.group(0)))
        if paths:
            current = max(paths, key=lambda path: (_shared_prefix(path[:-1], current), -abs(len(path) - 1 - len(current))))
            changes.append((paragraph.start(), current))
    result = []
    for start, _end in spans:
        path = chunk.heading_path
        for position, heading_path in changes:
            if position > start:
                break
            path = heading_path
        result.append(path)
    return result


def _shared_prefix(first: tuple[str, ...], second: tuple[str, ...]) -> int:
    count = 0
    for a, b in zip(first, second):
        if dedupe_key(a) != dedupe_key(b):
            break
        count += 1
    return count


def chunk_sentences(chunk: Chunk) -> list[str]:
    """The texts of :func:`chunk_sentence_spans`."""
    return [chunk.text[start:end] for start, end in chunk_sentence_spans(chunk)]


def _rules_of(folder: Path) -> str:
    """The sentence rules recorded in a generation's manifest ('' when none are recorded)."""
    try:
        return str(json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8")).get("sentence_rules", ""))
    except (OSError, ValueError):
        return ""


class SentenceVectors:
    """Per-encoder sentence vectors of one generation, ordered by chunk row, read on demand.

    Args:
        rows: (n,) the chunk row of each sentence, in sentence order (ascending rows).
        vectors: one (n, dimension) array per encoder (float16 ``VectorFile`` once saved; any
            float array while building), L2-normalised.
        spans: (n, 2) int32 offsets of each sentence in its chunk's text, (-1, -1) for a stand-in
            passage vector; None for an index written before spans were stored.
        pools: (n,) the language pool of each sentence (its chunk's language).
        rules: the ``ingest.sentences.SENTENCE_RULES`` the sentences were chosen under ('' when
            unknown): when it is the current one, the stored spans are exactly the quotable
            sentences and a reader need not split the passages again.

    Raises:
        ValueError: arrays of different lengths.
    """

    def __init__(
        self,
        rows: np.ndarray,
        vectors: list[np.ndarray],
        spans: np.ndarray | None = None,
        pools: Sequence[str] | np.ndarray | None = None,
        rules: str = "",
    ) -> None:
        self.rows = np.asarray(rows, dtype=np.int64)
        self.vectors_per_encoder = list(vectors)
        self.rules = rules
        self.spans = None if spans is None else np.asarray(spans, dtype=np.int32).reshape(-1, 2)
        if self.spans is not None and len(self.spans) != len(self.rows):
            raise ValueError(f"{len(self.spans)} sentence spans for {len(self.rows)} sentences")
        for vectors_of_encoder in self.vectors_per_encoder:
            if len(vectors_of_encoder) != len(self.rows):
                raise ValueError(f"{len(vectors_of_encoder)} sentence vectors for {len(self.rows)} sentences")
        names, codes = np.unique(np.asarray(pools if pools is not None else [""] * len(self.rows), dtype=str), return_inverse=True)
        if len(codes) != len(self.rows):
            raise ValueError(f"{len(codes)} sentence pools for {len(self.rows)} sentences")
        self.pool_names = [str(name) for name in names]
        self.pool_codes = codes.astype(np.uint8)
        self._pool_members: dict[str, np.ndarray] = {}
        self._pool_sizes: list[int] | None = None
        self._starts = np.searchsorted(self.rows, np.arange(int(self.rows.max()) + 2 if len(self.rows) else 1))
        self.hubness: list[np.ndarray | None] = [None] * len(self.vectors_per_encoder)
        self._hubness_z: dict[int, np.ndarray | None] = {}

    @classmethod
    def _from_saved(
        cls, rows: np.ndarray, vectors: list[np.ndarray], spans: np.ndarray | None, pool_names: list[str], pool_codes: np.ndarray, rules: str = ""
    ) -> SentenceVectors:
        self = cls.__new__(cls)
        self.rows, self.vectors_per_encoder, self.spans, self.rules = rows, vectors, spans, rules
        self.pool_names, self.pool_codes = pool_names, pool_codes
        self._pool_members = {}
        self._pool_sizes = None
        self._starts = np.searchsorted(rows, np.arange(int(rows.max()) + 2 if len(rows) else 1))
        self.hubness = [None] * len(vectors)
        self._hubness_z = {}
        return self

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def pools(self) -> list[str]:
        return [name for name in self.pool_names if name]

    def dimension(self, encoder: int) -> int:
        return int(self.vectors_per_encoder[encoder].shape[1])

    def vectors(self, encoder: int) -> np.ndarray:
        """(n, dimension) float32: every sentence vector of ``encoder`` (reads the whole file)."""
        return np.asarray(self.vectors_per_encoder[encoder], dtype=np.float32)

    def numbers_of_rows(self, rows: np.ndarray) -> np.ndarray:
        """Sentence numbers of chunk ``rows``, in the order given (rows without sentences give none)."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        rows = rows[(rows >= 0) & (rows + 1 < len(self._starts))]
        starts, ends = self._starts[rows], self._starts[rows + 1]
        lengths = ends - starts
        if not lengths.sum():
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return (np.arange(int(lengths.sum())) + offsets).astype(np.int64)

    def pool_size(self, pool: str) -> int:
        """Sentences stored in ``pool`` (0 for an unknown pool)."""
        if self._pool_sizes is None:
            self._pool_sizes = np.bincount(self.pool_codes, minlength=len(self.pool_names)).tolist()
        return int(self._pool_sizes[self.pool_names.index(pool)]) if pool in self.pool_names else 0

    def scannable(self, pool: str, scan_max: int = SCAN_MAX) -> bool:
        """True when ``pool`` is small enough to be scored whole for every query (at most
        ``scan_max`` sentences); larger pools are scored for candidate passages only."""
        return self.pool_size(pool) <= scan_max

    def search(
        self, encoder: int, pool: str, query_vector: np.ndarray, candidates: int, rows: np.ndarray | None = None
    ) -> SentenceMatches:
        """The top ``candidates`` sentences of ``pool`` for a query: each row's best, and their cosines.

        With ``rows`` (the candidate passages of a query) only their sentences are read from the
        stored vectors: cost in proportion to those rows, whatever the size of the index. Without,
        every sentence of the pool is scored (an exact scan of the file: fine for thousands of
        passages, gigabytes a query for a million; see :data:`SCAN_MAX`).

        Args:
            query_vector: (dimension,) float32, L2-normalised, of encoder ``encoder``.
            candidates: how many best sentences are kept before taking each row's best.
            rows: chunk rows whose sentences are scored (any order, repeats allowed); None: all.
        """
        empty = SentenceMatches({}, np.zeros(0, dtype=np.float32), 0)
        if pool not in self.pool_names or candidates <= 0:
            return empty
        code = self.pool_names.index(pool)
        if rows is None:
            numbers = self._members(pool)
        else:
            numbers = self.numbers_of_rows(np.unique(np.asarray(rows, dtype=np.int64)))
            numbers = numbers[self.pool_codes[numbers] == code]
        if not len(numbers):
            return empty
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        scores = _scores(self.vectors_per_encoder[encoder], numbers, query)
        keep = min(candidates, len(numbers))
        top = np.argpartition(-scores, keep - 1)[:keep] if keep < len(numbers) else np.arange(len(numbers))
        top = top[np.argsort(-scores[top], kind="stable")]
        best: dict[int, float] = {}
        for number, score in zip(numbers[top].tolist(), scores[top].tolist()):
            row = int(self.rows[number])
            if row not in best:  # best first: the first sentence seen of a row is its best
                best[row] = float(score)
        return SentenceMatches(best, scores[top].astype(np.float32), len(numbers))

    def best_per_row(
        self, encoder: int, pool: str, query_vector: np.ndarray, candidates: int, allowed_rows: np.ndarray | None = None
    ) -> dict[int, float]:
        """Chunk row -> cosine of its best sentence, over the top ``candidates`` sentences of
        ``pool`` (of ``allowed_rows``' sentences only, when given), best rows first: :meth:`search`'s
        ``best``."""
        return self.search(encoder, pool, query_vector, candidates, allowed_rows).best

    def top_scores(self, encoder: int, pool: str, query_vector: np.ndarray, k: int) -> np.ndarray:
        """(<= k,) float32: the ``k`` best sentence cosines of ``pool`` for the query, best first
        (the spread the answerers z-score a question's sentence cosines against). Scans the whole
        pool, as :meth:`search` does without ``rows``: callers check :meth:`scannable` first, or
        take the spread the retriever already read (``Hit.sentence_spread``). Empty for an unknown pool."""
        if pool not in self.pool_names or k <= 0:
            return np.zeros(0, dtype=np.float32)
        numbers = self._members(pool)
        if not len(numbers):
            return np.zeros(0, dtype=np.float32)
        scores = _scores(self.vectors_per_encoder[encoder], numbers, np.asarray(query_vector, dtype=np.float32).reshape(-1))
        keep = min(k, len(scores))
        top = np.argpartition(-scores, keep - 1)[:keep] if keep < len(scores) else np.arange(len(scores))
        return np.sort(scores[top])[::-1]

    def for_rows(self, encoder: int, rows: list[int]) -> dict[int, list[tuple[int, int, np.ndarray]]]:
        """The stored sentences of chunk ``rows``: row -> [(start, end, vector)] in text order.

        ``vector`` is encoder ``encoder``'s (dimension,) float32 L2-normalised sentence vector, as
        embedded at ingest (after the title and heading path: ``passage_for_index``), stored in
        fp16. Rows whose passage vector stands in for their sentences map to []. Empty when the
        index stores no spans (built before they were recorded): the caller embeds the sentences
        itself.
        """
        if self.spans is None:
            return {}
        found: dict[int, list[tuple[int, int, np.ndarray]]] = {}
        table = self.vectors_per_encoder[encoder]
        for row in rows:
            numbers = self.numbers_of_rows(np.array([row]))
            numbers = numbers[self.spans[numbers, 0] >= 0] if len(numbers) else numbers
            vectors = np.asarray(table[numbers], dtype=np.float32) if len(numbers) else np.zeros((0, table.shape[1]), np.float32)
            found[row] = [(int(self.spans[n, 0]), int(self.spans[n, 1]), vectors[i]) for i, n in enumerate(numbers.tolist())]
        return found

    def hubness_for_rows(self, encoder: int, rows: list[int]) -> dict[int, list[float]]:
        """Row -> the hubness z-score of each of its stored sentences (``index/hubness.py``), in the
        order :meth:`for_rows` gives them (a stand-in row: its one value); {} for an index written
        without hubness."""
        z = self.hubness_z(encoder)
        if z is None or self.spans is None:
            return {}
        found: dict[int, list[float]] = {}
        for row in rows:
            numbers = self.numbers_of_rows(np.array([row]))
            if len(numbers) > 1 or (len(numbers) and self.spans[numbers[0], 0] >= 0):
                numbers = numbers[self.spans[numbers, 0] >= 0]
            found[row] = [float(z[n]) for n in numbers.tolist()]
        return found

    def hubness_z(self, encoder: int) -> np.ndarray | None:
        """(n,) float32 hubness of encoder ``encoder``'s sentences as z-scores within their pool, or None."""
        if encoder not in self._hubness_z:
            values = self.hubness[encoder] if encoder < len(self.hubness) else None
            self._hubness_z[encoder] = None if values is None else pool_zscores(np.asarray(values, dtype=np.float32), self.pool_codes)
        return self._hubness_z[encoder]

    def stand_ins(self, encoder: int, rows: list[int]) -> dict[int, np.ndarray]:
        """Row -> the passage vector stored in place of sentences, for those of ``rows`` that have one.

        A chunk that is a single quotable sentence is stored this way (its sentence vector would
        be the same text embedded again), as is a chunk with no quotable sentence.
        """
        if self.spans is None:
            return {}
        found: dict[int, np.ndarray] = {}
        table = self.vectors_per_encoder[encoder]
        for row in rows:
            if row + 1 >= len(self._starts) or self._starts[row + 1] - self._starts[row] != 1:
                continue
            number = int(self._starts[row])
            if self.spans[number, 0] < 0:
                found[row] = np.asarray(table[number], dtype=np.float32)
        return found

    def save(self, folder: Path) -> None:
        target = folder / SENTENCES_DIR
        target.mkdir(parents=True, exist_ok=True)
        np.save(target / "rows.npy", self.rows)
        if self.spans is not None:
            np.save(target / "spans.npy", self.spans)
        np.save(target / "pools.npy", self.pool_codes)
        for number, vectors in enumerate(self.vectors_per_encoder):
            _save_float16(target / f"vectors-{number}.npy", vectors)
            if self.hubness[number] is None:  # computed here for every generation: the pools change
                self.hubness[number] = cross_pool_hubness(vectors, self.pool_codes)
            np.save(target / f"hubness-{number}.npy", np.asarray(self.hubness[number], dtype=np.float16))
            self._hubness_z.pop(number, None)
        info = {"format": FORMAT, "pools": self.pool_names, "dtype": "float16", "dimensions": [int(v.shape[1]) for v in self.vectors_per_encoder]}
        (target / INFO_NAME).write_text(json.dumps(info), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, dimensions: list[int]) -> SentenceVectors | None:
        """The sentence vectors of a generation (read on demand), or None for an index built without them.

        Raises:
            VectorStoreError: the stored vectors do not match the index's encoders.
        """
        target = folder / SENTENCES_DIR
        if not (target / "rows.npy").is_file():
            return None
        rows = np.load(target / "rows.npy")
        spans = np.load(target / "spans.npy") if (target / "spans.npy").is_file() else None
        if not (target / INFO_NAME).is_file():
            legacy = cls._load_legacy(target, rows, spans, dimensions)
            legacy.rules = _rules_of(folder)
            return legacy
        info = json.loads((target / INFO_NAME).read_text(encoding="utf-8"))
        if info.get("format") != FORMAT or list(info.get("dimensions", [])) != list(dimensions):
            raise VectorStoreError(
                f"{target} holds sentence vectors of format {info.get('format')} and dimensions {info.get('dimensions')}, "
                f"the index's encoders have {dimensions}: rebuild the index with policyrag ingest --rebuild"
            )
        vectors = [VectorFile(target / f"vectors-{number}.npy") for number in range(len(dimensions))]
        loaded = cls._from_saved(rows, vectors, spans, list(info["pools"]), np.load(target / "pools.npy"), _rules_of(folder))
        loaded.hubness = [
            np.load(target / f"hubness-{number}.npy") if (target / f"hubness-{number}.npy").is_file() else None
            for number in range(len(dimensions))
        ]
        return loaded

    @classmethod
    def _load_legacy(cls, target: Path, rows: np.ndarray, spans: np.ndarray | None, dimensions: list[int]) -> SentenceVectors:
        """Sentences written as one exact FAISS pool per language under ``dense-N/`` (before the
        on-demand layout): read into memory, as they always were."""
        from index.vector_store.faiss_store import FaissVectorStore

        vectors, pools = [], np.full(len(rows), "", dtype=object)
        for number, dimension in enumerate(dimensions):
            store = FaissVectorStore.load(target / f"dense-{number}", dimension)
            table = np.zeros((len(rows), dimension), dtype=np.float32)
            for pool in store.pools:
                numbers, found = store.pool_vectors(pool)
                table[numbers] = found
                pools[numbers] = pool
            vectors.append(table)
        return cls(rows, vectors, spans, pools.astype(str))

    def vectors_by_row(self, encoder: int, size: int) -> Mapping[int, np.ndarray]:
        """Chunk row -> its sentence vectors in order: what an incremental build copies. Rows are
        read from the stored file when asked for, so a build reads only the rows it reuses."""
        return _RowVectors(self.vectors_per_encoder[encoder], np.searchsorted(self.rows, np.arange(size + 1)))

    def _members(self, pool: str) -> np.ndarray:
        """Sentence numbers of one pool (cached: a pass over a byte per sentence)."""
        if pool not in self._pool_members:
            self._pool_members[pool] = np.flatnonzero(self.pool_codes == self.pool_names.index(pool)).astype(np.int64)
        return self._pool_members[pool]


class _RowVectors(Mapping[int, np.ndarray]):
    """Chunk row -> (m, d) vectors of its sentences, read from the table on access."""

    def __init__(self, table: np.ndarray, starts: np.ndarray) -> None:
        self._table = table
        self._starts = starts

    def __getitem__(self, row: int) -> np.ndarray:
        if not 0 <= row < len(self._starts) - 1 or self._starts[row + 1] == self._starts[row]:
            raise KeyError(row)
        return np.asarray(self._table[int(self._starts[row]) : int(self._starts[row + 1])])

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(np.diff(self._starts) > 0).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(np.diff(self._starts) > 0))


def _scores(table: np.ndarray, numbers: np.ndarray, query: np.ndarray, block: int = 65_536) -> np.ndarray:
    """(len(numbers),) float32 inner products of ``query`` with rows ``numbers`` (ascending) of
    ``table``, read a block at a time (a stored file is never read whole)."""
    out = np.empty(len(numbers), dtype=np.float32)
    for start in range(0, len(numbers), block):
        part = numbers[start : start + block]
        first, last = int(part[0]), int(part[-1]) + 1
        if last - first == len(part):  # contiguous: one slice, no gather
            out[start : start + len(part)] = np.asarray(table[first:last], dtype=np.float32) @ query
        else:
            out[start : start + len(part)] = np.asarray(table[part], dtype=np.float32) @ query
    return out


def _save_float16(path: Path, vectors: np.ndarray, block: int = 262_144) -> None:
    """Write (n, d) vectors as a float16 .npy a block at a time (no full fp16 copy in memory)."""
    output = np.lib.format.open_memmap(path, mode="w+", dtype=np.float16, shape=tuple(vectors.shape))
    for start in range(0, len(vectors), block):
        output[start : start + block] = vectors[start : start + block]
    output.flush()
    del output

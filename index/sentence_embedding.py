"""Passage and sentence vectors of the chunks an ingest embeds: one model pass per passage.

Two methods, recorded per encoder in the index manifest so that an incremental build never mixes
them:

* ``pooled`` (encoders whose vectors are means of token states: e5 and USE): the passage is
  embedded once and each sentence's vector is the mean of the token states of the passage's own
  forward pass over the tokens of the title, the heading path, the prompt and the sentence itself
  (``index/token_pooling.py``). Sentences cost no model pass.
* ``separate``: each sentence embedded again on its own after the title and heading path
  (``passage_template`` with the sentence as text): a second pass over more tokens than the
  passages hold (7,763 sentences, 1.5x the passages' tokens on the reference corpus).

The ``sentence_embedding`` setting chooses: ``auto`` (default) pools only where pooling gives what
embedding the sentence gives (``pooled_sentences_faithful``: USE, whose token features see two
tokens either side: cosine to the separate vector 0.984 on average, XQuAD unchanged), ``pooled``
everywhere, ``separate`` nowhere. The ``sentence_context`` setting says what a sentence embedded
apart is put after: its title and heading path (``heading``, default) or its title alone
(``title``: 11% fewer tokens in e5's sentence pass on the reference corpus; README).

Measured on XQuAD (1,190 questions a direction, R@1 th->th / th->en / en->th / en->en): both
separate .945 / .834 / .849 / .961; e5 separate + USE pooled .946 / .836 / .849 / .961; e5 pooled
(with or without the title's and special tokens) .937-.939 / .813-.817 / .830 / .958-.959; e5
pooled + USE separate .940 / .811 / .827 / .960: e5's token states carry the whole passage, and
its best-sentence term loses half its gain. Pooling e5 only for sentences that make at least 30%
of their passage's text lost dev-qa MRR@10 0.673 -> 0.576 (README): not offered.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from string import Formatter

import numpy as np

from index.encoder_text import encoder_text
from index.token_pooling import Span
from ingest.model import Chunk

SENTENCE_METHODS = ("auto", "pooled", "separate")
#: What the manifest records for pooled sentence vectors; bump when the pooling changes.
POOLED = "pooled-1"
SEPARATE = "separate"
#: What a sentence embedded apart is put after (``sentence_context``): ``heading``, the title and
#: the heading path it sits under; ``title``, the title alone (fewer tokens; see the README).
SENTENCE_CONTEXTS = ("heading", "title")


def method_record(method: str, context: str) -> str:
    """What the manifest records for an encoder's sentence vectors (:data:`POOLED` or
    :data:`SEPARATE`) made with ``context``: another context is another record, so that an
    incremental build embeds the sentences again instead of reusing vectors of other texts."""
    return method if method == POOLED or context == "heading" else f"{method}-{context}"


def passage_with_text_map(chunk: Chunk, template: str) -> tuple[str, np.ndarray, tuple[int, int]]:
    """The chunk's passage (exactly ``passage_for_index``), where each character of ``chunk.text``
    landed in it, and the span of the passage the text occupies.

    ``passage_for_index`` drops blank lines, which moves the characters after them; sentence
    offsets (into ``chunk.text``) are mapped through this.

    Returns:
        (passage, positions, (text_start, text_end)): ``positions`` is (len(chunk.text) + 1,)
        int64, the passage offset of each text character (-1 for a dropped one) and, last, the
        end of the text in the passage.
    """
    heading = " > ".join(chunk.heading_path)
    before, after = _around_text(template, chunk.title, heading)
    full = before + chunk.text + after
    new_position = np.full(len(full) + 1, -1, dtype=np.int64)
    kept: list[str] = []
    cursor, written = 0, 0
    for line in full.split("\n"):
        if line.strip():
            if kept:
                written += 1  # the "\n" joining this line to the previous kept one
            new_position[cursor : cursor + len(line)] = np.arange(written, written + len(line))
            kept.append(line)
            written += len(line)
        cursor += len(line) + 1
    passage = encoder_text("\n".join(kept))  # as passage_for_index; one character for one
    text_positions = new_position[len(before) : len(before) + len(chunk.text)]
    inside = text_positions[text_positions >= 0]
    text_start = int(inside[0]) if len(inside) else len(passage)
    text_end = int(inside[-1]) + 1 if len(inside) else text_start
    return passage, np.append(text_positions, text_end), (text_start, text_end)


def _around_text(template: str, title: str, heading: str) -> tuple[str, str]:
    """The template's text before and after its first ``{text}`` field, with title and heading filled in."""
    before: list[str] = []
    after: list[str] = []
    target = before
    for literal, field, spec, conversion in Formatter().parse(template):
        target.append(literal)
        if field is None:
            continue
        if field == "text":
            if target is after:
                raise ValueError(f"passage_template {template!r} holds {{text}} twice: sentences cannot be pooled from it")
            target = after
            continue
        value = {"title": title, "heading": heading, "text": ""}[field]
        target.append(format(value if conversion is None else {"r": repr, "s": str, "a": ascii}[conversion](value), spec or ""))
    return "".join(before), "".join(after)


def sentence_groups(chunk: Chunk, template: str, spans: Sequence[Span]) -> tuple[str, list[list[Span]]]:
    """The passage and, per sentence span (offsets in ``chunk.text``), the character ranges of the
    passage whose tokens its pooled vector averages: everything around the text (title, heading
    path) and the sentence itself."""
    passage, positions, (text_start, text_end) = passage_with_text_map(chunk, template)
    groups = []
    for start, end in spans:
        mapped = positions[start:end]
        mapped = mapped[mapped >= 0]
        sentence = (int(mapped[0]), int(mapped[-1]) + 1) if len(mapped) else (text_start, text_start)
        groups.append([(0, text_start), sentence, (text_end, len(passage))])
    return passage, groups


def separate_sentence_texts(
    chunk: Chunk,
    template: str,
    spans: Sequence[Span],
    headings: Sequence[tuple[str, ...]] | None = None,
    context: str = "heading",
) -> list[str]:
    """Each sentence as embedded by the ``separate`` method: the passage template around it, with
    the heading path it sits under (``headings``, one per span: ``index.sentences.
    sentence_heading_paths``; None: the chunk's), or with no heading path (``context="title"``).

    Raises:
        ValueError: ``context`` is not one of :data:`SENTENCE_CONTEXTS`.
    """
    from index.storage import passage_for_index

    if context not in SENTENCE_CONTEXTS:
        raise ValueError(f"sentence context must be one of {', '.join(SENTENCE_CONTEXTS)}, got {context!r}")
    paths = [()] * len(spans) if context == "title" else headings if headings is not None else [chunk.heading_path] * len(spans)
    return [
        passage_for_index(replace(chunk, text=chunk.text[start:end], heading_path=path), template)
        for (start, end), path in zip(spans, paths)
    ]


@dataclass
class EmbeddedRows:
    """One encoder's vectors for the rows an ingest embeds.

    Attributes:
        passages: row -> (dimension,) passage vector, for the rows whose passage was embedded.
        sentences: row -> (sentences, dimension) vectors, for the rows whose sentences were.
        pooled: sentences whose vector was pooled; separate: embedded on their own.
        seconds: wall seconds of the ``passages`` pass (with the pooled sentences, when pooled)
            and of the separate ``sentences`` pass (model loading counts in the first pass).
    """

    passages: dict[int, np.ndarray]
    sentences: dict[int, np.ndarray]
    pooled: int = 0
    separate: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def embed_rows(
    encoder: object,
    method: str,
    passages: Sequence[str],
    passage_rows: Sequence[int],
    sentence_rows: Sequence[int],
    groups: dict[int, list[list[Span]]],
    texts: dict[int, list[str]],
    show_progress: bool = False,
) -> EmbeddedRows:
    """Embed the passages of ``passage_rows`` and the sentences of ``sentence_rows`` with one encoder.

    Args:
        method: ``pooled`` (where the encoder can pool spans) or ``separate``.
        passages: every chunk's passage text, by row.
        groups: row -> pooling ranges of its sentences (:func:`sentence_groups`).
        texts: row -> its sentences as embedded apart (:func:`separate_sentence_texts`).
    """
    result = EmbeddedRows({}, {})
    started = time.perf_counter()
    need_passage = set(passage_rows)
    need_sentences = [row for row in sentence_rows if texts.get(row)]
    if method == "pooled" and getattr(encoder, "can_pool_spans", False):
        rows = sorted(need_passage | set(need_sentences))
        wanted = set(need_sentences)
        out = encoder.embed_passages_pooled(  # type: ignore[attr-defined]
            [passages[row] for row in rows], [groups[row] if row in wanted else [] for row in rows], show_progress=show_progress
        )
        missing: list[tuple[int, int]] = []
        for position, row in enumerate(rows):
            if row in need_passage:
                result.passages[row] = out.passages[position]
            if row in wanted:
                vectors = out.groups[position]
                result.sentences[row] = vectors
                missing += [(row, number) for number in np.flatnonzero(~out.found[position]).tolist()]
        result.pooled = sum(len(texts[row]) for row in need_sentences) - len(missing)
        if missing:  # sentences cut off by the model's input length: embedded on their own
            vectors = encoder.embed_passages([texts[row][number] for row, number in missing])  # type: ignore[attr-defined]
            for (row, number), vector in zip(missing, vectors):
                result.sentences[row][number] = vector
            result.separate = len(missing)
        result.seconds["passages"] = time.perf_counter() - started
        return result
    ordered = sorted(need_passage)
    if ordered:
        vectors = encoder.embed_passages([passages[row] for row in ordered], show_progress=show_progress)  # type: ignore[attr-defined]
        result.passages = dict(zip(ordered, vectors))
    result.seconds["passages"] = time.perf_counter() - started
    started = time.perf_counter()
    flat = [text for row in need_sentences for text in texts[row]]
    if flat:
        # Each distinct text once: the chunker's overlap repeats sentences, with the same title and
        # heading, in the next chunk (7,764 sentences, 6,201 distinct on the reference corpus).
        distinct = {text: number for number, text in enumerate(dict.fromkeys(flat))}
        vectors = encoder.embed_passages(list(distinct), show_progress=show_progress)  # type: ignore[attr-defined]
        for row in need_sentences:
            result.sentences[row] = vectors[[distinct[text] for text in texts[row]]]
        result.separate = len(flat)
        result.seconds["sentences"] = time.perf_counter() - started
    return result

"""A retrieved passage, as every caller (CLI, HTTP API, answerers) receives it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ingest.model import Chunk

if TYPE_CHECKING:
    from index.sentences import SentenceVectors

# (encoder number, language pool) -> (<= 100,) float32 cosines of the query's top sentences in that
# pool, best first: what the retriever's best-sentence term read (index/sentences.py).
SentenceSpread = Mapping[tuple[int, str], np.ndarray]


@dataclass(frozen=True)
class Hit:
    """One ranked passage.

    Attributes:
        rank: 1-based position in the result list.
        score: the fused score (comparable within one result list only).
        chunk: the passage.
        also_in: other passages with the same or nearly the same text (copies of the document
            under other names), as (source, page) pairs; they take no place of their own.
        row: the passage's row in the index generation it was found in, and ``sentences`` that
            generation's sentence vectors: the answerers read the stored vectors of its sentences
            instead of embedding them again (both None for a hit made by hand).
        sentence_spread: the query's top sentence cosines per encoder and pool, shared by the hits
            of one query: the answerers z-score a sentence against them without searching the
            pools again (None for a hit made by hand, a filtered search, or no best-sentence term).
    """

    rank: int
    score: float
    chunk: Chunk
    also_in: tuple[tuple[str, int | None], ...] = ()
    row: int | None = None
    sentences: SentenceVectors | None = field(default=None, compare=False, repr=False)
    sentence_spread: SentenceSpread | None = field(default=None, compare=False, repr=False)

    @property
    def chunk_number(self) -> int | None:
        """The passage's 0-based number within its document (what ``related`` takes), from its id."""
        return chunk_number(self.chunk.chunk_id)

    def to_dict(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "source": self.chunk.source,
            "page": self.chunk.page,
            "page_end": self.chunk.pages[1] if self.chunk.pages else None,  # > page: the passage runs on
            "chunk": self.chunk_number,
            "title": self.chunk.title,
            "lang": self.chunk.lang,
            "score": round(float(self.score), 6),
            "text": self.chunk.text,
            "also_in": [{"source": source, "page": page} for source, page in self.also_in],
        }


def chunk_number(chunk_id: str) -> int | None:
    """``"dir/doc.pdf#12"`` -> 12 (chunk ids are ``f"{source}#{ordinal}"``); None for another form."""
    _, _, number = chunk_id.rpartition("#")
    return int(number) if number.isdigit() else None

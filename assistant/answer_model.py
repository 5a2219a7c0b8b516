"""What an answer is, independent of who wrote it (the extractive answerer or an LLM).

The web app, the CLI, the HTTP API and the Markdown export read only these types, so the
answerers stay swappable back ends behind one small interface.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from assistant.retrieval import Hit


@dataclass(frozen=True)
class CitedPassage:
    """A retrieved passage as numbered for the reader: ``[number]`` in the answer points here.

    ``supporting`` holds the exact sentences of ``hit.chunk.text`` that the answer relies on (what
    the UI highlights); empty when the passage is shown but not cited.
    """

    number: int
    hit: Hit
    supporting: tuple[str, ...] = ()
    cited: bool = False


@dataclass(frozen=True)
class Answer:
    """A short answer whose claims carry ``[n]`` citations into ``passages``.

    Attributes:
        question: the question as asked.
        lang: the question's language ("th" or "en"); the framing text is in this language.
        text: the answer, with inline ``[n]`` markers.
        passages: every passage shown to the reader, numbered from 1 in retrieval order.
        found: False when retrieval found nothing that supports an answer; ``text`` then says so
            and ``passages`` are the closest ones.
        answerer: "extractive" or "llm".
        notes: what the reader must know about this answer: a fallback from the LLM, sentences
            without a citation, citations removed because they named no passage, an answer in the
            wrong script.
    """

    question: str
    lang: Literal["th", "en"]
    text: str
    passages: tuple[CitedPassage, ...]
    found: bool
    answerer: str
    notes: tuple[str, ...] = field(default_factory=tuple)


class Answerer(Protocol):
    """Writes an answer to ``question`` from the retrieved ``hits`` only."""

    name: str

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer: ...

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str | Answer]:
        """Yield text as it is written, then the final checked :class:`Answer` as the last item."""
        ...

"""What an answer is, independent of who wrote it (the extractive answerer or an LLM).

The web app, the CLI, the HTTP API and the Markdown export read only these types, so the
answerers stay swappable back ends behind one small interface.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from assistant.retrieval import Hit
from assistant.wording import FRAMINGS, Lang, framing, phrase_key, reword, say
from ingest.injection import bracket_planted
from ingest.markup import plain_text

_SPACES = re.compile(r"\s+")


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

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the passage as ``Hit.to_dict`` gives it, plus its number and what is cited."""
        chunk = self.hit.chunk
        return {
            "number": self.number,
            "cited": self.cited,
            "supporting": list(self.supporting),
            **self.hit.to_dict(),
            "heading_path": list(chunk.heading_path),
            "start": chunk.start,
            "end": chunk.end,
        }


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

    @property
    def cited_passages(self) -> tuple[CitedPassage, ...]:
        return tuple(passage for passage in self.passages if passage.cited)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the CLI's ``--json`` and the HTTP API): every field, passages included."""
        return {
            "question": self.question,
            "lang": self.lang,
            "text": self.text,
            "found": self.found,
            "answerer": self.answerer,
            "notes": list(self.notes),
            "passages": [passage.to_dict() for passage in self.passages],
        }

    def worded_in(self, lang: Lang) -> Answer:
        """The same answer with the assistant's own wording (framing, "not found", notes, the
        no-citation mark) in ``lang``, and ``lang`` as its language; quoted evidence and an LLM's
        sentences stay as written. For a question whose words do not tell its language ("GDX?"):
        the reader's page says it (``assistant.web.service``).
        """
        if lang == self.lang:
            return self
        quoted_langs = {passage.hit.chunk.lang for passage in self.cited_passages}
        lines = []
        for line in self.text.split("\n"):
            if phrase_key(line, self.lang) in FRAMINGS:  # "quoted in the original Thai" is relative to the answer's language
                lines.append(framing(lang, quoted_langs))
            else:
                said = reword(line, self.lang, lang)
                lines.append(line if said is None else said)
        text = "\n".join(lines).replace(say("uncited_mark", self.lang), say("uncited_mark", lang))
        notes = tuple(note if said is None else said for note, said in ((note, reword(note, self.lang, lang)) for note in self.notes))
        return replace(self, lang=lang, text=text, notes=tuple(note for note in notes if note))

    def to_markdown(self, all_passages: bool = False, asked: str | None = None) -> str:
        """A Markdown export for trainers: the question, the answer, the notes and the numbered sources.

        The heading is the question as the user typed it (``asked``; default ``question``). A
        follow-up is searched for a completed question ("แล้วระยะที่ 1 ล่ะ" -> "... ระบบกลางทางกฎหมาย
        ระยะที่ 1"): that one is a note under the heading ("Searched as: ..."), as the web page shows it.

        Each source gives its number as the answer cites it (``[2]``, as the web page's source card
        and the CLI show it), its title, page, language and document path, and quotes its
        supporting sentences verbatim. Only cited passages are listed unless ``all_passages`` (a "not found"
        answer lists the closest passages, since none is cited).
        """
        lang = self.lang
        heading = " ".join((asked or "").split()) or " ".join(self.question.split())
        lines = [f"## {heading}", ""]
        if heading != " ".join(self.question.split()):
            lines += [f"*{say('searched_as', lang)}* {self.question.strip()}", ""]
        lines += [self.text.strip(), ""]
        if self.notes:
            lines += [f"> {note}" for note in self.notes] + [""]
        shown = self.passages if (all_passages or not self.found) else self.cited_passages
        if shown:
            lines += [f"### {say('sources', lang)}", ""]
        for passage in shown:
            chunk = passage.hit.chunk
            page = _pages(chunk.pages, lang)
            # "[2]", not an ordered list item "2.": a Markdown viewer renumbers a list from its first
            # number, and the sources cited [2] and [4] showed as 2 and 3
            lines.append(f"- [{passage.number}] **{plain_text(chunk.title)}**{page} ({chunk.lang}) — `{chunk.source}`")
            quotes = passage.supporting or ((excerpt(chunk.text),) if not self.found else ())
            lines += [f"  > {_SPACES.sub(' ', plain_text(quote)).strip()}" for quote in quotes]
        return "\n".join(lines).rstrip() + "\n"


def _pages(pages: tuple[int, int] | None, lang: str) -> str:
    """", p. 3" or ", pp. 3-4" (a passage continued across a page break); "" without pages."""
    if pages is None:
        return ""
    first, last = pages
    return f", {say('page', lang)} {first}" if first == last else f", {say('pages', lang)} {first}-{last}"


def excerpt(text: str, limit: int = 300) -> str:
    """The passage's opening (at most ``limit`` characters of it) on one line, without markup, cut
    on a word boundary; a planted instruction in it is bracketed with its warning
    (``ingest.injection.bracket_planted``). The preview the CLI and the Markdown export show."""
    flat = _SPACES.sub(" ", plain_text(text)).strip()
    if len(flat) <= limit:
        return bracket_planted(flat)
    cut = flat.rfind(" ", 0, limit)
    return bracket_planted(flat, limit=cut if cut > limit // 2 else limit) + " …"


class Answerer(Protocol):
    """Writes an answer to ``question`` from the retrieved ``hits`` only."""

    name: str

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer: ...

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str | Answer]:
        """Yield text as it is written, then the final checked :class:`Answer` as the last item."""
        ...

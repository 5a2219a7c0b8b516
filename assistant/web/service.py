"""The loaded index and the questions asked of it, shared by the web UI and the HTTP API.

The index and models load once, when the app starts. Many users may ask at once; the model
forward passes are the slow part and these machines have two cores, so retrieval runs one
question at a time behind a lock (each takes tens of milliseconds) instead of letting parallel
requests fight over the cores. An LLM answer streams outside the lock: only its retrieval step
is serialised, the generation (waiting on the LLM server) is not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.answer_model import Answer
from assistant.api import PolicyRAG
from assistant.retrieval import Hit
from assistant.web.catalogue import DocumentCatalogue
from assistant.web.corpus_files import CorpusFiles

MAX_K = 50
LANGS = ("th", "en")


@dataclass(frozen=True)
class Filters:
    """What a user narrowed the search to; empty means everything."""

    documents: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    @classmethod
    def of(
        cls, documents: Iterable[str] | None = None, langs: Iterable[str] | None = None, years: Iterable[int | str] | None = None
    ) -> Filters:
        langs = tuple(lang for lang in langs or () if lang)
        unknown = [lang for lang in langs if lang not in LANGS]
        if unknown:
            raise ValueError(f"unknown language(s) {unknown}: use 'th' and/or 'en'")
        return cls(tuple(documents or ()), langs, tuple(int(year) for year in years or () if str(year).strip()))


class AssistantService:
    """Search and ask over one opened index, with the filters resolved against its documents.

    Args:
        rag: the opened index and models (see :meth:`PolicyRAG.open`).
    """

    def __init__(self, rag: PolicyRAG) -> None:
        self.rag = rag
        self.catalogue = DocumentCatalogue.from_store(rag.index.store)
        self.files = CorpusFiles(rag.index.manifest.roots, (document.source for document in self.catalogue.documents))
        self._lock = threading.Lock()

    @property
    def default_k(self) -> int:
        return self.rag.settings.top_k

    def _k(self, k: int | None) -> int:
        k = k or self.default_k
        if not 1 <= k <= MAX_K:
            raise ValueError(f"k must be between 1 and {MAX_K}, got {k}")
        return k

    def _scope(self, filters: Filters) -> tuple[set[str] | None, set[str] | None]:
        sources = self.catalogue.sources_for(filters.documents, filters.years)
        if sources is not None and not sources:
            raise ValueError("no document matches the chosen documents and years")
        return sources, set(filters.langs) or None

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        sources, langs = self._scope(filters or Filters())
        with self._lock:
            return self.rag.search(query, k=self._k(k), sources=sources, langs=langs)

    def ask(self, question: str, k: int | None = None, filters: Filters | None = None) -> Answer:
        if not question.strip():
            raise ValueError("the question is empty")
        sources, langs = self._scope(filters or Filters())
        with self._lock:
            return self.rag.ask(question, k=self._k(k), sources=sources, langs=langs)

    def ask_stream(self, question: str, k: int | None = None, filters: Filters | None = None) -> Iterator[str | Answer]:
        """Text as the answerer writes it, then the final :class:`Answer`.

        The first step (retrieval, and the LLM's first token) holds the lock; the rest streams.
        """
        if not question.strip():
            raise ValueError("the question is empty")
        sources, langs = self._scope(filters or Filters())
        stream = self.rag.ask_stream(question, k=self._k(k), sources=sources, langs=langs)
        with self._lock:
            first = next(stream, None)
        if first is None:
            return
        yield first
        yield from stream

    def url_for(self, source: str, page: int | None = None) -> str | None:
        return self.files.url_for(source, page)

    def health(self) -> dict[str, object]:
        manifest = self.rag.index.manifest
        return {
            "status": "ok",
            "documents": len(self.catalogue),
            "passages": len(self.rag.index),
            "languages": dict(manifest.languages),
            "models": [str(encoder["model"]) for encoder in manifest.encoders],
            "index_created": manifest.created,
            "files_served": bool(self.files.roots),
        }

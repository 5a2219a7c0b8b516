"""The loaded index and the questions asked of it, shared by the web UI and the HTTP API.

The index and models load once, when the app starts. Many users may ask at once; the model
forward passes are the slow part and these machines have two cores, so retrieval and the
extractive answer run one question at a time behind a lock (each takes tens to hundreds of
milliseconds) instead of letting parallel requests fight over the cores. An LLM answer runs
outside the lock: only its retrieval is serialised, not the wait on the LLM server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.answer_model import Answer, Answerer
from assistant.api import PolicyRAG, make_answerer
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
        answerers: who may write answers, by name, the default first. Default: the answerer the
            settings choose, plus the extractive one when that is the LLM (users can pick the fast
            offline answer, and the LLM's fallback is the same one).
    """

    def __init__(self, rag: PolicyRAG, answerers: dict[str, Answerer] | None = None) -> None:
        self.rag = rag
        self.answerers = answerers or self._default_answerers(rag)
        if not self.answerers:
            raise ValueError("AssistantService needs at least one answerer")
        self.catalogue = DocumentCatalogue.from_store(rag.index.store)
        self.files = CorpusFiles(rag.index.manifest.roots, (document.source for document in self.catalogue.documents))
        self._lock = threading.Lock()

    @staticmethod
    def _default_answerers(rag: PolicyRAG) -> dict[str, Answerer]:
        answerers = {rag.settings.answerer: rag.answerer}
        if "extractive" not in answerers:
            answerers["extractive"] = make_answerer(rag.settings.with_overrides(answerer="extractive"), rag.encoders[0])
        return answerers

    @property
    def default_k(self) -> int:
        return self.rag.settings.top_k

    @property
    def default_answerer(self) -> str:
        return next(iter(self.answerers))

    def _answerer(self, name: str | None) -> Answerer:
        name = name or self.default_answerer
        if name not in self.answerers:
            raise ValueError(f"unknown answerer {name!r}: this server offers {', '.join(self.answerers)}")
        return self.answerers[name]

    def _k(self, k: int | None) -> int:
        k = self.default_k if k is None else k
        if not 1 <= k <= MAX_K:
            raise ValueError(f"k must be between 1 and {MAX_K}, got {k}")
        return k

    def _scope(self, filters: Filters) -> tuple[set[str] | None, set[str] | None]:
        sources = self.catalogue.sources_for(filters.documents, filters.years)
        if sources is not None and not sources:
            raise ValueError("no document matches the chosen documents and years")
        return sources, set(filters.langs) or None

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        if not query.strip():
            raise ValueError("the query is empty")
        sources, langs = self._scope(filters or Filters())
        k = self._k(k)
        with self._lock:
            return self.rag.search(query, k=k, sources=sources, langs=langs)

    def ask(self, question: str, k: int | None = None, filters: Filters | None = None, answerer: str | None = None) -> Answer:
        """Retrieve, then answer (what :meth:`PolicyRAG.ask` does, with the answerer chosen per request)."""
        chosen = self._answerer(answerer)
        hits = self.search(question, k, filters)
        if chosen.name == "llm":  # waits on the LLM server: only its retrieval takes the lock
            return chosen.answer(question, hits)
        with self._lock:
            return chosen.answer(question, hits)

    def ask_stream(
        self, question: str, k: int | None = None, filters: Filters | None = None, answerer: str | None = None
    ) -> Iterator[str | Answer]:
        """Text as the answerer writes it, then the final :class:`Answer` (whose text replaces it)."""
        chosen = self._answerer(answerer)
        if chosen.name != "llm":
            answer = self.ask(question, k, filters, answerer)
            yield answer.text
            yield answer
            return
        yield from chosen.stream(question, self.search(question, k, filters))

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
            "answerers": list(self.answerers),
            "index_created": manifest.created,
            "files_served": bool(self.files.roots),
        }

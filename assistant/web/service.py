"""The loaded index and the questions asked of it, shared by the web UI and the HTTP API.

The index and models load once, when the app starts. Many users may ask at once; the model
forward passes are the slow part and these machines have two cores, so retrieval and the
extractive answer run one question at a time behind a lock (each takes tens to hundreds of
milliseconds) instead of letting parallel requests fight over the cores. An LLM answer runs
outside the lock: only its retrieval is serialised, not the wait on the LLM server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from assistant.access import LOCAL_NAME, Caller, readable_collections, readable_hits
from assistant.answer_model import Answer, Answerer
from assistant.api import WARM_UP_QUESTIONS, PolicyRAG, make_answerer
from assistant.audit import AuditLog
from assistant.followup import Turn, standalone_question
from assistant.limits import EMPTY_QUERY, check_query
from assistant.related_gap import RelatedGap
from assistant.retrieval import Hit
from assistant.web.catalogue import DocumentCatalogue
from assistant.web.corpus_files import CorpusFiles
from assistant.wording import Lang
from ingest.lang import words_tell_language

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


def _in_readers_language(answer: Answer, fallback_lang: Lang | None) -> Answer:
    """``answer`` worded in ``fallback_lang`` when its question's words do not tell its language."""
    if fallback_lang is None or fallback_lang == answer.lang or words_tell_language(answer.question):
        return answer
    return answer.worded_in(fallback_lang)


class AssistantService:
    """Search and ask over one opened index, with the filters resolved against its documents.

    Args:
        rag: the opened index and models (see :meth:`PolicyRAG.open`).
        answerers: who may write answers, by name, the default first. Default: the answerer the
            settings choose, plus the extractive one when that is the LLM (users can pick the fast
            offline answer, and the LLM's fallback is the same one).
        audit: where questions are recorded (who asked what, which collections answered).
        probe_llm: check at start that an LLM answerer's server answers (a short timeout); an
            unreachable one is logged and reported by :meth:`health`, and its answers fall back
            to the extractive answer until it is reachable again.

    Every question is answered for a ``caller`` (``assistant.access``): only passages of the
    collections they may read are searched, before the top k is cut; None means everything (the
    single local user, Python callers).
    """

    def __init__(
        self, rag: PolicyRAG, answerers: dict[str, Answerer] | None = None, audit: AuditLog | None = None, probe_llm: bool = True
    ) -> None:
        self.rag = rag
        self.answerers = answerers or self._default_answerers(rag)
        if not self.answerers:
            raise ValueError("AssistantService needs at least one answerer")
        self.audit = audit or AuditLog(None)
        self._view: tuple[str, DocumentCatalogue, CorpusFiles] | None = None
        if probe_llm:
            for answerer in self.answerers.values():
                probe = getattr(answerer, "probe", None)
                if callable(probe):
                    probe()
        self._lock = threading.Lock()
        self._view_lock = threading.Lock()

    def _current_view(self) -> tuple[DocumentCatalogue, CorpusFiles]:
        """The documents and files of the generation in use, read again when an ingest or an upload
        has published a new one."""
        with self.rag.pinned() as retriever:
            index = retriever.index
            with self._view_lock:
                if self._view is None or self._view[0] != index.generation.name:
                    catalogue = DocumentCatalogue.from_store(index.store)
                    self._view = (index.generation.name, catalogue, CorpusFiles(index.manifest.roots, catalogue.sources()))
                return self._view[1], self._view[2]

    @property
    def catalogue(self) -> DocumentCatalogue:
        return self._current_view()[0]

    @property
    def files(self) -> CorpusFiles:
        return self._current_view()[1]

    @staticmethod
    def _default_answerers(rag: PolicyRAG) -> dict[str, Answerer]:
        primary = rag.answerer
        answerers = {primary.name: primary}
        if "extractive" not in answerers:  # the LLM's own fallback: one evidence finder for both
            fallback = getattr(primary, "fallback", None)
            answerers["extractive"] = fallback or make_answerer(
                rag.settings.with_overrides(answerer="extractive"), rag.encoders, rag.term_weights, rag.document_chunks
            )
        return answerers

    def warm_up(self) -> float:
        """Load the models and everything else the first question would load
        (:meth:`PolicyRAG.warm_up`), and let the extractive answerer answer the warm-up questions
        once (its Thai sentence splitter and part-of-speech tagger load on first use; an LLM is
        never asked here). Returns the seconds taken. ``policyrag serve`` calls it before it
        listens, so the first user's question is as fast as the next."""
        start = time.perf_counter()
        self.rag.warm_up()
        extractive = self.answerers.get("extractive")
        if extractive is not None:
            for question in WARM_UP_QUESTIONS:
                extractive.answer(question, self.rag.search(question))
        return time.perf_counter() - start

    def llm_status(self) -> dict[str, object] | None:
        """The LLM answerer's server and whether it answered the last check; None without one."""
        llm = self.answerers.get("llm")
        if llm is None or not hasattr(llm, "reachable"):
            return None
        return {
            "base_url": getattr(llm, "base_url", ""),
            "reachable": bool(llm.reachable),  # type: ignore[attr-defined]
            "reason": getattr(llm, "unreachable_reason", ""),
        }

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

    def _scope(self, filters: Filters, caller: Caller | None = None) -> tuple[set[str] | None, set[str] | None]:
        """Sources retrieval may return (None: all) and the chosen languages.

        For a caller who may not read everything, the sources are their readable documents even
        when no filter is set (possibly none at all); their unreadable documents are unknown names.
        """
        everything = self.catalogue
        catalogue = everything.visible_to(caller)
        sources = catalogue.sources_for(filters.documents, filters.years)
        if sources is not None and not sources:
            raise ValueError("no document matches the chosen documents and years")
        if sources is None and catalogue is not everything:
            sources = catalogue.sources()
        return sources, set(filters.langs) or None

    def _retrieve(self, query: str, k: int | None, filters: Filters | None, caller: Caller | None) -> list[Hit]:
        check_query(query, self.rag.settings.max_query_chars)
        sources, langs = self._scope(filters or Filters(), caller)
        k = self._k(k)
        if sources is not None and not sources:  # the caller may read no document at all
            return []
        with self._lock:
            hits = self.rag.search(query, k=k, sources=sources, langs=langs, collections=readable_collections(caller))
        # Sources are a generation's names; the hits' own collections are checked too, in case an
        # ingest moved a document to another collection between the two.
        return readable_hits(hits, caller)

    def search(self, query: str, k: int | None = None, filters: Filters | None = None, caller: Caller | None = None) -> list[Hit]:
        hits = self._retrieve(query, k, filters, caller)
        self._record("search", caller, query=query, collections=sorted({hit.chunk.collection for hit in hits}), hits=len(hits))
        return hits

    def related(
        self,
        source: str,
        chunk: int | None = None,
        page: int | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        caller: Caller | None = None,
    ) -> list[Hit]:
        """Passages in the other language closest to a passage, page or document (see
        :meth:`PolicyRAG.related`), among the documents the caller may read; a document the
        caller may not read is an unknown name, as in search."""
        if self.catalogue.visible_to(caller).get(source) is None:
            raise ValueError(f"{source!r} is not a document of this index: see /api/documents")
        sources, langs = self._scope(filters or Filters(), caller)
        k = self._k(k)
        if sources is not None and not sources:
            return []
        with self._lock:
            hits = self.rag.related(
                source, page=page, chunk=chunk, k=k, sources=sources, langs=langs, collections=readable_collections(caller)
            )
        return readable_hits(hits, caller)

    def related_gap(
        self,
        source: str,
        chunk: int | None = None,
        page: int | None = None,
        filters: Filters | None = None,
        caller: Caller | None = None,
    ) -> RelatedGap | None:
        """Why :meth:`related` of the same arguments is empty (see ``assistant.related_gap``);
        None when passages are left to relate to."""
        filters = filters or Filters()
        sources, langs = self._scope(filters, caller)
        given = {"documents": filters.documents, "langs": filters.langs, "years": filters.years}
        with self._lock:
            return self.rag.related_gap(source, page, chunk, sources, langs, readable_collections(caller), given)

    def ask(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        answerer: str | None = None,
        caller: Caller | None = None,
        fallback_lang: Lang | None = None,
    ) -> Answer:
        """Retrieve, then answer (what :meth:`PolicyRAG.ask` does, with the answerer chosen per request).

        ``fallback_lang``: the reader's language (the web page's), for a question whose words do
        not tell its own ("GDX?", "PS-04": codes, acronyms, numbers): the answer's wording is then
        in it, not in English by default. Retrieval reads the question as before.
        """
        chosen = self._answerer(answerer)
        hits = self._retrieve(question, k, filters, caller)
        if chosen.name == "llm":  # waits on the LLM server: only its retrieval takes the lock
            answer = chosen.answer(question, hits)
        else:
            with self._lock:
                answer = chosen.answer(question, hits)
        answer = _in_readers_language(answer, fallback_lang)
        self._record_answer(answer, caller)
        return answer

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        answerer: str | None = None,
        caller: Caller | None = None,
        fallback_lang: Lang | None = None,
    ) -> Iterator[str | Answer]:
        """Text as the answerer writes it, then the final :class:`Answer` (whose text replaces it);
        ``fallback_lang`` as in :meth:`ask`."""
        chosen = self._answerer(answerer)
        if chosen.name != "llm":
            answer = self.ask(question, k, filters, answerer, caller, fallback_lang)
            yield answer.text
            yield answer
            return
        for item in chosen.stream(question, self._retrieve(question, k, filters, caller)):
            if isinstance(item, Answer):
                item = _in_readers_language(item, fallback_lang)
                self._record_answer(item, caller)
            yield item

    def _record(self, event: str, caller: Caller | None, **fields: object) -> None:
        self.audit.caller_event(event, caller or Caller(LOCAL_NAME, readable=None), **fields)

    def _record_answer(self, answer: Answer, caller: Caller | None) -> None:
        """Who asked what, which collections answered (the cited passages', else the retrieved ones')."""
        cited = answer.cited_passages
        shown = cited or answer.passages
        self._record(
            "ask",
            caller,
            question=answer.question,
            collections=sorted({passage.hit.chunk.collection for passage in shown}),
            sources=sorted({passage.hit.chunk.source for passage in cited}),
            found=answer.found,
            answerer=answer.answerer,
        )

    def standalone(self, question: str, history: Sequence[Turn] = (), answerer: str | None = None) -> str:
        """The question to search for ``question`` in a conversation (``assistant.followup``): a
        follow-up is completed from the earlier turns, by the LLM when it is the chosen answerer
        and reachable, else by carrying over the previous question's content words."""
        if not question.strip():
            raise ValueError(EMPTY_QUERY)
        chosen = self._answerer(answerer)
        rewriter = getattr(chosen, "rewrite", None) if getattr(chosen, "reachable", False) else None
        return standalone_question(question, history, rewriter, self.rag.term_weights)

    def url_for(self, source: str, page: int | None = None) -> str | None:
        return self.files.url_for(source, page)

    def health(self, caller: Caller | None = None) -> dict[str, object]:
        """The index as ``caller`` sees it: documents and passages of readable collections only."""
        manifest = self.rag.index.manifest
        passages = len(self.rag.index)
        if caller is not None and not caller.admin and caller.readable is not None:
            passages = sum(caller.can_read(collection) for collection in self.rag.index.store.row_collections())
        return {
            "status": "ok",
            "documents": len(self.catalogue.visible_to(caller)),
            "passages": passages,
            "languages": dict(manifest.languages),
            "models": [str(encoder["model"]) for encoder in manifest.encoders],
            "answerers": list(self.answerers),
            **({"llm": self.llm_status()} if self.llm_status() is not None else {}),
            "index_created": manifest.created,
            "files_served": bool(self.files.roots),
        }

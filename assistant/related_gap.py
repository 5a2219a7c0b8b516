"""Why a related list came back empty, said to the user with what would help.

A related list (``PolicyRAG.related``) is empty when nothing is left to relate a passage to: the
filters let no passage through, or only the passage's own document, or no passage in the language
searched ("the other language", or the languages ``langs`` names). An empty list alone reads as a
broken feature; the tester's whole-document related of a Thai seminar summary, and a Thai passage
with ``--langs th --years 2019``, both said nothing. Each surface (CLI, ``/api/related``, the web
page's related page) shows :meth:`RelatedGap.message` instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from index.retrieval.filters import SearchFilter
from index.retrieval.related import dominant_language
from index.retrieval.retriever import HybridRetriever

GapKind = Literal["nothing_readable", "filters_leave_nothing", "own_document_only", "filters_leave_no_language", "no_language"]
FilterValues = Mapping[str, Sequence[object]]  # {"documents": [...], "langs": [...], "years": [...]} as the user gave them

_LANGUAGE = {"th": {"en": "Thai", "th": "ภาษาไทย"}, "en": {"en": "English", "th": "ภาษาอังกฤษ"}}
_FILTER_TH = {"documents": "เอกสาร", "langs": "ภาษา", "years": "ปี"}


@dataclass(frozen=True)
class RelatedGap:
    """Why no related passage was found.

    Attributes:
        kind: ``nothing_readable`` (the caller may read no document), ``filters_leave_nothing``
            (no passage passes the filters at all), ``own_document_only`` (only the passage's own
            document passes; related passages come from other documents),
            ``filters_leave_no_language`` (other documents pass, none with a passage in a searched
            language, which the index does have without the filters), ``no_language`` (the
            documents the caller may read have no passage in a searched language outside this
            document, filters or not).
        source: the document related passages were asked for.
        own_language: the passage's (page's, document's) main language.
        searched: the languages related passages were looked for in.
        filters: the filters the user set (empty values left out), to name them.
    """

    kind: GapKind
    source: str
    own_language: str = ""
    searched: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def message(self, lang: str = "en", flag: str = "") -> str:
        """One or two sentences for a user, in ``lang`` ("en" or "th"); filters are named with
        ``flag`` before them ("--" on the command line: ``--langs th``; "" for the API: ``langs=th``).
        """
        return (_thai if lang == "th" else _english)(self, flag)


def _named(gap: RelatedGap, flag: str) -> str:
    if flag:
        return " ".join(f"{flag}{name} {','.join(values)}" for name, values in gap.filters)
    return ", ".join(f"{name}={','.join(values)}" for name, values in gap.filters)


def _languages(codes: Sequence[str], lang: str) -> str:
    names = [_LANGUAGE.get(code, {}).get(lang, code) for code in codes]
    return (" หรือ " if lang == "th" else " or ").join(names) if names else ("ภาษาอื่น" if lang == "th" else "another language")


def _english(gap: RelatedGap, flag: str) -> str:
    names = {name for name, _ in gap.filters}
    searched = _languages(gap.searched, "en")
    if gap.kind == "nothing_readable":
        return "You may read no document of this index, so there is nothing to relate this passage to: ask an administrator for a collection."
    if gap.kind == "filters_leave_nothing":
        return f"No passage passes the filters ({_named(gap, flag)}): widen or remove them."
    if gap.kind == "own_document_only":
        return (
            f"The filters ({_named(gap, flag)}) leave only {gap.source} itself, and related passages come from other "
            f"documents: add documents or years, or remove the filters."
        )
    if gap.kind == "filters_leave_no_language":
        advice = "remove the filters"
        if "langs" in names and gap.own_language in gap.searched:
            other = _languages([code for code in ("th", "en") if code != gap.own_language], "en")
            advice = f"remove {flag}langs to look for {other} passages instead"
        elif names & {"documents", "years"}:
            given = " and ".join(flag + name for name in ("documents", "years") if name in names)
            advice = f"choose documents or years that have {searched} passages, or remove {given}"
        return f"The documents the filters ({_named(gap, flag)}) leave have no passage in {searched}: {advice}."
    own = _languages([gap.own_language], "en") if gap.own_language else "this"
    return (
        f"No other document you may read has a passage in {searched} to relate this {own} passage to: "
        f"ingest {searched} documents (or ask for access to a collection that has them)."
    )


def _thai(gap: RelatedGap, flag: str) -> str:
    filters = ", ".join(f"{_FILTER_TH.get(name, name)} {', '.join(values)}" for name, values in gap.filters)
    searched = _languages(gap.searched, "th")
    if gap.kind == "nothing_readable":
        return "คุณยังไม่มีสิทธิ์อ่านเอกสารใดในดัชนีนี้ จึงไม่มีข้อความให้เทียบ โปรดขอสิทธิ์อ่านคอลเลกชันจากผู้ดูแลระบบ"
    if gap.kind == "filters_leave_nothing":
        return f"ไม่มีข้อความใดผ่านตัวกรอง ({filters}) โปรดขยายหรือล้างตัวกรอง"
    if gap.kind == "own_document_only":
        return f"ตัวกรอง ({filters}) เหลือเพียงเอกสาร {gap.source} เอง แต่ข้อความที่เกี่ยวข้องมาจากเอกสารอื่น โปรดเพิ่มเอกสารหรือปี หรือล้างตัวกรอง"
    if gap.kind == "filters_leave_no_language":
        return f"เอกสารที่ผ่านตัวกรอง ({filters}) ไม่มีข้อความ{searched} โปรดเลือกเอกสาร ปี หรือภาษาอื่น หรือล้างตัวกรอง"
    return f"เอกสารอื่นที่คุณเปิดอ่านได้ไม่มีข้อความ{searched}ให้เทียบกับข้อความนี้ โปรดนำเข้าเอกสาร{searched} หรือขอสิทธิ์อ่านคอลเลกชันที่มี"


def given_filters(filters: FilterValues | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The filters a user set, in a fixed order, as strings (empty ones left out)."""
    filters = filters or {}
    return tuple(
        (name, tuple(str(value) for value in filters[name]))
        for name in ("documents", "langs", "years")
        if filters.get(name)
    )


def explain(
    retriever: HybridRetriever,
    source: str,
    page: int | None = None,
    chunk: int | None = None,
    sources: set[str] | None = None,
    langs: set[str] | None = None,
    collections: set[str] | None = None,
    filters: FilterValues | None = None,
) -> RelatedGap | None:
    """Why :meth:`HybridRetriever.related` of the same arguments finds nothing; None when passages
    are left to relate to (an empty list then has another cause, such as a collection changed
    since).

    Args:
        sources, langs, collections: what was passed to ``related`` (``sources`` already holds the
            documents and years filters).
        filters: the filters as the user set them, to name in the message.

    Raises:
        ValueError: no such document, page or passage (as ``related``).
    """
    index = retriever.index
    named = given_filters(filters)
    if collections is not None and not collections or sources is not None and not sources:
        return RelatedGap("nothing_readable" if not named else "filters_leave_nothing", source, filters=named)
    rows = retriever.passage_rows(source, page, chunk, collections)
    own = dominant_language(index.row_langs, rows)
    languages = sorted({str(lang) for lang in index.row_langs})
    searched = tuple(sorted(langs)) if langs and own in langs else tuple(lang for lang in (sorted(langs) if langs else languages) if lang != own)
    if not searched:  # a one-language index: name the other of th/en
        searched = tuple(lang for lang in ("th", "en") if lang != own)

    def others(allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        candidates = np.arange(len(index), dtype=np.int64) if allowed is None else np.asarray(allowed, dtype=np.int64)
        elsewhere = candidates[index.row_sources[candidates] != source]
        return candidates, elsewhere[np.isin(index.row_langs[elsewhere], list(searched))]

    candidates, found = others(retriever.allowed_rows(SearchFilter.of(sources, langs, collections)))
    if len(found):
        return None
    if not len(candidates):
        return RelatedGap("filters_leave_nothing", source, own, searched, named)
    if not np.any(index.row_sources[candidates] != source):
        return RelatedGap("own_document_only", source, own, searched, named)
    readable = retriever.allowed_rows(SearchFilter.of(None, None, collections))
    everywhere = [lang for lang in languages if lang != own] + list(searched)  # what a search without the filters looks in
    unfiltered = readable if readable is not None else np.arange(len(index), dtype=np.int64)
    unfiltered = unfiltered[index.row_sources[unfiltered] != source]
    if named and np.any(np.isin(index.row_langs[unfiltered], everywhere)):
        return RelatedGap("filters_leave_no_language", source, own, searched, named)
    return RelatedGap("no_language", source, own, searched, named)

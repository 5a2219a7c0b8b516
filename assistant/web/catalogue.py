"""The indexed documents and the values users filter them by (document, language, year), and
each caller's view of them: only the documents of collections they may read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.access import Caller
from index.encoder_text import encoder_text
from index.store import ChunkStore
from index.years import common_era, document_year


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document as the filters and the sources panel show it.

    ``year`` comes from the corpus manifest (``corpus/manifest.toml`` or one beside the documents)
    or the file's metadata, else from the title ("... พ.ศ. ๒๕๖๘": 2025) or the file name
    ("...-พ.ศ.2561.pdf": 2018; ``index.years.document_year``); None when nothing gives it.
    """

    source: str
    title: str
    lang: str
    year: int | None = None
    publisher: str | None = None
    collection: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "title": self.title,
            "lang": self.lang,
            "year": self.year,
            "publisher": self.publisher,
            "collection": self.collection,
        }


def _year(value: object) -> int | None:
    """A four-digit year (Arabic or Thai digits) in the Common Era: a Buddhist-era year, as Thai
    users write years (2569, ๒๕๖๙), is read as its Common-era year (2026; ``index.years.common_era``)."""
    match = re.fullmatch(r"\s*(\d{4})\s*", str(value)) if value is not None else None
    return common_era(int(match.group(1))) if match else None


class DocumentCatalogue:
    """Turns the filters a user picks into the set of sources retrieval may return.

    Retrieval filters by source and language; a year filter becomes the sources of that year, so
    retrieval needs no notion of years.
    """

    def __init__(self, documents: Iterable[DocumentInfo]) -> None:
        self.documents = sorted(documents, key=lambda document: (document.lang, document.title.casefold()))
        self._by_source = {document.source: document for document in self.documents}

    @classmethod
    def from_store(cls, store: ChunkStore) -> DocumentCatalogue:
        infos = []
        for row in store.documents():
            metadata = row.get("metadata") or {}
            assert isinstance(metadata, dict)
            infos.append(
                DocumentInfo(
                    source=str(row["source"]),
                    title=str(row["title"]),
                    lang=str(row["lang"]),
                    year=_year(metadata.get("year"))
                    or document_year(encoder_text(str(row["title"])), encoder_text(str(row["source"])), str(row["lang"])),
                    publisher=str(metadata["publisher"]) if metadata.get("publisher") else None,
                    collection=str(row.get("collection") or ""),
                )
            )
        return cls(infos)

    def __len__(self) -> int:
        return len(self.documents)

    def visible_to(self, caller: Caller | None) -> DocumentCatalogue:
        """The documents ``caller`` may read (all when ``caller`` is None or reads everything)."""
        if caller is None or caller.admin or caller.readable is None:
            return self
        return DocumentCatalogue(document for document in self.documents if caller.can_read(document.collection))

    def sources(self) -> set[str]:
        return set(self._by_source)

    def collections(self) -> list[str]:
        """The collections that hold documents, by name."""
        return sorted({document.collection for document in self.documents})

    def get(self, source: str) -> DocumentInfo | None:
        return self._by_source.get(source)

    def years(self) -> list[int]:
        """Years that documents have, newest first."""
        return sorted({document.year for document in self.documents if document.year is not None}, reverse=True)

    def langs(self) -> list[str]:
        return sorted({document.lang for document in self.documents})

    def sources_for(self, documents: Iterable[str] | None = None, years: Iterable[int | str] | None = None) -> set[str] | None:
        """Sources allowed by the chosen documents and years; None when neither filter is set.

        Raises:
            ValueError: a document or year that the index does not have (names it, so an API
                caller can fix the request).
        """
        chosen = [source for source in documents or [] if source]
        unknown = [source for source in chosen if source not in self._by_source]
        if unknown:
            raise ValueError(f"unknown document(s) {unknown}: GET /api/documents lists the indexed sources")
        wanted_years: set[int] = set()
        for year in years or []:
            parsed = _year(year)
            if parsed is None:
                raise ValueError(f"year must be four digits, got {year!r}")
            wanted_years.add(parsed)
        if not chosen and not wanted_years:
            return None
        allowed = set(chosen) if chosen else set(self._by_source)
        if wanted_years:
            allowed = {source for source in allowed if self._by_source[source].year in wanted_years}
        return allowed

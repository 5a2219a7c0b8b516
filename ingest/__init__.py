"""Reading, normalising and chunking documents for the index.

The pipeline is ``DocumentLoader`` (files -> :class:`~ingest.model.Document`) then ``Chunker``
(Document -> :class:`~ingest.model.Chunk`); ``normalize_text`` and ``detect_lang`` are exported
because queries must be normalised and classified the same way as documents.

The names are imported on first use (PEP 562): ``import ingest.model`` runs this file, and the
index and assistant import the model without wanting pypdf, BeautifulSoup and the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.chunker import Chunker
    from ingest.lang import detect_lang, thai_ratio
    from ingest.loader import DocumentLoader, LoadResult, SkippedFile
    from ingest.normalize import count_thai_pdf_defects, normalize_text, repair_thai_pdf_text

_EXPORTS = {
    "Chunker": "ingest.chunker",
    "DocumentLoader": "ingest.loader",
    "LoadResult": "ingest.loader",
    "SkippedFile": "ingest.loader",
    "count_thai_pdf_defects": "ingest.normalize",
    "detect_lang": "ingest.lang",
    "normalize_text": "ingest.normalize",
    "repair_thai_pdf_text": "ingest.normalize",
    "thai_ratio": "ingest.lang",
}

__all__ = [
    "Chunker",
    "DocumentLoader",
    "LoadResult",
    "SkippedFile",
    "count_thai_pdf_defects",
    "detect_lang",
    "normalize_text",
    "repair_thai_pdf_text",
    "thai_ratio",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ingest' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])

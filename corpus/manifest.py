"""The corpus manifest: titles, publishers, years, origins and collections of documents, by path.

Files say little about themselves (a PDF's metadata title is often empty or "Microsoft Word -
...") while users cite by title and filter by publisher and year. The manifest supplies those.

``collection`` overrides the folder rule of ``ingest.collections`` (who may read a document). It
is taken from the first entry that matches the document *and names a collection*, so a specific
entry that only sets a title never drops a document out of the collection a glob put it in.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.collections import valid_collection_name
from ingest.model import Document

MANIFEST_FILE = "manifest.toml"
PACKAGED_MANIFEST = Path(__file__).with_name(MANIFEST_FILE)
_FIELDS = ("publisher", "year", "lang", "url")


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    title: str | None = None
    publisher: str | None = None
    year: int | None = None
    lang: str | None = None
    url: str | None = None
    collection: str | None = None

    def matches(self, source: str) -> bool:
        return source == self.path or fnmatch.fnmatchcase(source, self.path)


@dataclass
class CorpusManifest:
    entries: list[ManifestEntry] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    source: str = "(built in)"

    @classmethod
    def load(cls, path: Path) -> CorpusManifest:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path} is not valid TOML ({error}); fix or remove it") from error
        entries = []
        exclude = data.get("exclude", [])
        if not isinstance(exclude, list) or not all(isinstance(item, str) for item in exclude):
            raise ValueError(f"{path}: 'exclude' must be a list of file names or globs")
        for number, row in enumerate(data.get("documents", []), start=1):
            if "path" not in row:
                raise ValueError(f"{path}: documents entry {number} has no 'path'")
            unknown = set(row) - {"path", "title", "collection", *_FIELDS}
            if unknown:
                raise ValueError(f"{path}: documents entry {number} has unknown keys {sorted(unknown)}")
            if "collection" in row and not (isinstance(row["collection"], str) and valid_collection_name(row["collection"])):
                raise ValueError(
                    f"{path}: documents entry {number} has collection {row['collection']!r}: use 1-64 letters, "
                    "digits, '.', '_', '-' or spaces, starting with a letter or digit"
                )
            entries.append(ManifestEntry(**row))
        return cls(entries, exclude, str(path))

    @classmethod
    def find(cls, root: Path) -> CorpusManifest:
        """The manifest beside the documents if there is one, else the packaged reference manifest."""
        local = root / MANIFEST_FILE
        return cls.load(local if local.is_file() else PACKAGED_MANIFEST)

    def is_excluded(self, source: str) -> bool:
        """Whether ``source`` is a catalogue or other non-document the manifest tells us to skip."""
        return any(source == pattern or fnmatch.fnmatchcase(source, pattern) for pattern in self.exclude)

    def entry_for(self, source: str) -> ManifestEntry | None:
        return next((entry for entry in self.entries if entry.matches(source)), None)

    def collection_for(self, source: str) -> str | None:
        """The collection the first entry naming one gives ``source``, or None (the folder decides)."""
        return next((entry.collection for entry in self.entries if entry.collection and entry.matches(source)), None)

    def apply(self, documents: list[Document]) -> None:
        """Fill in titles, metadata and collections of documents the manifest describes."""
        for document in documents:
            document.collection = self.collection_for(document.source) or document.collection
            entry = self.entry_for(document.source)
            if entry is None:
                continue
            if entry.title:
                document.title = entry.title
            for name in _FIELDS:
                value = getattr(entry, name)
                if value is not None:
                    document.metadata[name] = str(value)

"""Read files and folders into Documents, recording every file that was not read and why."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ingest.model import Document
from ingest.readers import SUPPORTED_SUFFIXES, ReaderError, reader_for

logger = logging.getLogger(__name__)

NO_TEXT_REASON = "no extractable text (scanned PDF? OCR comes later)"
NO_TEXT_REASON_NOT_PDF = "no extractable text (the file is empty or has only front matter or markup)"


@dataclass(frozen=True)
class SkippedFile:
    """A file that was not read: ``path`` as given or found, ``reason`` in one line with the fix."""

    path: str
    reason: str


@dataclass
class LoadResult:
    """What :meth:`DocumentLoader.run` read, what it skipped, and how long it took."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0


def _fix_for(error: Exception) -> str:
    """A hint for errors that do not already carry one (ReaderError messages do)."""
    if isinstance(error, PermissionError):
        return "make the file readable"
    if isinstance(error, UnicodeError):
        return "convert the file to UTF-8"
    if isinstance(error, MemoryError):
        return "split the file or lower max_file_bytes"
    return "check the file opens in its usual program; re-export it if not"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


class DocumentLoader:
    """Reads files and folders (recursively) with the reader for each file's suffix.

    Folders are walked in sorted order, so results are deterministic; hidden files and folders
    (name starting with ".") are left out. Every other file is either read or listed in
    ``LoadResult.skipped`` with the reason: unsupported suffix, too large, unreadable (the error and
    the fix), or no text. One bad file never stops the batch.

    Args:
        max_file_bytes: larger files are skipped (protects memory; raise it for huge PDFs).
        show_progress: show a tqdm progress bar on stderr.

    Example:
        >>> result = DocumentLoader(show_progress=False).run([Path("corpus")])  # doctest: +SKIP
        >>> result.documents[0].source  # doctest: +SKIP
        'oecd/oecd-digital-government-index-2019-methodology.pdf'
    """

    def __init__(self, max_file_bytes: int = 200_000_000, show_progress: bool = True, pdf_headings: bool = False) -> None:
        if not isinstance(max_file_bytes, int) or isinstance(max_file_bytes, bool) or max_file_bytes <= 0:
            raise ValueError(f"max_file_bytes must be a positive integer, got {max_file_bytes!r}")
        if not isinstance(show_progress, bool):
            raise ValueError(f"show_progress must be True or False, got {show_progress!r}")
        self.max_file_bytes = max_file_bytes
        self.show_progress = show_progress
        self.pdf_headings = bool(pdf_headings)

    def to_dict(self) -> dict[str, object]:
        """The settings, to rebuild the same loader with :meth:`from_dict`."""
        return {"max_file_bytes": self.max_file_bytes, "show_progress": self.show_progress, "pdf_headings": self.pdf_headings}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> DocumentLoader:
        return cls(**data)  # type: ignore[arg-type]

    def run(self, paths: list[Path], root: Path | None = None) -> LoadResult:
        """Read ``paths`` (files and folders).

        Args:
            paths: files and folders to read.
            root: folder that ``Document.source`` is relative to. Default: each folder given is the
                root of the files under it; a single file given is relative to its parent (its
                source is its name).

        Raises:
            FileNotFoundError: a path does not exist (checked for all paths before reading any).
            ValueError: a file is not inside ``root``.
        """
        started = time.perf_counter()
        paths = [Path(path) for path in paths]
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}: check the path")
        result = LoadResult()
        files = self._collect(paths, root, result)
        progress = tqdm(files, desc="Reading", unit="file", file=sys.stderr, disable=not self.show_progress)
        for path, source in progress:
            progress.set_postfix_str(source[-40:], refresh=False)
            document = self._read(path, source, result)
            if document is not None:
                result.documents.append(document)
        result.seconds = time.perf_counter() - started
        return result

    def _collect(self, paths: list[Path], root: Path | None, result: LoadResult) -> list[tuple[Path, str]]:
        """(file, source) pairs in order; unsupported files go to ``result.skipped``."""
        found: list[tuple[Path, str]] = []
        seen_files: set[Path] = set()
        seen_sources: dict[str, Path] = {}
        for given in paths:
            if given.is_dir():
                base = root or given
                candidates = sorted(p for p in given.rglob("*") if not _is_hidden(p.relative_to(given)))
            else:
                base = root or given.parent
                candidates = [given]
            for path in candidates:
                if not path.is_file():
                    continue
                resolved = path.resolve()
                if resolved in seen_files:  # the same file given twice (a folder and a file in it)
                    continue
                seen_files.add(resolved)
                try:
                    source = path.resolve().relative_to(base.resolve()).as_posix()
                except ValueError:
                    raise ValueError(f"{path} is not inside root {base}: pass a root that contains it") from None
                if source in seen_sources:
                    reason = f"same source '{source}' as {seen_sources[source]}: pass root= to tell them apart"
                    result.skipped.append(SkippedFile(str(path), reason))
                    continue
                seen_sources[source] = path
                if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                    supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                    reason = f"unsupported file type '{path.suffix or '(none)'}': supported are {supported}"
                    result.skipped.append(SkippedFile(str(path), reason))
                    continue
                found.append((path, source))
        return found

    def _read(self, path: Path, source: str, result: LoadResult) -> Document | None:
        """Read one file, or record why not and return None."""
        size = path.stat().st_size
        if size > self.max_file_bytes:
            result.skipped.append(
                SkippedFile(
                    str(path),
                    f"file too large ({size} bytes > max_file_bytes={self.max_file_bytes}): "
                    "raise max_file_bytes or split the file",
                )
            )
            return None
        reader = reader_for(path, pdf_headings=self.pdf_headings)
        assert reader is not None  # _collect kept supported suffixes only
        try:
            document = reader.run(path, source)
        except ReaderError as error:
            result.skipped.append(SkippedFile(str(path), _one_line(str(error))))
            return None
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
            logger.debug("reading %s failed", path, exc_info=True)
            reason = f"{type(error).__name__}: {_one_line(str(error))}: {_fix_for(error)}"
            result.skipped.append(SkippedFile(str(path), reason))
            return None
        if not document.blocks:
            reason = NO_TEXT_REASON if path.suffix.lower() == ".pdf" else NO_TEXT_REASON_NOT_PDF
            result.skipped.append(SkippedFile(str(path), reason))
            return None
        return document

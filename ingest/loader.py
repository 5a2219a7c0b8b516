"""Read files and folders into Documents, recording every file that was not read and why."""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ingest.collections import collection_for
from ingest.fidelity import FidelityReport, build_report
from ingest.model import Document, document_text
from ingest.ocr import OCRStats, PageOCR, default_ocr_cache_dir
from ingest.parallel import ProcessPool, WorkerCrash
from ingest.readers import SUPPORTED_SUFFIXES, ReaderError, reader_for

logger = logging.getLogger(__name__)

NO_TEXT_REASON = "no extractable text (scanned PDF and OCR found nothing)"
NO_TEXT_REASON_NOT_PDF = "no extractable text (only front matter or markup): nothing to index"
OCR_MODES = ("auto", "scanned", "off")


@dataclass(frozen=True)
class SkippedFile:
    """A file that was not read: ``path`` as given or found, ``reason`` in one line with the fix.

    ``failed`` is False for files left out on purpose (excluded by a corpus manifest) or read fine
    with nothing to index (a Markdown stub with only front matter): only failed files make
    ``policyrag ingest`` exit with 1.
    """

    path: str
    reason: str
    failed: bool = True


@dataclass
class LoadResult:
    """What :meth:`DocumentLoader.run` read, what it skipped, and how long it took.

    ``fidelity`` has one report per file that was read (also those that gave no text);
    ``notes`` are batch-level messages for the summary (e.g. OCR unavailable and how to install it);
    ``prepared`` has, per document, what ``run``'s ``prepare`` returned for it (empty without).
    """

    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0
    fidelity: list[FidelityReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    prepared: list[object] = field(default_factory=list)

    @property
    def failed(self) -> list[SkippedFile]:
        """The skipped files that are errors (not deliberate exclusions)."""
        return [item for item in self.skipped if item.failed]


def _fix_for(error: Exception) -> str:
    """A hint for errors that do not already carry one (ReaderError messages do)."""
    if isinstance(error, PermissionError):
        return "make the file readable (chmod +r) or run as a user who may read it"
    if isinstance(error, UnicodeError):
        return "convert the file to UTF-8"
    if isinstance(error, MemoryError):
        return "split the file or lower max_file_bytes"
    return "check the file opens in its usual program; re-export it if not"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def display_path(path: Path | str) -> str:
    r"""``path`` as printable text, also when its bytes are not UTF-8.

    File names copied from old Thai systems (zip files, CDs) may be TIS-620 bytes; Python keeps
    them as surrogate escapes, which cannot be printed or stored. They are shown decoded as
    TIS-620/cp874 when that works, else with the undecodable bytes replaced.

    Example:
        >>> display_path(b"\xc3\xd0\xe0\xba\xd5\xc2\xba.txt".decode("utf-8", "surrogateescape"))
        'ระเบียบ.txt'
    """
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = os.fsencode(text)
    try:
        return raw.decode("cp874")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _size(path: Path) -> float:
    try:
        return float(path.stat().st_size)
    except OSError:
        return 0.0


@dataclass
class _FileOutcome:
    """What reading one file gave (:meth:`DocumentLoader.read_one`), sent back from a worker."""

    document: Document | None
    skipped: list[SkippedFile]
    fidelity: list[FidelityReport]
    ocr: OCRStats
    prepared: object = None


class _FileReader:
    """``DocumentLoader.read_one`` as a picklable function of ``(path, source, collection)``: in
    a worker process it reads with a loader of the same settings, made once per process."""

    _loaders: dict[str, DocumentLoader] = {}  # per worker process, by settings

    def __init__(self, loader: DocumentLoader, prepare: Callable[[Document], object] | None) -> None:
        # The OCR cache the caller resolved, not the worker's own default: one cache for all.
        cache = loader._page_ocr.cache_dir if loader._page_ocr is not None else loader.ocr_cache_dir
        self.settings = {**loader.to_dict(), "ocr_cache_dir": str(cache) if cache is not None else None}
        self.prepare = prepare
        self._loader: DocumentLoader | None = loader

    def __getstate__(self) -> dict[str, object]:
        return {"settings": self.settings, "prepare": self.prepare}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.settings = state["settings"]  # type: ignore[assignment]
        self.prepare = state["prepare"]  # type: ignore[assignment]
        self._loader = None

    def __call__(self, item: tuple[Path, str, str]) -> _FileOutcome:
        loader = self._loader
        if loader is None:
            key = repr(sorted(self.settings.items()))
            loader = self._loaders.get(key)
            if loader is None:
                loader = self._loaders[key] = DocumentLoader.from_dict({**self.settings, "workers": 1})
        return loader.read_one(*item, prepare=self.prepare)


class DocumentLoader:
    """Reads files and folders (recursively) with the reader for each file's suffix.

    Folders are walked in sorted order, so results are deterministic; hidden files and folders
    (name starting with ".") are left out. Every other file is either read or listed in
    ``LoadResult.skipped`` with a one-line reason that names the fix: unsupported suffix, empty,
    too large, not a regular file (FIFO, socket, device), unreadable (permissions), a broken
    symlink or symlink loop, a symlink to somewhere outside the folder being ingested, damaged,
    truncated or encrypted PDF, binary data in a text file, or no text. One bad file never stops
    the batch.

    Symlinks inside a folder are followed when they point inside that folder (each file is read
    once); a link pointing outside it is refused, so a corpus folder never pulls in files its
    owner did not put there.

    PDF pages without a usable text layer are OCR'd with tesseract (see :mod:`ingest.ocr`);
    ``ocr`` is "auto" (scanned and garbled pages), "scanned" (pages with no text layer only) or
    "off".

    With ``workers`` above 1, files are read in that many worker processes (``ingest.parallel``:
    pypdf is pure Python, so threads would not help), the largest first; the result is the same
    as with one: documents, skipped files and fidelity reports in the order above, the OCR cache
    shared. A file whose reader crashes its process is skipped with the reason, not the batch.

    Args:
        max_file_bytes: larger files are skipped (protects memory; raise it for huge PDFs).
        show_progress: show tqdm progress bars on stderr.
        pdf_headings: detect PDF section headings from font size and weight.
        ocr: which PDF pages to OCR: "auto", "scanned" or "off".
        ocr_languages: tesseract languages (``tha+eng``).
        ocr_dpi: page render resolution for OCR.
        ocr_cache_dir: where OCR results are cached; None for the user cache (``ingest.ocr``).
        workers: processes that read files (1: this process only).

    Example:
        >>> result = DocumentLoader(show_progress=False).run([Path("corpus")])  # doctest: +SKIP
        >>> result.documents[0].source  # doctest: +SKIP
        'oecd/oecd-digital-government-index-2019-methodology.pdf'
    """

    def __init__(
        self,
        max_file_bytes: int = 200_000_000,
        show_progress: bool = True,
        pdf_headings: bool = False,
        ocr: str = "auto",
        ocr_languages: str = "tha+eng",
        ocr_dpi: int = 200,
        ocr_cache_dir: Path | None = None,
        workers: int = 1,
    ) -> None:
        if not isinstance(workers, int) or isinstance(workers, bool) or workers <= 0:
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        if not isinstance(max_file_bytes, int) or isinstance(max_file_bytes, bool) or max_file_bytes <= 0:
            raise ValueError(f"max_file_bytes must be a positive integer, got {max_file_bytes!r}")
        if not isinstance(show_progress, bool):
            raise ValueError(f"show_progress must be True or False, got {show_progress!r}")
        if ocr not in OCR_MODES:
            raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, got {ocr!r}")
        self.max_file_bytes = max_file_bytes
        self.show_progress = show_progress
        self.pdf_headings = bool(pdf_headings)
        self.ocr = ocr
        self.ocr_languages = ocr_languages
        self.ocr_dpi = ocr_dpi
        self.ocr_cache_dir = Path(ocr_cache_dir) if ocr_cache_dir is not None else None
        self.workers = workers
        self._page_ocr = (
            None
            if ocr == "off"
            else PageOCR(
                languages=ocr_languages,
                dpi=ocr_dpi,
                cache_dir=self.ocr_cache_dir or default_ocr_cache_dir(),
                show_progress=show_progress,
            )
        )

    def to_dict(self) -> dict[str, object]:
        """The settings, to rebuild the same loader with :meth:`from_dict`."""
        return {
            "max_file_bytes": self.max_file_bytes,
            "show_progress": self.show_progress,
            "pdf_headings": self.pdf_headings,
            "ocr": self.ocr,
            "ocr_languages": self.ocr_languages,
            "ocr_dpi": self.ocr_dpi,
            "ocr_cache_dir": str(self.ocr_cache_dir) if self.ocr_cache_dir else None,
            "workers": self.workers,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> DocumentLoader:
        return cls(**data)  # type: ignore[arg-type]

    def run(self, paths: list[Path], root: Path | None = None, prepare: Callable[[Document], object] | None = None) -> LoadResult:
        """Read ``paths`` (files and folders).

        Args:
            paths: files and folders to read.
            root: folder that ``Document.source`` is relative to. Default: each folder given is the
                root of the files under it; a single file given is relative to its parent (its
                source is its name).
            prepare: more work on each document read (chunking it: ``index.preparation``), done
                in the worker that read it; a module-level function or picklable object. It may
                change the document. Its results are ``LoadResult.prepared``.

        Raises:
            FileNotFoundError: a path does not exist (checked for all paths before reading any).
            ValueError: a file given in ``paths`` is not inside ``root``.
        """
        started = time.perf_counter()
        paths = [Path(path) for path in paths]
        missing = [display_path(path) for path in paths if not path.exists()]
        if missing:
            raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}: check the path")
        result = LoadResult()
        files = self._collect(paths, root, result)
        progress = tqdm(total=len(files), desc="Reading", unit="file", file=sys.stderr, disable=not self.show_progress)

        def done(number: int, outcome: _FileOutcome | WorkerCrash) -> None:
            progress.set_postfix_str(files[number][1][-40:], refresh=False)
            progress.update(1)

        outcomes = ProcessPool(_FileReader(self, prepare), self.workers).map(
            files, on_done=done, cost=[_size(path) for path, _, _ in files]
        )
        progress.close()
        ocr = OCRStats()
        for (path, _, _), outcome in zip(files, outcomes):
            if isinstance(outcome, WorkerCrash):
                result.skipped.append(SkippedFile(display_path(path), outcome.reason))
                continue
            result.skipped.extend(outcome.skipped)
            result.fidelity.extend(outcome.fidelity)
            for name in ("pages_read", "pages_cached", "pages_failed", "seconds"):
                setattr(ocr, name, getattr(ocr, name) + getattr(outcome.ocr, name))
            if outcome.document is not None:
                result.documents.append(outcome.document)
                if prepare is not None:
                    result.prepared.append(outcome.prepared)
        result.notes.extend(self._notes(result))
        if ocr.pages_read or ocr.pages_cached:
            result.notes.append(ocr.summary())
        result.seconds = time.perf_counter() - started
        return result

    def read_one(
        self, path: Path, source: str, collection: str = "", prepare: Callable[[Document], object] | None = None
    ) -> _FileOutcome:
        """Read one file: the document (None when it was skipped) and ``prepare``'s result for
        it, why it was skipped, its fidelity report and what OCR did for it."""
        result = LoadResult()
        document = self._read(path, source, result)
        prepared = None
        if document is not None:
            document.collection = collection
            prepared = prepare(document) if prepare is not None else None
        ocr = OCRStats()
        if self._page_ocr is not None:
            ocr, self._page_ocr.stats = self._page_ocr.stats, OCRStats()
        return _FileOutcome(document, result.skipped, result.fidelity, ocr, prepared)

    # -- finding files ---------------------------------------------------------------------------

    def _collect(self, paths: list[Path], root: Path | None, result: LoadResult) -> list[tuple[Path, str, str]]:
        """(file, source, collection) in order; files that cannot be read go to ``result.skipped``.

        The collection is the first folder of the file's real path below its root, or the root's
        own name (``ingest.collections``).
        """
        found: list[tuple[Path, str, str]] = []
        seen_files: set[Path] = set()
        seen_sources: dict[str, Path] = {}

        def skip(path: Path, reason: str) -> None:
            result.skipped.append(SkippedFile(display_path(path), reason))

        def consider(path: Path, base: Path) -> None:
            """One file (already known to be inside ``base`` after resolving)."""
            resolved = path.resolve()
            if resolved in seen_files:  # the same file given twice, or reached through a symlink
                return
            seen_files.add(resolved)
            try:
                mode = path.stat().st_mode
            except OSError as error:
                skip(path, f"cannot read it ({error.strerror or error}): check the file and its permissions")
                return
            if not stat.S_ISREG(mode):
                skip(path, f"{_file_kind(mode)}, not a document file: remove it from the folder")
                return
            try:
                source = display_path(path.relative_to(base).as_posix())
            except ValueError:
                source = display_path(resolved.relative_to(base.resolve()).as_posix())
            if source in seen_sources:
                skip(path, f"same source '{source}' as {display_path(seen_sources[source])}: pass root= to tell them apart")
                return
            seen_sources[source] = path
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                skip(path, f"unsupported file type '{display_path(path.suffix) or '(none)'}': supported are {supported}")
                return
            found.append((path, source, collection_for(path, base)))

        def walk(folder: Path, base: Path, ancestors: tuple[Path, ...]) -> None:
            """Depth-first in name order; ``ancestors`` are the resolved folders above (loop check)."""
            try:
                # Real files and folders before symlinks, so a file reached both ways keeps its real path.
                entries = sorted(os.scandir(folder), key=lambda entry: (entry.is_symlink(), entry.name))
            except OSError as error:
                skip(folder, f"cannot list this folder ({error.strerror or error}): make it readable (chmod +rx)")
                return
            for entry in entries:
                if _is_hidden(entry.name):
                    continue
                path = Path(entry.path)
                if entry.is_symlink():
                    target = self._check_link(path, base, skip)
                    if target is None:
                        continue
                    if target.is_dir():
                        if target in ancestors or target == base.resolve():
                            skip(path, f"symlink loop: it points back to {display_path(target)}, which contains it: remove the link")
                        else:
                            walk(path, base, (*ancestors, target))
                        continue
                    consider(path, base)
                elif entry.is_dir(follow_symlinks=False):
                    walk(path, base, (*ancestors, path.resolve()))
                else:
                    consider(path, base)

        for given in paths:
            if given.is_dir():
                base = root or given
                walk(given, base, (given.resolve(),))
            else:
                base = root or given.parent
                if not _inside(given.resolve(), base.resolve()) and not _inside(given.absolute(), base.absolute()):
                    raise ValueError(f"{display_path(given)} is not inside root {display_path(base)}: pass a root that contains it")
                consider(given, base)
        return found

    @staticmethod
    def _check_link(path: Path, base: Path, skip: Callable[[Path, str], None]) -> Path | None:
        """The resolved target of a symlink inside ``base``, or None after recording why not."""
        try:
            target = path.resolve(strict=True)
        except RuntimeError:  # Python < 3.13 reports a loop this way
            skip(path, "symlink loop: the link points (through other links) to itself: remove or fix the link")
            return None
        except OSError as error:
            if error.errno == errno.ELOOP:
                skip(path, "symlink loop: the link points (through other links) to itself: remove or fix the link")
            else:
                skip(path, f"broken symlink (its target {display_path(os.readlink(path))} does not exist): remove or fix the link")
            return None
        if not _inside(target, base.resolve()):
            skip(
                path,
                f"symlink to {display_path(target)}, outside the folder being ingested ({display_path(base)}): "
                "copy the file into the folder, or ingest its own folder",
            )
            return None
        return target

    # -- reading ---------------------------------------------------------------------------------

    def _read(self, path: Path, source: str, result: LoadResult) -> Document | None:
        """Read one file, or record why not and return None."""
        shown = display_path(path)
        try:
            size = path.stat().st_size
        except OSError as error:  # removed or changed since the folder was listed
            result.skipped.append(SkippedFile(shown, f"cannot read it ({error.strerror or error}): check the file"))
            return None
        if size == 0:
            result.skipped.append(SkippedFile(shown, "empty file (0 bytes): nothing to index; re-export or remove it"))
            return None
        if size > self.max_file_bytes:
            result.skipped.append(
                SkippedFile(
                    shown,
                    f"file too large ({size} bytes > max_file_bytes={self.max_file_bytes}): "
                    "raise max_file_bytes or split the file",
                )
            )
            return None
        reader = reader_for(
            path, pdf_headings=self.pdf_headings, ocr=self._page_ocr, ocr_garbled=self.ocr == "auto"
        )
        assert reader is not None  # _collect kept supported suffixes only
        try:
            document = reader.run(path, source)
        except ReaderError as error:
            message = _one_line(display_path(str(error)))
            for prefix in (f"{shown}: ", f"{display_path(path.resolve())}: "):  # the path is printed beside it
                message = message.removeprefix(prefix)
            result.skipped.append(SkippedFile(shown, message))
            return None
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
            logger.debug("reading %s failed", shown, exc_info=True)
            reason = f"{type(error).__name__}: {_one_line(display_path(str(error)))}: {_fix_for(error)}"
            result.skipped.append(SkippedFile(shown, reason))
            return None
        document.path = display_path(document.path)
        extraction = document.extraction
        result.fidelity.append(
            build_report(
                path=shown,
                source=source,
                text=document_text(document),
                raw_defects=extraction.raw_defects,
                pages=extraction.pages,
                pages_without_text=extraction.pages_without_text,
                pages_garbled=extraction.pages_garbled,
                pages_ocr=extraction.pages_ocr,
                pages_missing=extraction.pages_missing,
                pages_repaired=extraction.pages_repaired,
                pages_fallback=extraction.pages_fallback,
                repairs=extraction.repairs,
                hidden=extraction.hidden_dropped,
                encoding=extraction.encoding,
                note=extraction.ocr_note,
            )
        )
        if not document.blocks:
            if path.suffix.lower() != ".pdf":
                # A stub page (an index.md with only front matter) was read fine: left out, not failed.
                result.skipped.append(SkippedFile(shown, NO_TEXT_REASON_NOT_PDF, failed=False))
                return None
            if extraction.pages_missing and extraction.ocr_note:
                reason = f"no text layer on its {extraction.pages} page(s) and no OCR: {extraction.ocr_note}"
            else:
                reason = NO_TEXT_REASON
            result.skipped.append(SkippedFile(shown, reason))
            return None
        return document

    @staticmethod
    def _notes(result: LoadResult) -> list[str]:
        """Batch-level notes: pages that needed OCR and did not get it, grouped by the reason."""
        by_note: dict[str, list[FidelityReport]] = {}
        for report in result.fidelity:
            if report.pages_missing:
                by_note.setdefault(report.note or "OCR failed", []).append(report)
        return [
            f"Note: {sum(r.pages_missing for r in reports)} PDF page(s) in {len(reports)} file(s) have no usable "
            f"text layer and were not OCR'd: {note}"
            for note, reports in by_note.items()
        ]

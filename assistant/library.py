"""Adding and removing documents while the assistant serves: uploads checked, saved into their
collection's folder and indexed in the background, one ingest at a time.

The flow of an upload (the web page and ``POST /api/documents`` both come here):

1. At once, per file: a safe file name (the base name only, Thai kept, no hidden or ``..``
   names), a supported type, not empty, not larger than ``max_file_bytes``. The file is written
   to a staging folder (``uploads_dir/staging``), never straight into the corpus.
2. In the background, one batch at a time: each staged file is read with the same loader and
   bad-input rules as ``policyrag ingest`` (encrypted, damaged, truncated, binary junk, no text
   ...); a file that fails is listed with the loader's reason and goes no further. A good file is
   moved into the collection's folder without overwriting anything: a different file of the same
   name gets `` (2)`` added (unless "replace" was asked, which moves the old one aside), the same
   file again is reported as already there.
3. ``build_index`` over the index's folders into the live index folder (incremental: only the new
   documents are embedded; the writer lock keeps it to one ingest at a time, also against a
   ``policyrag ingest`` from the command line), then the open ``PolicyRAG`` switches to the new
   generation: the documents are searchable from then on.

Removing a document moves its file aside into ``uploads_dir/removed/<time>/<source>`` (an admin
can put it back) and indexes again, which drops its passages.

Jobs submitted while a batch runs wait and run together in the next one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
import unicodedata
import uuid
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from assistant.access import Caller
from assistant.api import PolicyRAG, build_index, make_loader
from assistant.audit import AuditLog
from assistant.settings import Settings
from corpus.manifest import CorpusManifest
from index.generations import IndexBusyError
from ingest.collections import DEFAULT_COLLECTION, collection_for, valid_collection_name
from ingest.readers import SUPPORTED_SUFFIXES

logger = logging.getLogger(__name__)

MAX_NAME_BYTES = 200  # file names stay well under the 255-byte limit of ext4 (Thai: 3 bytes a letter)
MAX_FILES_PER_UPLOAD = 50
KEPT_JOBS = 100
BUSY_RETRY_S = 1.0
BUSY_GIVE_UP_S = 3600.0
_FORBIDDEN_CHARS = set('<>:"/\\|?*')


def safe_file_name(name: str) -> str:
    """A file name that is safe to create in a collection folder, from what a browser sent.

    Keeps the base name only (``C:\\Users\\x\\a.pdf`` and ``../../a.pdf`` give ``a.pdf``), Thai
    and other scripts as they are (NFC), drops control and invisible characters and the ones
    Windows forbids, removes leading dots and spaces (no hidden files, no ``..``), lower-cases the
    extension, and cuts the stem so the name fits in 200 bytes. An empty stem becomes "document".

    Example:
        >>> safe_file_name("../../ระเบียบ การลา.PDF")
        'ระเบียบ การลา.pdf'
    """
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable() and char not in _FORBIDDEN_CHARS)
    name = " ".join(name.split()).lstrip(". ")
    stem, suffix = os.path.splitext(name)
    suffix = suffix.lower()
    stem = stem.rstrip(". ") or "document"
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def _numbered(name: str, number: int) -> str:
    stem, suffix = os.path.splitext(name)
    return f"{stem} ({number}){suffix}"


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


@dataclass
class FileOutcome:
    """One file of a job: ``state`` is waiting, saved, unchanged, indexed, removed or rejected."""

    name: str
    state: str = "waiting"
    reason: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "state": self.state, "reason": self.reason, "source": self.source}


@dataclass
class Job:
    """An upload or a removal and where it stands.

    ``state``: queued -> checking -> indexing -> done (searchable in ``generation``) or failed
    (``message`` says why). ``files`` say what happened to each file.
    """

    id: str
    kind: str
    user: str
    collection: str
    files: list[FileOutcome]
    replace: bool = False
    state: str = "queued"
    message: str = ""
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    generation: str = ""
    staging: Path | None = None

    @property
    def finished_ok(self) -> bool:
        return self.state == "done"

    @property
    def active(self) -> bool:
        return self.state in ("queued", "checking", "indexing")

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "user": self.user,
            "collection": self.collection,
            "state": self.state,
            "message": self.message,
            "generation": self.generation,
            "created": self.created,
            "seconds": round((self.finished or time.time()) - (self.started or self.created), 1),
            "files": [outcome.to_dict() for outcome in self.files],
        }


class DocumentLibrary:
    """The collections of an open index as folders: uploads, removals and the background ingest.

    Args:
        rag: the open index the web app answers from (its encoders embed the new documents; it
            follows the new generation when the ingest is done).
        settings: ``uploads_dir``, ``max_file_bytes`` and the ingest settings.
        audit: where uploads and removals are recorded.

    The folders are the ones the index was built from (its manifest's ``roots``); collection
    ``c`` is the folder ``<root>/c`` (created in the first root for a new collection), and the
    collection named after a root is that root's own top level.
    """

    def __init__(self, rag: PolicyRAG, settings: Settings, audit: AuditLog | None = None) -> None:
        self.rag = rag
        self.settings = settings.with_overrides(show_progress=False)
        self.audit = audit or AuditLog(None)
        self.staging_dir = Path(settings.uploads_dir) / "staging"
        self.removed_dir = Path(settings.uploads_dir) / "removed"
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._queue: deque[Job] = deque()
        self._callers: dict[str, Caller] = {}  # who submitted each queued job (for the audit lines)
        self._changed = threading.Condition()
        self._worker: threading.Thread | None = None
        self._closing = False

    # -- folders and collections ------------------------------------------------------------------

    def roots(self) -> list[Path]:
        """The folders the live index was built from (empty for an index that does not record them)."""
        return [Path(root) for root in self.rag.index.manifest.roots]

    def folder_for(self, collection: str) -> Path:
        """The folder that holds (or will hold) ``collection``'s files.

        Raises:
            ValueError: the index records no folders, or the name cannot be a folder.
        """
        roots = [root.resolve() for root in self.roots()]
        if not roots:
            raise ValueError(
                "this index does not record the folders it was built from: run `policyrag ingest FOLDER` once, "
                "then documents can be added here"
            )
        if not valid_collection_name(collection):
            raise ValueError(
                f"collection name {collection!r} is not valid: use 1-64 letters, digits, '.', '_', '-' or spaces, "
                "starting with a letter or digit"
            )
        for root in roots:
            candidate = root / collection
            if candidate.is_dir() and candidate.resolve().is_relative_to(root):
                return candidate.resolve()
        for root in roots:
            if collection == (root.name or DEFAULT_COLLECTION):
                return root
        return roots[0] / collection

    def _root_of(self, folder: Path) -> Path:
        return next(root.resolve() for root in self.roots() if folder.resolve().is_relative_to(root.resolve()))

    # -- submitting --------------------------------------------------------------------------------

    def submit_upload(
        self, caller: Caller, collection: str, files: Iterable[tuple[str, BinaryIO | Path]], replace: bool = False
    ) -> Job:
        """Stage ``files`` (name as sent, content as a binary stream or a file path) for
        ``collection`` and queue them; returns the job at once.

        Files refused at once (type, size, empty) are in the job as rejected with the reason.

        Raises:
            PermissionError: ``caller`` may not add documents to ``collection``.
            ValueError: no file, too many files, or the collection cannot be a folder.
        """
        collection = unicodedata.normalize("NFC", collection.strip())
        if not caller.can_write(collection):
            raise PermissionError(f"you may not add documents to collection {collection!r}")
        self.folder_for(collection)  # refuses a bad name or an index without folders before any copying
        files = list(files)
        if not files:
            raise ValueError("no file was given: choose one or more documents to add")
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise ValueError(f"{len(files)} files at once: add at most {MAX_FILES_PER_UPLOAD} per upload")
        job = Job(uuid.uuid4().hex[:12], "upload", caller.name, collection, [], replace=replace)
        job.staging = self.staging_dir / job.id
        job.staging.mkdir(parents=True, exist_ok=True)
        taken: set[str] = set()
        for sent_name, content in files:
            outcome = FileOutcome(unicodedata.normalize("NFC", sent_name or "?"))
            job.files.append(outcome)
            name = safe_file_name(sent_name or "")
            number = 2
            base = name
            while name.casefold() in taken:  # two files of the same name in one upload
                name, number = _numbered(base, number), number + 1
            taken.add(name.casefold())
            outcome.source = name
            problem = self._stage(content, job.staging / name, name)
            if problem:
                outcome.state, outcome.reason = "rejected", problem
                self.audit.caller_event("upload_rejected", caller, collection=collection, file=outcome.name, reason=problem)
        self._enqueue(job, caller)
        return job

    def _stage(self, content: BinaryIO | Path, target: Path, name: str) -> str:
        """Copy one file into staging; the reason it is refused, or "" when it is staged."""
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            return f"unsupported file type '{suffix or '(none)'}': supported are {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        limit = self.settings.max_file_bytes
        size = 0
        source = content.open("rb") if isinstance(content, Path) else content
        try:
            with target.open("xb") as handle:
                for block in iter(lambda: source.read(1 << 20), b""):
                    size += len(block)
                    if size > limit:
                        break
                    handle.write(block)
        finally:
            if isinstance(content, Path):
                source.close()
        if size > limit:
            target.unlink(missing_ok=True)
            return f"file too large (over {limit} bytes = max_file_bytes): split the file or ask the administrator"
        if size == 0:
            target.unlink(missing_ok=True)
            return "empty file (0 bytes): nothing to index; re-export it"
        return ""

    def submit_removal(self, caller: Caller, source: str, collection: str) -> Job:
        """Queue the removal of the indexed document ``source`` (of ``collection``).

        Raises:
            PermissionError: ``caller`` may not remove documents from ``collection``.
        """
        if not caller.can_write(collection):
            raise PermissionError(f"you may not remove documents from collection {collection!r}")
        job = Job(uuid.uuid4().hex[:12], "remove", caller.name, collection, [FileOutcome(source, source=source)])
        self._enqueue(job, caller)
        return job

    def _enqueue(self, job: Job, caller: Caller) -> None:
        with self._changed:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].active:
                    break
                del self._jobs[oldest]
            self._queue.append(job)
            self._callers[job.id] = caller
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="policyrag-library", daemon=True)
                self._worker.start()
            self._changed.notify_all()

    # -- reading the state ---------------------------------------------------------------------------

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def jobs_for(self, caller: Caller, limit: int = 10) -> list[Job]:
        """The newest jobs ``caller`` may see (theirs, or of collections they may write), newest first."""
        with self._changed:
            jobs = list(self._jobs.values())
        visible = [job for job in jobs if job.user == caller.name or caller.can_write(job.collection)]
        return visible[::-1][:limit]

    def queue_position(self, job: Job) -> int:
        """1 for the next batch, 2 for the one after ... (0 when not queued)."""
        with self._changed:
            return next((number for number, queued in enumerate(self._queue, start=1) if queued is job), 0)

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job has finished (for tests and scripts)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                job = self._jobs[job_id]
                if not job.active:
                    return job
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(f"job {job_id} is still {job.state} after {timeout} s")
                self._changed.wait(remaining if remaining is not None else 1.0)

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=60)

    # -- the worker ----------------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._changed:
                while not self._queue and not self._closing:
                    self._changed.wait()
                if self._closing:
                    return
                batch = list(self._queue)
                self._queue.clear()
            try:
                self._run_batch(batch)
            except Exception as error:  # noqa: BLE001 - a failed batch must not stop later uploads
                logger.exception("document batch failed")
                for job in batch:
                    if job.active:
                        self._finish(job, "failed", f"{type(error).__name__}: {error}")

    def _set(self, job: Job, state: str, message: str = "") -> None:
        with self._changed:
            job.state = state
            job.message = message
            if job.started is None:
                job.started = time.time()
            self._changed.notify_all()

    def _finish(self, job: Job, state: str, message: str) -> None:
        if job.staging is not None:
            shutil.rmtree(job.staging, ignore_errors=True)
        with self._changed:
            job.state, job.message, job.finished = state, message, time.time()
            self._callers.pop(job.id, None)
            self._changed.notify_all()

    def _run_batch(self, batch: list[Job]) -> None:
        changed = False
        for job in batch:
            caller = self._callers.get(job.id, Caller(job.user))
            if job.kind == "upload":
                changed |= self._place_uploads(job, caller)
            else:
                changed |= self._move_aside(job, caller)
        if not changed:
            for job in batch:
                ok = any(outcome.state == "unchanged" for outcome in job.files)
                self._finish(job, "done" if ok else "failed", "nothing new to index" if ok else "no file could be added")
            return
        for job in batch:
            self._set(job, "indexing", "indexing: reading the collection folders and embedding the new passages")
        self._index(batch)

    def _place_uploads(self, job: Job, caller: Caller) -> bool:
        """Check each staged file with the ingest loader, then move the good ones into the folder."""
        assert job.staging is not None
        waiting = [outcome for outcome in job.files if outcome.state == "waiting"]
        folder = self.folder_for(job.collection)
        loader = make_loader(self.settings)
        placed = False
        for number, outcome in enumerate(waiting, start=1):
            self._set(job, "checking", f"checking file {number} of {len(waiting)}: {outcome.name}")
            staged = job.staging / outcome.source
            loaded = loader.run([staged], root=job.staging)
            failed = loaded.skipped[0].reason if loaded.skipped else ""
            if failed or not loaded.documents:
                self._reject(job, caller, outcome, failed or "nothing could be read from it")
                continue
            try:
                placed |= self._place(job, caller, outcome, staged, folder)
            except OSError as error:
                self._reject(job, caller, outcome, f"cannot save it in {folder} ({error.strerror or error}): "
                             "give the server's user write permission on the folder")
        return placed

    def _reject(self, job: Job, caller: Caller, outcome: FileOutcome, reason: str) -> None:
        outcome.state, outcome.reason = "rejected", reason
        self.audit.caller_event("upload_rejected", caller, collection=job.collection, file=outcome.name, reason=reason)

    def _place(self, job: Job, caller: Caller, outcome: FileOutcome, staged: Path, folder: Path) -> bool:
        """Move one checked file into ``folder``; True when the folder changed."""
        folder.mkdir(parents=True, exist_ok=True)
        root = self._root_of(folder)
        manifest = CorpusManifest.find(root)
        digest = _digest(staged)
        name, number, replaced = outcome.source, 2, None
        while os.path.lexists(folder / name):
            existing = folder / name
            if existing.is_file() and _digest(existing) == digest:
                outcome.state, outcome.source = "unchanged", existing.relative_to(root).as_posix()
                outcome.reason = "the same file is already in the collection"
                return False
            if job.replace:
                replaced = existing
                break
            name, number = _numbered(outcome.source, number), number + 1
        target = folder / name
        source = target.relative_to(root).as_posix()
        expected = manifest.collection_for(source) or collection_for(target, root)
        if manifest.is_excluded(source) or expected != job.collection:
            why = "excluded by" if manifest.is_excluded(source) else f"put into collection {expected!r} by"
            self._reject(job, caller, outcome, f"{source} would be {why} the corpus manifest ({manifest.source})")
            return False
        if replaced is not None:  # only now that the new file is known to belong here
            moved = self._move_file_aside(replaced, root)
            self.audit.caller_event("remove", caller, collection=job.collection, source=source, moved_to=str(moved), replaced=True)
        # Copy under a hidden name (the loader skips hidden files), then link: never overwrites.
        partial = folder / f".{job.id}.{number}.partial"
        shutil.copyfile(staged, partial)
        try:
            os.link(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        outcome.state, outcome.source = "saved", source
        if name != safe_file_name(outcome.name):
            outcome.reason = f"saved as {name}: a different file named {safe_file_name(outcome.name)} is already there"
        self.audit.caller_event("upload", caller, collection=job.collection, file=outcome.name, source=source, sha256=digest)
        return True

    def _move_file_aside(self, path: Path, root: Path) -> Path:
        """Move a file out of the corpus into ``removed/<time>/<its path>``; returns where it went."""
        relative = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
        target = self.removed_dir / time.strftime("%Y%m%d-%H%M%S") / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        while target.exists():
            target = target.with_name(_numbered(target.name, 2))
        shutil.move(str(path), str(target))
        return target

    def _move_aside(self, job: Job, caller: Caller) -> bool:
        outcome = job.files[0]
        self._set(job, "checking", f"removing {outcome.source}")
        for root in (root.resolve() for root in self.roots()):
            path = root / outcome.source
            if (path.is_file() or path.is_symlink()) and path.resolve().is_relative_to(root):
                moved = self._move_file_aside(path, root)
                outcome.state, outcome.reason = "removed", f"moved to {moved}"
                self.audit.caller_event("remove", caller, collection=job.collection, source=outcome.source, moved_to=str(moved))
                return True
        outcome.state, outcome.reason = "removed", "the file was already gone from the folder"
        self.audit.caller_event("remove", caller, collection=job.collection, source=outcome.source, moved_to="")
        return True

    def _index(self, batch: list[Job]) -> None:
        """One incremental ingest for the whole batch, waiting while another writer holds the index."""
        index_dir = self.rag.index.index_dir
        started = time.monotonic()
        while True:
            try:
                report = build_index(self.roots(), self.settings, index_dir=index_dir, encoders=self.rag.encoders)
                break
            except IndexBusyError:
                if time.monotonic() - started > BUSY_GIVE_UP_S:
                    raise
                for job in batch:
                    self._set(job, "indexing", "waiting for another ingest of this index to finish")
                time.sleep(BUSY_RETRY_S)
        generation = self.rag.refresh(timeout=600)
        indexed = set(report.sources)
        reasons = {item.path: item.reason for item in report.skipped}
        for job in batch:
            for outcome in job.files:
                if outcome.state == "saved":
                    if outcome.source in indexed:
                        outcome.state = "indexed"
                    else:
                        outcome.state = "rejected"
                        outcome.reason = next((why for path, why in reasons.items() if path.endswith(outcome.source)), "not indexed")
            job.generation = generation
            rejected = [outcome for outcome in job.files if outcome.state == "rejected"]
            message = f"searchable now (index {generation})"
            if rejected:
                message += f"; {len(rejected)} file(s) not added"
            self.audit.record("index", job.user, job=job.id, generation=generation, documents=len(indexed))
            self._finish(job, "done", message)

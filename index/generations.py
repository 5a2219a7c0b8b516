"""Index generations on disk: the CURRENT pointer, the writer lock, and which folders to keep.

An index folder holds numbered generation folders and a ``CURRENT`` file naming the live one. A
writer builds a new generation beside the live one and switches ``CURRENT`` in one ``os.replace``:
a crash (even SIGKILL) mid-build leaves the previous index intact, and readers never see a
half-written generation. Readers may hold an older generation open while a writer switches, so
the writer keeps the generation it replaced (the previous one) and deletes only older ones; a
reader that was opened even earlier still reads its files (FAISS and BM25 are in memory; the
SQLite file stays readable through its open handle on POSIX systems).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.manifest import IndexError_, IndexNotFoundError

logger = logging.getLogger(__name__)

CURRENT_NAME = "CURRENT"
LOCK_NAME = ".write.lock"
GENERATION_PREFIX = "gen-"


class IndexBusyError(IndexError_):
    """Another writer holds the index folder."""


def generation_number(path: Path) -> int | None:
    suffix = path.name.removeprefix(GENERATION_PREFIX)
    return int(suffix) if path.name.startswith(GENERATION_PREFIX) and suffix.isdigit() else None


def generations(index_dir: Path) -> list[Path]:
    """Generation folders, oldest first."""
    found = [(generation_number(path), path) for path in index_dir.glob(GENERATION_PREFIX + "*") if path.is_dir()]
    return [path for number, path in sorted((n, p) for n, p in found if n is not None)]


def _not_a_file(index_dir: Path) -> None:
    """Raise when ``index_dir`` is a file: an index is a folder (``--index`` given a document?)."""
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexNotFoundError(
            f"{index_dir} is a file, not an index folder: give --index a folder (policyrag ingest creates it), "
            f"e.g. policyrag ingest PATH --index {index_dir.parent / 'index'}"
        )


def current_name(index_dir: Path) -> str | None:
    """The name in CURRENT, or None when there is no index yet.

    Raises:
        IndexNotFoundError: ``index_dir`` is a file.
    """
    _not_a_file(index_dir)
    try:
        return (index_dir / CURRENT_NAME).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def current_generation(index_dir: Path) -> Path:
    name = current_name(index_dir)
    if name is None:
        raise IndexNotFoundError(
            f"no policyrag index at {index_dir}. Build one with: policyrag ingest PATH --index {index_dir}"
        )
    return index_dir / name


def pointer_state(index_dir: Path) -> tuple[int, int, int] | None:
    """A cheap fingerprint of CURRENT (one stat): it changes whenever a writer switches generations,
    because the pointer is replaced by a new file (new inode), never rewritten in place."""
    try:
        stat = os.stat(index_dir / CURRENT_NAME)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def next_generation(index_dir: Path) -> Path:
    numbers = [generation_number(path) or 0 for path in generations(index_dir)]
    return index_dir / f"{GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}"


def switch_to(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` live in one atomic step, after its files are on disk."""
    _fsync_tree(generation)
    pointer_tmp = index_dir / f".{CURRENT_NAME}.{os.getpid()}.tmp"
    with open(pointer_tmp, "w", encoding="utf-8") as handle:
        handle.write(generation.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, index_dir / CURRENT_NAME)
    _fsync_dir(index_dir)


def remove_unused(index_dir: Path, keep: set[str]) -> list[str]:
    """Delete generation folders not named in ``keep`` (and stray pointer temp files)."""
    removed = []
    for path in generations(index_dir):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for stray in index_dir.glob(f".{CURRENT_NAME}.*.tmp"):
        stray.unlink(missing_ok=True)
    return removed


def remove_unfinished(index_dir: Path) -> list[str]:
    """Delete generations newer than the live one: builds that crashed before they were switched in.

    Only safe under the writer lock (otherwise it could delete a build in progress).
    """
    live = current_name(index_dir)
    live_number = generation_number(Path(live)) if live else 0
    unfinished = [path for path in generations(index_dir) if (generation_number(path) or 0) > (live_number or 0)]
    for path in unfinished:
        shutil.rmtree(path, ignore_errors=True)
    if unfinished:
        logger.info("removed unfinished generation(s) %s", [path.name for path in unfinished])
    return [path.name for path in unfinished]


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """One writer per index folder at a time; a second ``policyrag ingest`` fails at once.

    The lock is an OS file lock: it is released when the process dies, even by SIGKILL.
    """
    from filelock import FileLock, Timeout

    _not_a_file(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise IndexBusyError(
            f"another policyrag ingest is writing the index at {index_dir}: wait for it to finish and run again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        _fsync_dir(path)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

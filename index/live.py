"""Follow the live generation of an index folder while it is open (``policyrag serve`` during a re-ingest).

Each query first checks ``CURRENT`` with one ``stat`` (microseconds). When a writer has switched
in a new generation, it is opened on a background thread while queries go on against the old
one; when it is ready it is swapped in under a lock, and the old one is closed as soon as the
last query that was using it is done. A generation that fails to open (deleted by a later
ingest, built with other models) is logged and the old one keeps answering; it is tried again
when another generation is published, or after ``retry_seconds``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from index.generations import current_name, pointer_state
from index.storage import OpenIndex
from index.vector_store import StoreOptions

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class _Slot(Generic[T]):
    index: OpenIndex
    payload: T
    users: int = 0
    retired: bool = False
    closed: bool = False


class LiveIndex(Generic[T]):
    """An open index generation plus what is built on it (``prepare(index)``, e.g. a retriever),
    replaced by the newest generation as writers publish them.

    Args:
        index_dir: the index folder.
        prepare: builds the payload for an opened generation; raising rejects that generation
            (e.g. it was built with other models than the ones loaded).
        opened: an already opened generation to start from (default: open the live one).
        follow: check for new generations on every lease; False pins the first one.
        retry_seconds: how long a generation that failed to open is left alone (unless another
            one is published meanwhile); opening one costs CPU, and a generation built with other
            models will not get better.
        options: what opening a generation's vector stores needs (a Milvus token).

    Example:
        >>> live = LiveIndex(Path(".policyrag/index"), prepare=lambda index: index)  # doctest: +SKIP
        >>> with live.lease() as index:                                             # doctest: +SKIP
        ...     len(index)
        1422
    """

    def __init__(
        self,
        index_dir: Path,
        prepare: Callable[[OpenIndex], T],
        opened: OpenIndex | None = None,
        follow: bool = True,
        retry_seconds: float = 60.0,
        options: StoreOptions | None = None,
    ) -> None:
        if retry_seconds < 0:
            raise ValueError(f"retry_seconds must be >= 0, got {retry_seconds}")
        self.index_dir = index_dir
        self.follow = follow
        self.retry_seconds = retry_seconds
        self._prepare = prepare
        self.options = options
        self._lock = threading.Lock()
        self._pointer = pointer_state(index_dir)
        index = opened or OpenIndex(index_dir, options=options)
        try:
            self._current: _Slot[T] = _Slot(index, prepare(index))
        except BaseException:
            if opened is None:
                index.close()
            raise
        self._loader: threading.Thread | None = None
        self._failed: tuple[tuple[int, int, int], float] | None = None
        self.reloads = 0

    @property
    def current(self) -> _Slot[T]:
        return self._current

    @property
    def generation(self) -> Path:
        return self._current.index.generation

    @contextmanager
    def lease(self) -> Iterator[T]:
        """The newest ready payload, kept open until the ``with`` block ends."""
        if self.follow:
            self.check()
        with self._lock:
            slot = self._current
            slot.users += 1
        try:
            yield slot.payload
        finally:
            with self._lock:
                slot.users -= 1
                close = slot.retired and slot.users == 0 and not slot.closed
                slot.closed = slot.closed or close
            if close:
                slot.index.close()

    def check(self) -> bool:
        """Start opening a newly published generation in the background; True when one was started."""
        state = pointer_state(self.index_dir)
        if state == self._pointer or state is None:
            return False
        with self._lock:
            if self._loader is not None:
                return False
            name = current_name(self.index_dir)
            if name is None or name == self._current.index.generation.name:
                self._pointer = state
                return False
            if self._failed and self._failed[0] == state and time.monotonic() - self._failed[1] < self.retry_seconds:
                return False
            self._loader = threading.Thread(target=self._load, args=(name, state), name=f"policyrag-open-{name}", daemon=True)
            self._loader.start()
            return True

    def refresh(self, timeout: float | None = None) -> Path:
        """Check now and wait until a new generation (if any) is swapped in; returns the generation in use."""
        self.check()
        loader = self._loader
        if loader is not None:
            loader.join(timeout)
        return self.generation

    def _load(self, name: str, state: tuple[int, int, int]) -> None:
        try:
            index = OpenIndex(self.index_dir, self.index_dir / name, options=self.options)
            try:
                payload = self._prepare(index)
            except BaseException:
                index.close()
                raise
        except Exception as error:  # noqa: BLE001 - the old generation keeps answering
            logger.warning("could not open index generation %s (%s); still answering from %s", name, error, self.generation.name)
            with self._lock:
                self._failed = (state, time.monotonic())
                self._loader = None
            return
        with self._lock:
            old = self._current
            self._current = _Slot(index, payload)
            self._pointer = state
            self._failed = None
            self._loader = None
            self.reloads += 1
            old.retired = True
            close = old.users == 0 and not old.closed
            old.closed = old.closed or close
        if close:
            old.index.close()
        logger.info("switched to index generation %s", name)

    def close(self) -> None:
        loader = self._loader
        if loader is not None:
            loader.join()
        with self._lock:
            slot = self._current
            slot.retired = True
            close = slot.users == 0 and not slot.closed
            slot.closed = slot.closed or close
        if close:
            slot.index.close()

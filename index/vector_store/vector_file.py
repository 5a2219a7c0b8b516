"""Rows of a stored vector file, read on demand with ``pread``: what "read only for the candidates" means.

Compressed FAISS pools re-score their best candidates from fp16 copies of the vectors, and
ranking reads the sentence vectors of the candidate passages only. Both files are far larger
than what one query reads (a million passages: 1.7 GB of passage and 9 GB of sentence vectors
for the two encoders), and a query reads a few hundred scattered rows of them.

Why ``pread`` and not a memory map: a mapping counts every page it ever touched in the process's
resident memory, and the kernel's readahead maps 32 pages around each fault, so after 200
queries on a million passages the process held 6.5 GB of mapped pages (1.6 GB with readahead
turned off, but then every scattered page costs its own fault and the searches took twice as
long). ``pread`` copies exactly the rows asked for into a buffer that is freed after the query;
the file's pages stay in the kernel's page cache, shared, and dropped under memory pressure.

Rows already in the page cache (the usual case once an index has served a few queries) are read
with one ``preadv2(RWF_NOWAIT)`` per run of consecutive rows, which returns at once or fails when
a page would have to come from disk; only the runs that failed are announced to the kernel
(``POSIX_FADV_WILLNEED``) and read again, waiting. Advising every run first, as before, cost a
second system call per run for nothing when the rows were cached: 500 candidate passages' 2,400
sentence vectors took 6.8 ms to read that way, 3.1 ms this way (100k-passage index, cached).
"""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import numpy as np

_ADVISE = hasattr(os, "posix_fadvise")  # Linux and most Unixes; elsewhere rows are read one run after another
_NOWAIT = getattr(os, "RWF_NOWAIT", 0)  # Linux 4.14+; 0: every run is advised and read waiting

class VectorFile:
    """A read-only (n, d) array in a ``.npy`` file, indexed like an array, read with ``pread``.

    ``file[rows]`` (an int array, any order, repeats allowed), ``file[start:stop]`` and
    ``np.asarray(file)`` return in-memory arrays of the file's dtype; consecutive rows are read
    in one call. Safe to share between threads (``pread`` has no file position).

    Raises:
        ValueError: the file is not a 2-D C-ordered ``.npy`` array.
    """

    def __init__(self, path: Path) -> None:
        header = np.load(path, mmap_mode="r")  # parses the .npy header; the mapping is dropped at once
        if header.ndim != 2 or not header.flags.c_contiguous:
            raise ValueError(f"{path} is not a 2-D C-ordered array")
        self.path = path
        self.shape: tuple[int, int] = (int(header.shape[0]), int(header.shape[1]))
        self.dtype = header.dtype
        self._offset = int(header.offset)
        self._row_bytes = self.shape[1] * self.dtype.itemsize
        del header
        self._descriptor = os.open(path, os.O_RDONLY)
        self._lock = threading.Lock()
        self.rows_read = 0  # rows read so far (what a query costs in I/O; tests assert on it)
        self._nowait = bool(_NOWAIT)  # try the page cache first (turned off where unsupported)

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def nbytes(self) -> int:
        return self.shape[0] * self._row_bytes

    def __getitem__(self, index: object) -> np.ndarray:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.shape[0])
            if step != 1:
                return self[np.arange(start, stop, step)]
            return self._read_run(start, max(stop - start, 0))
        if isinstance(index, (int, np.integer)):
            return self[np.array([int(index)])][0]
        rows = np.asarray(index, dtype=np.int64).reshape(-1)
        if len(rows) and (rows.min() < 0 or rows.max() >= self.shape[0]):
            raise IndexError(f"row out of range for {self.path} ({self.shape[0]} rows)")
        if not len(rows):
            return np.empty((0, self.shape[1]), dtype=self.dtype)
        wanted = np.unique(rows)  # sorted, each row read once
        buffer = bytearray(len(wanted) * self._row_bytes)
        view = memoryview(buffer)
        breaks = (np.flatnonzero(np.diff(wanted) > 1) + 1).tolist()
        runs = list(zip([0, *breaks], [*breaks, len(wanted)]))
        if len(runs) > 1:  # first what the page cache holds, without waiting; then the rest
            runs = self._read_cached(view, wanted, runs)
        if len(runs) > 1 and _ADVISE:  # let the kernel fetch every missing run at once (see _advise)
            self._advise(wanted, runs)
        for first, end in runs:  # one read per run of consecutive rows
            self._read_into(view[first * self._row_bytes : end * self._row_bytes], int(wanted[first]))
        table = np.frombuffer(buffer, dtype=self.dtype).reshape(len(wanted), self.shape[1])
        return table[np.searchsorted(wanted, rows)] if len(wanted) != len(rows) or not np.array_equal(wanted, rows) else table

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        whole = self._read_run(0, self.shape[0])
        return whole if dtype is None else whole.astype(dtype)

    def _read_run(self, start: int, count: int) -> np.ndarray:
        buffer = bytearray(count * self._row_bytes)
        self._read_into(memoryview(buffer), start)
        return np.frombuffer(buffer, dtype=self.dtype).reshape(count, self.shape[1])

    def _read_cached(self, view: memoryview, wanted: np.ndarray, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Read the runs whose pages are all in the page cache (``RWF_NOWAIT``); return the others.

        A run the kernel would have to fetch from disk fails at once (``EAGAIN``) or comes back
        short: it is returned, to be advised and read waiting. A file system that does not take
        the flag turns it off for this file (every run is then returned, as before)."""
        if not self._nowait:
            return runs
        row_bytes, base = self._row_bytes, self._offset
        starts = [first for first, _ in runs]
        offsets = (base + wanted[starts] * row_bytes).tolist()
        missing: list[tuple[int, int]] = []
        read = 0
        preadv, descriptor, flag = os.preadv, self._descriptor, _NOWAIT
        for number, ((first, end), offset) in enumerate(zip(runs, offsets)):
            part = view[first * row_bytes : end * row_bytes]
            try:
                got = preadv(descriptor, [part], offset, flag)
            except BlockingIOError:
                missing.append((first, end))
                continue
            except OSError as error:
                if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise
                self._nowait = False  # this file system does not take RWF_NOWAIT
                missing += runs[number:]
                break
            if got == len(part):
                read += end - first
            else:  # part of the run is not cached (or the file is short: the waiting read says so)
                missing.append((first, end))
        self.rows_read += read
        return missing

    def _advise(self, wanted: np.ndarray, runs: list[tuple[int, int]]) -> None:
        """Tell the kernel every run about to be read (``POSIX_FADV_WILLNEED``), so that rows not in
        the page cache are fetched from disk concurrently instead of one ``pread`` after another.
        Measured on this machine, 1,000 scattered rows of a 1M-row fp16 file not in the page cache:
        83-180 ms read one by one, 12-13 ms advised first; 2 ms either way when cached."""
        for first, end in runs:  # no lock: like pread, advice has no file position
            os.posix_fadvise(self._descriptor, self._offset + int(wanted[first]) * self._row_bytes, (end - first) * self._row_bytes, os.POSIX_FADV_WILLNEED)

    def _read_into(self, view: memoryview, start: int) -> None:
        """Fill ``view`` with the bytes of the rows from ``start`` on."""
        done, size = 0, len(view)
        self.rows_read += size // self._row_bytes  # not locked: a count for measuring, not for control
        while done < size:  # pread may return less than asked (large reads)
            got = os.preadv(self._descriptor, [view[done:]], self._offset + start * self._row_bytes + done)
            if got <= 0:
                raise OSError(f"{self.path} ends before byte {self._offset + start * self._row_bytes + size}: the index is damaged, rebuild it with policyrag ingest --rebuild")
            done += got

    def close(self) -> None:
        with self._lock:
            if self._descriptor >= 0:
                os.close(self._descriptor)
                self._descriptor = -1

    def __del__(self) -> None:  # the descriptor of a store dropped without close()
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

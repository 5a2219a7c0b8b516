"""How many CPU threads each kind of work uses, and how an ingest yields to running queries.

Why: on a 2-core machine, a query process and a ``policyrag ingest`` each ran torch with one
OpenMP thread per core. Four threads on two cores, each waiting at every barrier for a thread the
kernel has descheduled: a query took 1.3 s instead of 50 ms (about 26x) while an ingest ran.

What is set (measured with ``python -m benchmarks.ingest_latency``; numbers in the README):

* A query process (``search``, ``ask``, ``serve``: every open ``PolicyRAG``) runs its models on
  ``query_threads`` threads (1): a query is one short forward pass, and a single thread never
  waits for another.
* While any query process of this user is running, ``policyrag ingest`` lowers its own priority
  (``ingest_nice``, 10: the kernel then gives a query that wakes up the core at once) and
  leaves one core to the queries (``usable_cores() - 1`` threads, at least 1). Query processes
  announce themselves with a shared lock on a file in ``<cache>/serving/`` (released by the
  kernel when the process ends, even by SIGKILL).
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask, which containers and taskset limit)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def _serving_dir() -> Path:
    from index.bundled_model import default_cache_dir

    return default_cache_dir() / "serving"


class QueryProcessMark:
    """Announces that this process answers queries, for as long as it is held (see module doc)."""

    def __init__(self) -> None:
        self._handle = None
        try:
            import fcntl

            folder = _serving_dir()
            folder.mkdir(parents=True, exist_ok=True)
            self._handle = open(folder / f"{os.getpid()}.lock", "a+b")  # noqa: SIM115 - held open on purpose
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_SH)
        except (ImportError, OSError) as error:  # read-only cache, no fcntl: ingest just is not polite
            logger.debug("cannot mark this process as serving queries: %s", error)
            self.close()

    def close(self) -> None:
        if self._handle is not None:
            path = Path(self._handle.name)
            self._handle.close()
            self._handle = None
            with contextlib.suppress(OSError):
                path.unlink()


def serving_queries_here() -> bool:
    """True while this process holds a :class:`QueryProcessMark` (an open ``PolicyRAG``: the web
    app indexing its uploads in a thread beside the queries it answers)."""
    return (_serving_dir() / f"{os.getpid()}.lock").exists()


def query_processes_running() -> bool:
    """True while another process of this user holds a :class:`QueryProcessMark`."""
    try:
        import fcntl
    except ImportError:
        return False
    folder = _serving_dir()
    if not folder.is_dir():
        return False
    running = False
    for path in folder.glob("*.lock"):
        if path.name == f"{os.getpid()}.lock":
            continue
        try:
            with open(path, "a+b") as handle:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    running = True
                    continue
            path.unlink()  # nobody holds it: a process that ended
        except OSError:
            continue
    return running


def lower_priority(increment: int) -> None:
    """Add ``increment`` to the nice value of every thread of this process (Linux keeps one per
    thread; threads started later inherit it from the thread that starts them)."""
    if increment <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        tasks = [int(task) for task in os.listdir("/proc/self/task")]
    except OSError:
        tasks = [0]
    for task in tasks:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, task, min(19, os.getpriority(os.PRIO_PROCESS, task) + increment))


def ingest_threads(configured: int = 0, polite: bool = False) -> int:
    """Threads for an ingest's models: ``configured`` when positive, else every usable core, one
    fewer when ``polite`` (queries are being served)."""
    if configured > 0:
        return configured
    cores = usable_cores()
    return max(1, cores - 1) if polite else cores


def polite_ingest(nice: int) -> bool:
    """Called when an ingest starts: when query processes run, lower this process's priority by
    ``nice`` (0: not at all) and return True (the caller then leaves a core free)."""
    if not query_processes_running():
        return False
    lower_priority(nice)
    logger.warning("policyrag is answering queries in another process: this ingest runs at lower priority on fewer cores")
    return True

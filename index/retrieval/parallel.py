"""A query's independent searches, run side by side on a few threads.

Why: one query searches each language pool of each encoder for passages (4 vector-store searches
with two encoders and two languages). Each is one thread's work (FAISS scans one query on one
OpenMP thread: see ``index/vector_store/faiss_store.py``), they do not depend on one another, and
FAISS holds no GIL while it scans. (The candidates' sentences are read one pool after another:
``BestSentences.search_all`` says why.) Measured with ``benchmarks/vector_store_scale.py``
(100k synthetic passages, SQ8 pools, 2 cores): the 4 passage searches 23.5 ms one after another,
13.1 ms on two threads; while two other processes kept both cores busy, p50 26.4 ms either way
and p90 68 ms one after another, 49 ms on two threads (the kernel shares the cores per thread).

The calling thread works too: ``threads`` is the number of threads a query uses, the caller
included; the helpers come from one executor per thread count shared by every retriever of the
process, so a server answering several queries at once never holds more than ``threads - 1``
helpers, and a query whose helpers are busy runs its searches itself. A search started by a
helper runs its own inner searches inline (no helper ever waits for another).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

from index.cpu_policy import usable_cores

T = TypeVar("T")

DEFAULT_THREADS = 2  # measured best on 2 cores, idle and with both cores busy (module doc)
_EXECUTORS: dict[int, ThreadPoolExecutor] = {}
_EXECUTORS_LOCK = threading.Lock()
_HELPER = threading.local()


def search_threads(configured: int = DEFAULT_THREADS) -> int:
    """Threads a query uses: ``configured``, at most the usable cores, at least 1.

    Raises:
        ValueError: ``configured`` below 1.
    """
    if configured < 1:
        raise ValueError(f"search threads must be at least 1, got {configured}")
    return max(1, min(configured, usable_cores()))


def run_side_by_side(tasks: Sequence[Callable[[], T]], threads: int) -> list[T]:
    """The results of ``tasks`` in their order, computed on up to ``threads`` threads (the caller's
    included). The first exception a task raises is raised here, once every started task is done.
    """
    threads = min(threads, len(tasks))
    if threads <= 1 or getattr(_HELPER, "busy", False):
        return [task() for task in tasks]
    results: list[T | None] = [None] * len(tasks)
    order = iter(range(len(tasks)))
    taking = threading.Lock()

    def drain() -> None:
        while True:
            with taking:
                number = next(order, None)
            if number is None:
                return
            results[number] = tasks[number]()

    helpers = [_executor(threads - 1).submit(_as_helper, drain) for _ in range(threads - 1)]
    try:
        drain()
    finally:  # a helper that has not started is not needed any more; a started one is waited for
        for helper in helpers:
            if not helper.cancel():
                wait([helper])
    for helper in helpers:
        if not helper.cancelled() and helper.exception() is not None:
            raise helper.exception()  # type: ignore[misc]
    return results  # type: ignore[return-value]


def _as_helper(work: Callable[[], None]) -> None:
    _HELPER.busy = True
    try:
        work()
    finally:
        _HELPER.busy = False


def _executor(workers: int) -> ThreadPoolExecutor:
    with _EXECUTORS_LOCK:
        if workers not in _EXECUTORS:
            _EXECUTORS[workers] = ThreadPoolExecutor(workers, thread_name_prefix="policyrag-search")
        return _EXECUTORS[workers]


_BLAS_LIMITED = False


def single_threaded_blas() -> None:
    """Run numpy's BLAS (OpenBLAS in numpy's wheels) on one thread in this process, once.

    A query's matrix products are small (2,400 sentence vectors times one query vector): one
    thread does one in 0.2 ms, while OpenBLAS's default of one thread per core took 8-14 ms
    for the same product while other processes kept the cores busy (2 cores, numpy 2.4; its
    threads wait for each other at every call), which is how a query runs during an ingest.
    Set for the whole process, like the models' ``query_threads``: nothing a query process does
    needs BLAS threads (the models run in torch or OpenVINO).
    """
    global _BLAS_LIMITED
    if _BLAS_LIMITED:
        return
    _BLAS_LIMITED = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # a core dependency; without it numpy keeps its default
        return
    threadpool_limits(limits=1, user_api="blas")

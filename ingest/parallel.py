"""Per-file ingest work (reading, chunking, sentence splitting) in worker processes.

Why processes: reading PDFs is pure Python (pypdf), and so are the Thai sentence splitter
(crfcut) and word segmenter (newmm); threads would share one interpreter lock and run one at a
time. On the reference corpus, reading took 18.6 s of a 73 s ingest on one core while the other
core sat idle (``benchmarks/ingest_latency.py``; README).

What stays as with one process: results come back in the order the items were given (the index
is the same whatever finishes first); the workers' log records are handled by the calling
process's loggers; the workers' progress bars (OCR pages) are drawn on lines of their own below
the caller's; and a worker that dies (a PDF library crashing on a damaged file, the kernel
killing it for memory) costs only the item it was working on: the items that were waiting run
again in a fresh pool, those that were in flight each alone, and the one that kills its worker
again is reported as a :class:`WorkerCrash`.

Workers are started by a fork server (a fresh process), never forked from the caller: the web
app calls ``build_index`` from a process with threads and loaded models. As with any
``multiprocessing`` start method but fork, a script that ingests must call it under
``if __name__ == "__main__":`` (the workers import the script); where workers cannot start at all,
the items run in the calling process with a warning.
"""

from __future__ import annotations

import concurrent.futures
import logging
import logging.handlers
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Fewer items than this run in the calling process: starting workers (a fork server, then each
#: worker importing the readers) costs about a second.
MIN_ITEMS_FOR_WORKERS = 4
CRASH_REASON = (
    "its reader process died (a crash in a PDF or image library on a damaged file, or out of memory): "
    "re-export the file, or give the machine more memory"
)


@dataclass(frozen=True)
class WorkerCrash:
    """The outcome of an item whose worker process died while working on it, alone in its pool."""

    reason: str = CRASH_REASON


class _Worker:
    """State of a worker process: its number (the line its progress bars use) and what it runs."""

    slot = 0
    in_flight: Any = None  # shared array: the item each worker is working on (-1: none)


def worker_slot() -> int:
    """The number of the worker process this runs in, from 1; 0 in the calling process.

    Progress bars drawn in a worker pass it as tqdm's ``position`` (None in the caller)."""
    return _Worker.slot


def _start_worker(log_queue: Any, level: int, counter: Any, in_flight: Any, bar_lock: Any) -> None:
    """Initialiser of each worker: logging through the caller, a slot number, the shared bar lock."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.handlers.QueueHandler(log_queue))
    root.setLevel(level)
    with counter.get_lock():
        counter.value += 1
        _Worker.slot = counter.value
    _Worker.in_flight = in_flight
    from tqdm import tqdm

    tqdm.set_lock(bar_lock)


def _run_item(function: Callable[[Any], Any], number: int, item: Any) -> Any:
    """Run one item in a worker, recording which item this worker holds while it runs."""
    _Worker.in_flight[_Worker.slot - 1] = number
    try:
        return function(item)
    finally:
        _Worker.in_flight[_Worker.slot - 1] = -1


class _CallerLogs(logging.handlers.QueueListener):
    """Hands each worker's log records to the logger of the same name in the calling process."""

    def handle(self, record: logging.LogRecord) -> None:
        target = logging.getLogger(record.name)
        if target.isEnabledFor(record.levelno):
            target.handle(record)


class ProcessPool(Generic[Item, Result]):
    """Runs ``function(item)`` for every item, in up to ``workers`` processes.

    Args:
        function: a module-level function (it is pickled by name) that handles the errors of one
            item itself: an exception it raises is raised again by :meth:`map`.
        workers: processes; 1 (or fewer than :data:`MIN_ITEMS_FOR_WORKERS` items) runs the items
            in the calling process, one after the other.

    Example:
        >>> ProcessPool(len, workers=2).map(["a", "bb", "ccc", "dddd"])
        [1, 2, 3, 4]
    """

    def __init__(self, function: Callable[[Item], Result], workers: int) -> None:
        if workers <= 0:
            raise ValueError(f"workers must be positive, got {workers}")
        self.function = function
        self.workers = workers

    def map(
        self,
        items: Sequence[Item],
        on_done: Callable[[int, Result | WorkerCrash], None] | None = None,
        cost: Sequence[float] | None = None,
    ) -> list[Result | WorkerCrash]:
        """``function(item)`` of every item, in the order of ``items``.

        Args:
            on_done: called in the calling process as each item finishes (in any order), with its
                position in ``items`` and its result: for progress.
            cost: an estimate of each item's work (its file size); the costliest start first, so
                that one large file does not run alone at the end while the other workers wait.

        Returns:
            one result per item; a :class:`WorkerCrash` where the item kills its worker.
        """
        workers = min(self.workers, len(items))
        if workers <= 1 or len(items) < MIN_ITEMS_FOR_WORKERS:
            return self._in_process(items, on_done)
        try:
            context = multiprocessing.get_context("forkserver")
        except ValueError:  # no fork server on this platform (Windows)
            context = multiprocessing.get_context("spawn")
        numbers = sorted(range(len(items)), key=lambda number: -cost[number]) if cost is not None else list(range(len(items)))
        results: dict[int, Result | WorkerCrash] = {}
        try:
            log_queue = context.Queue()
        except OSError as error:  # no shared memory for semaphores (some containers)
            logger.warning("cannot start worker processes (%s): working in this process", error)
            return self._in_process(items, on_done)
        listener = _CallerLogs(log_queue)
        listener.start()
        try:
            waiting, suspects = self._run(context, log_queue, workers, items, numbers, results, on_done)
            while waiting:  # a worker died: the items that waited go again, in a fresh pool
                logger.warning("a worker process died; running the %d unfinished item(s) again", len(waiting) + len(suspects))
                before = len(waiting)
                waiting, more = self._run(context, log_queue, workers, items, waiting, results, on_done)
                suspects += more
                if waiting and not more and len(waiting) == before:  # workers die before any item: not the items
                    logger.warning("worker processes die as they start: working in this process (ingest_threads = 1 skips them)")
                    for number, result in zip(waiting, self._in_process([items[number] for number in waiting], None)):
                        results[number] = result
                        if on_done is not None:
                            on_done(number, result)
                    waiting = []
            for number in suspects:  # each item that was in flight when a worker died, alone
                if self._run(context, log_queue, 1, items, [number], results, on_done) != ([], []):
                    results[number] = WorkerCrash()
                    if on_done is not None:
                        on_done(number, results[number])
        finally:
            listener.stop()
            log_queue.close()
            log_queue.join_thread()
        return [results[number] for number in range(len(items))]

    def _in_process(
        self, items: Sequence[Item], on_done: Callable[[int, Result | WorkerCrash], None] | None
    ) -> list[Result | WorkerCrash]:
        results: list[Result | WorkerCrash] = []
        for number, item in enumerate(items):
            results.append(self.function(item))
            if on_done is not None:
                on_done(number, results[-1])
        return results

    def _run(
        self,
        context: Any,
        log_queue: Any,
        workers: int,
        items: Sequence[Item],
        numbers: list[int],
        results: dict[int, Result | WorkerCrash],
        on_done: Callable[[int, Result | WorkerCrash], None] | None,
    ) -> tuple[list[int], list[int]]:
        """Run the items ``numbers`` in a fresh pool of ``workers`` processes.

        Returns:
            (waiting, in flight): the items not finished because a worker died, split into those
            no worker had started and those a worker was running when the pool broke.
        """
        from tqdm import tqdm

        counter = context.Value("i", 0)
        in_flight = context.Array("i", [-1] * workers)
        bar_lock = context.RLock()
        tqdm.set_lock(bar_lock)
        executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(log_queue, logging.getLogger().getEffectiveLevel(), counter, in_flight, bar_lock),
        )
        lost: list[int] = []
        try:
            futures = {executor.submit(_run_item, self.function, number, items[number]): number for number in numbers}
            for future in concurrent.futures.as_completed(futures):
                number = futures[future]
                try:
                    results[number] = future.result()
                except BrokenProcessPool:
                    lost.append(number)
                    continue
                if on_done is not None:
                    on_done(number, results[number])
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        running = {number for number in in_flight[:] if number >= 0}
        lost.sort(key=numbers.index)
        return [number for number in lost if number not in running], [number for number in lost if number in running]

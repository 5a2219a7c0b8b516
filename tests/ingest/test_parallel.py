"""Worker processes for per-file ingest work: order kept, logs and crashes handled like one process."""

from __future__ import annotations

import logging
import os

import pytest

from ingest.parallel import ProcessPool, WorkerCrash, worker_slot

logger = logging.getLogger("tests.ingest.parallel_worker")


def square_and_log(number: int) -> tuple[int, int]:
    """(number squared, the slot of the worker that ran it); logs a warning for 3."""
    if number == 3:
        logger.warning("item three in a worker")
    return number * number, worker_slot()


def die_on_five(number: int) -> int:
    """Kills its own process on 5, as a PDF library crashing in C code would."""
    if number == 5:
        os._exit(3)
    return number + 100


def raise_on_two(number: int) -> int:
    if number == 2:
        raise ValueError("item two is bad")
    return number


class TestProcessPool:
    def test_results_come_back_in_item_order_from_worker_processes(self) -> None:
        items = list(range(12))
        results = ProcessPool(square_and_log, workers=2).map(items, cost=[float(n % 5) for n in items])
        assert [value for value, _ in results] == [n * n for n in items]  # type: ignore[misc]
        assert {slot for _, slot in results} <= {1, 2} and all(slot >= 1 for _, slot in results)  # type: ignore[misc]

    def test_few_items_or_one_worker_run_in_this_process(self) -> None:
        assert ProcessPool(square_and_log, workers=2).map([1, 2]) == [(1, 0), (4, 0)]
        assert ProcessPool(square_and_log, workers=1).map(list(range(6)))[5] == (25, 0)

    def test_worker_logs_reach_the_callers_loggers(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING):
            ProcessPool(square_and_log, workers=2).map(list(range(6)))
        assert [record.getMessage() for record in caplog.records if record.name == logger.name] == ["item three in a worker"]

    def test_a_crashing_item_costs_only_itself(self, caplog: pytest.LogCaptureFixture) -> None:
        done: list[int] = []
        results = ProcessPool(die_on_five, workers=2).map(list(range(10)), on_done=lambda number, _: done.append(number))
        assert results[5] == WorkerCrash()
        assert [result for n, result in enumerate(results) if n != 5] == [n + 100 for n in range(10) if n != 5]
        assert sorted(done) == list(range(10))  # progress sees every item once, the crashed one too

    def test_an_exception_in_the_function_is_raised_in_the_caller(self) -> None:
        with pytest.raises(ValueError, match="item two is bad"):
            ProcessPool(raise_on_two, workers=2).map(list(range(6)))

    def test_workers_must_be_positive(self) -> None:
        with pytest.raises(ValueError, match="workers"):
            ProcessPool(len, workers=0)

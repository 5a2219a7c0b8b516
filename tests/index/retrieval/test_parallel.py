"""A query's searches side by side: the same results as one after another, in order, errors raised."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from index.retrieval import HybridRetriever, RetrievalWeights
from index.retrieval.parallel import run_side_by_side, search_threads, single_threaded_blas
from tests.conftest import HashEmbedder
from tests.index.retrieval.conftest import build_index

ENGLISH = {
    f"en{i}.md": [f"digital government cloud policy {w} section {i * 5 + j}" for j, w in enumerate("budget citizens identity survey law".split())]
    for i in range(6)
}
THAI = {f"th{i}.md": [f"นโยบายรัฐบาลดิจิทัล คลาวด์ ส่วนที่ {i * 4 + j} {w}" for j, w in enumerate(["งบประมาณ", "ประชาชน", "กฎหมาย", "สำรวจ"])] for i in range(6)}


def test_results_come_back_in_the_order_of_the_tasks_from_more_than_one_thread() -> None:
    seen: set[int] = set()

    def task(number: int):  # type: ignore[no-untyped-def]
        def work() -> int:
            seen.add(threading.get_ident())
            time.sleep(0.02 * (number % 3))  # finish out of order
            return number * number

        return work

    assert run_side_by_side([task(n) for n in range(7)], threads=2) == [n * n for n in range(7)]
    assert len(seen) == 2  # the caller and one helper
    assert run_side_by_side([task(n) for n in range(3)], threads=1) == [0, 1, 4]
    assert run_side_by_side([], threads=2) == []


def test_an_error_in_any_task_is_raised_to_the_caller() -> None:
    finished: list[int] = []

    def ok(number: int):  # type: ignore[no-untyped-def]
        def work() -> int:
            time.sleep(0.01)
            finished.append(number)
            return number

        return work

    def broken() -> int:
        raise KeyError("pool th")

    with pytest.raises(KeyError, match="pool th"):
        run_side_by_side([ok(0), broken, ok(2), ok(3)], threads=2)
    with pytest.raises(KeyError, match="pool th"):
        run_side_by_side([broken, ok(1)], threads=1)


def test_a_task_that_searches_side_by_side_itself_does_not_wait_for_a_busy_helper() -> None:
    inner = [lambda: 1, lambda: 2, lambda: 3]
    outer = [lambda: run_side_by_side(inner, threads=2) for _ in range(4)]
    assert run_side_by_side(outer, threads=2) == [[1, 2, 3]] * 4


def test_threads_are_capped_by_the_cores_and_checked() -> None:
    from index.cpu_policy import usable_cores

    assert search_threads(64) == usable_cores() and search_threads(1) == 1
    with pytest.raises(ValueError, match="at least 1"):
        search_threads(0)


def test_numpy_blas_runs_on_one_thread_once_set() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import numpy  # noqa: F401 - loads the BLAS threadpoolctl reports

    single_threaded_blas()
    assert all(pool["num_threads"] == 1 for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas")


@pytest.mark.parametrize("query", ["cloud policy budget", "นโยบายคลาวด์ งบประมาณ"])
def test_the_retriever_ranks_and_scores_the_same_on_one_thread_and_on_two(tmp_path: Path, query: str) -> None:
    index = build_index(tmp_path, {**ENGLISH, **THAI})
    assert len(index.dense[0].pools) == 2  # an English and a Thai pool: two searches a query

    def ranked(threads: int, **filters: object) -> list[tuple[int, float]]:
        retriever = HybridRetriever(
            index, [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,)), dense_candidates=6, bm25_candidates=6,
            sentence_candidates=6, search_threads=threads,
        )
        return [(hit.row, hit.score) for hit in retriever.run(query, k=8, **filters)]  # type: ignore[arg-type]

    one = ranked(1)
    assert len(one) == 8 and ranked(2) == one
    assert ranked(2, langs={"th"}) == ranked(1, langs={"th"})

"""An ingest sees a running query process and yields; a query process that ended is not seen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import cpu_policy
from index.cpu_policy import (
    QueryProcessMark,
    ingest_threads,
    lower_priority,
    query_processes_running,
    serving_queries_here,
    usable_cores,
)

HOLDER = """
import sys, time
from index.cpu_policy import QueryProcessMark
mark = QueryProcessMark()
print("ready", flush=True)
sys.stdin.readline()
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICYRAG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_query_process_is_seen_while_it_runs_and_not_after(private_cache: Path) -> None:
    assert not query_processes_running()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert query_processes_running()
    finally:
        holder.kill()  # no clean-up code runs: the kernel releases the lock
        holder.wait()
    assert not query_processes_running()
    assert list((private_cache / "serving").glob("*.lock")) == []  # the stale file is removed


def test_this_process_own_mark_does_not_count() -> None:
    mark = QueryProcessMark()
    try:
        assert not query_processes_running()
    finally:
        mark.close()


def test_this_process_serves_queries_while_it_holds_its_mark() -> None:
    assert not serving_queries_here()
    mark = QueryProcessMark()
    try:
        assert serving_queries_here()
    finally:
        mark.close()
    assert not serving_queries_here()


def test_a_polite_ingest_leaves_a_core_free() -> None:
    cores = usable_cores()
    assert ingest_threads(0) == cores
    assert ingest_threads(0, polite=True) == max(1, cores - 1)
    assert ingest_threads(3, polite=True) == 3


def test_lower_priority_applies_to_threads_started_before_it() -> None:
    script = (
        "import os, threading, time\n"
        "from index.cpu_policy import lower_priority\n"
        "event = threading.Event(); tids = []\n"
        "def worker():\n    tids.append(threading.get_native_id()); event.wait()\n"
        "t = threading.Thread(target=worker); t.start(); time.sleep(0.1)\n"
        "lower_priority(5)\n"
        "print(os.getpriority(os.PRIO_PROCESS, tids[0]) - os.getpriority(os.PRIO_PROCESS, 0) + 5)\n"
        "event.set(); t.join()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "5"  # the worker thread was lowered by as much as the main thread

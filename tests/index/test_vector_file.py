"""Stored vectors read row by row with pread: the same values as the array, nothing held after."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.vector_store.vector_file import VectorFile


@pytest.fixture
def stored(tmp_path: Path) -> tuple[np.ndarray, VectorFile]:
    vectors = np.random.default_rng(0).normal(size=(1_000, 24)).astype(np.float16)
    np.save(tmp_path / "vectors.npy", vectors)
    return vectors, VectorFile(tmp_path / "vectors.npy")


def test_rows_in_any_order_with_repeats_read_as_from_the_array(stored) -> None:  # type: ignore[no-untyped-def]
    vectors, file = stored
    for rows in ([5, 3, 4, 999, 3, 0, 500, 501, 502], list(range(10, 40)), [7], []):
        assert np.array_equal(file[np.array(rows, dtype=np.int64)], vectors[rows])
    assert np.array_equal(file[10:20], vectors[10:20]) and np.array_equal(file[990:], vectors[990:])
    assert np.array_equal(file[42], vectors[42]) and file.shape == (1_000, 24) and len(file) == 1_000
    assert np.array_equal(np.asarray(file, dtype=np.float32), vectors.astype(np.float32))


def test_a_row_out_of_range_and_a_truncated_file_say_so(stored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, file = stored
    with pytest.raises(IndexError, match="1000 rows"):
        file[np.array([1_000])]
    with open(tmp_path / "vectors.npy", "r+b") as handle:  # a disk that lost the end of the file
        handle.truncate(128 + 500 * 24 * 2)
    with pytest.raises(OSError, match="rebuild it with policyrag ingest --rebuild"):
        file[np.array([999])]


def test_reading_rows_does_not_grow_the_process_memory(tmp_path: Path) -> None:
    vectors = np.zeros((200_000, 128), dtype=np.float16)  # 51 MB
    np.save(tmp_path / "big.npy", vectors)
    file = VectorFile(tmp_path / "big.npy")

    def resident() -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096

    before = resident()
    for start in range(0, 200_000, 997):
        file[np.arange(start, min(start + 40, 200_000))]  # touches every part of the file
    assert resident() - before < 20 * 2**20  # a memory map would now hold the 51 MB


SCATTERED = np.array([3, 4, 5, 17, 400, 401, 999, 0, 250, 250, 777], dtype=np.int64)


def _preadv_where_cache_says(monkeypatch: pytest.MonkeyPatch, outcome: str) -> list[int]:
    """Make every RWF_NOWAIT read behave as if its pages were not cached ('missing'), as if only
    half of them were ('short'), or as a file system that refuses the flag ('unsupported');
    reads without the flag go to the real preadv. Returns the offsets of the flagged calls."""
    import errno
    import os

    real, flagged = os.preadv, []

    def preadv(descriptor: int, buffers: list[memoryview], offset: int, flags: int = 0) -> int:
        if not flags:
            return real(descriptor, buffers, offset)
        flagged.append(offset)
        if outcome == "missing":
            raise BlockingIOError(errno.EAGAIN, "would block")
        if outcome == "unsupported":
            raise OSError(errno.EOPNOTSUPP, "not supported")
        return real(descriptor, [buffers[0][: len(buffers[0]) // 2]], offset)

    monkeypatch.setattr(os, "preadv", preadv)
    return flagged


@pytest.mark.parametrize("outcome", ["missing", "short", "unsupported"])
def test_rows_not_in_the_page_cache_are_read_waiting_with_the_same_values(stored, monkeypatch: pytest.MonkeyPatch, outcome: str) -> None:  # type: ignore[no-untyped-def]
    vectors, file = stored
    if not file._nowait:
        pytest.skip("no RWF_NOWAIT on this platform")
    flagged = _preadv_where_cache_says(monkeypatch, outcome)
    assert np.array_equal(file[SCATTERED], vectors[SCATTERED])
    assert file.rows_read == len(np.unique(SCATTERED))  # each row counted once, by the read that delivered it
    assert flagged  # the page cache was tried first
    # a file system without the flag is not asked again; the others are, at every read
    assert file._nowait is (outcome != "unsupported")
    assert np.array_equal(file[SCATTERED[::-1]], vectors[SCATTERED[::-1]])


def test_rows_read_after_the_page_cache_dropped_the_file_match_the_array(tmp_path: Path) -> None:
    import os

    vectors = np.random.default_rng(1).normal(size=(50_000, 32)).astype(np.float16)  # 3.2 MB
    np.save(tmp_path / "cold.npy", vectors)
    with open(tmp_path / "cold.npy", "rb") as handle:  # written back, then dropped from the cache where the kernel allows
        os.fsync(handle.fileno())
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    file = VectorFile(tmp_path / "cold.npy")
    rows = np.random.default_rng(2).choice(50_000, 600, replace=False)
    assert np.array_equal(file[rows], vectors[rows])
    assert np.array_equal(file[rows], vectors[rows])  # now cached
    assert file.rows_read == 1_200

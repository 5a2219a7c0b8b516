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

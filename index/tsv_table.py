"""The reviewable tables an ingest writes beside the index (``terms.tsv``, ``abbreviations.tsv``):
UTF-8, tab-separated, one header line, so that a trainer can open and edit them in any
spreadsheet, and a missing file (an index built before the table existed) reads as no rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path


def write_tsv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write ``header`` and ``rows`` to ``path`` (replacing it)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def read_tsv(path: Path) -> list[dict[str, str]]:
    """The rows of ``path`` by header name; [] when the file does not exist."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))

"""Retrieval evaluation on question sets with verbatim evidence strings.

Relevance rule (shared with ``../shared/eval/README.md``): a retrieved passage is relevant when
its source equals the item's source and its text contains any evidence string, both sides
normalised alike (NFC, zero-width removed, U+0E4D U+0E32 -> U+0E33, whitespace collapsed, lower
case). Metrics: Recall@1/5/10, MRR@10 and binary nDCG@10, overall and per (lang, kind) cell.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")
_SPACES = re.compile(r"\s+")
CUTOFFS = (1, 5, 10)


def normalize_for_match(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text).replace("\u0e4d\u0e32", "\u0e33")
    return _SPACES.sub(" ", text).strip().lower()


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    lang: str
    kind: str
    source: str
    evidence: tuple[str, ...]
    page: int | None = None

    def is_relevant(self, source: str, text: str) -> bool:
        if source != self.source:
            return False
        haystack = normalize_for_match(text)
        return any(normalize_for_match(evidence) in haystack for evidence in self.evidence)


def load_qa(path: Path) -> list[QAItem]:
    if not path.is_file():
        raise FileNotFoundError(f"question file {path} does not exist")
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(
                QAItem(
                    id=str(row.get("id", number)),
                    question=row["question"],
                    lang=row.get("lang", "?"),
                    kind=row.get("kind", "?"),
                    source=row["source"],
                    evidence=tuple(row["evidence"]),
                    page=row.get("page"),
                )
            )
        except (json.JSONDecodeError, KeyError) as error:
            raise ValueError(f"{path}:{number}: not a QA item with question/source/evidence ({error})") from error
    return items


@dataclass
class Metrics:
    count: int = 0
    sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, first_relevant_rank: int | None) -> None:
        self.count += 1
        for cutoff in CUTOFFS:
            self.sums[f"R@{cutoff}"] += 1.0 if first_relevant_rank and first_relevant_rank <= cutoff else 0.0
        if first_relevant_rank and first_relevant_rank <= 10:
            self.sums["MRR@10"] += 1.0 / first_relevant_rank

    def add_ndcg(self, relevant_ranks: Sequence[int]) -> None:
        dcg = sum(1.0 / math.log2(rank + 1) for rank in relevant_ranks if rank <= 10)
        ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant_ranks), 10) + 1))
        self.sums["nDCG@10"] += dcg / ideal if ideal else 0.0

    def as_dict(self) -> dict[str, float]:
        names = [f"R@{c}" for c in CUTOFFS] + ["MRR@10", "nDCG@10"]
        return {"n": self.count, **{name: round(self.sums[name] / self.count, 4) if self.count else 0.0 for name in names}}


@dataclass
class EvalReport:
    overall: dict[str, float]
    cells: dict[str, dict[str, float]]
    per_item: list[dict[str, object]]

    def to_dict(self) -> dict[str, object]:
        return {"overall": self.overall, "cells": self.cells, "items": self.per_item}

    def format_table(self) -> str:
        header = f"{'subset':<12} {'n':>3} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} {'nDCG@10':>8}"
        lines = [header, "-" * len(header)]
        for name, row in [("overall", self.overall), *sorted(self.cells.items())]:
            lines.append(
                f"{name:<12} {row['n']:>3} {row['R@1']:>6.3f} {row['R@5']:>6.3f} {row['R@10']:>6.3f} "
                f"{row['MRR@10']:>7.3f} {row['nDCG@10']:>8.3f}"
            )
        return "\n".join(lines)


SearchMany = Callable[[list[str], int], list[list[dict[str, object]]]]


def evaluate(items: Sequence[QAItem], search_many: SearchMany, k: int = 10) -> EvalReport:
    """Run every question through ``search_many`` and score the hits with the relevance rule."""
    results = search_many([item.question for item in items], k)
    overall = Metrics()
    cells: dict[str, Metrics] = defaultdict(Metrics)
    per_item = []
    for item, hits in zip(items, results):
        relevant = [
            int(hit["rank"]) for hit in hits if item.is_relevant(str(hit["source"]), str(hit["text"]))
        ]
        first = min(relevant) if relevant else None
        for metrics in (overall, cells[f"{item.lang}-{item.kind}"]):
            metrics.add(first)
            metrics.add_ndcg(relevant)
        per_item.append(
            {
                "id": item.id,
                "lang": item.lang,
                "kind": item.kind,
                "first_relevant_rank": first,
                "top_source": hits[0]["source"] if hits else None,
            }
        )
    return EvalReport(overall.as_dict(), {name: m.as_dict() for name, m in cells.items()}, per_item)

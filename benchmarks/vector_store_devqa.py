"""dev-qa through Milvus beside FAISS: the same index, moved into Milvus Lite by ``policyrag ingest``.

A copy of the reference index (``/work/ref/index``) is first brought up to this code with an
incremental FAISS ingest (only passages this code reads differently are embedded); a copy of that
is turned into a Milvus Lite index the way a user would: ``POLICYRAG_VECTOR_STORE=milvus policyrag
ingest CORPUS --index COPY`` (every vector copied from the FAISS generation, none embedded).
Then ``policyrag eval dev-qa.jsonl --json`` on each, with the same models and settings:
Recall@1/5/10, MRR@10, nDCG@10 and the median query latency.

Run:  flock /tmp/policyrag-heavy.lock python -m benchmarks.vector_store_devqa      (3-6 minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.xquad import code_fingerprint, machine_info, write_json

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_REFERENCE = Path("/work/ref/index")
DEFAULT_CORPUS = Path("/work/shared/corpus")
DEFAULT_QA = Path("/work/shared/eval/dev-qa.jsonl")
METRICS = ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10")


def _policyrag(*arguments: str, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "assistant.cli", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(environment or {})}, check=False)
    if done.returncode not in (0, 1):  # 1: some files failed, the index of the others is written
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


def run(reference: Path, corpus: Path, qa: Path, work: Path) -> dict[str, Any]:
    shutil.rmtree(work, ignore_errors=True)
    copies = {"faiss": work / "faiss", "milvus": work / "milvus"}
    # The reference index may be from older code: bring one copy up to this code's reading first
    # (FAISS; only what reads differently is embedded), then move a copy of that one into Milvus.
    shutil.copytree(reference, copies["faiss"])
    steps = {}
    for name, environment in (("faiss", {"POLICYRAG_VECTOR_STORE": "faiss"}), ("milvus", {"POLICYRAG_VECTOR_STORE": "milvus"})):
        if name == "milvus":
            shutil.copytree(copies["faiss"], copies["milvus"])
        started = time.perf_counter()
        ingest = _policyrag("ingest", str(corpus), "--index", str(copies[name]), "--quiet", environment=environment)
        steps[name] = {"seconds": round(time.perf_counter() - started, 1), "summary": [line for line in ingest.stderr.splitlines() if line.startswith(("Indexed", "Documents"))]}
    rows = {}
    for name, copy in copies.items():
        evaluated = _policyrag("eval", str(qa), "--index", str(copy), "--json")
        report = json.loads(evaluated.stdout.strip().splitlines()[-1])
        rows[name] = {"overall": report["overall"], "cells": report["cells"], "latency": report.get("latency", {})}
    manifest = json.loads((copies["milvus"] / (copies["milvus"] / "CURRENT").read_text().strip() / "manifest.json").read_text())
    return {"ingest": steps, "vector_store": manifest["vector_store"], "rows": rows}


def _overall(report: dict[str, Any]) -> dict[str, float]:
    return {metric: float(report["overall"][metric]) for metric in METRICS}


def markdown(result: dict[str, Any]) -> str:
    lines = ["| store | " + " | ".join(METRICS) + " | median ms |", "|---|" + "---:|" * (len(METRICS) + 1)]
    for name, report in result["rows"].items():
        values = _overall(report)
        lines.append(f"| {name} | " + " | ".join(f"{values[m]:.3f}" for m in METRICS) + f" | {report.get('latency', {}).get('median_ms', '')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.vector_store_devqa", description=__doc__.split("\n")[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--qa", type=Path, default=DEFAULT_QA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/store-devqa"))
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "vector_store_devqa.json")
    args = parser.parse_args(argv)
    started = datetime.now(UTC)
    load_start = os.getloadavg()
    result = run(args.reference, args.corpus, args.qa, args.work)
    write_json(
        args.out,
        {
            "benchmark": "vector_store_devqa",
            "started": started.isoformat(timespec="seconds"),
            "load_average_start": load_start,
            "load_average_end": os.getloadavg(),
            "machine": machine_info(),
            "code": code_fingerprint(),
            **result,
        },
    )
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

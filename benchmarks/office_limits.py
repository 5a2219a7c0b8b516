"""What sign-in and the request limits cost and buy, measured over HTTP against the running app.

In one run, with the real models, over the test fixture documents (or ``--index DIR``):

- a normal ``POST /api/search`` with sign-in off (the baseline), and with sign-in on (HTTP Basic,
  the verified password cached by the gate): the gate's cost per request;
- the same normal query while another client (another process) sends 5 MB questions, back to back
  and at two a second (before the limits, one such question was searched for 75 s while everyone
  waited, per issue 13);
- how long the 5 MB question takes to be refused (413).

Prints a Markdown table and writes ``benchmarks/results/office_limits.json``. Medians of a shared
machine: read the ratios against the baseline row, not the absolute milliseconds.

Run: ``python -m benchmarks.office_limits [--index DIR] [--queries N]``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUERIES = [
    "ตู้บริการอัจฉริยะตั้งอยู่ที่ไหน",
    "Must citizens give the same information to public agencies more than once?",
    "cloud first shared government infrastructure",
    "การชำระเงินทางอิเล็กทรอนิกส์",
    "algorithmic transparency independent body",
]
USER = ("bench", "bench-password-1")
# The other client: sends 5 MB questions until terminated, printing each one's time to 413 in ms.
FLOOD = """
import json, signal, sys, time, httpx
url, authorization, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
body = json.dumps({"query": "ตู้บริการอัจฉริยะ " * 300_000}).encode()
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
with httpx.Client(base_url=url, timeout=120) as client:
    while True:
        started = time.perf_counter()
        response = client.post("/api/search", content=body, headers={"Authorization": authorization, "content-type": "application/json"})
        assert response.status_code == 413, response.status_code
        print(round((time.perf_counter() - started) * 1000, 1), flush=True)
        time.sleep(pause)
"""


def _timed(client: httpx.Client, count: int, headers: dict[str, str]) -> list[float]:
    times = []
    for number in range(count):
        started = time.perf_counter()
        response = client.post("/api/search", json={"query": QUERIES[number % len(QUERIES)], "k": 5}, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:200]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an index to serve (default: build one of tests/fixtures/docs)")
    parser.add_argument("--queries", type=int, default=30, help="normal queries per row")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/office_limits.json"))
    args = parser.parse_args()

    from assistant.api import PolicyRAG, build_index
    from assistant.settings import Settings
    from assistant.users import UserStore
    from assistant.web.app import running_app
    from assistant.web.service import AssistantService
    from tests.conftest import FIXTURE_DOCS

    folder = Path(tempfile.mkdtemp(prefix="policyrag-office-bench-"))
    settings = Settings(show_progress=False, users_file=folder / "users.toml", audit_log=folder / "audit.jsonl")
    index = args.index
    if index is None:
        index = folder / "index"
        build_index([FIXTURE_DOCS], settings.with_overrides(index_dir=index, chunk_max_chars=300, chunk_min_chars=50, chunk_overlap_chars=0))
    settings = settings.with_overrides(index_dir=index)
    rag = PolicyRAG.open(index, settings)
    service = AssistantService(rag)
    load_start = os.getloadavg()[0]
    basic = {"Authorization": "Basic " + base64.b64encode(f"{USER[0]}:{USER[1]}".encode()).decode()}
    rows: dict[str, list[float]] = {}

    with running_app(service, settings) as url, httpx.Client(base_url=url, timeout=120) as client:
        _timed(client, 3, {})  # warm up
        rows["sign-in off (baseline)"] = _timed(client, args.queries, {})
        UserStore(settings.users_file).add(USER[0], USER[1], ["*"])
        _timed(client, 1, basic)  # the first Basic check runs Argon2; later ones hit the gate's cache
        rows["sign-in on, HTTP Basic"] = _timed(client, args.queries, basic)

        # The other client is another process (as another user's machine would be), sending 5 MB
        # questions back to back, then paced at two a second.
        refusals: list[float] = []
        for label, pause in (("back to back", 0.0), ("two a second", 0.5)):
            sender = subprocess.Popen(
                [sys.executable, "-c", FLOOD, url, basic["Authorization"], str(pause)], stdout=subprocess.PIPE, text=True
            )
            time.sleep(2.0)  # let it start sending
            rows[f"sign-in on, while another client sends 5 MB questions {label}"] = _timed(client, args.queries, basic)
            sender.terminate()
            output, _ = sender.communicate(timeout=30)
            refusals += [float(line) for line in output.split()]
        rows["the 5 MB question itself (413)"] = refusals
    passages = len(rag.index)
    rag.close()

    baseline = statistics.median(rows["sign-in off (baseline)"])
    print("| request | n | median ms | p90 ms | x baseline |\n|---|---:|---:|---:|---:|")
    record_rows = {}
    for name, times in rows.items():
        ordered = sorted(times)
        median = statistics.median(ordered)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        record_rows[name] = {"n": len(times), "median_ms": round(median, 1), "p90_ms": round(p90, 1), "ratio": round(median / baseline, 2)}
        print(f"| {name} | {len(times)} | {median:,.0f} | {p90:,.0f} | {median / baseline:.2f} |")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    record = {
        "date": time.strftime("%Y-%m-%d"),
        "commit": commit,
        "index": str(args.index or "tests/fixtures/docs (built)"),
        "passages": passages,
        "load_average": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)},
        "cpu_count": os.cpu_count(),
        "rows": record_rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"load average {record['load_average']['start']} -> {record['load_average']['end']}; written {args.out}")


if __name__ == "__main__":
    main()

"""Time from question to rendered answer in the web app (extractive answerer), in a real browser,
beside the bare ``PolicyRAG.ask`` call and the HTTP ``/api/ask`` call measured in the same run.

Why three rows: the machine (2 CPU cores) is shared, so absolute seconds move with other
people's jobs. The bare call is what answering costs (retrieval alone is shown too: the rest is
the extractive answerer); ``/api/ask`` adds FastAPI and JSON; the browser row adds Gradio's queue, its server-sent events and the page re-rendering the answer and
sources. The differences between rows, measured under the same load, are the UI's overhead.

Protocol: the app runs in-process (:func:`assistant.web.app.running_app`) over an index of the
reference corpus; the system chromium (Playwright, never a downloaded browser) loads it once.
For each of the first N dev-qa questions (Thai and English alternating), in turn: retrieval
alone, the bare call, the HTTP call, and the browser: fill the question box, click Ask, and stop the clock when the
answer element for that question is in the page (``.pr-answer[data-question=...]``, written in
the same update as the sources panel). Two warm-up questions (model loading, first render) are
excluded. The order of the four rotates from question to question, so all see the same load.

Build the index once (4-6 minutes):
    nice .venv/bin/policyrag ingest /work/shared/corpus --index /tmp/ui-index
Run:
    nice .venv/bin/python -m benchmarks.ui_latency --index /tmp/ui-index
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.ingest_latency import latency_summary, load_questions
from benchmarks.xquad import code_fingerprint, machine_info, settings_record, write_json

DEFAULT_INDEX = Path("/tmp/ui-index")
DEFAULT_QUESTIONS = Path("/work/shared/eval/dev-qa.jsonl")
RESULTS_DIR = Path(__file__).resolve().parent / "results"
WARMUP = ["หลัก Once-Only คืออะไร", "What is the once-only principle?"]


def pick_questions(items: list[dict[str, Any]], n: int) -> list[str]:
    """The first questions of each language, alternating Thai and English."""
    thai = [item["question"] for item in items if item.get("lang") == "th"]
    english = [item["question"] for item in items if item.get("lang") != "th"]
    chosen: list[str] = []
    while len(chosen) < n and (thai or english):
        for pool in (thai, english):
            if pool and len(chosen) < n:
                chosen.append(pool.pop(0))
    return chosen


def run(index_dir: Path, questions: list[str], repeat: int) -> dict[str, Any]:
    import httpx

    from assistant.api import PolicyRAG
    from assistant.settings import Settings
    from assistant.web.app import running_app
    from assistant.web.service import AssistantService
    from tests.assistant.web.browser import ask_in_page, chromium_page, open_app

    settings = Settings.load(index_dir=index_dir, show_progress=False, answerer="extractive")
    rag = PolicyRAG.open(index_dir, settings)
    service = AssistantService(rag)
    timings: dict[str, list[float]] = {
        "retrieval only (PolicyRAG.search)": [],
        "bare PolicyRAG.ask": [],
        "HTTP /api/ask": [],
        "browser: click to rendered answer": [],
    }
    rows: list[dict[str, Any]] = []
    try:
        with running_app(service) as url, httpx.Client(base_url=url, timeout=120) as http, chromium_page() as page:
            open_app(page, url)

            def retrieval(question: str) -> tuple[float, Any]:
                started = time.perf_counter()
                hits = rag.search(question)
                return time.perf_counter() - started, bool(hits)

            def bare(question: str) -> tuple[float, Any]:
                started = time.perf_counter()
                answer = rag.ask(question)
                return time.perf_counter() - started, answer.found

            def over_http(question: str) -> tuple[float, Any]:
                started = time.perf_counter()
                response = http.post("/api/ask", json={"question": question})
                response.raise_for_status()
                return time.perf_counter() - started, response.json()["found"]

            def in_browser(question: str) -> tuple[float, Any]:
                page.locator("#pr-question textarea").fill(question)
                started = time.perf_counter()
                page.locator("#pr-ask").click()
                answer = page.locator(f"#pr-answer .pr-answer[data-question={json.dumps(question, ensure_ascii=False)}]")
                answer.wait_for(state="visible", timeout=120_000)
                elapsed = time.perf_counter() - started
                return elapsed, answer.get_attribute("data-state") == "found"

            for question in WARMUP:
                bare(question), over_http(question)
                ask_in_page(page, question, timeout_ms=120_000)
            page.locator("#pr-question textarea").fill("")
            methods = [
                ("retrieval only (PolicyRAG.search)", retrieval),
                ("bare PolicyRAG.ask", bare),
                ("HTTP /api/ask", over_http),
                ("browser: click to rendered answer", in_browser),
            ]
            for number in range(repeat):
                for position, question in enumerate(questions):
                    shift = (number + position) % len(methods)
                    order = methods[shift:] + methods[:shift]
                    row: dict[str, Any] = {"pass": number + 1, "question": question}
                    for name, measure in order:
                        if name.startswith("browser") and number > 0:  # else the page still shows this question's answer
                            open_app(page, url)
                        seconds, found = measure(question)
                        timings[name].append(seconds)
                        row[name] = round(seconds * 1000, 1)
                        row[f"found ({name})"] = bool(found)
                    rows.append(row)
                    print(
                        f"  {question[:60]:<60} " + "  ".join(f"{row[name]:>7.0f} ms" for name, _ in methods), file=sys.stderr
                    )
            page.screenshot(path=str(Path("test-artifacts") / "ui-latency-last.png"), full_page=True)
    finally:
        rag.close()
    summary = {name: latency_summary(values) for name, values in timings.items()}
    bare_median = summary["bare PolicyRAG.ask"]["median_ms"]
    return {
        "index": str(index_dir),
        "passages": len(rag.index),
        "questions": questions,
        "repeat": repeat,
        "warmup": WARMUP,
        "latency": summary,
        "ui_overhead_median_ms": round(float(summary["browser: click to rendered answer"]["median_ms"]) - float(bare_median), 1),
        "ui_ratio_median": round(float(summary["browser: click to rendered answer"]["median_ms"]) / float(bare_median), 2),
        "rows": rows,
        "settings": settings_record(settings),
    }


def markdown(result: dict[str, Any], header: str) -> str:
    lines = [header, "", "| Path | n | median ms | p90 ms | mean ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    for name, row in result["latency"].items():
        lines.append(f"| {name} | {row['n']} | {row['median_ms']:.0f} | {row['p90_ms']:.0f} | {row['mean_ms']:.0f} | {row['max_ms']:.0f} |")
    lines.append(
        f"\nUI overhead (browser median - bare median): {result['ui_overhead_median_ms']:.0f} ms "
        f"({result['ui_ratio_median']:.2f}x the bare call)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ui_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index of the reference corpus (default /tmp/ui-index)")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="dev-qa JSONL")
    parser.add_argument("-n", type=int, default=10, help="questions (default 10, Thai and English alternating)")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the questions (default 1)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "ui_latency.json")
    args = parser.parse_args(argv)
    if not (args.index / "CURRENT").is_file():
        parser.error(f"no index at {args.index}: build it with  nice .venv/bin/policyrag ingest /work/shared/corpus --index {args.index}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    Path("test-artifacts").mkdir(exist_ok=True)
    machine = machine_info()
    started_at = datetime.now(UTC).astimezone()
    started = time.perf_counter()
    result = run(args.index, pick_questions(load_questions(args.questions), args.n), args.repeat)
    machine["loadavg_end"] = [round(value, 2) for value in os.getloadavg()]
    header = (
        f"## Question to rendered answer, extractive ({started_at:%Y-%m-%d %H:%M %Z}, {machine['cpus_usable']} CPU cores, "
        f"{result['passages']} passages, load {machine['loadavg_start']} -> {machine['loadavg_end']})"
    )
    print(markdown(result, header))
    write_json(
        args.out,
        {
            "benchmark": "ui-latency",
            "date": started_at.isoformat(timespec="seconds"),
            "machine": machine,
            "code": code_fingerprint(),
            **result,
            "total_seconds": round(time.perf_counter() - started, 1),
        },
    )
    print(f"\nWrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Answer quality and latency: does the extractive answer quote the evidence, refuse what the corpus
does not answer, never show markup, captions or bare headings, and how long does it take.

Parts (each optional, all in one run):

- **quality** (dev-qa, 40 items; the check questions of ``benchmarks/answer_checks.jsonl``, 40 items
  written over the corpus apart from dev-qa; 40 off-topic questions in both languages): for each
  question, retrieval, the "not found" test and the extractive answer. An answer *quotes* the
  evidence when an item's evidence string (normalised as in ``../shared/eval/README.md``) is
  contained in one quote of the answer, a quote being a passage's quoted sentences joined where
  they follow each other in the passage (``strict``, the measure the issue asks for). The ceiling
  is the evidence in the passages the answerer reads (top 5). Every quote is checked for markup
  (``#``, ``**``, ``__``, ``[[``, HTML tags), caption and source lines, and bare headings (a
  quote equal to a heading of its passage, or a fragment: ``ingest.quotable``).
- **lookups** (``benchmarks/lookup_checks.jsonl``, 35 items, Thai and English): "what is X" / "X
  ย่อมาจากอะไร" for an abbreviation the corpus defines ("สพร.", "GDX", "OPDC"; a Thai one made of
  syllable initials, "กยศ."; a Thai name's Latin acronym, "DBD"; one defined only in a heading,
  "PCA") or a requirement's code ("PS-04"); an item is answered when one quote holds one of its expected strings (the long
  form, or the requirement's text), wherever in the corpus it is written.
- **unanswerable** (``benchmarks/data/unanswerable-questions.jsonl``, 32 on-topic questions the
  corpus cannot answer, 16 Thai and 16 English: a figure, year, country, person or plan it does not
  give; odd ids were used to tune ``assistant/answerability.py``, even ids are held out; and the 5
  unanswerable questions of the stop-20 tryout, ``benchmarks/data/tryout20-questions.jsonl``, and the
  8 of the stop-21 tryout, ``tryout21-questions.jsonl``, never tuned on): refused n of N per half.
- **tryout** (the tryouts' answerable questions, scored as evidence where they give an expected
  sentence and document: its longest piece between "..." inside one quote of that document).
- **held-out** (``--heldout``, ``benchmarks/heldout_qa.jsonl``): as dev-qa.
- **blind** (``--blind``, ``benchmarks/data/heldout23-qa.jsonl``, 48 items: 12 per cell of language
  and kind but 14 Thai-on-English and 10 English-on-Thai): written at stop 23 by a helper who read
  only the corpus, never the code, the tests or the other question sets; scored as dev-qa. Nothing
  is tuned on it: it stands for the unseen questions.
- **without specifics** (``--without-specifics``): every set again with ``support_specifics = false``
  (the not-found test on similarity alone), in the same run on the same index: before and after.
- **follow-ups** (``benchmarks/followups.jsonl``, Thai and English): the follow-up alone vs
  completed with the first question's content words (``assistant.followup``): is the evidence in
  the top 5 passages.
- **latency** (``--latency``): ``PolicyRAG.ask`` per dev question, median and p90, idle and while
  another process keeps both cores busy (numpy matrix products with 2 threads), for this code
  and for the code in ``--baseline-repo`` (a checkout of main or of an earlier commit, named by
  ``--baseline-label``; it must open the same index), measured in the same run, one after the other per condition;
  this code also with ``query_threads = 2`` (the default is 1 thread for a query process).

Run (after ``policyrag ingest ../shared/corpus --index DIR``), under the shared heavy lock:

    python -m benchmarks.answers --index DIR [--latency] [--json benchmarks/results/answers.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.answer_model import Answer
from assistant.api import PolicyRAG
from assistant.evaluation import load_qa, normalize_for_match
from assistant.followup import Turn, content_words, standalone_question
from assistant.settings import Settings
from ingest.markup import has_markup
from ingest.quotable import CAPTION, FRAGMENT, HEADING, REFERENCE, piece_kind
from ingest.sentences import dedupe_key

HERE = Path(__file__).resolve().parent
DEV_QA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev-qa.jsonl"
CHECKS = HERE / "answer_checks.jsonl"
FOLLOW_UPS = HERE / "followups.jsonl"
LOOKUPS = HERE / "lookup_checks.jsonl"
HELDOUT = HERE / "heldout_qa.jsonl"
BLIND = HERE / "data" / "heldout23-qa.jsonl"
UNANSWERABLE = HERE / "data" / "unanswerable-questions.jsonl"
TRYOUTS = (HERE / "data" / "tryout20-questions.jsonl", HERE / "data" / "tryout21-questions.jsonl")

# Questions the policy corpus does not answer: everyday topics, in both languages.
OFF_TOPIC = {
    "en": [
        "How do I bake sourdough bread at home?",
        "What is a good recipe for green curry with chicken?",
        "Who won the 2022 FIFA World Cup final?",
        "How many players are on a volleyball team?",
        "What is the best time of year to visit Chiang Mai?",
        "How do I change a flat tyre on a bicycle?",
        "Which planet in the solar system has the most moons?",
        "What are the symptoms of dengue fever?",
        "How long should I boil an egg for a soft yolk?",
        "Who wrote the novel Pride and Prejudice?",
        "What is the exchange rate between the baht and the yen today?",
        "How do I train my dog to stop barking at night?",
        "What movies won the Oscar for best picture in the 1990s?",
        "How do you play a C major chord on the guitar?",
        "What is the boiling point of water at high altitude?",
        "Which muscles does a deadlift exercise work?",
        "How often should I water a cactus?",
        "What is the distance from Bangkok to Phuket by road?",
        "Who is the lead singer of the band Coldplay?",
        "How do I remove a red wine stain from a carpet?",
    ],
    "th": [
        "วิธีทำขนมปังซาวร์โดว์ที่บ้านต้องทำอย่างไร",
        "สูตรต้มยำกุ้งน้ำข้นใส่อะไรบ้าง",
        "ทีมไหนชนะฟุตบอลโลกปี 2022",
        "ทีมวอลเลย์บอลมีผู้เล่นกี่คน",
        "ช่วงไหนของปีเหมาะไปเที่ยวเชียงใหม่ที่สุด",
        "เปลี่ยนยางจักรยานที่รั่วทำอย่างไร",
        "ดาวเคราะห์ดวงไหนมีดวงจันทร์มากที่สุด",
        "อาการของไข้เลือดออกมีอะไรบ้าง",
        "ต้มไข่ยางมะตูมต้องใช้เวลากี่นาที",
        "ใครเป็นผู้แต่งนวนิยายเรื่องคู่กรรม",
        "อัตราแลกเปลี่ยนเงินบาทกับเงินเยนวันนี้เท่าไร",
        "ฝึกสุนัขไม่ให้เห่าตอนกลางคืนทำอย่างไร",
        "ภาพยนตร์เรื่องไหนได้รางวัลออสการ์ภาพยนตร์ยอดเยี่ยม",
        "จับคอร์ด C บนกีตาร์อย่างไร",
        "น้ำเดือดที่อุณหภูมิเท่าไรบนยอดเขา",
        "ท่าเดดลิฟต์ช่วยสร้างกล้ามเนื้อส่วนไหน",
        "ควรรดน้ำต้นกระบองเพชรบ่อยแค่ไหน",
        "ขับรถจากกรุงเทพไปภูเก็ตระยะทางกี่กิโลเมตร",
        "นักร้องนำวงบอดี้สแลมชื่ออะไร",
        "ขจัดคราบไวน์แดงบนพรมอย่างไร",
    ],
}


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


_MARKER_BEFORE = re.compile(r"(?:^|\s)(?:\d{1,2}[.)]|[a-z][.)]|[ivx]{1,4}[.)]|[-•*])[ \t]*$")


def quotes(answer: Answer) -> list[tuple[str, str, str]]:
    """(source, quote as stored, passage) per quote: a passage's supporting sentences joined where
    only whitespace separates them in the passage. An item of a list answer is shown with its
    marker ("1. Economic Prosperity: ..."), so its quote starts at the marker."""
    found = []
    items = [line[2:] for line in answer.text.splitlines()[1:] if line.startswith("- ")]
    for passage in answer.passages:
        text = passage.hit.chunk.text
        spans = []
        for supporting in passage.supporting:
            start = text.find(supporting)
            if start < 0:
                continue
            marker = _MARKER_BEFORE.search(text, 0, start)
            shown = marker is not None and any(line.startswith(f"{marker.group(0).strip()} {supporting[:20]}") for line in items)
            spans.append((marker.start() + (marker.group(0)[0].isspace()) if shown else start, start + len(supporting)))  # type: ignore[union-attr]
        spans.sort()
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and not text[merged[-1][1] : start].strip():
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        found += [(passage.hit.chunk.source, text[start:end], text) for start, end in merged]
    return found


def quote_problems(answer: Answer) -> list[str]:
    """What a quote must never be: markup in the answer text, a caption, a source or reference line,
    a bare heading or a fragment (judged on each supporting sentence, ``ingest.quotable``). Items of
    a list answer may be headings or fragments: they are checked for markup and captions only."""
    problems = []
    body = "\n".join(answer.text.splitlines()[1:])
    if has_markup(body) or any(mark in body for mark in ("**", "[[", "]]")) or any(line.lstrip("- ").startswith("#") for line in body.splitlines()):
        problems.append("markup")
    is_list = len(body.splitlines()) > 1 and all(line.startswith("- ") for line in body.splitlines())
    for passage in answer.passages:
        headings = frozenset(dedupe_key(heading) for heading in (passage.hit.chunk.title, *passage.hit.chunk.heading_path))
        for sentence in passage.supporting:
            kind = piece_kind(sentence, headings)
            if kind in (CAPTION, REFERENCE) or (kind in (HEADING, FRAGMENT) and not is_list):
                problems.append(kind)
    return problems


def evaluate(rag: PolicyRAG, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Quality over question items (dict: question, lang, kind, source, evidence; off-topic: no source)."""
    answerer = rag.answerer
    finder = answerer.finder  # type: ignore[attr-defined]
    rows = []
    for item in items:
        hits = rag.search(item["question"])
        evidence = finder.run(item["question"], hits)
        answer = answerer.from_evidence(evidence, hits)  # type: ignore[attr-defined]
        wanted = [normalize_for_match(text) for text in item.get("evidence", [])]
        read = hits[: finder.passages]
        ceiling = bool(wanted) and any(
            hit.chunk.source == item["source"] and any(e in normalize_for_match(hit.chunk.text) for e in wanted) for hit in read
        )
        quoted = bool(wanted) and answer.found and any(
            source == item["source"] and any(e in normalize_for_match(quote) for e in wanted) for source, quote, _ in quotes(answer)
        )
        body = answer.text.splitlines()[1:]
        rows.append(
            {
                "id": item.get("id", ""),
                "question": item["question"],
                "lang": item.get("lang", ""),
                "kind": item.get("kind", "off-topic" if not wanted else ""),
                "best_similarity": round(evidence.best_similarity, 4),
                "overlap": round(evidence.overlap, 4),
                "found": answer.found,
                "evidence_in_read_passages": ceiling,
                "evidence_quoted": quoted,
                "list_answer": bool(body) and answer.found and len(body) >= 2 and evidence.intent is not None and evidence.intent.is_list
                and all(line.startswith("- ") for line in body) and len({line for line in body}) == len(body),
                "problems": quote_problems(answer) if answer.found else [],
                "answer_chars": len(answer.text),
                "answer": answer.text,
            }
        )
    return _summary(rows)


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [row for row in rows if row["kind"] != "off-topic"]
    off = [row for row in rows if row["kind"] == "off-topic"]
    ceiling = [row for row in answerable if row["evidence_in_read_passages"]]
    quoted = [row for row in ceiling if row["evidence_quoted"]]
    cells: dict[str, list[int]] = defaultdict(list)
    for row in ceiling:
        cells[f"{row['lang']}-{row['kind']}"].append(int(row["evidence_quoted"]))
    found = [row for row in answerable if row["found"]]
    problems = Counter(problem for row in rows for problem in row["problems"])

    def spread(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        if not ordered:
            return {}
        return {"min": ordered[0], "median": round(statistics.median(ordered), 4), "max": ordered[-1]}

    return {
        "questions": len(answerable),
        "found": len(found),
        "evidence_in_read_passages": len(ceiling),
        "evidence_quoted": len(quoted),
        "evidence_quoted_share_of_ceiling": round(len(quoted) / len(ceiling), 3) if ceiling else None,
        "evidence_quoted_by_cell": {cell: f"{sum(values)}/{len(values)}" for cell, values in sorted(cells.items())},
        "list_answers": sum(row["list_answer"] for row in answerable),
        "answers_with_problems": sum(bool(row["problems"]) for row in rows),
        "problems": dict(problems),
        "median_answer_chars": statistics.median(row["answer_chars"] for row in found) if found else 0,
        "best_similarity": spread([row["best_similarity"] for row in answerable]),
        "off_topic_questions": len(off),
        "off_topic_found": sum(row["found"] for row in off),
        "off_topic_best_similarity": spread([row["best_similarity"] for row in off]),
        "rows": rows,
    }


def lookups(rag: PolicyRAG, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Abbreviation and code lookups (dict: id, question, lang, expected strings): answered, and
    whether a quote holds an expected string (case and spacing ignored)."""
    rows = []
    for item in items:
        answer = rag.ask(item["question"])
        wanted = [normalize_for_match(text).lower() for text in item["expected"]]
        quoted = answer.found and any(any(w in normalize_for_match(quote).lower() for w in wanted) for _, quote, _ in quotes(answer))
        rows.append({"id": item["id"], "question": item["question"], "found": answer.found, "quoted": quoted, "answer": answer.text})
    return {"items": len(rows), "found": sum(row["found"] for row in rows), "quoted": sum(row["quoted"] for row in rows), "rows": rows}


def _qa_items(path: Path) -> list[dict[str, Any]]:
    return [{"id": i.id, "question": i.question, "lang": i.lang, "kind": i.kind, "source": i.source, "evidence": list(i.evidence)} for i in load_qa(path)]


def unanswerable(rag: PolicyRAG, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Questions the corpus cannot answer (dict: id, question, half): refused n of N per half, and
    what each refusal says is missing."""
    rows = []
    for item in items:
        answer = rag.ask(item["question"])
        rows.append({"id": item["id"], "half": item["half"], "question": item["question"], "refused": not answer.found, "answer": answer.text})
    halves = {
        half: f"{sum(row['refused'] for row in rows if row['half'] == half)}/{sum(row['half'] == half for row in rows)}"
        for half in dict.fromkeys(row["half"] for row in rows)
    }
    return {"refused": sum(row["refused"] for row in rows), "items": len(rows), "refused_by_half": halves, "rows": rows}


def tryout_items(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The tryout's (answerable as question items for :func:`evaluate`, unanswerable as items for
    :func:`unanswerable`). An answerable item's evidence is the longest piece of its expected
    sentence between "..." (the tryout wrote long sentences shortened)."""
    answerable, refusable = [], []
    for item in _load(path):
        if not item["answerable"]:
            refusable.append({"id": item["id"], "question": item["question"], "half": path.stem.split("-")[0]})
            continue
        pieces = [piece.strip() for piece in re.split(r"\.\.\.|…", item.get("expected_sentence") or "") if piece.strip()]
        source = item.get("expected_source")
        evidence = [max(pieces, key=len)] if pieces and source else []
        answerable.append({"id": item["id"], "question": item["question"], "lang": item["lang"], "kind": item.get("kind", ""), "source": source or "", "evidence": evidence})
    return answerable, refusable


def follow_ups(rag: PolicyRAG, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Is the follow-up's evidence in the top 5 passages, asked alone vs completed from the first question."""
    rows = []
    for item in items:
        wanted = [normalize_for_match(text) for text in item["evidence"]]

        def in_top5(query: str) -> bool:
            return any(
                hit.chunk.source == item["source"] and any(e in normalize_for_match(hit.chunk.text) for e in wanted)
                for hit in rag.search(query, k=5)
            )

        completed = standalone_question(item["follow_up"], [Turn(item["first"], item["first"])], term_weights=rag.term_weights)
        rows.append(
            {
                "id": item["id"],
                "lang": item["lang"],
                "follow_up": item["follow_up"],
                "searched_as": completed,
                "carried": [word for word in content_words(completed) if word not in content_words(item["follow_up"])],
                "alone_top5": in_top5(item["follow_up"]),
                "completed_top5": in_top5(completed),
            }
        )
    by_lang = {
        lang: {
            "alone": sum(row["alone_top5"] for row in rows if row["lang"] == lang),
            "completed": sum(row["completed_top5"] for row in rows if row["lang"] == lang),
            "of": sum(row["lang"] == lang for row in rows),
        }
        for lang in ("en", "th")
    }
    return {"follow_ups": len(rows), "alone_top5": sum(r["alone_top5"] for r in rows), "completed_top5": sum(r["completed_top5"] for r in rows), "by_lang": by_lang, "rows": rows}


# --- latency ---------------------------------------------------------------------------------

_TIMER = """
import json, sys, time
from pathlib import Path
from assistant.api import PolicyRAG
from assistant.settings import Settings
index, questions = Path(sys.argv[1]), json.loads(sys.argv[2])
rag = PolicyRAG.open(index, Settings.load(index_dir=index, show_progress=False, answerer="extractive"))
for question in questions[:2]:
    rag.ask(question)  # warm-up: models, caches
print("READY", flush=True)
for line in sys.stdin:
    seconds = []
    for question in questions:
        started = time.perf_counter()
        rag.ask(question)
        seconds.append(time.perf_counter() - started)
    print(json.dumps(seconds), flush=True)
"""


class _Timer:
    """A process that loads one code base's PolicyRAG and times ``ask`` over the questions on demand."""

    def __init__(self, repo: Path, index: Path, questions: list[str], threads: int | None = None) -> None:
        env = {**os.environ, "PYTHONPATH": str(repo)}
        if threads:
            env["POLICYRAG_QUERY_THREADS"] = str(threads)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TIMER, str(index), json.dumps(questions)],
            cwd=repo, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        while (line := self.process.stdout.readline()) and not line.startswith("READY"):
            pass

    def run(self) -> list[float]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _busy_cores() -> subprocess.Popen[bytes]:
    """Another process keeping both cores busy: numpy matrix products on 2 BLAS threads."""
    code = "import numpy as np\na = np.random.rand(600, 600)\nwhile True:\n    a @ a\n"
    env = {**os.environ, "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def latency(
    index: Path, questions: list[str], baseline_repo: Path | None, baseline_label: str = "main", baseline_index: Path | None = None
) -> dict[str, Any]:
    """ask() latency per code base and condition, one code base after the other within a condition.

    ``baseline_index``: the index the baseline reads (default: ``index``). A baseline of other
    sentence rules (``SENTENCE_RULES``) would embed every quoted sentence at query time on this
    code's index: give it an index built by its own code, of the same corpus.
    """
    from benchmarks.ingest_latency import latency_summary

    this = "this code"
    repos = {this: Path(__file__).resolve().parents[1]}
    if baseline_repo is not None:
        repos = {f"baseline: {baseline_label}": baseline_repo, **repos}
    indexes = {name: (baseline_index or index) if name != this else index for name in repos}
    timers = {name: _Timer(repo, indexes[name], questions) for name, repo in repos.items()}
    # the query_threads default (1) beside 2 threads: do the models' threads fight another process?
    timers[f"{this}, query_threads = 2"] = _Timer(repos[this], index, questions, threads=2)
    results: dict[str, Any] = {}
    try:
        for condition in ("idle", "both cores busy"):
            load = _busy_cores() if condition != "idle" else None
            try:
                time.sleep(2 if load else 0)
                for name, timer in timers.items():
                    seconds = timer.run()
                    results[f"{condition} | {name}"] = latency_summary(seconds)
            finally:
                if load is not None:
                    load.terminate()
                    load.wait(timeout=10)
    finally:
        for timer in timers.values():
            timer.close()
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.answers", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--qa", type=Path, default=DEV_QA, help="dev-qa.jsonl (default: ../shared/eval/dev-qa.jsonl)")
    parser.add_argument("--checks", type=Path, default=CHECKS, help="check questions written apart from dev-qa")
    parser.add_argument("--follow-ups", type=Path, default=FOLLOW_UPS)
    parser.add_argument("--lookups", type=Path, default=LOOKUPS, help="abbreviation and code lookups")
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="held-out questions, scored as dev-qa ('' to skip)")
    parser.add_argument("--blind", type=Path, default=BLIND, help="questions written blind to the code, scored as dev-qa ('' to skip)")
    parser.add_argument("--unanswerable", type=Path, default=UNANSWERABLE, help="on-topic questions the corpus cannot answer")
    parser.add_argument("--tryout", type=Path, nargs="*", default=list(TRYOUTS), help="new-user tryouts' questions (tryout20, tryout21)")
    parser.add_argument(
        "--without-specifics", action="store_true",
        help="also run every set with support_specifics = false (the not-found test on similarity alone): before and after in one run",
    )
    parser.add_argument("--latency", action="store_true", help="also time ask(), idle and with both cores busy")
    parser.add_argument("--baseline-repo", type=Path, default=Path("/work/main"), help="main's checkout, timed beside this code")
    parser.add_argument("--baseline-label", default="main", help="what the baseline checkout is (its commit), for the result rows")
    parser.add_argument("--baseline-index", type=Path, help="the index the baseline reads (one built by its code; default: --index)")
    parser.add_argument("--json", type=Path, help="write the full results here")
    parser.add_argument(
        "--whole-pool-sentences", action="store_true",
        help="also answer dev-qa and the checks as before sentence_scan_max: every sentence pool scanned whole for the "
        "best-sentence term (the default scores the retrieval candidates' sentences only)",
    )
    args = parser.parse_args(argv)
    from benchmarks.xquad import code_fingerprint, machine_info, write_json

    settings = Settings.load(index_dir=args.index, show_progress=False, answerer="extractive")
    rag = PolicyRAG.open(args.index, settings)
    started = time.time()
    dev = _qa_items(args.qa)
    off = [{"question": question, "lang": lang} for lang, questions in OFF_TOPIC.items() for question in questions]
    tryout: list[dict[str, Any]] = []
    refusable = _load(args.unanswerable) if args.unanswerable.is_file() else []
    for path in args.tryout:
        answerable, unanswerable_items = tryout_items(path)
        tryout += answerable
        refusable += unanswerable_items
    heldout = _qa_items(args.heldout) if args.heldout.is_file() else []
    blind = _qa_items(args.blind) if args.blind.is_file() else []

    def quality(rag: PolicyRAG) -> dict[str, Any]:
        parts = {
            "dev_qa": evaluate(rag, dev + off),
            "checks": evaluate(rag, _load(args.checks)),
            "heldout": evaluate(rag, heldout) if heldout else None,
            "blind": evaluate(rag, blind) if blind else None,
            "lookups": lookups(rag, _load(args.lookups)),
            "unanswerable": unanswerable(rag, refusable),
            "tryout": evaluate(rag, tryout) if tryout else None,
        }
        return {name: part for name, part in parts.items() if part is not None}

    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine_info(),
        "code": code_fingerprint(),
        "thresholds": {"min": rag.answerer.finder.min_similarity, "strong": rag.answerer.finder.strong_similarity, "overlap": rag.answerer.finder.min_overlap},  # type: ignore[attr-defined]
        **quality(rag),
        "follow_ups": follow_ups(rag, _load(args.follow_ups)),
    }
    rag.close()
    if args.without_specifics:
        before = PolicyRAG.open(args.index, replace(settings, support_specifics=False))
        result["without_specifics"] = quality(before)
        before.close()
    if args.whole_pool_sentences:
        whole = PolicyRAG.open(args.index, replace(settings, sentence_scan_max=10**9))
        result["whole_pool_sentences"] = {"dev_qa": evaluate(whole, dev + off), "checks": evaluate(whole, _load(args.checks))}
        whole.close()
    if args.latency:
        result["latency"] = latency(
            args.index, [item["question"] for item in dev], args.baseline_repo if args.baseline_repo.is_dir() else None,
            args.baseline_label, args.baseline_index,
        )
    result["seconds"] = round(time.time() - started, 1)
    if args.json:
        write_json(args.json, result)
    def brief(value: Any) -> Any:
        return {k: brief(v) for k, v in value.items() if k != "rows"} if isinstance(value, dict) else value

    print(json.dumps({key: brief(value) for key, value in result.items() if key not in ("machine", "code")}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

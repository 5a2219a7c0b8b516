"""Answer quality on dev-qa: the "not found" test's separation, and the extractive sentences' evidence hits.

For each dev-qa question (the reference corpus answers all of them) and for off-topic questions
in both languages (the corpus answers none), the script retrieves, scores the sentences of the top
passages (``assistant.evidence``) and reports:

- the support features (best question-sentence cosine, question-word overlap) for both groups,
  and how many of each the current thresholds call "found";
- how often the extractive answer quotes a sentence that contains the item's evidence string (the
  relevance rule of ``../shared/eval/README.md``), next to how often that evidence is in the
  passages the answerer reads at all (the ceiling set by retrieval).

Run (after ``policyrag ingest ../shared/corpus --index DIR``):

    python -m benchmarks.answers --index DIR [--json benchmarks/results/answers.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

from assistant.api import PolicyRAG
from assistant.evaluation import load_qa, normalize_for_match
from assistant.settings import Settings

DEV_QA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev-qa.jsonl"

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


def _shared_run(a: str, b: str) -> int:
    """Length of the longest run of characters common to ``a`` and ``b``."""
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "min": round(ordered[0], 4),
        "p10": round(ordered[len(ordered) // 10], 4),
        "median": round(statistics.median(ordered), 4),
        "p90": round(ordered[(9 * len(ordered)) // 10], 4),
        "max": round(ordered[-1], 4),
    }


def run(index_dir: Path, qa_file: Path) -> dict[str, object]:
    settings = Settings.load(index_dir=index_dir, show_progress=False)
    rag = PolicyRAG.open(index_dir, settings)
    answerer = rag.answerer
    finder = answerer.finder  # type: ignore[attr-defined]
    rows = []
    cells: dict[str, list[int]] = defaultdict(list)
    for item in load_qa(qa_file):
        hits = rag.search(item.question)
        evidence = finder.run(item.question, hits)
        answer = answerer.from_evidence(evidence, hits)  # type: ignore[attr-defined]
        evidence_texts = [normalize_for_match(text) for text in item.evidence]

        def contains(source: str, text: str) -> bool:
            return source == item.source and any(e in normalize_for_match(text) for e in evidence_texts)

        read = hits[: finder.passages]
        in_passages = any(contains(hit.chunk.source, hit.chunk.text) for hit in read)
        # A quoted sentence "contains" the evidence when the evidence string is inside it, or (a
        # long evidence string cut into several sentences) the sentence lies inside the evidence.
        quoted = [
            (passage.hit.chunk.source, sentence) for passage in answer.passages for sentence in passage.supporting
        ]
        in_answer = any(
            source == item.source
            and any(e in normalize_for_match(s) or (len(normalize_for_match(s)) >= 20 and normalize_for_match(s) in e) for e in evidence_texts)
            for source, s in quoted
        )
        # Looser: a quoted sentence shares 30 consecutive characters with the evidence (or all of
        # a shorter evidence string): the quote is the evidence's sentence, cut differently.
        shared = any(
            source == item.source and _shared_run(normalize_for_match(s), e) >= min(30, len(e))
            for source, s in quoted
            for e in evidence_texts
        )
        cells[f"{item.lang}-{item.kind}"].append(int(in_answer))
        rows.append(
            {
                "id": item.id,
                "lang": item.lang,
                "kind": item.kind,
                "best_similarity": round(evidence.best_similarity, 4),
                "overlap": round(evidence.overlap, 4),
                "found": answer.found,
                "evidence_in_read_passages": in_passages,
                "evidence_in_answer": in_answer,
                "evidence_shared_with_answer": shared,
                "answer_chars": len(answer.text),
                "sentences": sum(len(p.supporting) for p in answer.passages),
            }
        )
    off_rows = []
    for lang, questions in OFF_TOPIC.items():
        for question in questions:
            hits = rag.search(question)
            evidence = finder.run(question, hits)
            off_rows.append(
                {
                    "question": question,
                    "lang": lang,
                    "best_similarity": round(evidence.best_similarity, 4),
                    "overlap": round(evidence.overlap, 4),
                    "found": evidence.supported,
                }
            )
    rag.close()
    dev_found = [row for row in rows if row["found"]]
    return {
        "thresholds": {
            "min_similarity": finder.min_similarity,
            "strong_similarity": finder.strong_similarity,
            "min_overlap": finder.min_overlap,
        },
        "dev_questions": len(rows),
        "dev_found": len(dev_found),
        "off_topic_questions": len(off_rows),
        "off_topic_found": sum(row["found"] for row in off_rows),
        "dev_best_similarity": _summary([row["best_similarity"] for row in rows]),
        "off_best_similarity": _summary([row["best_similarity"] for row in off_rows]),
        "dev_overlap": _summary([row["overlap"] for row in rows]),
        "off_overlap": _summary([row["overlap"] for row in off_rows]),
        "evidence_in_read_passages": sum(row["evidence_in_read_passages"] for row in rows),
        "evidence_in_answer": sum(row["evidence_in_answer"] for row in rows),
        "evidence_shared_with_answer": sum(row["evidence_shared_with_answer"] for row in rows),
        "evidence_in_answer_by_cell": {cell: f"{sum(v)}/{len(v)}" for cell, v in sorted(cells.items())},
        "median_answer_chars": statistics.median(row["answer_chars"] for row in dev_found) if dev_found else 0,
        "rows": rows,
        "off_topic_rows": off_rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--qa", type=Path, default=DEV_QA)
    parser.add_argument("--json", type=Path, help="write the full results here")
    args = parser.parse_args()
    result = run(args.index, args.qa)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if not k.endswith("rows")}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

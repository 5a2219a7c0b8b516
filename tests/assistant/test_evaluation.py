from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation import QAItem, evaluate, load_qa, normalize_for_match

ITEM_TH = QAItem("q1", "คำถาม", "th", "mono", "thai/a.pdf", ("ดำเนินการ ตามแผน",))
ITEM_EN = QAItem("q2", "question", "en", "cross", "thai/a.pdf", ("ไม่มี",))


def test_normalisation_matches_the_shared_rule() -> None:
    assert normalize_for_match("ด\u0e4d\u0e32เนินการ\u200b  ตาม\nแผน") == "ดำเนินการ ตาม แผน"
    assert normalize_for_match("The  OECD") == "the oecd"


def test_relevance_needs_the_same_source_and_the_evidence() -> None:
    assert ITEM_TH.is_relevant("thai/a.pdf", "xx ดำเนินการ\nตามแผน yy")
    assert not ITEM_TH.is_relevant("thai/b.pdf", "ดำเนินการ ตามแผน")
    assert not ITEM_TH.is_relevant("thai/a.pdf", "ด าเนินการ ตามแผน")  # broken PDF text misses, as a user would


def test_metrics_overall_and_per_cell() -> None:
    def search_many(queries: list[str], k: int) -> list[list[dict[str, object]]]:
        return [
            [
                {"rank": 1, "source": "thai/b.pdf", "text": "ดำเนินการ ตามแผน"},
                {"rank": 2, "source": "thai/a.pdf", "text": "ดำเนินการ ตามแผน"},
            ],
            [{"rank": 1, "source": "thai/a.pdf", "text": "อื่น"}],
        ]

    report = evaluate([ITEM_TH, ITEM_EN], search_many)
    assert report.cells["th-mono"]["R@1"] == 0.0
    assert report.cells["th-mono"]["R@5"] == 1.0
    assert report.cells["th-mono"]["MRR@10"] == 0.5
    assert report.cells["en-cross"]["R@10"] == 0.0
    assert report.overall["R@10"] == 0.5
    assert report.overall["MRR@10"] == 0.25
    assert report.per_item[0]["first_relevant_rank"] == 2
    assert "overall" in report.format_table()


def test_load_qa_reports_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps({"question": "q", "source": "s", "evidence": ["e"]}) + "\n{\"question\": 1}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"qa.jsonl:2"):
        load_qa(path)

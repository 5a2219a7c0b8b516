"""The lexical stage: a passage's BM25 share is taken of what a passage of its script can match."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.retrieval.stages import Lexical, latin_terms
from tests.index.retrieval.conftest import build_index

ENGLISH = "The four transversal facets are excluded from the composite DGI 2019 score."
THAI = {
    "th1.md": ["มิติของรัฐบาลดิจิทัลทั้งหกด้านถูกนำมาคิดคะแนนรวมของประเทศ"],
    "th2.md": ["การคิดคะแนนรวมใช้ค่าเฉลี่ยของมิติทั้งหก"],
}
QUESTION = "มิติตัดขวาง (transversal facets) ถูกนำไปคิดคะแนนรวม DGI 2019 หรือไม่"


def test_latin_terms_are_those_without_thai_letters() -> None:
    assert latin_terms(["มิติ", "transvers", "facet", "dgi", "2019", "คะแนน"]) == ["transvers", "facet", "dgi", "2019"]


def test_an_english_passage_matching_every_latin_term_of_a_thai_question_gets_the_full_share(tmp_path: Path) -> None:
    index = build_index(tmp_path, {"report.md": [ENGLISH], **THAI})
    found = Lexical(index).run(QUESTION, "th", None, weight=5.0, cross_script=0.5)
    english_row = next(row for row, lang in enumerate(index.row_langs) if lang == "en")
    terms = Lexical(index).query_terms(QUESTION)
    assert latin_terms(terms) == ["transvers", "facet", "dgi", "2019"]
    # Divided by the IDF of the terms an English passage can hold (cross-script weight 2.5 of 5),
    # not by the whole question's, whose Thai words it never can.
    english = index.bm25.scores(terms)[english_row]
    assert found[english_row] == pytest.approx(2.5 * english / index.bm25.query_bound(latin_terms(terms)))
    assert found[english_row] > 1.2 * 2.5 * english / index.bm25.query_bound(terms)


def test_thai_passages_and_english_questions_keep_the_whole_questions_bound(tmp_path: Path) -> None:
    index = build_index(tmp_path, {"report.md": [ENGLISH], **THAI})
    lexical = Lexical(index)
    terms = lexical.query_terms(QUESTION)
    scores = index.bm25.scores(terms)
    found = lexical.run(QUESTION, "th", None, weight=5.0, cross_script=0.5)
    for row, lang in enumerate(index.row_langs):
        if lang == "th" and scores[row] > 0:
            assert found[row] == pytest.approx(5.0 * scores[row] / index.bm25.query_bound(terms))
    english_question = "transversal facets composite score"
    english_terms = lexical.query_terms(english_question)
    assert latin_terms(english_terms) == english_terms  # one bound for both scripts

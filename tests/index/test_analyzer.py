from __future__ import annotations

import numpy as np

from index.analyzer import RegexAnalyzer, ThaiEnglishAnalyzer, analyzer_from_dict
from index.bm25 import BM25Index

PASSAGES = [
    "นโยบายรัฐบาลดิจิทัลของประเทศไทยมุ่งเชื่อมโยงข้อมูลระหว่างหน่วยงาน",
    "การท่องเที่ยวของประเทศไทยฟื้นตัวหลังโรคระบาด",
    "Open government data portals publish datasets for reuse.",
]


class TestThaiEnglishAnalyzer:
    def test_segments_thai_words(self) -> None:
        terms = ThaiEnglishAnalyzer().run("รัฐบาลดิจิทัล")
        assert terms == ["รัฐบาล", "ดิจิทัล"]

    def test_lowercases_and_stems_english(self) -> None:
        assert ThaiEnglishAnalyzer().run("Governments publish Policies") == ["govern", "publish", "polici"]

    def test_thai_and_arabic_digits_are_the_same_term(self) -> None:
        analyzer = ThaiEnglishAnalyzer()
        assert "2561" in analyzer.run("พ.ศ. ๒๕๖๑")
        assert "2561" in analyzer.run("พ.ศ. 2561")

    def test_drops_punctuation_and_stopwords(self) -> None:
        assert ThaiEnglishAnalyzer().run("the data , and ( ) ") == ["data"]

    def test_round_trips_through_manifest_dict(self) -> None:
        analyzer = ThaiEnglishAnalyzer(stem_english=False)
        rebuilt = analyzer_from_dict(analyzer.to_dict())
        assert rebuilt.run("Policies") == ["policies"]


def test_thai_query_that_regex_tokens_miss_and_newmm_finds() -> None:
    """'รัฐบาล' inside 'นโยบายรัฐบาลดิจิทัล': regex tokens split at vowel marks and never match."""
    query = "รัฐบาล"
    regex, newmm = RegexAnalyzer(), ThaiEnglishAnalyzer()

    regex_scores = BM25Index().build(regex.run_batch(PASSAGES)).scores(regex.run(query))
    newmm_scores = BM25Index().build(newmm.run_batch(PASSAGES)).scores(newmm.run(query))

    assert regex_scores[0] == 0.0
    assert int(np.argmax(newmm_scores)) == 0 and newmm_scores[0] > 0


def test_bm25_unknown_query_terms_score_zero(tmp_path) -> None:  # type: ignore[no-untyped-def]
    analyzer = ThaiEnglishAnalyzer()
    index = BM25Index().build(analyzer.run_batch(PASSAGES))
    unknown = index.scores(analyzer.run("blockchain"))
    assert unknown.shape == (len(PASSAGES),) and not unknown.any()
    known = index.scores(analyzer.run("datasets"))
    assert int(np.argmax(known)) == 2 and known[2] > 0 and not known[:2].any()  # only the passage with the word
    index.save(tmp_path / "bm25")
    reloaded = BM25Index.load(tmp_path / "bm25")
    np.testing.assert_allclose(reloaded.scores(analyzer.run("datasets")), known)

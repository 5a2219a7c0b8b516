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

    def test_words_in_brackets_and_quotes_are_plain_terms(self) -> None:
        """newmm leaves "(DGI)", '"Data' and "[2019]" whole; they must be the terms a plain mention has."""
        terms = ThaiEnglishAnalyzer().run('the Index (DGI), “Data availability” in [2019] for 66% of e-government/ICT')
        assert terms == ["index", "dgi", "data", "avail", "2019", "66", "e-government", "ict"]

    def test_thai_terms_keep_their_marks(self) -> None:
        assert ThaiEnglishAnalyzer().run("ธรรมาภิบาลข้อมูล (Data Governance) สพร.") == ["ธรรมาภิบาล", "ข้อมูล", "data", "govern", "สพ", "ร."]

    def test_index_written_before_punctuation_stripping_keeps_its_query_terms(self) -> None:
        """An old manifest has no ``strip_punctuation``: its queries keep the old terms until re-ingest."""
        old = {key: value for key, value in ThaiEnglishAnalyzer().to_dict().items() if key != "strip_punctuation"}
        assert analyzer_from_dict(old).run("(DGI)") == ["(dgi)"]
        assert analyzer_from_dict(ThaiEnglishAnalyzer().to_dict()).run("(DGI)") == ["dgi"]

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


def test_acronym_in_brackets_is_found_by_a_query_naming_it() -> None:
    passages = ["The OECD Digital Government Index (DGI) assesses six dimensions.", "Open data portals publish datasets."]
    analyzer = ThaiEnglishAnalyzer()
    scores = BM25Index().build(analyzer.run_batch(passages, for_index=True)).scores(analyzer.run("What does the DGI measure?"))
    assert scores[0] > 0 and scores[1] == 0.0


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

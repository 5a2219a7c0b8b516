from __future__ import annotations

import numpy as np
import pytest

from index.analyzer import ThaiEnglishAnalyzer, analyzer_from_dict
from index.bm25 import BM25Index
from index.years import document_year, other_era, with_common_era, year_aliases, year_of_name, year_of_title


class TestOtherEra:
    @pytest.mark.parametrize(
        ("year", "marker", "expected"),
        [
            (2561, "be", 2018),
            (2018, "ce", 2561),
            (2561, None, 2018),
            (2018, None, 2561),
            (2420, "be", 1877),  # marked: the whole plausible range
            (2420, None, None),  # unmarked: only the years policy documents talk about
            (1877, None, None),
            (3000, None, None),
            (2561, "ce", None),  # "ค.ศ. 2561" is no year we can map
        ],
    )
    def test_maps_plausible_years_only(self, year: int, marker: str | None, expected: int | None) -> None:
        assert other_era(year, marker) == expected


class TestYearAliases:
    def test_amounts_are_not_years(self) -> None:
        assert year_aliases(["2500", "บาท"]) == []
        assert year_aliases(["2000", "people"]) == []
        assert year_aliases(["2,500"]) == []

    def test_phone_and_reference_numbers_are_not_years(self) -> None:
        assert year_aliases(["โทร", "02", "612", "2561"]) == []
        assert year_aliases(["0", "2612", "-", "6060"]) == []
        assert year_aliases(["july", ",", "2014", "2014", "oecd"]) == [(2, "2557"), (3, "2557")]

    def test_a_marker_wins_over_a_unit(self) -> None:
        assert year_aliases(["พ.ศ.", "2500", "บาท"]) == [(1, "1957")]

    def test_second_year_of_a_range(self) -> None:
        assert year_aliases(["ปี", "2561", "-", "2565"]) == [(1, "2018"), (3, "2022")]


class TestAnalyzerYears:
    def test_passages_carry_both_eras_queries_do_not(self) -> None:
        analyzer = ThaiEnglishAnalyzer()
        assert analyzer.run_index("ประกาศเมื่อ พ.ศ. ๒๕๖๑") == ["ประกาศ", "พ.ศ.", "2561", "2018"]
        assert analyzer.run_index("adopted in 2018") == ["adopt", "2018", "2561"]
        assert analyzer.run("adopted in 2018") == ["adopt", "2018"]

    def test_old_manifests_without_the_flag_do_not_expand(self) -> None:
        analyzer = analyzer_from_dict({"type": "thai_english", "engine": "newmm"})
        assert analyzer.run_index("2018") == ["2018"]
        assert analyzer_from_dict(ThaiEnglishAnalyzer().to_dict()).run_index("2018") == ["2018", "2561"]


PASSAGES = [
    "คณะรัฐมนตรีเห็นชอบแผนพัฒนารัฐบาลดิจิทัล เมื่อ พ.ศ. ๒๕๖๑ เพื่อเชื่อมโยงข้อมูล",
    "The OECD Recommendation on digital government strategies was reviewed in 2019.",
    "ค่าธรรมเนียมการขอใบอนุญาต 2500 บาท ชำระผ่านพร้อมเพย์",
    "Open data portals publish 1957 datasets for reuse.",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("digital government plan 2018", 0),  # CE question finds the BE passage (Thai digits, too)
        ("แผนรัฐบาลดิจิทัลปี 2018", 0),
        ("OECD Recommendation 2562", 1),  # BE question finds the CE passage
        ("ข้อแนะนำ OECD ปี พ.ศ. ๒๕๖๒", 1),
    ],
)
def test_a_year_in_either_era_finds_the_passage_with_the_other(query: str, expected: int) -> None:
    analyzer = ThaiEnglishAnalyzer()
    index = BM25Index().build(analyzer.run_batch(PASSAGES, for_index=True))
    year_terms = [term for term in analyzer.run(query) if term.isdigit()]
    scores = index.scores(year_terms)  # the year alone, so nothing else can explain the match
    assert int(np.argmax(scores)) == expected and scores[expected] > 0
    assert np.count_nonzero(scores) == 1  # nor the other year, nor "2500 บาท" / "1957 datasets"


def test_an_amount_is_not_found_by_a_year() -> None:
    analyzer = ThaiEnglishAnalyzer()
    index = BM25Index().build(analyzer.run_batch(PASSAGES, for_index=True))
    assert not index.scores(["1957"])[2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ดัชนี DGI ปี 2562 มีประเทศเข้าร่วมกี่ประเทศ", "ดัชนี DGI ปี 2562 (2019) มีประเทศเข้าร่วมกี่ประเทศ"),
        ("แผนปีงบประมาณ2567", "แผนปีงบประมาณ2567 (2024)"),
        ("พ.ศ. 2561 - 2565", "พ.ศ. 2561 (2018) - 2565 (2022)"),
        ("DGI 2023 results", "DGI 2023 results"),  # a Common-era year is left alone
        ("ค่าธรรมเนียม 2500 บาท", "ค่าธรรมเนียม 2500 บาท"),  # an amount
        ("โทร 0 2612 6060", "โทร 0 2612 6060"),  # a phone number
    ],
)
def test_a_queries_buddhist_era_year_gets_its_common_era_form_for_the_encoders(query: str, expected: str) -> None:
    assert with_common_era(query) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # the corpus's titles that name a year
        ("OECD Digital Government Index (DGI): Methodology and 2019 Results", 2019),
        ("Digital Government Index: 2019 results", 2019),
        ("2023 OECD Digital Government Index: Results and Key Findings", 2023),
        ("OECD 2017 OURdata Index: Methodology and results", 2017),
        ("แนวทางการจัดทำงบประมาณตามนโยบายการใช้คลาวด์เป็นหลัก ปีงบประมาณ พ.ศ. 2569", 2026),
        # a Thai title's bare Buddhist-era years, an English title's target year
        ("แผนปฏิบัติการด้านดิจิทัล 2566-2570", 2023),
        ("ประกาศ ณ วันที่ 10 มิถุนายน 2562", 2019),
        ("Digital Government Roadmap to 2030", 2030),
        # counts, ranks and amounts
        ("Top 2500 companies", None),  # was Buddhist era 2500 = 1957
        ("Top 2000 companies by revenue", None),
        ("Over 2000 agencies joined in 2019", 2019),
        ("บริษัทชั้นนำกว่า 2500 แห่ง", None),
        ("โครงการงบประมาณ 2500 ล้านบาท", None),
        ("Smart card reader specification", None),
    ],
)
def test_a_titles_year_is_read_only_where_the_number_reads_as_a_year(title: str, expected: int | None) -> None:
    assert year_of_title(title) == expected


@pytest.mark.parametrize(
    ("name", "thai", "expected"),
    [
        ("thai/kb/files__ระเบียบสำนักทะเบียนกลาง-ว่าด้วยการคุ้มครองข้อมูล-พ.ศ.2561.pdf", True, 2018),
        ("thai/kb/รายงานประจำปี 2565.pdf", True, 2022),
        ("thai/kb/plan_2566-2570.docx", True, 2023),  # a Thai document's bare Buddhist-era years
        ("oecd/annual-report_2019_final.pdf", False, 2019),
        ("en/plan-2566.pdf", False, None),  # an English document writes the Common Era
        # counts and codes are no year, nor dates and upload stamps run together
        ("en/top-2500-companies.pdf", False, None),
        ("thai/iso-27001-controls.pdf", True, None),
        ("thai/kb/files__20180920113012.pdf", True, None),  # the stamp of a 2012 agreement's upload
        ("thai/kb/files__cabinetDoc161018.pdf", True, None),  # 16-10-2018 or 2016-10-18
        ("thai/kb/files__GovAPI_PersonAPI_AdminManual_22112018.pdf", True, None),
    ],
)
def test_a_file_names_year_is_read_as_a_titles(name: str, thai: bool, expected: int | None) -> None:
    assert year_of_name(name, thai=thai) == expected


def test_a_documents_year_is_its_titles_else_its_file_names() -> None:
    # an OCR'd title that names no year: the file name's (Thai digits mapped by encoder_text first)
    assert document_year("เล่ม 135 ตอนพิเศษ 253 ง ราชกิจจานุเบกษา", "thai/ระเบียบ-พ.ศ.2561.pdf", "th") == 2018
    assert document_year("Digital Government Index: 2019 results", "oecd/dgi-2023.pdf", "en") == 2019
    assert document_year("Top 2500 companies", "en/top-2500-companies.pdf", "en") is None
